"""The annual report's content, computed once: ``annual_report(plan)`` returns plain rows,
totals and sentences; the DOCX, PDF and HTML renderers only lay them out.

The figures are the KPI engine's own: the executive summary reads ``dashboard.figures``
(events by kind and level, participants by gender, members reached, experts, partners, the
mean evaluation) and the KPI table reads the IPTT that ``figures`` computes, so the report and
the dashboard cannot disagree. Queries: those of ``figures`` and the IPTT, five for the events,
two for the workshop annex, one for the publications, the plan's actions, and the next plan
(seven) when there is one; none grows with the number of events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workplan.core.figures import share_text
from workplan.delivery.models import Event, Participation
from workplan.directory.models import Person
from workplan.indicators.dashboard import STATUS_LABELS, Dashboard, figures
from workplan.indicators.describe import what_it_counts
from workplan.indicators.iptt import BEHIND, NO_DATA, NO_TARGET, ON
from workplan.indicators.present import figure as present_figure
from workplan.plans.models import Action, WorkPlan

from . import glossary
from .events import EventFacts, event_facts, join_words
from .yearfigures import FigureTable, year_tables

WORKSHOP_KINDS = ("workshop", "training", "accreditation")
WORKSHOP_LEVELS = ("regional", "subregional")
GENDERS = ("female", "male", "other", "undisclosed")


@dataclass
class KeyFigure:
    key: str
    label: str
    value: float | int | None
    text: str        # as printed
    note: str = ""


@dataclass
class EventGroup:
    """The sessions of one planned activity under one action (an event of its own when the
    activity was held once, or when it serves no planned activity): told under one title."""

    title: str
    events: list[EventFacts]

    @property
    def sessions(self) -> str:
        """"3 sessions", or "" for a single event."""
        n = len(self.events)
        return ngettext("%(n)s session", "%(n)s sessions", n) % {"n": n} if n > 1 else ""

    @property
    def participants(self) -> int:
        return sum(e.participants for e in self.events)

    @property
    def women(self) -> int:
        return sum(e.women for e in self.events)


def group_sessions(events: list[EventFacts]) -> list[EventGroup]:
    """Events of one planned activity, grouped (in the order of their first session); an
    event serving no planned activity is a group of its own. The group's title is the
    events' title when they share it, else the activity's."""
    groups: list[EventGroup] = []
    by_activity: dict[int, EventGroup] = {}
    for event in events:
        found = by_activity.get(event.activity_id) if event.activity_id else None
        if found is None:
            found = EventGroup(event.title, [])
            groups.append(found)
            if event.activity_id:
                by_activity[event.activity_id] = found
        elif event.title != found.title:
            found.title = found.events[0].activity or found.title
        found.events.append(event)
    return groups


@dataclass
class ActionSection:
    code: str
    text: str
    events: list[EventFacts] = field(default_factory=list)
    title: str = ""   # the action's short title (``short_title``)
    groups: list[EventGroup] = field(default_factory=list)


@dataclass
class PillarSection:
    number: int
    title: str
    actions: list[ActionSection]
    action_count: int
    events: int
    words: str = ""   # the office's introduction of the pillar

    @property
    def served(self) -> int:
        return len(self.actions)


@dataclass
class KpiRow:
    pillar: int
    code: str
    kpi: str
    measure: str
    target: str
    actual: str
    percent: str
    status: str
    state: str
    counts: str = ""   # what the KPI counts: its measure and settings, in words
    action_title: str = ""   # the action's short title, beside its code
    indicator_id: int = 0
    note: str = ""     # staff's comment for the year (why behind target ...)


@dataclass
class AnnexRow:
    member: str
    iso3: str
    by_gender: dict[str, int]
    workshops: int

    @property
    def total(self) -> int:
        return sum(self.by_gender.values())


@dataclass
class PlanRow:
    letter: str
    code: str
    text: str
    reference: str
    activities: list[str]
    kpis: list[str]


@dataclass
class PublicationRow:
    date: dt.date
    kind: str
    title: str
    member: str
    url: str
    actions: list[str]
    kind_code: str = ""


@dataclass
class OfficeInfo:
    code: str
    name: str
    short_name: str


@dataclass
class Signature:
    """The head's signature as the report embeds it (base64, so it travels in the JSON)."""

    data: str
    content_type: str
    width: int
    height: int


