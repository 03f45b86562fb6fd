"""A plausible year of delivery for the sample plan, deterministic for a given seed.

``workplan demo --scale small`` fills fiscal year 2024-2025 of ROCB A/P: partners, experts with
accreditations, about 150 events (national workshops per member, sub-regional and regional
workshops, missions, meetings the office attends, a few unplanned events), about 4,000
participations, funding, and requests at every step of their life cycle. A new user sees a
living system; tests and benchmarks get the same data every time.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from workplan.directory.models import Accreditation, Member, Office, Partner, Person

from .demo_names import full_name
from .models import (
    Event,
    EventAction,
    EventPartner,
    Funding,
    Participation,
    Request,
    RequestStep,
)
from .services import event_defaults_for

PARTNERS = [
    ("Customs Cooperation Fund of Japan", "CCF-Japan", "donor", "JPN"),
    ("Customs Cooperation Fund of Korea", "CCF-Korea", "donor", "KOR"),
    ("Customs Cooperation Fund of China", "CCF-China", "donor", "CHN"),
    ("Asian Development Bank", "ADB", "ifi", "PHL"),
    ("World Bank Group", "WBG", "ifi", ""),
    ("Australian Border Force", "ABF", "donor", "AUS"),
    ("New Zealand Customs Service", "NZCS", "donor", "NZL"),
    ("United Nations Office on Drugs and Crime", "UNODC", "donor", ""),
    ("United Nations Environment Programme", "UNEP", "donor", ""),
    ("WCO Secretariat", "WCO", "wco", ""),
    ("Regional Intelligence Liaison Office for Asia and the Pacific", "RILO A/P", "rilo", "KOR"),
    ("Regional Training Centre Japan", "RTC Japan", "rtc", "JPN"),
    ("Regional Training Centre India", "RTC India", "rtc", "IND"),
    ("Regional Training Centre Malaysia", "RTC Malaysia", "rtc", "MYS"),
]
AREAS = ["Risk management", "AEO", "Customs valuation", "HS classification", "Rules of origin",
         "Post-clearance audit", "Time Release Study", "WCO Data Model", "Integrity",
         "Human resource management", "Enforcement", "Single Window"]
GIVEN_F = ["Aiko", "Mei", "Siosaia", "Priya", "Nurul", "Linh", "Sarah", "Ana", "Farida",
           "Sunita", "Mere", "Kim", "Yuki", "Dewi", "Maria", "Tashi", "Ayesha", "Noor"]
GIVEN_M = ["Hiroshi", "Wei", "Tevita", "Rahul", "Ahmad", "Minh", "John", "Sione", "Kamal",
           "Bilal", "Sokha", "Jin", "Kenji", "Budi", "Jose", "Karma", "Omar", "Ravi"]
FAMILY = ["Tanaka", "Chen", "Fifita", "Sharma", "Abdullah", "Nguyen", "Smith", "Tupou",
          "Rahman", "Khan", "Chea", "Park", "Sato", "Santoso", "Reyes", "Dorji", "Ali",
          "Perera", "Lee", "Wong", "Silva", "Naidu", "Thapa", "Bataa", "Vong", "Kaur"]
CAPITALS = {
    "AFG": "Kabul", "AUS": "Canberra", "BGD": "Dhaka", "BRN": "Bandar Seri Begawan",
    "BTN": "Thimphu", "CHN": "Beijing", "FJI": "Suva", "HKG": "Hong Kong", "IDN": "Jakarta",
    "IND": "New Delhi", "IRN": "Tehran", "JPN": "Tokyo", "KHM": "Phnom Penh", "KOR": "Seoul",
    "LAO": "Vientiane", "LKA": "Colombo", "MAC": "Macao", "MDV": "Male", "MMR": "Nay Pyi Taw",
    "MNG": "Ulaanbaatar", "MYS": "Kuala Lumpur", "NPL": "Kathmandu", "NZL": "Wellington",
    "PAK": "Islamabad", "PHL": "Manila", "PLW": "Ngerulmud", "PNG": "Port Moresby",
    "SGP": "Singapore", "SLB": "Honiara", "THA": "Bangkok", "TLS": "Dili", "TON": "Nuku'alofa",
    "VNM": "Hanoi", "VUT": "Port Vila", "WSM": "Apia",
}
POSITIONS = ["Customs Officer", "Senior Customs Officer", "Deputy Director", "Director",
             "Assistant Commissioner", "Risk Analyst", "Auditor", "Trainer", "Inspector"]



# What staff write about an event for the annual report (every third event has one; the others
# get the paragraph the report composes from the facts).
SUMMARIES = (
    "Participants compared their procedures with the WCO guidance, worked through case studies "
    "drawn from their own ports and drafted an action plan for the next twelve months.",
    "The administration asked for this support after last year's diagnostic. Officials "
    "practised the methods on live data and agreed on three changes to present to senior "
    "management.",
    "Sessions mixed presentations by the experts with group work; the closing discussion "
    "identified training needs that the office will address in the coming year.",
)


def demo_summary(number: int) -> str:
    """A summary as staff write one, for every third event of the large demonstration (no
    random draw, so the rest of its data stays as it was)."""
    return SUMMARIES[(number // 3) % len(SUMMARIES)] if number % 3 == 0 else ""


# What staff write about an event of each kind for the annual report: two or three sentences
# that never list the members (the line of facts and the reach say who took part).
KIND_SUMMARIES = {
    "workshop": SUMMARIES,
    "training": (
        "Trainees followed the course's modules and passed its assessment; the two best "
        "will co-deliver the next national session.",
        "The course combined e-learning beforehand with three days of practical exercises; "
        "the administration will add it to its own training calendar.",
    ),
    "accreditation": (
        "Candidates delivered sessions under observation; those who met the standard will be "
        "proposed to the WCO Secretariat for accreditation.",
    ),
    "mission": (
        "The experts reviewed procedures with the officials in charge and left a report with "
        "recommendations and a timetable agreed with the administration.",
        "The mission assessed progress since the last diagnostic and agreed the next steps "
        "with senior management.",
    ),
    "meeting": (
        "The office reported on the year's delivery and took note of the members' priorities "
        "for the next plan.",
        "Heads of delegation agreed on the regional priorities and the calendar of the coming "
        "year's activities.",
    ),
    "conference": (
        "Speakers from administrations, partners and the private sector shared practice; the "
        "conclusions were circulated to all members.",
    ),
}


def summary_for(kind: str, rng: random.Random) -> str:
    """A concise summary for an event of ``kind``."""
    return rng.choice(KIND_SUMMARIES.get(kind) or SUMMARIES)


def _analyze() -> None:
    """Give the query planner statistics for what was just bulk-loaded.

    Without them (fresh tables, or rows not yet seen by autovacuum, as in a test
    transaction) PostgreSQL can pick nested loops that take minutes on the scope
    subqueries; SQLite's planner, with no sqlite_stat1, guesses join orders that made the
    KPI aggregates a third slower. ANALYZE sees the current transaction's own rows.
    """
    from django.db import connection

    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def fy_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


class Demo:
    """The delivery of one plan year. Dates stay inside the year; an event that ended before
    the year's end (or today, if earlier) is held or cancelled, one still to come is planned,
    confirmed or postponed; requests are dated as filed and answered in the year."""

    def __init__(self, office: Office, seed: int = 2024, year: int = 2024,
                 today: dt.date | None = None):
        from django.utils import timezone

        self.office = office
        self.rng = random.Random(seed)
        self.year = year
        self.today = today or timezone.localdate()
        self.members = list(Member.objects.filter(region=office.region).order_by("iso3"))
        self.people_by_member: dict[int, list[Person]] = {}
        self.emails: set[str] = set()

    def person(self, member, gender=None, **extra) -> Person:
        """An official of ``member`` named as the member's administration writes names."""
        gender = gender or self.rng.choices(["female", "male", "undisclosed"], [38, 60, 2])[0]
        name, word = full_name(self.rng, member.iso3 if member else "", gender)
        domain = f"customs-{member.iso3.lower()}.example" if member else "customs.example"
        email, n = f"{word}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{word}{n}@{domain}"
        self.emails.add(email)
        return Person(office=self.office, full_name=name, gender=gender, member=member,
                      position=self.rng.choice(POSITIONS), email=email, **extra)

    def status_for(self, end_date: dt.date, cutoff: dt.date) -> str:
        """What an event's status is by now: over, held (or now and then cancelled); to come,
        mostly confirmed or planned, some postponed."""
        if end_date < cutoff:
            return self.rng.choices(["held", "cancelled"], [93, 7])[0]
        return self.rng.choices(["confirmed", "planned", "postponed"], [45, 45, 10])[0]

    @transaction.atomic
    def run(self) -> dict:
        rng = self.rng
        partners = []
        for name, acronym, kind, country in PARTNERS:
            partner, _ = Partner.objects.get_or_create(
                name=name, defaults={"acronym": acronym, "kind": kind, "country": country})
            partners.append(partner)
        donors = [p for p in partners if p.kind in ("donor", "ifi")]
        # Experts: accredited people of the region.
        experts = Person.objects.bulk_create(
            [self.person(rng.choice(self.members)) for _ in range(40)])
        Accreditation.objects.bulk_create([
            Accreditation(person=p, area=rng.choice(AREAS),
                          accredited_on=dt.date(self.year - rng.randint(0, 6),
                                                rng.randint(1, 12), 1),
                          expires_on=None if rng.random() < 0.5 else
                          dt.date(self.year + rng.randint(1, 4), 6, 30))
            for p in experts])
        # A pool of officials per member, reused across events as in real life.
        pool = Person.objects.bulk_create(
            [self.person(m) for m in self.members for _ in range(rng.randint(40, 70))])
        for p in pool:
            self.people_by_member.setdefault(p.member_id, []).append(p)

        plan = self.office.work_plans.order_by("-start_year").first()
        start, end = fy_bounds(plan.start_year if plan else self.year)
        cutoff = min(end + dt.timedelta(days=1), self.today)
        self.bounds = (start, end, cutoff)
        events = []
        specs = []  # (event, activity, beneficiaries, host)
        activities = list(plan.activities.prefetch_related("members", "actions")) if plan else []
        for activity in activities:
            defaults = event_defaults_for(activity)
            if activity.kind == "national_workshop":
                targets = [[m] for m in activity.members.all()]
            elif activity.kind in ("subregional_workshop", "regional_workshop", "meeting",
                                   "diagnostic_mission", "training"):
                members = list(activity.members.all()) or rng.sample(self.members, 6)
                targets = [members]
            else:
                continue
            for beneficiaries in targets:
                specs.append((activity, beneficiaries, defaults))
        # Some planned events happen twice (a second session), some unplanned ones are added.
        specs += [(a, b, d) for (a, b, d) in rng.sample(specs, min(60, len(specs)))]
        for activity, beneficiaries, defaults in specs:
            day = start + dt.timedelta(days=rng.randint(0, (end - start).days - 5))
            length = rng.randint(2, 5)
            end_date = day + dt.timedelta(days=length - 1)
            status = self.status_for(end_date, cutoff)
            level = defaults["level"]
            host = beneficiaries[0] if len(beneficiaries) == 1 else rng.choice(beneficiaries)
            mode = rng.choices(["in_person", "virtual", "hybrid"], [80, 12, 8])[0]
            events.append(Event(
                office=self.office, activity=activity, title=defaults["title"],
                kind=defaults["kind"], level=level, start_date=day, end_date=end_date,
                city="" if mode == "virtual" else CAPITALS.get(host.iso3, host.name),
                country="" if mode == "virtual" else host.iso3,
                mode=mode, host_member=host if level == "national" else None, status=status,
                office_role=defaults["office_role"]))
        for _ in range(25):  # unplanned events
            day = start + dt.timedelta(days=rng.randint(0, 360))
            member = rng.choice(self.members)
            events.append(Event(
                office=self.office, title=f"Ad hoc expert mission on {rng.choice(AREAS)} "
                f"for {member.name}", kind="mission", level="national", start_date=day,
                end_date=day + dt.timedelta(days=2), city=CAPITALS.get(member.iso3, member.name),
                country=member.iso3, host_member=member,
                status=self.status_for(day + dt.timedelta(days=2), cutoff)))
            specs.append((None, [member], None))
        # Staff write the summary soon after an event; the last weeks' are still to write.
        for event in events:
            if event.status == "held" and event.end_date < cutoff - dt.timedelta(days=21):
                event.summary = summary_for(event.kind, rng) if rng.random() < 0.9 else ""
        events = Event.objects.bulk_create(events)
        through = Event.beneficiaries.through
        through.objects.bulk_create([through(event_id=e.pk, member_id=m.pk)
                                     for e, (_a, ms, _d) in zip(events, specs, strict=True)
                                     for m in ms])
        EventAction.objects.bulk_create([
            EventAction(event=e, action=action)
            for e, (activity, _m, _d) in zip(events, specs, strict=True) if activity
            for action in activity.actions.all()], ignore_conflicts=True)
        roles, fundings, participations = [], [], []
        for event, (_activity, beneficiaries, _d) in zip(events, specs, strict=True):
            sponsor = rng.choice(donors)
            roles.append(EventPartner(event=event, partner=sponsor, role="funder"))
            if rng.random() < 0.3:
                roles.append(EventPartner(event=event, partner=rng.choice(partners[9:]),
                                          role="co_organiser"))
            amount = Decimal(rng.randint(8, 120) * 500)
            fundings.append(Funding(event=event, partner=sponsor, amount=amount,
                                    currency="USD"))
            if event.host_member and event.host_member.iso3 in ("JPN", "KOR", "AUS", "NZL",
                                                                "CHN", "SGP"):
                fundings.append(Funding(event=event, member=event.host_member,
                                        amount=Decimal(rng.randint(2, 20) * 500),
                                        currency="USD", in_kind=True, note="Venue and meals"))
            if event.status != "held":
                continue
            size = rng.randint(26, 42) if event.level == "national" else rng.randint(30, 55)
            chosen: set[int] = set()
            for _ in range(size):
                member = rng.choice(beneficiaries)
                person = rng.choice(self.people_by_member[member.pk])
                if person.pk in chosen:
                    continue
                chosen.add(person.pk)
                participations.append(Participation(event=event, person=person,
                                                    member=member, role="participant",
                                                    attended=rng.random() > 0.03))
            for expert in rng.sample(experts, rng.randint(1, 3)):
                if expert.pk not in chosen:
                    chosen.add(expert.pk)
                    participations.append(Participation(event=event, person=expert,
                                                        member=expert.member, role="expert"))
        EventPartner.objects.bulk_create(roles, ignore_conflicts=True)
        Funding.objects.bulk_create(fundings)
        Participation.objects.bulk_create(participations, batch_size=2000)
        requests = self.requests(events, plan)
        _analyze()
        return {"partners": len(partners), "experts": len(experts), "events": len(events),
                "participations": len(participations), "requests": requests,
                "people": len(pool) + len(experts)}

    def requests(self, events, plan) -> int:
        """Requests of the year: those that became (or were to become) events, filed one to
        three months before them, and others at every step, all filed and answered between
        the year's first day and the cut-off."""
        rng = self.rng
        first, _last, cutoff = self.bounds
        national = [e for e in events if e.level == "national" and e.host_member_id
                    and first + dt.timedelta(days=75) <= e.start_date
                    <= cutoff + dt.timedelta(days=10)]
        made = 0
        for event in rng.sample(national, min(45, len(national))):
            status = {"held": "delivered", "planned": "scheduled", "confirmed": "scheduled",
                      "cancelled": "withdrawn"}.get(event.status, "accepted")
            request = Request.objects.create(
                office=self.office, member=event.host_member, topic=event.title,
                activity=event.activity, status=status,
                event=event if status in ("scheduled", "delivered") else None,
                preferred_start=event.start_date - dt.timedelta(days=rng.randint(0, 30)),
                notes="Requested by the Director General's office.")
            filed = event.start_date - dt.timedelta(days=45 + made % 40)
            answered = filed + dt.timedelta(days=3 + (made * 7) % 25)
            path = [("received", filed), ("accepted", answered)]
            if status in ("scheduled", "delivered"):
                path.append(("scheduled", answered + dt.timedelta(days=7)))
            if status == "delivered":
                closed = event.end_date + dt.timedelta(days=rng.randint(2, 10))
                path.append(("delivered", min(closed, cutoff - dt.timedelta(days=1))))
            if status == "withdrawn":
                path.append(("withdrawn", event.start_date - dt.timedelta(days=rng.randint(3, 10))))
            _record(request, path)
            made += 1
        actions = list(plan.actions.all()) if plan else []
        span = (cutoff - first).days
        for number in range(15):
            member = rng.choice(self.members)
            status = rng.choice(["received", "received", "accepted", "declined", "withdrawn"])
            request = Request.objects.create(
                office=self.office, member=member, status=status,
                topic=f"Assistance on {_lower(rng.choice(AREAS))}",
                action=rng.choice(actions) if actions else None)
            if status == "received":  # waiting for an answer: filed in the last weeks
                filed = cutoff - dt.timedelta(days=2 + (number * 5) % 40)
                path = [("received", filed)]
            else:
                filed = first + dt.timedelta(days=(20 * (made % 17)) % max(1, span - 40))
                answered = filed + dt.timedelta(days=2 + (made * 5) % 30)
                path = [("received", filed), (status, answered)]
            _record(request, path)
            made += 1
        return made


