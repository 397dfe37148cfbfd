"""/applications/export/: the candidate downloads what they can see, as JSON."""

import json

import pytest
from django.utils import timezone

from feedback_portal.models import User
from requests_app import services
from requests_app.feedback import library_steps
from requests_app.models import Area, AreaAnswer, Event, FeedbackRequest, FeedbackResponse, Rating

pytestmark = pytest.mark.django_db

MANAGER = "Dana Whitfield"
ORIGINAL = "Original words only the recruiter reads: weak on dbt."
RELEASED = "Reviewed words for the candidate: one modelling project would close the gap."
UNRELEASED = "An answer still waiting for the recruiter's review."


@pytest.fixture
def released(candidate, application_factory, hiring_manager_factory, django_capture_on_commit_callbacks):
    """A request answered by a named manager and released in the recruiter's words."""
    application = application_factory(candidate=candidate, role_title="Data Analyst")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_request = services.submit_request(
            candidate=candidate,
            application=application,
            areas=[Area.EXPERIENCE, Area.ANSWERS],
            questions=["How could I have prepared better?"],
            consent_to_forward=True,
            self_assessment={Area.EXPERIENCE: Rating.MET},
        )
        routing = services.route_request(
            feedback_request=feedback_request,
            hiring_manager=hiring_manager_factory(client=application.client, name=MANAGER),
            message="How could I have prepared better?",
            actor=application.recruiter,
        )
        response = services.submit_manager_response(
            routing=routing,
            answers={
                Area.EXPERIENCE: (Rating.IMPROVE, ORIGINAL),
                Area.ANSWERS: (Rating.STRENGTH, "Original: clear STAR stories."),
            },
            summary=f"Original summary. {ORIGINAL}",
            consider_for_other_roles="no",
        )
        services.release_response(
            response=response,
            actor=application.recruiter,
            released_summary="Thank you for your time.",
            released_comments={Area.EXPERIENCE: RELEASED, Area.ANSWERS: "Clear stories."},
        )
    return FeedbackRequest.objects.get(pk=feedback_request.pk)


@pytest.fixture
def unreleased(candidate, application_factory, routing_factory):
    """Another of the candidate's requests: answered, not yet reviewed."""
    routing = routing_factory(
        feedback_request__application=application_factory(candidate=candidate, role_title="BI Developer"),
        hiring_manager__name="Morgan Secretname",
    )
    services.submit_manager_response(
        routing=routing, answers={Area.SKILLS: (Rating.IMPROVE, UNRELEASED)}, summary=UNRELEASED
    )
    return routing.feedback_request


def download(candidate_client) -> tuple:
    page = candidate_client.get("/applications/export/")
    return page, json.loads(page.content)


def test_the_candidate_downloads_their_account_applications_and_released_feedback(
    candidate_client, candidate, released
):
    page, data = download(candidate_client)

    assert page.status_code == 200
    assert page["Content-Type"] == "application/json; charset=utf-8"
    assert page["Content-Disposition"].startswith('attachment; filename="my-feedback-portal-data-')
    assert "no-store" in page["Cache-Control"]
    assert data["account"] == {"name": candidate.name, "email": candidate.email}
    [application] = data["applications"]
    assert application["role"] == "Data Analyst"
    assert application["client"] == released.application.client.name
    assert application["stage"] == "2nd interview"
    assert application["outcome"] == "Not selected"
    assert application["outcome_on"] == released.application.outcome_on.isoformat()
    [request] = application["feedback_requests"]
    assert request["id"] == str(released.uuid)
    assert request["state"] == "Feedback ready"
    assert request["areas"] == ["Relevant experience", "Answers to interview questions"]
    assert request["questions"] == ["How could I have prepared better?"]
    assert request["self_assessment"] == {"Relevant experience": "Met the bar"}
    messages = [event["message"] for event in request["timeline"]]
    assert "You asked for feedback." in messages
    assert "Your feedback is ready to read." in messages
    feedback = request["feedback"]
    assert feedback["from"] == f"The interview team at {released.application.client.name}"
    assert feedback["summary"] == "Thank you for your time."
    assert feedback["areas"][0] == {
        "area": "Relevant experience",
        "rating": "Room to improve",
        "comment": RELEASED,
        # The library's steps for an area to improve, as released with it.
        "next_steps": [
            step.as_dict()
            for step in library_steps(list(released.responses.get().answers.all()))["experience"]
        ],
    }


def test_the_export_never_holds_the_managers_name_originals_notes_or_unreleased_text(
    candidate_client, released, unreleased
):
    page, data = download(candidate_client)

    body = page.content.decode()
    for secret in (MANAGER, "Morgan Secretname", ORIGINAL, "Original", UNRELEASED, "Sent to", "@client.test"):
        assert secret not in body
    answered = next(a for a in data["applications"] if a["role"] == "BI Developer")
    assert answered["feedback_requests"][0]["state"] == "Being reviewed by your recruiter"
    assert answered["feedback_requests"][0]["feedback"] is None


