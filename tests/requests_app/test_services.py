"""The request's life: which transitions each state allows, and what each writes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from feedback_portal.models import OutboundEmail
from requests_app import lifecycle, services
from requests_app.lifecycle import TRANSITIONS, Action
from requests_app.models import AreaAnswer, Event, FeedbackRequest, FeedbackResponse, Routing

pytestmark = pytest.mark.django_db

S = FeedbackRequest.State
ALL_STATES = list(S.values)

# The life as the product draws it, written out independently of lifecycle.TRANSITIONS:
# action → (the states it may start from, the state it leads to).
EXPECTED = {
    "route": ({S.SUBMITTED, S.AWAITING_MANAGER, S.ANSWERED, S.EXPIRED}, S.AWAITING_MANAGER),
    "extend": ({S.AWAITING_MANAGER, S.EXPIRED}, S.AWAITING_MANAGER),
    "expire": ({S.AWAITING_MANAGER}, S.EXPIRED),
    "manager_answer": ({S.AWAITING_MANAGER}, S.ANSWERED),
    "recruiter_answer": ({S.SUBMITTED, S.AWAITING_MANAGER, S.EXPIRED}, S.ANSWERED),
    "release": ({S.ANSWERED}, S.RELEASED),
    "decline": ({S.SUBMITTED, S.AWAITING_MANAGER, S.ANSWERED, S.EXPIRED}, S.DECLINED),
    "withdraw": ({S.SUBMITTED, S.AWAITING_MANAGER, S.ANSWERED, S.EXPIRED}, S.WITHDRAWN),
    "close": ({S.RELEASED}, S.CLOSED),
}


def test_transition_table_matches_the_designed_life():
    assert {action: (set(rule.sources), rule.target) for action, rule in TRANSITIONS.items()} == EXPECTED


def _prepare(action, feedback_request, *, hiring_manager_factory, routing_factory):
    """What the action works on, made before anything is counted."""
    if action == "route":
        return hiring_manager_factory(client=feedback_request.application.client)
    if action in ("extend", "manager_answer"):
        return routing_factory(feedback_request=feedback_request)
    if action == "expire":
        return routing_factory(feedback_request=feedback_request, expires_at=timezone.now())
    if action == "release":
        response = FeedbackResponse.objects.create(feedback_request=feedback_request, summary="Original.")
        AreaAnswer.objects.create(response=response, area="experience", rating="improve", comment="Original.")
        return response
    return None


def _perform(action, feedback_request, prepared):
    """Carry out `action` through the public service that does it (the guarded step when none does)."""
    recruiter = feedback_request.application.recruiter
    if action == "route":
        return services.route_request(
            feedback_request=feedback_request, hiring_manager=prepared, message="Why?", actor=recruiter
        )
    if action == "extend":
        return services.extend_routing(feedback_request=feedback_request, actor=recruiter, days=3)
    if action == "expire":
        if not services.expire_routing(routing=prepared):
            raise services.TransitionNotAllowed("refused")  # the sweep's service says so by returning False
        return None
    if action == "manager_answer":
        return services.submit_manager_response(
            routing=prepared, answers={"experience": ("improve", "More dbt.")}, summary="More dbt."
        )
    if action == "release":
        return services.release_response(
            response=prepared, actor=recruiter, released_summary="Edited.", released_comments={}
        )
    if action == "decline":
        return services.decline_request(feedback_request=feedback_request, actor=recruiter, message="Sorry.")
    if action == "withdraw":
        return services.withdraw_request(
            feedback_request=feedback_request, candidate=feedback_request.candidate
        )
    if action == "close":
        return services.close_request(feedback_request=feedback_request, actor=recruiter)
    return services.record_recruiter_answer(
        feedback_request=feedback_request, actor=recruiter, answers={"experience": ("improve", "More dbt.")}
    )


# The question each action's page asks before offering it (the service asks it again).
PAGE_ASKS = {
    "route": lambda fr, manager: lifecycle.may_route(fr),
    "extend": lambda fr, routing: lifecycle.may_extend(fr, routing),
    "expire": lambda fr, routing: lifecycle.may(fr, Action.EXPIRE),
    "manager_answer": lambda fr, routing: lifecycle.manager_may_answer(routing),
    "recruiter_answer": lambda fr, _: lifecycle.may_record_answer(fr),
    "release": lambda fr, response: lifecycle.may_release(fr, response),
    "decline": lambda fr, _: lifecycle.may_decline(fr),
    "withdraw": lambda fr, _: lifecycle.may_withdraw(fr),
    "close": lambda fr, _: lifecycle.may_close(fr, None),
}


def _stored():
    return (
        Event.objects.count(),
        OutboundEmail.objects.count(),
        set(Routing.objects.values_list("pk", "revoked_at", "expires_at")),
        set(FeedbackResponse.objects.values_list("pk", "released_at", "released_summary")),
        set(AreaAnswer.objects.values_list("pk", "released_comment")),
    )


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_transition_is_allowed_or_refused_per_the_table(
    action, state, feedback_request_factory, hiring_manager_factory, routing_factory
):
    allowed, target = EXPECTED[action]
    feedback_request = feedback_request_factory(state=state)
    prepared = _prepare(
        action,
        feedback_request,
        hiring_manager_factory=hiring_manager_factory,
        routing_factory=routing_factory,
    )
    before = _stored()

    if state in allowed:
        _perform(action, feedback_request, prepared)
        feedback_request.refresh_from_db()
        assert feedback_request.state == target
        transition_event = Event.objects.filter(feedback_request=feedback_request, to_state=target).get()
        assert transition_event.from_state == state
    else:
        # The page asks the same predicate the service enforces: the refusal reads the same.
        verdict = PAGE_ASKS[action](feedback_request, prepared)
        assert not verdict
        with pytest.raises(services.TransitionNotAllowed) as refused:
            _perform(action, feedback_request, prepared)
        if action != "expire":  # the expiry sweep has no page: it says no by returning False
            assert str(refused.value) == verdict.refusal
        feedback_request.refresh_from_db()
        assert feedback_request.state == state
        # No Event, no e-mail, no routing, link or response changed: all rolled back.
        assert _stored() == before


def test_refused_transition_on_a_stale_copy_writes_nothing(routing, answer, recruiter):
    """Two recruiters click at once: the second one's copy still says "answered"."""
    answer(routing)
    first = FeedbackRequest.objects.get(pk=routing.feedback_request_id)
    second = FeedbackRequest.objects.get(pk=routing.feedback_request_id)
    services.decline_request(feedback_request=first, actor=recruiter, message="Sorry.")
    events = Event.objects.count()
    emails = OutboundEmail.objects.count()

    with pytest.raises(services.TransitionNotAllowed):
        services.release_response(
            response=second.responses.get(), actor=recruiter, released_summary="x", released_comments={}
        )

    assert FeedbackRequest.objects.get(pk=first.pk).state == S.DECLINED
    assert Event.objects.count() == events
    assert OutboundEmail.objects.count() == emails
    assert FeedbackResponse.objects.get().released_at is None


