"""The agency's brand in its settings row: a brand colour and a logo join the name, support e-mail and
sign-off the e-mails already used. Those three keep their columns and values; only their labels change."""

import feedback_portal.brand
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback_portal', '0012_user_uuid'),
    ]

    operations = [
        migrations.AddField(
            model_name='portalsettings',
            name='brand_colour',
            field=models.CharField(default='#1f4e8c', help_text='The header, buttons and links, as # and six hexadecimal digits (e.g. #1f4e8c). White text sits on it, so it needs a contrast of at least 4.5:1 against white.', max_length=7, validators=[feedback_portal.brand.validate_brand_colour], verbose_name='brand colour'),
        ),
        migrations.AddField(
            model_name='portalsettings',
            name='logo',
            field=models.BinaryField(blank=True, default=b''),
        ),
        migrations.AddField(
            model_name='portalsettings',
            name='logo_type',
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='portalsettings',
            name='logo_version',
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.AlterField(
            model_name='portalsettings',
            name='agency_contact_email',
            field=models.EmailField(default='hello@northwind.test', help_text="Where candidates and hiring managers can write: in every page's footer and e-mail.", max_length=254, verbose_name='support e-mail'),
        ),
        migrations.AlterField(
            model_name='portalsettings',
            name='agency_name',
            field=models.CharField(default='Northwind Talent', help_text="Shown in every page's header, footer and title, and as the sender of every e-mail.", max_length=120),
        ),
        migrations.AlterField(
            model_name='portalsettings',
            name='sign_off',
            field=models.CharField(default='The Northwind Talent team', help_text="The line every e-mail ends with, above the agency's name.", max_length=200),
        ),
    ]
