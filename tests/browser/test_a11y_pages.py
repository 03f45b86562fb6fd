"""Every page of the web UI passes the accessibility check (a11y.py: labels and names, one h1,
landmarks, lang, tabindex, text contrast, and the keyboard walk: skip link, visible focus).

The pages are not listed here: the URL resolver is walked (``app_patterns`` of
tests/test_permission_matrix.py, which fails when a new pattern is not in its ``PAGES``), and
each pattern's parameters are filled from the same test world of real objects (the demo data of
ROCB-AP plus the matrix's own records: events, requests, surveys, KPIs, publications). Signed in
as an office admin, each HTML page is opened in ONE browser tab, one after the other; the
problems of every page are collected and the test fails at the end with the whole list.

Not checked, and why:

- POST-only endpoints (the matrix's ``kind="post"``): a GET is a 405, there is no page;
- downloads (``NON_HTML`` below: the plan's exports, documents and publication files, the ICS
  calendar, the XLSX of the IPTT, of the register and of survey answers, the Reports page's
  exporters): files, not pages; the test still fetches each and checks it is not HTML, so a
  download that turns into a page is noticed;
- the REST API and its OpenAPI docs (``/api/``: JSON, and Swagger/Redoc's own pages), the
  Django admin (``/admin/``: Django's UI, not ours) and Django's password pages under
  ``/accounts/`` other than the sign-in form (rendered by the admin's templates; the product
  links to none of them).

Anonymous pages are checked in a second browser context: the sign-in form (empty, and with
the error of a wrong password), a survey link (the needs assessment, with its ranking
questions) and a survey link that does not work. The evaluation form on a phone is checked
by test_survey_phone.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import reverse

from tests import test_permission_matrix
from tests.conftest import TEST_PASSWORD
from tests.test_permission_matrix import PAGES, app_patterns, url_for

from .a11y import format_problems, page_problems
from .helpers import DESKTOP, sign_in
from .standards import collect

world = test_permission_matrix.world  # the fixture: the test world of the permission matrix

# URL name -> what it sends instead of a page.
NON_HTML = {
    "plans:workplan_export": "the plan as a file (JSON, DOCX, XLSX or text)",
    "delivery:attachment_download": "an event's document",
    "delivery:calendar_ics": "the iCalendar feed (text/calendar)",
    "indicators:iptt_xlsx": "the IPTT as XLSX",
    "indicators:adoption_register_xlsx": "the adoption register as XLSX",
    "reports:report_download": "an exporter's file (DOCX, PDF, XLSX, XML, ICS...)",
    "reports:publication_file": "a publication's file",
    "surveys:survey_export": "the survey's answers as XLSX",
    "registration:event_certificates_pdf": "an event's certificates (PDF)",
    "registration:certificate_pdf": "one certificate (PDF)",
    "registration:certificate_layout_preview": "a sample certificate (PDF)",
    "registration:person_export": "what is held about a person (JSON, a download)",
    "registration:event_attendance_sheet": "an event's attendance sheet (XLSX)",
}
ANONYMOUS = ("main", "header")  # pages without the menu: no nav landmark


def admin_pages(world) -> tuple[list[tuple[str, bool]], list[str]]:
    """The pages an office admin can open, each URL once, as (URL, walk with the keyboard?),
    and the download URLs. The keyboard walk (slow: a round trip per key) is done once per
    URL pattern, i.e. per template; the other checks on every URL."""
    pages, downloads, seen = [], [], set()
    for name, _pattern in app_patterns():
        page = PAGES[name]
        if page.kind == "post" or page.public or 200 not in page.ok:
            continue  # a form's target or a redirect: no page of its own
        variants = ("own", "office") if page.subject is not None else (None,)
        urls = [url_for(name, page, world, variant) for variant in variants]
        urls = [url for url in dict.fromkeys(urls) if url not in seen]
        seen.update(urls)
        if name in NON_HTML:
            downloads += urls
        else:
            pages += [(url, index == 0) for index, url in enumerate(urls)]
    return pages, downloads


def _is_html(response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


def check_pages(page, urls, landmarks=None) -> list[str]:
    """Open each URL in ``page``; the problems found, one formatted block per page."""
    failures = []
    for url, walk in urls:
        response = page.goto(url)
        if response is None or not response.ok or not _is_html(response):
            status = response.status if response else "no response"
            failures.append(f"{url}: expected an HTML page, got {status}")
            continue
        kwargs = {"landmarks": landmarks} if landmarks else {}
        problems = page_problems(page, keyboard=walk, **kwargs)
        if problems:
            failures.append(format_problems(problems, urlsplit(page.url).path))
    return failures


def anonymous_failures(browser, live_server, world) -> list[str]:
    """The pages of someone not signed in, in a context of their own (no session)."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    collect(context)  # the HTML it loads goes to the Nu HTML Checker (standards.py)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        link = url_for("surveys:respond", PAGES["surveys:respond"], world, "own")
        failures = check_pages(page, [(reverse("login"), True), (link, True)],
                               landmarks=ANONYMOUS)
        assert page.get_by_role("button", name="Send my answers").is_visible()

        # A link that does not work: a page that says so (not a 200, so opened on its own).
        broken = reverse("surveys:respond", args=["not-a-token"])
        page.goto(broken)
        assert page.locator("h1").count() == 1
        problems = page_problems(page, ANONYMOUS)
        if problems:
            failures.append(format_problems(problems, broken))

        # The sign-in form with the error of a wrong password.
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(world.users["admin"].username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.locator("[role=alert]").is_visible()
        problems = page_problems(page, ANONYMOUS)
        if problems:
            failures.append(format_problems(problems, "the sign-in form with an error"))
    finally:
        context.close()
    return failures + [f"JavaScript error: {error}" for error in errors]


def test_every_page_passes_the_accessibility_check(page, browser, live_server, world):
    """Every HTML page as an office admin (own and office variants of each subject), then
    the anonymous pages. One test, so the world (the demo year, ~10 s) is built once."""
    admin = world.users["admin"]
    admin.set_password(TEST_PASSWORD)
    admin.save()
    sign_in(page, admin.username, TEST_PASSWORD)
    urls, downloads = admin_pages(world)
    assert len(urls) > 60, f"only {len(urls)} pages found: is the world empty?"

    failures = check_pages(page, urls)
    for url in downloads:
        response = page.request.get(url)
        if not response.ok or _is_html(response):
            failures.append(f"{url}: expected a download, got {response.status} "
                            f"{response.headers.get('content-type')}")
    failures += anonymous_failures(browser, live_server, world)
    assert not failures, (f"{len(failures)} problem page(s) of {len(urls) + 4}:\n\n"
                          + "\n\n".join(failures))
