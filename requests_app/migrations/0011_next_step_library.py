"""Next steps gain a title, a one-line description, an optional link and the rating they suit;
what a release suggests is kept with it (each answer's `released_steps`, each version's `steps`).

The library's one line of text becomes the title (too long for one: the title shortened, the
whole line the description). Those steps were only ever shown under areas rated "room to
improve", so that is the rating they keep. Feedback already released showed the library as it
was: each released answer rated "room to improve" keeps those steps, so the candidate reads
the same page after the change. The first library's one-liners still exactly as seeded (none
edited by the agency) are then switched off, not deleted: the fuller library of the next
migration replaces them, and the admin can switch any back on.
"""

import django.core.validators
from django.db import migrations, models

# The one-line steps migration 0002 seeded, by area.
FIRST_SEED = {
    "cv": ["Rewrite the summary around outcomes", "Ask your recruiter for a CV review"],
    "presentation": [
        "Practise answers aloud or on video",
        "A mock interview with your recruiter",
        "Talk to a career counsellor about interview nerves",
    ],
    "experience": ["Volunteer or side projects that show it", "Target roles one step closer"],
    "skills": ["A short course in the named skill", "A portfolio piece that proves it"],
    "answers": ["Prepare STAR stories for common questions"],
    "preparation": ["Research the company's products, news and values"],
    "fit": ["Ask about team and culture at the first interview"],
}


def convert(apps, schema_editor):
    NextStep = apps.get_model("requests_app", "NextStep")
    AreaAnswer = apps.get_model("requests_app", "AreaAnswer")
    ReleasedVersion = apps.get_model("requests_app", "ReleasedVersion")
    library: dict[str, list[dict]] = {}
    for step in NextStep.objects.order_by("area", "position", "id"):
        text = step.text.strip()
        step.title, step.description = (text, "") if len(text) <= 100 else (text[:99] + "…", text[:200])
        step.rating = "improve"
        step.save(update_fields=["title", "description", "rating"])
        if step.is_active:
            library.setdefault(step.area, []).append(
                {"title": step.title, "description": step.description, "url": ""}
            )
    for area, texts in FIRST_SEED.items():
        NextStep.objects.filter(area=area, text__in=texts).update(is_active=False)
    if not library:
        return
    released = AreaAnswer.objects.filter(
        response__released_at__isnull=False, rating="improve", area__in=list(library)
    )
    for answer in released.iterator():
        answer.released_steps = library[answer.area]
        answer.save(update_fields=["released_steps"])
    for version in ReleasedVersion.objects.iterator():
        areas = AreaAnswer.objects.filter(response_id=version.response_id, rating="improve").values_list(
            "area", flat=True
        )
        version.steps = {area: library[area] for area in areas if area in library}
        if version.steps:
            version.save(update_fields=["steps"])


def back(apps, schema_editor):
    NextStep = apps.get_model("requests_app", "NextStep")
    for step in NextStep.objects.all():
        step.text = (f"{step.title} — {step.description}" if step.description else step.title)[:200]
        step.save(update_fields=["text"])
    for area, texts in FIRST_SEED.items():
        NextStep.objects.filter(area=area, text__in=texts).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0010_analytics_months")]

    operations = [
        migrations.AddField(
            model_name="nextstep",
            name="title",
            field=models.CharField(
                default="", help_text="Short: what to do, in a few words.", max_length=100
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="nextstep",
            name="description",
            field=models.CharField(blank=True, help_text="One line: why, or how.", max_length=200),
        ),
        migrations.AddField(
            model_name="nextstep",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Optional: a course, a practice site or a guide (a public https:// page).",
                max_length=300,
                validators=[
                    django.core.validators.URLValidator(
                        message="Enter a web address starting with https:// (or http://).",
                        schemes=["http", "https"],
                    )
                ],
                verbose_name="link",
            ),
        ),
        migrations.AddField(
            model_name="nextstep",
            name="rating",
            field=models.CharField(
                blank=True,
                choices=[("strength", "Strength"), ("met", "Met the bar"), ("improve", "Room to improve")],
                help_text="The rating it suits; leave it blank to offer it for any rating of the area.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="areaanswer",
            name="released_steps",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The next steps released for this area: title, description and url of each.",
            ),
        ),
        migrations.AddField(
            model_name="releasedversion",
            name="steps",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Area → the next steps released (title, description, url).",
            ),
        ),
        migrations.RunPython(convert, back),
        migrations.AlterField(
            model_name="nextstep",
            name="text",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RemoveField(model_name="nextstep", name="text"),
    ]
