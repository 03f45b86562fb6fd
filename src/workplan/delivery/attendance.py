"""Attendance sheets (XLSX or CSV) that forgive: column mapping, a report per row, fixes.

``read_sheet`` opens the file with its real reader and finds the header row wherever it is
(or takes the one staff chose); ``guess_mapping`` proposes which column is which (the office's
remembered headings first); ``check_sheet`` validates every row against the directory (member
names through aliases, ISO 3166 official and common names, and a close match offered for
confirmation), applies the fixes staff typed on the check page, and finds duplicates (within the
sheet, and people already known by e-mail or by name and member) without writing;
``import_sheet`` writes the whole sheet in one transaction, or only its good rows
(``partial``) when staff choose to keep the rest for later.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.core.xlsx import WorkbookError, XlsxLimits, read_workbook
from workplan.directory.models import Partner, Person

from .models import Participation

FIELDS = {
    # field: (required, header synonyms)
    "name": (True, ["name", "full name", "participant", "participant name", "names"]),
    "gender": (False, ["gender", "sex", "m/f"]),
    "member": (False, ["member", "country", "administration", "member administration",
                       "economy", "customs administration"]),
    "organisation": (False, ["organisation", "organization", "partner", "agency"]),
    "position": (False, ["position", "title", "designation", "job title", "rank"]),
    "email": (False, ["email", "e-mail", "email address", "e-mail address", "mail"]),
    "role": (False, ["role", "participation", "type"]),
    "attended": (False, ["attended", "present", "attendance"]),
}

GENDERS = {"f": "female", "female": "female", "w": "female", "woman": "female",
           "m": "male", "male": "male", "man": "male", "other": "other", "x": "other",
           "": "undisclosed", "-": "undisclosed", "n/a": "undisclosed",
           "prefer not to say": "undisclosed", "undisclosed": "undisclosed"}
ROLES = {"": "participant", "participant": "participant", "delegate": "participant",
         "expert": "expert", "resource person": "expert", "speaker": "expert",
         "expert / resource person": "expert",
         "trainer": "expert", "facilitator": "expert", "observer": "observer",
         "organiser": "organiser", "organizer": "organiser"}
YES_NO = {"": True, "yes": True, "y": True, "1": True, "true": True, "x": True,
          "no": False, "n": False, "0": False, "false": False}


class SheetError(ValueError):
    """The sheet as a whole cannot be read (not a sheet, no header, missing column)."""


# An attendance sheet lists the people of one event: these bounds are far above any event's,
# and keep a crafted file (a workbook that declares the whole grid, or unpacks to gigabytes,
# a CSV of millions of empty lines) from taking the server's memory and time.
MAX_SHEET_ROWS = 5000  # people, below the header row
MAX_SHEET_COLUMNS = 100
# What the workbook may unpack to (core/xlsx.py): the shared strings of 5,000 people take under
# 2 MB; the bomb that prompted the limits unpacked 95 MB of them from a 232 KB file.
WORKBOOK_LIMITS = XlsxLimits()


def _bounded_rows(rows) -> list[list[str]]:
    """The rows as text, refusing a sheet with data beyond ``MAX_SHEET_ROWS`` rows or
    ``MAX_SHEET_COLUMNS`` columns (empty rows and cells beyond them are ignored)."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_SHEET_COLUMNS and any(value not in (None, "")
                                                for value in row[MAX_SHEET_COLUMNS:]):
            raise SheetError(_("Row %(row)d has data beyond column %(limit)d: attendance "
                               "sheets are read up to %(limit)d columns.")
                             % {"row": number, "limit": MAX_SHEET_COLUMNS})
        if number > MAX_SHEET_ROWS + 1:
            if row and any(value not in (None, "") for value in row):
                raise SheetError(_("Row %(row)d has data: attendance sheets are read up to "
                                   "%(limit)d people (row %(last)d); split the sheet.")
                                 % {"row": number, "limit": MAX_SHEET_ROWS,
                                    "last": MAX_SHEET_ROWS + 1})
            continue
        kept.append([_norm(c) for c in row[:MAX_SHEET_COLUMNS]])
    return kept


