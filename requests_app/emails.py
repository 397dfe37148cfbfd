"""The e-mails about feedback requests: one renderer each, building context from ids.

Templates live in templates/emails/<kind>/ (subject.txt, body.txt, body.html).
A hiring manager's link is minted here, inside the sending task, and never stored.
"""

from collections.abc import Callable

from django.urls import reverse

from feedback_portal.mail import Cancelled, Rendered, renderer
from feedback_portal.models import OutboundEmail, PortalSettings

from . import tokens
from .models import FeedbackRequest, FollowUp, Routing


def _request(email: OutboundEmail) -> FeedbackRequest:
    return FeedbackRequest.objects.select_related(
        "application__client", "application__recruiter", "candidate"
    ).get(pk=email.feedback_request_id)


def _link_path(routing: Routing) -> str:
    """A fresh link to the routing, minted now; none once the manager can no longer answer.

    The e-mail may wait in the queue (for its task, or a retry) while the manager answers,
    the candidate withdraws or the recruiter re-routes or ends the request: then it is not
    sent at all, so nobody is asked about a request that is over for them.
    """
    if not routing.is_live():
        raise Cancelled("the hiring manager's link closed before the e-mail went out")
    state = FeedbackRequest.State(routing.feedback_request.state)
    if state != FeedbackRequest.State.AWAITING_MANAGER:
        raise Cancelled(f"the hiring manager can no longer answer (the request is {state.label.lower()})")
    return reverse("requests_app:respond_entry", args=[tokens.mint(routing)])


def _follow_up_link_path(routing: Routing) -> str:
    """A fresh link to a follow-up routing, minted now; none once the manager can no longer reply.

    As for _link_path: the recruiter may have answered the question, or forwarded it again,
    while the e-mail waited in the queue.
    """
    if not routing.is_live():
        raise Cancelled("the hiring manager's link closed before the e-mail went out")
    state = FollowUp.State(routing.follow_up.state)
    if state != FollowUp.State.FORWARDED:
        raise Cancelled(
            f"the follow-up question no longer waits for the hiring manager (it is {state.label.lower()})"
        )
    return reverse("requests_app:respond_entry", args=[tokens.mint(routing)])


def _common(feedback_request: FeedbackRequest) -> dict:
    return {
        "portal": PortalSettings.load(),
        "feedback_request": feedback_request,
        "application": feedback_request.application,
        "client": feedback_request.application.client,
    }


def _about_request(email: OutboundEmail, audience: str, page: str, **extra) -> Rendered:
    """The context every request e-mail shares, with a link to the reader's own page."""
    fr = _request(email)
    path = reverse(page, args=[fr.uuid])
    return Rendered({**_common(fr), "path": path, **extra}, audience=audience)


def _to_recruiter(email: OutboundEmail, **extra) -> Rendered:
    return _about_request(email, "recruiter", "requests_app:dashboard_request", **extra)


def _to_candidate(email: OutboundEmail) -> Rendered:
    return _about_request(email, "candidate", "requests_app:candidate_request")


def _to_manager(email: OutboundEmail, link_path: Callable[[Routing], str] = _link_path) -> Rendered:
    fr = _request(email)
    routing = email.routing
    path = link_path(routing)  # a fresh token, minted here and never stored
    return Rendered(
        {**_common(fr), "routing": routing, "manager": routing.hiring_manager, "path": path},
        audience="hiring manager",
    )


@renderer("new_request")
def new_request(email: OutboundEmail) -> Rendered:
    """To the owning recruiter, at once, when a candidate asks."""
    return _to_recruiter(email)


@renderer("request_received")
def request_received(email: OutboundEmail) -> Rendered:
    """To the candidate: we have your request."""
    return _to_candidate(email)


@renderer("manager_request")
def manager_request(email: OutboundEmail) -> Rendered:
    """To the hiring manager, with a fresh personal link to answer."""
    return _to_manager(email)


@renderer("manager_reminder")
def manager_reminder(email: OutboundEmail) -> Rendered:
    """To the hiring manager, a polite nudge with a fresh link to the same routing."""
    return _to_manager(email)


@renderer("routing_expired")
def routing_expired(email: OutboundEmail) -> Rendered:
    """To the recruiter: the manager did not answer in time; re-route, extend or decline."""
    return _to_recruiter(email, routing=email.routing)


@renderer("recruiter_digest")
def recruiter_digest(email: OutboundEmail) -> Rendered:
    """To one recruiter, each business morning: what waits for them, as of sending."""
    from django.utils import timezone

    from .reminders import digest_for

    portal = PortalSettings.load()
    recruiter = email.recipient
    return Rendered(
        {
            "portal": portal,
            "recruiter": recruiter,
            "digest": digest_for(recruiter, now=timezone.now(), portal=portal),
            "path": reverse("requests_app:dashboard"),
        },
        audience="recruiter",
    )


@renderer("answer_received")
def answer_received(email: OutboundEmail) -> Rendered:
    """To the recruiter: an answer waits for review."""
    return _to_recruiter(email)


@renderer("feedback_released")
def feedback_released(email: OutboundEmail) -> Rendered:
    """To the candidate: their feedback is ready to read."""
    return _to_candidate(email)


@renderer("request_declined")
def request_declined(email: OutboundEmail) -> Rendered:
    """To the candidate: a kind word that no detailed feedback will come."""
    return _to_candidate(email)


@renderer("follow_up_asked")
def follow_up_asked(email: OutboundEmail) -> Rendered:
    """To the owning recruiter, at once: the candidate asked a follow-up question."""
    return _to_recruiter(email)


@renderer("manager_follow_up")
def manager_follow_up(email: OutboundEmail) -> Rendered:
    """To the hiring manager whose feedback was released: the follow-up question, with a fresh link."""
    return _to_manager(email, link_path=_follow_up_link_path)


@renderer("follow_up_replied")
def follow_up_replied(email: OutboundEmail) -> Rendered:
    """To the recruiter: the manager replied to (or declined) the follow-up; review and send it."""
    return _to_recruiter(email, follow_up=FollowUp.objects.get(feedback_request_id=email.feedback_request_id))


@renderer("follow_up_answered")
def follow_up_answered(email: OutboundEmail) -> Rendered:
    """To the candidate: their follow-up question has an answer."""
    return _to_candidate(email)
