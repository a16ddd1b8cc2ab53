import secrets

from django.db import migrations, models

import maps.models


def give_every_map_a_token(apps, schema_editor):
    JourneyMap = apps.get_model("maps", "JourneyMap")
    for journey_map in JourneyMap.objects.filter(view_token=None).only("pk"):
        journey_map.view_token = secrets.token_urlsafe(32)
        journey_map.save(update_fields=["view_token"])


class Migration(migrations.Migration):
    dependencies = [("maps", "0003_private_writing_and_dots")]

    operations = [
        # In three steps: a callable default on AddField gives every existing row the same value.
        migrations.AddField(
            model_name="journeymap",
            name="view_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_every_map_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="journeymap",
            name="view_token",
            field=models.CharField(
                default=maps.models.new_view_token,
                editable=False,
                max_length=64,
                null=True,
                unique=True,
            ),
        ),
    ]
