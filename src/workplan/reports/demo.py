"""Demonstration publications, deterministic for a given seed.

- ``publications_for(office, plan, rng, members)``: a year of the register for one plan,
  unsaved: four quarterly newsletter issues, good practice reports, articles members submitted
  and website items, each linked to the actions of the plan that speak of them;
- ``populate_demo(office, seed)``: the register of the office's plans (small demo, tests);
- ``large_stage``: the large demo's stage (``delivery.demo_large.EXTRA_STAGES``).

Everything is written with ``bulk_create`` (no history rows for generated records).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from .models import Publication

TOPICS = ["risk management", "AEO programmes", "post-clearance audit", "e-commerce",
          "the Time Release Study", "Single Window", "integrity", "HS 2027",
          "data analytics", "trainers' development", "coordinated border management",
          "the WCO Data Model"]
WEBSITE = ["Workshop report published", "Call for nominations", "Members' news",
           "Vacancy notice at the office", "New CLiKC! courses", "Meeting summary"]


def _actions(plan, *words: str) -> list[int]:
    """The plan's actions whose text, or the title of an activity they list, has a word."""
    found = []
    for action in plan.actions.prefetch_related("activities").order_by("position"):
        texts = [action.text.lower(), *(a.title.lower() for a in action.activities.all())]
        if any(word in text for word in words for text in texts):
            found.append(action.pk)
    return found


def publications_for(office, plan, rng: random.Random, members) -> list[tuple]:
    """(Publication, action ids) of one fiscal year, unsaved."""
    start = dt.date(plan.start_year, office.fiscal_year_start_month, 1)
    newsletter = _actions(plan, "newsletter")
    practice = _actions(plan, "good practice")
    website = _actions(plan, "website")
    sharing = [i.action_id for action in plan.actions.prefetch_related("indicators")
               for i in action.indicators.all() if i.measure == "items_shared"]
    made = []
    for quarter in range(4):
        day = start + dt.timedelta(days=91 * quarter + rng.randint(70, 85))
        issue = f"{plan.start_year}-{quarter + 1}"
        made.append((Publication(
            office=office, kind=Publication.Kind.NEWSLETTER, date=day,
            title=f"{office.short_name} E-Newsletter, issue {issue}",
            summary="The quarter's workshops and missions, members' news and upcoming events.",
            url=f"https://example.org/{office.code.lower()}/newsletter/{issue}"), newsletter))
    for number in range(rng.randint(2, 3)):
        topic = rng.choice(TOPICS)
        made.append((Publication(
            office=office, kind=Publication.Kind.GOOD_PRACTICE,
            date=start + dt.timedelta(days=rng.randint(60, 350)),
            title=f"Regional good practice report No. {number + 1}: {topic}",
            summary=f"How members of the region approach {topic}, with case studies."),
            practice))
    for member in rng.sample(members, min(len(members), rng.randint(6, 10))):
        topic = rng.choice(TOPICS)
        chosen = newsletter + ([rng.choice(sharing)] if sharing else [])
        made.append((Publication(
            office=office, kind=Publication.Kind.ARTICLE, member=member,
            date=start + dt.timedelta(days=rng.randint(20, 360)),
            title=f"{member.name}: our experience with {topic}"), sorted(set(chosen))))
    for _ in range(rng.randint(8, 14)):
        made.append((Publication(
            office=office, kind=Publication.Kind.WEBSITE,
            date=start + dt.timedelta(days=rng.randint(0, 364)),
            title=rng.choice(WEBSITE)), website))
    return made


def _save(made: list[tuple]) -> int:
    publications = Publication.objects.bulk_create([p for p, _a in made], batch_size=2000)
    through = Publication.actions.through
    through.objects.bulk_create(
        [through(publication_id=p.pk, action_id=a)
         for p, (_p, actions) in zip(publications, made, strict=True) for a in actions],
        batch_size=5000, ignore_conflicts=True)
    return len(publications)


@transaction.atomic
def populate_demo(office, seed: int = 2024) -> dict:
    """The register of every plan of ``office`` (none if the office has publications)."""
    if Publication.objects.filter(office=office).exists():
        return {"publications": 0}
    rng = random.Random(seed)
    members = list(office.region.members.order_by("iso3"))
    made = []
    for plan in office.work_plans.order_by("start_year"):
        made += publications_for(office, plan, rng, members)
    return {"publications": _save(made)}


def large_stage(demo, office, plans, events) -> dict:
    """The large demo's publications stage."""
    rng = demo.rng_for(office, "publications")
    members = list(office.region.members.order_by("iso3"))
    dated = set(Publication.objects.filter(office=office).values_list("date", flat=True))
    made = []
    for plan in plans:
        start = dt.date(plan.start_year, office.fiscal_year_start_month, 1)
        if any(start <= day < start.replace(year=start.year + 1) for day in dated):
            continue  # the small demo's year already has its register
        made += publications_for(office, plan, rng, members)
    return {"publications": _save(made)}
