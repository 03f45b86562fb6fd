"""The publications register: what the office published or shared, so that the KPIs of items
and experiences shared are counted from records (``reports.measures.ItemsShared``) and the
annual report can list them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.models import VersionedModel

from .querysets import PublicationQuerySet


def publication_path(instance, filename):
    return f"publications/{instance.office_id}/{filename}"


class Publication(VersionedModel):
    """A newsletter issue, good practice report, article a member submitted, website item..."""

    class Kind(models.TextChoices):
        NEWSLETTER = "newsletter", _("Newsletter issue")
        GOOD_PRACTICE = "good_practice", _("Good practice report")
        ARTICLE = "article", _("Article submitted by a member")
        WEBSITE = "website", _("Website item")
        OTHER = "other", _("Other")

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="publications", verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("published on"))
    member = models.ForeignKey(
        "directory.Member", on_delete=models.PROTECT, null=True, blank=True,
        related_name="publications", verbose_name=_("member"),
        help_text=_("For an article: the member administration that submitted it."))
    actions = models.ManyToManyField(
        "plans.Action", blank=True, related_name="publications",
        verbose_name=_("actions of the plan"),
        help_text=_("The actions this item serves (its KPIs count it)."))
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=publication_path, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[actions])
    office_path = "office"

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["office", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="article") | models.Q(member__isnull=False),
                name="article_has_member",
                violation_error_message=_("An article names the member that submitted it.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:publication_detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.ARTICLE and not self.member_id:
            raise ValidationError({"member": _("An article names the member that submitted "
                                               "it.")})
