"""E-mails point at what they are about through a generic reference, not a foreign key per domain model.

Each e-mail keeps the row it is rendered from: a hiring manager's e-mail (and the recruiter's
note that a link expired) its routing, a request's e-mail the request, an invitation the
application.
"""

import django.db.models.deletion
from django.db import migrations, models


def point_at_what_each_email_is_about(apps, schema_editor):
    OutboundEmail = apps.get_model("feedback_portal", "OutboundEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def content_type(app_label, model):
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]

    # The routing first: its e-mails named the request too, and render from the routing.
    for field, (app_label, model) in [
        ("routing_id", ("requests_app", "routing")),
        ("feedback_request_id", ("requests_app", "feedbackrequest")),
        ("application_id", ("candidates", "application")),
    ]:
        rows = OutboundEmail.objects.filter(about_type__isnull=True, **{f"{field}__isnull": False})
        if rows.exists():
            kind = content_type(app_label, model)
            for pk, about_id in rows.values_list("pk", field).iterator():
                OutboundEmail.objects.filter(pk=pk).update(about_type=kind, about_id=about_id)


def point_back(apps, schema_editor):
    OutboundEmail = apps.get_model("feedback_portal", "OutboundEmail")
    for email in OutboundEmail.objects.filter(about_type__isnull=False).select_related("about_type"):
        field = {
            "routing": "routing_id",
            "feedbackrequest": "feedback_request_id",
            "application": "application_id",
        }.get(email.about_type.model)
        if field:
            OutboundEmail.objects.filter(pk=email.pk).update(**{field: email.about_id})
            if field == "routing_id":
                Routing = apps.get_model("requests_app", "Routing")
                request_id = Routing.objects.filter(pk=email.about_id).values_list("feedback_request_id", flat=True).first()
                OutboundEmail.objects.filter(pk=email.pk).update(feedback_request_id=request_id)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback_portal", "0007_legal_terms"),
        ("requests_app", "0007_follow_up"),
        ("candidates", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="about_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="about_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(point_at_what_each_email_is_about, point_back),
        migrations.RemoveField(model_name="outboundemail", name="application"),
        migrations.RemoveField(model_name="outboundemail", name="feedback_request"),
        migrations.RemoveField(model_name="outboundemail", name="routing"),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(fields=["about_type", "about_id"], name="outbound_about_idx"),
        ),
    ]
