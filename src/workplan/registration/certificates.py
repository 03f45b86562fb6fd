"""Certificates of participation as PDF: the data computed here, Typst lays it out
(``templates/registration/certificate.typ``) in a child process, like the annual report
(``reports.render.typeset``).

Who gets one is the figure's definition: ``Participation.objects.participants()`` (attended, as
a participant). The data goes to Typst as JSON, so a name is set as text, never read as markup;
the logo, the signature and the QR code of the verification page travel as SVG text (the two
pictures inside as base64) and each has alternative text (the PDF is PDF/UA-1).
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workplan.core.links import absolute
from workplan.delivery.models import Participation
from workplan.reports.data.events import country_name, date_range, venue
from workplan.reports.render.typeset import FONTS, typeset_each, typeset_pdf

log = logging.getLogger(__name__)

TEMPLATE = str(Path(__file__).resolve().parent / "templates" / "registration"
               / "certificate.typ")


def eligible(event):
    """The participations of ``event`` that get a certificate: its participants, as every
    figure counts them (attended, as participants)."""
    return Participation.objects.filter(event=event).participants()


def valid_for(person_id, event_id):
    """The valid certificate (neither revoked nor withdrawn) of a person at an event, else
    None: what a participant downloads through a survey link of that event."""
    from .models import Certificate

    if person_id is None or event_id is None:
        return None
    return (Certificate.objects.valid().filter(person_id=person_id, event_id=event_id)
            .select_related("event__office").order_by("-issued_at", "-pk").first())


def verify_url(code: str) -> str:
    return absolute(reverse("registration:verify", args=[code]))


@dataclass
class Picture:
    svg: str
    alt: str


def picture(field, alt: str) -> Picture | None:
    """A PNG or JPEG of the layout as an SVG that carries it (Typst reads it from the JSON);
    None when there is none, or when the stored file is missing or damaged (the certificate is
    then made without it, and the log says so)."""
    from workplan.reports.services import image_info

    if not field:
        return None
    try:
        with field.open("rb") as handle:
            data = handle.read()
        content_type, width, height = image_info(data)
    except (OSError, ValueError) as error:
        log.warning("certificate image %s left out: %s", field.name, error)
        return None
    encoded = base64.b64encode(data).decode("ascii")
    return Picture(
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" '
        f'xlink:href="data:{content_type};base64,{encoded}"/></svg>', alt)


def qr_svg(url: str, border: int = 0) -> str:
    """The QR code of ``url`` as SVG text (``border``: the light margin, in modules)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, scale=4, border=border,
                                    dark="#1b1f24")
    return buffer.getvalue().decode("utf-8")


def common_data(event, layout) -> dict:
    """What every certificate of ``event`` says alike: the office's layout, the event."""
    from workplan.directory.models import Member

    office = event.office
    names = dict(Member.objects.filter(region_id=office.region_id)
                 .values_list("iso3", "name"))
    head = layout.head_name.strip() if layout else ""
    signature = picture(layout.signature, _("Signature of %(name)s") % {"name": head}
                        if head else _("Signature of the head of office")) if layout else None
    logo = picture(layout.logo, _("Logo of %(office)s") % {"office": office.name}) \
        if layout else None
    today = timezone.localdate()
    return {
        "lang": (translation.get_language() or "en").split("-")[0],
        "fonts": FONTS,
        "date": [today.year, today.month, today.day],
        "office": office.name,
        "heading": (layout.heading.strip() if layout and layout.heading.strip()
                    else _("Certificate of participation")),
        "intro": _("This is to certify that"),
        "statement": (layout.statement.strip() if layout and layout.statement.strip()
                      else _("participated in")),
        "event": event.title,
        "dates": date_range(event.start_date, event.end_date),
        "venue": venue(event.city, country_name(event.country, names), event.mode),
        "head_name": head,
        "head_title": layout.head_title.strip() if layout else "",
        "signature": signature.svg if signature else None,
        "signature_alt": signature.alt if signature else "",
        "logo": logo.svg if logo else None,
        "logo_alt": logo.alt if logo else "",
        "code_label": _("Verification code"),
        "check_label": _("Check this certificate at"),
        "qr_alt": _("QR code of this certificate's verification page"),
    }


def page_data(certificate) -> dict:
    url = verify_url(certificate.code)
    return {"name": certificate.full_name, "code": certificate.display_code, "url": url,
            "qr": qr_svg(url)}


def document(common: dict, pages: list[dict], title: str) -> dict:
    return {**common, "title": title, "pages": pages}


def layout_of(office):
    from .models import CertificateLayout

    return CertificateLayout.objects.filter(office=office).first()


def event_pdf(event, certificates) -> bytes:
    """One PDF for the event: a page per certificate (in the order given)."""
    common = common_data(event, layout_of(event.office))
    title = _("Certificates of participation: %(event)s") % {"event": event.title}
    return typeset_pdf(TEMPLATE, document(common, [page_data(c) for c in certificates], title))


def single_pdf(certificate) -> bytes:
    event = certificate.event
    common = common_data(event, layout_of(event.office))
    return typeset_pdf(TEMPLATE, document(common, [page_data(certificate)],
                                          _title(certificate, event)))


def each_pdf(event, certificates) -> list[bytes]:
    """A PDF per certificate (for the e-mails), all made by one Typst process."""
    common = common_data(event, layout_of(event.office))
    return typeset_each(TEMPLATE, [document(common, [page_data(c)], _title(c, event))
                                   for c in certificates])


def sample_pdf(office, layout) -> bytes:
    """The layout as it prints, on a sample event and participant (the admins' preview)."""
    import datetime as dt

    from workplan.delivery.models import Event

    today = timezone.localdate()
    event = Event(office=office, title=_("Regional workshop (sample)"), kind="workshop",
                  level="regional", start_date=today, end_date=today + dt.timedelta(days=2),
                  city=office.city, country=office.country)
    common = common_data(event, layout)
    url = absolute(reverse("registration:verify_form"))
    page = {"name": _("Sample Participant"), "code": "ABCD-EFGH-JKMN", "url": url,
            "qr": qr_svg(url)}
    return typeset_pdf(TEMPLATE, document(common, [page], common["heading"]))


def _title(certificate, event) -> str:
    return _("Certificate of participation: %(name)s, %(event)s") % {
        "name": certificate.full_name, "event": event.title}


def filename(certificate) -> str:
    return f"certificate-{slugify(certificate.full_name)[:60] or certificate.pk}.pdf"
