"""API authentication: the browser's session (with CSRF) or a personal token.

A token is ``wpt_`` followed by 43 random URL-safe characters. Only its SHA-256 is stored, with
its first 12 characters (``prefix``) so that its owner can tell tokens apart. Clients send it as
``Authorization: Token <token>`` (``Bearer`` works too). A revoked or expired token is a 401; a
read-only token may only read (any other method is a 403). ``last_used_at`` is written at most
once a minute per token, so a busy client does not turn every read into a write.

Passwords are never accepted by the API: a client either holds a session (signed in through the
login page, where django-axes counts failures) or a token its owner created there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from workplan.core.models import ApiToken

TOKEN_PREFIX = "wpt_"
PREFIX_LENGTH = 12
KEYWORDS = ("token", "bearer")
LAST_USED_EVERY = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user, *, name: str, read_only: bool = False,
                expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the stored row and the raw token (shown once,
    never stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, read_only=read_only,
                                    expires_at=expires_at, prefix=raw[:PREFIX_LENGTH],
                                    key_hash=hash_token(raw))
    return token, raw


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke ``token`` from now on (kept, so its owner sees when it was revoked)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def touch(token: ApiToken, now: dt.datetime) -> None:
    """Record that ``token`` was used, unless that was recorded less than a minute ago (one
    guarded UPDATE, so concurrent requests do not write it twice)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY),
    ).update(last_used_at=now)
    token.last_used_at = now


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token wpt_...`` (or ``Bearer wpt_...``)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: give the token after “Token ”, with no "
                  "spaces in it."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_token(raw)

    def authenticate_token(self, raw: str):
        if not raw.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_token(raw)).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        state = token.state(now)
        if state == "revoked":
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if state == "expired":
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user account is disabled."))
        touch(token, now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes unauthenticated requests a 401 (with this challenge), not a 403.
        return self.keyword


class ReadOnlyTokens(permissions.BasePermission):
    """A read-only token reads; any other method is refused (403)."""

    message = _("This token is read-only: it cannot change anything.")

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
