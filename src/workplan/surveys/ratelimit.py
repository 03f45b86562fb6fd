"""A small fixed-window rate limit on Django's cache, for the pages anyone with a link can
reach (survey links): per client address and per token.

Limits come from ``WORKPLAN_SURVEY_RATE_LIMITS`` ({"ip": (requests, seconds), "token":
(requests, seconds)}); the defaults let a whole workshop answer from one venue's address
(300 requests in 10 minutes) while a single link gets 30 requests in 10 minutes, far more
than answering and correcting needs and far too few to guess anything.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {"ip": (300, 600), "token": (30, 600)}


def limits() -> dict:
    return {**DEFAULT_LIMITS, **(getattr(settings, "WORKPLAN_SURVEY_RATE_LIMITS", {}) or {})}


def _hit(scope: str, subject: str, limit: int, window: int, now: float) -> int | None:
    """Count one request; the seconds until the window ends if the limit is exceeded."""
    bucket = int(now // window)
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"workplan:surveys:rate:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(int((bucket + 1) * window - now), 1)
    return None


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check(request, token: str) -> int | None:
    """Count this request against the client's and the token's limits; the seconds to wait
    (for a Retry-After header) when either is exceeded, else None."""
    now = time.time()
    configured = limits()
    waits = []
    for scope, subject in (("ip", client_address(request)), ("token", token)):
        limit, window = configured[scope]
        wait = _hit(scope, subject, int(limit), int(window), now)
        if wait is not None:
            waits.append(wait)
    return max(waits) if waits else None
