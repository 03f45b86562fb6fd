"""SVG charts: every kind parses as XML, says what it shows to screen readers, draws bars to
scale, escapes user text, copes with no data, and renders the same bytes for the same input;
Typst sets them in a PDF as text and shapes."""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from workplan.core import charts
from workplan.reports.render.charts import Chart
from workplan.reports.render.typeset import FONTS, typeset_pdf

NS = "{http://www.w3.org/2000/svg}"
BARS = [("Japan", 120, "/members/jpn/"), ("Fiji", 60, None), ("Tonga", 30, "/members/ton/")]
STACK = (["Workshops", "Missions"], [("Women", [12, 30]), ("Men", [20, 10])])
SHARE = [("Women", 42), ("Men", 56), ("Not stated", 2)]
PROGRESS = [("Events", 14, 12, "/kpi/1/"), ("Members", 18, 36, None), ("Experts", 3, None, None)]


def every_kind():
    return {
        "horizontal": charts.bar_chart(BARS, title="Participants"),
        "vertical": charts.bar_chart(BARS, title="Participants", orientation="vertical"),
        "stacked": charts.stacked_bar_chart(*STACK, title="By kind", hrefs=["/w/", None]),
        "share": charts.share_chart(SHARE, title="Women share"),
        "progress": charts.progress_chart(PROGRESS, title="KPIs"),
    }


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == NS + "svg"
    return root


def rects(root, cls):
    return [r for r in root.iter(NS + "rect") if cls in r.get("class", "").split()]


def texts(root):
    return [t.text for t in root.iter(NS + "text")]


def row_titles(root):
    return [g.find(NS + "title").text for g in root.iter(NS + "g") if g.get("class") == "row"]


def width(rect):
    return float(rect.get("width"))


@pytest.mark.parametrize("kind", ["horizontal", "vertical", "stacked", "share", "progress"])
def test_every_kind_is_standalone_accessible_svg(kind):
    svg = every_kind()[kind]
    root = parse(svg)
    # A chart whose bars are links is a figure (its links stay reachable); otherwise an image.
    assert root.get("role") == ("figure" if "<a href=" in svg else "img")
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
    assert "sans-serif" in root.get("font-family")
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title_id.startswith("chart-") and desc_id != title_id
    assert title.text in {"Participants", "By kind", "Women share", "KPIs"}
    # The description states the data in words.
    expected = {"horizontal": "Japan: 120", "vertical": "Fiji: 60", "stacked": "Women 12, Men 20",
                "share": "Women: 42 (42%)", "progress": "Members: 18 / 36 (50%), behind"}[kind]
    assert expected in desc.text


def test_horizontal_bar_lengths_are_proportional_and_max_value_sets_the_scale():
    root = parse(charts.bar_chart(BARS, title="T"))
    japan, fiji, tonga = map(width, rects(root, "bar"))
    assert japan > 0
    assert fiji == pytest.approx(japan / 2, abs=0.1)
    assert tonga == pytest.approx(japan / 4, abs=0.1)
    scaled = parse(charts.bar_chart(BARS, title="T", max_value=240))
    assert width(rects(scaled, "bar")[0]) == pytest.approx(japan / 2, abs=0.1)
    # A max_value below the data never lets a bar run past the plot.
    assert width(rects(parse(charts.bar_chart(BARS, title="T", max_value=10)), "bar")[0]) == japan
    assert [t for t in texts(root) if t and t[0].isdigit()] == ["120", "60", "30"]


def test_vertical_bar_heights_are_proportional_and_long_labels_turn():
    root = parse(charts.bar_chart(BARS, title="T", orientation="vertical", unit="%"))
    heights = [float(r.get("height")) for r in rects(root, "bar")]
    assert heights[1] == pytest.approx(heights[0] / 2, abs=0.1)
    assert "120%" in texts(root)
    assert "rotate" not in str(charts.bar_chart(BARS, title="T", orientation="vertical"))
    long = [(f"A rather long member name {i}", i, None) for i in range(1, 6)]
    svg = charts.bar_chart(long, title="T", orientation="vertical")
    assert "rotate(-40" in svg and "rotate(-90" not in svg
    assert parse(svg)
    # Values wider than their column are written upwards instead of running into neighbours.
    crowded = charts.bar_chart([(str(i), 123456 * i, None) for i in range(1, 21)], title="T",
                               orientation="vertical")
    assert crowded.count("rotate(-90") == 20 and "2,469,120" in texts(parse(crowded))


def test_negative_zero_and_all_zero_values():
    root = parse(charts.bar_chart([("up", 10, None), ("zero", 0, None), ("down", -5, None)],
                                  title="T"))
    up, zero, down = rects(root, "bar")
    axis = float(root.find(NS + "line").get("x1"))
    assert float(up.get("x")) == pytest.approx(axis) and width(zero) == 0
    assert float(down.get("x")) + width(down) == pytest.approx(axis, abs=0.1)
    assert width(down) == pytest.approx(width(up) / 2, abs=0.1)
    assert "-5" in texts(root)
    flat = parse(charts.bar_chart([("a", 0, None), ("b", 0, None)], title="T"))
    assert [width(r) for r in rects(flat, "bar")] == [0, 0]
    assert parse(charts.bar_chart([("a", 0, None)], title="T", orientation="vertical"))
    assert parse(charts.progress_chart([("a", 0, 0, None)], title="T"))


