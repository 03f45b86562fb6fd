"""The Content-Security-Policy breaks nothing: a real browser opens one page per URL pattern
(signed in as an office admin, the test world of test_permission_matrix.py), the sign-in page,
and the API's Swagger UI and Redoc pages, and reports every ``securitypolicyviolation`` and every
"Refused to ..." console message. The docs must also render (their inline start-up scripts run
under the relaxed policy of those two pages only: core/security.py).

Expected, and not failures: Redoc's template links Google Fonts and Redoc shows its "powered by"
logo from cdn.redoc.ly; both stay blocked (no third-party requests, for users behind firewalls;
the page falls back to the system fonts and loses only the logo)."""

from __future__ import annotations

from django.urls import reverse

from tests import test_permission_matrix
from tests.conftest import TEST_PASSWORD
from tests.test_permission_matrix import PAGES, app_patterns, url_for

from .helpers import sign_in

world = test_permission_matrix.world  # the fixture: the test world of the permission matrix

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                    + ` (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""
ALLOWED = ("https://fonts.googleapis.com", "https://cdn.redoc.ly")


def watch(page) -> list[str]:
    refused: list[str] = []
    page.context.add_init_script(LISTEN)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def one_url_per_pattern(world) -> list[str]:
    """A GET-able URL of each pattern of the web UI (the permission matrix's), as an office
    admin sees it."""
    urls = []
    for name, _pattern in app_patterns():
        page = PAGES[name]
        if page.kind == "post":
            continue
        variant = "own" if page.subject is not None else None
        urls.append(url_for(name, page, world, variant))
    return list(dict.fromkeys(urls))


def violations(page) -> list[str]:
    page.wait_for_timeout(50)  # the events are queued
    found = page.evaluate("() => window.__csp || []")
    return [item for item in found if not any(allowed in item for allowed in ALLOWED)]


def test_no_page_breaks_the_content_security_policy(page, world):
    refused = watch(page)
    failures = []
    page.goto(reverse("login"))
    failures += [f"{reverse('login')}: {item}" for item in violations(page)]

    admin = world.users["admin"]
    admin.set_password(TEST_PASSWORD)
    admin.save()
    sign_in(page, admin.username, TEST_PASSWORD)
    urls = one_url_per_pattern(world)
    assert len(urls) > 30, urls
    for url in urls:
        head = page.request.get(url)
        if not head.headers.get("content-type", "").startswith("text/html"):
            continue  # a download (documents, exports, ICS): no page to break
        if head.status == 405:
            continue  # a form's target that takes POST only: no page to break
        response = page.goto(url)
        # (a registration link of an event already held says so: 410 Gone, a page too)
        assert response is not None and (response.ok or response.status == 410), url
        assert "'unsafe-inline'; object-src" not in response.headers["content-security-policy"]
        failures += [f"{url}: {item}" for item in violations(page)]

    page.goto("/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()  # the inline start-up script ran
    failures += [f"/api/docs/: {item}" for item in violations(page)]

    page.goto("/api/redoc/")
    page.get_by_role("heading", name="Workplan API").first.wait_for()
    page.get_by_placeholder("Search").first.fill("events")  # Redoc's search worker
    page.wait_for_timeout(500)
    failures += [f"/api/redoc/: {item}" for item in violations(page)]

    refused = [text for text in refused if not any(allowed in text for allowed in ALLOWED)]
    assert not failures and not refused, "\n".join(failures + refused)
