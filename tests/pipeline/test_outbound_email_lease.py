"""The database, not the broker, knows which e-mails are due: leases, claims and the sweep.

An e-mail queued here has no task running for it (its on-commit enqueue never fires in
a test transaction), which is exactly what a lost broker message leaves behind.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.db import connections

from feedback_portal import mail
from feedback_portal.models import OutboundEmail
from feedback_portal.tasks import sweep_outbound_email
from requests_app import emails
from requests_app.models import Event

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def queued_email(submitted_request, time_machine):
    """The recruiter's "new request" e-mail, queued at START."""
    time_machine.move_to(START, tick=False)
    return mail.queue(
        emails.NEW_REQUEST, to=submitted_request.application.recruiter.email, about=submitted_request
    )


@pytest.mark.django_db
def test_email_whose_task_was_lost_is_sent_by_the_next_sweep(queued_email, time_machine):
    # A just-queued e-mail is left to its own task for a minute...
    time_machine.move_to(START + timedelta(seconds=59), tick=False)
    assert sweep_outbound_email.apply().get() == 0
    # ...after which the sweep sends it.
    time_machine.move_to(START + timedelta(seconds=60), tick=False)
    assert sweep_outbound_email.apply().get() == 1

    queued_email.refresh_from_db()
    assert queued_email.state == OutboundEmail.State.SENT
    assert queued_email.attempts == 1
    assert [m.to for m in outbox.outbox] == [[queued_email.to_email]]


@pytest.mark.django_db
def test_email_stuck_in_sending_past_its_lease_is_claimed_again_by_the_sweep(
    settings, queued_email, time_machine
):
    # A worker claimed it, then died before sending: the row stays in "sending".
    assert mail.claim(queued_email.pk, now=START)
    lease_ends = START + timedelta(seconds=settings.OUTBOUND_EMAIL_LEASE_SECONDS)
    just_before = lease_ends - timedelta(seconds=1)

    # While the lease holds, nobody else touches it.
    assert mail.due_ids(now=just_before) == []
    assert not mail.deliver(queued_email.pk, now=just_before)
    time_machine.move_to(just_before, tick=False)
    assert sweep_outbound_email.apply().get() == 0
    assert outbox.outbox == []

    # Once it runs out, the sweep claims it again and sends it.
    assert mail.due_ids(now=lease_ends) == [queued_email.pk]
    time_machine.move_to(lease_ends, tick=False)
    assert sweep_outbound_email.apply().get() == 1

    queued_email.refresh_from_db()
    assert queued_email.state == OutboundEmail.State.SENT
    assert queued_email.attempts == 2
    assert queued_email.sent_at == lease_ends
    assert len(outbox.outbox) == 1
    sent_events = Event.objects.filter(feedback_request_id=queued_email.about_id, kind="email_sent")
    assert [e.message for e in sent_events] == [f"E-mail to the recruiter: “{queued_email.subject}”"]


@pytest.mark.django_db
def test_second_claim_of_the_same_email_loses(queued_email):
    assert mail.claim(queued_email.pk, now=START)
    assert not mail.claim(queued_email.pk, now=START)

    queued_email.refresh_from_db()
    assert queued_email.state == OutboundEmail.State.SENDING
    assert queued_email.attempts == 1


@pytest.mark.django_db
def test_email_delivered_twice_is_sent_once(queued_email):
    # E.g. its own task and the sweep's, both delivered by the broker.
    assert mail.deliver(queued_email.pk, now=START + timedelta(seconds=1))
    assert not mail.deliver(queued_email.pk, now=START + timedelta(seconds=2))

    assert len(outbox.outbox) == 1
    queued_email.refresh_from_db()
    assert queued_email.attempts == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_only_one_wins(submitted_request):
    # The row alone: mail.queue would run its (eager) task as soon as it commits.
    email = OutboundEmail.objects.create(
        kind=emails.NEW_REQUEST.name,
        to_email=submitted_request.application.recruiter.email,
        about=submitted_request,
    )
    workers = 2
    ready = threading.Barrier(workers)
    results = []

    def claim() -> None:
        try:
            ready.wait(timeout=10)
            results.append(mail.claim(email.pk, now=START))
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=claim) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENDING
    assert email.attempts == 1
