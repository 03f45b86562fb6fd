"""KPIs of items and experiences shared, bound by hand until now, are counted from the
publications register (``items_shared``) when staff did not choose their measure."""

from django.db import migrations


def rebind(apps, schema_editor):
    from workplan.indicators.binding import bind

    Indicator = apps.get_model("indicators", "Indicator")
    for indicator in (Indicator.objects.filter(measure_locked=False, measure="manual")
                      .select_related("action")):
        binding = bind(indicator.text, indicator.action.text)
        if binding.measure == "items_shared":
            indicator.measure, indicator.params = binding.measure, binding.params
            indicator.cumulative = binding.cumulative
            indicator.save(update_fields=["measure", "params", "cumulative"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"),
                    ("indicators", "0003_instruments_and_bindings")]
    operations = [migrations.RunPython(rebind, migrations.RunPython.noop)]
