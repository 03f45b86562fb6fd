"""``{% administers_offices user as may_administer %}``: whether the account menu offers the
office administration (an office admin or an operator). Reads the user's roles as
``core.access`` caches them: no query when the page already read them."""

from django import template

from workplan.core.access import ADMINISTER, office_ids

register = template.Library()


@register.simple_tag
def administers_offices(user) -> bool:
    ids = office_ids(user, ADMINISTER)
    return ids is None or bool(ids)
