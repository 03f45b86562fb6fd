"""Load the WCO instruments of the adoption register and bind existing KPIs by the rules."""

from django.db import migrations


def load(apps, schema_editor):
    from workplan.indicators.binding import bind
    from workplan.indicators.services import load_instruments

    load_instruments(models=apps)
    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in Indicator.objects.filter(measure_locked=False).select_related("action"):
        binding = bind(indicator.text, indicator.action.text)
        indicator.measure, indicator.params = binding.measure, binding.params
        indicator.cumulative = binding.cumulative
        indicator.save(update_fields=["measure", "params", "cumulative"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_kpi_engine")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
