"""Writes of the reports app: recording and editing publications (the record, its actions and
its file in one transaction)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.core.concurrency import claim_version
from workplan.delivery.services import AttachmentError, check_attachment

from .models import Publication

FIELDS = ("kind", "title", "date", "member", "url", "summary")


class PublicationError(ValueError):
    """A publication that cannot be saved as given; the message names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _check(publication: Publication, actions) -> None:
    office = publication.office
    if publication.member is not None and publication.member.region_id != office.region_id:
        raise PublicationError(_("member: %(member)s is not a member of %(office)s's region")
                               % {"member": publication.member, "office": office.short_name},
                               "member")
    for action in actions:
        if action.work_plan.office_id != office.pk:
            raise PublicationError(_("actions: %(code)s is not an action of %(office)s's plans")
                                   % {"code": action.code, "office": office.short_name},
                                   "actions")
    try:
        publication.full_clean(exclude=["file"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise PublicationError(f"{field}: {' '.join(messages)}", field) from None


def _attach(publication: Publication, file: tuple[str, bytes] | None) -> None:
    if file is None:
        return
    name, data = file
    try:
        safe_name, content_type = check_attachment(name, data)
    except AttachmentError as error:
        raise PublicationError(f"file: {error}", "file") from None
    if publication.file:
        publication.file.delete(save=False)
    publication.file.save(safe_name, ContentFile(data), save=False)
    publication.file_name, publication.content_type = safe_name, content_type


@transaction.atomic
def record_publication(*, office, kind: str, title: str, date, member=None, actions=(),
                       url: str = "", summary: str = "", file: tuple[str, bytes] | None = None,
                       user=None) -> Publication:
    """Add a publication of ``office`` with the actions it serves and, optionally, its file
    (``(name, bytes)``, the types event attachments accept). ``PublicationError`` names the
    field at fault; nothing is written then."""
    publication = Publication(office=office, kind=kind, title=title, date=date, member=member,
                              url=url, summary=summary,
                              created_by=user if user is not None and user.pk else None)
    actions = list(actions)
    _check(publication, actions)
    _attach(publication, file)
    publication.save()
    publication.actions.set(actions)
    return publication


@transaction.atomic
def update_publication(publication: Publication, *, actions=None,
                       file: tuple[str, bytes] | None = None, remove_file: bool = False,
                       expected_version: int | None = None, **changes) -> Publication:
    """Save the ``changes`` (field: value, of ``FIELDS``) of a publication, its actions (when
    given) and a new file (or none, ``remove_file``), if nobody saved it since
    ``expected_version`` (the version its form was opened with). ``EditConflict``
    otherwise: nothing is written, and the stored file is neither replaced nor removed."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise PublicationError(f"{sorted(unknown)[0]}: not a field of a publication")
    for name, value in changes.items():
        setattr(publication, name, value)
    chosen = list(actions) if actions is not None else list(
        publication.actions.select_related("work_plan"))
    _check(publication, chosen)
    # The version first: a refused save must not touch the stored file.
    claim_version(publication,
                  publication.version if expected_version is None else expected_version)
    if remove_file and publication.file and file is None:
        publication.file.delete(save=False)
        publication.file_name = publication.content_type = ""
    _attach(publication, file)
    publication.save()
    if actions is not None:
        publication.actions.set(chosen)
    return publication


# --- the office's words in its annual report ----------------------------------------------------

WORD_FIELDS = ("head_name", "head_title", "foreword", "pillar_intros", "challenges",
               "way_forward", "kpi_notes")
SIGNATURE_LIMIT = 2 * 1024 * 1024


class WordsError(ValueError):
    """Words that cannot be saved, or a report that cannot be made final; names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def image_info(data: bytes) -> tuple[str, int, int]:
    """(content type, width, height) of a PNG or JPEG, read from its header; ``ValueError``
    for anything else (no image library needed: both formats state their size up front)."""
    import struct

    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) > 24:
        width, height = struct.unpack(">II", data[16:24])
        if width and height:
            return "image/png", width, height
    elif data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                break
            marker = data[at + 1]
            (length,) = struct.unpack(">H", data[at + 2:at + 4])
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                          0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[at + 5:at + 9])
                if width and height:
                    return "image/jpeg", width, height
                break
            at += 2 + length
    raise ValueError(_("it is not a PNG or JPEG image"))


