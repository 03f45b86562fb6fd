"""Writes to the directory: loading a region's members and groups from the shipped data; an
expert's own profile."""

from __future__ import annotations

import csv
from importlib import resources

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

ASIA_PACIFIC = {
    "region": ("asia-pacific", "Asia/Pacific"),
    "members": "asia-pacific-members.csv",
    "groups": "asia-pacific-groups.csv",
    "office": {
        "code": "ROCB-AP",
        "name": "WCO Asia/Pacific Regional Office for Capacity Building",
        "short_name": "ROCB A/P",
        "city": "Bangkok",
        "country": "THA",
        "fiscal_year_start_month": 7,
    },
}


def _rows(filename: str) -> list[dict]:
    text = resources.files("workplan.directory").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


@transaction.atomic
def load_region(dataset: dict = ASIA_PACIFIC, *, models=None) -> dict:
    """Create or refresh a region's members, groups and office; safe to run again.

    ``models`` lets a data migration pass its historical models (``apps.get_model``).
    Returns counts of what was created.
    """
    if models is None:
        from django.apps import apps as models_registry
    else:
        models_registry = models
    Region = models_registry.get_model("directory", "Region")
    Member = models_registry.get_model("directory", "Member")
    MemberGroup = models_registry.get_model("directory", "MemberGroup")
    Office = models_registry.get_model("directory", "Office")

    code, name = dataset["region"]
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
    created = {"members": 0, "groups": 0, "offices": 0}
    members = {}
    for row in _rows(dataset["members"]):
        member, was_created = Member.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "region": region,
                "name": row["name"],
                "sub_region": row["sub_region"],
                "aliases": _split(row["aliases"]),
                "sie": row["sie"].strip().lower() == "yes",
                "joined": int(row["joined"]) if row["joined"].strip() else None,
            },
        )
        members[member.iso3] = member
        created["members"] += was_created
    for row in _rows(dataset["groups"]):
        group, was_created = MemberGroup.objects.update_or_create(
            region=region, name=row["name"], defaults={"aliases": _split(row["aliases"])}
        )
        created["groups"] += was_created
        spec = row["members"].strip()
        if spec == "*":
            chosen = list(members.values())
        elif spec == "sie":
            chosen = [m for m in members.values() if m.sie]
        elif spec.startswith("sub_region:"):
            wanted = spec.split(":", 1)[1]
            chosen = [m for m in members.values() if m.sub_region == wanted]
        else:
            chosen = [members[c] for c in _split(spec)]
        group.members.set(chosen)
    office = dict(dataset["office"])
    _, was_created = Office.objects.get_or_create(
        code=office.pop("code"), defaults={**office, "region": region}
    )
    created["offices"] += was_created
    return created


# --- an expert's own profile ---------------------------------------------------------------------

# What an expert changes on their profile page. The office keeps the rest: which office the
# record belongs to, the account linked to it, accreditations (the WCO grants them), erasure.
EXPERT_FIELDS = ("full_name", "gender", "position", "member", "partner", "email", "phone",
                 "languages", "expertise", "biography", "availability")


def link_account(person, account, *, user) -> bool:
    """Link ``account`` (a user with a role in the person's office) to the person's record,
    or unlink it (``account=None``): what lets an expert see their deployments and keep their
    profile. An account is linked to one record of an office at most; an erased record to
    none. True if something changed; ``ValidationError`` naming the account otherwise."""
    from workplan.core.models import Membership

    if account is not None:
        if person.erased_at is not None:
            raise ValidationError({"account": _("This record was erased: no account can be "
                                                "linked to it.")})
        if not Membership.objects.filter(user=account, office_id=person.office_id).exists():
            raise ValidationError({"account": _("%(user)s holds no role in %(office)s.")
                                   % {"user": account.get_username(), "office": person.office}})
        other = (type(person).objects.filter(office_id=person.office_id, user=account)
                 .exclude(pk=person.pk).first())
        if other is not None:
            raise ValidationError({"account": _("%(user)s is already linked to %(person)s.")
                                   % {"user": account.get_username(), "person": other}})
    if person.user_id == (account.pk if account is not None else None):
        return False
    person.user = account
    person._history_user = user
    person.save(update_fields=["user", "modified"])
    return True


def update_expert_profile(person, *, user, version: int, **values) -> list[str]:
    """Save what an expert changed on their own profile; the names of the fields changed.

    Only ``EXPERT_FIELDS`` may be given (anything else is a ``TypeError``: a caller's mistake,
    not input). Every value is checked by the model's own rules before anything is written
    (``ValidationError`` naming each field at fault), the member must be of the office's
    region, and the save states ``version``, the version the form was opened with
    (``EditConflict`` when someone saved in between). All or nothing; the history records
    ``user`` as who changed it. Nothing changed, nothing saved: no empty history entry.
    """
    unknown = set(values) - set(EXPERT_FIELDS)
    if unknown:
        raise TypeError(f"not a field an expert changes: {', '.join(sorted(unknown))}")
    from workplan.core.concurrency import save_versioned

    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if not changed:
        return []
    try:
        with transaction.atomic():
            for name in changed:
                setattr(person, name, values[name])
            errors = {}
            try:
                person.full_clean(exclude=[f.name for f in person._meta.fields
                                           if f.name not in EXPERT_FIELDS],
                                  validate_unique=False)
            except ValidationError as error:
                errors = error.message_dict
            member = values.get("member")
            if member is not None and member.region_id != person.office.region_id:
                errors.setdefault("member", []).append(
                    _("%(member)s is not a member of the office's region.")
                    % {"member": member})
            if errors:
                raise ValidationError(errors)
            person._history_user = user
            save_versioned(person, version, fields=changed)
    except Exception:
        person.refresh_from_db()  # the caller's object shows what is stored, not the refused
        raise
    return changed
