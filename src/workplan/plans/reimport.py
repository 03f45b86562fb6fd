"""Re-importing a plan over the stored one: which stored action and KPI each row of the file
is, what becomes of the rest, and the data recorded on each.

One function (:func:`reconcile`) decides, without writing; the import preview (web), the
CLI's dry run and the import itself all use its answer, so what the preview says is what the
import does.

The rules (docs/importing-plans.md, "Re-importing"):

- An action is the stored action with the same code (a current one; else the latest one a
  re-import archived, which is restored with its KPI data).
- A KPI is matched to a stored indicator of its action by what it is, never by its place in
  the cell: first by its normalised text (case, spaces and closing punctuation ignored); then,
  among what is left on both sides, a reworded KPI keeps its indicator only if the rules count
  the new words exactly as the old ones (same measure, same settings), the texts are alike
  (similarity >= ``SIMILAR``), and the pairing is unambiguous (each is the other's only
  candidate). Anything else is a new KPI, so a value never moves to a KPI counted otherwise.
- What leaves the plan and holds something recorded (targets, values, a measure chosen by
  staff; for an action also surveys and publications that name it) is archived, never deleted:
  kept, read-only, "no longer in the plan". What holds nothing is removed with the plan text
  (history keeps it). An action that events or requests use is not removed at all: the import
  is refused (move those records first).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from workplan.indicators.binding import bind
from workplan.indicators.measures import registry
from workplan.indicators.models import Indicator, Target, Value

SIMILAR = 0.6  # difflib ratio of two normalised KPI texts above which they may be one KPI

# What becomes of a KPI or an action (Impact.fate).
KEPT, RENAMED, MOVED, RESTORED, ARCHIVED, REMOVED = (
    "kept", "renamed", "moved", "restored", "archived", "removed")


def normalise_kpi(text: str) -> str:
    """A KPI's identity: its words, ignoring case, spacing and closing punctuation."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".;,:").strip().casefold()


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalise_kpi(a), normalise_kpi(b)).ratio()


@dataclass
class KpiMatch:
    """A KPI of the file (``position`` in its cell) and the stored indicator it is, if any."""

    position: int
    text: str
    indicator: Indicator | None = None
    how: str = "new"  # same / renamed / restored / new


@dataclass
class Recorded:
    """The data recorded on a KPI or an action."""

    targets: int = 0
    target_years: set = field(default_factory=set)
    values: dict = field(default_factory=dict)  # status -> count
    locked: bool = False
    events: int = 0
    requests: int = 0
    surveys: int = 0
    publications: int = 0
    kpis_with_data: int = 0

    @property
    def anything(self) -> bool:
        """Something an office recorded (what an import may archive but never delete)."""
        return bool(self.targets or self.values or self.locked or self.surveys
                    or self.publications or self.kpis_with_data)


@dataclass
class Impact:
    """One KPI or action the import changes or takes out of the plan, with its data and what
    happens to each part (``details``: (the data, what happens to it))."""

    kind: str  # "kpi" or "action"
    code: str
    text: str
    fate: str
    new_text: str = ""
    measure: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    pk: int | None = None

    @property
    def archives(self) -> bool:
        return self.fate == ARCHIVED

    @property
    def fate_label(self) -> str:
        return FATE_LABELS[self.fate]

    @property
    def what(self) -> str:
        if self.kind == "kpi":
            return _("KPI of %(code)s “%(text)s”") % {"code": self.code, "text": self.text}
        return _("action %(code)s") % {"code": self.code}

    def lines(self) -> list[str]:
        head = f"{self.what}: {self.fate_label}"
        if self.new_text:
            head += f" → “{self.new_text}”"
        return [head] + [f"    {data}: {fate}" for data, fate in self.details]


FATE_LABELS = {
    KEPT: _("changed, kept"),
    RENAMED: _("reworded, same KPI (same measure): kept with its data"),
    MOVED: _("moved in its cell: kept with its data"),
    RESTORED: _("back in the plan: restored with its data"),
    ARCHIVED: _("leaves the plan: ARCHIVED with its data (read-only, no longer in the plan)"),
    REMOVED: _("leaves the plan: removed (nothing was recorded on it)"),
}


