"""The accessibility check itself: it finds each kind of problem and names the element."""

import pytest

from .a11y import accessibility_problems, assert_accessible, keyboard_problems

BAD = """<!doctype html>
<html><head><title>bad</title></head><body>
  <header><p>Site</p></header>
  <main>
    <h1>One</h1>
    <form><input id="q" type="text"><select name="kind"><option>a</option></select>
      <button type="submit"></button><input type="hidden" name="csrf"></form>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
    <h1>Two</h1>
    <a href="#x" tabindex="3">jump</a>
  </main>
</body></html>"""

GOOD = """<!doctype html>
<html lang="en"><head><title>good</title></head><body>
  <a href="#main">Skip to main content</a>
  <header><nav aria-label="Main"><a href="/">Home</a></nav></header>
  <main id="main" tabindex="-1">
    <h1>Only</h1>
    <form><label for="q">Query</label><input id="q" type="search">
      <label>Kind <select name="kind"><option>a</option></select></label>
      <input type="text" aria-label="Other">
      <button type="submit">Go</button></form>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
    <a href="#x" tabindex="0">jump</a>
  </main>
</body></html>"""


@pytest.fixture
def blank(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_check_finds_each_problem_and_names_the_element(blank):
    blank.set_content(BAD)
    found = {(p["rule"], p["selector"]) for p in accessibility_problems(blank)}
    assert found == {
        ("form control without a label", "#q"),
        ("form control without a label", "body > main > form > select"),
        ("button without an accessible name", "body > main > form > button"),
        ("image without alt", "body > main > img"),
        ("more than one h1", "body > main > h1:nth-of-type(2)"),
        ("missing landmark: nav", ""),
        ("html element without lang", "html"),
        ("positive tabindex", "body > main > a"),
    }


def test_assert_accessible_fails_with_the_selectors(blank):
    blank.set_content(BAD)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(blank, keyboard=False)
    message = str(failure.value)
    assert "8 accessibility problem(s)" in message
    assert "form control without a label at `#q`" in message
    assert "positive tabindex at `body > main > a` (tabindex=3)" in message


def test_a_clean_page_passes(blank):
    blank.set_content(GOOD)
    assert accessibility_problems(blank) == []
    assert_accessible(blank)


LOW_CONTRAST = """<!doctype html>
<html lang="en"><head><title>contrast</title></head><body>
  <main>
    <h1>Contrast</h1>
    <p id="grey" style="color:#999">Light grey on white: 2.8:1</p>
    <p id="fine" style="color:#767676">Grey on white: 4.5:1</p>
    <p id="large" style="color:#949494; font-size:24px">Large text needs only 3:1</p>
    <div style="background:#0b5394"><span id="faded" style="color:rgba(255,255,255,0.4)">
      Faded white on blue</span> <span id="white" style="color:#fff">White on blue</span></div>
    <div style="background:rgba(0,0,0,0.5)"><span id="over" style="color:#333">Dark text on
      a half-transparent black layer over white</span></div>
    <p style="opacity:0.3"><span id="dim">Black, in a paragraph at 30% opacity</span></p>
    <button id="off" disabled style="color:#bbb">Disabled: exempt</button>
    <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
      color:#eee">Visually hidden: skipped</span>
    <label for="v">Value</label><input id="v" value="typed" style="color:#aaa">
  </main>
</body></html>"""


def test_contrast_is_measured_on_the_rendered_colours(blank):
    blank.set_content(LOW_CONTRAST)
    found = {p["selector"]: p["detail"] for p in accessibility_problems(blank, ())
             if p["rule"] == "low text contrast"}
    assert set(found) == {"#grey", "#faded", "#over", "#dim", "#v"}
    assert found["#grey"] == "2.85:1, #999999 on #ffffff, needs 4.5:1"


KEYBOARD = """<!doctype html>
<html lang="en"><head><title>keys</title>
<style>.skip{position:absolute;left:-999px} .skip:focus{left:0}
  #bare:focus{outline:none} #ring:focus{outline:none; box-shadow:0 0 0 3px #f2a900}</style>
</head><body>
  <a class="skip" href="#main">Skip to main content</a>
  <header><nav aria-label="Main"><a href="/">Home</a></nav></header>
  <main id="main" tabindex="-1"><h1>Keys</h1>
    <a id="ok" href="#a">Default ring</a> <a id="bare" href="#b">No ring</a>
    <a id="ring" href="#c">Shadow ring</a>
    <label for="d">Day</label><input id="d" type="date">
    <a id="last" href="#d">Last</a>
  </main>
</body></html>"""


def test_keyboard_walk_finds_a_missing_focus_ring(blank):
    blank.set_content(KEYBOARD)
    problems = keyboard_problems(blank)
    assert [(p["rule"], p["selector"]) for p in problems] == [
        ("no visible focus indicator", "#bare")]
    assert blank.evaluate("() => document.activeElement === document.body")


def test_keyboard_walk_needs_a_skip_link(blank):
    blank.set_content(GOOD.replace('<a href="#main">Skip to main content</a>', ""))
    assert [p["rule"] for p in keyboard_problems(blank)] == [
        "first Tab stop is not a skip link to the content"]
    blank.set_content(GOOD.replace('href="#main"', 'href="#nowhere"'))
    assert [p["rule"] for p in keyboard_problems(blank)] == [
        "skip link does not move the focus into main"]
    # A target that cannot take the focus is fine if the next Tab stop is in it.
    blank.set_content(GOOD.replace('<main id="main" tabindex="-1">', '<main id="main">'))
    assert keyboard_problems(blank) == []


REFERENCES = """<!doctype html>
<html lang="en"><head><title>references</title></head><body>
  <main>
    <h1>References</h1>
    <a id="empty" href="/x"><span></span></a>
    <a id="pictured" href="/y"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Home"></a>
    <p id="twice">one</p><p id="twice">two</p>
    <input id="q" aria-describedby="q-help" aria-label="Query">
    <label for="gone">Gone</label>
  </main>
</body></html>"""


def test_links_ids_and_references(blank):
    blank.set_content(REFERENCES)
    found = {(p["rule"], p["detail"]) for p in accessibility_problems(blank, ())}
    assert found == {
        ("link without an accessible name", ""),
        ("duplicate id", 'id="twice"'),
        ("aria-describedby points to no element", "#q-help"),
        ("label for no element", 'for="gone"'),
    }
