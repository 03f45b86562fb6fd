"""One walk over every page, with every page check at once.

Opening a page in the browser is the slow part of a page check (a round trip, the page's
scripts, the layout), so each page is opened once and, while it is open, checked by all of:

- the accessibility check of a11y.py (and, once per URL pattern, the keyboard walk);
- axe-core (standards.py) at desktop width, and at phone width once per URL pattern;
- the Content-Security-Policy: every ``securitypolicyviolation`` the page raised;
- and its HTML is saved for the Nu HTML Checker's one run at the end (``collect``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.test_permission_matrix import PAGES, app_patterns, url_for

from .a11y import format_problems, page_problems
from .helpers import DESKTOP, PHONE
from .standards import axe_violations

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
    "surveys:respond_certificate": "a participant's certificate through their survey link (PDF)",
    "registration:person_export": "what is held about a person (JSON, a download)",
    "registration:event_attendance_sheet": "an event's attendance sheet (XLSX)",
    "registration:registration_poster": "the poster of an event's registration (PDF)",
}

# Records every CSP violation of the page (added to a context before its pages load).
LISTEN_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                    + ` (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""
# Blocked on purpose, not failures: Redoc's template links Google Fonts and shows its logo
# from cdn.redoc.ly (no third-party requests, for users behind firewalls).
CSP_ALLOWED = ("https://fonts.googleapis.com", "https://cdn.redoc.ly")


def watch_csp(context) -> list[str]:
    """Listen for CSP violations on the context's pages; the "Refused to ..." console
    messages are appended to the list returned."""
    refused: list[str] = []
    context.add_init_script(LISTEN_CSP)
    context.on("console", lambda message: refused.append(message.text)
               if "Content Security Policy" in message.text
               and not any(allowed in message.text for allowed in CSP_ALLOWED) else None)
    return refused


def csp_violations(page) -> list[str]:
    page.wait_for_timeout(50)  # the events are queued
    found = page.evaluate("() => window.__csp || []")
    return [item for item in found if not any(allowed in item for allowed in CSP_ALLOWED)]


def admin_pages(world) -> tuple[list[tuple[str, bool]], list[str]]:
    """The pages an office admin can open, each URL once, as (URL, first of its pattern?),
    and the download URLs. The slow checks (the keyboard walk, axe at phone width) are done
    once per URL pattern, i.e. per template; the others on every URL."""
    pages, downloads, seen = [], [], set()
    for name, _pattern in app_patterns():
        page = PAGES[name]
        if page.kind == "post" or page.public or 200 not in page.ok:
            continue  # a form's target or a redirect: no page of its own
        if page.roles is not None and "admin" not in page.roles:
            continue  # another role's own page (an expert's profile): not an admin's
        variants = ("own", "office") if page.subject is not None else (None,)
        urls = [url_for(name, page, world, variant) for variant in variants]
        urls = [url for url in dict.fromkeys(urls) if url not in seen]
        seen.update(urls)
        if name in NON_HTML:
            downloads += urls
        else:
            pages += [(url, index == 0) for index, url in enumerate(urls)]
    return pages, downloads


def is_html(response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


def axe_both_widths(page, label: str, phone: bool = True) -> list[str]:
    found = [f"{label} (desktop): axe {v}" for v in axe_violations(page)]
    if not phone:
        return found
    page.set_viewport_size(PHONE)
    found += [f"{label} (phone): axe {v}" for v in axe_violations(page)]
    page.set_viewport_size(DESKTOP)
    return found


def check_open_page(page, where: str, *, first: bool, landmarks=None, a11y: bool = True,
                    csp: bool = True) -> list[str]:
    """Every check on the page as it is open now: the problems, one formatted line or
    block each."""
    failures = []
    if a11y:
        kwargs = {"landmarks": landmarks} if landmarks else {}
        problems = page_problems(page, keyboard=first, **kwargs)
        if problems:
            failures.append(format_problems(problems, where))
    failures += axe_both_widths(page, where, phone=first)
    if csp:
        failures += [f"{where}: CSP {item}" for item in csp_violations(page)]
    return failures


def walk(page, urls, *, landmarks=None, a11y: bool = True,
         csp: bool = True) -> tuple[list[str], int]:
    """Open each (URL, first of its pattern?) in ``page`` and check it; the failures, and how
    many URLs were HTML pages. ``a11y=False`` is for a role whose pages need not be pages (a
    focal point is refused most of an admin's URLs): those are passed over, not failures."""
    failures, checked = [], 0
    for url, first in urls:
        response = page.goto(url)
        if response is None or not response.ok or not is_html(response):
            if a11y:
                status = response.status if response else "no response"
                failures.append(f"{url}: expected an HTML page, got {status}")
            continue
        checked += 1
        if csp and "'unsafe-inline'; object-src" in response.headers.get(
                "content-security-policy", ""):
            failures.append(f"{url}: CSP relaxed (inline scripts allowed) on an app page")
        failures += check_open_page(page, urlsplit(page.url).path, first=first,
                                    landmarks=landmarks, a11y=a11y, csp=csp)
    return failures, checked