@dataclass
class Reconciliation:
    """What a re-import does to the stored actions and KPIs (decided before writing)."""

    actions: dict  # code -> stored Action (current or restored) the file's action is
    restored: set  # codes of archived actions the file brings back
    gone: list  # current actions the file no longer has
    kpis: dict  # code -> [KpiMatch] for the file's actions that exist
    leftover: list  # stored current indicators of kept actions that match no KPI of the file
    recorded: dict  # ("kpi", pk) / ("action", pk) -> Recorded
    impacts: list = field(default_factory=list)

    def has_data(self, kind: str, pk: int) -> bool:
        return self.recorded.get((kind, pk), Recorded()).anything

    @property
    def archived(self) -> list[Impact]:
        """What the import would archive: it needs the user's explicit confirmation."""
        return [impact for impact in self.impacts if impact.archives]


def reconcile(work_plan, document) -> Reconciliation:
    """Match the file's actions and KPIs to the stored ones; nothing is written."""
    from .models import Action

    stored = list(Action.objects.filter(work_plan=work_plan).select_related("pillar")
                  .order_by("position"))
    current = {a.code: a for a in stored if a.archived_at is None}
    archived_by_code: dict[str, Action] = {}
    for action in sorted((a for a in stored if a.archived_at is not None),
                         key=lambda a: (a.archived_at, a.pk)):
        archived_by_code[action.code] = action  # the latest archived wins
    wanted = {a.code for a in document.parsed.actions}
    actions, restored = {}, set()
    for code in wanted:
        if code in current:
            actions[code] = current[code]
        elif code in archived_by_code:
            actions[code] = archived_by_code[code]
            restored.add(code)
    gone = [a for code, a in current.items() if code not in wanted]

    ids = [a.pk for a in actions.values()] + [a.pk for a in gone]
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(action_id__in=ids).order_by("position", "pk"):
        indicators.setdefault(indicator.action_id, []).append(indicator)

    kpis, leftover = {}, []
    for parsed in document.parsed.actions:
        action = actions.get(parsed.code)
        if action is None:
            continue
        mine = indicators.get(action.pk, [])
        if parsed.code in restored:
            primary, secondary = mine, []
        else:
            primary = [i for i in mine if i.archived_at is None]
            secondary = [i for i in mine if i.archived_at is not None]
        matches, unmatched = match_kpis(parsed.kpis, primary, secondary, parsed.text)
        kpis[parsed.code] = matches
        if parsed.code not in restored:
            leftover += unmatched

    touched = {i.pk for i in leftover}
    for matches in kpis.values():
        touched |= {m.indicator.pk for m in matches if m.indicator is not None}
    for action in gone:
        touched |= {i.pk for i in indicators.get(action.pk, []) if i.archived_at is None}
    recorded = _recorded(touched, [a.pk for a in gone] + [actions[c].pk for c in restored]
                         + [a.pk for a in actions.values()])
    result = Reconciliation(actions, restored, gone, kpis, leftover, recorded)
    for action in gone:
        gone_kpis = [i for i in indicators.get(action.pk, []) if i.archived_at is None]
        recorded[("action", action.pk)].kpis_with_data = sum(
            1 for i in gone_kpis if result.has_data("kpi", i.pk))
    result.impacts = _impacts(result, document, indicators)
    return result


def match_kpis(texts: list[str], primary: list[Indicator], secondary: list[Indicator],
               action_text: str) -> tuple[list[KpiMatch], list[Indicator]]:
    """The file's KPIs of one action matched to its stored indicators (see the module's
    rules); returns the matches in the file's order and the primary indicators left over."""
    matches = [KpiMatch(position, text) for position, text in enumerate(texts, start=1)]
    free = list(primary)
    for pool, how in ((free, "same"), (list(secondary), "restored")):
        for match in matches:
            if match.indicator is not None:
                continue
            key = normalise_kpi(match.text)
            found = next((i for i in pool if normalise_kpi(i.text) == key), None)
            if found is not None:
                match.indicator, match.how = found, how
                pool.remove(found)
                if found in free:
                    free.remove(found)
    open_matches = [m for m in matches if m.indicator is None]
    candidates = {id(m): [i for i in free if _same_thing(i, m.text, action_text)]
                  for m in open_matches}
    for match in open_matches:
        found = candidates[id(match)]
        if len(found) != 1:
            continue
        indicator = found[0]
        if sum(1 for m in open_matches if indicator in candidates[id(m)]) != 1:
            continue
        match.indicator, match.how = indicator, "renamed"
        free.remove(indicator)
    return matches, free


