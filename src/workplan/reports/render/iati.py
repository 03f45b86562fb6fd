"""IATI 2.03 activities XML (``iati-activities-schema.xsd``) from ``data.iati``: elements in
the order the schema's sequence requires, narratives in English (``xml:lang`` on each
activity), amounts with a value date."""

from __future__ import annotations

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _narrative(parent, text: str):
    etree.SubElement(parent, "narrative").text = text
    return parent


def render_iati(data) -> bytes:
    root = etree.Element("iati-activities", {
        "version": "2.03", "generated-datetime": data.generated.isoformat(timespec="seconds")})
    for activity in data.activities:
        node = etree.SubElement(root, "iati-activity", {
            "last-updated-datetime": data.generated.isoformat(timespec="seconds"),
            XML_LANG: "en", "default-currency": "USD", "hierarchy": "1"})
        etree.SubElement(node, "iati-identifier").text = activity.identifier
        _narrative(etree.SubElement(node, "reporting-org",
                                    {"ref": data.org_ref, "type": data.org_type}), data.org_name)
        _narrative(etree.SubElement(node, "title"), activity.title)
        _narrative(etree.SubElement(node, "description", {"type": "1"}), activity.description)
        for org in activity.orgs:
            attributes = {"role": org.role}
            if org.ref:
                attributes["ref"] = org.ref
            if org.type:
                attributes["type"] = org.type
            _narrative(etree.SubElement(node, "participating-org", attributes), org.name)
        etree.SubElement(node, "activity-status", {"code": activity.status})
        for kind, day in activity.dates:
            etree.SubElement(node, "activity-date", {"type": kind, "iso-date": day.isoformat()})
        etree.SubElement(node, "activity-scope", {"code": activity.scope})
        for code, share in activity.countries:
            etree.SubElement(node, "recipient-country", {"code": code,
                                                         "percentage": f"{share:.2f}"})
        if activity.region:
            etree.SubElement(node, "recipient-region", {"code": activity.region,
                                                        "vocabulary": "1",
                                                        "percentage": "100"})
        if activity.place:
            location = etree.SubElement(node, "location")
            _narrative(etree.SubElement(location, "name"), activity.place)
        _narrative(etree.SubElement(node, "sector", {"vocabulary": "1", "code": "33120",
                                                     "percentage": "100"}),
                   "Trade facilitation")
        etree.SubElement(node, "default-aid-type", {"code": "D02", "vocabulary": "1"})
        for currency, amount in activity.budgets:
            budget = etree.SubElement(node, "budget", {"type": "1", "status": "2"})
            etree.SubElement(budget, "period-start",
                             {"iso-date": activity.budget_start.isoformat()})
            etree.SubElement(budget, "period-end", {"iso-date": activity.budget_end.isoformat()})
            etree.SubElement(budget, "value", {
                "currency": currency,
                "value-date": activity.budget_start.isoformat()}).text = f"{amount:.2f}"
        for item in activity.transactions:
            transaction = etree.SubElement(node, "transaction")
            etree.SubElement(transaction, "transaction-type", {"code": item.code})
            etree.SubElement(transaction, "transaction-date", {"iso-date": item.date.isoformat()})
            etree.SubElement(transaction, "value", {
                "currency": item.currency,
                "value-date": item.date.isoformat()}).text = f"{item.amount:.2f}"
            _narrative(etree.SubElement(transaction, "description"), item.description)
            _narrative(etree.SubElement(transaction, "provider-org", {"type": item.provider_type}),
                       item.provider)
            _narrative(etree.SubElement(transaction, "receiver-org",
                                        {"ref": data.org_ref, "type": data.org_type}),
                       data.org_name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
