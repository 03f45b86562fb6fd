"""Load the Asia/Pacific members, their aliases and groups, and create ROCB A/P.

So ``workplan migrate`` alone gives a working database: no separate set-up step in scripts.
"""

from django.db import migrations


def load(apps, schema_editor):
    from workplan.directory.services import load_region

    load_region(models=apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
