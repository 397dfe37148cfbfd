"""Erasure on request: after it, no table holds the person's name or e-mail; the counts stay."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from candidates.erasure import ERASED_MANAGER_NAME, erase_hiring_manager
from candidates.models import Application, CandidateProfile, HiringManager
from feedback_portal import erasure
from feedback_portal.models import ErasureRequest, OutboundEmail, User
from requests_app import analytics, services
from requests_app.models import AnalyticsMonth, Area, BulkRun, Event, FeedbackRequest, Rating
from requests_app.models.analytics import FIGURE_FIELDS
from requests_app.retention import set_legal_hold

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quonsetworth"
SURNAME = "Quonsetworth"
EMAIL = "zebedee.quonset@example.test"
PHONE = "+44 7700 900417"
MANAGER = "Ottoline Brackenbury"
MANAGER_EMAIL = "ottoline.brackenbury@client.test"


def dump_every_table() -> str:
    """Every row of every table in the database, as text, lower-cased."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if connection.vendor == "postgresql":
                cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            else:
                cursor.execute(f'SELECT * FROM "{table}"')
            out.extend(f"{table}: {row}" for row in cursor.fetchall())
    return "\n".join(out).lower()


def figures() -> dict:
    analytics.rollup_all(now=timezone.now())
    return {
        (row["month"], row["client_id"]): {f: row[f] for f in FIGURE_FIELDS}
        for row in AnalyticsMonth.objects.values("month", "client_id", *FIGURE_FIELDS)
    }


@pytest.fixture
def world(candidate_factory, application_factory, hiring_manager_factory, recruiter_factory, client):
    """The candidate across every kind of row, through the services the pages use."""
    me = candidate_factory(name=NAME, email=EMAIL)
    CandidateProfile.objects.create(user=me, phone=PHONE)
    recruiter = recruiter_factory()

    def ask(role: str, **kwargs):
        application = application_factory(candidate=me, role_title=role, recruiter=recruiter)
        manager = hiring_manager_factory(client=application.client, name=MANAGER, email=MANAGER_EMAIL)
        fr = services.submit_request(
            candidate=me,
            application=application,
            areas=[Area.EXPERIENCE],
            questions=[f"I am {NAME}: was my demo too long?"],
            consent_to_forward=True,
            self_assessment={Area.EXPERIENCE: Rating.MET},
        )
        return fr, manager

    # Released, with a follow-up question answered.
    released, manager = ask("Data Analyst")
    routing = services.route_request(
        feedback_request=released,
        hiring_manager=manager,
        message=f"{NAME} asks about the demo.",
        actor=recruiter,
    )
    response = services.submit_manager_response(
        routing=routing,
        answers={Area.EXPERIENCE: (Rating.IMPROVE, f"{NAME} needs more dbt.")},
        summary="Solid.",
    )
    services.release_response(
        response=response,
        actor=recruiter,
        released_summary="Solid work; one modelling project would close the gap.",
        released_comments={Area.EXPERIENCE: "More hands-on time with dbt would help."},
    )
    released.refresh_from_db()
    follow_up = services.ask_follow_up(
        feedback_request=released, candidate=me, question="Which course, please?"
    )
    services.answer_follow_up(follow_up=follow_up, actor=recruiter, answer="The dbt fundamentals course.")
    # Still with the hiring manager.
    waiting, manager2 = ask("BI Developer")
    services.route_request(
        feedback_request=waiting, hiring_manager=manager2, message="Please.", actor=recruiter
    )
    # Withdrawn.
    withdrawn, _ = ask("Data Engineer")
    services.withdraw_request(feedback_request=withdrawn, candidate=me)
    # An application without a request, and e-mails that name them.
    application_factory(candidate=me, role_title="Analytics Lead", recruiter=recruiter)
    OutboundEmail.objects.create(
        kind="new_request", to_email=recruiter.email, subject=f"New request from {NAME}"
    )
    OutboundEmail.objects.create(
        kind="request_received", to_email=EMAIL.upper(), subject="We have your request"
    )
    BulkRun.objects.create(
        action=BulkRun.Action.REMIND,
        created_by=recruiter,
        results=[
            {
                "request": str(waiting.uuid),
                "candidate": NAME,
                "role": "BI Developer",
                "done": True,
                "message": "",
            }
        ],
    )
    LogEntry.objects.log_actions(
        user_id=recruiter.pk,
        queryset=User.objects.filter(pk=me.pk),
        action_flag=CHANGE,
        change_message="Changed name.",
    )
    client.force_login(me)  # a session
    return {"me": me, "recruiter": recruiter, "requests": [released, waiting, withdrawn], "client": client}


def erase(world, admin):
    row = erasure.request_erasure(user=world["me"])
    return erasure.erase_account(erasure_request=row, actor=admin)


