"""A basic automated accessibility check, run in the browser on a rendered page.

It is no substitute for axe or a person with a screen reader; it catches the regressions that
are cheap to catch: unlabelled form controls and buttons, images without ``alt``, a page with
no or several ``h1``, a missing landmark (``main``, ``nav``, ``header``), no ``lang`` on
``html``, positive ``tabindex`` values, links without a name, duplicate ids, ``aria-*`` and
``label for`` references to no element, and text whose colour contrast with its background is
below WCAG 2.1 AA (4.5:1; 3:1 for large text), computed from the rendered styles. A failure
names the offending element by a CSS selector, with the start of its HTML.

``keyboard_problems`` then uses the real keyboard: the first Tab must reach a visible "skip to
main content" link, Enter on it must move the focus into ``main``, and the next Tab stops must
each show a visible focus indicator (an outline or a box-shadow, on the element or on the
element that draws it, such as the label around a visually hidden radio button) and move on.
``assert_accessible`` runs both.
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
  // 7. Links have a name; ids are unique; what aria-labelledby, aria-describedby and
  // label[for] point to exists.
  for (const el of document.querySelectorAll('a[href]')) {
    const images = Array.from(el.querySelectorAll('img[alt], svg[aria-label]'))
      .map((i) => i.getAttribute('alt') || i.getAttribute('aria-label')).join('').trim();
    if (!(text(el) || ariaName(el) || images || (el.title || '').trim())) {
      report('link without an accessible name', el);
    }
  }
  const ids = {};
  for (const el of document.querySelectorAll('[id]')) {
    if (ids[el.id]) report('duplicate id', el, 'id="' + el.id + '"');
    ids[el.id] = true;
  }
  for (const attribute of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
    for (const el of document.querySelectorAll('[' + attribute + ']')) {
      for (const id of el.getAttribute(attribute).split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          report(attribute + ' points to no element', el, '#' + id);
        }
      }
    }
  }
  for (const el of document.querySelectorAll('label[for]')) {
    if (!document.getElementById(el.htmlFor)) {
      report('label for no element', el, 'for="' + el.htmlFor + '"');
    }
  }

  // 8. Colour contrast of text (WCAG 2.1 AA), from the computed styles. Text over a
  // background image or gradient cannot be judged here and is skipped; so are disabled
  // controls (exempt in WCAG) and visually hidden text.
  const parse = (value) => {
    const m = /rgba?\(([^)]+)\)/.exec(value || '');
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {  // top (with alpha) over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16)
    .padStart(2, '0')).join('');
  const background = (el) => {  // the opaque colour behind el, or null if an image
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== 'none') return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];  // the canvas
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const opacity = (el) => {
    let value = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      value *= parseFloat(getComputedStyle(node).opacity);
    }
    return value;
  };
  const hasText = (el) => Array.from(el.childNodes).some(
    (n) => n.nodeType === 3 && /\S/.test(n.textContent));
  const skipped = 'script, style, noscript, template, option, optgroup, svg, title, head';
  const fields = 'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"])'
    + ':not([type="range"]):not([type="color"]):not([type="file"]), select, textarea';
  let contrastReports = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(skipped)) continue;
    const isField = el.matches(fields);
    if (!isField && !hasText(el)) continue;
    if (el.closest(':disabled, [aria-disabled="true"]')) continue;
    if (el.matches('label') && el.control && el.control.disabled) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || style.display === 'none') continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;  // visually hidden
    if (el.closest('.visually-hidden, [hidden], [aria-hidden="true"]')) continue;
    if (isField && !(el.value || '').trim() && !el.matches('select')) continue;
    const back = background(el);
    const colour = parse(style.color);
    if (!back || !colour) continue;
    const fore = over([colour[0], colour[1], colour[2], colour[3] * opacity(el)], back);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const needed = large ? 3 : 4.5;
    const found = ratio(fore, back);
    if (found < needed - 0.005) {
      contrastReports += 1;
      if (contrastReports <= 25) {
        report('low text contrast', el, found.toFixed(2) + ':1, ' + hex(fore) + ' on '
               + hex(back) + ', needs ' + needed + ':1');
      }
    }
  }
  return problems;
}
"""

