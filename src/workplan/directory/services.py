"""Writes to the directory: loading a region's members and groups from the shipped data."""

from __future__ import annotations

import csv
from importlib import resources

from django.db import transaction

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
