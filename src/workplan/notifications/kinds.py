"""The kinds of notification, as a registry in code (not a table): each kind has a code, a
label people read on their preferences page and the channel it starts with. A notification
row stores the code; a kind removed from the code leaves its rows readable (label = code)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
CHANNELS = (
    (IMMEDIATE, _("E-mail at once")),
    (DIGEST, _("Daily digest")),
    (OFF, _("Off")),
)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    audience: str  # who receives it, for the preferences page
    default: str = IMMEDIATE


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.code in _REGISTRY:
        raise ValueError(f"notification kind {kind.code!r} registered twice")
    _REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    return _REGISTRY.get(code) or Kind(code, code, "")


def all_kinds() -> list[Kind]:
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in _REGISTRY.values()]


REQUEST_FILED = register(Kind("request_filed", _("A member filed a request"), _("office staff")))
REQUEST_ACCEPTED = register(Kind("request_accepted", _("Your member's request was accepted"),
                                 _("focal points")))
REQUEST_SCHEDULED = register(Kind("request_scheduled",
                                  _("Your member's request was scheduled as an event"),
                                  _("focal points")))
REQUEST_DECLINED = register(Kind("request_declined", _("Your member's request was declined"),
                                 _("focal points")))
REQUEST_WITHDRAWN = register(Kind("request_withdrawn", _("A member withdrew a request"),
                                  _("office staff"), default=DIGEST))
EXPERT_DEPLOYED = register(Kind("expert_deployed", _("You were deployed to an event"),
                                _("experts")))
VALUE_SUBMITTED = register(Kind("value_submitted", _("A KPI value was submitted for review"),
                                _("office staff"), default=DIGEST))
VALUE_RETURNED = register(Kind("value_returned", _("Your KPI value was returned"),
                               _("whoever entered it")))
VALUE_APPROVED = register(Kind("value_approved", _("Your KPI value was approved"),
                               _("whoever entered it"), default=DIGEST))
SURVEY_TO_ANSWER = register(Kind("survey_to_answer", _("A survey for your member to answer"),
                                 _("focal points")))