def test_after_an_erasure_no_table_holds_the_name_or_the_email(world, admin_user):
    before = dump_every_table()
    assert NAME.lower() in before and EMAIL in before and SURNAME.lower() in before and PHONE in before

    done = erase(world, admin_user)

    after = dump_every_table()
    for needle in (NAME.lower(), SURNAME.lower(), EMAIL, PHONE):
        found = [line[:200] for line in after.splitlines() if needle in line]
        assert not found, f"{needle!r} is still stored: {found}"
    assert not User.objects.filter(pk=world["me"].pk).exists()
    assert not Session.objects.exists()
    assert done.state == ErasureRequest.State.ERASED and done.user is None
    assert done.decided_by == admin_user
    assert done.counts["feedback_requests"] == 3 and done.counts["applications"] == 4
    assert done.counts["accounts"] == 1 and done.counts["sessions"] == 1


def test_the_signed_in_candidate_is_signed_out(world, admin_user):
    assert world["client"].get("/account/").status_code == 200

    erase(world, admin_user)

    assert world["client"].get("/account/").status_code == 302


def test_the_requests_stay_anonymised_and_the_counts_stay(world, admin_user):
    counts_before = figures()

    erase(world, admin_user)

    after = figures()
    # The open request is withdrawn by the erasure: the one figure that moves, by one.
    assert set(after) == set(counts_before)
    changed = {
        (key, name): (counts_before[key][name], after[key][name])
        for key in after
        for name in FIGURE_FIELDS
        if after[key][name] != counts_before[key][name]
    }
    assert list(changed.values()) == [(0, 1)] and [name for _, name in changed] == ["withdrawn"]
    requests = FeedbackRequest.objects.filter(pk__in=[fr.pk for fr in world["requests"]])
    assert requests.count() == 3
    assert all(fr.anonymised_at and fr.candidate_id is None and fr.question_list == [] for fr in requests)
    assert {fr.state for fr in requests} == {"released", "withdrawn"}
    assert (
        not Event.objects.filter(feedback_request__in=requests)
        .exclude(message="")
        .exclude(message__startswith="The candidate's personal data was erased")
        .exists()
    )


def test_a_legal_hold_blocks_the_erasure_and_erases_nothing(world, admin_user):
    held = world["requests"][0]
    set_legal_hold(feedback_request=held, on=True, actor=admin_user)
    row = erasure.request_erasure(user=world["me"])

    with pytest.raises(erasure.ErasureBlocked) as blocked:
        erasure.erase_account(erasure_request=row, actor=admin_user)

    assert [hold.url for hold in blocked.value.holds] == [f"/dashboard/requests/{held.uuid}/"]
    assert User.objects.filter(email=EMAIL).exists()
    assert Application.objects.filter(candidate_name=NAME).count() == 4
    row.refresh_from_db()
    assert row.state == ErasureRequest.State.PENDING

    set_legal_hold(feedback_request=held, on=False, actor=admin_user)
    assert erasure.erase_account(erasure_request=row, actor=admin_user).state == ErasureRequest.State.ERASED


def test_an_erasure_is_done_once(world, admin_user):
    row = erasure.request_erasure(user=world["me"])
    erasure.erase_account(erasure_request=row, actor=admin_user)

    with pytest.raises(erasure.NotErasable):
        erasure.erase_account(erasure_request=row, actor=admin_user)
    assert ErasureRequest.objects.count() == 1


def test_asking_twice_records_one_request_and_cancelling_leaves_everything(world):
    first = erasure.request_erasure(user=world["me"])
    assert erasure.request_erasure(user=world["me"]) == first

    assert erasure.cancel_erasure(user=world["me"])
    assert not erasure.cancel_erasure(user=world["me"])

    first.refresh_from_db()
    assert first.state == ErasureRequest.State.CANCELLED and first.cancelled_at
    assert User.objects.filter(email=EMAIL).exists()


def test_a_recruiters_account_is_not_erased_on_request(recruiter):
    with pytest.raises(erasure.NotErasable):
        erasure.request_erasure(user=recruiter)


def test_erasing_a_hiring_manager_replaces_their_name_in_timelines_and_emails(world, admin_user):
    manager = HiringManager.objects.filter(name=MANAGER).first()
    released = world["requests"][0]
    routed_events = Event.objects.filter(feedback_request=released, actor_label__contains=MANAGER)
    assert routed_events.exists()
    OutboundEmail.objects.create(kind="manager_request", to_email=MANAGER_EMAIL, subject=f"For {MANAGER}")
    Application.objects.filter(pk=released.application_id).update(interviewers=f"{MANAGER}\nSam Lee")

    for row in HiringManager.objects.filter(name=MANAGER):
        record = erase_hiring_manager(manager=row, actor=admin_user)

    timeline = list(Event.objects.filter(feedback_request=released).values_list("actor_label", flat=True))
    assert "Hiring manager (erased)" in timeline
    manager.refresh_from_db()
    assert manager.name == ERASED_MANAGER_NAME and not manager.is_active and manager.title == ""
    assert Application.objects.get(pk=released.application_id).interviewers == "Erased\nSam Lee"
    after = dump_every_table()
    assert MANAGER.lower() not in after and MANAGER_EMAIL not in after
    assert record.kind == ErasureRequest.Kind.HIRING_MANAGER and record.user is None
    # The candidate's page still shows the feedback as from the interview team.
    assert world["client"].get(f"/requests/{released.uuid}/").status_code == 200


