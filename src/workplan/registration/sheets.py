"""The attendance sheet of one event (XLSX): the template staff fill in, and the export of its
participants, in the same columns, so that an export can be corrected and imported again.

The columns carry the headings ``delivery.attendance`` reads; member, gender, role and
attended are dropdowns (lists on a hidden sheet); the people recorded (registered, confirmed,
walked in) are filled in, one row each.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from workplan.core.xlsx import safe_cell, workbook_bytes, write_sheet
from workplan.delivery.models import Participation
from workplan.directory.models import Member, Person

# (field read by delivery.attendance, heading); headings are among attendance.FIELDS' names.
COLUMNS = [("name", "Name"), ("gender", "Gender"), ("member", "Member"),
           ("organisation", "Organisation"), ("position", "Position"), ("email", "E-mail"),
           ("role", "Role"), ("attended", "Attended")]
ROWS_WITH_LISTS = 2000  # rows below the header that get the dropdowns


def participant_rows(event) -> list[list]:
    """One row per person recorded at ``event`` (all roles, attended or not), by name."""
    genders = dict(Person.Gender.choices)
    roles = dict(Participation.Role.choices)
    rows = []
    for p in (Participation.objects.filter(event=event)
              .select_related("person__partner", "member").order_by("person__full_name", "pk")):
        person = p.person
        rows.append([person.full_name, str(genders.get(person.gender, "")),
                     p.member.name if p.member else "",
                     person.partner.name if person.partner else "", person.position,
                     person.email, str(roles.get(p.role, p.role)),
                     "yes" if p.attended else "no"])
    return rows


def event_sheet(event) -> bytes:
    """The event's attendance sheet: its participants filled in, dropdowns on the columns with
    fixed values, a second sheet saying how to fill it in."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Attendance")[:31]
    with translation.override("en"):  # the values the sheet reader knows, in any language
        rows = participant_rows(event)
    write_sheet(sheet, [heading for _field, heading in COLUMNS], rows,
                widths=[30, 18, 28, 28, 28, 30, 24, 10])
    sheet.auto_filter.ref = None  # a filter would hide rows being typed in
    lists = book.create_sheet("Lists")
    members = list(Member.objects.filter(region=event.office.region).order_by("name")
                   .values_list("name", flat=True))
    with translation.override("en"):
        values = {
            "gender": [str(label) for _value, label in Person.Gender.choices],
            "member": members,
            "role": [str(label) for _value, label in Participation.Role.choices],
            "attended": ["yes", "no"],
        }
    for list_index, field_name in enumerate(values):
        letter = chr(ord("A") + list_index)  # the list's column on "Lists"
        target = chr(ord("A") + [f for f, _h in COLUMNS].index(field_name))
        safe_cell(lists[f"{letter}1"], dict(COLUMNS)[field_name])
        for row, value in enumerate(values[field_name], start=2):
            safe_cell(lists[f"{letter}{row}"], value)
        last = len(values[field_name]) + 1
        # The member list warns only: a partner's person leaves it empty, and a name the
        # list lacks is checked (and matched) on import.
        check = DataValidation(type="list", formula1=f"=Lists!${letter}$2:${letter}${last}",
                               allow_blank=True, showErrorMessage=field_name != "member")
        check.error = _("Choose a value from the list.")
        sheet.add_data_validation(check)
        check.add(f"{target}2:{target}{ROWS_WITH_LISTS + 1}")
    lists.sheet_state = "hidden"
    notes = book.create_sheet(_("How to fill in")[:31])
    notes["A1"].font = Font(bold=True)
    for row, line in enumerate([
        _("Attendance sheet of “%(title)s” (%(start)s – %(end)s)") % {
            "title": event.title, "start": event.start_date.isoformat(),
            "end": event.end_date.isoformat()},
        _("One person per row. The name is required; choose gender, member, role and "
          "attended from the lists."),
        _("People already recorded are filled in: correct them here, add the others below, "
          "and import the sheet on the event's participants page."),
        _("Someone of a partner organisation: leave the member empty and write the "
          "organisation."),
    ], start=1):
        safe_cell(notes.cell(row=row, column=1), line)
    notes.column_dimensions["A"].width = 100
    return workbook_bytes(book)
