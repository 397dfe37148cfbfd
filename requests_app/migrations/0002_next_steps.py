"""Seed the library of next steps, which the agency edits in the admin afterwards."""

from django.db import migrations

NEXT_STEPS = {
    "cv": ["Rewrite the summary around outcomes", "Ask your recruiter for a CV review"],
    "presentation": ["Practise answers aloud or on video", "A mock interview with your recruiter"],
    "experience": ["Volunteer or side projects that show it", "Target roles one step closer"],
    "skills": ["A short course in the named skill", "A portfolio piece that proves it"],
    "answers": ["Prepare STAR stories for common questions"],
    "preparation": ["Research the company's products, news and values"],
    "fit": ["Ask about team and culture at the first interview"],
}


def seed(apps, schema_editor):
    NextStep = apps.get_model("requests_app", "NextStep")
    for area, texts in NEXT_STEPS.items():
        for position, text in enumerate(texts):
            NextStep.objects.get_or_create(area=area, text=text, defaults={"position": position})
    # Nerves show up under presentation; a counsellor helps there.
    NextStep.objects.get_or_create(
        area="presentation", text="Talk to a career counsellor about interview nerves", defaults={"position": 9}
    )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