# The element that has the focus now: where it is, whether it (or the element that draws its
# focus ring, up to three levels up) shows a focus indicator, and whether it can be seen.
_FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const cssPath = (node) => {
    const parts = [];
    while (node && node.nodeType === 1 && node !== document.documentElement) {
      if (node.id) { parts.unshift('#' + CSS.escape(node.id)); break; }
      let part = node.tagName.toLowerCase();
      const parent = node.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(' > ');
  };
  const shows = (node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const rect = node.getBoundingClientRect();
    return (outline || shadow) && rect.width > 1 && rect.height > 1
      && style.visibility === 'visible';
  };
  let indicator = false;
  for (let node = el, level = 0; node && node.nodeType === 1 && level <= 3;
       node = node.parentElement, level += 1) {
    if (shows(node)) { indicator = true; break; }
  }
  const rect = el.getBoundingClientRect();
  return {
    selector: cssPath(el),
    html: el.outerHTML.slice(0, 160),
    inMain: !!el.closest('main'),
    isMain: el.matches('main, [role="main"]'),
    skipLink: el.matches('a[href^="#"]') && /skip/i.test(el.textContent || ''),
    // Tab moves between the day, month and year of a date field: several stops, one element.
    segments: el.matches('input[type="date"], input[type="month"], input[type="week"], '
                         + 'input[type="time"], input[type="datetime-local"]') ? 4 : 0,
    indicator,
    onScreen: rect.bottom > 0 && rect.right > 0 && rect.top < window.innerHeight + 1
      && rect.left < window.innerWidth + 1,
  };
}
"""

# Put the sequential focus navigation starting point at the top of the document.
_RESET_FOCUS_JS = r"""
() => {
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  const start = document.createElement('span');
  start.tabIndex = -1;
  start.id = '__a11y_focus_start';
  document.body.prepend(start);
  start.focus({preventScroll: true});
}
"""


def accessibility_problems(page, landmarks=DEFAULT_LANDMARKS) -> list[dict]:
    """The problems the check finds on the page as rendered now (empty list: none)."""
    return page.evaluate(_CHECK_JS, list(landmarks))


def _problem(rule, focus=None, detail=""):
    return {"rule": rule, "selector": focus["selector"] if focus else "", "detail": detail,
            "html": focus["html"] if focus else ""}


def keyboard_problems(page, stops: int = 8) -> list[dict]:
    """Walk the page with the keyboard: Tab to the skip link, Enter, then ``stops`` more Tab
    stops inside the content. Each stop must be visible and show a focus indicator, and the
    focus must move on. The page is left as found (focus cleared, scrolled to the top, URL
    without the ``#main`` the skip link added)."""
    url = page.url
    problems: list[dict] = []
    page.evaluate(_RESET_FOCUS_JS)
    try:
        page.keyboard.press("Tab")
        page.evaluate("() => document.getElementById('__a11y_focus_start')?.remove()")
        first = page.evaluate(_FOCUS_JS)
        skipped = True
        if first is None or not first["skipLink"]:
            problems.append(_problem("first Tab stop is not a skip link to the content", first))
        else:
            if not (first["indicator"] and first["onScreen"]):
                problems.append(_problem("skip link not visible when focused", first))
            page.keyboard.press("Enter")
            landed = page.evaluate(_FOCUS_JS)
            # Focus on main (or in it); or, where the target cannot take the focus, the next
            # Tab stop must be in main (checked below).
            skipped = landed is not None and (landed["isMain"] or landed["inMain"])
            if landed is not None and not skipped:
                problems.append(_problem("skip link does not move the focus into main", landed))
                skipped = True
        previous, repeats = None, 0
        for _step in range(stops):
            page.keyboard.press("Tab")
            focus = page.evaluate(_FOCUS_JS)
            if focus is None:
                break  # past the last control of the page
            if not skipped:
                skipped = True
                if not focus["inMain"]:
                    problems.append(_problem("skip link does not skip to the content", focus))
            if previous is not None and focus["selector"] == previous["selector"]:
                repeats += 1
                if repeats > focus["segments"]:
                    problems.append(_problem("focus does not move on with Tab", focus))
                    break
                continue
            repeats = 0
            if not focus["indicator"]:
                problems.append(_problem("no visible focus indicator", focus))
            elif not focus["onScreen"]:
                problems.append(_problem("focused element is off the screen", focus))
            previous = focus
    finally:
        page.evaluate("""(url) => {
            document.getElementById('__a11y_focus_start')?.remove();
            if (document.activeElement) document.activeElement.blur();
            if (location.href !== url && location.href.split('#')[0] === url.split('#')[0]) {
                history.replaceState(history.state, '', url);
            }
            window.scrollTo(0, 0);
        }""", url)
    return problems


def format_problems(problems: list[dict], where: str) -> str:
    lines = [f"{len(problems)} accessibility problem(s) on {where}:"]
    for problem in problems:
        at = f" at `{problem['selector']}`" if problem["selector"] else ""
        detail = f" ({problem['detail']})" if problem["detail"] else ""
        lines.append(f"  - {problem['rule']}{at}{detail}")
        if problem["html"]:
            lines.append(f"      {problem['html']}")
    return "\n".join(lines)


def page_problems(page, landmarks=DEFAULT_LANDMARKS, *, keyboard: bool = True) -> list[dict]:
    """Both checks: the rendered page, then (``keyboard``) the walk with the keyboard."""
    problems = accessibility_problems(page, landmarks)
    if keyboard:
        problems += keyboard_problems(page)
    return problems


def assert_accessible(page, landmarks=DEFAULT_LANDMARKS, *, keyboard: bool = True) -> None:
    """Fail, naming each offending element by a CSS selector, if a check finds a problem."""
    problems = page_problems(page, landmarks, keyboard=keyboard)
    if problems:
        raise AssertionError(format_problems(problems, page.url))