def test_none_values_are_drawn_as_no_data():
    for orientation in ("horizontal", "vertical"):
        root = parse(charts.bar_chart([("a", None, None), ("b", 5, None)], title="T",
                                      orientation=orientation))
        assert len(rects(root, "nodata")) == 1 and "n/a" in texts(root)
        assert "a: n/a" in root.find(NS + "desc").text
    only_none = parse(charts.bar_chart([("a", None, None), ("b", float("nan"), None)], title="T"))
    assert len(rects(only_none, "nodata")) == 2
    progress = parse(charts.progress_chart([("a", None, 10, None), ("b", 4, None, None)],
                                           title="T"))
    assert {"n/a / 10", "4 (no target)"} <= set(texts(progress))


def test_empty_input_says_no_data():
    empties = [charts.bar_chart([], title="T"),
               charts.bar_chart([], title="T", orientation="vertical"),
               charts.stacked_bar_chart([], [], title="T"),
               charts.stacked_bar_chart(["a"], [], title="T"),
               charts.share_chart([], title="T"),
               charts.share_chart([("a", 0), ("b", 0)], title="T"),
               charts.progress_chart([], title="T")]
    for svg in empties:
        root = parse(svg)
        assert "No data" in texts(root) and root.get("role") == "img"
        assert float(root.get("viewBox").split()[3]) < 100


def test_links_wrap_the_rows_that_have_one():
    for kind, expected in [("horizontal", ["/members/jpn/", "/members/ton/"]),
                           ("vertical", ["/members/jpn/", "/members/ton/"]),
                           ("stacked", ["/w/"]), ("progress", ["/kpi/1/"]), ("share", [])]:
        root = parse(every_kind()[kind])
        assert [a.get("href") for a in root.iter(NS + "a")] == expected, kind
    root = parse(charts.bar_chart([("a", 1, "/x/?a=1&b=2")], title="T"))
    assert root.find(f"{NS}a").get("href") == "/x/?a=1&b=2"


def test_user_text_is_escaped_everywhere():
    nasty = '<script>alert("x")</script> & \'quoted\''
    svgs = [charts.bar_chart([(nasty, 1, None)], title=nasty, unit="<u>"),
            charts.bar_chart([(nasty, 1, None)], title=nasty, orientation="vertical"),
            charts.stacked_bar_chart([nasty], [(nasty, [3])], title=nasty, unit="&"),
            charts.share_chart([(nasty, 1)], title=nasty),
            charts.progress_chart([(nasty, 1, 2, None)], title=nasty)]
    for svg in svgs:
        assert "<script>" not in svg and "<u>" not in svg
        root = parse(svg)
        assert root.find(NS + "title").text == nasty
        assert any(t.startswith(nasty) for t in row_titles(root))
    # Characters XML cannot carry are dropped rather than breaking the document.
    root = parse(charts.bar_chart([("a\x00b\x1bc\ufffe", 1, None)], title="t\x0b"))
    assert row_titles(root) == ["abc: 1"]


def test_long_labels_are_cut_with_the_full_label_in_the_row_title():
    label = "Lao People's Democratic Republic, Department of Customs, Vientiane Capital"
    for svg in (charts.bar_chart([(label, 1, None)], title="T"),
                charts.stacked_bar_chart([label], [("s", [1])], title="T"),
                charts.progress_chart([(label, 1, 2, None)], title="T")):
        root = parse(svg)
        shown = next(t for t in texts(root) if t.startswith("Lao"))
        assert shown.endswith("…") and len(shown) < len(label)
        assert row_titles(root)[0].startswith(label)


def test_height_follows_the_number_of_rows():
    def height(n):
        svg = charts.bar_chart([(f"m{i}", i, None) for i in range(n)], title="T")
        return float(parse(svg).get("viewBox").split()[3])

    assert height(10) - height(5) == pytest.approx(5 * (height(2) - height(1)))
    assert height(2) > height(1)


def test_stacked_segments_are_proportional_and_totals_printed():
    root = parse(charts.stacked_bar_chart(*STACK, title="T", unit="people"))
    women_w, men_w, women_m, men_m = map(width, rects(root, "seg"))
    assert men_w == pytest.approx(women_w * 20 / 12, abs=0.1)
    assert women_m + men_m == pytest.approx((women_w + men_w) * 40 / 32, abs=0.2)
    assert {"32 people", "40 people"} <= set(texts(root))
    assert [g.find(NS + "text").text for g in root.iter(NS + "g")
            if g.get("class") == "legend"] == ["Women", "Men"]
    with pytest.raises(ValueError, match="'Men' has 1 values for 2 categories"):
        charts.stacked_bar_chart(["a", "b"], [("Men", [1])], title="T")