def test_a_hiring_manager_on_a_held_request_waits(world, admin_user):
    released = world["requests"][0]
    set_legal_hold(feedback_request=released, on=True, actor=admin_user)
    manager = released.routings.get().hiring_manager

    with pytest.raises(erasure.ErasureBlocked):
        erase_hiring_manager(manager=manager, actor=admin_user)
    manager.refresh_from_db()
    assert manager.name == MANAGER


def test_the_record_of_an_erasure_keeps_no_personal_data(world, admin_user):
    done = erase(world, admin_user)

    stored = str(ErasureRequest.objects.filter(pk=done.pk).values().get()).lower()
    assert NAME.lower() not in stored and EMAIL not in stored
    assert done.erased_at - timezone.now() < timedelta(minutes=1)


def test_the_admin_log_keeps_what_was_done_not_to_whom(world, admin_user):
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(User))
    assert NAME in entry.object_repr

    erase(world, admin_user)

    entry.refresh_from_db()
    assert entry.object_repr == "Erased" and entry.change_message == ""


@pytest.mark.postgres
def test_on_postgresql_every_row_as_json_holds_neither_name_nor_email(world, admin_user):
    test_after_an_erasure_no_table_holds_the_name_or_the_email(world, admin_user)


def test_recruiters_still_open_the_erased_requests_without_the_name(world, admin_user, client):
    erase(world, admin_user)
    client.force_login(world["recruiter"])

    for fr in world["requests"]:
        page = client.get(f"/dashboard/requests/{fr.uuid}/")
        html = page.content.decode().lower()
        assert page.status_code == 200
        assert NAME.lower() not in html and EMAIL not in html
    queue = client.get("/dashboard/?view=all").content.decode().lower()
    assert NAME.lower() not in queue


def test_an_open_follow_up_answered_after_the_erasure_emails_no_one(
    candidate_factory, application_factory, hiring_manager_factory, admin_user
):
    me = candidate_factory(name=NAME, email=EMAIL)
    application = application_factory(candidate=me)
    fr = services.submit_request(
        candidate=me, application=application, areas=[Area.CV], questions=[], consent_to_forward=False
    )
    manager = hiring_manager_factory(client=application.client)
    routing = services.route_request(
        feedback_request=fr, hiring_manager=manager, message="", actor=application.recruiter
    )
    response = services.submit_manager_response(routing=routing, answers={Area.CV: (Rating.MET, "Clear.")})
    services.release_response(
        response=response, actor=application.recruiter, released_summary="Good.", released_comments={}
    )
    fr.refresh_from_db()
    follow_up = services.ask_follow_up(feedback_request=fr, candidate=me, question="Anything else?")
    erasure.erase_account(erasure_request=erasure.request_erasure(user=me), actor=admin_user)
    sent_before = OutboundEmail.objects.count()

    follow_up.refresh_from_db()
    services.answer_follow_up(follow_up=follow_up, actor=application.recruiter, answer="No.")

    assert OutboundEmail.objects.count() == sent_before
    assert not OutboundEmail.objects.filter(to_email__iexact=EMAIL).exists()


def test_what_listens_to_the_accounts_deletion_never_reads_the_name_or_email(world, admin_user):
    from django.db.models.signals import post_delete

    seen = []

    def note(sender, instance, **kwargs):  # as an audit trail would write the deletion down
        seen.append(f"{instance} {instance.email} {instance.name}".lower())

    post_delete.connect(note, sender=User, dispatch_uid="test-erasure-note")
    try:
        erase(world, admin_user)
    finally:
        post_delete.disconnect(sender=User, dispatch_uid="test-erasure-note")

    assert len(seen) == 1
    assert NAME.lower() not in seen[0] and EMAIL not in seen[0]


def test_an_erasure_that_fails_half_way_changes_nothing(world, admin_user, monkeypatch):
    def fails(person, now, actor):
        raise RuntimeError("a later eraser broke")

    # One more eraser after every app's, as the audit trail's will be: it fails.
    erasers = [*erasure.registered(erasure.ACCOUNT), erasure.Erasure("breaks", fails)]
    monkeypatch.setitem(erasure._REGISTRY, erasure.ACCOUNT, erasers)
    row = erasure.request_erasure(user=world["me"])

    with pytest.raises(RuntimeError):
        erasure.erase_account(erasure_request=row, actor=admin_user)

    assert Application.objects.filter(candidate_name=NAME).count() == 4
    assert FeedbackRequest.objects.filter(anonymised_at__isnull=True).count() == 3
    assert FeedbackRequest.objects.filter(state="awaiting_manager").count() == 1
    assert User.objects.filter(email=EMAIL).exists()
    row.refresh_from_db()
    assert row.state == ErasureRequest.State.PENDING
