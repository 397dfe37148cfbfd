"""Recording an outcome is announced (`outcome_recorded`) for the apps above candidates to hear,
inside the transaction that writes it, and only when something changed."""

import pytest
from django.db import connection

from candidates import services
from candidates.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listener(sender, applications, at, **kwargs):
        calls.extend((a.pk, a.outcome, connection.in_atomic_block) for a in applications)

    services.outcome_recorded.connect(listener, weak=False)
    try:
        yield calls
    finally:
        services.outcome_recorded.disconnect(listener)


def test_recording_a_new_outcome_is_announced_inside_its_transaction(heard, application_factory):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    services.record_outcome(application=application, outcome=Application.Outcome.NOT_SELECTED)
    services.record_outcome(application=application, outcome=Application.Outcome.NOT_SELECTED)  # the same
    services.record_outcome(application=application, outcome=Application.Outcome.HIRED)

    assert [(pk, outcome) for pk, outcome, _ in heard] == [
        (application.pk, "not_selected"),
        (application.pk, "hired"),
    ]
    assert all(in_transaction for *_, in_transaction in heard)


def test_an_application_added_with_an_outcome_is_announced_but_not_a_candidates_own_account(
    heard, client_factory, recruiter, candidate
):
    client = client_factory(owner=recruiter)
    added = services.create_application(
        client=client,
        recruiter=recruiter,
        candidate_name="Sam Okafor",
        candidate_email="sam@example.test",
        role_title="Analyst",
        outcome=Application.Outcome.NOT_SELECTED,
    )
    services.create_application(
        client=client,
        recruiter=recruiter,
        candidate_name="Lee",
        candidate_email="lee@example.test",
        role_title="QA",
    )
    services.describe_application(
        candidate=candidate, company=client.name, role_title="Tester", stage="first", outcome="not_selected"
    )

    assert [pk for pk, *_ in heard] == [added.pk]
