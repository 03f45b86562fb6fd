"""Uploads: how a size over a limit is told, and uploads that wait for a confirmation.

A waiting upload's bytes stay in the session, keyed by their sha256.

A preview page shows what an upload would do; the confirming POST names the sha256 it saw.
The bytes are only used if they are still the ones previewed (same checksum, same extra
context such as the office or the event): a stale, replaced or tampered confirmation gets None.
One pending upload per key and session: a new preview replaces the previous one.
"""

from __future__ import annotations

import base64
import hashlib

from django.template.defaultfilters import filesizeformat


def sizes(size: int, limit: int) -> dict[str, str]:
    """A size over a limit, as people read them ({"size", "limit"}); in bytes when rounding
    would print both the same ("10.0 MB; the limit is 10.0 MB" tells nobody anything)."""
    shown, allowed = filesizeformat(size), filesizeformat(limit)
    if shown == allowed:
        shown, allowed = f"{size:,} bytes", f"{limit:,} bytes"
    return {"size": shown, "limit": allowed}


def stash(session, key: str, data: bytes, **context) -> str:
    sha = hashlib.sha256(data).hexdigest()
    session[key] = {"sha256": sha, "data": base64.b64encode(data).decode("ascii"),
                    "context": context}
    return sha


def pending(session, key: str, sha: str, **expected) -> tuple[bytes, dict] | None:
    """(bytes, context) of the stashed upload with this sha256 and context, else None."""
    stored = session.get(key)
    if not stored or not sha or stored.get("sha256") != sha:
        return None
    context = stored.get("context") or {}
    if any(context.get(name) != value for name, value in expected.items()):
        return None
    try:
        data = base64.b64decode(stored["data"], validate=True)
    except (KeyError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != sha:
        return None
    return data, context


def drop(session, key: str) -> None:
    session.pop(key, None)
