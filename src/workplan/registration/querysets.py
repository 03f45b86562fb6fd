"""Read-side queries of registration: likely duplicate people, what is held about a person,
which certificates are valid."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Lower

from workplan.core.access import RestrictedQuerySet


@dataclass
class DuplicateGroup:
    """People of one office who are likely one person, and why (``reason``)."""

    reason: str  # "email" or "name"
    key: str
    people: list


def duplicate_groups(people) -> list[DuplicateGroup]:
    """Likely duplicates among ``people`` (one office's, already scoped): the same e-mail
    (any case), or the same name (any case) and member. Erased records are left out. Three
    queries, whatever the number of people."""
    people = people.filter(erased_at__isnull=True).order_by()
    emails = (people.exclude(email="").annotate(key=Lower("email")).values("office_id", "key")
              .annotate(n=Count("pk")).filter(n__gt=1))
    names = (people.annotate(key=Lower("full_name")).values("office_id", "key", "member_id")
             .annotate(n=Count("pk")).filter(n__gt=1))
    email_keys = {(row["office_id"], row["key"]) for row in emails}
    name_keys = {(row["office_id"], row["key"], row["member_id"]) for row in names}
    if not email_keys and not name_keys:
        return []
    candidates = (people.annotate(lower_email=Lower("email"), lower_name=Lower("full_name"))
                  .filter(lower_name__in=[k for _o, k, _m in name_keys])
                  | people.annotate(lower_email=Lower("email"), lower_name=Lower("full_name"))
                  .filter(lower_email__in=[k for _o, k in email_keys]))
    groups: dict[tuple, DuplicateGroup] = {}
    for person in (candidates.select_related("member", "office")
                   .annotate(n_participations=Count("participations"))
                   .order_by("full_name", "pk")):
        if (person.office_id, person.lower_email) in email_keys:
            key = ("email", person.office_id, person.lower_email)
            groups.setdefault(key, DuplicateGroup("email", person.lower_email, []))
            groups[key].people.append(person)
        if (person.office_id, person.lower_name, person.member_id) in name_keys:
            key = ("name", person.office_id, person.lower_name, person.member_id)
            groups.setdefault(key, DuplicateGroup("name", person.lower_name, []))
            groups[key].people.append(person)
    # A pair found by e-mail and by name is shown once.
    seen, result = set(), []
    for group in groups.values():
        ids = tuple(p.pk for p in group.people)
        if ids not in seen:
            seen.add(ids)
            result.append(group)
    return result


def remembered_columns(office) -> dict[str, str]:
    """Heading -> field, as the office's earlier attendance sheets were read (one query)."""
    from .models import ColumnMemory

    return dict(ColumnMemory.objects.filter(office=office).values_list("heading", "field"))


class CertificateQuerySet(RestrictedQuerySet):
    def valid(self):
        """Certificates that verify: neither revoked nor withdrawn (the only ones printed,
        downloaded or e-mailed)."""
        return self.filter(revoked_at__isnull=True, withdrawn_at__isnull=True)