def test_a_refused_transition_says_why_in_plain_words(routing, answer, recruiter):
    answer(routing)  # the link stays open for the thank-you page, but there is nothing to extend
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.extend_routing(feedback_request=routing.feedback_request, actor=recruiter, days=3)
    assert str(refused.value) == "This request is answered, awaiting review; it cannot be extended now."

    stale = FeedbackRequest.objects.get(pk=routing.feedback_request_id)
    fr = routing.feedback_request
    services.withdraw_request(feedback_request=fr, candidate=fr.candidate)
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.decline_request(feedback_request=stale, actor=recruiter, message="Sorry.")
    # The state as it is now, not as the stale copy remembered it.
    assert str(refused.value) == "This request is withdrawn; it cannot be declined now."

    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.withdraw_request(feedback_request=stale, candidate=stale.candidate)
    assert str(refused.value) == "This request has already ended, so it cannot be withdrawn."


def test_one_open_request_per_application(submitted_request):
    application = submitted_request.application
    with pytest.raises(services.TransitionNotAllowed, match="You have already asked for feedback"):
        services.submit_request(
            candidate=submitted_request.candidate,
            application=application,
            areas=["cv"],
            questions=[],
            consent_to_forward=False,
        )
    # The database holds the line too, for two asks at the same moment.
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackRequest.objects.create(application=application, candidate=submitted_request.candidate)
    assert FeedbackRequest.objects.filter(application=application).count() == 1


