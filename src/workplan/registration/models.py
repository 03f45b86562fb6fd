"""Records of the way from nomination to certificate, and the person records that stay right.

- ``PersonMerge``: two records of one person made one; what the merged record held is kept.
- ``ColumnMemory``: how an office's attendance sheets name their columns (remembered).
- ``SheetRemainder``: the rows of a sheet that could not be imported yet, kept for later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.access import RestrictedQuerySet


class PersonMerge(models.Model):
    """Two records of one person merged into ``kept``: who did it, when, and what the removed
    record held (its fields and the ids of what moved), so the merge can be read back."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="person_merges", verbose_name=_("office"))
    kept = models.ForeignKey("directory.Person", on_delete=models.CASCADE,
                             related_name="merges", verbose_name=_("person kept"))
    merged_id = models.PositiveBigIntegerField(_("id of the merged record"))
    merged = models.JSONField(_("the merged record"), default=dict)
    moved = models.JSONField(_("what moved"), default=dict)
    at = models.DateTimeField(_("merged"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    office_path = "office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("merge of two person records")
        verbose_name_plural = _("merges of person records")

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"

    @classmethod
    def narrow_scope(cls, user, action):
        return None


class ColumnMemory(models.Model):
    """A column heading an office's sheets use, and the field it was last read as."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE,
                               related_name="sheet_columns", verbose_name=_("office"))
    heading = models.CharField(_("heading"), max_length=200)  # folded: lower case, one space
    field = models.CharField(_("field"), max_length=20)
    updated = models.DateTimeField(auto_now=True)
    office_path = "office"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("remembered column")
        verbose_name_plural = _("remembered columns")
        constraints = [models.UniqueConstraint(fields=["office", "heading"],
                                               name="one_field_per_heading")]

    def __str__(self):
        return f"{self.heading} → {self.field}"


class SheetRemainder(models.Model):
    """The rows of an attendance sheet left out of an import (they had errors), kept as a
    small CSV so staff fix them later on the same check page."""

    event = models.ForeignKey("delivery.Event", on_delete=models.CASCADE,
                              related_name="sheet_remainders", verbose_name=_("event"))
    source_name = models.CharField(_("from the sheet"), max_length=200)
    data = models.BinaryField(_("rows (CSV)"))
    rows = models.PositiveIntegerField(_("rows"))
    created = models.DateTimeField(_("kept"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    office_path = "event__office"
    private = True

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("rows kept for later")
        verbose_name_plural = _("rows kept for later")

    def __str__(self):
        return f"{self.source_name} ({self.rows})"

    @classmethod
    def narrow_scope(cls, user, action):
        return None
