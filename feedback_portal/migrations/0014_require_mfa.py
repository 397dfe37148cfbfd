"""The agency may require recruiters and admins to sign in with two-factor authentication. An existing
row gets what a fresh one would: required when the portal runs with DEBUG off, not under `make run`."""

import feedback_portal.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback_portal', '0013_agency_brand'),
    ]

    operations = [
        migrations.AddField(
            model_name='portalsettings',
            name='require_mfa',
            field=models.BooleanField(default=feedback_portal.models.mfa_required_by_default, help_text='Recruiters and admins must sign in with a second factor (an authenticator app or a passkey); one without it is led to set it up before any other page. Candidates may choose it for themselves on their account page.', verbose_name='require two-factor authentication'),
        ),
    ]
