"""The Content-Security-Policy breaks nothing. Every page an office admin opens, and the
anonymous pages, are checked for violations in the one page walk of test_every_page.py
(walk.py). Here, what that walk does not open: one URL of each public pattern (registration
links, a ticket, certificate verification: pages a participant opens), and the API's Swagger
UI and Redoc pages, whose docs must render (their inline start-up scripts run under the
relaxed policy of those two pages only: core/security.py). Every ``securitypolicyviolation``
and every "Refused to ..." console message is a failure.

Expected, and not failures: Redoc's template links Google Fonts and Redoc shows its "powered by"
logo from cdn.redoc.ly; both stay blocked (no third-party requests, for users behind firewalls;
the page falls back to the system fonts and loses only the logo)."""

from __future__ import annotations

from tests import test_permission_matrix
from tests.conftest import TEST_PASSWORD
from tests.test_permission_matrix import PAGES, app_patterns, url_for

from .helpers import sign_in
from .walk import admin_pages, csp_violations, is_html, watch_csp

world = test_permission_matrix.world  # the fixture: the test world of the permission matrix


def urls_not_walked(world) -> list[str]:
    """A GET-able URL of each pattern of the web UI (the permission matrix's) that the page
    walk of test_every_page.py does not open."""
    walked = {url for url, _first in admin_pages(world)[0]}
    urls = []
    for name, _pattern in app_patterns():
        page = PAGES[name]
        if page.kind == "post":
            continue
        if page.roles is not None and "admin" not in page.roles:
            continue  # another role's own page (an expert's profile): not an admin's page
        variant = "own" if page.subject is not None else None
        urls.append(url_for(name, page, world, variant))
    return [url for url in dict.fromkeys(urls) if url not in walked]


def test_no_page_breaks_the_content_security_policy(page, world):
    refused = watch_csp(page.context)
    admin = world.users["admin"]
    admin.set_password(TEST_PASSWORD)
    admin.save()
    sign_in(page, admin.username, TEST_PASSWORD)
    failures, checked = [], 0
    for url in urls_not_walked(world):
        head = page.request.get(url)
        if not is_html(head):
            continue  # a download (documents, exports, ICS): no page to break
        if head.status == 405:
            continue  # a form's target that takes POST only: no page to break
        response = page.goto(url)
        # (a registration link of an event already held says so: 410 Gone, a page too)
        assert response is not None and (response.ok or response.status == 410), url
        assert "'unsafe-inline'; object-src" not in response.headers["content-security-policy"]
        failures += [f"{url}: {item}" for item in csp_violations(page)]
        checked += 1
    assert checked >= 4, checked  # the public pages at least

    page.goto("/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()  # the inline start-up script ran
    failures += [f"/api/docs/: {item}" for item in csp_violations(page)]

    page.goto("/api/redoc/")
    page.get_by_role("heading", name="Workplan API").first.wait_for()
    page.get_by_placeholder("Search").first.fill("events")  # Redoc's search worker
    page.wait_for_timeout(500)
    failures += [f"/api/redoc/: {item}" for item in csp_violations(page)]
    assert not failures and not refused, "\n".join(failures + refused)
