"""Read the published work-plan text (a three-column Word table flattened to text).

The parser is pure Python and knows nothing of the database: it turns text into
:class:`ParsedPlan`, raising :class:`PlanSyntaxError` (with the line number) on anything
it cannot read. Resolving members and linking activities happens in ``assemble``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

BULLET = "\u27a4"  # ➤
DASHES = "-\u2013\u2014\u2212"  # hyphen, en dash, em dash, minus

_TAG = re.compile(r"<[^<>]{0,300}>")
_SPACE = re.compile(r"\s+")
_PILLAR = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*?)\s*$")
_ACTION = re.compile(r"^([A-Za-z]{1,2})\)\s*(.*)$", re.S)
_ACTION_LIKE = re.compile(r"^\s*(?:<p>\s*)?[A-Za-z]{1,2}\)\s")
_PERIOD = re.compile(r"(\d{4})\s*[-\u2013/]\s*(\d{4})")
_SEE_ALSO = re.compile(r"\(\s*See also\b([^()]*(?:\([^()]*\)[^()]*)*)\)", re.I)
_SEE_ALSO_REF = re.compile(r"(?:(\d{1,2})\s*[-\u2013]\s*)?\(\s*([A-Za-z]{1,2})\s*\)")
_REFERENCE = re.compile(
    r"\(\s*((?:RSP\b[^()]*)|(?:ROCB\b[^()]*specific action\s*(?:\([^()]*\))?[^()]*))\)\s*$",
    re.I,
)
_OBJECTIVE = re.compile(r"RSP\s*(\d+(?:\.\d+){1,3})(.*?)(?=RSP\s*\d|$)", re.I | re.S)
_ORDINAL = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)\b", re.I)
_RANGE_JOIN = re.compile(rf"^\s*(?:[{DASHES}]|to)\s*$", re.I)
_STRATEGIC = re.compile(r"RSP\s*(\d{4})\s*[-\u2013]\s*(\d{4})", re.I)
_KPI_NUMBER = re.compile(r"\((\d{1,2})\)\s*")


class PlanSyntaxError(ValueError):
    """The text is not a work plan this importer can read; names the line."""

    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class RspRef:
    objective: str
    milestones: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"objective": self.objective, "milestones": list(self.milestones)}


@dataclass
class Listing:
    """One activity bullet as written under one action."""

    title: str
    see_also: list[str]  # action codes, pillar number filled in, in written order
    line: int


@dataclass
class ParsedAction:
    pillar: int
    letter: str
    text: str
    rsp_refs: list[RspRef]
    rocb_specific: bool
    upon_request: bool
    kpis: list[str]
    listings: list[Listing]
    line: int
    reference_text: str = ""

    @property
    def code(self) -> str:
        return action_code(self.pillar, self.letter)


@dataclass
class ParsedPillar:
    number: int
    title: str
    line: int
    actions: list[ParsedAction] = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str
    period: str
    pillars: list[ParsedPillar]
    strategic_period: str = ""  # "2024-2026", from the header row's "(Relevance to ... RSP ...)"

    @property
    def actions(self) -> list[ParsedAction]:
        return [a for p in self.pillars for a in p.actions]


def action_code(pillar: int, letter: str) -> str:
    return f"{pillar}-({letter})"


def clean(fragment: str) -> str:
    """Strip HTML fragments and entities, collapse white space."""
    text = html.unescape(_TAG.sub(" ", fragment))
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM); refuse binary or undecodable input by line."""
    if not data.strip():
        raise PlanSyntaxError(None, "the file is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PlanSyntaxError(line, "the file is binary, not text (NUL byte)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PlanSyntaxError(
            line, f"byte 0x{data[exc.start]:02x} at column {column} is not valid UTF-8"
        ) from None


def parse_milestones(text: str) -> list[int]:
    """``1 st , 3 rd to 4 th`` -> [1, 3, 4]; ranges use a dash, en dash or ``to``."""
    found = list(_ORDINAL.finditer(text))
    if not found:
        if "milestone" not in text.lower():
            return []
        return sorted({int(n) for n in re.findall(r"\b(\d{1,2})\b", text)})
    numbers: list[int] = []
    for i, match in enumerate(found):
        n = int(match.group(1))
        if i and _RANGE_JOIN.match(text[found[i - 1].end() : match.start()]):
            start = numbers[-1]
            numbers.extend(range(start + 1, n + 1) if n > start else [])
            if n <= start and n not in numbers:
                numbers.append(n)
        elif n not in numbers:
            numbers.append(n)
    return sorted(set(numbers))


def parse_reference(reference: str) -> tuple[list[RspRef], bool]:
    if re.match(r"\s*ROCB\b", reference, re.I):
        return [], True
    refs = [
        RspRef(m.group(1), parse_milestones(m.group(2)))
        for m in _OBJECTIVE.finditer(reference)
    ]
    return refs, False


def split_action(body: str) -> tuple[str, str]:
    """Split the action text from its trailing ``(RSP ...)`` / ``(ROCB ...)`` reference."""
    match = _REFERENCE.search(body)
    if not match:
        return body.strip(), ""
    return body[: match.start()].strip(), match.group(1).strip()


def split_kpis(cell: str) -> list[str]:
    text = clean(cell)
    if not text:
        return []
    if not text.startswith("(1)"):
        return [text]
    parts: list[str] = []
    expected, starts = 1, []
    for match in _KPI_NUMBER.finditer(text):
        if int(match.group(1)) == expected:
            starts.append(match)
            expected += 1
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        part = text[match.end() : end].strip()
        if part:
            parts.append(part)
    return parts


def parse_see_also(text: str, pillar: int) -> list[str]:
    """``1-(b), (c), and (hh)``: a letter with no pillar number inherits the last one given."""
    codes: list[str] = []
    current = pillar
    for match in _SEE_ALSO_REF.finditer(text):
        if match.group(1):
            current = int(match.group(1))
        code = action_code(current, match.group(2).lower())
        if code not in codes:
            codes.append(code)
    return codes


def split_activities(cell: str, pillar: int, line: int) -> list[Listing]:
    text = clean(cell)
    if not text:
        return []
    items = [t.strip() for t in text.split(BULLET)] if BULLET in text else [text]
    listings = []
    for item in items:
        if not item:
            continue
        see_also: list[str] = []
        for match in _SEE_ALSO.finditer(item):
            see_also += [c for c in parse_see_also(match.group(1), pillar) if c not in see_also]
        title = clean(_SEE_ALSO.sub(" ", item))
        if title:
            listings.append(Listing(title, see_also, line))
    return listings


def parse(text: str) -> ParsedPlan:
    """Parse the flattened table. Lines are kept 1-based for every message."""
    lines = text.splitlines()
    title = period = ""
    pillars: list[ParsedPillar] = []
    last: ParsedAction | None = None
    raw_action: dict[int, str] = {}  # id(action) -> raw first cell, for continuations
    raw_kpi: dict[int, str] = {}
    header_seen = False
    strategic = ""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if "\t" not in raw:
            stripped = clean(raw)
            pillar = _PILLAR.match(stripped)
            if pillar:
                n = int(pillar.group(1))
                if any(p.number == n for p in pillars):
                    raise PlanSyntaxError(number, f"pillar {n} appears twice")
                pillars.append(ParsedPillar(n, pillar.group(2), number))
                last = None
                continue
            if _ACTION_LIKE.match(raw):
                raise PlanSyntaxError(
                    number, "this action row has no tab-separated activity and KPI cells "
                    "(the row is cut off)"
                )
            if not title and not pillars:
                title = stripped
                found = _PERIOD.search(stripped)
                period = f"{found.group(1)}-{found.group(2)}" if found else ""
            # Anything else is a running page title between pages: ignored.
            continue
        cells = raw.split("\t")
        if len(cells) != 3:
            raise PlanSyntaxError(
                number, f"expected 3 tab-separated cells (action, activities, KPI), "
                f"found {len(cells)}; the row may be cut off"
            )
        first = clean(cells[0])
        if first.lower().startswith("specific actions"):
            header_seen = True
            found = _STRATEGIC.search(first)
            if found and not strategic:
                strategic = f"{found.group(1)}-{found.group(2)}"
            continue
        if not pillars:
            raise PlanSyntaxError(number, "a table row comes before any pillar heading")
        pillar = pillars[-1]
        match = _ACTION.match(first)
        if match:
            letter = match.group(1).lower()
            if any(a.letter == letter for a in pillar.actions):
                raise PlanSyntaxError(
                    number, f"action {action_code(pillar.number, letter)} appears twice"
                )
            body, reference = split_action(match.group(2))
            refs, rocb = parse_reference(reference)
            action = ParsedAction(
                pillar=pillar.number,
                letter=letter,
                text=body,
                rsp_refs=refs,
                rocb_specific=rocb,
                upon_request=body.lower().startswith("upon request"),
                kpis=split_kpis(cells[2]),
                listings=split_activities(cells[1], pillar.number, number),
                line=number,
                reference_text=reference,
            )
            pillar.actions.append(action)
            raw_action[id(action)] = match.group(2)
            raw_kpi[id(action)] = cells[2]
            last = action
            continue
        # A continuation row after a page break: same action, more activities, maybe the
        # tail of the action text (its reference) or of the KPI cell.
        if last is None:
            raise PlanSyntaxError(
                number, "a continuation row (no action letter) comes before any action"
            )
        last.listings += split_activities(cells[1], pillar.number, number)
        if first:
            raw = raw_action[id(last)] = raw_action[id(last)] + " " + first
            body, reference = split_action(clean(raw))
            last.text = body
            last.reference_text = reference
            last.rsp_refs, last.rocb_specific = parse_reference(reference)
        if clean(cells[2]):
            raw_kpi[id(last)] = raw_kpi[id(last)] + " " + cells[2]
            last.kpis = split_kpis(raw_kpi[id(last)])
    if not pillars:
        raise PlanSyntaxError(
            None, "no pillar heading (\"1. ...\") found: this does not look like a work plan"
        )
    if not header_seen and not any(p.actions for p in pillars):
        raise PlanSyntaxError(None, "no action rows found: this does not look like a work plan")
    for pillar in pillars:
        if not pillar.actions:
            raise PlanSyntaxError(pillar.line, f"pillar {pillar.number} has no actions")
    return ParsedPlan(title=title, period=period, pillars=pillars, strategic_period=strategic)
