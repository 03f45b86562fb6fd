"""Hand-built delivery data for the KPI tests: random but seeded, with the traps that break
naive M&E totals (events serving several actions, members benefiting from several events,
cancelled events, events of other offices and other years, absent participants)."""

from __future__ import annotations

import datetime as dt
import random

from workplan.delivery.models import Event, EventAction, Participation
from workplan.directory.models import Member, Office, Person, Region


def build_world(office, plan, seed: int, events: int = 45):
    rng = random.Random(seed)
    members = list(Member.objects.filter(region=office.region).order_by("iso3"))
    actions = list(plan.actions.order_by("pk"))
    region = Region.objects.create(code=f"other-{seed}", name=f"Other region {seed}")
    stranger = Office.objects.create(code=f"OTHER-{seed}", name="Another office",
                                     short_name="Other", region=region)
    people = Person.objects.bulk_create([
        Person(office=office, full_name=f"Person {i}", member=rng.choice(members),
               gender=rng.choice(["female", "male", "male", "undisclosed", ""]))
        for i in range(60)])
    fy_start = dt.date(plan.start_year, 7, 1)
    made = []
    for index in range(events):
        # mostly inside the plan's year; some before and after it
        offset = rng.randint(-60, 420)
        start = fy_start + dt.timedelta(days=offset)
        event = Event.objects.create(
            office=stranger if index % 11 == 10 else office,
            title=f"Event {index}", kind=rng.choice(Event.Kind.values),
            level=rng.choice(Event.Level.values), start_date=start,
            end_date=start + dt.timedelta(days=rng.randint(0, 4)),
            status=rng.choice(["held"] * 6 + ["cancelled", "planned", "postponed"]))
        event.beneficiaries.set(rng.sample(members, rng.randint(0, 5)))
        for action in rng.sample(actions, rng.randint(0, 3)):
            EventAction.objects.create(event=event, action=action)
        chosen = rng.sample(people, rng.randint(0, 14))
        Participation.objects.bulk_create([
            Participation(event=event, person=p, member=p.member if rng.random() < 0.9
                          else rng.choice(members),
                          role=rng.choice(["participant"] * 5 + ["expert", "observer"]),
                          attended=rng.random() > 0.1)
            for p in chosen])
        made.append(event)
    return {"office": office, "plan": plan, "events": made, "members": members,
            "people": people, "stranger": stranger}
