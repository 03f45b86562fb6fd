"""Error reports never show a credential (``DEFAULT_EXCEPTION_REPORTER_FILTER``).

Django's filter hides settings and request headers whose *name* says secret (``PASSWORD``,
``SECRET_KEY``, ``TOKEN`` ...), but not a secret inside a value: ``DATABASE_URL =
postgres://workplan:PASSWORD@db/workplan`` was printed in full on the DEBUG error page, in its
settings and, under the development server, in the request's environment (``META``). This
filter also redacts

- the password of every URL with credentials (``scheme://user:password@``), and the user part of
  a DSN (``SENTRY_DSN``-like names: there the user is the key), in any setting, environment
  variable or request header;
- query parameters of a URL named like a credential (``?password=``, ``?sslpassword=``,
  ``?token=`` ...: libpq and others accept credentials that way);
- the same in the traceback's local variables, and the variables and dictionary entries named
  like a secret there (``password``, ``token`` ...: a database driver's connection parameters
  hold the password).

The rest of a URL (scheme, user, host, database) stays: it is what one debugs with.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@  (the password may be empty; the user may be empty: redis://:pw@)
URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@/\s]*)@",
                          re.IGNORECASE)
# scheme://user@  for names that say DSN: the user is the secret.
URL_USER = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://)(?P<secret>[^:/@\s]+)@", re.IGNORECASE)
QUERY_SECRET = re.compile(
    r"(?P<head>[?&;](?:password|passwd|pass|pwd|sslpassword|secret|token|access_token|"
    r"api_key|apikey|key)=)(?P<secret>[^&#\s]+)", re.IGNORECASE)
DSN_NAME = re.compile(r"DSN", re.IGNORECASE)
# Names of a traceback's variables (and dictionary keys there) whose value is a secret. Narrower
# than Django's names of secret settings, which would hide every ``key`` and ``author``.
SECRET_VARIABLE = re.compile(r"pass|pwd|secret|token|credential|api_?key|private_?key|"
                             r"signature|cookie|sessionid", re.IGNORECASE)

MAX_DEPTH = 4  # of containers walked in a traceback's variables


class CredentialsFilter(SafeExceptionReporterFilter):
    """Django's filter, plus credentials inside values (see the module's docstring)."""

    def redact(self, text: str, *, dsn: bool = False) -> str:
        def hide(match: re.Match) -> str:
            return match.group("head") + self.cleansed_substitute + (
                "@" if match.re is not QUERY_SECRET else "")

        text = URL_PASSWORD.sub(hide, text)
        text = QUERY_SECRET.sub(hide, text)
        if dsn:
            text = URL_USER.sub(hide, text)
        return text

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            try:
                dsn = bool(DSN_NAME.search(key))
            except TypeError:
                dsn = False
            return self._redact_kept(cleansed, dsn=dsn)
        return cleansed

    def _redact_kept(self, value, *, dsn: bool = False):
        """``value`` redacted, or itself when there is nothing to hide (a lazy string stays
        lazy)."""
        try:
            text = str(value)
        except Exception:  # a lazy value that fails to evaluate: Django shows the failure
            return value
        redacted = self.redact(text, dsn=dsn)
        return value if redacted == text else redacted

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute if SECRET_VARIABLE.search(name)
                 else self._cleanse_variable(value, 0))
                for name, value in super().get_traceback_frame_variables(request, tb_frame)]

    def _cleanse_variable(self, value, depth: int):
        """Strings redacted; plain dicts, lists and tuples walked (not too deep: a variable
        can hold a large or cyclic structure); anything else shown as it is."""
        if isinstance(value, str):
            return self._redact_kept(value)
        if depth >= MAX_DEPTH:
            return value
        if type(value) is dict:
            return {k: (self.cleansed_substitute if isinstance(k, str)
                        and SECRET_VARIABLE.search(k)
                        else self._cleanse_variable(v, depth + 1))
                    for k, v in value.items()}
        if type(value) in (list, tuple):
            return type(value)(self._cleanse_variable(v, depth + 1) for v in value)
        return value
