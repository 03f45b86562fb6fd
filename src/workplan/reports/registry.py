"""One list of exporters for the web Reports page, the API and ``workplan export``.

An exporter names its parameters; ``clean`` turns raw strings (a query string, ``--param
key=value``, JSON) into values or an ``ExportError`` naming the parameter, and ``render``
returns an ``Export`` (file name, content type, bytes). A renderer only renders: report data is
computed by plain functions elsewhere. ``user=None`` means the command line, run by whoever
administers the server: no scope; otherwise every queryset goes through ``restrict``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workplan.core.years import parse_fiscal_year


class ExportError(ValueError):
    """Bad parameters or nothing to export: the message names the parameter."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    required: bool = True
    default: str | None = None
    choices: tuple[str, ...] | Callable[[Any], list[tuple[str, str]]] | None = None
    pattern: str | None = None  # a regular expression the whole value must match
    help: str = ""
    # Checks the value further: raises ValueError with a message (e.g. an impossible year).
    check: Callable[[str], Any] | None = None
    # What people call a fixed choice ("Word" for docx); the value stays what the CLI takes.
    labels: Mapping[str, str] | None = None

    def options(self, user=None) -> list[tuple[str, str]] | None:
        """(value, label) pairs the user may choose from; None: any value of the pattern.

        Computed choices are read once per user object (a page offers the office parameter
        of a dozen exporters from one query).
        """
        if self.choices is None:
            return None
        if callable(self.choices):
            if user is None:
                return self.choices(user)
            cache = user.__dict__.setdefault("_workplan_export_options", {})
            if self.choices not in cache:
                cache[self.choices] = self.choices(user)
            return cache[self.choices]
        labels = self.labels or {}
        return [(c, str(labels.get(c, c))) for c in self.choices]

    def clean(self, raw: str | None, user=None) -> str | None:
        value = (raw or "").strip() or self.default
        if value is None or value == "":
            if self.required:
                raise ExportError(_("%(name)s: a value is required") % {"name": self.name},
                                  self.name)
            return None
        options = self.options(user)
        if options is not None and value not in {key for key, _label in options}:
            if not options:
                raise ExportError(_("%(name)s: %(value)r is not among your choices (this "
                                    "export offers you none)")
                                  % {"name": self.name, "value": value}, self.name)
            allowed = ", ".join(key for key, _label in options)
            raise ExportError(_("%(name)s: %(value)r is not one of %(allowed)s")
                              % {"name": self.name, "value": value, "allowed": allowed},
                              self.name)
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise ExportError(_("%(name)s: %(value)r is not valid (%(help)s)")
                              % {"name": self.name, "value": value,
                                 "help": self.help or self.pattern}, self.name)
        if self.check is not None:
            try:
                self.check(value)
            except ValueError as error:
                raise ExportError(_("%(name)s: %(problem)s")
                                  % {"name": self.name, "problem": error}, self.name) from None
        return value


# File formats as people name them; the parameter's value stays the file's extension.
FORMAT_NAMES = {
    "docx": _("Word"),
    "pdf": pgettext_lazy("file format", "PDF"),
    "html": _("Web page"),
    "xlsx": _("Excel"),
    "json": pgettext_lazy("file format", "JSON"),
    "txt": _("Plain text"),
    "ics": pgettext_lazy("file format", "iCalendar"),
    "xml": _("IATI XML"),
}


def format_param(choices: tuple[str, ...], default: str) -> Param:
    """The ``format`` parameter of an exporter that writes several kinds of file."""
    return Param("format", _("Format"), default=default, choices=choices, labels=FORMAT_NAMES)


PERIOD = Param("period", _("Fiscal year"), pattern=r"\d{4}-\d{4}", help=_("e.g. 2024-2025"),
               check=parse_fiscal_year)


def office_choices(user) -> list[tuple[str, str]]:
    from workplan.core.access import VIEW
    from workplan.directory.models import Office

    offices = Office.objects.order_by("code")
    if user is not None:
        offices = offices.restrict(user, VIEW)
    return [(o.code, o.short_name) for o in offices]


