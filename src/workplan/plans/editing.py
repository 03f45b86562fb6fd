"""Writes of the plan editor: every change is made to the plan document and written by the
importer's own writer.

Why: one validator and one writer behind the importer and the editor. An edit loads the plan
as the importer sees it (``snapshot.document_from_db``), changes its ``ParsedPlan``, checks it
(``check``: the parser's refusals, plus objectives that the strategic plan must hold), runs the
same ``assemble`` (members from titles, See-also links, the warnings), and writes it with
``services.write_plan`` under ``reimport.reconcile``: what leaves the plan holding recorded
data is archived, an action or activity that events or requests use is not removed (the edit is
refused, naming them), and everything else keeps its identity, so delivery records stay linked.

Staff may set an activity's kind and members apart from what its title says; those choices
are kept across later edits while the title stays the same.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from workplan.directory.querysets import member_index
from workplan.framework.models import Milestone

from . import reimport
from .models import Activity, WorkPlan
from .services import PlanImportError, _refuse_removing_what_is_used, write_plan
from .snapshot import document_from_db, snapshot_from_document
from .textplan.assemble import PlanDocument, activity_key, assemble
from .textplan.parser import (
    Listing,
    ParsedAction,
    ParsedPillar,
    ParsedPlan,
    PlanSyntaxError,
    RspRef,
)


class EditError(ValueError):
    """An edit that cannot be made; ``field`` names the form field, nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass
class Overrides:
    """Kind and members chosen by staff, by activity key (the title says otherwise)."""

    kinds: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # old key -> new title


@dataclass
class EditResult:
    work_plan: WorkPlan
    document: PlanDocument
    archived: list = field(default_factory=list)  # reimport.Impact of what was archived


def letters():
    """a .. z, aa .. zz (as the published plans letter them), then ab, ac ..."""
    yield from string.ascii_lowercase
    for first in string.ascii_lowercase:
        yield first + first
    for first in string.ascii_lowercase:
        for second in string.ascii_lowercase:
            if first != second:
                yield first + second


def next_letter(pillar: ParsedPillar) -> str:
    used = {a.letter for a in pillar.actions}
    return next(letter for letter in letters() if letter not in used)


def find_action(parsed: ParsedPlan, code: str) -> ParsedAction:
    for action in parsed.actions:
        if action.code == code:
            return action
    raise EditError(_("The plan has no action %(code)s.") % {"code": code})


def find_pillar(parsed: ParsedPlan, number: int) -> ParsedPillar:
    for pillar in parsed.pillars:
        if pillar.number == number:
            return pillar
    raise EditError(_("The plan has no pillar %(number)s.") % {"number": number}, "pillar")


def check(parsed: ParsedPlan, work_plan: WorkPlan) -> None:
    """What the parser refuses in a file, refused in the editor too (with the place), and RSP
    references only to objectives and milestones the strategic plan holds."""
    numbers = [p.number for p in parsed.pillars]
    if len(numbers) != len(set(numbers)):
        raise EditError(_("Two pillars have the same number."), "number")
    for pillar in parsed.pillars:
        if not pillar.title.strip():
            raise EditError(_("Pillar %(n)s has no title.") % {"n": pillar.number}, "title")
        if not pillar.actions:
            raise EditError(_("Pillar %(n)s has no actions: a pillar holds at least one "
                              "action.") % {"n": pillar.number})
        codes = [a.code for a in pillar.actions]
        for code in codes:
            if codes.count(code) > 1:
                raise EditError(_("Action %(code)s appears twice.") % {"code": code}, "letter")
        for action in pillar.actions:
            if not action.text.strip():
                raise EditError(_("Action %(code)s has no text.") % {"code": action.code},
                                "text")
    cited = {(r.objective, n) for a in parsed.actions for r in a.rsp_refs
             for n in [None, *r.milestones]}
    if not cited:
        return
    strategic = work_plan.strategic_plan
    if strategic is None:
        raise EditError(_("The plan names no strategic plan, so it cannot cite RSP "
                          "objectives."), "rsp_refs")
    known = {(o.code, None) for o in strategic.objectives.all()}
    known |= set(Milestone.objects.filter(objective__strategic_plan=strategic)
                 .values_list("objective__code", "number"))
    missing = sorted(cited - known, key=str)
    if missing:
        objective, milestone = missing[0]
        where = next(a.code for a in parsed.actions
                     if any(r.objective == objective for r in a.rsp_refs))
        if milestone is None:
            message = _("%(code)s cites RSP %(objective)s, which is no objective of the "
                        "strategic plan %(rsp)s.")
        else:
            message = _("%(code)s cites milestone %(milestone)s of RSP %(objective)s, which "
                        "the strategic plan %(rsp)s does not have.")
        raise EditError(message % {"code": where, "objective": objective,
                                   "milestone": milestone, "rsp": strategic.period},
                        "rsp_refs")


