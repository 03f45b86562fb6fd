"""What the views of surveys share: who manages surveys, and the surveys they may see.

Survey pages for staff (a survey, its results, export, non-respondents, the overviews) are for
the office-wide roles (admin, staff, viewer): focal points see only the needs assessments they
answer, experts nothing. Out of scope is a 404, as everywhere.
"""

from __future__ import annotations

from django.http import Http404

from workplan.core.access import CHANGE, VIEW, WIDE_ROLES, office_ids

from ..models import Survey


def wide_offices(user, action: str = VIEW) -> list[int] | None:
    """Offices where the user holds an office-wide role allowing ``action`` (None: all)."""
    return office_ids(user, action, roles=WIDE_ROLES)


def office_surveys(user, action: str = VIEW):
    """Surveys of the offices where the user holds an office-wide role."""
    surveys = Survey.objects.restrict(user, action)
    ids = wide_offices(user, action)
    return surveys if ids is None else surveys.filter(office_id__in=ids)


def may_manage(user) -> bool:
    """Staff and admins of at least one office (and superusers) create and run surveys."""
    ids = office_ids(user, CHANGE)
    return ids is None or bool(ids)


def require_wide(user) -> None:
    ids = wide_offices(user)
    if ids is not None and not ids:
        raise Http404


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
