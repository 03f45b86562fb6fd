"""A basic automated accessibility check, run in the browser on a rendered page.

It is no substitute for axe or a person with a screen reader; it catches the regressions that
are cheap to catch: unlabelled form controls and buttons, images without ``alt``, a page with
no or several ``h1``, a missing landmark (``main``, ``nav``, ``header``), no ``lang`` on
``html``, and positive ``tabindex`` values. A failure names the offending element by a CSS
selector, with the start of its HTML.
"""

from __future__ import annotations

DEFAULT_LANDMARKS = ("main", "nav", "header")

# The landmark roles and the elements that carry them implicitly. <header> is a banner only
# when it is not inside <main>, <article>, <section>, <aside> or <nav>.
_CHECK_JS = r"""
(landmarks) => {
  const problems = [];
  const cssPath = (el) => {
    const parts = [];
    while (el && el.nodeType === 1 && el !== document.documentElement) {
      if (el.id) { parts.unshift('#' + CSS.escape(el.id)); break; }
      let part = el.tagName.toLowerCase();
      const parent = el.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.tagName === el.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
      }
      parts.unshift(part);
      el = parent;
    }
    return parts.join(' > ') || 'html';
  };
  const report = (rule, el, detail) => problems.push({
    rule, selector: el ? cssPath(el) : '', detail: detail || '',
    html: el ? el.outerHTML.slice(0, 160) : '',
  });
  const text = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim();
  const labelledBy = (el) => (el.getAttribute('aria-labelledby') || '').split(/\s+/)
    .map((id) => id && document.getElementById(id)).filter(Boolean).map(text).join(' ').trim();
  const ariaName = (el) => (el.getAttribute('aria-label') || '').trim() || labelledBy(el);

  // 1. Every form control has a label; every button has a name.
  const controls = document.querySelectorAll(
    'input:not([type="hidden"]):not([type="submit"]):not([type="button"]):not([type="reset"])'
    + ':not([type="image"]), select, textarea');
  for (const el of controls) {
    const labelled = (el.labels && Array.from(el.labels).some((l) => text(l))) || ariaName(el);
    if (!labelled) report('form control without a label', el);
  }
  const buttons = document.querySelectorAll(
    'button, input[type="submit"], input[type="button"], input[type="reset"], [role="button"]');
  for (const el of buttons) {
    const name = text(el) || ariaName(el) || (el.value || '').trim() || (el.title || '').trim();
    if (!name) report('button without an accessible name', el);
  }

  // 2. Images have alt (empty alt is fine: decorative).
  for (const el of document.querySelectorAll('img:not([alt]), input[type="image"]:not([alt])')) {
    report('image without alt', el);
  }

  // 3. Exactly one h1.
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) {
    if (h1s.length === 0) report('page has no h1', null);
    for (const el of Array.from(h1s).slice(1)) report('more than one h1', el, h1s.length + ' h1');
  }

  // 4. Landmarks.
  const sectioning = 'main, article, section, aside, nav, [role="main"], [role="region"]';
  const found = {
    main: document.querySelector('main, [role="main"]'),
    nav: document.querySelector('nav, [role="navigation"]'),
    header: document.querySelector('[role="banner"]') || Array.from(
      document.querySelectorAll('header')).find((h) => !h.parentElement.closest(sectioning)),
  };
  for (const name of landmarks) {
    if (!found[name]) report('missing landmark: ' + name, null);
  }
  if (document.querySelectorAll('main, [role="main"]').length > 1) {
    report('more than one main landmark', document.querySelectorAll('main, [role="main"]')[1]);
  }

  // 5. <html lang>.
  if (!(document.documentElement.getAttribute('lang') || '').trim()) {
    report('html element without lang', document.documentElement);
  }

  // 6. No positive tabindex.
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (parseInt(el.getAttribute('tabindex'), 10) > 0) {
      report('positive tabindex', el, 'tabindex=' + el.getAttribute('tabindex'));
    }
  }
  return problems;
}
"""


def accessibility_problems(page, landmarks=DEFAULT_LANDMARKS) -> list[dict]:
    """The problems the check finds on the page as rendered now (empty list: none)."""
    return page.evaluate(_CHECK_JS, list(landmarks))


def assert_accessible(page, landmarks=DEFAULT_LANDMARKS) -> None:
    """Fail, naming each offending element by a CSS selector, if the check finds a problem."""
    problems = accessibility_problems(page, landmarks)
    if problems:
        lines = [f"{len(problems)} accessibility problem(s) on {page.url}:"]
        for problem in problems:
            where = f" at `{problem['selector']}`" if problem["selector"] else ""
            detail = f" ({problem['detail']})" if problem["detail"] else ""
            lines.append(f"  - {problem['rule']}{where}{detail}")
            if problem["html"]:
                lines.append(f"      {problem['html']}")
        raise AssertionError("\n".join(lines))
