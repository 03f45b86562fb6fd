"""Writes of a plan's life cycle: versions, review, adoption, revision, review comments.

    draft --submit--> in review --adopt--> adopted
      ^                  |                   |
      +--return_to_draft-+                   +--open_revision(reason)--> draft (revision n)
                                                      ... in review --adopt--> revised

Every step keeps the plan as it then stood (a ``PlanRevision``, the canonical JSON), so any
two versions can be compared; nothing of a version is ever rewritten.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from workplan.core.access import CHANGE, can, focal_points

from .models import Action, PlanComment, PlanRevision, WorkPlan
from .snapshot import document_from_db

Status = WorkPlan.Status
Event = PlanRevision.Event


class LifecycleError(ValueError):
    """A step that the plan's status does not allow; nothing was written."""


def record_version(work_plan: WorkPlan, event: str, *, user=None, reason: str = "",
                   content: dict | None = None) -> PlanRevision:
    """Keep the plan as it stands now as its next version."""
    if content is None:
        content = document_from_db(work_plan).as_json()
    last = (PlanRevision.objects.filter(work_plan=work_plan)
            .aggregate(n=Max("number"))["n"] or 0)
    return PlanRevision.objects.create(
        work_plan=work_plan, number=last + 1, event=event, status=work_plan.status,
        revision=work_plan.revision, reason=reason, content=content,
        user=user if user is not None and user.pk else None)


def _locked(work_plan: WorkPlan) -> WorkPlan:
    """The plan's row, locked for the step (two people pressing "adopt" at once)."""
    return WorkPlan.objects.select_for_update().get(pk=work_plan.pk)


def _move(work_plan: WorkPlan, allowed: set, to: str, event: str, *, user,
          reason: str = "", **fields) -> PlanRevision:
    with transaction.atomic():
        plan = _locked(work_plan)
        if plan.status not in allowed:
            raise LifecycleError(_("The plan is %(status)s: it cannot be %(step)s.") % {
                "status": plan.get_status_display().lower(),
                "step": Event(event).label.lower()})
        plan.status = to
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save(update_fields=["status", "modified", *fields])
        version = record_version(plan, event, user=user, reason=reason)
    work_plan.refresh_from_db()
    return version


def save_version(work_plan: WorkPlan, *, user, note: str = "") -> PlanRevision:
    """Keep the draft as it stands (a named point to compare against later)."""
    return record_version(work_plan, Event.SAVED, user=user, reason=note.strip())


def submit_for_review(work_plan: WorkPlan, *, user, note: str = "") -> PlanRevision:
    """A draft goes to review: office staff and the region's focal points comment on it."""
    return _move(work_plan, {Status.DRAFT}, Status.IN_REVIEW, Event.SUBMITTED, user=user,
                 reason=note.strip())


def return_to_draft(work_plan: WorkPlan, *, user, note: str = "") -> PlanRevision:
    """The review asks for changes: the plan is a draft again (its comments stay)."""
    return _move(work_plan, {Status.IN_REVIEW}, Status.DRAFT, Event.CHANGES_REQUESTED,
                 user=user, reason=note.strip())


def adopt(work_plan: WorkPlan, *, user, note: str = "") -> PlanRevision:
    """The reviewed plan becomes the plan of its year ("revised" when it is revision n)."""
    to = Status.REVISED if work_plan.revision else Status.ADOPTED
    return _move(work_plan, {Status.IN_REVIEW}, to, Event.ADOPTED, user=user,
                 reason=note.strip())


def open_revision(work_plan: WorkPlan, *, user, reason: str) -> PlanRevision:
    """Revise an adopted plan: revision n+1 opens as a draft, with its reason (required).
    The adopted version stays among the versions, to compare against."""
    reason = reason.strip()
    if not reason:
        raise LifecycleError(_("Say why the plan is revised."))
    return _move(work_plan, {Status.ADOPTED, Status.REVISED}, Status.DRAFT,
                 Event.REVISION_OPENED, user=user, reason=reason,
                 revision=work_plan.revision + 1, revision_reason=reason)


def may_comment(user, work_plan: WorkPlan) -> bool:
    """Office staff and admins, and focal points of the office (its region's members), while
    the plan is in review."""
    if work_plan.status != Status.IN_REVIEW:
        return False
    if can(user, CHANGE, work_plan.office_id):
        return True
    return any(office == work_plan.office_id for office, _member in focal_points(user))


def add_comment(work_plan: WorkPlan, *, user, text: str,
                action: Action | None = None) -> PlanComment:
    """A review comment on the plan or one of its current actions."""
    text = text.strip()
    if not may_comment(user, work_plan):
        raise LifecycleError(_("Comments are taken while the plan is in review, from office "
                               "staff and the region's focal points."))
    if not text:
        raise LifecycleError(_("Write the comment."))
    if action is not None and (action.work_plan_id != work_plan.pk or action.archived):
        raise LifecycleError(_("That action is not in this plan."))
    return PlanComment.objects.create(
        work_plan=work_plan, action=action, action_code=action.code if action else "",
        author=user, text=text, revision=work_plan.revision)
