"""Template helpers of the plan pages."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def milestones_label(reference) -> str:
    """``milestones 1, 3, 4`` for an ActionReference (prefetched milestones); '' for none."""
    numbers = [m.number for m in reference.milestones.all()]
    if not numbers:
        return ""
    return ngettext("milestone %(list)s", "milestones %(list)s", len(numbers)) % {
        "list": ", ".join(str(n) for n in numbers)}


KIND_BADGES = {
    "national_workshop": "kind--workshop",
    "subregional_workshop": "kind--workshop",
    "regional_workshop": "kind--workshop",
    "training": "kind--training",
    "diagnostic_mission": "kind--mission",
    "meeting": "kind--meeting",
    "survey": "kind--survey",
    "publication": "kind--publication",
    "standing_task": "kind--task",
}


@register.filter
def kind_class(kind: str) -> str:
    """The CSS modifier that colours an activity kind's badge."""
    return KIND_BADGES.get(kind, "")
