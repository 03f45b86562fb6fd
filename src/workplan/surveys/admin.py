"""Administration of surveys (operators only, like the whole admin): looking things up.

Respondents' records (invitations, responses) are read-only here: answers are changed by
their respondents, through their link, and nowhere else. Token hashes are never shown.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workplan.core.admin import VersionedAdminForm

from .models import Answer, Invitation, Question, Response, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    form = VersionedAdminForm
    extra = 0
    fields = ["position", "code", "kind", "text", "required", "scale_max", "rank_limit",
              "opened_version"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    list_display = ["title", "office", "kind", "status", "fiscal_year", "opens_on", "closes_on",
                    "anonymous"]
    list_filter = ["office", "kind", "status", "fiscal_year", "anonymous"]
    search_fields = ["title", "event__title"]
    list_select_related = ["office"]
    raw_id_fields = ["event", "created_by"]
    filter_horizontal = ["actions"]
    readonly_fields = ["opened_at", "closed_at"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    list_display = ["text", "survey", "position", "kind", "code", "required"]
    list_filter = ["kind", "survey__kind"]
    search_fields = ["text", "code", "survey__title"]
    list_select_related = ["survey"]
    raw_id_fields = ["survey"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "name", "survey", "member", "invited_at", "reminded_at",
                    "responded"]
    list_filter = ["responded", "survey__kind"]
    search_fields = ["email", "name", "survey__title"]
    list_select_related = ["survey", "member"]
    exclude = ["token_hash", "previous_token_hash"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "number", "text"]
    readonly_fields = fields
    can_delete = False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "survey", "member", "submitted_at", "updated_at"]
    list_filter = ["survey__kind"]
    search_fields = ["survey__title", "member__name"]
    list_select_related = ["survey", "member"]
    exclude = ["invitation"]
    inlines = [AnswerInline]
