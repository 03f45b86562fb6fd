"""Writes to plans: importing a published work plan (atomic, idempotent, in place)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from workplan.core import uploads
from workplan.directory.models import Member, Office
from workplan.directory.querysets import member_index
from workplan.framework.models import Milestone, Objective, StrategicPlan
from workplan.indicators.binding import apply as bind_indicator
from workplan.indicators.models import Indicator

from . import reimport, wordplan
from .models import (
    Action,
    ActionActivity,
    ActionReference,
    Activity,
    ImportRun,
    Pillar,
    WorkPlan,
)
from .snapshot import plan_snapshot, snapshot_from_document
from .textplan.assemble import PlanDocument, activity_key, assemble
from .textplan.parser import PlanSyntaxError, clean, decode, parse


class PlanImportError(PlanSyntaxError):
    """The plan cannot be imported; nothing was written."""


class ArchiveNotConfirmed(PlanImportError):
    """The import would archive recorded KPI data and the user did not say yes to that."""

    def __init__(self, impacts: list):
        self.impacts = impacts
        listed = "; ".join(f"{i.what}" for i in impacts)
        super().__init__(None, f"the new plan takes out of the plan {len(impacts)} KPIs or "
                         f"actions that hold recorded data ({listed}); they would be archived "
                         "with their data (kept, read-only). Confirm archiving them "
                         "(--archive-removed, or the box on the preview) or keep them in "
                         "the file")


@dataclass
class ImportReport:
    """What an import found and did; printed by the CLI, shown by the upload preview."""

    office: str
    title: str
    period: str
    outcome: str  # created / updated / unchanged
    dry_run: bool
    counts: dict
    warnings: list  # assemble.Warning, with line numbers
    changes: list[str] = field(default_factory=list)
    work_plan: WorkPlan | None = None
    document: PlanDocument | None = None
    impacts: list = field(default_factory=list)  # reimport.Impact: data and what happens to it

    @property
    def archives(self) -> list:
        """What the import archives (KPIs and actions leaving the plan with recorded data):
        never done without the user's explicit confirmation."""
        return [impact for impact in self.impacts if impact.archives]

    @property
    def removals(self) -> list[str]:
        """The changes that delete pillars, actions or activities (what a cut-off file does)."""
        return [change for change in self.changes if change.startswith("removed ")]

    def lines(self) -> list[str]:
        verb = {"created": "would create" if self.dry_run else "created",
                "updated": "would update" if self.dry_run else "updated",
                "unchanged": "unchanged"}[self.outcome]
        out = [f"{self.title} ({self.office}, {self.period}): {verb}"]
        c = self.counts
        out.append(
            f"  {c['pillars']} pillars, {c['actions']} actions "
            f"({', '.join(str(n) for n in c['actions_per_pillar'])}), {c['kpis']} KPIs, "
            f"{c['activities']} activities, {c['links']} action-activity links "
            f"({c['listed_links']} listed, {c['see_also_only_links']} by See also only), "
            f"{c['objectives']} RSP objectives cited"
        )
        if self.changes:
            out.append(f"Changes ({len(self.changes)}):")
            out += [f"  {change}" for change in self.changes]
        if self.impacts:
            out.append(f"What happens to recorded data ({len(self.impacts)} KPIs and actions "
                       "change or leave the plan):")
            for impact in self.impacts:
                out += [f"  {line}" for line in impact.lines()]
        if self.archives:
            verb = "Would archive" if self.dry_run else "Archives"
            out.append(f"{verb} {len(self.archives)} KPIs or actions with their data "
                       "(kept, read-only, no longer in the plan): this needs confirming "
                       "(--archive-removed on the command line).")
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            for w in self.warnings:
                where = f"line {w.line}" if w.line else w.where
                out.append(f"  {where}: [{w.code}] {w.message}")
        return out


