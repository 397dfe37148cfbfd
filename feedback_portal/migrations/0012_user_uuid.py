"""Every user gets a public id, so addresses can name a recruiter (a queue filter) without an integer key."""

import uuid

from django.db import migrations, models


def give_each_user_a_uuid(apps, schema_editor):
    User = apps.get_model("feedback_portal", "User")
    for pk in User.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
        User.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("feedback_portal", "0011_recruiters_see"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_user_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