def _lower(area: str) -> str:
    """An area as a sentence writes it: "risk management", but "AEO", "HS classification",
    "WCO Data Model", "Time Release Study" keep their capitals."""
    words = area.split()
    if words[0].isupper() or area in ("Time Release Study", "Single Window"):
        return area
    return area[:1].lower() + area[1:]


def _record(request, path: list[tuple[str, dt.date]]) -> None:
    """The request's steps, each at 9:00 of its day (the first one is when it was filed): the
    records are made today, but the annual report counts requests of the fiscal year and how
    fast they were answered, and the request's page shows when each step happened."""
    from django.utils import timezone

    def moment(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

    steps = RequestStep.objects.bulk_create(
        [RequestStep(request=request, status=status) for status, _day in path])
    for step, (_status, day) in zip(steps, path, strict=True):
        RequestStep.objects.filter(pk=step.pk).update(at=moment(day))
    filed, last = moment(path[0][1]), moment(path[-1][1])
    Request.objects.filter(pk=request.pk).update(created=filed, modified=last)
    request.history.all().update(history_date=filed)


def populate(office: Office, seed: int = 2024, today: dt.date | None = None) -> dict:
    """Everything the demonstration shows for ``office``'s latest plan year, in one
    transaction: delivery (``Demo``), surveys, KPI targets and values, publications and the
    notifications of the office's users. ``workplan demo`` and ``workplan setup`` both call it;
    the same seed (and ``today``, which decides what is past) gives the same records.
    Returns the counts by part."""
    from django.utils import timezone

    from workplan.indicators.demo import populate_demo as kpis
    from workplan.notifications.demo import populate_demo as notifications
    from workplan.reports.demo import populate_demo as publications
    from workplan.surveys.demo import populate_demo as surveys

    today = today or timezone.localdate()
    with transaction.atomic():
        demo = Demo(office, seed=seed, today=today)
        counts = {"delivery": demo.run()}
        counts["surveys"] = surveys(office, seed=seed, today=today)
        counts["KPI data"] = kpis(office, seed=seed)
        counts["publications"] = publications(office, seed=seed)
        counts["notifications"] = notifications(office, demo.bounds[2])
    return counts


def counts_text(counts: dict) -> list[str]:
    """One line per part: "Delivery: 14 partners, 40 experts, ..."."""
    return [f"{part[:1].upper()}{part[1:]}: " + ", ".join(f"{v:,} {k}" for k, v in c.items())
            for part, c in counts.items()]