def read_plan(data: bytes, office: Office, *, period: str | None = None) -> PlanDocument:
    """Parse and assemble without touching the database (beyond reading members). A Word
    document (.docx) is read as the text layout (``wordplan``) by the same parser; its
    messages name the table and row instead of a line."""
    if wordplan.is_docx(data) or wordplan.is_old_doc(data):
        word = wordplan.read_docx(data)
        text = word.text
        try:
            parsed = parse(text)
        except PlanSyntaxError as exc:
            place = word.place(exc.line)
            raise PlanImportError(None, f"{place}: {exc.message}" if place
                                  else exc.message) from None
        for action in parsed.actions:  # text lines mean nothing in a Word document
            action.line = 0
            for listing in action.listings:
                listing.line = 0
    else:
        text = decode(data)
        parsed = parse(text)
    check_office(parsed.title, office, text)
    if period:
        parsed.period = period
    if not parsed.period:
        raise PlanImportError(
            None, "no fiscal year found in the plan's title (e.g. \"(2024-2025)\"); "
            "give one (the upload's fiscal year field, or --period)")
    start, end = (int(y) for y in parsed.period.split("-"))
    if end != start + 1:
        raise PlanImportError(None, f"the fiscal year {parsed.period} does not span two "
                              "consecutive years")
    if not parsed.title:
        parsed.title = f"{office.short_name} Annual Work Plan ({parsed.period})"
    document = assemble(parsed, member_index(office.region), office.code)
    _strategic_plan(document, office, create=False)  # refuse now, not half-way through writing
    check_citations(document, office)
    return document


def check_citations(document: PlanDocument, office: Office) -> None:
    """Refuse a plan citing an objective its strategic plan does not hold. A strategic plan
    with no objective recorded yet takes those its first annual plan cites (how the seed
    arrives: the RSP exists nowhere else); once it holds objectives (recorded by a plan, or
    at Regional strategic plans), a code not among them is a mistake to correct, in the file
    or by adding the objective first."""
    strategic = _recorded_strategic_plan(document, office)
    if strategic is None:
        return
    known = set(strategic.objectives.values_list("code", flat=True))
    if not known:
        return
    unknown = [(action, ref.objective) for action in document.parsed.actions
               for ref in action.rsp_refs if ref.objective not in known]
    if not unknown:
        return
    places = [f"action {action.code}" + (f" (line {action.line})" if action.line else "")
              + f" cites RSP {code}" for action, code in unknown[:5]]
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    raise PlanImportError(
        unknown[0][0].line or None,
        f"{'; '.join(places)}{more}: not an objective of {strategic.title}. Correct the "
        "reference, or add the objective at Regional strategic plans (/framework/) first")


def check_office(title: str, office: Office, text: str = "") -> None:
    """Refuse a plan whose title names another office (``ROCB A/P Annual Work Plan`` uploaded
    for ROCB ESA) and not this one; names the title's line when ``text`` is given."""
    if not title:
        return
    folded = title.casefold()

    def named(short_name: str) -> bool:
        short = short_name.strip().casefold()
        return bool(short) and re.search(rf"(?<!\w){re.escape(short)}(?!\w)", folded) is not None

    if named(office.short_name):
        return
    for other in Office.objects.exclude(pk=office.pk).only("code", "short_name"):
        if named(other.short_name):
            line = next((n for n, raw in enumerate(text.splitlines(), start=1)
                         if clean(raw) == title), None)
            raise PlanImportError(
                line, f"the plan's title names {other.short_name} ({other.code}): it is that "
                f"office's plan, not {office.short_name}'s")


def counts_of(document: PlanDocument) -> dict:
    actions = document.parsed.actions
    listed = sum(len(a.listed_in) for a in document.activities)
    links = sum(len(a.actions) for a in document.activities)
    return {
        "pillars": len(document.parsed.pillars),
        "actions": len(actions),
        "actions_per_pillar": [len(p.actions) for p in document.parsed.pillars],
        "kpis": sum(len(a.kpis) for a in actions),
        "activities": len(document.activities),
        "links": links,
        "listed_links": listed,
        "see_also_only_links": links - listed,
        "objectives": len({r.objective for a in actions for r in a.rsp_refs}),
        "warnings": len(document.warnings),
    }


