"""The web pages pass the standards' own validators (standards.py):

- axe-core on every page of the app: an office admin's pages and the anonymous ones (the
  survey link, a broken link, the sign-in form) in the one page walk of test_every_page.py;
  here, every page a member's focal point can open (their pages differ: their own member's
  records, no staff actions), at desktop width (the admin's walk checks each template at phone
  width): zero violations;
- the Nu HTML Checker on every HTML document any browser test of the session loaded, in one
  run after them all: zero errors.

Each validator is also shown a page with a planted fault, which it must reject, so neither can
pass vacuously (a missing validator skips, which CI turns into a failure).
"""

from __future__ import annotations

import shutil

import pytest

from tests import test_permission_matrix
from tests.conftest import TEST_PASSWORD

from .helpers import DESKTOP, sign_in
from .standards import PAGES_DIR, axe_violations, collect, vnu_errors
from .walk import admin_pages, walk

world = test_permission_matrix.world

PLANTED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Planted faults</title></head>
<body><main>
<h1>Planted faults</h1>
<p>Text <details><summary>More</summary>in a paragraph</details></p>
<span aria-label="12 events">12</span>
<div id="twice"></div><div id="twice"></div>
<time datetime="2025-03-03 10:00:00.123456+00:00">3 March</time>
<svg role="img" aria-label="A chart" width="100" height="20">
  <a href="/delivery/events/"><text x="0" y="15">Events</text></a></svg>
<img src="/favicon.ico">
</main></body></html>
"""


def test_axe_finds_nothing_on_a_focal_points_pages(browser, live_server, world):
    user = world.users["focal_point"]
    user.set_password(TEST_PASSWORD)
    user.save()
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    collect(context)
    page = context.new_page()
    try:
        sign_in(page, user.username, TEST_PASSWORD)
        # an admin's URLs: those that are no page for a focal point are passed over (the
        # permission matrix checks who sees what)
        # at desktop width: the admin's walk checked each template at phone width already
        urls = [(url, False) for url, _first in admin_pages(world)[0]]
        failures, checked = walk(page, urls, a11y=False, csp=False)
    finally:
        context.close()
    assert checked > 10, checked
    assert not failures, f"{len(failures)} axe violation(s):\n" + "\n".join(failures)


def test_axe_catches_a_planted_fault(page):
    page.set_content(PLANTED)
    rules = {line.split()[0] for line in axe_violations(page)}
    assert {"nested-interactive", "image-alt", "duplicate-id"} & rules >= {"nested-interactive",
                                                                           "image-alt"}, rules


@pytest.mark.after_browser_tests
def test_every_page_loaded_passes_the_nu_html_checker(tmp_path):
    """One checker run on every page the session's browser tests loaded, and on a page with
    planted faults that must be rejected."""
    pages = sorted(PAGES_DIR.glob("*.html"))
    if len(pages) < 20:
        pytest.skip(f"only {len(pages)} pages were loaded: this test checks what the other "
                    "browser tests load (run it with them, e.g. tests/browser)")
    folder = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, folder, ignore=shutil.ignore_patterns("*.url"))
    (folder / "planted-fault.html").write_text(PLANTED)
    errors = vnu_errors(folder)
    planted = errors.pop("planted-fault.html", [])
    assert len(planted) >= 4, planted
    lines = []
    for name, messages in sorted(errors.items()):
        url_file = PAGES_DIR / name.replace(".html", ".url")
        where = url_file.read_text() if url_file.exists() else name
        lines += [f"{where}: {m}" for m in messages]
    assert not lines, (f"{len(lines)} Nu HTML Checker error(s) on {len(errors)} of "
                       f"{len(pages)} pages:\n" + "\n".join(lines[:300]))
