"""Who is who: offices, the members of their regions, partners and people."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.models import TimeStampedModel, VersionedModel

from .querysets import MemberQuerySet, PersonQuerySet


class Region(TimeStampedModel):
    """A WCO region (Asia/Pacific, East and Southern Africa, ...)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    region_path = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Office(TimeStampedModel):
    """A regional capacity-building office; its plans and records are scoped to it."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices",
                               verbose_name=_("region"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=7,
        help_text=_("7 means the fiscal year runs 1 July - 30 June."),
    )
    iati_org_ref = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True,
        validators=[RegexValidator(
            r"^[A-Z]{2}-[A-Z0-9]+-[^\s/&|?]+$",
            _("An IATI organisation identifier is the registration agency's code, a hyphen "
              "and the number it gave, e.g. XM-DAC-47066, without spaces or / & | ?."))],
        help_text=_("The office's identifier at IATI (iatistandard.org), which its IATI "
                    "export reports as the reporting organisation. The export refuses to run "
                    "without it."),
    )
    history = HistoricalRecords()
    office_path = "pk"

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.short_name or self.name


class Member(TimeStampedModel):
    """A WCO Member administration, known by its WCO name, ISO code and the aliases plans use."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="members",
                               verbose_name=_("region"))
    name = models.CharField(_("WCO name"), max_length=100)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True,
        help_text=_("Other names plans use, e.g. \"Lao People's Dem. Rep.\""),
    )
    sub_region = models.CharField(_("sub-region"), max_length=50, blank=True)
    sie = models.BooleanField(_("small island economy"), default=False)
    joined = models.PositiveSmallIntegerField(_("joined the region (year)"), null=True, blank=True)
    history = HistoricalRecords()
    region_path = "region"

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:member_detail", args=[self.iso3])

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class MemberGroup(TimeStampedModel):
    """A named set of members plans write instead of a list ("All Countries", "Pacific Islands")."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="groups",
                               verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    members = models.ManyToManyField(Member, related_name="groups", verbose_name=_("members"))
    history = HistoricalRecords(m2m_fields=[members])
    region_path = "region"

    class Meta:
        ordering = ["name"]
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unique_group_name")]

    def __str__(self):
        return self.name


class Partner(TimeStampedModel):
    """A development partner, donor, regional entity or the WCO Secretariat."""

    class Kind(models.TextChoices):
        DONOR = "donor", _("Donor / development partner")
        IFI = "ifi", _("International financial institution")
        RTC = "rtc", _("Regional Training Centre")
        RILO = "rilo", _("RILO")
        WCO = "wco", _("WCO Secretariat")
        MEMBER = "member", _("Member administration")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DONOR)
    country = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3, blank=True)
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


PHONE_DIGITS = (6, 15)  # E.164 allows 15 digits; a number with fewer than 6 is not whole
BIOGRAPHY_MAX = 2000
# What an expert adds about themself beyond name, contact and administration. Personal data: a
# person's export lists them, their erasure blanks them, a merge takes them from the other
# record where the kept one has none (registration/services.py).
PROFILE_DETAILS = ("phone", "languages", "expertise", "biography", "availability")


def validate_phone(value: str) -> None:
    """A telephone number an office abroad can dial: "+", the country code, then digits,
    with spaces, hyphens, dots or brackets between them as people write them."""
    digits = re.sub(r"\D", "", value)
    if not re.fullmatch(r"\+[0-9 ().-]+", value) or not (
            PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]):
        raise ValidationError(
            _("Give the number with its country code, starting with +, e.g. +66 2 123 4567 "
              "(digits, spaces, hyphens, dots and brackets only)."), code="phone")


@deconstructible
class NamesValidator:
    """A list of names (languages, areas): at most ``most``, each at most ``longest``
    characters, none blank."""

    def __init__(self, most: int, longest: int):
        self.most, self.longest = most, longest

    def __call__(self, value) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise ValidationError(_("Give a list of names."), code="list")
        if len(value) > self.most:
            raise ValidationError(_("At most %(most)d, please (%(count)d given).")
                                  % {"most": self.most, "count": len(value)}, code="too_many")
        long = [v for v in value if len(v) > self.longest]
        if long:
            raise ValidationError(
                _("“%(name)s” is longer than %(longest)d characters: one name per line.")
                % {"name": long[0][:60], "longest": self.longest}, code="too_long")

    def __eq__(self, other):
        return (isinstance(other, NamesValidator)
                and (self.most, self.longest) == (other.most, other.longest))


@dataclass(frozen=True)
class ProfileItem:
    """One thing an office needs from an expert to deploy them; ``field`` is the form field
    that fills it (the checklist links to it)."""

    key: str
    label: str
    field: str
    missing: Callable[["Person"], bool]


def _blank(name: str):
    def missing(person) -> bool:
        value = getattr(person, name)
        return not (value.strip() if isinstance(value, str) else value)
    return missing


# What makes an expert's profile complete: the one definition the expert's home, their profile
# page and their page in the experts registry all read (``Person.profile_missing``). Gender is
# not in it: "Prefer not to say" is an answer, not a gap.
PROFILE_ITEMS = (
    ProfileItem("position", _("position"), "position", _blank("position")),
    ProfileItem("organisation", _("administration or organisation"), "member",
                lambda person: person.member_id is None and person.partner_id is None),
    ProfileItem("email", _("e-mail"), "email", _blank("email")),
    ProfileItem("phone", _("telephone"), "phone", _blank("phone")),
    ProfileItem("languages", _("working languages"), "languages", _blank("languages")),
    ProfileItem("expertise", _("areas of expertise"), "expertise", _blank("expertise")),
    ProfileItem("biography", _("short biography"), "biography", _blank("biography")),
)


class Person(VersionedModel):
    """Anyone the office works with: participants, experts, focal points, partner staff.

    Versioned (``core.concurrency``): an expert edits their own profile on a page."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="people",
                               verbose_name=_("office"))
    full_name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices,
                              default=Gender.UNDISCLOSED)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="people", verbose_name=_("member administration"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="people", verbose_name=_("partner organisation"))
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # What an office asks an expert for before deploying them (docs/delivery.md, "An expert's
    # profile"); the expert keeps these on their profile page.
    phone = models.CharField(_("telephone"), max_length=40, blank=True,
                             validators=[validate_phone],
                             help_text=_("With the country code, e.g. +66 2 123 4567."))
    languages = models.JSONField(_("working languages"), default=list, blank=True,
                                 validators=[NamesValidator(20, 50)],
                                 help_text=_("Languages the person can deliver in."))
    expertise = models.JSONField(_("areas of expertise"), default=list, blank=True,
                                 validators=[NamesValidator(20, 120)],
                                 help_text=_("As the person describes them; the WCO's "
                                             "accreditations are recorded apart."))
    biography = models.TextField(_("short biography"), max_length=BIOGRAPHY_MAX, blank=True,
                                 help_text=_("A paragraph for event programmes."))
    availability = models.CharField(_("availability"), max_length=300, blank=True,
                                    help_text=_("When the person can or cannot travel, e.g. "
                                                "“not in March; four weeks' notice”."))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="person",
                                verbose_name=_("user account"),
                                help_text=_("An expert who signs in sees their own deployments."))
    # Set when the person's data was erased on their request: the record stays, anonymous
    # (gender and member kept), so that the figures of past events do not change.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    history = HistoricalRecords()
    office_path = "office"
    private = True  # personal data: focal points see their member's people, experts themselves

    objects = PersonQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        from workplan.core.access import VIEW, focal_points, role_offices

        # Their own record, in the offices where they still hold a role.
        own = Q(user=user, office_id__in=role_offices(user))
        if action != VIEW:
            return own if action == "change" else None
        condition = own
        for office, member in focal_points(user):
            condition |= Q(office_id=office, member_id=member)
        return condition

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["office", "email"])]

    def __str__(self):
        return self.full_name

    def profile_checklist(self) -> list[tuple[ProfileItem, bool]]:
        """Each item of ``PROFILE_ITEMS`` and whether it is filled in (no query)."""
        return [(item, not item.missing(self)) for item in PROFILE_ITEMS]

    def profile_missing(self) -> list[ProfileItem]:
        """The items of ``PROFILE_ITEMS`` the office still lacks (no query)."""
        return [item for item in PROFILE_ITEMS if item.missing(self)]


class Accreditation(TimeStampedModel):
    """A WCO accreditation of an expert in an area (e.g. risk management, AEO)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accreditations",
                               verbose_name=_("expert"))
    area = models.CharField(_("area"), max_length=120)
    accredited_on = models.DateField(_("accredited on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()
    office_path = "person__office"
    # Personal data like the person it belongs to, and scoped the same way: office-wide for
    # admins, staff and viewers; a focal point sees the accreditations of their member's
    # people, an expert their own (docs/delivery.md "Who sees what").
    private = True

    @classmethod
    def narrow_scope(cls, user, action):
        """What a focal point or an expert sees: the accreditations of the people they see
        (Person.narrow_scope). Nobody changes an accreditation through a narrow role: the WCO
        grants it and the office records it."""
        from workplan.core.access import VIEW, focal_points

        if action != VIEW:
            return None
        condition = Q(person__user=user)
        for office, member in focal_points(user):
            condition |= Q(person__office_id=office, person__member_id=member)
        return condition

    class Meta:
        ordering = ["person__full_name", "area"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("accredited_on")),
                name="accreditation_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.person} – {self.area}"

    def is_valid_on(self, day) -> bool:
        return self.accredited_on <= day and (self.expires_on is None or day <= self.expires_on)
