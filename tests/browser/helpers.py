"""Helpers of the browser tests: signing in through the form, screenshots, layout checks."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("WORKPLAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("WORKPLAN_SCREENSHOTS") or ROOT / "var" / "screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def sign_in(page, username: str, password: str, next_path: str = "/") -> None:
    """Sign in through the real login form (so django-axes and the session cookie are part of
    the test), then land on ``next_path``."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        alert = page.locator("[role=alert]")
        message = alert.inner_text() if alert.count() else "(no message)"
        raise AssertionError(f"signing in as {username} failed: {message}")


def shot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot as var/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
