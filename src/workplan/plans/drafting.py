"""Drafting next year's plan from this year's: its structure, and suggestions staff accept or
drop.

Why here and not in a report: the cycle of the office ends by writing the next plan, and what
it measured this year (delivery, requests, the needs survey, the KPIs) should reach it. Every
figure comes from the function that shows it elsewhere, never recounted:
``delivery.summaries.plan_delivery`` (planned / scheduled / held / cancelled per activity),
``surveys.results.needs_gap`` (ranks against held events per member and topic) and
``indicators.iptt.compute`` (this year's actuals per KPI).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.core.access import VIEW
from workplan.directory.querysets import member_index

from . import editing, lifecycle
from .models import PlanSuggestion, WorkPlan
from .services import write_plan
from .snapshot import document_from_db
from .textplan.assemble import PlanDocument, activity_key, assemble
from .textplan.parser import ParsedPlan

Kind = PlanSuggestion.Kind
TOP_NEEDS = 3  # a member's needs ranked 1st to 3rd are its top needs


class DraftError(ValueError):
    """The draft cannot be made (or a suggestion taken); nothing was written."""


def next_period(plan: WorkPlan) -> str:
    return f"{plan.start_year + 1}-{plan.start_year + 2}"


@transaction.atomic
def draft_next_plan(plan: WorkPlan, *, user) -> WorkPlan:
    """The draft of the next fiscal year: the same pillars, actions (text, RSP references,
    office-specific, upon request) and KPIs, no activities; and the suggestions."""
    period = next_period(plan)
    if WorkPlan.objects.filter(office_id=plan.office_id, period=period).exists():
        raise DraftError(_("The office has a plan for %(period)s already.") % {"period": period})
    current = document_from_db(plan)
    parsed = current.parsed
    for action in parsed.actions:
        action.listings = []
        action.line = 0
    title = (plan.title.replace(plan.period, period) if plan.period in plan.title
             else f"{plan.office.short_name} Annual Work Plan ({period})")
    draft_parsed = ParsedPlan(title, period, parsed.pillars, parsed.strategic_period)
    document = assemble(draft_parsed, member_index(plan.office.region), plan.office.code)
    draft = write_plan(document, plan.office, None, source_name="", sha="")
    draft.status = WorkPlan.Status.DRAFT
    draft.drafted_from = plan
    draft.strategic_plan = plan.strategic_plan
    draft.save(update_fields=["status", "drafted_from", "strategic_plan"])
    suggestions = suggest(plan, current, user=user)
    for position, suggestion in enumerate(suggestions, start=1):
        suggestion.work_plan = draft
        suggestion.position = position
    PlanSuggestion.objects.bulk_create(suggestions)
    lifecycle.record_version(draft, lifecycle.Event.DRAFTED, user=user,
                             reason=_("Drafted from %(period)s") % {"period": plan.period})
    return draft


def suggest(plan: WorkPlan, current: PlanDocument, *, user) -> list[PlanSuggestion]:
    """Every suggestion for the plan after ``plan`` (unsaved)."""
    return [*_standing_and_undelivered(plan, current, user),
            *_requests(plan, user),
            *_needs(plan, current, user),
            *_targets(plan)]


def _listing_payload(current: PlanDocument, activity) -> dict:
    see_also = []
    for action in current.parsed.actions:
        for listing in action.listings:
            if activity_key(listing.title) == activity.key:
                see_also += [c for c in listing.see_also if c not in see_also]
    return {"title": activity.title, "kind": activity.kind, "members": list(activity.members),
            "listed_in": list(activity.listed_in), "see_also": see_also}


def _standing_and_undelivered(plan, current, user) -> list[PlanSuggestion]:
    from workplan.delivery.summaries import plan_delivery

    delivery = plan_delivery(plan, user)
    tallies = {row.activity.pk: row for pillar in delivery.pillars for action in pillar.actions
               for row in action.activities}
    by_key = {activity_key(row.activity.title): row for row in tallies.values()}
    out = []
    for activity in current.activities:
        payload = _listing_payload(current, activity)
        first = activity.listed_in[0] if activity.listed_in else activity.actions[0]
        if activity.kind == "standing_task":
            out.append(PlanSuggestion(
                kind=Kind.STANDING, action_code=first, title=activity.title, payload=payload,
                reason=_("A standing task of %(period)s: carried over unless dropped.")
                % {"period": plan.period}))
            continue
        row = by_key.get(activity.key)
        if row is None or row.state == "done":
            continue
        reason = _("Planned %(planned)s in %(period)s; held %(held)s, scheduled "
                   "%(scheduled)s, cancelled %(cancelled)s.") % {
            "planned": row.planned, "period": plan.period, "held": row.held,
            "scheduled": row.scheduled, "cancelled": row.cancelled}
        waiting = row.members_without_event if activity.kind == "national_workshop" else []
        if waiting and row.held:
            reason += " " + _("Not yet held for: %(members)s.") % {
                "members": ", ".join(m.name for m in waiting)}
        out.append(PlanSuggestion(kind=Kind.UNDELIVERED, action_code=first,
                                  title=activity.title, reason=reason, payload=payload))
    return out


def _requests(plan, user) -> list[PlanSuggestion]:
    from workplan.delivery.models import Request

    out = []
    requests = (Request.objects.restrict(user, VIEW)
                .filter(office_id=plan.office_id, status=Request.Status.ACCEPTED,
                        event__isnull=True)
                .select_related("member", "action", "activity").order_by("created", "pk"))
    for request in requests:
        if request.activity_id:
            title = request.activity.title
        else:
            title = f"National workshop on {request.topic} for {request.member.name}"
        code = request.action.code if request.action_id else ""
        out.append(PlanSuggestion(
            kind=Kind.REQUEST, action_code=code, title=title,
            reason=_("%(member)s's request \u201c%(topic)s\u201d was accepted on %(date)s and "
                     "is not scheduled yet.") % {
                "member": request.member.name, "topic": request.topic,
                "date": request.modified.date().isoformat()},
            payload={"title": title, "kind": "", "members": [request.member.iso3],
                     "listed_in": [code] if code else [], "see_also": [],
                     "request": request.pk}))
    return out


def _needs(plan, current, user) -> list[PlanSuggestion]:
    """Topics (actions) that members ranked among their top needs in the latest needs survey,
    with no held event for them (``needs_gap``) and no planned activity of ``plan`` for them
    under that action: one suggestion per topic, naming the members."""
    from workplan.delivery.models import Event
    from workplan.surveys.models import Survey
    from workplan.surveys.results import needs_gap

    survey = (Survey.objects.filter(office_id=plan.office_id, kind=Survey.Kind.NEEDS)
              .select_related("office").order_by("-fiscal_year", "-pk").first())
    if survey is None:
        return []
    gap = needs_gap(survey, Event.objects.restrict(user, VIEW))
    planned = {(code, iso3) for a in current.activities for code in a.actions
               for iso3 in a.members}
    codes = {a.code for a in current.parsed.actions}
    wanted: dict[str, list] = {}
    for member_gap in gap.members:
        for cell in member_gap.ranked:
            if (cell.rank is not None and cell.rank <= TOP_NEEDS and cell.unmet
                    and cell.code in codes and (cell.code, member_gap.member.iso3) not in planned):
                wanted.setdefault(cell.code, []).append((member_gap.member, cell))
    out = []
    label = {t.code: t.label for t in gap.topics}
    for code, rows in wanted.items():
        members = [m for m, _cell in rows]
        names = ", ".join(m.name for m in members[:-1])
        names = f"{names} and {members[-1].name}" if names else members[-1].name
        kind = "national_workshop" if len(members) == 1 else "subregional_workshop"
        workshop = "National workshop" if len(members) == 1 else "Sub-regional workshop"
        title = f"{workshop} on {label.get(code, code)} for {names}"
        ranks = ", ".join(f"{m.name} ({cell.rank})" for m, cell in rows)
        out.append(PlanSuggestion(
            kind=Kind.NEED, action_code=code, title=title[:1000],
            reason=_("Ranked among their top %(top)s needs in \u201c%(survey)s\u201d by %(ranks)s; "
                     "no event held for them on it and no activity planned.")
            % {"top": TOP_NEEDS, "survey": survey.title, "ranks": ranks},
            payload={"title": title, "kind": kind, "members": [m.iso3 for m in members],
                     "listed_in": [code], "see_also": []}))
    return out


def _targets(plan) -> list[PlanSuggestion]:
    """A target for each KPI from this year's actual (IPTT): the actual (rounded up), or this
    year's target if that is higher (a target not met is carried); the actual becomes the
    baseline."""
    from workplan.indicators.iptt import compute

    out = []
    table = compute(plan)
    for row in table.rows:
        if row.archived:
            continue
        year = row.columns["FY"]
        actual = year.actual
        if actual is None and year.target is None:
            continue
        if actual is None:
            suggested = year.target
            reason = _("No actual recorded in %(period)s; this year's target was %(target)s.")
        else:
            suggested = Decimal(math.ceil(actual))
            if year.target is not None:
                suggested = max(suggested, year.target)
            reason = (_("Actual %(actual)s in %(period)s against a target of %(target)s.")
                      if year.target is not None else
                      _("Actual %(actual)s in %(period)s (no target was set)."))
        reason = reason % {
            "actual": None if actual is None else _number(Decimal(str(actual))),
            "period": plan.period,
            "target": None if year.target is None else _number(year.target)}
        out.append(PlanSuggestion(
            kind=Kind.TARGET, action_code=row.action.code,
            title=_("Target %(target)s for \u201c%(kpi)s\u201d") % {
                "target": _number(suggested), "kpi": row.indicator.text},
            reason=reason,
            payload={"kpi": row.indicator.text, "target": _number(suggested),
                     "baseline": None if actual is None else _number(Decimal(str(actual)))}))
    return out


def _number(value: Decimal) -> str:
    """4 for 4.00, 2.5 for 2.50 (as a person writes a target)."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


