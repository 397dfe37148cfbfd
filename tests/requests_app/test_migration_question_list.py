"""Migration 0013: the candidate's one box of questions becomes a list of them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_LIST = ("requests_app", "0010_analytics_months")


@pytest.mark.django_db(transaction=True)
def test_questions_already_asked_become_one_question_and_none_stay_none():
    executor = MigrationExecutor(connection)
    # Every other app as it is now; requests_app as it was before the list.
    before = [BEFORE_LIST, *(n for n in executor.loader.graph.leaf_nodes() if n[0] != "requests_app")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User = old.get_model("feedback_portal", "User")
    recruiter = User.objects.create(email="rae@agency.test", role="recruiter")
    candidate = User.objects.create(email="cas@example.test")
    client = old.get_model("candidates", "Client").objects.create(name="Acme", owner=recruiter)
    Application = old.get_model("candidates", "Application")
    FeedbackRequest = old.get_model("requests_app", "FeedbackRequest")

    def ask(questions: str):
        application = Application.objects.create(
            client=client, candidate=candidate, candidate_name="Cas", candidate_email=candidate.email,
            role_title="Analyst", recruiter=recruiter,
        )  # fmt: skip
        return FeedbackRequest.objects.create(
            application=application, candidate=candidate, questions=questions
        )

    asked = ask("  Was my CV too long?\nAnd my portfolio?  ")
    silent = ask("")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from requests_app.models import FeedbackRequest as Now

    assert Now.objects.get(pk=asked.pk).question_list == ["Was my CV too long?\nAnd my portfolio?"]
    assert Now.objects.get(pk=silent.pk).question_list == []