def test_another_candidates_data_is_never_in_the_export(
    candidate_client, application_factory, feedback_request_factory
):
    feedback_request_factory(application=application_factory(role_title="Someone Else's Role"))

    page, data = download(candidate_client)

    assert data["applications"] == []
    assert "Someone Else's Role" not in page.content.decode()


@pytest.mark.parametrize("role", [User.Role.RECRUITER, User.Role.ADMIN])
def test_recruiters_and_admins_get_404(client, recruiter_factory, role):
    client.force_login(recruiter_factory(role=role))
    assert client.get("/applications/export/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    page = client.get("/applications/export/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_the_applications_page_links_to_the_export(candidate_client):
    html = candidate_client.get("/applications/").content.decode()
    assert 'href="/applications/export/"' in html


@pytest.mark.parametrize("rows", [1, 12])
def test_the_export_takes_a_fixed_number_of_queries(
    portal_settings,
    candidate_client,
    candidate,
    application_factory,
    feedback_request_factory,
    django_assert_num_queries,
    rows,
):
    for application in application_factory.create_batch(rows, candidate=candidate):
        feedback_request = feedback_request_factory(
            application=application, state=FeedbackRequest.State.RELEASED
        )
        feedback_request.events.create(
            kind="released", message="Your feedback is ready.", visible_to_candidate=True
        )
        response = FeedbackResponse.objects.create(
            feedback_request=feedback_request, released_summary="Thanks.", released_at=timezone.now()
        )
        AreaAnswer.objects.create(
            response=response, area=Area.CV, rating=Rating.MET, released_comment="Good."
        )
    # 1. the signed-in user (the session comes from the cache)
    # 2. the candidate's applications, with their clients
    # 3. the candidate's feedback requests, with their applications and clients
    # 4. their timeline events the candidate may see
    # 5. their released responses
    # 6. those responses' area answers
    # 7. the entry on the admins' audit trail
    with django_assert_num_queries(7):
        page, data = download(candidate_client)
    assert page.status_code == 200
    assert len(data["applications"]) == rows
    assert all(a["feedback_requests"][0]["feedback"]["summary"] == "Thanks." for a in data["applications"])


FOLLOW_UP_REPLY = "Manager's own reply: dbt, which Dana's team runs."
FOLLOW_UP_ANSWER = "dbt: the team uses it, and its docs teach good modelling."


@pytest.fixture
def followed_up(released):
    """The candidate followed up; the manager replied; the recruiter sent an edited answer."""
    recruiter = released.application.recruiter
    follow_up = services.ask_follow_up(
        feedback_request=released, candidate=released.candidate, question="Which tool should I learn first?"
    )
    routing = services.forward_follow_up(follow_up=follow_up, actor=recruiter)
    services.reply_to_follow_up(routing=routing, reply=FOLLOW_UP_REPLY)
    services.answer_follow_up(follow_up=follow_up, actor=recruiter, answer=FOLLOW_UP_ANSWER)
    return released


def test_the_export_holds_the_follow_up_question_and_the_answer_sent(candidate_client, followed_up):
    page, data = download(candidate_client)

    [request] = data["applications"][0]["feedback_requests"]
    follow_up = request["follow_up"]
    assert follow_up["question"] == "Which tool should I learn first?"
    assert follow_up["state"] == "Answered"
    assert follow_up["answer"]["text"] == FOLLOW_UP_ANSWER
    assert follow_up["answer"]["from"] == f"The interview team at {followed_up.application.client.name}"
    body = page.content.decode()
    for secret in (MANAGER, FOLLOW_UP_REPLY, "Dana"):
        assert secret not in body
    messages = [event["message"] for event in request["timeline"]]
    assert "You asked a follow-up question." in messages
    assert "Your follow-up question has been answered." in messages


def test_a_waiting_follow_up_shows_the_question_only(candidate_client, released):
    follow_up = services.ask_follow_up(
        feedback_request=released, candidate=released.candidate, question="Which tool should I learn first?"
    )
    routing = services.forward_follow_up(follow_up=follow_up, actor=released.application.recruiter)
    services.reply_to_follow_up(routing=routing, reply=FOLLOW_UP_REPLY)

    page, data = download(candidate_client)

    follow_up = data["applications"][0]["feedback_requests"][0]["follow_up"]
    assert follow_up["state"] == "Waiting for an answer"
    assert follow_up["answer"] is None
    assert FOLLOW_UP_REPLY not in page.content.decode()


def test_the_export_says_we_e_mailed_you_without_subject_lines(candidate_client, submitted_request):
    Event.objects.create(
        feedback_request=submitted_request,
        kind=Event.Kind.EMAIL_SENT,
        message="E-mail to the candidate: “We have your feedback request”",
        visible_to_candidate=True,
    )
    data = json.loads(candidate_client.get("/applications/export/").content)
    [request] = data["applications"][0]["feedback_requests"]
    emailed = [e for e in request["timeline"] if e["what"] == "We e-mailed you"]
    assert emailed == [{"at": emailed[0]["at"], "what": "We e-mailed you", "message": ""}]
