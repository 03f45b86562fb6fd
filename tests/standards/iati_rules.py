"""IATI's Standard Ruleset and codelist rules, evaluated on an activities file.

The rule data is IATI's own (``../shared/iati-2.03/rules/``: ``standard.json`` from
IATI-Rulesets, ``codelist_rules.json`` from IATI-Validator-Codelists, the codelists from
IATI-Codelists; SOURCES.txt names the commits). This module only gives the rule types their
meaning, as IATI-Rulesets' SPEC_JS.rst documents it for IATI's validator:

- ``atleast_one`` / ``no_more_than_one``: at least one / at most one match of ``paths``;
- ``unique``: the texts matched by ``paths`` differ;
- ``startswith``: each text of ``paths`` starts with a ``prefix`` match (or an approved
  registration agency code for ``ORG-ID-PREFIX``), then ``separator``;
- ``regex_matches``: ``regex`` matches every text of ``paths``;
- ``no_spaces``: no text of ``paths`` starts or ends with white space;
- ``one_or_all``: ``one`` exists, or else ``all`` holds for every element it concerns
  (``lang``: every narrative has ``xml:lang``; ``currency``: every value has ``@currency``;
  ``sector``: every transaction has a sector);
- ``date_now``: ``date`` is not after now; ``date_order``: ``less`` is not after ``more``
  (``NOW`` is today; a missing date skips the rule); ``time_limit``: ``end`` is at most a year
  after ``start``; ``between_dates``: ``start`` <= ``date`` <= ``end``;
- ``strict_sum``: the decimal sum of ``paths`` is ``sum``; ``range``: each value is within
  ``min``..``max``;
- ``if_then``: when ``if`` is true, ``then`` is true;
- ``loop``: for each distinct value of ``foreach``, the ``do`` rules with ``$1`` replaced by
  it in the keys ``subs`` names;
- ``condition`` (XPath) false skips a case. ``idCondition`` (whether the identifier is already
  registered) needs IATI's registry; it is taken as true, i.e. the rule always applies.

Codelist rules: for each element of a context, the attribute (or ``text()``) named must be
one of ``allowedCodes``; a rule with ``conditions`` picks its list by the value of
``linkedAttribute`` (``defaultLink`` when the attribute is absent).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from lxml import etree

RULES = Path(__file__).resolve().parents[3] / "shared" / "iati-2.03" / "rules"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Finding:
    rule: str          # IATI's rule id, e.g. "11.2.1"
    severity: str      # "error" or "warning"
    message: str       # IATI's message
    where: str         # the activity identifier (or the file), and the element

    def __str__(self):
        return f"{self.severity} {self.rule} at {self.where}: {self.message}"


@cache
def standard_ruleset() -> dict:
    return json.loads((RULES / "standard.json").read_text())


@cache
def codelist_rules() -> dict:
    return json.loads((RULES / "codelist_rules.json").read_text())


@cache
def org_id_prefixes() -> tuple[str, ...]:
    """The approved registration agency codes (``ORG-ID-PREFIX``), withdrawn ones excluded."""
    tree = etree.parse(str(RULES / "codelists" / "OrganisationRegistrationAgency.xml"))
    return tuple(item.findtext("code") for item in tree.iterfind(".//codelist-item")
                 if item.get("status", "active") != "withdrawn")


def _texts(node, path: str) -> list[str]:
    found = node.xpath(path)
    if not isinstance(found, list):
        return [str(found)]
    values = []
    for item in found:
        values.append(item.text or "" if isinstance(item, etree._Element) else str(item))
    return values


def _nodes(node, path: str) -> list:
    found = node.xpath(path)
    return found if isinstance(found, list) else ([found] if found else [])


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def _where(node) -> str:
    activity = node if node.tag == "iati-activity" else next(
        (a for a in node.iterancestors("iati-activity")), None)
    ident = activity.findtext("iati-identifier") if activity is not None else None
    path = node.getroottree().getpath(node)
    return f"{ident or 'the file'} ({path})"


class Evaluator:
    """Every case of the ruleset on one parsed file; ``findings`` collects what fails."""

    def __init__(self, root, today: dt.date):
        self.root = root
        self.today = today
        self.findings: list[Finding] = []

    def fail(self, case: dict, node, detail: str = "") -> None:
        info = case["ruleInfo"]
        message = info["message"] + (f" ({detail})" if detail else "")
        self.findings.append(Finding(info["id"], info["severity"], message, _where(node)))

    def run(self) -> list[Finding]:
        for context, rules in standard_ruleset().items():
            for node in self.root.getroottree().xpath(context):
                for name, body in rules.items():
                    for case in body["cases"]:
                        self.case(name, case, node)
        self.codelists()
        return self.findings

    # --- the rule types -------------------------------------------------------------------

    def case(self, name: str, case: dict, node) -> None:
        if "condition" in case and not node.xpath(f"boolean({case['condition']})"):
            return
        getattr(self, name)(case, node)

    def atleast_one(self, case, node):
        if not any(_nodes(node, path) for path in case["paths"]):
            self.fail(case, node)

    def no_more_than_one(self, case, node):
        count = sum(len(_nodes(node, path)) for path in case["paths"])
        if count > 1:
            self.fail(case, node, f"{count} found")

    def unique(self, case, node):
        values = [v for path in case["paths"] for v in _texts(node, path)]
        if len(set(values)) != len(values):
            self.fail(case, node, f"repeated: {values}")

    def startswith(self, case, node):
        prefixes: list[str] = []
        for path in case["prefix"]:
            prefixes += org_id_prefixes() if path == "ORG-ID-PREFIX" else _texts(node, path)
        separator = case.get("separator", "")
        for path in case["paths"]:
            for value in _texts(node, path):
                if not any(value.startswith(p + separator) for p in prefixes if p):
                    self.fail(case, node, f"{value!r}")

    def regex_matches(self, case, node):
        pattern = re.compile(case["regex"])
        for path in case["paths"]:
            for value in _texts(node, path):
                if not pattern.search(value):
                    self.fail(case, node, f"{value!r}")

    def no_spaces(self, case, node):
        for path in case["paths"]:
            for value in _texts(node, path):
                if value != value.strip():
                    self.fail(case, node, f"{value!r}")

    def one_or_all(self, case, node):
        if _nodes(node, case["one"]):
            return
        missing = {
            "lang": lambda: [n for n in node.iter("narrative") if n.get(XML_LANG) is None],
            "currency": lambda: [v for v in node.iter("value") if not v.get("currency")],
            "sector": lambda: [t for t in node.iterfind("transaction")
                               if t.find("sector") is None] or (
                [node] if node.find("transaction") is None else []),
        }[case["all"]]()
        if missing:
            self.fail(case, node, f"{len(missing)} without")

    def date_now(self, case, node):
        for value in _texts(node, case["date"]):
            day = _date(value)
            if day is not None and day > self.today:
                self.fail(case, node, value)

    def _dates(self, node, path: str) -> list[dt.date]:
        if path == "NOW":
            return [self.today]
        return [d for d in map(_date, _texts(node, path)) if d is not None]

    def date_order(self, case, node):
        less, more = self._dates(node, case["less"]), self._dates(node, case["more"])
        for early in less:
            for late in more:
                if early > late:
                    self.fail(case, node, f"{early} after {late}")

    def time_limit(self, case, node):
        for start in self._dates(node, case["start"]):
            for end in self._dates(node, case["end"]):
                try:
                    limit = start.replace(year=start.year + 1)
                except ValueError:  # 29 February
                    limit = start.replace(year=start.year + 1, day=28)
                if end > limit:
                    self.fail(case, node, f"{start} to {end}")

    def between_dates(self, case, node):
        starts, ends = self._dates(node, case["start"]), self._dates(node, case["end"])
        for day in self._dates(node, case["date"]):
            if any(day < s for s in starts) or any(day > e for e in ends):
                self.fail(case, node, str(day))

    def strict_sum(self, case, node):
        values = [_decimal(v) for path in case["paths"] for v in _texts(node, path)]
        total = sum((v for v in values if v is not None), Decimal(0))
        if None in values or total != Decimal(str(case["sum"])):
            self.fail(case, node, f"sum {total}")

    def range(self, case, node):
        low, high = Decimal(str(case["min"])), Decimal(str(case["max"]))
        for path in case["paths"]:
            for value in _texts(node, path):
                number = _decimal(value)
                if number is None or not low <= number <= high:
                    self.fail(case, node, value)

    def if_then(self, case, node):
        if node.xpath(f"boolean({case['if']})") and not node.xpath(f"boolean({case['then']})"):
            self.fail(case, node)

    def loop(self, case, node):
        for value in dict.fromkeys(_texts(node, case["foreach"])):
            for name, body in case["do"].items():
                for inner in body["cases"]:
                    substituted = dict(inner)
                    for key in case["subs"]:
                        if key not in inner:
                            continue
                        substituted[key] = (
                            [p.replace("$1", value) for p in inner[key]]
                            if isinstance(inner[key], list) else inner[key].replace("$1", value))
                    self.case(name, substituted, node)

    # --- codelists -------------------------------------------------------------------------

    def codelists(self) -> None:
        tree = self.root.getroottree()
        for context, attributes in codelist_rules().items():
            for node in tree.xpath(context):
                for attribute, rule in attributes.items():
                    if attribute == "text()":
                        value = (node.text or "").strip() or None
                    else:
                        name = XML_LANG if attribute == "xml:lang" else attribute
                        value = node.get(name)
                    if value is None:
                        continue
                    if "conditions" in rule:
                        condition = rule["conditions"]
                        link = node.get(condition["linkedAttribute"],
                                        condition.get("defaultLink"))
                        rule = condition["mapping"].get(link)
                        if rule is None:
                            continue
                    if value not in rule["allowedCodes"]:
                        self.findings.append(Finding(
                            rule["id"], rule["severity"],
                            f"{rule['message']} ({attribute}={value!r}, codelist "
                            f"{rule['codelist']})", _where(node)))


def evaluate(content: bytes, today: dt.date) -> list[Finding]:
    """Every finding of the Standard Ruleset and the codelist rules on an activities file,
    as of ``today`` (the date rules compare with "now")."""
    return Evaluator(etree.fromstring(content), today).run()
