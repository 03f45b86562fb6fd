"""One place that decides what a user may see or change: ``Model.objects.restrict(user, action)``.

Every model names the path from itself to its office (``office_path``); a user sees the rows
of the offices where they hold a role, and changes them where the role allows. Regional
reference data (members, strategic plans, objectives) names the path to its region instead
(``region_path``): a user sees the rows of the regions their offices belong to. A row outside
a user's scope simply is not in the queryset, so views answer 404, never a revealing 403.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

VIEW, CHANGE, ADMINISTER = "view", "change", "administer"

# Which roles may do what, office-wide. Focal points and experts see published plans;
# their narrower rights on requests and deployments come with those records.
ROLE_ACTIONS = {
    "admin": {VIEW, CHANGE, ADMINISTER},
    "staff": {VIEW, CHANGE},
    "viewer": {VIEW},
    "focal_point": {VIEW},
    "expert": {VIEW},
}


# Roles that see a private record (a request, an event, a person) office-wide. Focal points and
# experts see only their own part of such records: the model's ``narrow_scope`` says which.
WIDE_ROLES = frozenset({"admin", "staff", "viewer"})


def memberships(user) -> list[tuple[int, str, int | None]]:
    """(office id, role, member id) of the user's roles, read once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = user.__dict__.get("_workplan_memberships")
    if cache is None:
        from .models import Membership

        cache = list(Membership.objects.filter(user=user)
                     .values_list("office_id", "role", "member_id"))
        user.__dict__["_workplan_memberships"] = cache
    return cache


def office_ids(user, action: str = VIEW, roles=None) -> list[int] | None:
    """Offices where ``user`` may do ``action``; None means every office (superuser).

    ``roles`` limits the answer to roles of that set (e.g. ``WIDE_ROLES``).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return [office for office, role, _member in memberships(user)
            if action in ROLE_ACTIONS.get(role, ()) and (roles is None or role in roles)]


def role_offices(user) -> list[int]:
    """Offices where ``user`` holds a role, whichever. A person record linked to the user (an
    expert's profile, their deployments) opens only within these: a user whose role in an
    office was revoked sees nothing of it, even what was about them."""
    return [office for office, _role, _member in memberships(user)]


def focal_points(user) -> list[tuple[int, int]]:
    """(office id, member id) for which ``user`` is a member focal point."""
    return [(office, member) for office, role, member in memberships(user)
            if role == "focal_point" and member is not None]


def can(user, action: str, office) -> bool:
    ids = office_ids(user, action)
    return ids is None or getattr(office, "pk", office) in ids


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        path = getattr(self.model, "office_path", None)
        ids = office_ids(user, action)
        if ids is None:
            return self
        if path is not None and getattr(self.model, "private", False):
            # Private records: office-wide for admins, staff and viewers; focal points and
            # experts get the narrow part the model defines (their member's, their own).
            wide = office_ids(user, action, roles=WIDE_ROLES)
            condition = Q(**{f"{path}__in": wide})
            narrow = self.model.narrow_scope(user, action)
            if narrow is not None:
                condition |= narrow
            return self.filter(condition)
        if path is not None:
            return self.filter(**{f"{path}__in": ids})
        region_path = getattr(self.model, "region_path", None)
        if region_path is not None:
            # Regional reference data: the regions of the offices where the user may do
            # ``action`` (one subquery, so a region with two of the user's offices is one row).
            from django.apps import apps

            offices = apps.get_model("directory", "Office").objects.filter(pk__in=ids)
            return self.filter(**{f"{region_path}__in": offices.values("region_id")})
        # Shared reference data (partners): readable by anyone signed in.
        return self.all() if action == VIEW and user.is_authenticated else self.none()
