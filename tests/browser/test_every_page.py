"""Every page of the web UI passes every page check, in ONE walk (walk.py): the accessibility
check (a11y.py: labels and names, one h1, landmarks, lang, tabindex, text contrast, and the
keyboard walk: skip link, visible focus), axe-core's WCAG 2.x A/AA rules and best practices
(desktop width, and phone width once per URL pattern), and the Content-Security-Policy (no
violation); the HTML it loads goes to the Nu HTML Checker (test_standards.py).

The pages are not listed here: the URL resolver is walked (``app_patterns`` of
tests/test_permission_matrix.py, which fails when a new pattern is not in its ``PAGES``), and
each pattern's parameters are filled from the same test world of real objects (the demo data of
ROCB-AP plus the matrix's own records: events, requests, surveys, KPIs, publications). Signed in
as an office admin, each HTML page is opened in ONE browser tab, one after the other; the
problems of every page are collected and the test fails at the end with the whole list.

Not checked, and why:

- POST-only endpoints (the matrix's ``kind="post"``): a GET is a 405, there is no page;
- downloads (``NON_HTML`` of walk.py: the plan's exports, documents and publication files, the
  ICS calendar, the XLSX of the IPTT, of the register and of survey answers, the Reports page's
  exporters): files, not pages; the test still fetches each and checks it is not HTML, so a
  download that turns into a page is noticed;
- the REST API and its OpenAPI docs (``/api/``: JSON, and Swagger/Redoc's own pages: their CSP
  is checked by test_csp.py), the Django admin (``/admin/``: Django's UI, not ours) and Django's
  password pages under ``/accounts/`` other than the sign-in form (rendered by the admin's
  templates; the product links to none of them).

Anonymous pages are checked in a second browser context: the sign-in form (empty, and with
the error of a wrong password), a survey link (the needs assessment, with its ranking
questions) and a survey link that does not work. The evaluation form on a phone is checked
by test_survey_phone.py; a focal point's pages by axe in test_standards.py.
"""

from __future__ import annotations

from django.urls import reverse

from tests import test_permission_matrix
from tests.conftest import TEST_PASSWORD
from tests.test_permission_matrix import PAGES, url_for

from .helpers import DESKTOP, sign_in
from .standards import collect
from .walk import admin_pages, check_open_page, is_html, walk, watch_csp

world = test_permission_matrix.world  # the fixture: the test world of the permission matrix

ANONYMOUS = ("main", "header")  # pages without the menu: no nav landmark


def anonymous_failures(browser, live_server, world) -> list[str]:
    """The pages of someone not signed in, in a context of their own (no session)."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    collect(context)  # the HTML it loads goes to the Nu HTML Checker (standards.py)
    refused = watch_csp(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        link = url_for("surveys:respond", PAGES["surveys:respond"], world, "own")
        failures, _ = walk(page, [(reverse("login"), True), (link, True)],
                           landmarks=ANONYMOUS)
        assert page.get_by_role("button", name="Send my answers").is_visible()

        # A link that does not work: a page that says so (not a 200, so opened on its own).
        broken = reverse("surveys:respond", args=["not-a-token"])
        page.goto(broken)
        assert page.locator("h1").count() == 1
        failures += check_open_page(page, broken, first=True, landmarks=ANONYMOUS)

        # The sign-in form with the error of a wrong password.
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(world.users["admin"].username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.locator("[role=alert]").is_visible()
        failures += check_open_page(page, "the sign-in form with an error", first=False,
                                    landmarks=ANONYMOUS)
    finally:
        context.close()
    return failures + refused + [f"JavaScript error: {error}" for error in errors]


def test_every_page_passes_accessibility_axe_and_the_csp(page, browser, live_server, world):
    """Every HTML page as an office admin (own and office variants of each subject), then
    the anonymous pages. One test, so the world (the demo year, ~10 s) is built once."""
    refused = watch_csp(page.context)
    admin = world.users["admin"]
    admin.set_password(TEST_PASSWORD)
    admin.save()
    sign_in(page, admin.username, TEST_PASSWORD)
    urls, downloads = admin_pages(world)
    assert len(urls) > 60, f"only {len(urls)} pages found: is the world empty?"

    failures, _ = walk(page, urls)
    for url in downloads:
        response = page.request.get(url)
        if not response.ok or is_html(response):
            failures.append(f"{url}: expected a download, got {response.status} "
                            f"{response.headers.get('content-type')}")
    failures += refused + anonymous_failures(browser, live_server, world)
    assert not failures, (f"{len(failures)} problem page(s) of {len(urls) + 4}:\n\n"
                          + "\n\n".join(failures))