def _same_thing(indicator: Indicator, text: str, action_text: str) -> bool:
    """A reworded KPI is its old indicator if alike in words and counted the same way."""
    if similarity(indicator.text, text) < SIMILAR:
        return False
    old, new = bind(indicator.text, action_text), bind(text, action_text)
    if (old.measure, old.params) != (new.measure, new.params):
        return False
    return indicator.measure_locked or (indicator.measure, indicator.params) == (
        new.measure, new.params)


def _recorded(indicator_ids: set, action_ids: list) -> dict:
    """Targets, values by status, staff's binding; events, requests, surveys, publications:
    a fixed number of queries."""
    from workplan.delivery.models import EventAction, Request

    from .models import Action

    found: dict = {}
    for pk, locked in Indicator.objects.filter(pk__in=indicator_ids).values_list(
            "pk", "measure_locked"):
        found[("kpi", pk)] = Recorded(locked=locked)
    for pk, year in Target.objects.filter(indicator_id__in=indicator_ids).values_list(
            "indicator_id", "fiscal_year"):
        row = found[("kpi", pk)]
        row.targets += 1
        row.target_years.add(year)
    for row in (Value.objects.filter(indicator_id__in=indicator_ids)
                .values("indicator_id", "status").annotate(n=Count("pk"))):
        found[("kpi", row["indicator_id"])].values[row["status"]] = row["n"]
    for pk in set(action_ids):
        found[("action", pk)] = Recorded()
    for name, rows in (
        ("events", EventAction.objects.filter(action_id__in=action_ids)
         .values("action_id").annotate(n=Count("event_id", distinct=True))),
        ("requests", Request.objects.filter(action_id__in=action_ids)
         .values("action_id").annotate(n=Count("pk"))),
        ("surveys", Action.surveys.through.objects.filter(action_id__in=action_ids)
         .values("action_id").annotate(n=Count("pk"))),
        ("publications", Action.publications.through.objects.filter(action_id__in=action_ids)
         .values("action_id").annotate(n=Count("pk"))),
    ):
        for row in rows:
            setattr(found[("action", row["action_id"])], name, row["n"])
    return found


# --- what the preview says ---------------------------------------------------------------------


def _measure_label(indicator: Indicator) -> str:
    label = str(registry.get(indicator.measure).label)
    if indicator.measure_locked:
        label = _("%(measure)s (chosen by staff)") % {"measure": label}
    return label


def _values_words(values: dict) -> str:
    labels = dict(Value.Status.choices)
    order = (Value.Status.APPROVED, Value.Status.SUBMITTED, Value.Status.RETURNED,
             Value.Status.DRAFT)  # what counts first
    parts = [f"{values[s]} {str(labels[s]).lower()}" for s in order if s in values]
    return _("%(count)s values (%(parts)s)") % {"count": sum(values.values()),
                                                "parts": ", ".join(parts)}


def _kpi_details(recorded: Recorded, indicator: Indicator, fate: str) -> list[tuple[str, str]]:
    if fate in (ARCHIVED, REMOVED):
        stays = _("kept on the archived KPI, read-only") if fate == ARCHIVED else ""
    else:
        stays = _("kept: stays on this KPI")
    if fate == REMOVED:
        return [(_("nothing recorded (no target, no value, measure chosen by the rules)"),
                 _("removed with the plan text; its history keeps it"))]
    details = [(_("measure: %(measure)s") % {"measure": _measure_label(indicator)}, stays)]
    if recorded.targets:
        years = ", ".join(f"{y}-{y + 1}" for y in sorted(recorded.target_years))
        details.append((_("%(count)s targets (%(years)s)") % {"count": recorded.targets,
                                                             "years": years},
                        stays if fate != ARCHIVED else
                        _("kept, read-only; shown in the IPTT of their year, marked "
                          "“no longer in the plan”")))
    if recorded.values:
        details.append((_values_words(recorded.values),
                        stays if fate != ARCHIVED else
                        _("kept with their status (approvals intact), read-only; they count "
                          "toward no other KPI")))
    return details