def test_a_new_request_may_follow_one_that_ended(submitted_request):
    services.withdraw_request(feedback_request=submitted_request, candidate=submitted_request.candidate)
    again = services.submit_request(
        candidate=submitted_request.candidate,
        application=submitted_request.application,
        areas=["cv"],
        questions=[],
        consent_to_forward=False,
    )
    assert again.state == S.SUBMITTED
    assert FeedbackRequest.objects.filter(application=submitted_request.application).count() == 2


def test_submitting_writes_the_event_and_queues_both_emails(submitted_request):
    event = Event.objects.get(feedback_request=submitted_request)
    assert event.kind == Event.Kind.SUBMITTED
    assert event.visible_to_candidate
    emails = dict(OutboundEmail.objects.values_list("kind", "to_email"))
    assert emails == {
        "new_request": submitted_request.application.recruiter.email,
        "request_received": submitted_request.candidate.email,
    }


def test_submitting_keeps_only_known_areas_and_ratings(candidate, application_factory):
    feedback_request = services.submit_request(
        candidate=candidate,
        application=application_factory(candidate=candidate),
        areas=["fit", "astrology", "cv"],
        questions=["  Why?  "],
        consent_to_forward=True,
        self_assessment={"cv": "strength", "fit": "superb", "luck": "met"},
    )
    assert feedback_request.areas == ["cv", "fit"]
    assert feedback_request.self_assessment == {"cv": "strength"}
    assert feedback_request.question_list == ["Why?"]


def test_rerouting_revokes_the_old_routings_links(routing, route, answer):
    second = route(routing.feedback_request)

    routing.refresh_from_db()
    assert routing.revoked_at is not None
    assert not routing.is_live()
    assert second.is_live()
    assert Routing.objects.live().get() == second
    with pytest.raises(services.TransitionNotAllowed):
        answer(routing)
    assert not FeedbackResponse.objects.exists()
    answer(second)
    assert FeedbackResponse.objects.get().routing == second


@pytest.mark.parametrize("respond", ["answer", "decline"])
def test_a_manager_response_on_a_stale_copy_of_a_rerouted_routing_is_refused(routing, route, answer, respond):
    """The manager's page read the routing; the recruiter re-routed before the answer was stored."""
    stale = Routing.objects.get(pk=routing.pk)
    second = route(routing.feedback_request)
    assert stale.is_live()  # what the manager's request still believes

    with pytest.raises(services.TransitionNotAllowed):
        if respond == "answer":
            answer(stale)
        else:
            services.submit_manager_decline(routing=stale, reason="Policy")

    assert not FeedbackResponse.objects.exists()
    assert FeedbackRequest.objects.get().state == S.AWAITING_MANAGER
    assert Routing.objects.live().get() == second


def test_routing_to_a_manager_of_another_client_is_refused(
    submitted_request, hiring_manager_factory, recruiter
):
    elsewhere = hiring_manager_factory()
    with pytest.raises(ValueError):
        services.route_request(
            feedback_request=submitted_request, hiring_manager=elsewhere, message="", actor=recruiter
        )
    assert not Routing.objects.exists()


