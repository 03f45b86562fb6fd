"""The accessibility check itself: it finds each kind of problem and names the element."""

import pytest

from .a11y import accessibility_problems, assert_accessible

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
  <header><nav aria-label="Main"><a href="/">Home</a></nav></header>
  <main>
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
        assert_accessible(blank)
    message = str(failure.value)
    assert "8 accessibility problem(s)" in message
    assert "form control without a label at `#q`" in message
    assert "positive tabindex at `body > main > a` (tabindex=3)" in message


def test_a_clean_page_passes(blank):
    blank.set_content(GOOD)
    assert accessibility_problems(blank) == []
    assert_accessible(blank)
