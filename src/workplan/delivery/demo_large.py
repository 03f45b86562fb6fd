"""Ten years of six WCO regional offices, deterministic for a given seed.

``workplan demo --scale large`` builds, on top of whatever the database holds (the small demo
included), the data the benchmarks and the dashboards need at scale:

- reference data: the Asia/Pacific region and ROCB A/P (loaded by the migrations) plus five
  more WCO regions with their members (real countries, ISO 3166 alpha-3 from pycountry),
  sub-regions and groups, their Regional Offices for Capacity Building, and partners;
- for each office, ten fiscal years of work plans (2016-2017 .. 2025-2026), imported through
  ``plans.services.import_plan`` from the sample plan's text rewritten for the office, the
  year and the region's members (ROCB A/P's 2024-2025 plan is the sample itself);
- a pool of officials per member (reused across events and years, with turnover) and a pool
  of accredited experts per office;
- about 330 events per office and year (planned activities, second sessions and unplanned
  events; mostly held, some postponed or cancelled), their beneficiaries, the actions they
  serve, partners and funding; participants drawn from the officials in post (25 on
  average at a national event, more at sub-regional and regional ones, fewer on missions;
  women's share rising from about 34% to 41% over the ten years) and 1-3 accredited experts,
  about 29 participations per held event in all; requests with their steps.

Everything is written with ``bulk_create`` (no history rows for generated records), one
transaction per office, so an interrupted run leaves whole offices. At full size: about
20,000 events and 500,000 participations.

Randomness comes from ``random.Random`` seeded with the seed, the office code and the year,
so a run gives the same rows (titles, dates, people, counts) every time, whatever ids the
database hands out.

Other apps add their own generated data through :data:`EXTRA_STAGES`: append a callable
``stage(demo, office, plans, events) -> dict`` (``demo`` the :class:`LargeDemo`, with its
``rng_for(office, *parts)`` for deterministic randomness; ``office`` the Office; ``plans``
its WorkPlans by fiscal year, oldest first; ``events`` the Event rows just created for the
office, with their pks). Stages run in list order inside the office's transaction, after
the requests; the counts they return are added to the run's totals and shown in the
progress (under the stage's ``label`` attribute if it has one), and they should use
``bulk_create`` too (KPI targets and values, survey invitations and responses). Register a
stage once, from the app's ``AppConfig.ready()``; an exception in a stage rolls back that
office and stops the run.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from workplan.directory.models import (
    Accreditation,
    Member,
    MemberGroup,
    Office,
    Partner,
    Person,
    Region,
)
from workplan.directory.querysets import member_index
from workplan.directory.services import ASIA_PACIFIC, load_region
from workplan.plans.models import WorkPlan
from workplan.plans.services import import_plan
from workplan.plans.textplan.assemble import assemble
from workplan.plans.textplan.members import MemberIndex
from workplan.plans.textplan.parser import ParsedPlan, decode, parse
from workplan.plans.textplan.render import render_text
from workplan.plans.textplan.synthetic import sample_bytes

from . import demo as small
from .models import (
    Event,
    EventAction,
    EventPartner,
    Funding,
    Participation,
    Request,
    RequestStep,
)
from .services import event_defaults_for

LAST_YEAR = 2025  # the last fiscal year filled is 2025-2026 (fixed, so runs are reproducible)
SAMPLE_YEAR = 2024  # ROCB A/P's 2024-2025 plan is the sample plan itself
BATCH = 5000

Stage = Callable[["LargeDemo", Office, list, list], dict]
EXTRA_STAGES: list[Stage] = []
"""Callables ``stage(demo, office, plans, events) -> dict`` run for each office after the
built-in stages (see the module docstring)."""


def stage_label(stage: Stage) -> str:
    """How progress names an extra stage: its ``label`` attribute, else app and name."""
    label = getattr(stage, "label", None)
    if label:
        return str(label)
    module = getattr(stage, "__module__", "") or ""
    app = module.split(".")[1] if module.startswith("workplan.") else module
    return f"{app}.{getattr(stage, '__qualname__', 'stage')}".strip(".")


class DemoAlreadyLoaded(Exception):
    """The offices to fill already hold delivery records of the years to fill."""


# --- reference data ----------------------------------------------------------------------------


@dataclass
class OfficeSpec:
    code: str
    name: str
    short_name: str
    city: str
    country: str
    region_code: str
    region_name: str
    region_short: str  # as plan headers write it: "Relevance to ESA RSP 2024-2026"
    members: str = ""  # "ISO3:sub-region[:sie] ..." (empty for Asia/Pacific: loaded from CSV)
    rich: tuple[str, ...] = ()  # members that fund their own venue and meals
    partners: list[tuple[str, str, str, str]] = field(default_factory=list)
    given_f: list[str] = field(default_factory=list)
    given_m: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)


# WCO membership by region, as of the mid-2020s (a plausible picture, not an official list).
OFFICES = [
    OfficeSpec(
        "ROCB-AP", "WCO Asia/Pacific Regional Office for Capacity Building", "ROCB A/P",
        "Bangkok", "THA", "asia-pacific", "Asia/Pacific", "A/P",
        rich=("JPN", "KOR", "AUS", "NZL", "CHN", "SGP"),
        partners=small.PARTNERS, given_f=small.GIVEN_F, given_m=small.GIVEN_M,
        family=small.FAMILY),
    OfficeSpec(
        "ROCB-ESA", "WCO Regional Office for Capacity Building for East and Southern Africa",
        "ROCB ESA", "Nairobi", "KEN", "esa", "East and Southern Africa", "ESA",
        members="AGO:Southern BWA:Southern BDI:East COM:Indian Ocean:sie DJI:Horn ERI:Horn "
                "SWZ:Southern ETH:Horn KEN:East LSO:Southern MDG:Indian Ocean MWI:Southern "
                "MUS:Indian Ocean:sie MOZ:Southern NAM:Southern RWA:East SYC:Indian Ocean:sie "
                "SOM:Horn ZAF:Southern SSD:East TZA:East UGA:East ZMB:Southern ZWE:Southern",
        rich=("ZAF", "KEN", "MUS"),
        partners=[("African Development Bank", "AfDB", "ifi", "CIV"),
                  ("East African Community", "EAC", "other", "TZA"),
                  ("Southern African Development Community", "SADC", "other", "BWA"),
                  ("Swedish International Development Cooperation Agency", "Sida", "donor",
                   "SWE"),
                  ("Regional Intelligence Liaison Office for Eastern and Southern Africa",
                   "RILO ESA", "rilo", "KEN"),
                  ("Regional Training Centre Kenya", "RTC Kenya", "rtc", "KEN"),
                  ("Regional Training Centre South Africa", "RTC South Africa", "rtc", "ZAF")],
        given_f=["Amina", "Wanjiru", "Thandiwe", "Grace", "Nomvula", "Achieng", "Fatuma",
                 "Naledi", "Mercy", "Zawadi", "Tsion", "Chipo"],
        given_m=["Juma", "Kamau", "Sipho", "Tesfaye", "Baraka", "Tendai", "Otieno", "Mandla",
                 "Abdi", "Kagiso", "Emmanuel", "Farai"],
        family=["Mwangi", "Odhiambo", "Dlamini", "Nkosi", "Kebede", "Moyo", "Banda", "Mutua",
                "Hassan", "Phiri", "Ndlovu", "Okello", "Mensah", "Tadesse", "Mbeki"]),
    OfficeSpec(
        "ROCB-WCA", "WCO Regional Office for Capacity Building for West and Central Africa",
        "ROCB WCA", "Abidjan", "CIV", "wca", "West and Central Africa", "WCA",
        members="BEN:West BFA:West CPV:West:sie CMR:Central CAF:Central TCD:Central "
                "COG:Central COD:Central CIV:West GNQ:Central GAB:Central GMB:West GHA:West "
                "GIN:West GNB:West LBR:West MLI:West NER:West NGA:West STP:Central:sie "
                "SEN:West SLE:West TGO:West",
        rich=("NGA", "CIV", "GHA"),
        partners=[("Economic Community of West African States", "ECOWAS", "other", "NGA"),
                  ("Agence Française de Développement", "AFD", "donor", "FRA"),
                  ("Deutsche Gesellschaft für Internationale Zusammenarbeit", "GIZ", "donor",
                   "DEU"),
                  ("Regional Intelligence Liaison Office for Western Africa", "RILO WA", "rilo",
                   "SEN"),
                  ("Regional Training Centre Burkina Faso", "RTC Ouagadougou", "rtc", "BFA"),
                  ("Regional Training Centre Nigeria", "RTC Abuja", "rtc", "NGA")],
        given_f=["Aminata", "Fatou", "Adjoa", "Mariam", "Chiamaka", "Awa", "Esi", "Aïcha",
                 "Ngozi", "Rokia", "Akosua", "Bintou"],
        given_m=["Moussa", "Kwame", "Ibrahim", "Oumar", "Chinedu", "Koffi", "Mamadou", "Yaw",
                 "Seydou", "Emeka", "Abdoulaye", "Kofi"],
        family=["Diallo", "Traoré", "Mensah", "Ouédraogo", "Okafor", "Koné", "Sow", "Boateng",
                "Ndiaye", "Camara", "Adeyemi", "Kouassi", "Bamba", "Sankara", "Fofana"]),
    OfficeSpec(
        "ROCB-MENA", "WCO Regional Office for Capacity Building for the North of Africa, "
        "Near and Middle East", "ROCB MENA", "Dubai", "ARE", "mena",
        "North of Africa, Near and Middle East", "MENA",
        members="DZA:Maghreb BHR:Gulf:sie EGY:Nile Valley IRQ:Mashreq JOR:Mashreq KWT:Gulf "
                "LBN:Mashreq LBY:Maghreb MRT:Maghreb MAR:Maghreb OMN:Gulf QAT:Gulf "
                "SAU:Gulf SDN:Nile Valley SYR:Mashreq TUN:Maghreb ARE:Gulf YEM:Gulf",
        rich=("ARE", "SAU", "QAT", "KWT"),
        partners=[("Islamic Development Bank", "IsDB", "ifi", "SAU"),
                  ("Gulf Cooperation Council", "GCC", "other", "SAU"),
                  ("Regional Intelligence Liaison Office for the Middle East", "RILO ME",
                   "rilo", "SAU"),
                  ("Regional Training Centre Egypt", "RTC Cairo", "rtc", "EGY"),
                  ("Regional Training Centre Saudi Arabia", "RTC Riyadh", "rtc", "SAU")],
        given_f=["Fatima", "Layla", "Mariam", "Nour", "Salma", "Huda", "Rania", "Yasmin",
                 "Amal", "Hind", "Samira", "Dalia"],
        given_m=["Ahmed", "Mohammed", "Omar", "Khalid", "Youssef", "Hassan", "Karim", "Tarek",
                 "Said", "Faisal", "Nabil", "Walid"],
        family=["Al-Sayed", "Haddad", "Benali", "Al-Mansouri", "Khoury", "El-Amrani",
                "Al-Hashimi", "Nasser", "Bouazizi", "Al-Qahtani", "Farouk", "Saleh",
                "Mansour", "Kaddour", "Al-Zahrani"]),
    OfficeSpec(
        "ROCB-EUR", "WCO Regional Office for Capacity Building for Europe", "ROCB Europe",
        "Baku", "AZE", "europe", "Europe", "Europe",
        members="ALB:Western Balkans ARM:Eastern Partnership AUT:European Union "
                "AZE:Eastern Partnership BLR:Eastern Partnership BEL:European Union "
                "BIH:Western Balkans BGR:European Union HRV:European Union CZE:European Union "
                "DNK:European Union FIN:European Union FRA:European Union "
                "GEO:Eastern Partnership DEU:European Union GRC:European Union "
                "HUN:European Union ISR:Other Europe ITA:European Union KAZ:Central Asia "
                "KGZ:Central Asia LTU:European Union MDA:Eastern Partnership "
                "MNE:Western Balkans NLD:European Union MKD:Western Balkans NOR:Other Europe "
                "POL:European Union PRT:European Union ROU:European Union SRB:Western Balkans "
                "SVK:European Union ESP:European Union SWE:European Union CHE:Other Europe "
                "TJK:Central Asia TUR:Other Europe UKR:Eastern Partnership GBR:Other Europe "
                "UZB:Central Asia",
        rich=("DEU", "FRA", "GBR", "NLD", "NOR", "CHE", "SWE", "AZE"),
        partners=[("European Union", "EU", "donor", "BEL"),
                  ("Organization for Security and Co-operation in Europe", "OSCE", "other",
                   "AUT"),
                  ("United Nations Economic Commission for Europe", "UNECE", "other", "CHE"),
                  ("His Majesty's Revenue and Customs", "HMRC", "donor", "GBR"),
                  ("Regional Intelligence Liaison Office for Western Europe", "RILO WE",
                   "rilo", "DEU"),
                  ("Regional Intelligence Liaison Office for Eastern and Central Europe",
                   "RILO ECE", "rilo", "POL"),
                  ("Regional Training Centre Azerbaijan", "RTC Baku", "rtc", "AZE"),
                  ("Regional Training Centre Türkiye", "RTC Istanbul", "rtc", "TUR")],
        given_f=["Anna", "Elena", "Maria", "Sophie", "Katarzyna", "Nino", "Aigerim", "Ingrid",
                 "Laura", "Olena", "Leyla", "Ana"],
        given_m=["Peter", "Ivan", "Thomas", "Jan", "Giorgi", "Nurlan", "Lars", "Marco",
                 "Andriy", "Elvin", "Miguel", "Stefan"],
        family=["Müller", "Kowalski", "Rossi", "Petrov", "Jansen", "Aliyev", "Dubois",
                "Novak", "Beridze", "Andersen", "García", "Popescu", "Horvat", "Kovalenko",
                "Yilmaz"]),
    OfficeSpec(
        "ROCB-AC", "WCO Regional Office for Capacity Building for the Americas and the "
        "Caribbean", "ROCB Americas", "Panama City", "PAN", "americas",
        "Americas and the Caribbean", "Americas",
        members="ARG:South America BHS:Caribbean:sie BRB:Caribbean:sie BLZ:Central America "
                "BOL:South America BRA:South America CAN:North America CHL:South America "
                "COL:South America CRI:Central America CUB:Caribbean CUW:Caribbean:sie "
                "DOM:Caribbean ECU:South America SLV:Central America GTM:Central America "
                "GUY:South America HTI:Caribbean HND:Central America JAM:Caribbean:sie "
                "MEX:North America NIC:Central America PAN:Central America PRY:South America "
                "PER:South America LCA:Caribbean:sie SUR:South America TTO:Caribbean:sie "
                "USA:North America URY:South America VEN:South America ATG:Caribbean:sie "
                "GRD:Caribbean:sie KNA:Caribbean:sie VCT:Caribbean:sie DMA:Caribbean:sie",
        rich=("USA", "CAN", "BRA", "MEX", "CHL"),
        partners=[("Inter-American Development Bank", "IDB", "ifi", "USA"),
                  ("Caribbean Customs Law Enforcement Council", "CCLEC", "other", "LCA"),
                  ("Global Affairs Canada", "GAC", "donor", "CAN"),
                  ("U.S. Customs and Border Protection", "CBP", "donor", "USA"),
                  ("Regional Intelligence Liaison Office for South America", "RILO SA",
                   "rilo", "CHL"),
                  ("Regional Intelligence Liaison Office for the Caribbean", "RILO CAR",
                   "rilo", "LCA"),
                  ("Regional Training Centre Dominican Republic", "RTC Santo Domingo", "rtc",
                   "DOM")],
        given_f=["María", "Ana", "Camila", "Gabriela", "Luisa", "Fernanda", "Jennifer",
                 "Keisha", "Valentina", "Patricia", "Daniela", "Shanice"],
        given_m=["José", "Carlos", "Luis", "Juan", "Miguel", "Pedro", "Michael", "Andre",
                 "Diego", "Rafael", "Marcus", "Jorge"],
        family=["González", "Rodríguez", "Silva", "Pérez", "Martínez", "Santos", "Brown",
                "Williams", "Fernández", "López", "Campbell", "Oliveira", "Ramírez", "Joseph",
                "Castillo"]),
]
GLOBAL_PARTNERS = [p for p in small.PARTNERS
                   if p[1] in ("WBG", "UNODC", "UNEP", "WCO")]
NAME_OVERRIDES = {"COD": "Democratic Republic of the Congo"}
GROUP_ALIASES = {
    "All Countries": ["All Members", "All Member Administrations", "All Members of the region"],
    "Small Island Economies": ["SIEs", "Small Island Economy Members"],
}
AREAS = small.AREAS
SUB_REGIONS = {"East": "East Africa", "Southern": "Southern Africa", "Horn": "Horn of Africa",
               "West": "West Africa", "Central": "Central Africa"}
COVID = (dt.date(2020, 3, 15), dt.date(2021, 12, 31))  # events went online
_FOR = re.compile(r"\bfor\s+", re.I)


# "ISO3:Sub-region[:sie]" items; a sub-region name may hold spaces ("Indian Ocean").
_MEMBER_ITEM = re.compile(r"([A-Z]{3}):([^:]+?)(:sie)?(?=\s+[A-Z]{3}:|\s*$)")


def _member_items(members: str) -> list[tuple[str, str, bool]]:
    return [(m.group(1), m.group(2).strip(), bool(m.group(3)))
            for m in _MEMBER_ITEM.finditer(members)]


def member_rows(spec: OfficeSpec) -> list[dict]:
    """The members of a region as rows: WCO-style name, ISO code, aliases, sub-region, SIE."""
    import pycountry

    rows = []
    for iso3, sub_region, sie in _member_items(spec.members):
        country = pycountry.countries.get(alpha_3=iso3)
        name = NAME_OVERRIDES.get(iso3) or getattr(country, "common_name", None) or country.name
        aliases = [n for n in (country.name, getattr(country, "official_name", None))
                   if n and n != name]
        rows.append({"iso3": iso3, "name": name, "aliases": list(dict.fromkeys(aliases)),
                     "sub_region": SUB_REGIONS.get(sub_region, sub_region), "sie": sie})
    return rows


def fiscal_year(office: Office, year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the office's fiscal year starting in ``year``."""
    month = office.fiscal_year_start_month or 7
    start = dt.date(year, month, 1)
    return start, dt.date(year + 1, month, 1) - dt.timedelta(days=1)