@dataclass
class Words:
    """The office's own words (``models.ReportWords``), as the report prints them."""

    status: str = "draft"
    head_name: str = ""
    head_title: str = ""
    signature: Signature | None = None
    foreword: list[str] = field(default_factory=list)        # paragraphs
    challenges: list[str] = field(default_factory=list)
    way_forward: list[str] = field(default_factory=list)
    finalised: dt.date | None = None

    @property
    def final(self) -> bool:
        return self.status == "final"


def paragraphs(text: str) -> list[str]:
    """Paragraphs of what staff typed: split at blank lines, lines of one paragraph joined."""
    import re

    return [" ".join(line.strip() for line in block.splitlines() if line.strip())
            for block in re.split(r"\n\s*\n", text or "") if block.strip()]


@dataclass
class AnnualReport:
    office: OfficeInfo
    plan: WorkPlan | None
    board: Dashboard | None
    generated: dt.date
    title: str
    subtitle: str
    period_text: str
    intro: list[str]
    summary: list[str]
    figures: list[KeyFigure]
    events_by_kind_level: list[tuple[str, list[int]]]   # (kind label, counts by level)
    levels: list[str]                                   # level labels, the columns
    pillars: list[PillarSection]
    other_events: list[EventFacts]
    other_groups: list[EventGroup]
    kpis: list[KpiRow]
    kpi_summary: str
    kpi_status: dict[str, int]
    annex_rows: list[AnnexRow]
    annex_totals: dict[str, int]
    annex_workshops: list[EventFacts]
    annex_intro: str
    next_period: str
    next_plan_title: str
    next_plan: list[tuple[int, str, list[PlanRow]]] | None
    next_plan_headers: list[str]
    next_work_plan: WorkPlan | None
    next_document: object | None     # its PlanDocument (read from the database)
    publications: list[PublicationRow]
    publications_intro: str
    abbreviations: list[tuple[str, str]]
    genders: list[tuple[str, str]]                      # (code, label) shown in the annex
    events: list[EventFacts]
    words: Words = field(default_factory=Words)
    tables: list[FigureTable] = field(default_factory=list)   # figures an office reports
    events_held: int = 0
    participants_by_gender: dict[str, int] = field(default_factory=dict)
    reached_by_subregion: list[tuple[str, int]] = field(default_factory=list)
    chapters: dict[str, str] = field(default_factory=dict)    # key -> numbered title
    omitted: list[str] = field(default_factory=list)  # what has nothing to show, in a line

    @property
    def events_total(self) -> int:
        return len(self.events)

    def texts(self) -> list[str]:
        """Every sentence and name the report prints (for its list of abbreviations)."""
        return _texts(self)


def _number(value: float | None, unit: str = "count") -> str:
    """As the IPTT and the dashboard write it (one rounding: ``indicators.present.figure``)."""
    return present_figure(value, unit)


def _percent(share: float | None) -> str:
    return share_text(share)


