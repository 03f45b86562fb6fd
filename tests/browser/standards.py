"""The standards' validators of the web pages, run on what the browser tests load.

- **Nu HTML Checker** (vnu-jar from npm, on Java): every HTML document a browser test loads
  (main frame, status 200) is saved by ``collect`` into one folder for the session; the last
  browser test (test_zz_html_checker.py) runs ONE checker process on all of them, plus a page
  with a planted fault that it must reject.
- **axe-core** (npm), injected by Playwright: ``axe_violations(page)`` runs its WCAG 2.x A/AA
  rules and best practices on the page as rendered now.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tests.standards.tools import AXE_JS, VNU_JAR, need, need_tool, run

# One folder per test session (the session's process): the HTML of every page loaded.
PAGES_DIR = Path(tempfile.mkdtemp(prefix="workplan-pages-"))
# Pages whose HTML is a third party's: Django's admin, the API's Swagger UI and Redoc pages
# (drf-spectacular's templates; Redoc is a custom element no HTML checker knows).
NOT_OURS = ("/admin/", "/api/")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def collect(context) -> None:
    """Save every HTML document the context's pages load (not htmx fragments, downloads or
    error pages) for the Nu HTML Checker."""

    def save(response):
        request = response.request
        if request.resource_type != "document" or response.status != 200:
            return
        if request.frame.parent_frame is not None:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        if urlsplit(response.url).path.startswith(NOT_OURS):
            return
        try:
            body = response.body()
        except Exception:  # noqa: BLE001  (a navigation replaced it before it was read)
            return
        path = urlsplit(response.url).path.strip("/").replace("/", "_") or "home"
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", path)[:80]
        digest = hashlib.sha1(body).hexdigest()[:10]
        target = PAGES_DIR / f"{name}.{digest}.html"
        if not target.exists():
            target.write_bytes(body)
            (PAGES_DIR / f"{name}.{digest}.url").write_text(response.url)

    context.on("response", save)


def vnu_errors(folder: Path) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors per file of ``folder`` (one Java process for all)."""
    java = need_tool("java", "default-jre-headless")
    need(VNU_JAR, "The Nu HTML Checker (vnu-jar)")
    done = run([java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                "--skip-non-html", str(folder)])
    try:
        messages = json.loads(done.stderr or done.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(f"vnu failed: {done.stderr or done.stdout}") from None
    found: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = urlsplit(message.get("url", "")).path
        line = message.get("lastLine", "?")
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:120]
        found.setdefault(Path(path).name, []).append(
            f"line {line}: {message['message']} [{extract}]")
    return found


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as rendered now, one line per rule and element."""
    source = need(AXE_JS, "axe-core").read_text()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # As a script element's text: CSP allows no inline script, but Playwright's
        # evaluate is not subject to it.
        page.evaluate(source + "\n;void 0")
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']});
            return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(' ') + '  ' + n.html.slice(0, 140))}));
        }""", AXE_TAGS)
    lines = []
    for violation in result:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                         f"at {node}")
    return lines
