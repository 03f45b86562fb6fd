"""Security headers Django 5.2 does not send itself, and the client address behind a proxy.

``SecurityHeadersMiddleware`` adds ``Content-Security-Policy`` and ``Permissions-Policy`` to
every response, in development as in production (so a page that breaks the policy breaks on
the developer's machine first). Django's own ``SecurityMiddleware`` already sends
``X-Content-Type-Options``, ``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and HSTS, and
``XFrameOptionsMiddleware`` sends ``X-Frame-Options``.

The policy (``WORKPLAN_CSP``) allows scripts from our own origin only: our templates have no
inline ``<script>`` and no ``on…=`` handlers (htmx and django-htmx are static files), and
inline ``style=""`` attributes (the share bars) are allowed by ``style-src 'unsafe-inline'``.
Two pages need more: drf-spectacular's Swagger UI and Redoc pages (``/api/docs/``,
``/api/redoc/``) start their bundle with an inline script, and Redoc runs its search in a
worker made from a ``blob:`` URL. They get ``WORKPLAN_CSP_RELAXED``, chosen by URL name
(``WORKPLAN_CSP_RELAXED_VIEWS``). A view of ours can carry its own policy with the
``content_security_policy`` decorator.

``ForwardedClientAddressMiddleware``: behind nginx every request comes from 127.0.0.1, so
django-axes would lock a user name out for everybody after five failures from anyone, and the
survey links' per-address rate limit would count all respondents as one. With
``WORKPLAN_PROXY_COUNT = N`` (N trusted proxies in front; 1 for one nginx) ``REMOTE_ADDR``
becomes the address the outermost trusted proxy saw: the N-th entry from the right of
``X-Forwarded-For`` (a client can prepend entries, never append them). The header is only
believed when the request itself comes from a loopback or private address (the proxy): a
client reaching gunicorn directly from outside cannot choose its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings

CSP_HEADER = "Content-Security-Policy"

DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI / Redoc (drf-spectacular): their inline start-up script, Redoc's blob: worker.
# Redoc's template also links Google Fonts; that stays blocked (no CDN: it falls back to
# the system fonts).
RELAXED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def content_security_policy(policy: str | None) -> Callable:
    """Decorate a view with its own policy (``None``: send no CSP header for it)."""

    def decorate(view):
        view.content_security_policy = policy
        return view

    return decorate


_UNSET = object()


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "WORKPLAN_CSP", DEFAULT_CSP)
        self.relaxed_policy = getattr(settings, "WORKPLAN_CSP_RELAXED", RELAXED_CSP)
        self.relaxed_views = frozenset(getattr(settings, "WORKPLAN_CSP_RELAXED_VIEWS", ()))
        self.permissions_policy = getattr(
            settings, "WORKPLAN_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(request, "_workplan_csp", _UNSET)
        if policy is _UNSET:
            policy = self.policy
        if policy and CSP_HEADER not in response:
            response[CSP_HEADER] = policy
        if self.permissions_policy:
            response.setdefault("Permissions-Policy", self.permissions_policy)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        policy = getattr(view_func, "content_security_policy", _UNSET)
        if policy is _UNSET:
            match = request.resolver_match
            if match is not None and match.view_name in self.relaxed_views:
                policy = self.relaxed_policy
        if policy is not _UNSET:
            request._workplan_csp = policy
        return None


def _is_proxy(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_private  # loopback and RFC 1918/4193 too
    except ValueError:
        return False


def forwarded_address(meta: dict, proxies: int) -> str | None:
    """The client address ``proxies`` trusted proxies saw, from ``X-Forwarded-For``; None if
    the request does not come from a proxy (loopback or private address), the header has
    fewer entries than ``proxies`` or the entry is not an IP address."""
    if proxies <= 0 or not _is_proxy(meta.get("REMOTE_ADDR", "")):
        return None
    entries = [item.strip() for item in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [item for item in entries if item]
    if len(entries) < proxies:
        return None
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ForwardedClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = int(getattr(settings, "WORKPLAN_PROXY_COUNT", 0) or 0)

    def __call__(self, request):
        address = forwarded_address(request.META, self.proxies)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
