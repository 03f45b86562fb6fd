"""Secrets carried in URLs never reach a log.

A survey link (``/surveys/r/<token>/``) is the respondent's credential, and so is a password
reset link; whoever reads a log holding one could answer in the respondent's place or take the
account over. Every log line Workplan writes passes through :func:`mask`: gunicorn's access and
error logs (:class:`GunicornLogger`, which ``workplan serve --prod`` passes to gunicorn), and
Django's loggers through the ``mask_secrets`` filter of the console handler in settings (the
request log that names every 404's path, the development server's request log, the errors).

This module is the one place that knows which URLs carry a secret: :data:`SECRET_URLS` names
each URL pattern (tests/core/test_logmask.py checks that every pattern of the URL
configuration with a token in it is listed). The secret is replaced by :data:`MASK`; the rest of
the line (method, path, status, timing, referrer) stays, so the log still says what happened.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from gunicorn.glogging import Logger as GunicornBaseLogger

MASK = "[masked]"

# Characters a secret path segment is made of: anything but the separators of a URL and of a
# log line (quotes, spaces).
_SEGMENT = r"[^/?#&\s\"'<>]+"


@dataclass(frozen=True)
class SecretURL:
    """A URL pattern (by name) whose path carries a secret, and the regex that finds it in
    free text: the secret is its group ``secret``."""

    name: str
    kwargs: tuple[str, ...]
    regex: re.Pattern


# The survey respondent's link, and every URL under it.
_SURVEY_LINK = re.compile(rf"/surveys/r/(?P<secret>{_SEGMENT})")

SECRET_URLS = (
    # The survey respondent's link (surveys/views/respond.py): docs/surveys.md "Tokens".
    SecretURL("surveys:respond", ("token",), _SURVEY_LINK),
    # The same link's download of the person's certificate of participation.
    SecretURL("surveys:respond_certificate", ("token",), _SURVEY_LINK),
    # An event's public registration link and a registrant's personal link (its QR code
    # checks them in): registration/views/register.py, docs/registration.md.
    SecretURL("registration:register", ("token",),
              re.compile(rf"/registration/r/(?P<secret>{_SEGMENT})")),
    SecretURL("registration:ticket", ("token",),
              re.compile(rf"/registration/t/(?P<secret>{_SEGMENT})")),
    # An office invitation's set-password link (core/office.py): whoever holds it opens the
    # account with the invitation's role.
    SecretURL("core:invitation_accept", ("token",),
              re.compile(rf"/invitation/(?P<secret>{_SEGMENT})")),
    # django.contrib.auth's password reset link; its view swaps the token for "set-password"
    # at once, which is not a secret.
    SecretURL("password_reset_confirm", ("uidb64", "token"),
              re.compile(rf"/accounts/reset/{_SEGMENT}/(?!set-password(?:[/?#\s\"]|$))"
                         rf"(?P<secret>{_SEGMENT})")),
)

# Secrets wherever they appear: a query parameter named like a credential, and an API token
# (api/auth.py: "wpt_" + 43 characters) pasted into a URL instead of the Authorization header.
OTHER_SECRETS = (
    re.compile(r"[?&;](?:token|access_token|api_key|apikey|key|secret|password|signature)="
               r"(?P<secret>[^&#\s\"'<>]+)", re.IGNORECASE),
    re.compile(r"(?P<secret>wpt_[A-Za-z0-9_-]{20,})"),
)

PATTERNS = tuple(dict.fromkeys(url.regex for url in SECRET_URLS)) + OTHER_SECRETS


def _replace(match: re.Match) -> str:
    start, end = match.span("secret")
    text = match.group(0)
    offset = match.start(0)
    return text[:start - offset] + MASK + text[end - offset:]


def mask(text: str) -> str:
    """``text`` with every secret of a URL replaced by :data:`MASK`."""
    if not text:
        return text
    for pattern in PATTERNS:
        text = pattern.sub(_replace, text)
    return text


class MaskSecrets(logging.Filter):
    """A logging filter that masks the secrets of URLs in a record's message and traceback.

    It formats the message once (``msg % args``) and keeps the result, so handlers after it
    print the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as it would
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with every access and error line masked (``--logger-class``).

    The filter sits on both of gunicorn's loggers, so it covers the access log's request line
    and referrer as well as "Error handling request <path>"."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskSecrets) for f in log.filters):
                log.addFilter(MaskSecrets())
