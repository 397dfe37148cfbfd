"""The candidate asks up to three questions, each its own; the manager answers each.

The old free-text `questions` becomes a list: a request that had text keeps it as one
question (and back again, joined by blank lines).
"""

from django.db import migrations, models


def text_to_list(apps, schema_editor):
    FeedbackRequest = apps.get_model("requests_app", "FeedbackRequest")
    for feedback_request in FeedbackRequest.objects.exclude(questions="").only("pk", "questions").iterator():
        FeedbackRequest.objects.filter(pk=feedback_request.pk).update(
            question_list=[feedback_request.questions.strip()]
        )


def list_to_text(apps, schema_editor):
    FeedbackRequest = apps.get_model("requests_app", "FeedbackRequest")
    for feedback_request in FeedbackRequest.objects.only("pk", "question_list").iterator():
        if feedback_request.question_list:
            FeedbackRequest.objects.filter(pk=feedback_request.pk).update(
                questions="\n\n".join(feedback_request.question_list)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0012_seed_next_step_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackrequest",
            name="question_list",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The candidate's questions (up to three), in the order asked.",
            ),
        ),
        migrations.RunPython(text_to_list, list_to_text),
        migrations.RemoveField(model_name="feedbackrequest", name="questions"),
        migrations.AddField(
            model_name="feedbackresponse",
            name="question_answers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The candidate's questions as asked, each with the answer: [{question, answer}].",
            ),
        ),
        migrations.AddField(
            model_name="feedbackresponse",
            name="released_question_answers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The same, as the candidate reads them now (the recruiter's edit).",
            ),
        ),
        migrations.AddField(
            model_name="releasedversion",
            name="question_answers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The questions with the answers released: [{question, answer}].",
            ),
        ),
    ]
