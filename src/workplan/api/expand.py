"""``?expand=``: related objects as keys by default, as whole objects on request.

An event's ``office`` is ``3``; with ``?expand=office`` it is the office itself
(``{"id": 3, "code": "ROCB-AP", ...}``), read in the same query (``select_related``) or one more
per relation (``prefetch_related``), whatever the number of rows. Several names are separated by
commas (``?expand=office,beneficiaries``). One level: an expanded object shows its own relations
as keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import serializers


@dataclass(frozen=True)
class Loading:
    """How to read a relation in a fixed number of queries: ``select`` paths join,
    ``prefetch`` paths (or ``Prefetch`` objects) add one query each."""

    select: tuple = ()
    prefetch: tuple = ()


class Expandable(serializers.Field):
    """A relation shown by its key (``key``: ``pk``, or e.g. ``iso3``), or with ``?expand=``
    as ``serializer`` renders it. ``many`` for to-many relations. ``always`` says how the
    relation is read when not expanded; ``expanded`` how it is read when it is."""

    def __init__(self, serializer, *, key: str = "pk", many: bool = False,
                 always: Loading = Loading(), expanded: Loading | None = None,
                 key_field: serializers.Field | None = None, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.serializer_class = serializer
        self.key = key
        self.many = many
        self.always = always
        self.expanded = expanded
        self.key_field = key_field or (serializers.IntegerField() if key == "pk"
                                       else serializers.CharField())

    def bind(self, field_name, parent):
        if self.source == field_name:  # helpers name the source whatever the field's name
            self.source = None
        super().bind(field_name, parent)

    def loading(self, expanded: bool) -> Loading:
        if expanded:
            return self.expanded or Loading(
                select=() if self.many else (self.source.replace(".", "__"),),
                prefetch=(self.source.replace(".", "__"),) if self.many else ())
        return self.always

    def is_expanded(self) -> bool:
        """Expanded when named in ``?expand=`` and a field of the top-level objects (not of
        an object nested in them)."""
        if self.field_name not in self.context.get("expand", ()):
            return False
        root = self.root
        return self.parent is root or self.parent is getattr(root, "child", None)

    def get_attribute(self, instance):
        expanded = self.is_expanded()
        if not self.many and not expanded and self.key == "pk" and "." not in self.source:
            field = instance._meta.get_field(self.source)
            return ("key", getattr(instance, field.attname))
        value = super().get_attribute(instance)
        if value is None:
            return ("key", None)
        if self.many:
            value = list(value.all()) if hasattr(value, "all") else list(value)
        return ("object" if expanded else "keys", value)

    def to_representation(self, value):
        kind, obj = value
        if kind == "key":
            return obj
        if kind == "object":
            return self.serializer_class(obj, many=self.many, context=_plain(self.context)).data
        if self.many:
            return [getattr(item, self.key) for item in obj]
        return getattr(obj, self.key)


def _plain(context) -> dict:
    """The context for expanded objects: nothing expanded inside them."""
    return {**context, "expand": ()}


def expandable_fields(serializer_class) -> dict[str, Expandable]:
    fields = serializer_class().fields
    return {name: field for name, field in fields.items() if isinstance(field, Expandable)}


def parse_expand(request, serializer_class) -> tuple[str, ...]:
    """The names in ``?expand=`` (comma-separated, or repeated), checked against what
    ``serializer_class`` can expand; a 400 naming the unknown ones otherwise."""
    if request is None:
        return ()
    raw = request.query_params.getlist("expand")
    names = tuple(dict.fromkeys(name.strip() for value in raw for name in value.split(",")
                                if name.strip()))
    if not names:
        return ()
    known = expandable_fields(serializer_class)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise serializers.ValidationError({"expand": [
            _("Cannot expand %(names)s here; expandable: %(known)s.") % {
                "names": ", ".join(unknown), "known": ", ".join(sorted(known)) or _("nothing")}
        ]})
    return names


def load(queryset, serializer_class, names) -> object:
    """``queryset`` with the joins and prefetches its serializer needs for ``names``."""
    select, prefetch = [], []
    for name, field in expandable_fields(serializer_class).items():
        loading = field.loading(name in names)
        select.extend(loading.select)
        prefetch.extend(loading.prefetch)
    if select:
        queryset = queryset.select_related(*select)
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    return queryset