def _open_workbook(name: str, data: bytes) -> list[list[str]]:
    """The first sheet's rows, through the one reader of uploaded workbooks (which refuses a
    workbook that would unpack beyond ``WORKBOOK_LIMITS`` before openpyxl loads anything)."""
    try:
        book = read_workbook(data, name=name, limits=WORKBOOK_LIMITS)
    except WorkbookError as error:
        raise SheetError(str(error)) from None
    try:
        sheet = book.worksheets[0]
        # The rows as written, not padded to the size the file declares (which may be the
        # whole grid: 1,048,576 rows of 16,384 cells).
        sheet.reset_dimensions()
        return _bounded_rows(sheet.iter_rows(values_only=True))
    except SheetError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SheetError(_("“%(file)s” is not a readable Excel workbook (%(error)s).")
                         % {"file": name, "error": type(error).__name__}) from None
    finally:
        book.close()


def _norm(text) -> str:
    text = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    return re.sub(r"\s+", " ", text)


# The header row is looked for among the first rows (a title, a date, a logo's caption may
# come before it).
HEADER_SCAN = 20


@dataclass
class Grid:
    """A sheet as read: its header row (``header_row``, numbered as in the sheet) and the
    rows below it. Unpacks as ``headers, rows``."""

    headers: list[str]
    rows: list[list[str]]
    header_row: int = 1

    def __iter__(self):
        yield self.headers
        yield self.rows

    @property
    def first_row(self) -> int:
        return self.header_row + 1


def _heading(text: str) -> str:
    return _norm(text).lower().rstrip(":*").strip()


def header_score(row: list[str]) -> int:
    """How many fields a row would name if it were the header (0: it is not one)."""
    headings = {_heading(cell) for cell in row if cell}
    return sum(1 for _required, synonyms in FIELDS.values() if headings & set(synonyms))


