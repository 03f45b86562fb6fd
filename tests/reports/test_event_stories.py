"""How the reports tell an event: a venue written once, sentences that never repeat the title,
sessions of one activity told together, a wide event's members in a few words."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from workplan.reports.data.annual import group_sessions, short_title
from workplan.reports.data.events import EventFacts, reach_text, venue


def facts(pk=1, **changes) -> EventFacts:
    values = dict(pk=pk, title="National workshop on AEO for Fiji", kind="workshop",
                  kind_label="Workshop", level="national", level_label="National",
                  status="held", status_label="Held", mode="in_person", mode_label="In person",
                  start=dt.date(2024, 9, 3), end=dt.date(2024, 9, 5), city="Suva",
                  country="FJI", country_name="Fiji", host="Fiji", activity="", summary="",
                  office_role="organised", beneficiaries=[("FJI", "Fiji")], participants=20,
                  women=9)
    values.update(changes)
    return EventFacts(**values)


def test_a_venue_names_the_city_once():
    assert venue("Macao", "Macao, China") == "Macao, China"
    assert venue("Singapore", "Singapore") == "Singapore"
    assert venue("Suva", "Fiji") == "Suva, Fiji"
    assert venue("Suva", "Fiji", "hybrid") == "Suva, Fiji and online"
    assert venue("", "", "virtual") == "online"
    assert facts(city="Macao", country="MAC", country_name="Macao, China").place == \
        "Macao, China"


def test_the_composed_story_does_not_repeat_the_title_or_the_facts_line():
    event = facts(experts=2, partners=[("Customs Cooperation Fund of Japan", "CCF-Japan",
                                        "funder", "donor")])
    story = event.story()
    assert story == ("2 experts served as resource persons. Funded by Customs Cooperation "
                     "Fund of Japan (CCF-Japan).")
    assert event.title not in story and "Fiji" not in story and "Suva" not in story
    # nothing to add to the title and the line of facts: no paragraph at all
    assert facts().story() == ""
    # staff's own words win
    assert facts(summary="  What we did.  ").story() == "What we did."
    # IATI and the newsletter get a paragraph that stands alone
    assert facts().paragraph() == "Held in Suva, Fiji on 3–5 September 2024."


def test_members_the_title_does_not_name_are_named():
    event = facts(title="Sub-regional workshop on risk management", level="subregional",
                  beneficiaries=[("FJI", "Fiji"), ("WSM", "Samoa"), ("TON", "Tonga")])
    assert event.story() == "The workshop served officials of Fiji, Samoa and Tonga."


def test_a_wide_event_says_all_members_or_names_the_sub_regions():
    region = {f"M{i:02d}": ("Pacific" if i < 20 else "ASEAN") for i in range(35)}
    everyone = [(iso, iso) for iso in region]
    assert reach_text(everyone, region) == "all 35 members of the region"
    some = [(f"M{i:02d}", "x") for i in range(15, 25)]
    assert reach_text(some, region) == "10 members of the ASEAN and Pacific sub-regions"
    assert reach_text(some[:3], region) == ""  # few: named one by one
    event = facts(title="Regional workshop on AEO", level="regional", beneficiaries=everyone,
                  reach=reach_text(everyone, region))
    assert event.story() == "The workshop served all 35 members of the region."


def test_sessions_of_one_activity_are_told_together():
    first = facts(1, activity_id=7, activity="National workshops on AEO")
    other = facts(2, title="Mission to Samoa", activity_id=None)
    second = facts(3, activity_id=7, activity="National workshops on AEO",
                   start=dt.date(2025, 1, 3), end=dt.date(2025, 1, 3))
    third = facts(4, activity_id=7, title="National workshop on AEO for Tonga",
                  activity="National workshops on AEO")
    groups = group_sessions([first, other, second, third])
    assert [len(g.events) for g in groups] == [3, 1]
    assert groups[0].sessions == "3 sessions" and groups[1].sessions == ""
    assert groups[0].title == "National workshops on AEO"  # the titles differ: the activity's
    assert groups[0].participants == 60
    assert group_sessions([first, second])[0].title == first.title  # one title: kept


def test_an_actions_short_title():
    assert short_title("Upon request, assist Member's effort in implementing risk "
                       "management tools (e.g. the Compendium)") == (
        "Assist Member's effort in implementing risk management tools")
    assert short_title("Share good practices.") == "Share good practices"
    long = short_title("Conduct " + "very " * 30 + "long things")
    assert len(long) <= 81 and long.endswith("…")


def test_a_short_title_reads_a_numbered_list_and_never_stops_mid_phrase():
    # 1-(i) of the seed plan: the colon of its numbered list once left "Assist Member's effort for"
    assert short_title("Upon request, assist Member's effort for: (1) smooth implementation of "
                       "HS 2022 (for CPs) (2) adoption of the HS (for non-CPs)") == (
        "Assist Member's effort for smooth implementation of HS 2022 and adoption…")
    # 1-(k): cut before "in accordance with", not after "accordance"
    assert short_title("Upon request, assist Member's effort in undertaking Time Release Study "
                       "(TRS) in accordance with the WCO TRS Guidelines") == (
        "Assist Member's effort in undertaking Time Release Study…")
    assert short_title("Assist Member's effort to accede to and implement the Revised Kyoto "
                       "Convention (RKC)") == (
        "Assist Member's effort to accede to and implement the Revised Kyoto Convention")


@given(st.lists(st.sampled_from(["work", "with", "the", "Members", "to", "in", "raise",
                                 "awareness", "of", "accordance", "and", "CEN", "(RKC)",
                                 "order", "data"]), min_size=1, max_size=40))
def test_a_cut_short_title_never_ends_on_a_word_that_opens_a_phrase(words):
    title = short_title(" ".join(words))
    assert len(title) <= 81
    if title.endswith("…") and len(title.split()) > 3:
        assert title[:-1].split()[-1].lower() not in {"with", "the", "to", "in", "of", "and"}