def annual_report(plan: WorkPlan, *, today: dt.date | None = None,
                  words=None) -> AnnualReport:
    """The annual report of ``plan``'s fiscal year (its office's held events, KPIs, ...), with
    the office's words of that year (``words``: a ``ReportWords``; by default the stored one,
    if any). A final report is not computed again: render ``frozen.thaw(words.frozen)``."""
    from ..models import ReportWords

    office = plan.office
    today = today or timezone.localdate()
    year = plan.start_year
    if words is None:
        words = ReportWords.objects.filter(office=office, start_year=year).first()
    board = figures(office, year, today=today, plan=plan)
    period = board.period
    actions = list(Action.objects.filter(work_plan=plan).select_related("pillar")
                   .order_by("position"))
    order = {a.pk: a.position for a in actions}
    held = Event.objects.held().in_fiscal_year(office, year).order_by("start_date", "pk")
    events = event_facts(held, region_id=office.region_id, action_order=order)

    pillars, other = _pillars(plan, actions, events)
    intros = (words.pillar_intros or {}) if words is not None else {}
    for pillar in pillars:
        pillar.words = (intros.get(str(pillar.number)) or "").strip()
    kpis, kpi_summary = _kpis(board, (words.kpi_notes or {}) if words is not None else {})
    annex_rows, annex_totals, annex_events = _workshop_annex(office, period, events)
    next_title, next_rows, headers, next_plan, next_document = _next_plan(office, year)
    publications = _publications(office, period)
    genders = [(g, str(dict(Person.Gender.choices)[g])) for g in GENDERS
               if g in ("female", "male") or annex_totals.get(g)]
    previous_plan = WorkPlan.objects.filter(office=office, start_year=year - 1).first()
    previous = None
    if previous_plan is not None:
        previous = (previous_plan, figures(office, year - 1, today=today, plan=previous_plan))

    short = office.short_name
    next_period = (f"{year + 1}-{year + 2}" if office.fiscal_year_start_month != 1
                   else str(year + 1))
    report = AnnualReport(
        office=OfficeInfo(office.code, office.name, short), plan=plan, board=board,
        generated=today,
        title=_("Annual Report %(period)s") % {"period": period.year_label},
        subtitle=f"{office.name} ({short})" if short and short not in office.name
        else office.name,
        period_text=_("Fiscal year %(first)s – %(last)s") % {
            "first": date_format(period.start, "j F Y"),
            "last": date_format(period.end, "j F Y")},
        intro=[],
        summary=_summary(board, events, kpi_summary, len(publications)),
        figures=_key_figures(board),
        events_by_kind_level=[], levels=[],
        pillars=pillars, other_events=other, other_groups=group_sessions(other),
        kpis=kpis, kpi_summary=kpi_summary,
        kpi_status=board.kpi_status,
        annex_rows=annex_rows, annex_totals=annex_totals, annex_workshops=annex_events,
        annex_intro=_annex_intro(short, period.year_label, annex_events, annex_totals),
        next_period=next_period,
        next_plan_title=next_title, next_plan=next_rows, next_plan_headers=headers,
        next_work_plan=next_plan, next_document=next_document,
        publications=publications,
        publications_intro=_publications_intro(short, publications),
        abbreviations=[], genders=genders, events=events,
        words=words_of(words),
        tables=year_tables(plan, board, previous=previous),
        events_held=board.events_total,
        participants_by_gender=dict(sorted(board.participants.items())),
        reached_by_subregion=[(name, len(ids))
                              for name, ids in sorted(board.members_reached.items())])
    report.levels, report.events_by_kind_level = _kind_level_table(board)
    report.chapters, report.omitted = _chapters(report)
    report.intro = _intro(plan, board, pillars, report.chapters)
    partners = {acronym: name for e in events for name, acronym, _r, _k in e.partners
                if acronym}
    report.abbreviations = glossary.used(_texts(report), extra=partners)
    return report


def words_of(record) -> Words:
    """The ``Words`` a ``ReportWords`` record (or None) gives the report; its signature read
    once, into the data (so a final report carries it)."""
    import base64

    if record is None:
        return Words()
    signature = None
    if record.signature:
        from ..services import image_info

        try:
            with record.signature.open("rb") as handle:
                data = handle.read()
            content_type, width, height = image_info(data)
        except (OSError, ValueError):
            signature = None  # a missing or damaged file: the report prints the name only
        else:
            signature = Signature(base64.b64encode(data).decode("ascii"), content_type,
                                  width, height)
    return Words(status=record.status, head_name=record.head_name.strip(),
                 head_title=record.head_title.strip(), signature=signature,
                 foreword=paragraphs(record.foreword),
                 challenges=paragraphs(record.challenges),
                 way_forward=paragraphs(record.way_forward),
                 finalised=timezone.localdate(record.finalised_at)
                 if record.finalised_at else None)