def edit(work_plan: WorkPlan, change: Callable[[ParsedPlan, Overrides], None], *,
         archive: bool = True, check_editable: bool = True) -> EditResult:
    """Apply ``change`` to the plan (all or nothing): the editor's one entry point."""
    if check_editable and not work_plan.editable:
        raise EditError(_("The plan is %(status)s: open a revision (with its reason) to change "
                          "it.") % {"status": work_plan.get_status_display().lower()})
    office = work_plan.office
    before = document_from_db(work_plan)
    overrides = Overrides(
        kinds={a.key: a.kind for a in before.activities},
        members={a.key: list(a.members) for a in before.activities})
    parsed = before.parsed
    old_snapshot = snapshot_from_document(before)
    change(parsed, overrides)
    check(parsed, work_plan)
    try:
        document = assemble(parsed, member_index(office.region), office.code)
    except PlanSyntaxError as exc:
        raise EditError(exc.message) from None
    for activity in document.activities:
        if activity.key in overrides.kinds:
            activity.kind = overrides.kinds[activity.key]
        if activity.key in overrides.members:
            activity.members = sorted(overrides.members[activity.key])
    document.title = work_plan.title
    new_snapshot = snapshot_from_document(document)
    with transaction.atomic():
        # a renamed activity keeps its row (and the events and requests that point at it)
        for old_key, title in overrides.renamed.items():
            new_key = activity_key(title)
            if new_key != old_key:
                Activity.objects.filter(work_plan=work_plan, key=old_key).update(
                    key=new_key, title=title)
                old_snapshot["activities"][new_key] = old_snapshot["activities"].pop(old_key)
        try:
            _refuse_removing_what_is_used(work_plan, old_snapshot, new_snapshot)
        except PlanImportError as exc:
            raise EditError(exc.message) from None
        reconciliation = reimport.reconcile(work_plan, document)
        archived = [impact for impact in reconciliation.impacts if impact.archives]
        if archived and not archive:
            raise EditError(_("This takes out of the plan KPIs or actions with recorded data "
                              "(%(what)s); confirm archiving them.")
                            % {"what": "; ".join(i.what for i in archived)})
        write_plan(document, office, work_plan, source_name=work_plan.source_name,
                   sha=work_plan.source_sha256, reconciliation=reconciliation)
    work_plan.refresh_from_db()
    return EditResult(work_plan, document, archived)


# --- the operations the editor's forms call ------------------------------------------------------