def women_share(year: int) -> float:
    """Share of women among participants: about 34% in 2016, rising to 41% in 2025."""
    return min(0.5, max(0.3, 0.34 + 0.0078 * (year - 2016)))


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _ascii(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass
class Official:
    pk: int
    member_id: int
    female: bool
    first: int  # first and last fiscal year the person is in post
    last: int


@dataclass
class Expert:
    pk: int
    member_id: int
    periods: list[tuple[dt.date, dt.date | None]]

    def accredited_on(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.periods)


@dataclass
class Slot:
    """A generated event with what its participants are drawn from."""

    event: Event
    year: int
    beneficiaries: list[int]  # member ids


class LargeDemo:
    """Deterministic synthetic data for ``offices`` WCO regional offices over ``years`` fiscal
    years (the last one 2025-2026). ``run(progress)`` returns the counts of what was built."""

    def __init__(self, seed: int = 2024, offices: int = 6, years: int = 10,
                 events_per_year: int = 330, participants_per_event: int = 25):
        if not 1 <= offices <= len(OFFICES):
            raise ValueError(f"offices must be between 1 and {len(OFFICES)}, not {offices}")
        if not 1 <= years <= 20:
            raise ValueError(f"years must be between 1 and 20, not {years}")
        if events_per_year < 1:
            raise ValueError(f"events per year must be at least 1, not {events_per_year}")
        if participants_per_event < 1:
            raise ValueError("participants per event must be at least 1, not "
                             f"{participants_per_event}")
        self.seed = seed
        self.specs = OFFICES[:offices]
        self.years = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
        self.events_per_year = events_per_year
        self.participants_per_event = participants_per_event
        self._progress: Callable[[str], None] = lambda line: None
        self._started = time.monotonic()
        self._sample: ParsedPlan | None = None
        self._ap_index: MemberIndex | None = None
        self._ap_codes: set[str] = set()

    # --- helpers -------------------------------------------------------------------------------

    def rng_for(self, office: Office | str, *parts) -> random.Random:
        """A generator seeded by the run's seed, the office and ``parts`` (the same every run,
        independent of what other offices or stages drew)."""
        code = office if isinstance(office, str) else office.code
        return random.Random(":".join(str(p) for p in (self.seed, code, *parts)))

    def say(self, label: str, counts: dict | None = None) -> None:
        details = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in (counts or {}).items())
        self._progress(f"[{time.monotonic() - self._started:7.1f}s] {label}"
                       + (f": {details}" if details else ""))

    def already_loaded(self) -> list[str]:
        """The offices that already hold events in the fiscal years to fill (ROCB A/P's
        sample year, which the small demo fills, excepted)."""
        found = []
        for spec in self.specs:
            office = Office.objects.filter(code=spec.code).first()
            if office is None:
                continue
            first, _ = fiscal_year(office, self.years[0])
            _, last = fiscal_year(office, self.years[-1])
            events = office.events.filter(start_date__range=(first, last))
            if spec.code == "ROCB-AP" and SAMPLE_YEAR in self.years:
                events = events.exclude(start_date__range=fiscal_year(office, SAMPLE_YEAR))
            if events.exists():
                found.append(spec.code)
        return found

    # --- the run -------------------------------------------------------------------------------

    def run(self, progress: Callable[[str], None] | None = None) -> dict:
        """Build everything; ``progress`` gets one line per stage and office."""
        self._started = time.monotonic()
        if progress is not None:
            self._progress = progress
        loaded = self.already_loaded()
        if loaded:
            first, last = (f"{y}-{y + 1}" for y in (self.years[0], self.years[-1]))
            raise DemoAlreadyLoaded(
                f"{', '.join(loaded)} already {'holds' if len(loaded) == 1 else 'hold'} "
                f"events in {first if first == last else f'{first} .. {last}'}: the large "
                "demo was loaded already (it fills offices with no events in those years)")
        totals: dict[str, int] = {}

        def add(counts: dict) -> None:
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value

        add(self.reference_data())
        for spec in self.specs:
            with transaction.atomic():
                office = Office.objects.select_related("region").get(code=spec.code)
                add(self.fill_office(spec, office))
            # On PostgreSQL the foreign keys are checked here, at commit (deferred).
            self.say(f"{spec.code} committed")
        small._analyze()
        self.say("done", totals)
        return totals

    def fill_office(self, spec: OfficeSpec, office: Office) -> dict:
        members = list(Member.objects.filter(region=office.region).order_by("iso3"))
        if not members:
            raise ValueError(f"{office.code}'s region has no members")
        self._office_counts: dict[str, int] = {}
        plans = self.plans(spec, office)
        officials, experts = self.people(spec, office, members)
        slots = self.events(spec, office, plans, members)
        self.participations(spec, office, slots, officials, experts)
        # PostgreSQL: statistics for what was just loaded (the transaction's own rows count),
        # so the queries of the stages below and of the next office's plan imports do not
        # plan for empty tables.
        small._analyze()
        self.requests(spec, office, plans, slots)
        counts = dict(self._office_counts)
        events = [slot.event for slot in slots]
        for stage in EXTRA_STAGES:
            extra = stage(self, office, plans, events) or {}
            self.say(f"{office.code} {stage_label(stage)}", extra)
            for key, value in extra.items():
                counts[key] = counts.get(key, 0) + value
        return counts

    # --- reference data ------------------------------------------------------------------------

    def reference_data(self) -> dict:
        """Regions, members, groups, offices and partners; what exists is kept as it is."""
        created = {"regions": 0, "members": 0, "groups": 0, "offices": 0, "partners": 0}
        with transaction.atomic():
            if not Office.objects.filter(code="ROCB-AP").exists():
                made = load_region(ASIA_PACIFIC)
                created["members"] += made["members"]
                created["groups"] += made["groups"]
                created["offices"] += made["offices"]
            for spec in self.specs:
                if spec.members:
                    self._load_region(spec, created)
                for name, acronym, kind, country in self._partner_rows(spec):
                    _, made = Partner.objects.get_or_create(
                        name=name, defaults={"acronym": acronym, "kind": kind,
                                             "country": country})
                    created["partners"] += made
        self.say("reference data (created)", created)
        return {"offices": len(self.specs)}

    @staticmethod
    def _partner_rows(spec: OfficeSpec) -> list[tuple[str, str, str, str]]:
        rows = list(spec.partners)
        rows += [p for p in GLOBAL_PARTNERS if p not in rows]
        return rows

    def _load_region(self, spec: OfficeSpec, created: dict) -> None:
        """Like ``directory.services.load_region`` for a region defined here, but it never
        changes what exists (someone may have edited it)."""
        region, made = Region.objects.get_or_create(code=spec.region_code,
                                                    defaults={"name": spec.region_name})
        created["regions"] += made
        rows = member_rows(spec)
        members = {}
        for row in rows:
            member, made = Member.objects.get_or_create(
                iso3=row["iso3"], defaults={"region": region, "name": row["name"],
                                            "aliases": row["aliases"],
                                            "sub_region": row["sub_region"],
                                            "sie": row["sie"]})
            created["members"] += made
            if member.region_id == region.pk:
                members[member.iso3] = member
        groups = [("All Countries", list(members.values()))]
        for sub_region in dict.fromkeys(r["sub_region"] for r in rows):
            groups.append((sub_region, [members[r["iso3"]] for r in rows
                                        if r["sub_region"] == sub_region
                                        and r["iso3"] in members]))
        sies = [members[r["iso3"]] for r in rows if r["sie"] and r["iso3"] in members]
        if sies:
            groups.append(("Small Island Economies", sies))
        for name, chosen in groups:
            group, made = MemberGroup.objects.get_or_create(
                region=region, name=name, defaults={"aliases": GROUP_ALIASES.get(name, [])})
            created["groups"] += made
            if made:
                group.members.set(chosen)
        _, made = Office.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "short_name": spec.short_name,
                                      "region": region, "city": spec.city,
                                      "country": spec.country, "fiscal_year_start_month": 7})
        created["offices"] += made

    # --- plans ---------------------------------------------------------------------------------

    def plans(self, spec: OfficeSpec, office: Office) -> list[WorkPlan]:
        """One work plan per fiscal year, imported from text; a plan the office already has
        for a year is used as it is."""
        plans, imported = [], 0
        for year in self.years:
            period = f"{year}-{year + 1}"
            existing = WorkPlan.objects.filter(office=office, period=period).first()
            if existing is not None:
                plans.append(existing)
                continue
            if spec.code == "ROCB-AP" and year == SAMPLE_YEAR:
                data = sample_bytes()
            else:
                data = self.plan_text(spec, office, year).encode()
            report = import_plan(data, office, source_name=f"demo {office.code} {period}.txt")
            plans.append(report.work_plan)
            imported += 1
        self.say(f"{office.code} plans", {"imported": imported, "kept": len(plans) - imported})
        self._office_counts["plans"] = len(plans)
        return plans

    def plan_text(self, spec: OfficeSpec, office: Office, year: int) -> str:
        """The sample plan rewritten for the office and year: its title, strategic plan (the
        three-year cycle covering the year), about 90% of its activities, and every member
        list mapped onto the region's members (the same mapping for the whole plan)."""
        if self._sample is None:
            self._sample = parse(decode(sample_bytes()))
            ap = Region.objects.get(offices__code="ROCB-AP")
            self._ap_index = member_index(ap)
            self._ap_codes = set(ap.members.values_list("iso3", flat=True))
        rng = self.rng_for(office, year, "plan")
        parsed = copy.deepcopy(self._sample)
        parsed.period = f"{year}-{year + 1}"
        parsed.title = f"{spec.short_name} Annual Work Plan ({parsed.period})"
        cycle = SAMPLE_YEAR + 3 * ((year - SAMPLE_YEAR) // 3)
        parsed.strategic_period = f"{cycle}-{cycle + 2}"
        names = dict(Member.objects.filter(region=office.region).order_by("iso3")
                     .values_list("iso3", "name"))
        targets = list(names)
        rng.shuffle(targets)
        mapping = {code: targets[i % len(targets)] for i, code in enumerate(sorted(self._ap_codes))}
        titles: dict[str, str] = {}
        for action in parsed.actions:
            action.listings = [listing for listing in action.listings if rng.random() < 0.9]
            for listing in action.listings:
                if listing.title not in titles:
                    titles[listing.title] = self._retitle(listing.title, mapping, names)
                listing.title = titles[listing.title]
        document = assemble(parsed, MemberIndex(), office.code)
        return render_text(document, spec.short_name, spec.region_short)

    def _retitle(self, title: str, mapping: dict[str, str], names: dict[str, str]) -> str:
        for match in reversed(list(_FOR.finditer(title))):
            codes, _unknown = self._ap_index.resolve_list(title[match.end():])
            if not codes:
                continue
            if set(codes) >= self._ap_codes:
                return title[:match.end()] + "All Countries"
            chosen = list(dict.fromkeys(mapping[c] for c in codes if c in mapping))
            return title[:match.end()] + _join([names[c] for c in chosen])
        return title

    # --- people --------------------------------------------------------------------------------

    def people(self, spec: OfficeSpec, office: Office, members: list[Member]):
        """Officials per member (each in post for 3-8 years, so the pool turns over) and
        accredited experts of the region."""
        rng = self.rng_for(office, "people")
        first, last = self.years[0], self.years[-1]
        per_member_year = (self.events_per_year * 0.9 * self.participants_per_event * 1.1
                           / len(members))
        # Officials in post per member and year: each goes to about 3 events a year, and a
        # national event (all its participants from one member) must find enough of each gender.
        active = max(2 * self.participants_per_event, round(per_member_year / 3))
        per_member = -(-active * (len(self.years) + 4) // 6)
        people, terms = [], []
        counter = 0

        def person(member: Member, gender: str, position: str) -> Person:
            nonlocal counter
            counter += 1
            given = rng.choice(spec.given_f if gender == "female" else spec.given_m)
            family = rng.choice(spec.family)
            return Person(
                office=office, full_name=f"{given} {chr(65 + rng.randrange(26))}. {family}",
                gender=gender, member=member, position=position,
                email=f"{_ascii(given)}.{_ascii(family)}.{counter}"
                      f"@customs-{member.iso3.lower()}.example")

        for member in members:
            for _ in range(per_member):
                gender = rng.choices(["female", "male", "undisclosed"], [45, 54, 1])[0]
                people.append(person(member, gender, rng.choice(small.POSITIONS)))
                start = rng.randint(first - 4, last)
                terms.append((start, start + rng.randint(3, 8) - 1))
        expert_people, expert_periods = [], []
        for _ in range(max(8, self.events_per_year // 6)):
            member = rng.choice(members)
            gender = rng.choices(["female", "male"], [35, 65])[0]
            expert_people.append(person(member, gender, "WCO accredited expert"))
            periods = []
            for area in rng.sample(AREAS, rng.randint(1, 2)):
                start = dt.date(rng.randint(first - 6, last), rng.randint(1, 12), 1)
                end = (None if rng.random() < 0.5
                       else dt.date(start.year + rng.randint(3, 6), 6, 30))
                periods.append((area, start, end))
            expert_periods.append(periods)
        Person.objects.bulk_create(people, batch_size=BATCH)
        Person.objects.bulk_create(expert_people, batch_size=BATCH)
        Accreditation.objects.bulk_create(
            [Accreditation(person_id=p.pk, area=area, accredited_on=start, expires_on=end)
             for p, periods in zip(expert_people, expert_periods, strict=True)
             for area, start, end in periods], batch_size=BATCH)
        officials: dict[tuple[int, bool], list[Official]] = {}
        for p, (start, end) in zip(people, terms, strict=True):
            official = Official(p.pk, p.member_id, p.gender == "female", start, end)
            officials.setdefault((p.member_id, official.female), []).append(official)
        experts = [Expert(p.pk, p.member_id, [(s, e) for _a, s, e in periods])
                   for p, periods in zip(expert_people, expert_periods, strict=True)]
        self.say(f"{office.code} people", {"officials": len(people),
                                           "experts": len(expert_people)})
        self._office_counts.update(people=len(people) + len(expert_people),
                                   experts=len(expert_people))
        return officials, experts

    # --- events --------------------------------------------------------------------------------

    def events(self, spec: OfficeSpec, office: Office, plans: list[WorkPlan],
               members: list[Member]) -> list[Slot]:
        rows = self._partner_rows(spec)
        partners = {p.name: p for p in Partner.objects.filter(name__in=[r[0] for r in rows])}
        donors = [partners[r[0]] for r in rows if r[2] in ("donor", "ifi")]
        others = [partners[r[0]] for r in rows if r[2] not in ("donor", "ifi")]
        by_pk = {m.pk: m for m in members}
        slots: list[Slot] = []
        counts = dict.fromkeys(["events", "held_events", "beneficiaries", "event_actions",
                                "partner_roles", "fundings"], 0)
        for plan, year in zip(plans, self.years, strict=True):
            rng = self.rng_for(office, year, "events")
            start, end = fiscal_year(office, year)
            made = self._year_events(rng, office, plan, members, start, end)
            events = Event.objects.bulk_create([e for e, _b, _a in made], batch_size=BATCH)
            through = Event.beneficiaries.through
            links = [through(event_id=e.pk, member_id=m)
                     for e, (_e, bens, _a) in zip(events, made, strict=True) for m in bens]
            through.objects.bulk_create(links, batch_size=BATCH)
            actions = [EventAction(event_id=e.pk, action_id=a)
                       for e, (_e, _b, acts) in zip(events, made, strict=True) for a in acts]
            EventAction.objects.bulk_create(actions, batch_size=BATCH)
            roles, fundings = [], []
            for event in events:
                sponsor = rng.choice(donors)
                roles.append(EventPartner(event_id=event.pk, partner_id=sponsor.pk,
                                          role="funder"))
                if others and rng.random() < 0.3:
                    roles.append(EventPartner(event_id=event.pk, partner_id=rng.choice(
                        others).pk, role="co_organiser"))
                fundings.append(Funding(event_id=event.pk, partner_id=sponsor.pk,
                                        amount=Decimal(rng.randint(8, 120) * 500),
                                        currency="USD"))
                host = by_pk.get(event.host_member_id)
                if host is not None and host.iso3 in spec.rich and event.mode != "virtual":
                    fundings.append(Funding(event_id=event.pk, member_id=host.pk,
                                            amount=Decimal(rng.randint(2, 20) * 500),
                                            currency="USD", in_kind=True,
                                            note="Venue and meals"))
            EventPartner.objects.bulk_create(roles, batch_size=BATCH)
            Funding.objects.bulk_create(fundings, batch_size=BATCH)
            slots += [Slot(e, year, bens) for e, (_e, bens, _a) in zip(events, made, strict=True)]
            counts["events"] += len(events)
            counts["held_events"] += sum(e.status == "held" for e in events)
            counts["beneficiaries"] += len(links)
            counts["event_actions"] += len(actions)
            counts["partner_roles"] += len(roles)
            counts["fundings"] += len(fundings)
        self.say(f"{office.code} events", counts)
        self._office_counts.update(counts)
        return slots

    def _year_events(self, rng: random.Random, office: Office, plan: WorkPlan,
                     members: list[Member], start: dt.date, end: dt.date):
        """(Event, beneficiary member ids, action ids) for one fiscal year, unsaved."""
        region = {m.pk for m in members}
        activities = list(plan.activities.order_by("position")
                          .prefetch_related("members", "actions"))
        action_ids = list(plan.actions.order_by("position").values_list("pk", flat=True))
        specs = []  # (activity, beneficiaries, defaults, action ids)
        for activity in activities:
            planned = sorted((m for m in activity.members.all() if m.pk in region),
                             key=lambda m: m.iso3)
            acts = sorted(a.pk for a in activity.actions.all())
            defaults = event_defaults_for(activity)
            if activity.kind == "national_workshop":
                targets = [[m] for m in planned] or [[rng.choice(members)]]
            elif activity.kind in ("subregional_workshop", "regional_workshop", "meeting",
                                   "diagnostic_mission", "training"):
                targets = [planned or rng.sample(members, min(6, len(members)))]
            else:
                continue
            specs += [(activity, beneficiaries, defaults, acts) for beneficiaries in targets]
        wanted = self.events_per_year
        planned_count = round(wanted * 0.92) if specs else 0
        if len(specs) >= planned_count:
            chosen = rng.sample(specs, planned_count)
        else:
            chosen = specs + rng.choices(specs, k=planned_count - len(specs))
        made = []
        for activity, beneficiaries, defaults, acts in chosen:
            level = defaults["level"]
            host = beneficiaries[0] if len(beneficiaries) == 1 else rng.choice(beneficiaries)
            event = self._event(rng, office, start, end, title=defaults["title"],
                                kind=defaults["kind"], level=level, host=host,
                                national=level == "national", activity=activity,
                                office_role=defaults["office_role"],
                                beneficiaries=beneficiaries)
            made.append((event, [m.pk for m in beneficiaries], acts))
        for _ in range(wanted - planned_count):  # unplanned events
            area = rng.choice(AREAS)
            pattern = rng.random()
            if pattern < 0.6:
                member = rng.choice(members)
                beneficiaries = [member]
                event = self._event(rng, office, start, end, kind="mission", level="national",
                                    title=f"Ad hoc expert mission on {area} for {member.name}",
                                    host=member, national=True, beneficiaries=beneficiaries)
            else:
                beneficiaries = sorted(rng.sample(members, min(8, len(members))),
                                       key=lambda m: m.iso3)
                event = self._event(rng, office, start, end, kind="workshop",
                                    level="regional", title=f"Regional webinar on {area}",
                                    host=beneficiaries[0], national=False, virtual=True,
                                    beneficiaries=beneficiaries)
            acts = [rng.choice(action_ids)] if action_ids else []
            made.append((event, [m.pk for m in beneficiaries], acts))
        return made

    def _event(self, rng, office, start, end, *, title, kind, level, host, national,
               beneficiaries, activity=None, office_role="organised", virtual=False) -> Event:
        length = {"mission": rng.randint(2, 5), "meeting": rng.randint(1, 3)}.get(
            kind, rng.randint(2, 5))
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days - length + 1))
        covid = COVID[0] <= day <= COVID[1]
        if virtual:
            mode = "virtual"
        elif covid:
            mode = rng.choices(["in_person", "virtual", "hybrid"], [15, 70, 15])[0]
        else:
            mode = rng.choices(["in_person", "virtual", "hybrid"], [80, 12, 8])[0]
        status = rng.choices(["held", "postponed", "cancelled", "confirmed", "planned"],
                             [88, 5, 5, 1, 1])[0]
        return Event(
            office=office, activity=activity, title=title[:300], kind=kind, level=level,
            start_date=day, end_date=day + dt.timedelta(days=length - 1),
            city="" if mode == "virtual" else small.CAPITALS.get(host.iso3, host.name),
            country="" if mode == "virtual" else host.iso3, mode=mode,
            host_member=host if national else None, status=status, office_role=office_role,
            summary=small.demo_summary(day.toordinal()))

    # --- participations ------------------------------------------------------------------------

    SIZE = {"national": 1.0, "subregional": 1.3, "regional": 1.5, "global": 1.5}

    def participations(self, spec: OfficeSpec, office: Office, slots: list[Slot],
                       officials: dict, experts: list[Expert]) -> None:
        """Participants of every held event, drawn from the officials in post that year (no
        one twice at an event), and 1-3 experts accredited on the event's first day."""
        rows: list[Participation] = []
        total = women = 0
        eligible: dict[tuple[int, bool, int], list[int]] = {}

        def pool(member_id: int, female: bool, year: int) -> list[int]:
            key = (member_id, female, year)
            if key not in eligible:
                eligible[key] = [o.pk for o in officials.get((member_id, female), ())
                                 if o.first <= year <= o.last]
            return eligible[key]

        def flush() -> None:
            Participation.objects.bulk_create(rows, batch_size=BATCH)
            rows.clear()

        by_year: dict[int, list[Slot]] = {}
        for slot in slots:
            by_year.setdefault(slot.year, []).append(slot)
        for year, year_slots in by_year.items():
            rng = self.rng_for(office, year, "participations")
            share = women_share(year)
            for slot in year_slots:
                event = slot.event
                if event.status != "held":
                    continue
                mean = self.participants_per_event * self.SIZE.get(event.level, 1.0)
                if event.kind == "mission":
                    mean *= 0.5
                size = max(3, round(rng.gauss(mean, mean * 0.2)))
                seats: dict[int, int] = {}
                for _ in range(size):
                    member_id = rng.choice(slot.beneficiaries)
                    seats[member_id] = seats.get(member_id, 0) + 1
                for member_id in sorted(seats):
                    n = seats[member_id]
                    n_women = sum(rng.random() < share for _ in range(n))
                    for female, k in ((True, n_women), (False, n - n_women)):
                        candidates = pool(member_id, female, year)
                        for pk in rng.sample(candidates, min(k, len(candidates))):
                            rows.append(Participation(
                                event_id=event.pk, person_id=pk, member_id=member_id,
                                role="participant", attended=rng.random() > 0.03))
                            total += 1
                            women += female
                ready = [x for x in experts if x.accredited_on(event.start_date)] or experts
                for expert in rng.sample(ready, min(len(ready), rng.randint(1, 3))):
                    rows.append(Participation(event_id=event.pk, person_id=expert.pk,
                                              member_id=expert.member_id, role="expert"))
                    total += 1
            if len(rows) >= 4 * BATCH:
                flush()
        flush()
        self.say(f"{office.code} participations", {"participations": total,
                                                   "by_women": women})
        self._office_counts["participations"] = total

    # --- requests ------------------------------------------------------------------------------

    def requests(self, spec: OfficeSpec, office: Office, plans: list[WorkPlan],
                 slots: list[Slot]) -> None:
        """Requests members filed: most became national events (their status follows the
        event's), the others are still open, declined or withdrawn."""
        rng = self.rng_for(office, "requests")
        members = list(Member.objects.filter(region=office.region).order_by("iso3"))
        requests, paths = [], []
        flow = ["received", "accepted", "scheduled", "delivered"]
        for plan, year in zip(plans, self.years, strict=True):
            national = [s.event for s in slots if s.year == year
                        and s.event.level == "national" and s.event.host_member_id]
            for event in rng.sample(national, min(len(national),
                                                  round(self.events_per_year * 0.065))):
                if event.status == "held":
                    status, path = "delivered", flow
                elif event.status in ("planned", "confirmed"):
                    status, path = "scheduled", flow[:3]
                elif event.status == "cancelled":
                    status, path = "withdrawn", [*flow[:2], "withdrawn"]
                else:
                    status, path = "accepted", flow[:2]
                requests.append(Request(
                    office=office, member_id=event.host_member_id, topic=event.title[:300],
                    activity_id=event.activity_id, status=status,
                    event_id=event.pk if status in ("scheduled", "delivered") else None,
                    preferred_start=event.start_date - dt.timedelta(days=rng.randint(0, 30)),
                    notes="Requested by the Director General's office."))
                paths.append(path)
            action_ids = list(plan.actions.order_by("position").values_list("pk", flat=True))
            for _ in range(max(1, round(self.events_per_year * 0.025))):
                status = rng.choice(["received", "accepted", "declined", "declined",
                                     "withdrawn"])
                requests.append(Request(
                    office=office, member=rng.choice(members), status=status,
                    topic=f"Assistance on {rng.choice(AREAS).lower()}",
                    action_id=rng.choice(action_ids) if action_ids else None))
                paths.append(["received"] if status == "received" else
                             ["received", "accepted"] if status == "accepted" else
                             ["received", status])
        Request.objects.bulk_create(requests, batch_size=BATCH)
        steps = [RequestStep(request_id=r.pk, status=s)
                 for r, path in zip(requests, paths, strict=True) for s in path]
        RequestStep.objects.bulk_create(steps, batch_size=BATCH)
        counts = {"requests": len(requests), "request_steps": len(steps)}
        self.say(f"{office.code} requests", counts)
        self._office_counts.update(counts)
