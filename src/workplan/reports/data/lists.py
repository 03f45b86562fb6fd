"""The XLSX lists' rows: events, participants (by member and gender, and one by one),
requests and publications of an office's fiscal year, as the user may see them.

Each function takes querysets already scoped to the user (``registry.scoped``) and returns a
``Sheet`` per worksheet: headers, rows of plain values, column widths. A fixed number of
queries per list, whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from workplan.delivery.models import Event, Participation, Request
from workplan.directory.models import Person

from .events import event_facts

GENDERS = ("female", "male", "other", "undisclosed")


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    widths: list[int] = field(default_factory=list)
    percent_columns: set[int] = field(default_factory=set)  # 1-based columns of shares


def _join(values) -> str:
    return ", ".join(v for v in values if v)


def events_sheets(events, *, region_id: int | None) -> list[Sheet]:
    """One row per event of ``events`` (a scoped Event queryset, in the order wanted)."""
    rows = []
    for e in event_facts(events, region_id=region_id):
        cash = defaultdict(float)
        for money in e.cash:
            cash[money.currency] += float(money.amount)
        rows.append([
            e.title, e.kind_label, e.level_label, e.status_label, e.start, e.end, e.mode_label,
            e.city, e.country, e.country_name, e.host,
            _join(iso for iso, _name in e.beneficiaries), len(e.beneficiaries),
            _join(e.actions), e.activity, e.participants, e.women,
            e.women / e.participants if e.participants else None, e.experts,
            _join(e.funders), _join(e.co_organisers),
            "; ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(cash.items())),
            e.paragraph(), e.pk])
    headers = [_("Title"), _("Kind"), _("Level"), _("Status"), _("Start"), _("End"), _("Mode"),
               _("City"), _("Country (ISO 3166)"), _("Country"), _("Host member"),
               _("Beneficiary members (ISO 3166)"), _("Beneficiary members"),
               _("Actions served"), _("Planned activity"), _("Participants"), _("Women"),
               _("Women (share)"), _("Experts"), _("Funded by"), _("Co-organised with"),
               _("Funding (cash)"), _("Summary"), _("Workplan event number")]
    return [Sheet(_("Events"), headers, rows,
                  widths=[50, 16, 12, 11, 11, 11, 10, 14, 9, 18, 18, 30, 10, 22, 40, 11, 9, 9,
                          8, 30, 30, 20, 60, 10],
                  percent_columns={18})]


def participants_sheets(participations, *, genders: dict[str, str] | None = None) -> list[Sheet]:
    """Participants of held events (attended, role participant, as the KPIs count them) by
    member and gender, and every participation one by one (all roles)."""
    genders = genders or {k: str(v) for k, v in Person.Gender.choices}
    counted = participations.participants().in_held_events()
    by_member: dict = {}
    for row in (counted.order_by().values("member__iso3", "member__name", "person__gender")
                .annotate(n=Count("pk"))):
        key = (row["member__name"] or _("No member recorded"), row["member__iso3"] or "")
        counts = by_member.setdefault(key, dict.fromkeys(GENDERS, 0))
        counts[row["person__gender"] or "undisclosed"] += row["n"]
    events = {(row["member__iso3"] or ""): row["n"] for row in
              counted.order_by().values("member__iso3").annotate(
                  n=Count("event_id", distinct=True))}
    summary = []
    totals = dict.fromkeys(GENDERS, 0)
    for (name, iso3), counts in sorted(by_member.items(), key=lambda kv: (kv[0][1] == "",
                                                                         kv[0][0])):
        total = sum(counts.values())
        for gender in GENDERS:
            totals[gender] += counts[gender]
        summary.append([iso3, name, *[counts[g] for g in GENDERS], total,
                        counts["female"] / total if total else None, events.get(iso3, 0)])
    grand = sum(totals.values())
    summary.append(["", _("Total"), *[totals[g] for g in GENDERS], grand,
                    totals["female"] / grand if grand else None, None])
    headers = [_("Member (ISO 3166)"), _("Member"), *[genders[g] for g in GENDERS],
               _("Total"), _("Women (share)"), _("Events attended")]
    people = (participations.order_by("event__start_date", "event_id", "person__full_name")
              .values_list("event__start_date", "event__title", "event__level",
                           "event__status", "person__full_name", "person__gender",
                           "member__iso3", "member__name", "role", "attended",
                           "person__position"))
    levels, statuses = dict(Event.Level.choices), dict(Event.Status.choices)
    roles = dict(Participation.Role.choices)
    listed = [[start, title, str(levels.get(level, level)), str(statuses.get(status, status)),
               name, genders.get(gender, gender), iso3 or "", member or "",
               str(roles.get(role, role)), _("yes") if attended else _("no"), position]
              for (start, title, level, status, name, gender, iso3, member, role, attended,
                   position) in people.iterator(chunk_size=2000)]
    return [
        Sheet(_("By member and gender"), headers, summary,
              widths=[10, 30, 10, 10, 10, 14, 10, 12, 12], percent_columns={8}),
        Sheet(_("Participants"), [_("Event start"), _("Event"), _("Level"), _("Status"),
                                  _("Name"), _("Gender"), _("Member (ISO 3166)"), _("Member"),
                                  _("Role"), _("Attended"), _("Position")], listed,
              widths=[11, 50, 12, 10, 28, 12, 10, 24, 18, 9, 24]),
    ]


def requests_sheets(requests) -> list[Sheet]:
    statuses = dict(Request.Status.choices)
    rows = [[r.created.date(), r.member.iso3, r.member.name, r.topic,
             r.action.code if r.action else "", r.activity.title if r.activity else "",
             r.preferred_start, r.preferred_end, str(statuses.get(r.status, r.status)),
             r.event.title if r.event else "", r.event.start_date if r.event else None,
             r.notes, r.pk]
            for r in requests.select_related("member", "action", "activity", "event")
            .order_by("created", "pk")]
    headers = [_("Filed"), _("Member (ISO 3166)"), _("Member"), _("Topic"), _("Action"),
               _("Planned activity"), _("Preferred from"), _("Preferred until"), _("Status"),
               _("Event"), _("Event start"), _("Notes"), _("Workplan request number")]
    return [Sheet(_("Requests"), headers, rows,
                  widths=[11, 10, 24, 45, 9, 40, 12, 12, 11, 45, 11, 40, 10])]


def publications_sheets(publications) -> list[Sheet]:
    rows = [[p.date, p.get_kind_display(), p.title, p.member.iso3 if p.member else "",
             p.member.name if p.member else "", ", ".join(a.code for a in p.actions.all()),
             p.url, p.file_name, p.summary, p.pk]
            for p in publications.for_list().order_by("date", "title", "pk")]
    headers = [_("Published on"), _("Kind"), _("Title"), _("Member (ISO 3166)"), _("Member"),
               _("Actions served"), _("Address (URL)"), _("File"), _("Summary"),
               _("Workplan publication number")]
    return [Sheet(_("Publications"), headers, rows,
                  widths=[12, 24, 50, 10, 22, 18, 40, 20, 50, 10])]