def _kpis(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def add_pillar(work_plan, *, number: int, title: str, action_text: str) -> EditResult:
    """A new pillar with its first action (a pillar holds at least one)."""
    def change(parsed, overrides):
        if any(p.number == number for p in parsed.pillars):
            raise EditError(_("Pillar %(n)s exists already.") % {"n": number}, "number")
        pillar = ParsedPillar(number, title.strip(), 0)
        pillar.actions.append(ParsedAction(number, "a", action_text.strip(), [], True, False,
                                           [], [], 0))
        parsed.pillars.append(pillar)
        parsed.pillars.sort(key=lambda p: p.number)
    return edit(work_plan, change)


def edit_pillar(work_plan, number: int, *, title: str) -> EditResult:
    def change(parsed, overrides):
        find_pillar(parsed, number).title = title.strip()
    return edit(work_plan, change)


def remove_pillar(work_plan, number: int) -> EditResult:
    def change(parsed, overrides):
        parsed.pillars.remove(find_pillar(parsed, number))
        _drop_dangling(parsed)
    return edit(work_plan, change)


def save_action(work_plan, code: str | None, *, pillar: int, text: str,
                rsp_refs: list[RspRef], rocb_specific: bool, upon_request: bool,
                kpis: list[str]) -> tuple[EditResult, str]:
    """Add (``code`` None: the pillar's next letter) or change an action; returns its code."""
    result_code = code

    def change(parsed, overrides):
        nonlocal result_code
        if code is None:
            target = find_pillar(parsed, pillar)
            action = ParsedAction(pillar, next_letter(target), "", [], False, False, [], [], 0)
            target.actions.append(action)
            result_code = action.code
        else:
            action = find_action(parsed, code)
        action.text = text.strip()
        action.rsp_refs = list(rsp_refs)
        action.rocb_specific = rocb_specific
        action.upon_request = upon_request
        action.kpis = _kpis(kpis)
    return edit(work_plan, change), result_code


def move_action(work_plan, code: str, offset: int) -> EditResult:
    """One place up (-1) or down (+1) within its pillar; its code (letter) stays."""
    def change(parsed, overrides):
        action = find_action(parsed, code)
        pillar = find_pillar(parsed, action.pillar)
        i = pillar.actions.index(action)
        j = max(0, min(len(pillar.actions) - 1, i + offset))
        pillar.actions.insert(j, pillar.actions.pop(i))
    return edit(work_plan, change)


def remove_action(work_plan, code: str) -> EditResult:
    """Out of the plan: archived if it holds recorded data, refused if events or requests
    use it (as a re-import)."""
    def change(parsed, overrides):
        action = find_action(parsed, code)
        pillar = find_pillar(parsed, action.pillar)
        pillar.actions.remove(action)
        if not pillar.actions:
            raise EditError(_("%(code)s is the last action of pillar %(n)s: remove the pillar "
                              "instead.") % {"code": code, "n": pillar.number})
        _drop_dangling(parsed)
    return edit(work_plan, change)


def _drop_dangling(parsed: ParsedPlan) -> None:
    """See-also codes naming an action no longer in the plan go with it."""
    codes = {a.code for a in parsed.actions}
    for action in parsed.actions:
        for listing in action.listings:
            listing.see_also = [c for c in listing.see_also if c in codes]


def save_activity(work_plan, key: str | None, *, title: str, kind: str | None,
                  members: list[str] | None, listed_in: list[str],
                  see_also: list[str] | None = None) -> EditResult:
    """Add (``key`` None) or change an activity: its title, kind and members (None: as the
    title says), the actions listing it (in their order) and the actions its See-also names
    (None: as written now)."""
    def change(parsed, overrides):
        put_activity(parsed, overrides, key, title=title, kind=kind, members=members,
                     listed_in=listed_in, see_also=see_also)
    return edit(work_plan, change)


def put_activity(parsed: ParsedPlan, overrides: Overrides, key: str | None, *, title: str,
                 kind: str | None, members: list[str] | None, listed_in: list[str],
                 see_also: list[str] | None = None) -> None:
    """``save_activity``'s change of the document (several make one edit when drafting)."""
    title = title.strip()
    if not title:
        raise EditError(_("Give the activity a title."), "title")
    if not listed_in:
        raise EditError(_("List the activity under at least one action."), "listed_in")
    new_key = activity_key(title)
    codes = {a.code for a in parsed.actions}
    for code in [*listed_in, *(see_also or [])]:
        if code not in codes:
            raise EditError(_("The plan has no action %(code)s.") % {"code": code},
                            "listed_in")
    existing_keys = {activity_key(x.title) for a in parsed.actions for x in a.listings}
    if key is None and new_key in existing_keys:
        raise EditError(_("The plan has the activity \u201c%(title)s\u201d already; edit it "
                          "instead.") % {"title": title}, "title")
    if key is not None and key not in existing_keys:
        raise EditError(_("The plan has no such activity."))
    if key is not None and new_key != key and new_key in existing_keys:
        raise EditError(_("Another activity has this title."), "title")
    previous_see_also = []
    positions = {}
    for action in parsed.actions:
        for i, listing in enumerate(action.listings):
            if key is not None and activity_key(listing.title) == key:
                previous_see_also += [c for c in listing.see_also
                                      if c not in previous_see_also]
                positions[action.code] = i
        action.listings = [x for x in action.listings
                           if key is None or activity_key(x.title) != key]
    wanted = previous_see_also if see_also is None else list(see_also)
    for action in parsed.actions:
        if action.code in listed_in:
            listing = Listing(title, [c for c in wanted if c != action.code], 0)
            action.listings.insert(positions.get(action.code, len(action.listings)), listing)
    if key is not None and key != new_key:
        overrides.renamed[key] = title
        overrides.kinds.pop(key, None)
        overrides.members.pop(key, None)
    if kind:
        overrides.kinds[new_key] = kind
    elif key is not None:
        overrides.kinds.pop(key, None)
    if members is not None:
        overrides.members[new_key] = sorted(members)
    elif key is not None:
        overrides.members.pop(key, None)


def move_listing(work_plan, code: str, key: str, offset: int) -> EditResult:
    """An activity one place up or down among those its action lists."""
    def change(parsed, overrides):
        action = find_action(parsed, code)
        keys = [activity_key(x.title) for x in action.listings]
        if key not in keys:
            raise EditError(_("%(code)s does not list this activity.") % {"code": code})
        i = keys.index(key)
        j = max(0, min(len(keys) - 1, i + offset))
        action.listings.insert(j, action.listings.pop(i))
    return edit(work_plan, change)


def remove_activity(work_plan, key: str) -> EditResult:
    """Out of the plan; refused if events or requests use it (they would lose their
    planned activity)."""
    def change(parsed, overrides):
        found = False
        for action in parsed.actions:
            kept = [x for x in action.listings if activity_key(x.title) != key]
            found = found or len(kept) != len(action.listings)
            action.listings = kept
        if not found:
            raise EditError(_("The plan has no such activity."))
    return edit(work_plan, change)
