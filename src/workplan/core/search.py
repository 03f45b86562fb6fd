"""Search across the office's records: one query per kind, each scoped by ``restrict`` (a
focal point finds their member's people and requests, an expert themselves) and bounded.

On PostgreSQL the words are matched by full-text search (``SearchVector`` /
``websearch`` ``SearchQuery``: stemmed words, "risk managers" finds "risk management") and,
so that a name typed in part ("Suv") still finds "Suva", by a case-insensitive substring of
each field; results are ranked by the full-text rank. SQLite has no full-text search in
Django: the substring match alone serves there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import VIEW

LIMIT = 50  # rows per kind; one more is read to tell whether there are more


@dataclass
class Section:
    key: str
    title: str
    rows: list
    more: bool


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset, fields: list[str], text: str, *, order: list[str]):
    """``queryset`` narrowed to rows whose ``fields`` hold ``text``, best first."""
    substring = reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))
    if not _postgres():
        return queryset.filter(substring).order_by(*order)
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*fields, config="simple")
    query = SearchQuery(text, search_type="websearch", config="simple")
    return (queryset.annotate(_search=vector, _rank=SearchRank(vector, query))
            .filter(Q(_search=query) | substring).order_by("-_rank", *order))


def _rows(queryset) -> tuple[list, bool]:
    rows = list(queryset[:LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def search_records(user, text: str) -> list[Section]:
    """Every kind of record the user may see that matches ``text``: one query per kind."""
    from workplan.delivery.models import Event, Request
    from workplan.directory.models import Partner, Person
    from workplan.plans.models import Action, Activity
    from workplan.reports.models import Publication

    kinds = [
        ("people", _("People"), matching(
            Person.objects.restrict(user, VIEW).select_related("member", "partner"),
            ["full_name", "email", "position"], text, order=["full_name", "pk"])),
        ("partners", _("Partners"), matching(
            Partner.objects.restrict(user, VIEW), ["name", "acronym"], text,
            order=["name"])),
        ("events", _("Events"), matching(
            Event.objects.restrict(user, VIEW).select_related("host_member", "office"),
            ["title", "city", "host_member__name"], text, order=["-start_date", "-pk"])),
        ("requests", _("Requests"), matching(
            Request.objects.restrict(user, VIEW).select_related("member", "office"),
            ["topic", "notes", "member__name"], text, order=["-pk"])),
        ("publications", _("Publications"), matching(
            Publication.objects.restrict(user, VIEW).select_related("office"),
            ["title", "summary"], text, order=["-date", "-pk"])),
    ]
    sections = [Section(key, title, *_rows(queryset)) for key, title, queryset in kinds]
    actions = Action.objects.restrict(user, VIEW).current().search(text).for_search()
    activities = Activity.objects.restrict(user, VIEW).search(text).for_search()
    sections.append(Section("actions", _("Actions"), *_rows(actions)))
    sections.append(Section("activities", _("Activities"), *_rows(activities)))
    return sections
