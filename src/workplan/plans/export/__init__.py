"""Exports of one work plan, by format: ``export_plan(plan, fmt) -> (filename, type, bytes)``."""

from __future__ import annotations

import json

from ..snapshot import document_from_db
from ..textplan.render import render_text


def _json(plan, document):
    return json.dumps(document.as_json(), ensure_ascii=False, indent=2).encode() + b"\n"


def _txt(plan, document):
    return render_text(document, plan.office.short_name, _region_short(plan)).encode()


def _docx(plan, document):
    from .word import render_docx

    return render_docx(plan, document)


def _xlsx(plan, document):
    from .excel import render_xlsx

    return render_xlsx(plan, document)


def _region_short(plan) -> str:
    name = plan.office.region.name
    return "A/P" if name == "Asia/Pacific" else name


FORMATS = {
    "json": ("json", "application/json", _json),
    "txt": ("txt", "text/plain; charset=utf-8", _txt),
    "docx": ("docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
}


def export_plan(plan, fmt: str) -> tuple[str, str, bytes]:
    extension, content_type, render = FORMATS[fmt]
    document = document_from_db(plan)
    filename = f"{plan.office.code.lower()}-awp-{plan.period}.{extension}"
    return filename, content_type, render(plan, document)