# --- deciding -----------------------------------------------------------------------------------


def accept(suggestion: PlanSuggestion, *, user, listed_in: list[str] | None = None,
           title: str | None = None) -> PlanSuggestion:
    """Take the suggestion into the draft: an activity (under the actions given, else those
    it proposes) or a target of next year. Refused with the reason, nothing written."""
    from workplan.indicators.models import Indicator
    from workplan.indicators.services import save_targets

    if suggestion.status != PlanSuggestion.Status.PENDING:
        raise DraftError(_("This suggestion was decided already."))
    plan = suggestion.work_plan
    payload = suggestion.payload
    with transaction.atomic():
        if suggestion.kind == Kind.TARGET:
            indicator = (Indicator.objects.current()
                         .filter(action__work_plan=plan, action__code=suggestion.action_code,
                                 action__archived_at__isnull=True, text=payload["kpi"]).first())
            if indicator is None:
                raise DraftError(_("The draft no longer has the KPI \u201c%(kpi)s\u201d of "
                                   "%(code)s.") % {"kpi": payload["kpi"],
                                                   "code": suggestion.action_code})
            baseline = payload.get("baseline")
            save_targets(indicator, plan.start_year, {0: (
                Decimal(payload["target"]), Decimal(baseline) if baseline else None)})
        else:
            codes = listed_in if listed_in else payload.get("listed_in") or []
            if not codes:
                raise DraftError(_("Choose the action that lists this activity."))
            try:
                editing.save_activity(
                    plan, None, title=title or payload["title"], kind=payload.get("kind") or None,
                    members=payload.get("members") or None, listed_in=codes,
                    see_also=[c for c in payload.get("see_also", []) if c not in codes])
            except editing.EditError as exc:
                raise DraftError(exc.message) from None
        suggestion.status = PlanSuggestion.Status.ACCEPTED
        suggestion.decided_by = user
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at", "modified"])
    return suggestion