def _chapters(report: AnnualReport) -> tuple[dict[str, str], list[str]]:
    """The chapters the report holds, numbered in order, and a line for each left out
    because it has nothing to show."""
    chapters: dict[str, str] = {}
    omitted: list[str] = []
    words = report.words
    if words.foreword:
        chapters["foreword"] = _("Foreword")
    numbered = [("introduction", _("Introduction")), ("summary", _("Executive summary")),
                ("activities", _("Activities by pillar and action")),
                ("kpis", _("Achievement of the key performance indicators"))]
    if report.publications:
        numbered.append(("publications", _("Publications and information shared")))
    else:
        omitted.append(_("No publication of %(office)s is dated in this fiscal year, so the "
                         "report has no chapter on publications.") % {
            "office": report.office.short_name})
    if words.challenges:
        numbered.append(("challenges", _("Challenges and lessons learned")))
    if words.way_forward:
        numbered.append(("way_forward", _("The way forward")))
    for number, (key, title) in enumerate(numbered, start=1):
        chapters[key] = f"{number}. {title}"
    if report.annex_workshops:
        chapters["annex1"] = _("Annex 1: Participants in regional and sub-regional "
                               "workshops by member")
    else:
        omitted.append(report.annex_intro)
    if report.next_plan:
        chapters["annex2"] = (_("Annex %(n)s: Annual Work Plan %(period)s") % {
            "n": 2 if "annex1" in chapters else 1, "period": report.next_period})
    else:
        omitted.append(_("The Annual Work Plan %(period)s is not adopted yet; the report "
                         "has no annex with it.") % {"period": report.next_period})
    chapters["abbreviations"] = _("Abbreviations")
    return chapters, omitted


# --- sections -----------------------------------------------------------------------------------


def _pillars(plan, actions, events: list[EventFacts]):
    """Each held event under the first action of this plan it serves (plan order); events
    serving none of the plan's actions are "other activities"."""
    by_action: dict[int, list[EventFacts]] = defaultdict(list)
    mine = {a.pk for a in actions}
    other = []
    for event in events:
        first = next((pk for pk in event.action_ids if pk in mine), None)
        if first is None:
            other.append(event)
        else:
            by_action[first].append(event)
    pillars = []
    for pillar in plan.pillars.order_by("number"):
        own = [a for a in actions if a.pillar_id == pillar.pk]
        sections = [ActionSection(a.code, a.text, by_action[a.pk], short_title(a.text),
                                  group_sessions(by_action[a.pk]))
                    for a in own if by_action.get(a.pk)]
        pillars.append(PillarSection(pillar.number, pillar.title, sections, len(own),
                                     sum(len(s.events) for s in sections)))
    return pillars, other


# Words that open a phrase: a cut title ends before the last one, so that it never ends in
# the middle of a phrase ("... Advance Ruling System…", not "... System for tariff…").
_PHRASE_OPENERS = {"a", "among", "an", "and", "as", "at", "based", "by", "for", "from", "if",
                   "in", "including", "into", "its", "like", "namely", "of", "on", "or",
                   "paying", "such", "the", "their", "through", "to", "via", "with"}
_BOUND = {"accordance", "addition", "cooperation", "line", "order", "regard", "respect",
          "terms", "view", "due"}


