"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is not downloaded by Playwright; the system one (``/usr/bin/chromium``, Debian's
``chromium`` package, which .ci/run installs) is launched instead. Set WORKPLAN_CHROMIUM to
use another binary. Without it the browser tests skip, saying why (and under CI, where
WORKPLAN_NO_SKIP=1, the skip is a failure: see tests/conftest.py).

Screenshots go to ``var/screenshots/`` (gitignored) or WORKPLAN_SCREENSHOTS. The helpers
(``sign_in``, ``shot``, ``assert_accessible``) are in helpers.py and a11y.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from .standards import collect

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# database calls the test makes while it runs ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
    # The Nu HTML Checker's test reads what every other browser test loaded: it goes last.
    last = [item for item in items if item.get_closest_marker("after_browser_tests")]
    for item in last:
        items.remove(item)
    items.extend(last)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (tests/browser)")
    config.addinivalue_line("markers", "after_browser_tests: runs after every other test")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (headless)."""
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
                    "(or set WORKPLAN_CHROMIUM) to run the browser tests")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("the `playwright` Python package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Error as error:
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(error).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _directory_loaded(request):
    """live_server tests are transactional: each ends with a flush, which also empties what
    the data migrations loaded (the Asia/Pacific region, its members and groups, ROCB-AP;
    the WCO instruments of the adoption register). Load it again (the same idempotent
    services the migrations run) before each such test; autouse, so it runs before fixtures
    such as ``office`` that read it."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from workplan.directory.services import load_region
    from workplan.indicators.services import load_instruments

    load_region()
    load_instruments()
    # the partners a data migration adds (OCO, PIFS), with the migration's own function
    import_module("workplan.directory.migrations.0007_partners_oco_pifs").add_partners(apps, None)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) at desktop size, with ``base_url`` set to the live
    server; JavaScript errors on any page fail the test."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    collect(context)  # the HTML it loads goes to the Nu HTML Checker (standards.py)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