def accept_many(suggestions: list[PlanSuggestion], *, user) -> tuple[int, list[str]]:
    """Accept pending suggestions at once: their activities in one edit of the draft (one
    write, however many), their targets one by one. Returns (accepted, refusals): a
    suggestion that cannot be taken (its activity is in the draft already) is left pending
    and its reason returned; the others are accepted."""
    pending = [s for s in suggestions if s.status == PlanSuggestion.Status.PENDING]
    if not pending:
        return 0, []
    plan = pending[0].work_plan
    refusals, taken = [], []
    activities = [s for s in pending if s.kind != Kind.TARGET]

    def change(parsed, overrides):
        for suggestion in activities:
            payload = suggestion.payload
            codes = payload.get("listed_in") or []
            try:
                if not codes:
                    raise editing.EditError(_("Choose the action that lists this activity."))
                editing.put_activity(
                    parsed, overrides, None, title=payload["title"],
                    kind=payload.get("kind") or None, members=payload.get("members") or None,
                    listed_in=codes,
                    see_also=[c for c in payload.get("see_also", []) if c not in codes])
            except editing.EditError as exc:
                refusals.append(f"{suggestion.title}: {exc.message}")
                continue
            taken.append(suggestion)

    with transaction.atomic():
        if activities:
            try:
                editing.edit(plan, change)
            except editing.EditError as exc:
                raise DraftError(exc.message) from None
        now = timezone.now()
        for suggestion in taken:
            suggestion.status = PlanSuggestion.Status.ACCEPTED
            suggestion.decided_by, suggestion.decided_at = user, now
            suggestion.save(update_fields=["status", "decided_by", "decided_at", "modified"])
        count = len(taken)
        for suggestion in pending:
            if suggestion.kind == Kind.TARGET:
                try:
                    accept(suggestion, user=user)
                    count += 1
                except DraftError as exc:
                    refusals.append(f"{suggestion.title}: {exc}")
    return count, refusals


def drop(suggestion: PlanSuggestion, *, user) -> PlanSuggestion:
    if suggestion.status != PlanSuggestion.Status.PENDING:
        raise DraftError(_("This suggestion was decided already."))
    suggestion.status = PlanSuggestion.Status.DROPPED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "modified"])
    return suggestion
