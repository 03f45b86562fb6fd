"""One place that decides what a user may see or change: ``Model.objects.restrict(user, action)``.

Every model names the path from itself to its office (``office_path``); a user sees the rows
of the offices where they hold a role, and changes them where the role allows. Regional
reference data (members, strategic plans, objectives) names the path to its region instead
(``region_path``): a user sees the rows of the regions their offices belong to. A row outside
a user's scope simply is not in the queryset, so views answer 404, never a revealing 403.
"""

from __future__ import annotations

from django.db import models

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


def office_ids(user, action: str = VIEW) -> list[int] | None:
    """Offices where ``user`` may do ``action``; None means every office (superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_workplan_roles", None)
    if cache is None:
        from .models import Membership

        cache = list(Membership.objects.filter(user=user).values_list("office_id", "role"))
        user.__dict__["_workplan_roles"] = cache
    return [office for office, role in cache if action in ROLE_ACTIONS.get(role, ())]


def can(user, action: str, office) -> bool:
    ids = office_ids(user, action)
    return ids is None or getattr(office, "pk", office) in ids


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        path = getattr(self.model, "office_path", None)
        ids = office_ids(user, action)
        if ids is None:
            return self
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
