from django.contrib import admin

from .access import VIEW
from .models import Membership


class RestrictedAdminMixin:
    """Lists (and opens) only the rows the signed-in user may see: ``restrict(user, VIEW)``,
    the same scope as the pages. Superusers see everything."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)


@admin.register(Membership)
class MembershipAdmin(RestrictedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "office", "role", "member", "created"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name",
                     "office__code", "member__name", "member__iso3"]
    list_select_related = ["user", "office", "member"]
    autocomplete_fields = ["user", "member"]