def _check_signature(name: str, data: bytes) -> tuple[str, str]:
    import os
    import re

    base = os.path.basename(name.replace("\\", "/")).strip() or "signature"
    if len(data) > SIGNATURE_LIMIT:
        raise WordsError(_("signature: “%(name)s” is larger than 2 MB.") % {"name": base},
                         "signature")
    try:
        content_type, _w, _h = image_info(data)
    except ValueError as error:
        raise WordsError(_("signature: “%(name)s” cannot be used: %(why)s.") % {
            "name": base, "why": error}, "signature") from None
    stem = re.sub(r"[^\w.-]+", "-", base.rsplit(".", 1)[0]).strip(".-")[:60] or "signature"
    return f"{stem}.{'png' if content_type == 'image/png' else 'jpg'}", content_type


def _clean_texts(changes: dict, known_pillars, known_kpis) -> dict:
    for name in ("pillar_intros", "kpi_notes"):
        if name in changes:
            allowed = {str(k) for k in (known_pillars if name == "pillar_intros" else
                                        known_kpis)}
            values = changes[name] or {}
            if not isinstance(values, dict):
                raise WordsError(f"{name}: expected a mapping", name)
            stray = sorted(str(k) for k in values if str(k) not in allowed)
            if stray:
                raise WordsError(_("%(field)s: %(key)s is not part of this year's report") % {
                    "field": name, "key": stray[0]}, name)
            changes[name] = {str(k): str(v).strip() for k, v in values.items()
                             if str(v).strip()}
    for name in ("head_name", "head_title", "foreword", "challenges", "way_forward"):
        if name in changes:
            changes[name] = str(changes[name] or "").strip()
    return changes


@transaction.atomic
def save_words(words, *, expected_version: int | None = None, signature=None,
               remove_signature: bool = False, known_pillars=(), known_kpis=(),
               **changes):
    """Save the office's words of a year's report (a ``ReportWords``, new or stored) if nobody
    saved them since ``expected_version``; ``signature``: ``(name, bytes)`` of a PNG or JPEG.
    A final report's words are not changed (``WordsError``); nothing is written on a
    refusal."""
    unknown = set(changes) - set(WORD_FIELDS)
    if unknown:
        raise WordsError(f"{sorted(unknown)[0]}: not a part of the report's words")
    if words.pk and words.is_final:
        raise WordsError(_("The report of %(period)s is final: its words are kept as they "
                           "were made final.") % {"period": words.period})
    changes = _clean_texts(dict(changes), known_pillars, known_kpis)
    checked = _check_signature(*signature) if signature is not None else None
    for name, value in changes.items():
        setattr(words, name, value)
    if words.pk:
        claim_version(words, words.version if expected_version is None else expected_version)
    if remove_signature and words.signature and checked is None:
        words.signature.delete(save=False)
    if checked is not None:
        if words.signature:
            words.signature.delete(save=False)
        words.signature.save(checked[0], ContentFile(signature[1]), save=False)
    words.save()
    return words


def behind_without_comment(report) -> list[str]:
    """Codes of the KPIs behind target that have no comment yet ("1-(a) Number of ...")."""
    from workplan.indicators.iptt import BEHIND

    return [f"{row.code} {row.kpi}" for row in report.kpis
            if row.state == BEHIND and not row.note]


@transaction.atomic
def make_final(words, plan, *, user=None, expected_version: int | None = None, today=None):
    """Make the year's report final: every KPI behind target must carry a comment; the
    report's data is computed once more, with the words, and frozen (``frozen``) so that the
    final report renders the same, byte for byte, from then on."""
    from django.utils import timezone

    from .data.annual import annual_report
    from .data.frozen import freeze

    if words.is_final:
        raise WordsError(_("The report of %(period)s is already final.") % {
            "period": words.period})
    claim_version(words, words.version if expected_version is None else expected_version)
    words.status = words.Status.FINAL
    words.finalised_at = timezone.now()
    words.finalised_by = user if user is not None and user.pk else None
    report = annual_report(plan, today=today or timezone.localdate(), words=words)
    missing = behind_without_comment(report)
    if missing:
        raise WordsError(
            _("kpi_notes: %(n)s KPIs behind target have no comment yet (first: %(first)s). "
              "Say why each is behind before the report is made final.") % {
                "n": len(missing), "first": missing[0]}, "kpi_notes")
    words.frozen = freeze(report)
    words.save()
    return words


@transaction.atomic
def reopen(words, *, expected_version: int | None = None):
    """Back to draft (an office admin's decision): the frozen figures are dropped, the words
    kept; the history keeps the final version."""
    if not words.is_final:
        raise WordsError(_("The report of %(period)s is not final.") % {"period": words.period})
    claim_version(words, words.version if expected_version is None else expected_version)
    words.status = words.Status.DRAFT
    words.frozen = None
    words.finalised_at = None
    words.finalised_by = None
    words.save()
    return words