def find_header(rows: list[list[str]]) -> int:
    """The index of the header row: the first of the first rows that names most fields (the
    name column counts like any other), else the first row that is not empty."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SCAN]):
        score = header_score(row)
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    return next((i for i, row in enumerate(rows) if any(row)), 0)


def read_sheet(name: str, data: bytes, header_row: int | None = None) -> Grid:
    """The first sheet as text, its header row found (or the 1-based ``header_row`` staff
    chose); rows keep their sheet numbering through ``Grid.first_row``."""
    lower = name.lower()
    if not data:
        raise SheetError(_("The file is empty."))
    if lower.endswith(".xlsx"):
        rows = _open_workbook(name, data)
    elif lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise SheetError(_("Row %(line)d is not valid UTF-8; save the sheet as "
                               "\"CSV UTF-8\".") % {"line": line}) from None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = _bounded_rows(csv.reader(io.StringIO(text), dialect))
    else:
        raise SheetError(_("Attendance sheets are .xlsx or .csv files."))
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise SheetError(_("The sheet has no rows: it needs at least a row of column names."))
    if header_row is None:
        index = find_header(rows)
    else:
        index = header_row - 1
        if not 0 <= index < len(rows):
            raise SheetError(_("Row %(row)d is not in the sheet (it has %(count)d rows).")
                             % {"row": header_row, "count": len(rows)})
    if not any(rows[index]):
        raise SheetError(_("Row %(row)d is empty: it cannot hold the column names.")
                         % {"row": index + 1})
    return Grid(rows[index], rows[index + 1:], index + 1)


def guess_mapping(headers: list[str], remembered: dict[str, str] | None = None
                  ) -> dict[str, int]:
    """Field -> column index, from the headings: first those the office's earlier sheets
    were read with (``remembered``: heading -> field), then the usual names."""
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for index, header in enumerate(headers):
        field_name = (remembered or {}).get(_heading(header))
        if field_name in FIELDS and field_name not in mapping:
            mapping[field_name] = index
            taken.add(index)
    for index, header in enumerate(headers):
        if index in taken:
            continue
        key = _heading(header)
        for field_name, (_required, synonyms) in FIELDS.items():
            if key in synonyms and field_name not in mapping:
                mapping[field_name] = index
                break
    return mapping


class MemberNames:
    """Every name a sheet may give a member of the region: the WCO name, the aliases, the ISO
    code, and the ISO 3166 name, official name and common name ("Kingdom of Tonga"). A name
    that is none of them but close to one is offered as a suggestion, never taken silently."""

    CUTOFF = 0.8

    def __init__(self, region):
        from workplan.directory.models import Member
        from workplan.directory.querysets import member_index
        from workplan.plans.textplan.members import fold

        self.fold = fold
        self.index = member_index(region)
        self.members = {m.iso3: m for m in Member.objects.filter(region=region)}
        self.exact: dict[str, str] = {}
        for key, codes in self.index.names.items():
            if len(codes) == 1:
                self.exact[key] = codes[0]
        for iso3 in self.members:
            country = pycountry.countries.get(alpha_3=iso3)
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(country, attribute, None) if country else None
                if value:
                    self.exact.setdefault(fold(value), iso3)

    @cached_property
    def _keys(self) -> list[str]:
        return list(self.exact)

    def resolve(self, text: str):
        """(member, suggestion): the member ``text`` names, or None and the name of the
        member it is probably (or None)."""
        key = self.fold(text)
        if key in self.exact:
            return self.members[self.exact[key]], None
        codes, unknown = self.index.resolve_list(text)
        if len(codes) == 1 and not unknown:
            return self.members[codes[0]], None
        close = difflib.get_close_matches(key, self._keys, n=1, cutoff=self.CUTOFF)
        if close:
            return None, self.members[self.exact[close[0]]].name
        return None, None


@dataclass
class RowResult:
    row: int  # number in the sheet (header is row 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    person: Person | None = None  # an existing person this row is
    note: str = ""
    raw: list[str] = field(default_factory=list)  # the row as read, with the fixes applied
    suggestions: dict[str, str] = field(default_factory=dict)  # field -> a likely value
    fixed: dict[str, str] = field(default_factory=dict)  # field -> the value staff typed

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class SheetReport:
    rows: list[RowResult]
    mapping: dict[str, int]
    headers: list[str]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows) and bool(self.rows)

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def errors(self) -> list[str]:
        return [_("Row %(row)d: %(error)s") % {"row": r.row, "error": e}
                for r in self.rows for e in r.errors]


def check_sheet(event, headers, rows, mapping: dict[str, int] | None = None, *,
                first_row: int = 2, fixes: dict[int, dict[str, str]] | None = None
                ) -> SheetReport:
    """Validate every row; nothing is written. ``first_row`` is the sheet's number of the
    first row below the header; ``fixes`` ({row number: {field: value}}) are what staff
    typed on the check page in place of the sheet's cells (for mapped fields)."""
    mapping = guess_mapping(headers) if mapping is None else mapping
    fixes = fixes or {}
    missing = [f for f, (required, _s) in FIELDS.items() if required and f not in mapping]
    if missing:
        raise SheetError(_("The sheet has no column for: %(fields)s (columns found: "
                           "%(headers)s).") % {"fields": ", ".join(missing),
                                               "headers": ", ".join(h for h in headers if h)})
    for field_name, index in mapping.items():
        if field_name not in FIELDS or not 0 <= index < len(headers):
            raise SheetError(_("Column mapping for “%(field)s” points to no column.")
                             % {"field": field_name})
    office = event.office
    names = MemberNames(office.region)
    partners = {p.name.lower(): p for p in Partner.objects.all()}
    partners.update({p.acronym.lower(): p for p in partners.values() if p.acronym})
    people = list(Person.objects.filter(office=office).select_related("member"))
    by_email = {p.email.lower(): p for p in people if p.email}
    by_name = {(_norm(p.full_name).lower(), p.member_id): p for p in people}
    already = set(Participation.objects.filter(event=event).values_list("person_id", flat=True))
    seen_email: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    results = []
    width = len(headers)
    for offset, raw in enumerate(rows, start=first_row):
        fixed = fixes.get(offset)
        if fixed:
            raw = list(raw) + [""] * max(0, width - len(raw))
            for field_name, value in fixed.items():
                if field_name in mapping:
                    raw[mapping[field_name]] = _norm(value)[:500]
        cell = {f: (raw[i] if i < len(raw) else "") for f, i in mapping.items()}
        if not any(cell.values()):
            continue  # blank line in the sheet
        result = RowResult(offset, cell, raw=list(raw),
                           fixed={f: v for f, v in (fixed or {}).items() if f in mapping})
        name = cell.get("name", "")
        if not name:
            result.errors.append(_("the name is empty"))
        gender = GENDERS.get(cell.get("gender", "").lower())
        if gender is None:
            result.errors.append(_("gender “%(value)s” is not one of F, M, other, or blank")
                                 % {"value": cell["gender"]})
        role = ROLES.get(cell.get("role", "").lower())
        if role is None:
            result.errors.append(_("role “%(value)s” is not participant, expert, observer or "
                                   "organiser") % {"value": cell["role"]})
        attended = YES_NO.get(cell.get("attended", "").lower())
        if attended is None:
            result.errors.append(_("attended “%(value)s” is not yes or no")
                                 % {"value": cell["attended"]})
        member = partner = None
        if cell.get("member"):
            member, suggestion = names.resolve(cell["member"])
            if member is None and suggestion:
                result.errors.append(_("“%(value)s” is not a member of the %(region)s region "
                                       "as written: is it %(suggestion)s?")
                                     % {"value": cell["member"], "region": office.region,
                                        "suggestion": suggestion})
                result.suggestions["member"] = suggestion
            elif member is None:
                result.errors.append(_("“%(value)s” is not a member of the %(region)s region")
                                     % {"value": cell["member"], "region": office.region})
        if cell.get("organisation"):
            partner = partners.get(cell["organisation"].lower())
            if partner is None:
                result.errors.append(_("organisation “%(value)s” is not a known partner")
                                     % {"value": cell["organisation"]})
        email = cell.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.errors.append(_("“%(value)s” is not an e-mail address")
                                     % {"value": cell["email"]})
        key = (name.lower(), member.pk if member else None)
        if email and email in seen_email:
            result.errors.append(_("same e-mail as row %(row)d") % {"row": seen_email[email]})
        elif name and key in seen_name:
            result.errors.append(_("same name and member as row %(row)d")
                                 % {"row": seen_name[key]})
        if email:
            seen_email.setdefault(email, offset)
        seen_name.setdefault(key, offset)
        person = by_email.get(email) if email else None
        person = person or by_name.get(key)
        if person is not None:
            result.person = person
            result.note = (_("already registered for this event") if person.pk in already
                           else _("known person"))
        result.values = {"name": name, "gender": gender, "role": role, "attended": attended,
                         "member": member, "partner": partner, "email": email,
                         "position": cell.get("position", "")}
        results.append(result)
    return SheetReport(results, mapping, headers)