def import_plan(data: bytes, office: Office, *, source_name: str = "", user=None,
                dry_run: bool = False, period: str | None = None,
                archive: bool = False) -> ImportReport:
    """Import a published plan: the whole plan or nothing; the same file twice changes nothing.

    A plan already imported for the office and fiscal year is updated in place (its pillars,
    actions and activities keep their identity, so records linked to them stay linked; KPIs
    are matched by what they are, see ``reimport``). What leaves the plan holding recorded
    data is archived, never deleted, and only when ``archive`` is true (the user confirmed
    it): otherwise ``ArchiveNotConfirmed`` and nothing is written. A dry run reports it all.
    """
    document = read_plan(data, office, period=period)
    sha = hashlib.sha256(data).hexdigest()
    existing = WorkPlan.objects.filter(office=office, period=document.period).first()
    new = snapshot_from_document(document)
    reconciliation = None
    if existing is None:
        outcome, changes = "created", []
    else:
        old = plan_snapshot(existing)
        changes = diff_snapshots(old, new)
        outcome = "updated" if changes else "unchanged"
        _refuse_removing_what_is_used(existing, old, new)
        if changes:
            reconciliation = reimport.reconcile(existing, document)
    report = ImportReport(office.code, document.title, document.period, outcome, dry_run,
                          counts_of(document), document.warnings, changes, existing, document,
                          reconciliation.impacts if reconciliation else [])
    if dry_run or outcome == "unchanged":
        return report
    if report.archives and not archive:
        raise ArchiveNotConfirmed(report.archives)
    with transaction.atomic():
        work_plan = write_plan(document, office, existing, source_name=source_name, sha=sha,
                               reconciliation=reconciliation)
        ImportRun.objects.create(
            office=office, work_plan=work_plan, user=user if user and user.pk else None,
            source_name=source_name, source_sha256=sha, outcome=outcome,
            counts=report.counts, changes=changes,
            warnings=[{**w.as_dict(), "line": w.line} for w in document.warnings],
        )
        from .lifecycle import record_version

        record_version(work_plan, "imported", user=user, reason=source_name[:300])
    report.work_plan = work_plan
    return report


def _refuse_removing_what_is_used(work_plan: WorkPlan, old: dict, new: dict) -> None:
    """An edited plan may not drop an action or activity that events or requests point at:
    say which, before anything is written (the database would refuse it half-way)."""
    gone_actions = old["actions"].keys() - new["actions"].keys()
    gone_activities = old["activities"].keys() - new["activities"].keys()
    if not gone_actions and not gone_activities:
        return
    used = []
    for action in (work_plan.actions.filter(code__in=gone_actions)
                   .annotate(uses=Count("event_links", distinct=True)
                             + Count("requests", distinct=True)).filter(uses__gt=0)):
        used.append(f"action {action.code} ({action.uses} events or requests)")
    for activity in (work_plan.activities.filter(key__in=gone_activities)
                     .annotate(uses=Count("events", distinct=True)
                               + Count("requests", distinct=True)).filter(uses__gt=0)):
        used.append(f'activity "{activity.title}" ({activity.uses} events or requests)')
    if used:
        raise PlanImportError(None, "the new plan removes what delivery records use: "
                              + "; ".join(used) + ". Keep them in the plan, or move those "
                              "records to other actions and activities first")


def diff_snapshots(old: dict, new: dict) -> list[str]:
    """Human-readable differences between two plan snapshots (see ``snapshot``)."""
    changes: list[str] = []
    for field_name in ("title", "strategic_period"):
        if old[field_name] != new[field_name]:
            changes.append(f"{field_name.replace('_', ' ')}: {old[field_name]!r} → "
                           f"{new[field_name]!r}")
    for kind in ("pillars", "actions", "activities"):
        before, after = old[kind], new[kind]
        singular = kind[:-1] if kind != "activities" else "activity"
        for key in after.keys() - before.keys():
            changes.append(f"added {singular} {_label(kind, key, after[key])}")
        for key in before.keys() - after.keys():
            changes.append(f"removed {singular} {_label(kind, key, before[key])}")
        for key in before.keys() & after.keys():
            fields = [f for f in after[key] if before[key].get(f) != after[key][f]]
            if fields:
                changes.append(f"changed {singular} {_label(kind, key, after[key])}: "
                               f"{', '.join(f.replace('_', ' ') for f in fields)}")
    if old["warnings"] != new["warnings"] and not changes:
        changes.append("warnings changed")
    return sorted(changes)


def _label(kind: str, key, row: dict) -> str:
    if kind == "activities":
        return f'"{row["title"]}"'
    return str(key)


# --- writing -----------------------------------------------------------------------------------


def _recorded_strategic_plan(document: PlanDocument, office: Office) -> StrategicPlan | None:
    """The recorded RSP the plan cites: the one its header row names, else the one covering
    its year (None if there is none yet)."""
    plans = StrategicPlan.objects.filter(region=office.region)
    period = document.parsed.strategic_period
    if period:
        start, end = (int(y) for y in period.split("-"))
        return plans.filter(start_year=start, end_year=end).first()
    year = int(document.period[:4])
    return plans.filter(start_year__lte=year, end_year__gte=year).first()


