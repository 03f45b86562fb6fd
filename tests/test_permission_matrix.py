"""Every URL of the project's apps, as every role: who gets the page, who a 404, who is sent to
sign in, and that nobody without the right can change anything by POST.

The URLconf is walked, not listed: a new URL pattern of one of the apps that this test does
not know (``PAGES``) fails ``test_every_url_pattern_is_in_the_matrix`` with its name, so no
page goes untested. Each pattern names what fills its parameters (``subject``); the world
below has, for each subject, an object that is the focal point's / expert's own ("own"),
one of the office that is not theirs ("office") and one of another office in another region
("outside"). The expected answer follows from the role, the kind of page and the variant:

    kind "view":    anyone who may see the subject gets it (focal points and experts only
                    their own, where the page is ``narrow``); others a 404
    kind "change":  a form for those who may change the subject (admin, staff); others 404
    kind "post":    POST only: a GET is a 405 whoever asks
    kind "administer": a form for the admins of the subject's office (or region) only; a
                    ``shared`` subject (a partner, an instrument) is every office admin's
    anonymous:      a redirect to the sign-in page, always
    superuser:      everything, but a page for one role only (``roles`` without "superuser",
                    e.g. an expert's own profile: an operator is no expert)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from workplan.core.models import Membership
from workplan.delivery.demo import Demo
from workplan.delivery.models import (
    Attachment,
    Event,
    EventPartner,
    Funding,
    Participation,
    Request,
)
from workplan.delivery.services import add_attachment, file_request, record_event
from workplan.directory.models import Accreditation, Member, Partner, Person
from workplan.framework.models import Objective
from workplan.plans.models import Action
from workplan.plans.services import import_plan
from workplan.surveys import services as survey_services

pytestmark = pytest.mark.django_db

# Namespaces of the project's own apps (URLs of the Django admin, auth, i18n, API docs are
# not the apps' pages).
APP_MODULE_PREFIX = "workplan."
API_NAMESPACE = "api"
ROLES = ["anonymous", "superuser", "admin", "staff", "viewer", "focal_point", "expert",
         "other_staff"]
WIDE = {"admin", "staff", "viewer"}
CHANGERS = {"admin", "staff"}  # of the office that owns the subject
VARIANTS = ("own", "office", "outside")
# Focal points and experts see only their own part of these pages' subjects.
OWN = {"focal_point": {"own"}, "expert": {"own"}}
FOCAL_ONLY = {"focal_point": {"own"}, "expert": set()}
NOBODY = {"focal_point": set(), "expert": set()}  # office-wide roles only


@dataclass(frozen=True)
class Page:
    subject: str | None = None
    kind: str = "view"  # "view", "change" or "post"
    roles: frozenset | None = None  # pages without subject: who may open them (None: all)
    narrow: dict | None = None  # role -> variants it sees (focal points and experts)
    ok: frozenset = frozenset({200})
    extra: dict = field(default_factory=dict)  # fixed parameters (e.g. an export format)
    public: bool = False  # no sign-in (a survey link): everyone, even anonymous, gets ``ok``
    shared: bool = False  # shared reference data: the same object for every variant


def roles(*names):
    return frozenset(names)


PAGES: dict[str, Page] = {
    # core
    "core:home": Page(),
    "core:search": Page(),
    # core: one's own API tokens (everyone signed in; a token of someone else is a 404)
    "core:token_list": Page(),
    "core:token_create": Page(kind="change", roles=roles(
        "superuser", "admin", "staff", "viewer", "focal_point", "expert", "other_staff")),
    "core:token_revoke": Page(kind="post"),
    # core: office administration (office admins; operators for every office)
    "core:office_list": Page(roles=roles("superuser", "admin")),
    "core:office_admin": Page("office", kind="administer"),
    "core:office_invite": Page("office", kind="administer"),
    "core:office_settings": Page("office", kind="administer"),
    "core:membership_update": Page("membership", kind="administer"),
    "core:membership_revoke": Page("membership", kind="post"),
    "core:invitation_revoke": Page("office_invitation", kind="post"),
    "core:invitation_resend": Page("office_invitation", kind="post"),
    "core:invitation_accept": Page("invite_link", public=True),
    # notifications: one's own (everyone signed in; another's is a 404), failed sends (admins)
    "notifications:notification_list": Page(),
    "notifications:notification_bell": Page(ok=frozenset({302})),  # outside htmx: to the list
    "notifications:notification_open": Page(kind="post", extra={"pk": 1}),
    "notifications:notification_read_all": Page(kind="change", ok=frozenset({405}), roles=roles(
        "superuser", "admin", "staff", "viewer", "focal_point", "expert", "other_staff")),
    "notifications:preference_edit": Page(kind="change", roles=roles(
        "superuser", "admin", "staff", "viewer", "focal_point", "expert", "other_staff")),
    "notifications:failure_list": Page(roles=roles("superuser", "admin")),
    "notifications:failure_resolve": Page(kind="post", extra={"pk": 1}),
    # directory, framework (regional reference data)
    "directory:member_list": Page(),
    "directory:member_detail": Page("member"),
    "directory:member_update": Page("member", kind="administer"),
    "directory:group_list": Page(),
    "directory:group_create": Page(kind="change", roles=roles("superuser", "admin")),
    "directory:group_update": Page("member_group", kind="administer"),
    "directory:partner_list": Page(),
    "directory:partner_create": Page(kind="change", roles=roles("superuser", "admin")),
    "directory:partner_update": Page("partner", kind="administer", shared=True),
    "directory:person_detail": Page("person", narrow=OWN),
    # an expert's own profile: no id in the URL, the record linked to the account; nobody
    # else has one (staff keep people on the office's pages)
    "directory:expert_profile": Page(kind="change", roles=roles("expert")),
    "framework:strategicplan_list": Page(),
    "framework:strategicplan_create": Page(kind="change", roles=roles("superuser", "admin")),
    "framework:strategicplan_detail": Page("strategic_plan"),
    "framework:strategicplan_update": Page("strategic_plan", kind="administer"),
    "framework:objective_create": Page("strategic_plan", kind="administer"),
    "framework:objective_detail": Page("objective"),
    "framework:objective_update": Page("objective", kind="administer"),
    "framework:objective_delete": Page("objective", kind="post"),
    # plans
    "plans:workplan_list": Page(),
    "plans:workplan_import": Page(kind="change", roles=roles("superuser", "admin")),
    "plans:action_detail": Page("action"),
    "plans:activity_detail": Page("activity"),
    "plans:workplan_detail": Page("plan"),
    "plans:workplan_export": Page("plan", extra={"fmt": "json"}),
    # plans: planning (versions, review, drafting, the editor)
    "plans:workplan_versions": Page("plan"),
    "plans:workplan_diff": Page("plan"),
    "plans:workplan_review": Page("plan"),
    "plans:workplan_suggestions": Page("plan"),
    "plans:workplan_step": Page("plan", kind="post", extra={"step": "save"}),
    "plans:comment_add": Page("plan", kind="post"),
    "plans:workplan_draft_next": Page("plan", kind="post"),
    "plans:suggestions_accept_all": Page("plan", kind="post"),
    "plans:suggestion_decide": Page("plan", kind="post"),
    "plans:editor_step": Page("plan", kind="post", extra={"step": "move-action"}),
    "plans:workplan_edit": Page("plan", kind="change"),
    "plans:action_add": Page("plan", kind="change"),
    "plans:action_edit": Page("plan", kind="change", extra={"code": "1-(a)"}),
    "plans:activity_add": Page("plan", kind="change"),
    "plans:activity_edit": Page("activity", kind="change"),
    # delivery: events
    "delivery:event_list": Page(),
    "delivery:event_create": Page(kind="change",
                                  roles=roles("superuser", "admin", "staff", "other_staff")),
    "delivery:event_detail": Page("event", narrow=OWN),
    "delivery:event_update": Page("event", kind="change"),
    "delivery:event_transition": Page("event", kind="post"),
    "delivery:event_partner_add": Page("event", kind="change"),
    "delivery:event_partner_remove": Page("event_partner", kind="post"),
    "delivery:funding_add": Page("event", kind="change"),
    "delivery:funding_remove": Page("funding", kind="post"),
    "delivery:attachment_add": Page("event", kind="change"),
    "delivery:attachment_download": Page("attachment", narrow=OWN),
    "delivery:attachment_remove": Page("attachment", kind="post"),
    "delivery:event_participants": Page("event", narrow=OWN),
    "delivery:participation_add": Page("event", kind="post"),
    "delivery:participation_update": Page("participation", kind="change"),
    "delivery:participation_remove": Page("participation", kind="post"),
    "delivery:attendance_import": Page("event", kind="change"),
    # delivery: requests
    "delivery:request_list": Page(),
    "delivery:request_create": Page(kind="change", roles=roles(
        "superuser", "admin", "staff", "other_staff", "focal_point")),
    "delivery:request_detail": Page("request", narrow=FOCAL_ONLY),
    "delivery:request_transition": Page("request", kind="post"),
    # delivery: overview and experts
    "delivery:plan_delivery": Page("plan"),
    "delivery:member_delivery": Page("member", narrow=FOCAL_ONLY),
    "delivery:calendar": Page(),
    "delivery:calendar_ics": Page(),
    "delivery:expert_list": Page(),
    "delivery:expert_detail": Page("person", narrow=OWN),
    # indicators: the IPTT and the dashboard (published figures: whoever sees the plan)
    "indicators:indicators_home": Page(ok=frozenset({302})),
    "indicators:iptt": Page("plan"),
    "indicators:iptt_xlsx": Page("plan"),
    "indicators:dashboard": Page("plan"),
    # reports: the exporters' page; each export is scoped to what the user may see
    "reports:report_list": Page(),
    # the annual report's own words: the office-wide roles read, staff and admins write
    "reports:words_detail": Page("plan", narrow=NOBODY),
    "reports:words_finalise": Page("plan", kind="post"),
    "reports:words_reopen": Page("plan", kind="post"),
    "reports:report_download": Page(extra={"identifier": "calendar"}),
    # reports: the publications register (published items: every role of the office)
    "reports:publication_list": Page(),
    "reports:publication_create": Page(kind="change", roles=roles(
        "superuser", "admin", "staff", "other_staff")),
    "reports:publication_detail": Page("publication"),
    "reports:publication_update": Page("publication", kind="change"),
    "reports:publication_file": Page("publication"),
    # indicators: one KPI (whoever sees the plan) and its forms (office staff and admins)
    "indicators:indicator_detail": Page("indicator"),
    "indicators:indicator_binding": Page("indicator", kind="change"),
    "indicators:indicator_targets": Page("indicator", kind="change"),
    "indicators:value_create": Page("indicator", kind="change"),
    "indicators:value_review": Page("value", kind="post"),
    # indicators: the adoption register (regional reference data) and its instruments
    "indicators:adoption_register": Page(),
    "indicators:adoption_register_xlsx": Page(),
    "indicators:adoption_history": Page("adoption"),
    "indicators:adoption_record": Page("adoption", kind="post"),
    "indicators:instrument_list": Page(),
    "indicators:instrument_create": Page(kind="change", roles=roles("superuser", "admin")),
    "indicators:instrument_update": Page("instrument", kind="administer", shared=True),
    # surveys: staff pages (office-wide roles); focal points answer the needs assessment
    "surveys:survey_list": Page(),
    "surveys:survey_create": Page(kind="change",
                                  roles=roles("superuser", "admin", "staff", "other_staff")),
    "surveys:evaluation_create": Page("event", kind="post"),
    "surveys:survey_detail": Page("survey", narrow=NOBODY),
    "surveys:survey_update": Page("survey", kind="change"),
    "surveys:survey_transition": Page("survey", kind="post"),
    "surveys:question_add": Page("draft_survey", kind="change"),
    "surveys:question_update": Page("question", kind="change"),
    "surveys:question_delete": Page("question", kind="post"),
    "surveys:question_move": Page("question", kind="post"),
    "surveys:invitation_add": Page("survey", kind="change"),
    "surveys:invitation_remove": Page("invitation", kind="post"),
    "surveys:survey_send": Page("survey", kind="post"),
    "surveys:survey_remind": Page("survey", kind="post"),
    "surveys:survey_nonrespondents": Page("survey", narrow=NOBODY),
    "surveys:survey_results": Page("survey", narrow=NOBODY),
    "surveys:survey_export": Page("survey", narrow=NOBODY),
    "surveys:question_answers": Page("question", narrow=NOBODY),
    "surveys:needs_gap": Page("needs_survey", narrow=NOBODY),
    "surveys:evaluation_overview": Page(roles=roles("superuser", "admin", "staff", "viewer",
                                                    "other_staff")),
    "surveys:followup_due": Page(roles=roles("superuser", "admin", "staff", "viewer",
                                             "other_staff")),
    "surveys:followup_launch": Page("event", kind="post"),
    "surveys:member_response": Page("needs_survey", narrow=FOCAL_ONLY),
    "surveys:member_response_submit": Page("needs_survey", kind="post"),
    "surveys:respond": Page("link", public=True),
    # the same link downloads its person's certificate of the survey's event (a PDF)
    "surveys:respond_certificate": Page("certificate_link", public=True),
    # registration: person records (merging is staff's, erasing the office admin's)
    "registration:duplicate_list": Page(roles=roles("superuser", "admin", "staff",
                                                    "other_staff")),
    "registration:person_detail": Page("person", narrow=OWN),
    "registration:person_update": Page("person", kind="change"),
    "registration:person_export": Page("person", kind="change"),
    "registration:person_erase": Page("person", kind="post"),
    "registration:person_merge": Page("person", kind="post"),
    "registration:event_attendance_sheet": Page("event", kind="change"),
    # registration: the event's registration (office-wide roles; focal points their member's
    # events, where they nominate), the public and personal links, check-in (staff)
    "registration:event_registration": Page("event", narrow=FOCAL_ONLY),
    "registration:registration_settings": Page("event", kind="post"),
    # the poster (a PDF) of an open registration; of a closed one: back to the page, which
    # says why (the other office's event is held)
    "registration:registration_poster": Page("open_registration", kind="change",
                                             ok=frozenset({200, 302})),
    "registration:nominate": Page("event", kind="post"),
    "registration:registration_decide": Page("event", kind="post"),
    "registration:register": Page("registration_link", public=True,
                                  ok=frozenset({200, 410})),  # a held event: closed
    "registration:ticket": Page("ticket", public=True),
    "registration:checkin": Page("event", kind="change"),
    "registration:checkin_mark": Page("event", kind="post"),
    "registration:checkin_walk_in": Page("event", kind="post"),
    # registration: certificates (the layout is the office admins'; an event's certificates
    # its office's staff; the verification page anyone's)
    "registration:certificate_layout": Page("office", kind="administer"),
    "registration:certificate_layout_preview": Page("office", kind="administer"),
    "registration:event_certificates": Page("event", kind="change"),
    "registration:certificates_issue": Page("event", kind="post"),
    "registration:certificates_email": Page("event", kind="post"),
    "registration:event_certificates_pdf": Page("event", kind="change"),
    "registration:certificate_pdf": Page("certificate", kind="change"),
    "registration:certificate_revoke": Page("certificate", kind="post"),
    "registration:certificate_reissue": Page("certificate", kind="post"),
    "registration:verify_form": Page(public=True),
    "registration:verify": Page("certificate_code", public=True),
}


def app_patterns():
    """(URL name, pattern) of every pattern whose view lives in the project's apps."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace == API_NAMESPACE:
                continue  # the REST API has its own matrix (tests/api/test_matrix.py)
            if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
                continue  # the Django admin (some of its views are ours): test_admin_walk.py
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns,
                     ":".join(p for p in (namespace, pattern.namespace) if p) or None)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(APP_MODULE_PREFIX):
                    name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                    found.append((name, pattern))

    walk(get_resolver().url_patterns, None)
    return found


