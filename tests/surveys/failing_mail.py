"""An e-mail backend that refuses addresses at fail.example (as an SMTP server refuses a
recipient) and delivers the rest to Django's test outbox."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class Backend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = [a for a in message.recipients() if a.endswith("@fail.example")]
            if refused:
                raise SMTPRecipientsRefused({a: (550, b"no such user") for a in refused})
        return super().send_messages(messages)