@transaction.atomic
def import_sheet(event, report: SheetReport, *, partial: bool = False) -> dict:
    """Write a checked sheet: new people, participations. The whole sheet, refused if any row
    has an error; or, ``partial``, its good rows only (the caller keeps the others)."""
    if not report.ok and not (partial and report.good):
        raise SheetError(_("The sheet has errors; nothing was imported.")
                         if not partial else _("No row of the sheet is valid; nothing was "
                                               "imported."))
    created_people = created = updated = 0
    for row in report.good:
        values = row.values
        person = row.person
        if person is None:
            person = Person.objects.create(
                office=event.office, full_name=values["name"], gender=values["gender"],
                member=values["member"], partner=values["partner"],
                position=values["position"], email=values["email"])
            created_people += 1
        participation, was_created = Participation.objects.update_or_create(
            event=event, person=person,
            defaults={"role": values["role"], "attended": values["attended"],
                      "member": values["member"] or person.member})
        if was_created and participation.role == Participation.Role.EXPERT:
            from workplan.notifications import tell

            tell.expert_deployed(participation)
        created += was_created
        updated += not was_created
    return {"people": created_people, "participations": created, "updated": updated,
            "left": len(report.bad)}


def rows_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    """A small CSV sheet (UTF-8 with BOM, as Excel saves "CSV UTF-8") of ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
