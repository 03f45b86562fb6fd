"""Absolute URLs for what leaves the site (calendar files, exports, e-mails), from one place.

A link in a file someone downloads must work outside the browser that fetched it (RFC 5545
wants an absolute URI in ``URL``). The base is the request's own scheme and host while a
request is being answered (``from_request``), else the setting ``WORKPLAN_BASE_URL`` (the CLI,
cron jobs, background tasks).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_request_base: ContextVar[str | None] = ContextVar("workplan_request_base", default=None)


def base_url() -> str:
    """``https://host`` without a trailing slash: the request's, else WORKPLAN_BASE_URL."""
    found = _request_base.get() or getattr(settings, "WORKPLAN_BASE_URL", "") \
        or "http://127.0.0.1:8000"
    return found.rstrip("/")


def absolute(path: str) -> str:
    """``path`` (as ``reverse`` or ``get_absolute_url`` gives it) as an absolute URL."""
    if "://" in path:
        return path
    return base_url() + "/" + path.lstrip("/")


@contextmanager
def from_request(request):
    """Within the block, ``absolute`` builds on the request's scheme and host."""
    token = _request_base.set(request.build_absolute_uri("/").rstrip("/"))
    try:
        yield
    finally:
        _request_base.reset(token)