def _action_details(recorded: Recorded, fate: str) -> list[tuple[str, str]]:
    stays = _("stays linked") if fate != ARCHIVED else _("kept, linked to the archived action")
    details = []
    for count, words in ((recorded.events, _("%(count)s events")),
                         (recorded.requests, _("%(count)s requests")),
                         (recorded.surveys, _("%(count)s surveys")),
                         (recorded.publications, _("%(count)s publications")),
                         (recorded.kpis_with_data, _("%(count)s KPIs with recorded data"))):
        if count:
            details.append((words % {"count": count}, stays))
    if not details:
        details.append((_("nothing recorded (no event, request, survey, publication or KPI "
                          "data)"),
                        _("removed with the plan text; its history keeps it")
                        if fate == REMOVED else _("nothing to keep")))
    return details


def _impacts(result: Reconciliation, document, indicators: dict) -> list[Impact]:
    impacts: list[Impact] = []
    parsed_by_code = {a.code: a for a in document.parsed.actions}
    for action in result.gone:
        recorded = result.recorded[("action", action.pk)]
        fate = ARCHIVED if recorded.anything else REMOVED
        impacts.append(Impact("action", action.code, action.text, fate,
                              details=_action_details(recorded, fate), pk=action.pk))
        for indicator in indicators.get(action.pk, []):
            if indicator.archived_at is not None:
                continue
            kpi = result.recorded[("kpi", indicator.pk)]
            kpi_fate = ARCHIVED if kpi.anything else REMOVED
            impacts.append(Impact("kpi", action.code, indicator.text, kpi_fate,
                                  measure=_measure_label(indicator),
                                  details=_kpi_details(kpi, indicator, kpi_fate),
                                  pk=indicator.pk))
    for code in sorted(result.restored):
        action = result.actions[code]
        recorded = result.recorded[("action", action.pk)]
        impacts.append(Impact("action", code, action.text, RESTORED,
                              details=_action_details(recorded, RESTORED), pk=action.pk))
    for code, action in result.actions.items():
        if code in result.restored:
            continue
        parsed = parsed_by_code[code]
        if (action.text, action.rocb_specific, action.upon_request) != (
                parsed.text, parsed.rocb_specific, parsed.upon_request) \
                or action.pillar.number != parsed.pillar:
            recorded = result.recorded[("action", action.pk)]
            if any((recorded.events, recorded.requests, recorded.surveys,
                    recorded.publications)):
                impacts.append(Impact("action", code, action.text, KEPT,
                                      new_text=parsed.text if action.text != parsed.text
                                      else "", details=_action_details(recorded, KEPT),
                                      pk=action.pk))
    for code, matches in result.kpis.items():
        for match in matches:
            indicator = match.indicator
            if indicator is None:
                continue
            recorded = result.recorded[("kpi", indicator.pk)]
            if match.how == "renamed":
                fate, new_text = RENAMED, match.text
            elif match.how == "restored" or code in result.restored:
                fate, new_text = RESTORED, ""
            elif indicator.position != match.position:
                fate, new_text = MOVED, ""
            else:
                continue
            impacts.append(Impact("kpi", code, indicator.text, fate, new_text=new_text,
                                  measure=_measure_label(indicator),
                                  details=_kpi_details(recorded, indicator, fate),
                                  pk=indicator.pk))
    for indicator in result.leftover:
        recorded = result.recorded[("kpi", indicator.pk)]
        fate = ARCHIVED if recorded.anything else REMOVED
        code = next(c for c, a in result.actions.items() if a.pk == indicator.action_id)
        impacts.append(Impact("kpi", code, indicator.text, fate,
                              measure=_measure_label(indicator),
                              details=_kpi_details(recorded, indicator, fate), pk=indicator.pk))
    order = {ARCHIVED: 0, REMOVED: 1, RENAMED: 2, RESTORED: 3, KEPT: 4, MOVED: 5}
    impacts.sort(key=lambda i: (order[i.fate], i.code, i.kind != "action", i.text))
    return impacts
