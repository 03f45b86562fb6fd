"""The XLSX export of a survey: its questions with their results, every response (one row,
one column per question) and the response rate by member.

Every cell goes through ``workplan.core.xlsx.safe_cell`` (answers starting with = + - @ stay
text). The rows are read in a fixed number of queries and streamed, in chunks, into a
write-only workbook, whatever the number of responses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workplan.core.xlsx import safe_cell, workbook_bytes

from .models import Answer, AnswerChoice, Question, Response
from .results import SurveyResults

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def filename(survey) -> str:
    return f"survey-{survey.pk}-{slugify(survey.title)[:60] or 'results'}.xlsx"


def _summary_rows(results: SurveyResults):
    for item in results.questions:
        question = item.question
        if question.kind in Question.CHOICE_KINDS or question.kind == Question.Kind.RATING:
            spread = "; ".join(f"{row.label}: {row.count}" for row in item.rows)
        else:
            spread = ""
        yield [item.number, question.code, question.text, question.get_kind_display(), item.n,
               round(item.mean, 2) if item.mean is not None else None,
               item.low, item.high,
               item.total if question.kind == Question.Kind.NUMBER else None, spread]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _response_rows(survey, questions):
    """One row per response, streamed: responses, answers and picks are read in order of
    response, in chunks, and joined here."""
    index = {q.pk: i for i, q in enumerate(questions)}
    responses = (Response.objects.filter(survey=survey).order_by("pk")
                 .values_list("pk", "submitted_at", "updated_at", "member__iso3",
                              "member__name", "invitation__name", "invitation__email"))
    answers = (Answer.objects.filter(response__survey=survey).order_by("response_id")
               .values_list("pk", "response_id", "question_id", "number", "text")
               .iterator(chunk_size=CHUNK))
    picks = (AnswerChoice.objects.filter(answer__response__survey=survey)
             .order_by("answer__response_id", "answer_id", "position")
             .values_list("answer__response_id", "answer__question_id", "value")
             .iterator(chunk_size=CHUNK))
    pending_answer = next(answers, None)
    pending_pick = next(picks, None)
    kinds = {q.pk: q.kind for q in questions}
    for pk, submitted, updated, iso3, member_name, name, email in responses.iterator(
            chunk_size=CHUNK):
        cells: list = [None] * len(questions)
        while pending_answer is not None and pending_answer[1] <= pk:
            _pk, response_id, question_id, number, text = pending_answer
            if response_id == pk and question_id in index:
                kind = kinds[question_id]
                if kind in Question.NUMERIC_KINDS:
                    cells[index[question_id]] = (int(number) if number is not None
                                                 and float(number).is_integer() else number)
                elif kind == Question.Kind.TEXT:
                    cells[index[question_id]] = text
            pending_answer = next(answers, None)
        chosen = defaultdict(list)
        while pending_pick is not None and pending_pick[0] <= pk:
            response_id, question_id, value = pending_pick
            if response_id == pk:
                chosen[question_id].append(value)
            pending_pick = next(picks, None)
        for question_id, values in chosen.items():
            if question_id in index:
                separator = " > " if kinds[question_id] == Question.Kind.RANKING else "; "
                cells[index[question_id]] = separator.join(values)
        who = [] if survey.anonymous else [name or "", email or ""]
        yield [pk, _local(submitted), _local(updated), iso3 or "", member_name or "", *who,
               *cells]


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")  # as workplan.core.xlsx.write_sheet
WRAP = Alignment(vertical="top", wrap_text=True)


def _sheet(wb, title: str, headers: list[str], rows, widths: list[int], count: int) -> None:
    """One sheet of a write-only workbook, laid out as ``workplan.core.xlsx.write_sheet`` lays
    out its sheets (bold frozen header, filter, widths) and every cell written through
    ``safe_cell``; rows are streamed, so ten thousand responses take seconds."""
    ws = wb.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(count + 1, 1)}"

    def cell(value, header=False):
        written = WriteOnlyCell(ws)
        safe_cell(written, value)
        if header:
            written.font, written.fill = HEADER_FONT, HEADER_FILL
        elif isinstance(value, dt.datetime):
            written.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, str) and len(value) > 40:
            written.alignment = WRAP
        return written

    ws.append([cell(header, header=True) for header in headers])
    for row in rows:
        ws.append([cell(value) for value in row])


def survey_workbook(survey, results: SurveyResults) -> bytes:
    questions = [item.question for item in results.questions]
    wb = Workbook(write_only=True)
    _sheet(wb, _("Questions"),
           [_("No."), _("Code"), _("Question"), _("Kind"), _("Answers"), _("Mean"),
            _("Lowest"), _("Highest"), _("Total"), _("Distribution")],
           _summary_rows(results), [6, 14, 60, 16, 10, 8, 8, 8, 10, 60], len(questions))
    who = [] if survey.anonymous else [_("Name"), _("E-mail")]
    _sheet(wb, _("Responses"),
           [_("Response"), _("Submitted"), _("Last changed"), _("Member"), _("Member name"),
            *who, *[f"{i}. {q.code or q.text[:40]}" for i, q in enumerate(questions, start=1)]],
           _response_rows(survey, questions),
           [10, 18, 18, 8, 24, *([24, 28] if who else []), *[24 for _q in questions]],
           results.responses)
    _sheet(wb, _("By member"),
           [_("Member"), _("Member name"), _("Invited"), _("Links used"), _("Responses"),
            _("Response rate (%)")],
           ([m.member.iso3 if m.member else "", m.member.name if m.member else _("No member"),
             m.invited, m.responded, m.responses, m.rate] for m in results.members),
           [8, 30, 10, 12, 12, 18], len(results.members))
    return workbook_bytes(wb)
