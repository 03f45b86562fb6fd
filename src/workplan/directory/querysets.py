"""Read-side queries of the directory."""

from workplan.core.access import RestrictedQuerySet


class MemberQuerySet(RestrictedQuerySet):
    def of_region(self, region):
        return self.filter(region=region)


def member_index(region):
    """The importer's name index for a region: members, their aliases and the groups."""
    from workplan.plans.textplan.members import MemberIndex

    from .models import Member, MemberGroup

    members = [(m.iso3, m.names) for m in Member.objects.filter(region=region)]
    groups = [
        ([g.name, *g.aliases], [m.iso3 for m in g.members.all()])
        for g in MemberGroup.objects.filter(region=region).prefetch_related("members")
    ]
    return MemberIndex.from_rows(members, groups, region=region.name)
