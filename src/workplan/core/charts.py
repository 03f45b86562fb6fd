"""Server-side SVG charts: bar, stacked bar, share and progress against target.

DESIGN.md asks for charts drawn on the server from the same rows the tables show, so a page, a
PDF (Typst sets SVG as text and shapes) and a test all see one picture, with no JavaScript. Every
chart is one self-contained ``<svg>`` that scales to its container (``viewBox``), names itself
to screen readers (``role="img"``, a ``<title>`` and a ``<desc>`` stating the data in words;
a chart whose rows are links is a ``role="figure"`` instead, since an image's content is
hidden from screen readers and its links would be focusable but unnamed: axe's
``nested-interactive``), prints every value (colour is never the only carrier) and escapes
every label. Output depends only on the arguments and on the charts drawn before it on the
same page: identical input gives byte-identical SVG, and element ids are unique on a page (a
second chart of the same data on a page gets a numbered id; ``new_page`` starts a page, which
every request does).
Text widths are estimated (no font metrics on the server): long labels are cut with an ellipsis
and the full label is kept in the row's ``<title>`` tooltip.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import share_text

Bar = tuple[str, float | int | None, str | None]  # (label, value, href or None)

# Each colour has contrast >= 4.5:1 against white, so white text on it is readable too.
PALETTE = ("#0b5394", "#b04a00", "#7b3294", "#1e6b35", "#a4161a", "#00666e", "#5c5c00", "#56606b")
TEXT, MUTED, TRACK, OUTLINE = "#1b1f24", "#56606b", "#eef1f4", "#6b7580"
HIGHLIGHT = "#b04a00"
ON_TARGET, BEHIND, NO_TARGET = "#1e6b35", "#b04a00", "#56606b"
FS, ROW, BAR_H, PAD, TOP = 12, 26, 16, 8, 30  # font size, row pitch, bar height, padding, title
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text) -> str:
    """Text safe for XML: control characters and lone surrogates dropped, line breaks spaced."""
    return _NOT_XML.sub("", str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _tw(text: str, size: int = FS) -> float:
    """Estimated rendered width; generous so that estimates err towards cutting."""
    return sum(size * (1.0 if unicodedata.east_asian_width(c) in "WF" else 0.68 if c.isupper()
                       else 0.64 if c.isdigit() else 0.58) for c in text)


def _fit(text: str, px: float, size: int = FS) -> str:
    if _tw(text, size) <= px:
        return text
    while text and _tw(text + "…", size) > px:
        text = text[:-1]
    return text.rstrip() + "…"


def _n(x: float) -> str:
    """A coordinate: one decimal, so output is stable and small."""
    return f"{x:.1f}".removesuffix(".0")


def _num(value, fmt: str = "{:,.0f}", unit: str = "") -> str:
    text = fmt.format(value)
    if not unit:
        return text
    return f"{text}{unit}" if not unit[0].isalnum() else f"{text} {unit}"


def _auto(value, unit: str = "") -> str:
    """Whole numbers without decimals, others with one."""
    return _num(value, "{:,.0f}" if float(value).is_integer() else "{:,.1f}", unit)


def _pct(share: float) -> str:
    return f"{share:.1f}".removesuffix(".0") + "%"


def _val(value):
    """None for no data, including NaN and infinities; otherwise the number."""
    if value is None or not math.isfinite(value):
        return None
    return value


# The ids given on the page being drawn (None: outside a page, ids are the plain hashes).
_page_ids: ContextVar[dict[str, int] | None] = ContextVar("chart_page_ids", default=None)


def new_page(*_args, **_kwargs) -> None:
    """Start a page: ids are counted from here (connected to ``request_started``)."""
    _page_ids.set({})


@contextmanager
def page():
    """A document of its own drawn outside a request (the annual report's web page): its
    chart ids are counted from its first chart, and the page before it is restored after."""
    token = _page_ids.set({})
    try:
        yield
    finally:
        _page_ids.reset(token)


def end_page(*_args, **_kwargs) -> None:
    """End the page (``request_finished``): a chart drawn outside a request (a report, the
    command line) has its plain id again, whatever the thread served before."""
    _page_ids.set(None)


def _uid(*key) -> str:
    uid = "chart-" + hashlib.sha1(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    seen = _page_ids.get()
    if seen is None:
        return uid
    seen[uid] = seen.get(uid, 0) + 1
    return uid if seen[uid] == 1 else f"{uid}-{seen[uid]}"


def _svg(uid: str, title: str, desc: str, width: int, height: float, body) -> SafeString:
    title = _clean(title)
    role = "figure" if "<a href=" in str(body) else "img"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%"'
        ' style="max-width:{w}px;height:auto" role="{r}" aria-labelledby="{u}-t {u}-d"'
        ' font-family="system-ui, sans-serif" font-size="{fs}" fill="{c}">'
        '<title id="{u}-t">{t}</title><desc id="{u}-d">{d}</desc>'
        '<text x="{p}" y="19" font-size="14" font-weight="bold">{tv}</text>{b}</svg>',
        w=width, h=_n(height), r=role, u=uid, fs=FS, c=TEXT, t=title, d=_clean(desc), p=PAD,
        tv=_fit(title, width - 2 * PAD, 14), b=body)


def _no_data(uid: str, title: str, width: int) -> SafeString:
    body = format_html('<text x="{}" y="48" fill="{}">{}</text>', PAD, MUTED, _("No data"))
    return _svg(uid, title, _("No data."), width, 60, body)


def _join(parts) -> SafeString:
    return mark_safe("".join(parts))  # every part comes from format_html


def _row(tooltip: str, href: str | None, inner) -> SafeString:
    """One row (or column): its full text as a tooltip, a link when it has somewhere to go."""
    group = format_html('<g class="row"><title>{}</title>{}</g>', _clean(tooltip), inner)
    return format_html('<a href="{}">{}</a>', href, group) if href else group


def _label(x: float, y: float, text: str, px: float, anchor: str = "end", bold=False):
    weight = ' font-weight="bold"' if bold else ""
    return format_html('<text x="{}" y="{}" text-anchor="{}"{}>{}</text>', _n(x), _n(y),
                       anchor, mark_safe(weight), _fit(_clean(text), px))


def _turn(angle: float, x: float, y: float, inner) -> SafeString:
    return format_html('<g transform="rotate(-{} {} {})">{}</g>', angle, _n(x), _n(y), inner)


def _rect(cls: str, x, y, w, h, fill: str, extra: str = ""):
    return format_html('<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>',
                       cls, _n(x), _n(y), _n(max(w, 0)), _n(h), fill, mark_safe(extra))


def _legend(items: list[tuple[str | None, str]], y: float, width: int) -> tuple[list, float]:
    """(colour, name) items, a swatch each (a target tick for colour None), flowed onto as many
    lines as the width needs; returns (parts, y below the legend)."""
    parts, x = [], PAD
    for colour, name in items:
        name = _fit(_clean(name), width - 2 * PAD - 16)
        step = 16 + _tw(name) + 14
        if x > PAD and x + step > width - PAD:
            x, y = PAD, y + 18
        mark = (_rect("swatch", x, y - 10, 11, 11, colour) if colour else format_html(
            '<line x1="{x}" x2="{x}" y1="{a}" y2="{b}" stroke="{c}" stroke-width="2"/>',
            x=_n(x + 5), a=_n(y - 12), b=_n(y + 3), c=TEXT))
        parts.append(format_html('<g class="legend">{}{}</g>', mark,
                                 _label(x + 16, y, name, width, "start")))
        x += step
    return parts, y + 18


def _columns(labels: list[str], value_texts: list[str], width: int):
    """(label width, plot x, plot width, value width) of a row chart. Values are never cut;
    labels give way first (at most 40% of the width), so the plot keeps about a quarter."""
    value_w = max(_tw(t) for t in value_texts) + PAD
    label_w = max(min(max(_tw(_clean(t)) for t in labels) + PAD, width * 0.4,
                      width * 0.75 - value_w - 2 * PAD), width * 0.15)
    return label_w, PAD + label_w, max(width - 2 * PAD - label_w - value_w, 20), value_w


def bar_chart(bars: list[Bar], *, title: str, unit: str = "", max_value: float | None = None,
              value_format: str = "{:,.0f}", width: int = 560, orientation: str = "horizontal",
              highlight: set[str] | None = None) -> SafeString:
    """One bar per (label, value, href); None is "no data", drawn as an empty dashed bar.

    The scale runs from min(0, values) to max(0, values, max_value): a max_value below the data
    never clips a bar. Labels in ``highlight`` are drawn in another colour and in bold.
    """
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(f"orientation must be 'horizontal' or 'vertical', not {orientation!r}")
    bars = [(str(label), _val(value), href) for label, value, href in bars]
    highlight = highlight or set()
    uid = _uid("bar", title, bars, unit, max_value, value_format, width, orientation,
               sorted(map(str, highlight)))
    if not bars:
        return _no_data(uid, title, width)
    na = _("n/a")
    texts = [na if v is None else _num(v, value_format, unit) for _, v, _h in bars]
    values = [v for _l, v, _h in bars if v is not None]
    lo, hi = min([0, *values]), max([0, *values, _val(max_value) or 0])
    span = (hi - lo) or 1
    desc = "; ".join(f"{_clean(label)}: {text}" for (label, _v, _h), text in zip(bars, texts,
                                                                                   strict=True))
    parts = []
    if orientation == "horizontal":
        label_w, x0, plot_w, value_w = _columns([b[0] for b in bars], texts, width)
        zero = x0 + (-lo) / span * plot_w
        for i, ((label, value, href), text) in enumerate(zip(bars, texts, strict=True)):
            y = TOP + i * ROW
            mark = label in highlight
            inner = [_label(x0 - 6, y + ROW / 2 + 4, label, label_w - 6, bold=mark)]
            if value is None:
                box = _tw(na) + 8
                inner += [_rect("bar nodata", zero, y + 5, box, BAR_H, "none",
                                f' stroke="{OUTLINE}" stroke-dasharray="3 2"'),
                          _label(zero + 4, y + ROW / 2 + 4, na, box, "start")]
            else:
                end = zero + value / span * plot_w
                inner += [_rect("bar", min(zero, end), y + 5, abs(end - zero), BAR_H,
                                HIGHLIGHT if mark else PALETTE[0]),
                          _label(max(zero, end) + 4, y + ROW / 2 + 4, text, value_w, "start")]
            parts.append(_row(f"{_clean(label)}: {text}", href, _join(inner)))
        height = TOP + len(bars) * ROW + PAD
        parts.append(format_html('<line x1="{x}" x2="{x}" y1="{a}" y2="{b}" stroke="{c}"/>',
                                 x=_n(zero), a=TOP, b=_n(height - PAD), c=OUTLINE))
        return _svg(uid, title, desc, width, height, _join(parts))
    # Vertical: columns, value above each bar, labels below (rotated when they do not fit).
    col_w = (width - 2 * PAD) / len(bars)
    fits = all(_tw(_clean(b[0])) <= col_w - 4 for b in bars)
    label_px = col_w - 4 if fits else min(130, max(_tw(_clean(b[0])) for b in bars))
    angle = 0 if fits else 40
    label_h = FS + 8 if fits else math.sin(math.radians(angle)) * label_px + FS + 8
    left = PAD if fits else max(PAD, math.cos(math.radians(angle)) * label_px - col_w / 2 + PAD)
    col_w = (width - left - PAD) / len(bars)
    value_px = max(_tw(t) for t in texts)
    turn = value_px > col_w - 2  # values too wide for their column are written upwards
    plot_top, plot_h = TOP + (value_px if turn else FS) + 6, 180
    zero = plot_top + hi / span * plot_h
    bar_w = min(col_w * 0.7, 56)
    for i, ((label, value, href), text) in enumerate(zip(bars, texts, strict=True)):
        cx = left + (i + 0.5) * col_w
        ly = plot_top + plot_h + FS + 4
        mark = label in highlight
        if fits:
            inner = [_label(cx, ly, label, label_px, "middle", bold=mark)]
        else:
            inner = [_turn(angle, cx, ly, _label(cx, ly, label, label_px, bold=mark))]
        if value is None:
            inner += [_rect("bar nodata", cx - bar_w / 2, zero - BAR_H, bar_w, BAR_H, "none",
                            f' stroke="{OUTLINE}" stroke-dasharray="3 2"'),
                      _label(cx, zero - BAR_H - 4, na, col_w, "middle")]
        else:
            end = zero - value / span * plot_h
            top = min(zero, end) - 4
            inner += [_rect("bar", cx - bar_w / 2, min(zero, end), bar_w, abs(end - zero),
                            HIGHLIGHT if mark else PALETTE[0]),
                      _turn(90, cx + 4, top, _label(cx + 4, top, text, value_px, "start"))
                      if turn else _label(cx, top, text, value_px, "middle")]
        parts.append(_row(f"{_clean(label)}: {text}", href, _join(inner)))
    parts.append(format_html('<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}"/>', left,
                             _n(width - PAD), OUTLINE, y=_n(zero)))
    return _svg(uid, title, desc, width, plot_top + plot_h + label_h + PAD, _join(parts))


def stacked_bar_chart(categories: list[str], series: list[tuple[str, list[float | int]]], *,
                      title: str, unit: str = "", hrefs: list[str | None] | None = None,
                      width: int = 560) -> SafeString:
    """One bar per category, one segment per series (negative or missing values count as 0),
    the total printed at the end of each bar and a legend naming the series."""
    categories = [str(c) for c in categories]
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for "
                             f"{len(categories)} categories")
    if hrefs is not None and len(hrefs) != len(categories):
        raise ValueError(f"hrefs has {len(hrefs)} entries for {len(categories)} categories")
    rows = [[max(_val(vals[i]) or 0, 0) for _name, vals in series] for i in range(len(categories))]
    uid = _uid("stacked", title, categories, series, unit, hrefs, width)
    if not categories or not series:
        return _no_data(uid, title, width)
    totals = [sum(r) for r in rows]
    total_texts = [_auto(t, unit) for t in totals]
    colours = [PALETTE[j % len(PALETTE)] for j in range(len(series))]
    legend, y0 = _legend(list(zip(colours, [s[0] for s in series], strict=True)), TOP + 8, width)
    label_w, x0, plot_w, value_w = _columns(categories, total_texts, width)
    scale = plot_w / (max(totals) or 1)
    parts, desc = legend, []
    for i, (category, values) in enumerate(zip(categories, rows, strict=True)):
        y = y0 + i * ROW
        words = ", ".join(f"{_clean(s[0])} {_auto(v)}" for s, v in zip(series, values,
                                                                           strict=True))
        tooltip = f"{_clean(category)}: {words}; {_('total')} {total_texts[i]}"
        desc.append(tooltip)
        inner, x = [_label(x0 - 6, y + ROW / 2 + 4, category, label_w - 6)], x0
        for value, colour in zip(values, colours, strict=True):
            seg = value * scale
            if seg > 0:
                inner.append(_rect("seg", x, y + 5, seg, BAR_H, colour,
                                   ' stroke="#ffffff" stroke-width="1"'))
                if _tw(_auto(value), 11) + 6 <= seg:
                    inner.append(format_html(
                        '<text x="{}" y="{}" text-anchor="middle" fill="#ffffff" font-size="11">'
                        '{}</text>', _n(x + seg / 2), _n(y + ROW / 2 + 4), _auto(value)))
            x += seg
        inner.append(_label(x + 4, y + ROW / 2 + 4, total_texts[i], value_w, "start",
                            bold=True))
        parts.append(_row(tooltip, hrefs[i] if hrefs else None, _join(inner)))
    height = y0 + len(categories) * ROW + PAD
    return _svg(uid, title, "; ".join(desc), width, height, _join(parts))


def share_chart(parts: list[tuple[str, float | int]], *, title: str,
                width: int = 320) -> SafeString:
    """A single 100% bar split by share (negative or missing parts count as 0), percentages on
    the segments that are wide enough, and a legend line per part with value and percentage."""
    parts = [(str(name), max(_val(value) or 0, 0)) for name, value in parts]
    uid = _uid("share", title, parts, width)
    total = sum(v for _name, v in parts)
    if not total:
        return _no_data(uid, title, width)
    # a share is written as every page writes it (core.figures: a whole percent, halves up)
    shares = [share_text(v / total) for _name, v in parts]
    bar_w, x, out, desc = width - 2 * PAD, PAD, [], []
    y = TOP + 6
    for j, ((name, value), share) in enumerate(zip(parts, shares, strict=True)):
        colour, seg = PALETTE[j % len(PALETTE)], value / total * bar_w
        text = f"{_clean(name)}: {_auto(value)} ({share})"
        desc.append(text)
        inner = []
        if seg > 0:
            inner.append(_rect("seg", x, y, seg, 24, colour, ' stroke="#ffffff" stroke-width="1"'))
            if _tw(share) + 6 <= seg:
                inner.append(format_html('<text x="{}" y="{}" text-anchor="middle" '
                                         'fill="#ffffff">{}</text>', _n(x + seg / 2), y + 16,
                                         share))
        ly = y + 24 + 22 + j * 20
        inner += [_rect("swatch", PAD, ly - 10, 11, 11, colour),
                  _label(PAD + 16, ly, text, width - 2 * PAD - 16, "start")]
        out.append(_row(text, None, _join(inner)))
        x += seg
    height = y + 24 + 12 + len(parts) * 20 + PAD
    return _svg(uid, title, "; ".join(desc), width, height, _join(out))


def progress_chart(rows: list[tuple[str, float | None, float | None, str | None]], *,
                   title: str, width: int = 560) -> SafeString:
    """Rows of (label, actual, target, href): a bar for the actual value over a light track,
    a dark tick at the target, coloured on target / behind / no target, and the words
    "actual / target (pct%)" printed after the track (status also in the tooltip)."""
    rows = [(str(label), _val(actual), _val(target), href) for label, actual, target, href in rows]
    uid = _uid("progress", title, rows, width)
    if not rows:
        return _no_data(uid, title, width)
    na, statuses, texts = _("n/a"), [], []
    for _name, actual, target, _href in rows:
        shown = na if actual is None else _auto(actual)
        if target is None:
            statuses.append((NO_TARGET, _("no target")))
            texts.append(f"{shown} ({_('no target')})")
            continue
        reached = actual is not None and actual >= target
        statuses.append((ON_TARGET, _("on target")) if reached else (BEHIND, _("behind target")))
        pct = f" ({_pct(actual / target * 100)})" if actual is not None and target > 0 else ""
        texts.append(f"{shown} / {_auto(target)}{pct}")
    used = sorted(set(statuses), key=[(ON_TARGET, _("on target")), (BEHIND, _("behind target")),
                                      (NO_TARGET, _("no target"))].index)
    legend, y0 = _legend([*used, (None, _("target"))], TOP + 8, width)
    label_w, x0, plot_w, value_w = _columns([r[0] for r in rows], texts, width)
    scale = plot_w / (max([v for r in rows for v in r[1:3] if v is not None and v > 0],
                          default=0) or 1)
    parts, desc = legend, []
    for i, ((label, actual, target, href), text, (colour, status)) in enumerate(
            zip(rows, texts, statuses, strict=True)):
        y = y0 + i * ROW
        tooltip = f"{_clean(label)}: {text}, {status}"
        desc.append(tooltip)
        inner = [_label(x0 - 6, y + ROW / 2 + 4, label, label_w - 6),
                 _rect("track", x0, y + 5, plot_w, BAR_H, TRACK),
                 _rect("bar", x0, y + 5, max(actual or 0, 0) * scale, BAR_H, colour)]
        if target is not None:
            tx = x0 + max(target, 0) * scale
            inner.append(format_html('<line class="target" x1="{x}" x2="{x}" y1="{a}" y2="{b}" '
                                     'stroke="{c}" stroke-width="2"/>', x=_n(tx), a=y + 2,
                                     b=y + 8 + BAR_H, c=TEXT))
        inner.append(_label(x0 + plot_w + 6, y + ROW / 2 + 4, text, value_w, "start"))
        parts.append(_row(tooltip, href, _join(inner)))
    return _svg(uid, title, "; ".join(desc), width, y0 + len(rows) * ROW + PAD, _join(parts))