def _strategic_plan(document: PlanDocument, office: Office, *,
                    create: bool = True) -> StrategicPlan | None:
    """The RSP the plan cites: named in its header row, else the one covering its year."""
    period = document.parsed.strategic_period
    if period:
        start, end = (int(y) for y in period.split("-"))
        if not create:
            return None
        plan, _ = StrategicPlan.objects.get_or_create(
            region=office.region, start_year=start, end_year=end,
            defaults={"title": f"{office.region.name} Regional Strategic Plan {start}-{end}"},
        )
        return plan
    covering = _recorded_strategic_plan(document, office)
    if covering or not any(a.rsp_refs for a in document.parsed.actions):
        return covering
    raise PlanImportError(None, "the plan cites RSP objectives but names no strategic plan "
                          "(\"Relevance to ... RSP 2024-2026\" in the header row) and none "
                          f"covering {document.period[:4]} exists")


def write_plan(document: PlanDocument, office: Office, work_plan: WorkPlan | None, *,
               source_name: str, sha: str,
               reconciliation: reimport.Reconciliation | None = None) -> WorkPlan:
    """Bring the database to ``document``: upsert by natural keys; what is gone is archived
    if it holds recorded data, deleted otherwise (``reimport`` decides which)."""
    if work_plan is not None and reconciliation is None:
        reconciliation = reimport.reconcile(work_plan, document)
    strategic = _strategic_plan(document, office)
    start_year = int(document.period[:4])
    if work_plan is None:
        work_plan = WorkPlan(office=office, period=document.period)
    work_plan.title = document.title
    work_plan.start_year = start_year
    work_plan.strategic_plan = strategic
    work_plan.source_name = source_name[:300]
    work_plan.source_sha256 = sha
    work_plan.warnings = [w.as_dict() for w in document.warnings]
    work_plan.save()

    if reconciliation is not None:
        _retire(reconciliation, timezone.now())
    pillars = _upsert_pillars(work_plan, document)
    actions = _upsert_actions(work_plan, document, pillars, reconciliation)
    _write_references(actions, document, strategic)
    _upsert_indicators(actions, document, reconciliation)
    activities = _upsert_activities(work_plan, document, office)
    _write_links(actions, activities, document)
    return work_plan


def _retire(reconciliation: reimport.Reconciliation, now) -> None:
    """Take out of the plan what the file no longer has: archive what holds recorded data
    (actions and KPIs keep their targets, values, surveys, publications), delete the rest."""
    has = reconciliation.has_data
    archive_actions = [a for a in reconciliation.gone if has("action", a.pk)]
    delete_actions = [a.pk for a in reconciliation.gone if not has("action", a.pk)]
    gone_ids = [a.pk for a in reconciliation.gone]
    kpis = list(Indicator.objects.filter(action_id__in=gone_ids, archived_at__isnull=True))
    kpis += reconciliation.leftover
    archive_kpis = [i for i in kpis if has("kpi", i.pk)]
    delete_kpis = [i.pk for i in kpis if not has("kpi", i.pk)]
    if delete_kpis:
        Indicator.objects.filter(pk__in=delete_kpis).delete()
    for item in archive_kpis:
        item.archived_at = now
    if archive_kpis:
        bulk_update_with_history(archive_kpis, Indicator, ["archived_at"], batch_size=500)
    for action in archive_actions:
        action.archived_at = now
    if archive_actions:
        bulk_update_with_history(archive_actions, Action, ["archived_at"], batch_size=500)
        # an archived action lists no activity of the plan any more
        ActionActivity.objects.filter(action__in=archive_actions).delete()
    if delete_actions:
        Action.objects.filter(pk__in=delete_actions).delete()


def _upsert_pillars(work_plan, document) -> dict[int, Pillar]:
    existing = {p.number: p for p in work_plan.pillars.all()}
    wanted = {p.number: p for p in document.parsed.pillars}
    # a pillar holding archived actions stays (it is still their pillar in history)
    (work_plan.pillars.exclude(number__in=wanted)
     .exclude(pk__in=work_plan.actions.archived().values("pillar_id")).delete())
    result = {}
    for number, parsed in wanted.items():
        pillar = existing.get(number) or Pillar(work_plan=work_plan, number=number)
        if pillar.pk is None or pillar.title != parsed.title:
            pillar.title = parsed.title
            pillar.save()
        result[number] = pillar
    return result