def parameters(pattern) -> set[str]:
    return set(pattern.pattern.converters)


# --- the world ----------------------------------------------------------------------------------

ESA_PLAN = (
    "ROCB ESA Annual Work Plan (2024-2025)\n\n"
    "1. Support the implementation of WCO instruments\n\n"
    "Specific Actions (Relevance to RSP 2024-2026)\tActivities\tKPI\n"
    "a) Assist members with risk management (RSP 1.1.1 \u2013 1st milestone)\t"
    "\u27a4 National workshop on risk management for Kenya\tNumber of members assisted\n"
)


@dataclass
class World:
    users: dict
    subjects: dict  # subject -> {variant: kwargs for reverse()}
    objects: dict  # subject -> {variant: object}


def _kwargs(subject, obj) -> dict:
    if subject == "member":
        return {"iso3": obj.iso3}
    if subject == "plan":
        return {"office_code": obj.office.code, "period": obj.period}
    if subject == "event_partner":
        return {"pk": obj.event_id, "link": obj.pk}
    if subject in ("link", "registration_link", "ticket", "certificate_link"):
        return {"token": obj.raw_token}
    if subject == "adoption":
        return {"iso3": obj.member.iso3, "code": obj.instrument.code}
    if subject == "office":
        return {"office_code": obj.code}
    if subject == "instrument":
        return {"code": obj.code}
    if subject == "invite_link":
        return {"token": obj.raw_token}
    if subject == "certificate_code":
        return {"code": obj.code}
    return {"pk": obj.pk}