def short_title(text: str, limit: int = 80) -> str:
    """An action's text as a title: "Upon request, " dropped, a numbered list ("for: (1) x
    (2) y") read as a sentence ("for x and y"), remarks in brackets dropped, the first
    sentence, and at most ``limit`` characters, cut before the last phrase that would be left
    unfinished, with an ellipsis."""
    import re

    words = re.sub(r"^\s*upon request,?\s*", "", text.strip(), flags=re.I)
    items = [item.strip(" ;,") for item in re.split(r"\(\d+\)", words)]
    if len(items) > 2:  # an enumeration: "intro: (1) a (2) b (3) c"
        intro, listed = items[0].rstrip(": "), [item for item in items[1:] if item]
        words = f"{intro} {', '.join(listed[:-1])} and {listed[-1]}"
    words = re.sub(r"\s*\([^()]*\)", "", words)
    words = re.split(r"(?<=[.;:])\s", words, maxsplit=1)[0].rstrip(".;: ")
    words = " ".join(words.split())
    words = words[:1].upper() + words[1:]
    if len(words) <= limit:
        return words
    cut = words[:limit + 1].rsplit(" ", 1)[0].split()
    openers = [i for i, word in enumerate(cut)
               if i > len(cut) // 2 and word.lower().strip(",;:") in _PHRASE_OPENERS]
    while openers:
        cut = cut[:openers.pop()]
        last = cut[-1].lower().strip(",;:")
        if last not in _BOUND and last not in _PHRASE_OPENERS:  # "in accordance": one phrase
            break
    while len(cut) > 3 and cut[-1].lower().strip(",;:") in _PHRASE_OPENERS:
        cut.pop()
    return " ".join(cut).rstrip(",;: /") + "…"


def _kind_level_table(board: Dashboard):
    kinds, levels = dict(Event.Kind.choices), dict(Event.Level.choices)
    used_levels = [k for k in levels if any(key[1] == k for key in board.events)]
    by_kind = board.events_by(0)
    rows = [(str(kinds.get(kind, kind)), [board.events.get((kind, level), 0)
                                          for level in used_levels])
            for kind in sorted(by_kind, key=lambda k: (-by_kind[k], k))]
    return [str(levels[k]) for k in used_levels], rows


def _key_figures(board: Dashboard) -> list[KeyFigure]:
    accreditation = board.events_by(0).get("accreditation", 0)
    women = board.participants.get("female", 0)
    evaluation = board.evaluation
    mean = evaluation.actual if evaluation is not None else None
    rated = (evaluation.denominator or 0) if evaluation is not None else 0
    rate = evaluation.extra.get("response_rate") if evaluation is not None else None
    return [
        KeyFigure("events", _("Events held"), board.events_total, f"{board.events_total:,}"),
        KeyFigure("accreditation", _("Accreditation workshops"), accreditation,
                  f"{accreditation:,}"),
        KeyFigure("participants", _("Participants"), board.participants_total,
                  f"{board.participants_total:,}"),
        KeyFigure("women", _("Women among participants"), women,
                  f"{women:,} ({_percent(board.women_share)})"),
        KeyFigure("members", _("Members reached"), board.reached_total,
                  _("%(n)s of %(total)s") % {"n": board.reached_total,
                                             "total": board.members_total}),
        KeyFigure("experts", _("Experts deployed"), board.experts, f"{board.experts:,}"),
        KeyFigure("partners", _("Partners supporting events"), board.partners,
                  f"{board.partners:,}"),
        KeyFigure("evaluation", _("Mean evaluation (1-5)"), mean,
                  _number(mean, "mean") if mean is not None else _("no ratings yet"),
                  note=(ngettext("%(n)s rating", "%(n)s ratings", int(rated))
                        % {"n": f"{int(rated):,}"}
                        + (_(", %(rate)s of those invited answered") % {
                            "rate": _percent(rate)} if rate is not None else ""))
                  if mean is not None else ""),
    ]


def _intro(plan, board: Dashboard, pillars: list[PillarSection],
           chapters: dict[str, str]) -> list[str]:
    office = plan.office
    strategic = plan.strategic_plan
    period = board.period
    first = _("This report presents what %(office)s delivered in fiscal year %(period)s "
              "(%(months)s) under its Annual Work Plan %(period)s") % {
        "office": office.short_name, "period": period.year_label,
        "months": period.months_label}
    if strategic is not None:
        first += _(", which implements the %(rsp)s") % {"rsp": strategic.title}
    first += "."

    def number(key):
        return chapters[key].split(".", 1)[0]

    parts = [_("chapter %(n)s gives the year's figures") % {"n": number("summary")},
             _("chapter %(n)s the activities held under each pillar and action") % {
                 "n": number("activities")},
             _("chapter %(n)s the achievement of the plan's key performance indicators "
               "(KPIs)") % {"n": number("kpis")}]
    if "publications" in chapters:
        parts.append(_("chapter %(n)s what the office published") % {
            "n": number("publications")})
    if "challenges" in chapters:
        parts.append(_("chapter %(n)s the challenges met and the lessons learned") % {
            "n": number("challenges")})
    if "way_forward" in chapters:
        parts.append(_("chapter %(n)s the way forward") % {"n": number("way_forward")})
    second = _("The plan sets out %(actions)s actions under %(pillars)s pillars.") % {
        "actions": sum(p.action_count for p in pillars), "pillars": len(pillars)}
    listing = join_words(parts)
    second += " " + listing[:1].upper() + listing[1:] + "."
    annexes = []
    if "annex1" in chapters:
        annexes.append(_("the participants in regional and sub-regional workshops by "
                         "member"))
    if "annex2" in chapters:
        annexes.append(_("the Annual Work Plan for the next fiscal year"))
    if annexes:
        second += " " + _("The annexes list %(what)s.") % {"what": join_words(annexes)}
    return [first, second]


def _summary(board: Dashboard, events: list[EventFacts], kpi_summary: str,
             publications: int) -> list[str]:
    levels = dict(Event.Level.choices)
    total = board.events_total
    if not total:
        return [_("No event was recorded as held in fiscal year %(period)s.")
                % {"period": board.period.year_label}, kpi_summary]
    by_level = board.events_by(1)
    level_words = join_words([f"{n:,} {str(levels.get(k, k)).lower()}" for k, n in
                              sorted(by_level.items(), key=lambda kv: (-kv[1], kv[0]))])
    by_kind = board.events_by(0)
    kind_words = join_words([kind_count(k, n) for k, n in
                             sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))])
    office = board.office.short_name
    paragraphs = [
        ngettext("In fiscal year %(period)s %(office)s held %(n)s event (%(levels)s): "
                 "%(kinds)s.",
                 "In fiscal year %(period)s %(office)s held %(n)s events (%(levels)s): "
                 "%(kinds)s.", total) % {
            "period": board.period.year_label, "office": office, "n": f"{total:,}",
            "levels": level_words, "kinds": kind_words},
    ]
    people = _("%(n)s officials took part as participants, %(women)s of them women "
               "(%(share)s). They came from %(reached)s of the region's %(members)s members; "
               "%(experts)s experts were deployed as resource persons and %(partners)s partners "
               "supported the events.") % {
        "n": f"{board.participants_total:,}", "women": f"{board.participants.get('female', 0):,}",
        "share": _percent(board.women_share), "reached": board.reached_total,
        "members": board.members_total, "experts": f"{board.experts:,}",
        "partners": board.partners}
    evaluation = board.evaluation
    if evaluation is not None and evaluation.actual is not None:
        rate = evaluation.extra.get("response_rate")
        people += " " + _("Participants rated the events %(mean)s out of 5 on average "
                          "(%(n)s ratings%(rate)s).") % {
            "mean": _number(evaluation.actual, "mean"),
            "n": f"{int(evaluation.denominator or 0):,}",
            "rate": _("; %(rate)s of those invited answered") % {"rate": _percent(rate)}
            if rate is not None else ""}
    paragraphs.append(people)
    paragraphs.append(kpi_summary)
    if publications:
        paragraphs.append(ngettext("The office published or shared %(n)s item (chapter 5).",
                                   "The office published or shared %(n)s items (chapter 5).",
                                   publications) % {"n": publications})
    return paragraphs


