"""The Pacific partners plans name and the data lacked: the Oceania Customs Organisation and
the Pacific Islands Forum Secretariat (shared reference data, like every partner)."""

from django.db import migrations

PARTNERS = [
    ("Oceania Customs Organisation", "OCO", "other", "FJI", "https://www.ocosec.org"),
    ("Pacific Islands Forum Secretariat", "PIFS", "other", "FJI",
     "https://www.forumsec.org"),
]


def add_partners(apps, schema_editor):
    Partner = apps.get_model("directory", "Partner")
    for name, acronym, kind, country, website in PARTNERS:
        if not Partner.objects.filter(acronym=acronym).exists():
            Partner.objects.get_or_create(name=name, defaults={
                "acronym": acronym, "kind": kind, "country": country, "website": website})


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_membergroup_history")]

    operations = [migrations.RunPython(add_partners, migrations.RunPython.noop)]
