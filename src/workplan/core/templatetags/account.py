"""What the account menu offers: ``{% administers_offices user as may_administer %}``, the
office administration (an office admin or an operator); ``{% is_expert user as expert %}``,
the expert's own profile. Both read the user's roles as ``core.access`` caches them: no query
when the page already read them."""

from django import template

from workplan.core.access import ADMINISTER, memberships, office_ids

register = template.Library()


@register.simple_tag
def administers_offices(user) -> bool:
    ids = office_ids(user, ADMINISTER)
    return ids is None or bool(ids)


@register.simple_tag
def is_expert(user) -> bool:
    """Holds the expert role in an office (``directory:expert_profile`` is theirs)."""
    return any(role == "expert" for _office, role, _member in memberships(user))