def test_routing_sets_the_expiry_from_the_portal_settings(submitted_request, route, portal_settings):
    portal_settings.link_expiry_days = 10
    portal_settings.save()
    routing = route(submitted_request)
    assert routing.expires_at - routing.routed_at == timedelta(days=10)
    assert route(submitted_request, expires_in_days=3).expires_at - timezone.now() < timedelta(days=3)


def test_withdrawing_revokes_every_link(routing):
    feedback_request = routing.feedback_request
    services.withdraw_request(feedback_request=feedback_request, candidate=feedback_request.candidate)

    routing.refresh_from_db()
    assert routing.revoked_at is not None
    assert not Routing.objects.live().exists()
    feedback_request.refresh_from_db()
    assert feedback_request.state == S.WITHDRAWN
    with pytest.raises(services.TransitionNotAllowed):
        services.submit_manager_decline(routing=routing, reason="Policy")


def test_declining_revokes_every_link_and_tells_the_candidate(routing, recruiter):
    feedback_request = routing.feedback_request
    services.decline_request(feedback_request=feedback_request, actor=recruiter, message="Sorry.")
    routing.refresh_from_db()
    assert routing.revoked_at is not None
    assert OutboundEmail.objects.filter(kind="request_declined", to_email=feedback_request.candidate.email)


def test_release_keeps_the_original_beside_the_released_version(routing, answer, recruiter):
    response = answer(routing)

    services.release_response(
        response=response,
        actor=recruiter,
        released_summary="  A modelling project would make the difference.  ",
        released_comments={"experience": "More hands-on dbt.", "answers": ""},
    )

    response.refresh_from_db()
    assert response.summary == "Build one end-to-end modelling project."
    assert response.released_summary == "A modelling project would make the difference."
    assert response.released_by == recruiter
    assert response.released_at is not None
    by_area = {a.area: a for a in response.answers.all()}
    assert by_area["experience"].comment.startswith("Less hands-on time with dbt")
    assert by_area["experience"].released_comment == "More hands-on dbt."
    assert by_area["answers"].comment == "Clear STAR stories about the pricing dashboard."
    assert by_area["answers"].released_comment == ""
    routing.refresh_from_db()
    assert routing.revoked_at is not None  # the manager's link closes on release
    assert OutboundEmail.objects.filter(kind="feedback_released").count() == 1


def test_a_managers_decline_is_confirmed_not_released(routing, recruiter):
    response = services.submit_manager_decline(routing=routing, reason="Our policy.")
    feedback_request = routing.feedback_request
    assert feedback_request.state == S.ANSWERED
    assert response.kind == FeedbackResponse.Kind.DECLINE

    with pytest.raises(services.TransitionNotAllowed):
        services.release_response(
            response=response, actor=recruiter, released_summary="", released_comments={}
        )
    assert FeedbackRequest.objects.get(pk=feedback_request.pk).state == S.ANSWERED
    services.decline_request(feedback_request=feedback_request, actor=recruiter, message="Sorry.")
    assert FeedbackRequest.objects.get(pk=feedback_request.pk).state == S.DECLINED


def test_an_expired_routing_cannot_be_answered(routing, answer):
    Routing.objects.filter(pk=routing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    routing.refresh_from_db()
    with pytest.raises(services.TransitionNotAllowed):
        answer(routing)
    assert not FeedbackResponse.objects.exists()


def test_expiring_moves_only_routings_past_their_expiry(route, feedback_request_factory, routing_factory):
    now = timezone.now()
    due = routing_factory(expires_at=now - timedelta(minutes=1))
    not_yet = routing_factory(expires_at=now + timedelta(minutes=1))

    assert services.expire_due_routings(now=now) == 1
    assert services.expire_due_routings(now=now) == 0  # already expired: nothing to do

    assert FeedbackRequest.objects.get(pk=due.feedback_request_id).state == S.EXPIRED
    assert FeedbackRequest.objects.get(pk=not_yet.feedback_request_id).state == S.AWAITING_MANAGER
    assert Event.objects.filter(kind=Event.Kind.EXPIRED).count() == 1
