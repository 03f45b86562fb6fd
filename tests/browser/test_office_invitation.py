"""An office admin invites a colleague in a real browser: the account menu leads to the
office's administration, the invitation is e-mailed, and the colleague opens the link, sets a
password and is signed in with the role. The header fits at 1366 and 390 px wide
(screenshots var/screenshots/invite-*.png)."""

import re

from django.core import mail

from tests.conftest import TEST_PASSWORD
from workplan.core.models import Membership

from .a11y import assert_accessible
from .helpers import horizontal_overflow, shot, sign_in

LINK = re.compile(r"https?://\S+/invitation/[^/\s]+/")


def _header_on_one_row(page) -> bool:
    """The brand and the account menu sit on the same row of the header."""
    brand = page.locator(".brand").bounding_box()
    menu = page.locator(".account-menu__summary").bounding_box()
    return abs((brand["y"] + brand["height"] / 2) - (menu["y"] + menu["height"] / 2)) < 12


def test_admin_invites_and_the_colleague_sets_a_password(page, browser, live_server, make_user,
                                                         office):
    make_user("admin", username="ap-admin", first_name="Ada", last_name="Admin")
    mail.outbox.clear()
    sign_in(page, "ap-admin", TEST_PASSWORD)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert horizontal_overflow(page) == 0, width
        shot(page, f"invite-header-{width}")
    page.set_viewport_size({"width": 1366, "height": 800})
    assert _header_on_one_row(page)

    page.locator(".account-menu__summary").click()
    page.get_by_role("link", name="Office administration").click()
    page.get_by_role("link", name=office.name).click()
    assert page.locator("h1").inner_text().startswith("Administration of")
    assert_accessible(page)
    page.get_by_label("E-mail").fill("colleague@rocb.example")
    page.locator("#id_role").select_option("staff")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert page.get_by_text("An invitation to set a password is being sent").is_visible()
    # The task ran (at once here): the row says pending, and offers to send it again.
    row = page.locator("tr", has_text="colleague@rocb.example")
    assert "pending" in row.inner_text()
    assert row.get_by_role("button", name=re.compile("^Send again")).is_visible()
    assert_accessible(page)
    shot(page, "invite-admin-page", full_page=True)
    assert len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body).group(0)

    colleague = browser.new_context(base_url=live_server.url, locale="en-GB",
                                    viewport={"width": 390, "height": 800})
    other = colleague.new_page()
    other.goto(link)
    assert other.locator("h1").inner_text() == "Open your account"
    assert horizontal_overflow(other) == 0
    assert_accessible(other, landmarks=("main", "header"))  # no menu before signing in
    other.get_by_label("First name").fill("Cole")
    other.get_by_label("Last name").fill("League")
    other.locator("#id_new_password1").fill("a-long-pass-phrase-71")
    other.locator("#id_new_password2").fill("a-long-pass-phrase-71")
    shot(other, "invite-set-password")
    other.get_by_role("button", name="Open my account").click()
    other.wait_for_load_state()
    assert other.get_by_text("Welcome to Workplan").is_visible()
    assert other.locator(".user-menu__name").inner_text() == "Cole League"
    membership = Membership.objects.get(user__email="colleague@rocb.example")
    assert (membership.office, membership.role) == (office, "staff")
    other.goto(link)
    assert "already used" in other.locator("main").inner_text()
    colleague.close()