def _upsert_actions(work_plan, document, pillars, reconciliation) -> dict[str, Action]:
    """The file's actions: the stored one of the same code (current, or restored from the
    archive), else a new one. What left the plan was handled by ``_retire``."""
    existing = dict(reconciliation.actions) if reconciliation else {}
    parsed_actions = document.parsed.actions
    fields = ["pillar", "letter", "position", "text", "rocb_specific", "upon_request",
              "source_line", "archived_at"]
    to_create, to_update = [], []
    for position, parsed in enumerate(parsed_actions, start=1):
        values = {
            "pillar": pillars[parsed.pillar], "letter": parsed.letter, "position": position,
            "text": parsed.text, "rocb_specific": parsed.rocb_specific,
            "upon_request": parsed.upon_request, "source_line": parsed.line,
            "archived_at": None,
        }
        action = existing.get(parsed.code)
        if action is None:
            to_create.append(Action(work_plan=work_plan, code=parsed.code, **values))
        elif any(getattr(action, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(action, f, v)
            to_update.append(action)
    if to_create:
        bulk_create_with_history(to_create, Action, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, Action, fields, batch_size=500)
    return {a.code: a for a in work_plan.actions.current()}


def _write_references(actions, document, strategic) -> None:
    """RSP references are rebuilt (nothing else points at them); objectives and milestones
    are created the first time a plan cites them."""
    ActionReference.objects.filter(action__in=actions.values()).delete()
    if strategic is None:
        return
    cited = {r.objective for a in document.parsed.actions for r in a.rsp_refs}
    objectives = {o.code: o for o in strategic.objectives.filter(code__in=cited)}
    for code in sorted(cited - objectives.keys()):
        objectives[code] = Objective.objects.create(strategic_plan=strategic, code=code)
    wanted_milestones = {(r.objective, n) for a in document.parsed.actions
                         for r in a.rsp_refs for n in r.milestones}
    milestones = {(m.objective.code, m.number): m
                  for m in Milestone.objects.filter(objective__in=objectives.values())
                  .select_related("objective")}
    new = [Milestone(objective=objectives[o], number=n)
           for o, n in sorted(wanted_milestones - milestones.keys())]
    for milestone in Milestone.objects.bulk_create(new):
        milestones[(milestone.objective.code, milestone.number)] = milestone
    if new and not all(m.pk for m in new):  # backends that do not return ids
        milestones = {(m.objective.code, m.number): m
                      for m in Milestone.objects.filter(objective__in=objectives.values())
                      .select_related("objective")}
    references, through = [], []
    for parsed in document.parsed.actions:
        for position, ref in enumerate(parsed.rsp_refs):
            references.append(ActionReference(action=actions[parsed.code],
                                              objective=objectives[ref.objective],
                                              position=position))
    ActionReference.objects.bulk_create(references, batch_size=500)
    stored = {(r.action_id, r.objective_id): r
              for r in ActionReference.objects.filter(action__in=actions.values())}
    Through = ActionReference.milestones.through
    for parsed in document.parsed.actions:
        for ref in parsed.rsp_refs:
            reference = stored[(actions[parsed.code].pk, objectives[ref.objective].pk)]
            through += [Through(actionreference_id=reference.pk,
                                milestone_id=milestones[(ref.objective, n)].pk)
                        for n in ref.milestones]
    Through.objects.bulk_create(through, batch_size=1000)


def _upsert_indicators(actions, document, reconciliation) -> None:
    """Each KPI of the file onto the indicator ``reimport`` matched it to (kept, reworded,
    moved in its cell or restored), else a new indicator bound by the rules."""
    to_create, to_update, moving = [], [], []
    for parsed in document.parsed.actions:
        action = actions[parsed.code]
        matches = reconciliation.kpis.get(parsed.code) if reconciliation else None
        if matches is None:  # a new action
            matches = [reimport.KpiMatch(p, t) for p, t in enumerate(parsed.kpis, start=1)]
        for match in matches:
            indicator = match.indicator
            if indicator is None:
                indicator = Indicator(action=action, position=match.position, text=match.text)
                bind_indicator(indicator)
                to_create.append(indicator)
                continue
            changed = False
            if indicator.archived_at is not None or indicator.position != match.position:
                moving.append(indicator.pk)
                indicator.archived_at, indicator.position = None, match.position
                changed = True
            if indicator.text != match.text:
                indicator.text = match.text
                indicator.action = action
                bind_indicator(indicator)  # a reworded KPI keeps its measure (see reimport)
                changed = True
            if changed:
                to_update.append(indicator)
    if moving:  # out of the way first: (action, position) is unique among current KPIs
        Indicator.objects.filter(pk__in=moving).update(position=F("position") + 10000)
    if to_update:
        bulk_update_with_history(to_update, Indicator, ["text", "measure", "params", "cumulative",
                                                         "position", "archived_at"],
                                  batch_size=500)
    if to_create:
        bulk_create_with_history(to_create, Indicator, batch_size=500)


def _upsert_activities(work_plan, document, office) -> dict[str, Activity]:
    existing = {a.key: a for a in work_plan.activities.prefetch_related("members")}
    wanted = {a.key for a in document.activities}
    work_plan.activities.exclude(key__in=wanted).delete()
    members = {m.iso3: m.pk for m in Member.objects.filter(region=office.region)}
    fields = ["title", "kind", "position", "unknown_members", "source_line"]
    to_create, to_update, member_changes = [], [], {}
    for position, doc in enumerate(document.activities, start=1):
        values = {"title": doc.title, "kind": doc.kind, "position": position,
                  "unknown_members": doc.unknown_members, "source_line": doc.line}
        activity = existing.get(doc.key)
        if activity is None:
            to_create.append(Activity(work_plan=work_plan, key=doc.key, **values))
            member_changes[doc.key] = doc.members
            continue
        if any(getattr(activity, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(activity, f, v)
            to_update.append(activity)
        if sorted(m.iso3 for m in activity.members.all()) != sorted(doc.members):
            member_changes[doc.key] = doc.members
    if to_create:
        bulk_create_with_history(to_create, Activity, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, Activity, fields, batch_size=500)
    activities = {a.key: a for a in work_plan.activities.all()}
    Through = Activity.members.through
    if member_changes:
        changed_ids = [activities[k].pk for k in member_changes]
        Through.objects.filter(activity_id__in=changed_ids).delete()
        Through.objects.bulk_create(
            [Through(activity_id=activities[k].pk, member_id=members[iso3])
             for k, codes in member_changes.items() for iso3 in codes],
            batch_size=1000,
        )
    return activities


def _write_links(actions, activities, document) -> None:
    """Links are rebuilt: nothing else points at them, and they are cheap to write."""
    ActionActivity.objects.filter(action__in=actions.values()).delete()
    links: dict[tuple[str, str], ActionActivity] = {}
    for parsed in document.parsed.actions:
        for position, listing in enumerate(parsed.listings, start=1):
            key = activity_key(listing.title)
            link = links.get((parsed.code, key))
            if link is None:
                links[(parsed.code, key)] = ActionActivity(
                    action=actions[parsed.code], activity=activities[key], listed=True,
                    listed_position=position, listed_title=listing.title,
                    see_also_codes=listing.see_also, source_line=listing.line)
    for doc in document.activities:
        for code in doc.see_also_from:
            link = links.get((code, doc.key))
            if link is None:
                links[(code, doc.key)] = ActionActivity(
                    action=actions[code], activity=activities[doc.key], see_also=True)
            else:
                link.see_also = True
    ActionActivity.objects.bulk_create(list(links.values()), batch_size=1000)


# --- uploads waiting for confirmation ----------------------------------------------------------

PENDING_UPLOAD_KEY = "plans:pending_upload"


@dataclass
class PendingUpload:
    data: bytes
    office_id: int
    source_name: str
    period: str


def stash_upload(session, data: bytes, office: Office, source_name: str, *,
                 period: str = "") -> str:
    """Keep an uploaded plan in the session until the user confirms it; returns its sha256."""
    return uploads.stash(session, PENDING_UPLOAD_KEY, data, office=office.pk,
                         source_name=source_name[:300], period=period or "")


def pending_upload(session, sha: str) -> PendingUpload | None:
    """The stashed upload with this sha256, or None (none, another file, bytes changed)."""
    found = uploads.pending(session, PENDING_UPLOAD_KEY, sha)
    if found is None:
        return None
    data, context = found
    return PendingUpload(data, context.get("office"), context.get("source_name", ""),
                         context.get("period", ""))


def drop_upload(session) -> None:
    uploads.drop(session, PENDING_UPLOAD_KEY)