def kind_count(kind: str, n: int) -> str:
    """"12 workshops", "1 diagnostic or advisory mission"."""
    words = {
        "workshop": ngettext("%(n)s workshop", "%(n)s workshops", n),
        "training": ngettext("%(n)s training course", "%(n)s training courses", n),
        "mission": ngettext("%(n)s diagnostic or advisory mission",
                            "%(n)s diagnostic or advisory missions", n),
        "meeting": ngettext("%(n)s meeting", "%(n)s meetings", n),
        "conference": ngettext("%(n)s conference", "%(n)s conferences", n),
        "accreditation": ngettext("%(n)s accreditation workshop",
                                  "%(n)s accreditation workshops", n),
    }
    return words.get(kind, ngettext("%(n)s other event", "%(n)s other events", n)) % {
        "n": f"{n:,}"}


def _kpis(board: Dashboard, notes: dict) -> tuple[list[KpiRow], str]:
    rows = []
    table = board.table
    if table is None:
        return rows, ""
    for row in table.rows:
        year = row.columns["FY"]
        unit = row.measure.unit
        rows.append(KpiRow(
            pillar=row.pillar.number, code=row.action.code,
            kpi=row.indicator.text if row.indicator.archived_at is None
            else _("%(kpi)s (no longer in the plan)") % {"kpi": row.indicator.text},
            measure=str(row.measure.label),
            target=_number(float(year.target), unit) if year.target is not None else "–",
            actual=_number(year.actual, unit),
            percent="–" if year.percent is None else f"{year.percent:.0f}%",
            status=str(STATUS_LABELS[row.state]), state=row.state,
            counts=what_it_counts(row.indicator, row.measure),
            action_title=short_title(row.action.text), indicator_id=row.indicator.pk,
            note=(notes.get(str(row.indicator.pk)) or "").strip()))
    status = board.kpi_status
    summary = _("Of the plan's %(n)s KPIs, %(on)s are on target and %(behind)s behind; "
                "%(none)s have no target set and %(nodata)s no data yet.") % {
        "n": len(rows), "on": status.get(ON, 0), "behind": status.get(BEHIND, 0),
        "none": status.get(NO_TARGET, 0), "nodata": status.get(NO_DATA, 0)}
    return rows, summary