@pytest.fixture
def world(office, seed_plan, other_office, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    Demo(office).run()
    lao, vnm, ken = (Member.objects.get(iso3=code) for code in ("LAO", "VNM", "KEN"))
    esa_plan = import_plan(ESA_PLAN.encode(), other_office, source_name="esa.txt").work_plan
    partner = Partner.objects.order_by("pk").first()

    make = django_user_model.objects.create_user
    users = {"superuser": django_user_model.objects.create_superuser("root", "r@x.example",
                                                                     "unused-pw-1")}
    for role in ("admin", "staff", "viewer"):
        users[role] = make(f"matrix-{role}")
        Membership.objects.create(user=users[role], office=office, role=role)
    users["focal_point"] = make("matrix-focal")
    Membership.objects.create(user=users["focal_point"], office=office, role="focal_point",
                              member=lao)
    users["expert"] = make("matrix-expert")
    Membership.objects.create(user=users["expert"], office=office, role="expert")
    users["other_staff"] = make("matrix-other")
    Membership.objects.create(user=users["other_staff"], office=other_office, role="staff")

    # Events: the focal point's member hosts "own" (the expert was deployed there), "office"
    # is another member's, "outside" is the other office's.
    own_event = (Event.objects.filter(office=office, host_member=lao, level="national",
                                      status="held").order_by("pk").first())
    assert own_event, "the demo has national events held in LAO"
    # Planned (not held), so that every step the refused users try would be a valid one.
    office_event = record_event(
        office=office, title="VNM workshop", kind="workshop", level="national",
        start_date=dt.date(2025, 5, 5), end_date=dt.date(2025, 5, 7), status="planned",
        host_member=vnm, beneficiaries=[vnm])
    EventPartner.objects.create(event=office_event, partner=partner, role="funder")
    Funding.objects.create(event=office_event, partner=partner, amount=2000)
    Participation.objects.create(
        event=office_event, member=vnm,
        person=Person.objects.filter(office=office, member=vnm).order_by("pk").first())
    outside_event = record_event(
        office=other_office, title="ESA workshop", kind="workshop", level="national",
        start_date=dt.date(2024, 10, 1), end_date=dt.date(2024, 10, 3), status="held",
        activity=esa_plan.activities.get(), host_member=ken, beneficiaries=[ken])
    EventPartner.objects.create(event=outside_event, partner=partner, role="funder")
    Funding.objects.create(event=outside_event, partner=partner, amount=1000)

    expert = Person.objects.create(office=office, full_name="Matrix Expert", member=lao,
                                   user=users["expert"], gender="female")
    Accreditation.objects.create(person=expert, area="AEO", accredited_on=dt.date(2022, 1, 1))
    own_participation = Participation.objects.create(event=own_event, person=expert,
                                                     member=lao, role="expert")
    office_expert = (Person.objects.filter(office=office, accreditations__isnull=False)
                     .exclude(member=lao).order_by("pk").first())
    outside_expert = Person.objects.create(office=other_office, full_name="ESA Expert",
                                           member=ken)
    Accreditation.objects.create(person=outside_expert, area="AEO",
                                 accredited_on=dt.date(2022, 1, 1))
    outside_participation = Participation.objects.create(
        event=outside_event, person=outside_expert, member=ken, role="expert")

    attachments = {variant: add_attachment(event, name=f"{variant}.pdf", data=b"%PDF-1.4 x",
                                           kind="report")
                   for variant, event in (("own", own_event), ("office", office_event),
                                          ("outside", outside_event))}
    requests = {"own": file_request(office=office, member=lao, topic="LAO asks"),
                "office": file_request(office=office, member=vnm, topic="VNM asks"),
                "outside": file_request(office=other_office, member=ken, topic="KEN asks")}

    surveys = _survey_world(office, other_office, own_event, office_event, outside_event, lao)
    registrations = _registration_world(own_event, office_event, outside_event, lao)
    publications = _publication_world(office, other_office, lao, ken)
    administration = _administration_world(office, other_office, users, ken)
    indicators = _indicator_world(seed_plan, esa_plan, users["staff"], (lao, vnm, ken))

    rsp = seed_plan.strategic_plan
    objects = {
        "member": {"own": lao, "office": vnm, "outside": ken},
        "strategic_plan": {"own": rsp, "office": rsp, "outside": esa_plan.strategic_plan},
        "objective": {"own": Objective.objects.get(strategic_plan=rsp, code="1.1.1"),
                      "office": Objective.objects.get(strategic_plan=rsp, code="1.1.1"),
                      "outside": Objective.objects.get(strategic_plan=esa_plan.strategic_plan,
                                                       code="1.1.1")},
        "plan": {"own": seed_plan, "office": seed_plan, "outside": esa_plan},
        "action": {"own": Action.objects.get(work_plan=seed_plan, code="1-(a)"),
                   "office": Action.objects.get(work_plan=seed_plan, code="1-(a)"),
                   "outside": esa_plan.actions.get()},
        "activity": {"own": seed_plan.activities.order_by("position").first(),
                     "office": seed_plan.activities.order_by("position").first(),
                     "outside": esa_plan.activities.get()},
        "event": {"own": own_event, "office": office_event, "outside": outside_event},
        "event_partner": {v: EventPartner.objects.filter(event=e).order_by("pk").first()
                          for v, e in (("own", own_event), ("office", office_event),
                                       ("outside", outside_event))},
        "funding": {v: Funding.objects.filter(event=e).order_by("pk").first()
                    for v, e in (("own", own_event), ("office", office_event),
                                 ("outside", outside_event))},
        "attachment": attachments,
        "participation": {"own": own_participation,
                          "office": Participation.objects.filter(event=office_event)
                          .order_by("pk").first(),
                          "outside": outside_participation},
        "request": requests,
        "person": {"own": expert, "office": office_expert, "outside": outside_expert},
        **surveys,
        **registrations,
        **indicators,
        **publications,
        **administration,
    }
    for subject, variants in objects.items():
        for variant, obj in variants.items():
            assert obj is not None, f"no {variant} {subject} in the test world"
    subjects = {subject: {variant: _kwargs(subject, obj) for variant, obj in variants.items()}
                for subject, variants in objects.items()}
    return World(users=users, subjects=subjects, objects=objects)


def _survey_world(office, other_office, own_event, office_event, outside_event, lao) -> dict:
    """Surveys of each variant: the office's open needs assessment (the focal point's own),
    drafts of the office (an evaluation, next year's needs assessment), the other office's
    draft evaluation and open needs assessment; invitations with live links (tokens kept
    here, as only the e-mails would carry them)."""
    from django.core.cache import cache

    cache.clear()  # survey links are rate-limited per address: start from zero
    create, move = survey_services.create_survey, survey_services.move_survey
    needs = move(create(office=office, kind="needs", fiscal_year=2024), "open")
    office_draft = survey_services.create_event_survey(office_event, "evaluation")[0]
    office_needs_draft = create(office=office, kind="needs", fiscal_year=2025)
    outside_draft = survey_services.create_event_survey(outside_event, "evaluation")[0]
    outside_needs = move(create(office=other_office, kind="needs", fiscal_year=2024), "open")

    def invitation(survey, email, member=None):
        survey_services.invite(survey, [{"name": email, "email": email, "member": member}])
        found = survey.invitations.get(email=email)
        found.raw_token = survey_services.issue_token(found)
        found.save()
        return found

    return {
        "survey": {"own": needs, "office": office_draft, "outside": outside_needs},
        "draft_survey": {"own": office_draft, "office": office_needs_draft,
                         "outside": outside_draft},
        "needs_survey": {"own": needs, "office": office_needs_draft, "outside": outside_needs},
        "question": {"own": office_draft.questions.order_by("position").first(),
                     "office": office_needs_draft.questions.order_by("position").first(),
                     "outside": outside_draft.questions.order_by("position").first()},
        "invitation": {"own": invitation(needs, "lao-fp@customs.example", lao),
                       "office": invitation(office_draft, "vnm@customs.example"),
                       "outside": invitation(outside_needs, "ken@customs.example")},
        "link": {"own": invitation(needs, "link-own@customs.example", lao),
                 "office": invitation(needs, "link-office@customs.example"),
                 "outside": invitation(outside_needs, "link-out@customs.example")},
    }


def _registration_world(own_event, office_event, outside_event, lao) -> dict:
    """Open registration links of each event, and a confirmed registration (with its personal
    link) at each, checked in, with its certificate of participation."""
    from workplan.registration import services as registration
    from workplan.registration.models import Certificate

    links, tickets, certificates = {}, {}, {}
    closes = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    for variant, event in (("own", own_event), ("office", office_event),
                           ("outside", outside_event)):
        window = registration.open_registration(event, closes_at=closes)
        window.raw_token = registration.link_token(window)
        links[variant] = window
        one = registration.register(event, full_name=f"Registered {variant}",
                                    email=f"reg-{variant}@x.example", gender="female",
                                    member=lao if variant == "own" else None, source="staff")
        one = registration.confirm_registration(one)
        # The e-mail's task makes the link; no mail server here: mint one as it does.
        one.raw_token = registration.mint_ticket(one)
        one.save()
        tickets[variant] = one
        # They came: checked in, with a certificate (made here for them alone, so that the
        # event's PDF is one page).
        one.refresh_from_db()
        registration.check_in(one.participation)
        certificates[variant] = Certificate.objects.create(
            participation=one.participation, event=event, person=one.person,
            code=registration.new_code(), full_name=one.full_name)
    return {"registration_link": links, "ticket": tickets, "certificate": certificates,
            "certificate_code": certificates,
            # The events whose registration is open (the office's own event is held).
            "open_registration": {"own": office_event, "office": office_event,
                                  "outside": outside_event},
            "certificate_link": _certificate_links(certificates)}


def _certificate_links(certificates) -> dict:
    """Survey links (of each event's evaluation) of the people who have a certificate: the
    link downloads it."""
    from workplan.surveys.models import Survey

    links = {}
    for variant, certificate in certificates.items():
        event = certificate.event
        survey = (Survey.objects.filter(event=event, kind="evaluation").first()
                  or survey_services.create_event_survey(event, "evaluation")[0])
        survey_services.invite(survey, [{"name": certificate.full_name,
                                         "email": f"cert-{variant}@x.example",
                                         "person": certificate.person}])
        invitation = survey.invitations.get(email=f"cert-{variant}@x.example")
        invitation.raw_token = survey_services.issue_token(invitation)
        invitation.save()
        links[variant] = invitation
    return links


def _publication_world(office, other_office, lao, ken) -> dict:
    """Publications with a file: an article LAO (the focal point's member) submitted, a
    newsletter issue of the office, and an article of the other office."""
    from workplan.reports.services import record_publication

    def add(owner, kind, member):
        return record_publication(office=owner, kind=kind, title=f"{kind} of {owner.code}",
                                  date=dt.date(2024, 10, 1), member=member,
                                  file=("issue.pdf", b"%PDF-1.4 x"))

    return {"publication": {"own": add(office, "article", lao),
                            "office": add(office, "newsletter", None),
                            "outside": add(other_office, "article", ken)}}


def _administration_world(office, other_office, users, ken) -> dict:
    """What the office administration pages take: offices, roles, invitations (their links
    kept here, as only the e-mails carry them), member groups, a partner, an instrument."""
    from workplan.core.services import invite, mint_invitation_link
    from workplan.directory.models import MemberGroup
    from workplan.indicators.models import Instrument

    def invitation(owner, email):
        found = invite(owner, email, "staff")
        # The e-mail's task makes the link; no mail server here: mint one as it does.
        found.raw_token = mint_invitation_link(found)
        found.save()
        return found

    invitations = {"own": invitation(office, "own-invite@customs.example"),
                   "office": invitation(office, "office-invite@customs.example"),
                   "outside": invitation(other_office, "esa-invite@customs.example")}
    esa_group = MemberGroup.objects.create(region=other_office.region, name="East Africa")
    esa_group.members.set([ken])
    partner = Partner.objects.get(acronym="OCO")
    rkc = Instrument.objects.get(code="rkc")
    return {
        "office": {"own": office, "office": office, "outside": other_office},
        "membership": {"own": users["viewer"].memberships.get(),
                       "office": users["expert"].memberships.get(),
                       "outside": users["other_staff"].memberships.get()},
        "office_invitation": invitations,
        "invite_link": invitations,
        "member_group": {"own": MemberGroup.objects.get(region=office.region,
                                                        name="Pacific Islands"),
                         "office": MemberGroup.objects.get(region=office.region,
                                                           name="All Countries"),
                         "outside": esa_group},
        "partner": {"own": partner, "office": partner, "outside": partner},
        "instrument": {"own": rkc, "office": rkc, "outside": rkc},
    }


def _indicator_world(seed_plan, esa_plan, staff, members) -> dict:
    """KPIs (the office's manual 3-(d), the other office's only one), a submitted value of
    each, and a recorded RKC status of each member (the focal point's own, another of the
    region, the other region's)."""
    from workplan.indicators.models import Indicator, Instrument
    from workplan.indicators.services import add_value, record_adoption

    kpi = Indicator.objects.get(action__work_plan=seed_plan, action__code="3-(d)")
    outside = Indicator.objects.get(action__work_plan=esa_plan)
    outside.measure = "manual"
    outside.save()
    values = {kpi: add_value(kpi, user=staff, on=dt.date(2024, 10, 1), value=2,
                             description="Shared", evidence="Minutes", submit=True),
              outside: add_value(outside, user=None, on=dt.date(2024, 10, 1), value=1,
                                 description="Shared", evidence="Minutes", submit=True)}
    rkc = Instrument.objects.get(code="rkc")
    own, office_member, outside_member = (
        record_adoption(member=m, instrument=rkc, status=2, since=dt.date(2023, 1, 1),
                        evidence="Roadmap") for m in members)
    return {
        "indicator": {"own": kpi, "office": kpi, "outside": outside},
        "value": {"own": values[kpi], "office": values[kpi], "outside": values[outside]},
        "adoption": {"own": own, "office": office_member, "outside": outside_member},
    }


def url_for(name: str, page: Page, world: World, variant: str) -> str:
    kwargs = dict(page.extra)
    if page.subject is not None:
        kwargs.update(world.subjects[page.subject][variant])
    return reverse(name, kwargs=kwargs)


def variants_of(page: Page):
    return VARIANTS if page.subject is not None else (None,)


# --- what each role should get ------------------------------------------------------------------


def expected_get(page: Page, role: str, variant: str | None) -> frozenset:
    if page.public:
        return page.ok
    if role == "anonymous":
        return frozenset({302})
    if page.kind == "post":
        return frozenset({405})
    if role == "superuser":
        return page.ok if page.roles is None or role in page.roles else frozenset({404})
    if page.kind == "administer":
        if page.shared or variant != "outside":
            return page.ok if role == "admin" else frozenset({404})
        return frozenset({404})  # other_staff is staff of the other office, not its admin
    if page.subject is None:
        allowed = page.roles is None or role in page.roles
        return page.ok if allowed else frozenset({404})
    if variant == "outside":
        return page.ok if role == "other_staff" else frozenset({404})
    if role == "other_staff":
        return frozenset({404})
    if page.kind == "change":
        return page.ok if role in CHANGERS else frozenset({404})
    if role in WIDE:
        return page.ok
    sees = page.narrow.get(role, set()) if page.narrow is not None else {"own", "office"}
    return page.ok if variant in sees else frozenset({404})


# --- the tests ----------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    """A new page must be added to PAGES (with what fills its parameters), or this fails
    with its name."""
    patterns = app_patterns()
    unknown = sorted(name for name, _pattern in patterns if name not in PAGES)
    assert not unknown, ("URL patterns the permission matrix does not know how to fill "
                         f"(add them to PAGES in {__file__}): {', '.join(unknown)}")
    stale = sorted(set(PAGES) - {name for name, _pattern in patterns})
    assert not stale, f"PAGES names URL patterns that no longer exist: {', '.join(stale)}"
    for name, pattern in patterns:
        page = PAGES[name]
        filled = set(page.extra)
        if page.subject is not None:
            filled |= set(_kwargs(page.subject, _Probe()))
        assert parameters(pattern) == filled, (
            f"{name}: the pattern takes {sorted(parameters(pattern))}, the matrix fills "
            f"{sorted(filled)}")


class _Probe:
    """Stands in for an object when checking which parameters a subject fills."""

    pk = iso3 = event_id = 1
    raw_token = code = "x"
    period = "2024-2025"

    class office:  # noqa: N801
        code = "X"

    class member:  # noqa: N801
        iso3 = "X"

    class instrument:  # noqa: N801
        code = "x"


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, world, role):
    """GET every page of every app, for each subject variant, as ``role``."""
    if role != "anonymous":
        client.force_login(world.users[role])
    wrong = []
    for name, _pattern in app_patterns():
        page = PAGES[name]
        for variant in variants_of(page):
            url = url_for(name, page, world, variant)
            response = client.get(url)
            expected = expected_get(page, role, variant)
            if response.status_code not in expected:
                wrong.append(f"{name} [{variant or '-'}] {url}: got {response.status_code}, "
                             f"expected {'/'.join(map(str, sorted(expected)))}")
            elif role == "anonymous" and not page.public:
                assert response["Location"].startswith(reverse("login")), url
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


def _fingerprint() -> str:
    """A digest of every row of the apps' tables (history included)."""
    digest = hashlib.sha256()
    for label in ("core", "directory", "framework", "plans", "indicators", "delivery",
                  "surveys", "reports", "registration"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy:
                continue
            rows = model._base_manager.order_by("pk").values_list()
            digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    for model in (apps.get_model("auth", "User"),):
        digest.update(repr(list(model.objects.order_by("pk").values_list(
            "pk", "is_staff", "is_superuser"))).encode())
    return digest.hexdigest()


def _pdf():
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4 sneaked in", content_type="application/pdf")


def post_data(name: str, world: World, variant: str | None) -> dict:
    """Data that would make the step succeed for someone allowed to take it."""
    objects = world.objects
    event = objects["event"].get(variant) if variant else None
    request = objects["request"].get(variant) if variant else None
    office = objects["plan"]["office"].office
    partner = Partner.objects.order_by("pk").first()
    data = {
        "delivery:event_transition": lambda: {"status": "cancelled", "version": event.version},
        "delivery:request_transition": lambda: {"status": "accepted",
                                                "version": request.version},
        "delivery:request_create": lambda: {"office": office.pk,
                                            "member": objects["member"]["own"].pk,
                                            "topic": "Sneaked in"},
        "delivery:event_create": lambda: {
            "office": office.pk, "title": "Sneaked in", "kind": "workshop",
            "level": "national", "start_date": "2025-01-06", "end_date": "2025-01-07",
            "mode": "in_person", "status": "planned", "office_role": "organised"},
        "delivery:attachment_add": lambda: {"kind": "report", "file": _pdf()},
        "delivery:attendance_import": lambda: {"file": SimpleUploadedFile(
            "sheet.csv", b"name,gender,member\nSam Sneak,male,LAO\n", content_type="text/csv")},
        "delivery:event_partner_add": lambda: {"partner": partner.pk, "role": "funder"},
        "delivery:funding_add": lambda: {"partner": partner.pk, "amount": "100",
                                         "currency": "USD"},
        "delivery:participation_add": lambda: {"full_name": "Sam Sneak", "gender": "male",
                                               "member": objects["member"]["own"].pk,
                                               "role": "participant"},
        "delivery:event_update": lambda: {"title": "Sneaked in", "version": event.version},
        "plans:workplan_import": lambda: {"office": office.pk, "file": SimpleUploadedFile(
            "plan.txt", ESA_PLAN.encode(), content_type="text/plain")},
        "plans:workplan_step": lambda: {"note": "Sneaked in"},
        "plans:comment_add": lambda: {"text": "Sneaked in"},
        "plans:editor_step": lambda: {"code": "1-(b)", "direction": "up"},
        **_survey_post_data(objects, variant, office),
        "indicators:indicator_binding": lambda: {
            "measure": "events_held", "scope": "office", "direction": "decrease",
            "version": objects["indicator"][variant].version},
        "indicators:indicator_targets": lambda: {
            "fy_target": "12", "q1_target": "3",
            "version": objects["indicator"][variant].version},
        "indicators:value_create": lambda: {"on": "2024-11-05", "value": "3",
                                            "description": "Sneaked in", "evidence": "x"},
        "indicators:value_review": lambda: {"to": "returned", "note": "Sneaked in"},
        "indicators:adoption_record": lambda: {"status": "3", "since": "2024-01-01",
                                               "evidence": "Sneaked in"},
        "indicators:instrument_create": lambda: {"code": "sneaked", "name": "Sneaked in",
                                                 "kind": "tool", "top_status_label": "used"},
        "core:office_invite": lambda: {"email": "sneak@example.org", "role": "staff"},
        "core:office_settings": lambda: {"name": "Sneaked in", "short_name": "Sneak",
                                         "fiscal_year_start_month": 7},
        "core:membership_update": lambda: {"role": "staff"},
        "directory:member_update": lambda: {"aliases": "Sneaked in", "sub_region": "X"},
        "directory:group_create": lambda: {"name": "Sneaked in",
                                           "members": [objects["member"]["own"].pk]},
        "directory:group_update": lambda: {"name": "Sneaked in",
                                           "members": [objects["member"]["own"].pk]},
        "directory:partner_create": lambda: {"name": "Sneaked in", "kind": "donor"},
        "registration:person_update": lambda: {
            "full_name": "Sneaked in", "gender": "female",
            "version": objects["person"][variant].version},
        "framework:strategicplan_create": lambda: {"title": "Sneaked in", "start_year": 2040,
                                                   "end_year": 2042},
        "framework:strategicplan_update": lambda: {
            "title": "Sneaked in", "start_year": objects["strategic_plan"][variant].start_year,
            "end_year": objects["strategic_plan"][variant].end_year},
        "framework:objective_create": lambda: {"code": "9.9", "title": "Sneaked in"},
        "framework:objective_update": lambda: {"code": objects["objective"][variant].code,
                                               "title": "Sneaked in", "milestones": "1. X"},
        "directory:partner_update": lambda: {"name": "Sneaked in", "kind": "donor"},
        "indicators:instrument_update": lambda: {"name": "Sneaked in", "kind": "tool",
                                                 "top_status_label": "used"},
        "reports:publication_create": lambda: {"office": office.pk, "kind": "newsletter",
                                               "title": "Sneaked in", "date": "2024-10-01"},
        "reports:publication_update": lambda: {
            "kind": "newsletter", "title": "Sneaked in", "date": "2024-10-01",
            "version": objects["publication"][variant].version},
    }.get(name)
    return data() if data else {}


def _survey_post_data(objects, variant, office) -> dict:
    """Survey steps with data that would succeed for someone allowed to take them."""
    if variant is None:
        return {"surveys:survey_create": lambda: {"office": office.pk, "kind": "custom",
                                                  "fiscal_year": 2024, "title": "Sneaked in"}}
    survey = objects["survey"][variant]
    needs = objects["needs_survey"][variant]
    question = {"kind": "text", "text": "Sneaked in?", "required": "on", "scale_max": 5}

    def needs_answers():
        ranking = needs.questions.get(kind="ranking")
        return {f"q{ranking.pk}_1": ranking.choices[0]["value"], "seen": ""}

    return {
        "surveys:survey_transition": lambda: {
            "status": "closed" if survey.status == "open" else "open"},
        "surveys:survey_update": lambda: {"title": "Sneaked in", "version": survey.version},
        "surveys:question_add": lambda: question,
        "surveys:question_update": lambda: {
            **question, "version": objects["question"][variant].version},
        "surveys:question_move": lambda: {"direction": "down"},
        "surveys:invitation_add": lambda: {"addresses": "sneak@example.org"},
        "surveys:member_response_submit": needs_answers,
    }


# Who must be refused a POST, for which variants: the viewer everywhere; focal points, experts
# and other offices' staff on the office's own records.
REFUSED_POSTERS = {
    "viewer": ("own", "office"),
    "focal_point": ("office",),
    "expert": ("own", "office"),
    "other_staff": ("own", "office"),
    "anonymous": ("own", "office"),
}
# Read-only pages that answer a POST as they answer a GET (their views do not restrict the
# method): harmless, since they write nothing (the fingerprint below proves it), but they
# should say 405 like the others (add @require_GET); then drop them from here.
POST_ANSWERS = {
    "directory:member_list": frozenset({200, 405}),
    "directory:member_detail": frozenset({200, 404, 405}),
    # the report's words: staff's empty form is refused on the page (nothing saved); others 404
    "reports:words_detail": frozenset({200, 400, 404}),
    # Public read-only pages (the certificate check): GET only, nothing to post.
    "registration:verify_form": frozenset({405}),
    "registration:verify": frozenset({405}),
    "surveys:respond_certificate": frozenset({405}),
}


def expected_post(name: str, page: Page, role: str) -> frozenset:
    if page.public:
        # a survey or registration link: the empty form is refused, nothing saved (a link
        # that takes nothing any more, e.g. an event held, says so: its ``ok`` other than 200);
        # a public page that only shows something answers 405
        return POST_ANSWERS.get(name) or frozenset({400}) | (page.ok - {200})
    if role == "anonymous":
        return frozenset({302})
    if page.kind == "view":
        return POST_ANSWERS.get(name, frozenset({405}))
    if page.subject is None and page.roles is not None and role in page.roles:
        return frozenset()  # allowed to post here (e.g. a focal point files a request)
    return frozenset({403, 404})


@pytest.mark.parametrize("role", sorted(REFUSED_POSTERS))
def test_post_is_refused_and_changes_nothing(client, world, role):
    """Every state-changing endpoint (and every page) refuses a POST from ``role`` with a
    403/404 (405 for read-only pages), never a 200 or a redirect after success, and the
    database is exactly as before."""
    if role != "anonymous":
        client.force_login(world.users[role])
    before = _fingerprint()
    wrong, tried = [], set()
    for name, _pattern in app_patterns():
        page = PAGES[name]
        expected = expected_post(name, page, role)
        if not expected:
            continue
        for variant in (variants_of(page) if page.subject else (None,)):
            if variant is not None and variant not in REFUSED_POSTERS[role]:
                continue
            url = url_for(name, page, world, variant)
            response = client.post(url, post_data(name, world, variant))
            tried.add(name)
            if response.status_code not in expected:
                wrong.append(f"{name} [{variant or '-'}] {url}: got {response.status_code}")
            elif role == "anonymous" and not page.public:
                assert response["Location"].startswith(reverse("login")), url
    assert not wrong, f"POST as {role}:\n  " + "\n  ".join(wrong)
    assert _fingerprint() == before, f"a POST as {role} changed the database"
    if role == "viewer":
        must = {"delivery:event_transition", "delivery:request_transition",
                "delivery:request_create", "delivery:attachment_add",
                "plans:workplan_import"}
        assert must <= tried


def test_allowed_posts_do_change_the_database(client, world):
    """The POST data above is good: the same steps taken by office staff (and the import by
    an admin) succeed, so the refusals are about permission, not about bad data."""
    staff = world.users["staff"]
    client.force_login(staff)
    event = world.objects["event"]["office"]
    response = client.post(reverse("delivery:event_transition", args=[event.pk]),
                           post_data("delivery:event_transition", world, "office"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"
    request = world.objects["request"]["office"]
    client.post(reverse("delivery:request_transition", args=[request.pk]),
                post_data("delivery:request_transition", world, "office"))
    request.refresh_from_db()
    assert request.status == "accepted"
    before = Request.objects.count()
    response = client.post(reverse("delivery:request_create"),
                           post_data("delivery:request_create", world, None))
    assert response.status_code == 302 and Request.objects.count() == before + 1
    before = Attachment.objects.count()
    client.post(reverse("delivery:attachment_add", args=[event.pk]),
                post_data("delivery:attachment_add", world, "office"))
    assert Attachment.objects.count() == before + 1
    client.force_login(world.users["admin"])
    response = client.post(reverse("plans:workplan_import"),
                           post_data("plans:workplan_import", world, None))
    assert response.status_code == 200  # the preview, before confirming
    assert "ESA" in response.content.decode() or "preview" in response.content.decode().lower()


def test_matrix_table_is_what_the_issue_asks():
    """The headline rules, spelled out (the general rule is ``expected_get``)."""
    event, request, member = (PAGES["delivery:event_detail"], PAGES["delivery:request_detail"],
                              PAGES["delivery:member_delivery"])
    assert expected_get(request, "focal_point", "own") == {200}
    assert expected_get(request, "focal_point", "office") == {404}
    assert expected_get(event, "focal_point", "own") == {200}
    assert expected_get(event, "focal_point", "office") == {404}
    assert expected_get(event, "expert", "own") == {200}
    assert expected_get(event, "expert", "office") == {404}
    assert expected_get(member, "expert", "own") == {404}
    for role in ("admin", "staff", "viewer", "focal_point", "expert"):
        assert expected_get(event, role, "outside") == {404}
    assert expected_get(event, "superuser", "outside") == {200}
    assert expected_get(PAGES["delivery:event_update"], "viewer", "office") == {404}