def test_share_segments_fill_the_bar_in_proportion():
    root = parse(charts.share_chart(SHARE, title="T", width=320))
    segs = list(map(width, rects(root, "seg")))
    assert sum(segs) == pytest.approx(320 - 2 * charts.PAD, abs=0.2)
    assert segs[1] == pytest.approx(segs[0] * 56 / 42, abs=0.1)
    assert {"Women: 42 (42%)", "Men: 56 (56%)", "Not stated: 2 (2%)"} <= set(texts(root))
    third = parse(charts.share_chart([("a", 1), ("b", 2)], title="T"))
    assert "a: 1 (33%)" in texts(third)


def test_progress_bars_ticks_and_status_colours():
    root = parse(charts.progress_chart(PROGRESS, title="T"))
    events, members, experts = rects(root, "bar")
    assert width(members) == pytest.approx(width(events) * 18 / 14, abs=0.1)
    ticks = [float(line.get("x1")) for line in root.iter(NS + "line")
             if line.get("class") == "target"]
    track = rects(root, "track")[0]
    assert ticks[1] == pytest.approx(float(track.get("x")) + width(track), abs=0.1)  # 36 = max
    assert len(ticks) == 2  # no tick without a target
    assert [r.get("fill") for r in (events, members, experts)] == [
        charts.ON_TARGET, charts.BEHIND, charts.NO_TARGET]
    assert {"14 / 12 (116.7%)", "18 / 36 (50%)", "3 (no target)"} <= set(texts(root))
    assert row_titles(root)[0] == "Events: 14 / 12 (116.7%), on target"


def test_same_input_same_bytes_different_data_different_ids():
    assert every_kind() == every_kind()
    same = charts.bar_chart(BARS, title="T", highlight={"Fiji", "Japan", "Tonga"})
    assert same == charts.bar_chart(BARS, title="T", highlight={"Tonga", "Japan", "Fiji"})

    def uid(svg):
        return parse(svg).find(NS + "title").get("id")

    ids = {uid(svg) for svg in every_kind().values()}
    ids |= {uid(charts.bar_chart(BARS[:2], title="Participants")),
            uid(charts.bar_chart([("Japan", 121, None)], title="Participants")),
            uid(charts.bar_chart(BARS, title="Other title"))}
    assert len(ids) == 8


def test_output_does_not_depend_on_hash_seed():
    code = ("import django; django.setup(); from workplan.core import charts; "
            "print(charts.bar_chart([('a', 1, None), ('b', 2, None)], title='T', "
            "highlight=set('abcdefgh')))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed,
                                               "DJANGO_SETTINGS_MODULE": "workplan.settings"},
                              ).stdout for seed in ("1", "2")}
    assert len(outputs) == 1 and "<svg" in outputs.pop()


def contrast(colour):
    def channel(c):
        c = int(colour[c:c + 2], 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    return 1.05 / (lum + 0.05)


def test_colours_have_enough_contrast_against_white():
    # Bars need 3:1; segments carry white text, so the palette meets 4.5:1 like the text.
    for colour in (*charts.PALETTE, charts.HIGHLIGHT, charts.ON_TARGET, charts.BEHIND,
                   charts.NO_TARGET, charts.OUTLINE, charts.TEXT, charts.MUTED):
        assert contrast(colour) >= 4.5, colour
    assert contrast("#ffffff") == pytest.approx(1)


LABELS = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                               blacklist_characters="\ufffe\uffff"), max_size=60)
VALUES = st.one_of(st.none(), st.integers(-10**9, 10**9),
                   st.floats(-1e9, 1e9, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LABELS, VALUES), max_size=12), st.sampled_from(["horizontal",
                                                                          "vertical"]))
def test_any_labels_and_values_give_parsable_svg_with_every_label(rows, orientation):
    svgs = [charts.bar_chart([(label, value, None) for label, value in rows], title="T",
                             orientation=orientation),
            charts.stacked_bar_chart([label for label, _v in rows],
                                     [("s", [value or 0 for _l, value in rows])], title="T"),
            charts.share_chart([(label, value or 0) for label, value in rows], title="T"),
            charts.progress_chart([(label, value, value, None) for label, value in rows],
                                  title="T")]
    for svg in svgs:
        root = parse(svg)
        if "No data" in texts(root):
            continue
        titles = row_titles(root)
        for label, _value in rows:
            assert escape(label) in svg
            assert any(t.startswith(label + ":") for t in titles)


@pytest.fixture
def pdf_text():
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")

    def render(svgs):
        found = [Chart(str(i), "", svg) for i, svg in enumerate(svgs)]
        pdf = typeset_pdf("charts.typ", {"fonts": FONTS, "charts": [
            {"svg": c.svg, "width": c.size[0], "height": c.size[1], "alt": c.alt}
            for c in found]})
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf,
                              capture_output=True, check=True).stdout.decode()

    return render


def test_typst_draws_every_kind_in_a_pdf(pdf_text):
    text = pdf_text(list(every_kind().values()))
    for words in ("Participants", "Japan", "120", "Workshops", "Women", "42%", "Events",
                  "14 / 12 (116.7%)", "By kind", "KPIs"):
        assert words in text, words