def _workshop_annex(office, period, events: list[EventFacts]):
    """Participants in held regional and sub-regional workshops (workshops, trainings,
    accreditation workshops), by member and gender, as the KPI ``participants`` counts them
    (attended, role participant)."""
    workshops = (Event.objects.held().in_period(period.start, period.end)
                 .filter(office=office, kind__in=WORKSHOP_KINDS, level__in=WORKSHOP_LEVELS))
    people = Participation.objects.filter(event__in=workshops).participants()
    rows: dict[int | None, AnnexRow] = {}
    for row in (people.order_by().values("member_id", "member__name", "member__iso3",
                                         "person__gender").annotate(n=Count("pk"))):
        key = row["member_id"]
        found = rows.setdefault(key, AnnexRow(row["member__name"] or _("No member recorded"),
                                              row["member__iso3"] or "", {}, 0))
        gender = row["person__gender"] or "undisclosed"
        found.by_gender[gender] = found.by_gender.get(gender, 0) + row["n"]
    for row in (people.order_by().values("member_id")
                .annotate(n=Count("event_id", distinct=True))):
        if row["member_id"] in rows:
            rows[row["member_id"]].workshops = row["n"]
    ordered = sorted(rows.values(), key=lambda r: (r.iso3 == "", r.member))
    totals: dict[str, int] = defaultdict(int)
    for row in ordered:
        for gender, n in row.by_gender.items():
            totals[gender] += n
    totals["total"] = sum(r.total for r in ordered)
    workshops = [e for e in events if e.kind in WORKSHOP_KINDS and e.level in WORKSHOP_LEVELS]
    totals["workshops"] = len(workshops)
    return ordered, dict(totals), workshops


def _annex_intro(short: str, period: str, workshops: list[EventFacts], totals) -> str:
    if not workshops:
        return _("%(office)s held no regional or sub-regional workshop in %(period)s.") % {
            "office": short, "period": period}
    return ngettext(
        "%(n)s participant attended the %(w)s regional and sub-regional workshop %(office)s "
        "held in %(period)s (workshops, trainings and accreditation workshops).",
        "%(n)s participants attended the %(w)s regional and sub-regional workshops %(office)s "
        "held in %(period)s (workshops, trainings and accreditation workshops).",
        totals.get("total", 0)) % {"n": f"{totals.get('total', 0):,}", "w": len(workshops),
                                   "office": short, "period": period}


