"""A plan as the importer sees it, read back from the database.

``document_from_db`` rebuilds the same :class:`PlanDocument` the importer assembles, so the
canonical JSON, the text export and the import diff all come from one representation.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from workplan.indicators.models import Indicator

from .models import ActionActivity, ActionReference, Activity, WorkPlan
from .textplan.assemble import ActivityDoc, PlanDocument, Warning
from .textplan.parser import Listing, ParsedAction, ParsedPillar, ParsedPlan, RspRef


def document_from_db(work_plan: WorkPlan) -> PlanDocument:
    """Load a whole plan in a fixed number of queries (7, whatever its size). Only what is
    in the plan: archived actions and KPIs (and a pillar left with archived actions only)
    are not part of it."""
    work_plan = (WorkPlan.objects.select_related("office", "strategic_plan")
                 .get(pk=work_plan.pk))
    pillars, archived_pillars = {}, set()
    for pillar in work_plan.pillars.annotate(
            archived=Count("actions", filter=Q(actions__archived_at__isnull=False))):
        pillars[pillar.pk] = ParsedPillar(pillar.number, pillar.title, 0)
        if pillar.archived:
            archived_pillars.add(pillar.pk)
    actions = (
        work_plan.actions.current().order_by("position")
        .prefetch_related(
            Prefetch("references", queryset=ActionReference.objects.select_related("objective")
                     .prefetch_related("milestones").order_by("position")),
            Prefetch("indicators", queryset=Indicator.objects.current()),
            Prefetch("activity_links", queryset=ActionActivity.objects.filter(listed=True)
                     .order_by("listed_position")),
        )
    )
    codes: dict[int, str] = {}
    order: dict[str, int] = {}
    for action in actions:
        codes[action.pk] = action.code
        order[action.code] = action.position
        pillar = pillars[action.pillar_id]
        pillar.actions.append(ParsedAction(
            pillar=pillar.number,
            letter=action.letter,
            text=action.text,
            rsp_refs=[RspRef(r.objective.code, sorted(m.number for m in r.milestones.all()))
                      for r in action.references.all()],
            rocb_specific=action.rocb_specific,
            upon_request=action.upon_request,
            kpis=[i.text for i in sorted(action.indicators.all(), key=lambda i: i.position)],
            listings=[Listing(link.listed_title, list(link.see_also_codes), link.source_line)
                      for link in action.activity_links.all()],
            line=action.source_line or 0,
        ))
    activities = []
    queryset = (Activity.objects.filter(work_plan=work_plan).order_by("position")
                .prefetch_related("members", "action_links"))
    for activity in queryset:
        links = sorted(activity.action_links.all(), key=lambda link: order[codes[link.action_id]])
        activities.append(ActivityDoc(
            key=activity.key,
            title=activity.title,
            kind=activity.kind,
            members=sorted(m.iso3 for m in activity.members.all()),
            unknown_members=list(activity.unknown_members),
            line=activity.source_line or 0,
            actions=[codes[link.action_id] for link in links],
            listed_in=[codes[link.action_id] for link in links if link.listed],
            see_also_from=[codes[link.action_id] for link in links if link.see_also],
        ))
    strategic = work_plan.strategic_plan
    parsed = ParsedPlan(
        title=work_plan.title,
        period=work_plan.period,
        pillars=sorted((p for pk, p in pillars.items()
                        if p.actions or pk not in archived_pillars), key=lambda p: p.number),
        strategic_period=strategic.period if strategic else "",
    )
    warnings = [Warning(w["code"], w["where"], w["message"]) for w in work_plan.warnings]
    return PlanDocument(work_plan.title, work_plan.period, work_plan.office.code, parsed,
                        activities, warnings)


def plan_snapshot(work_plan: WorkPlan) -> dict:
    return snapshot_from_document(document_from_db(work_plan))


def snapshot_from_document(document: PlanDocument) -> dict:
    """Comparable form of a plan, keyed by natural keys, for the import diff."""
    return {
        "title": document.title,
        "strategic_period": document.parsed.strategic_period,
        "warnings": [w.as_dict() for w in document.warnings],
        "pillars": {p.number: {"title": p.title} for p in document.parsed.pillars},
        "actions": {
            a.code: {
                "pillar": a.pillar,
                "text": a.text,
                "rsp_refs": [r.as_dict() for r in a.rsp_refs],
                "rocb_specific": a.rocb_specific,
                "upon_request": a.upon_request,
                "kpis": list(a.kpis),
                "activities": [(x.title, tuple(x.see_also)) for x in a.listings],
                "position": position,
            }
            for position, a in enumerate(document.parsed.actions, start=1)
        },
        "activities": {
            a.key: {
                "title": a.title,
                "kind": a.kind,
                "members": sorted(a.members),
                "unknown_members": list(a.unknown_members),
                "actions": sorted(a.actions),
                "position": position,
            }
            for position, a in enumerate(document.activities, start=1)
        },
    }
