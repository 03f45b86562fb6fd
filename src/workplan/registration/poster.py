"""The printable poster of an event's registration: one A4 page with the office's name (and
logo, if its certificate layout has one), the event's title, dates and venue, the registration
deadline and places, a large QR code of the public link and the link printed as text.

Laid out by Typst (``templates/registration/poster.typ``) in a child process, like the
certificates: the data goes as JSON, so a title is set as text, never read as markup; the PDF is
PDF/UA-1 (tagged, titled; the logo and the QR code have alternative text).
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workplan.reports.data.events import country_name, date_range, venue
from workplan.reports.render.typeset import FONTS, typeset_pdf

from .certificates import layout_of, picture, qr_svg

TEMPLATE = str(Path(__file__).resolve().parent / "templates" / "registration" / "poster.typ")
QR_CM = 10  # the QR code's side on the page, margin included: scanned from a few metres
QR_BORDER = 4  # modules of light margin around the code, as the QR standard asks


def deadline_text(window) -> str:
    """When registration closes, in the installation's time zone, named."""
    closes = timezone.localtime(window.closes_at)
    return f"{date_format(closes, 'j F Y, H:i')} ({closes.tzname()})"


def poster_data(window, link: str) -> dict:
    """What the poster says, for ``window`` (an open registration) and its public ``link``."""
    from workplan.directory.models import Member

    event = window.event
    office = event.office
    layout = layout_of(office)
    logo = picture(layout.logo, _("Logo of %(office)s") % {"office": office.name}) \
        if layout else None
    names = dict(Member.objects.filter(region_id=office.region_id).values_list("iso3", "name"))
    facts = [[_("Register by"), deadline_text(window)]]
    if window.cap_per_member:
        facts.append([_("Places"), _("%(count)d per member administration")
                      % {"count": window.cap_per_member}])
    today = timezone.localdate()
    return {
        "lang": (translation.get_language() or "en").split("-")[0],
        "fonts": FONTS,
        "date": [today.year, today.month, today.day],
        "title": _("Registration: %(event)s") % {"event": event.title},
        "office": office.name,
        "logo": logo.svg if logo else None,
        "logo_alt": logo.alt if logo else "",
        "kicker": _("Registration is open"),
        "event": event.title,
        "dates": date_range(event.start_date, event.end_date),
        "venue": venue(event.city, country_name(event.country, names), event.mode),
        "facts": facts,
        "qr": qr_svg(link, border=QR_BORDER),
        "qr_cm": QR_CM,
        "qr_alt": _("QR code of the registration link"),
        "scan": _("Scan the code, or open this link, to register:"),
        "link": link,
    }


def poster_pdf(window, link: str) -> bytes:
    return typeset_pdf(TEMPLATE, poster_data(window, link))