def _next_plan(office, year: int):
    """The next fiscal year's plan in the published three-column layout (rows per pillar),
    or None when it has not been imported yet."""
    from workplan.plans.snapshot import document_from_db
    from workplan.plans.textplan.parser import BULLET
    from workplan.plans.textplan.render import reference_text

    plan = WorkPlan.objects.filter(office=office, start_year=year + 1).first()
    if plan is None:
        return "", None, [], None, None
    document = document_from_db(plan)
    short = office.short_name
    strategic = document.parsed.strategic_period
    relevance = f" (Relevance to RSP {strategic})" if strategic else ""
    headers = [f"Specific Actions of {short}{relevance}",
               f"Annual Work Plan for {document.period}", "RSP Key Performance Indicator"]
    pillars = []
    for pillar in document.parsed.pillars:
        rows = []
        for action in pillar.actions:
            listings = [f"{BULLET} {listing.title}"
                        + (f" (See also {', '.join(listing.see_also)})"
                           if listing.see_also else "") for listing in action.listings]
            kpis = ([f"({i}) {k}" for i, k in enumerate(action.kpis, start=1)]
                    if len(action.kpis) > 1 else list(action.kpis))
            rows.append(PlanRow(action.letter, action.code, action.text,
                                reference_text(action.rsp_refs, action.rocb_specific, short),
                                listings, kpis))
        pillars.append((pillar.number, pillar.title, rows))
    title = document.title
    if not plan.in_force:
        # a plan still drafted or in review is shown as what it is, not as adopted
        title = _("%(title)s (draft, not yet adopted)") % {"title": title} \
            if plan.status == WorkPlan.Status.DRAFT \
            else _("%(title)s (in review, not yet adopted)") % {"title": title}
    return title, pillars, headers, plan, document


def _publications(office, period) -> list[PublicationRow]:
    from ..models import Publication

    return [PublicationRow(p.date, p.get_kind_display(), p.title,
                           p.member.name if p.member else "", p.url,
                           [a.code for a in p.actions.all()], p.kind)
            for p in Publication.objects.filter(office=office).within(period.start, period.end)
            .for_list().order_by("date", "title", "pk")]


def _publications_intro(short: str, publications: list[PublicationRow]) -> str:
    if not publications:
        return _("No publication of %(office)s is recorded in the register for this year.") % {
            "office": short}
    from ..models import Publication

    counts: dict[str, int] = defaultdict(int)
    for p in publications:
        counts[p.kind_code] += 1
    words = {
        "newsletter": lambda n: ngettext("%(n)s newsletter issue", "%(n)s newsletter issues", n),
        "good_practice": lambda n: ngettext("%(n)s good practice report",
                                            "%(n)s good practice reports", n),
        "article": lambda n: ngettext("%(n)s article submitted by a member",
                                      "%(n)s articles submitted by members", n),
        "website": lambda n: ngettext("%(n)s website item", "%(n)s website items", n),
        "other": lambda n: ngettext("%(n)s other item", "%(n)s other items", n),
    }
    return ngettext("%(office)s published or shared %(n)s item this year: %(kinds)s.",
                    "%(office)s published or shared %(n)s items this year: %(kinds)s.",
                    len(publications)) % {
        "office": short, "n": len(publications),
        "kinds": join_words([words[kind](counts[kind]) % {"n": counts[kind]}
                             for kind in Publication.Kind.values if counts.get(kind)])}


def _texts(report: AnnualReport) -> list[str]:
    words = report.words
    texts = [report.title, report.subtitle, *report.intro, *report.summary, report.kpi_summary,
             *words.foreword, *words.challenges, *words.way_forward, *report.omitted,
             *[p.words for p in report.pillars], *[r.note for r in report.kpis],
             *[r.action_title for r in report.kpis],
             *[t.intro for t in report.tables],
             *[c for t in report.tables for r in t.rows for c in r.cells],
             report.annex_intro, report.publications_intro, report.next_plan_title,
             *report.next_plan_headers]
    for pillar in report.pillars:
        texts.append(pillar.title)
        for section in pillar.actions:
            texts.append(section.text)
            texts += [g.title for g in section.groups]
            texts += [e.story() for e in section.events]
    texts += [g.title for g in report.other_groups] + [e.story() for e in report.other_events]
    texts += [row.kpi for row in report.kpis]
    texts += [p.title for p in report.publications]
    for _pillar, title, rows in report.next_plan or []:
        texts.append(title)
        for row in rows:
            texts += [row.text, row.reference, *row.activities, *row.kpis]
    return texts
