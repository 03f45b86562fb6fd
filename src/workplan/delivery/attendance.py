"""Attendance sheets (XLSX or CSV): column mapping, a report per row, the whole sheet or nothing.

``read_sheet`` opens the file with its real reader; ``guess_mapping`` proposes which column is
which; ``check_sheet`` validates every row against the directory and finds duplicates (within
the sheet, and people already known by e-mail or by name and member) without writing;
``import_sheet`` writes it all in one transaction, or refuses it all.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.core.xlsx import WorkbookError, XlsxLimits, read_workbook
from workplan.directory.models import Partner, Person
from workplan.directory.querysets import member_index

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


def read_sheet(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the first sheet, as text. Rows keep their sheet numbering."""
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
    if not rows or not any(rows[0]):
        raise SheetError(_("The first row must hold the column names."))
    return rows[0], rows[1:]


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Field -> column index, from the header names."""
    mapping = {}
    for index, header in enumerate(headers):
        key = _norm(header).lower().rstrip(":*")
        for field_name, (_required, synonyms) in FIELDS.items():
            if key in synonyms and field_name not in mapping:
                mapping[field_name] = index
    return mapping


@dataclass
class RowResult:
    row: int  # number in the sheet (header is row 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    person: Person | None = None  # an existing person this row is
    note: str = ""

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
    def errors(self) -> list[str]:
        return [_("Row %(row)d: %(error)s") % {"row": r.row, "error": e}
                for r in self.rows for e in r.errors]


def check_sheet(event, headers, rows, mapping: dict[str, int] | None = None) -> SheetReport:
    """Validate every row; nothing is written."""
    mapping = guess_mapping(headers) if mapping is None else mapping
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
    index = member_index(office.region)
    partners = {p.name.lower(): p for p in Partner.objects.all()}
    partners.update({p.acronym.lower(): p for p in partners.values() if p.acronym})
    people = list(Person.objects.filter(office=office).select_related("member"))
    by_email = {p.email.lower(): p for p in people if p.email}
    by_name = {(_norm(p.full_name).lower(), p.member_id): p for p in people}
    already = set(Participation.objects.filter(event=event).values_list("person_id", flat=True))
    from workplan.directory.models import Member

    members = {m.iso3: m for m in Member.objects.filter(region=office.region)}
    seen_email: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    results = []
    for offset, raw in enumerate(rows, start=2):
        cell = {f: (raw[i] if i < len(raw) else "") for f, i in mapping.items()}
        if not any(cell.values()):
            continue  # blank line in the sheet
        result = RowResult(offset, cell)
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
            codes, _unknown = index.resolve_list(cell["member"])
            if len(codes) != 1 or _unknown:
                result.errors.append(_("“%(value)s” is not a member of the %(region)s region")
                                     % {"value": cell["member"], "region": office.region})
            else:
                member = members[codes[0]]
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
def import_sheet(event, report: SheetReport) -> dict:
    """Write a checked sheet: new people, participations; refuses a sheet with any error."""
    if not report.ok:
        raise SheetError(_("The sheet has errors; nothing was imported."))
    created_people = created = updated = 0
    for row in report.rows:
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
    return {"people": created_people, "participations": created, "updated": updated}
