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