OFFICE = Param("office", _("Office"), default="ROCB-AP", choices=office_choices)


def wide_office_choices(user) -> list[tuple[str, str]]:
    """Offices where the user sees everything (admin, staff, viewer): the reports that tell
    the office's whole year (annual report, newsletter, IATI) are for them."""
    from workplan.core.access import VIEW, WIDE_ROLES, office_ids
    from workplan.directory.models import Office

    offices = Office.objects.order_by("code")
    if user is not None:
        ids = office_ids(user, VIEW, roles=WIDE_ROLES)
        if ids is not None:
            offices = offices.filter(pk__in=ids)
    return [(o.code, o.short_name) for o in offices]


OFFICE_WIDE = Param("office", _("Office"), default="ROCB-AP", choices=wide_office_choices)


def fiscal_year(params, name: str = "period") -> int:
    """The first calendar year of the fiscal year "2024-2025" (two consecutive years)."""
    try:
        return parse_fiscal_year(params[name])
    except ValueError as error:
        raise ExportError(_("%(name)s: %(problem)s") % {"name": name, "problem": error},
                          name) from None


def office_for(params, user=None):
    """The chosen office (its code is one of the parameter's choices already)."""
    from workplan.directory.models import Office

    return Office.objects.select_related("region").get(code=params["office"])


class Exporter:
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    description: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    # The one kind of file an exporter without a ``format`` parameter writes (a FORMAT_NAMES
    # key), named on the Reports page.
    file_format: ClassVar[str | None] = None
    # Where the fiscal years the Reports page offers come from: "plans" (the exporter reports
    # on a work plan) or "records" (plans and events).
    years_from: ClassVar[str] = "records"

    @property
    def format_name(self) -> str | None:
        return str(FORMAT_NAMES[self.file_format]) if self.file_format else None

    def command_line(self, values: Mapping[str, str | None] | None = None) -> str:
        """The ``workplan export`` command that writes the same file (values as given)."""
        parts = ["workplan", "export", self.identifier]
        for param in self.params:
            value = (values or {}).get(param.name)
            if value:
                parts += ["--param", f"{param.name}={value}"]
        return shlex.join(parts)

    def clean(self, raw: dict[str, str], user=None) -> dict[str, str | None]:
        unknown = set(raw) - {p.name for p in self.params}
        if unknown:
            name = sorted(unknown)[0]
            raise ExportError(_("%(name)s: no such parameter of %(exporter)s (it takes "
                                "%(params)s)") % {
                "name": name, "exporter": self.identifier,
                "params": ", ".join(p.name for p in self.params) or _("none")}, name)
        return {p.name: p.clean(raw.get(p.name), user) for p in self.params}

    def render(self, params: dict, user=None) -> Export:
        raise NotImplementedError

    def run(self, raw: dict[str, str], user=None) -> Export:
        return self.render(self.clean(raw, user), user)


@dataclass
class Registry:
    exporters: dict[str, Exporter] = field(default_factory=dict)

    def register(self, cls):
        if cls.identifier in self.exporters:
            raise ValueError(f"two exporters named {cls.identifier}")
        self.exporters[cls.identifier] = cls()
        return cls

    def get(self, identifier: str) -> Exporter:
        try:
            return self.exporters[identifier]
        except KeyError:
            raise ExportError(_("no exporter %(name)r; the exporters are: %(all)s")
                              % {"name": identifier, "all": ", ".join(sorted(self.exporters))},
                              "identifier") from None

    def __iter__(self):
        return iter(sorted(self.exporters.values(), key=lambda e: e.identifier))


registry = Registry()


def scoped(queryset, user, action=None):
    """``queryset`` as ``user`` may see it (everything from the command line)."""
    from workplan.core.access import VIEW

    return queryset if user is None else queryset.restrict(user, action or VIEW)
