"""One predicate per question a page asks: may this happen now, and if not, why (in the page's words)."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from candidates.models import Application
from feedback_portal.models import PortalSettings

from ..models import FeedbackRequest, FeedbackResponse, FollowUp, Routing
from .rules import (
    ALLOWED,
    Action,
    FollowUpAction,
    FollowUpState,
    RequestState,
    S,
    Verdict,
    may,
    may_follow_up,
)

# --- The candidate's questions -------------------------------------------------------------


def may_ask(
    application: Application,
    *,
    requests: Iterable[FeedbackRequest] | None = None,
    today: date | None = None,
    portal: PortalSettings | None = None,
) -> Verdict:
    """May the candidate ask for feedback on this application now?

    Only on a negative outcome, within the asking window after it, and once: asking again is
    possible only after withdrawing. `requests` are the application's requests when the page
    has read them already (the applications list reads them all in one query).
    """
    portal = portal or PortalSettings.load()
    if not application.is_negative:
        return Verdict("You can ask for feedback once the outcome of this application is known.")
    if requests is None:
        asked = application.feedback_requests.exclude(state=RequestState.WITHDRAWN).exists()
    else:
        asked = any(r.state != RequestState.WITHDRAWN for r in requests)
    if asked:
        return Verdict("You have already asked for feedback on this application.")
    today = today or timezone.localdate()
    if not application.within_asking_window(today=today, months=portal.ask_window_months):
        return Verdict(
            f"Feedback can be asked for up to {portal.ask_window_months} months after the outcome."
        )
    return ALLOWED


def may_withdraw(feedback_request: FeedbackRequest) -> Verdict:
    """May the candidate withdraw the request? Any open request, and nothing after."""
    return may(feedback_request, Action.WITHDRAW)


def _open_follow_up(follow_up: FollowUp | None) -> Verdict:
    if follow_up is not None and follow_up.is_open:
        return Verdict(
            "The follow-up question is still open: this request can be closed once it is answered."
        )
    return ALLOWED


def may_close(feedback_request: FeedbackRequest, follow_up: FollowUp | None) -> Verdict:
    """May the request close (the candidate marks the feedback read, or it goes stale)?

    Only released feedback, and not while its follow-up question waits: the conversation is not over.
    """
    return may(feedback_request, Action.CLOSE) and _open_follow_up(follow_up)


def may_ask_follow_up(feedback_request: FeedbackRequest, follow_up: FollowUp | None) -> Verdict:
    """May the candidate ask their one follow-up question? Once, while the feedback is released."""
    if feedback_request.state != RequestState.RELEASED:
        return Verdict(
            "A follow-up question can be asked once your feedback is released, until the request is closed."
        )
    if follow_up is not None:
        return Verdict("You have already asked your follow-up question on this feedback.")
    return ALLOWED


# --- The recruiter's questions -------------------------------------------------------------


def may_route(feedback_request: FeedbackRequest) -> Verdict:
    """May the request be sent (or sent again) to a hiring manager?

    An application the candidate described is routed only once a recruiter has confirmed it:
    a client's manager is asked only about an interview the agency has checked.
    """
    if not feedback_request.application.is_confirmed:
        return Verdict("Confirm the application before sending it to a hiring manager.")
    return may(feedback_request, Action.ROUTE)


def may_extend(feedback_request: FeedbackRequest, routing: Routing | None) -> Verdict:
    """May the current hiring manager's link be given more time? Only a link not yet revoked."""
    verdict = may(feedback_request, Action.EXTEND)
    if verdict and (routing is None or routing.revoked_at is not None):
        return Verdict("There is no open link to extend; route the request instead.")
    return verdict


def may_send_link(feedback_request: FeedbackRequest, routing: Routing | None) -> Verdict:
    """May the recruiter send the hiring manager their link again, or a reminder now?

    Only while the manager can answer: the request awaits them and the link works.
    """
    if routing is None or not manager_may_answer(routing):
        return Verdict("The hiring manager has no open link to send: extend it or route the request instead.")
    return ALLOWED


def may_record_answer(feedback_request: FeedbackRequest) -> Verdict:
    """May the recruiter record feedback the manager gave on a call?"""
    return may(feedback_request, Action.RECRUITER_ANSWER)


def may_release(feedback_request: FeedbackRequest, response: FeedbackResponse | None) -> Verdict:
    """May this answer be released to the candidate? Feedback only: a decline is confirmed."""
    if response is not None and response.kind != FeedbackResponse.Kind.FEEDBACK:
        return Verdict("A decline is confirmed, not released.")
    return may(feedback_request, Action.RELEASE)


def may_decline(feedback_request: FeedbackRequest) -> Verdict:
    """May the recruiter decline the request (or confirm a manager's decline)?"""
    return may(feedback_request, Action.DECLINE)


def may_forward_follow_up(
    follow_up: FollowUp, *, manager, link: Routing | None, now: datetime | None = None
) -> Verdict:
    """May the follow-up question go to the hiring manager (`manager`, the request's last one)?

    Forwarded already, it goes again (with a fresh link) only once the current link has closed.
    """
    verdict = may_follow_up(follow_up, FollowUpAction.FORWARD)
    if not verdict:
        return verdict
    if manager is None or not manager.is_active:
        return Verdict("There is no active hiring manager to forward this question to: answer it yourself.")
    if link is not None and link.is_live(now):
        expires = timezone.localtime(link.expires_at)
        return Verdict(
            f"The hiring manager's link works until {expires:%d %b %Y %H:%M}: "
            "forward the question again once it has closed."
        )
    return ALLOWED


def may_answer_follow_up(follow_up: FollowUp) -> Verdict:
    """May the recruiter send the candidate an answer to their follow-up question?"""
    return may_follow_up(follow_up, FollowUpAction.ANSWER)


CORRECTION_DAYS = 14  # how long after its release a released text may be corrected


def may_correct(feedback_request: FeedbackRequest, response: FeedbackResponse | None, now=None) -> Verdict:
    """May the recruiter correct the released text (a detail found later, a typo)?

    For CORRECTION_DAYS after its release, whether or not the candidate has closed the request
    since; not once retention has anonymised it.
    """
    if response is None or response.released_at is None:
        return Verdict("Nothing has been released yet: review it and release it instead.")
    if feedback_request.state not in (S.RELEASED, S.CLOSED) or feedback_request.anonymised_at:
        return Verdict("This feedback can no longer be corrected.")
    if (now or timezone.now()) > response.released_at + timedelta(days=CORRECTION_DAYS):
        released = timezone.localtime(response.released_at)
        return Verdict(
            f"Released feedback can be corrected for {CORRECTION_DAYS} days; this was released on "
            f"{released:%d %b %Y}, so that time has passed. Talk to the candidate instead."
        )
    return ALLOWED


# --- The hiring manager's questions --------------------------------------------------------

LINK_CLOSED = "This link is closed."


def _other_question(routing: Routing, follow_up: bool | None) -> bool:
    return follow_up is not None and follow_up != (routing.follow_up_id is not None)


def manager_may_answer(
    routing: Routing, now: datetime | None = None, *, follow_up: bool | None = None
) -> Verdict:
    """May the hiring manager still answer through this routing's links?

    The request's own routing: while its links work and the request awaits the manager. A
    follow-up's routing: while its links work and the question waits for the manager. A page
    for one of the two questions passes `follow_up`: a link to the other is closed there.
    """
    if not routing.is_live(now) or _other_question(routing, follow_up):
        return Verdict(LINK_CLOSED)
    if routing.follow_up_id is None:
        waiting = routing.feedback_request.state == RequestState.AWAITING_MANAGER
    else:
        waiting = routing.follow_up.state == FollowUpState.FORWARDED
    return ALLOWED if waiting else Verdict(LINK_CLOSED)


def manager_may_see_answer(
    routing: Routing, now: datetime | None = None, *, follow_up: bool | None = None
) -> bool:
    """After answering, the manager may look at what they sent until the recruiter acts on it.

    Not past the routing's expiry, nor once the recruiter releases, answers or ends the
    request: every link of the routing stops working then.
    """
    if not routing.is_live(now) or _other_question(routing, follow_up):
        return False
    if routing.follow_up_id is None:
        return routing.feedback_request.state == RequestState.ANSWERED and routing.responses.exists()
    return routing.follow_up.state == FollowUpState.REPLIED


def manager_can_no_longer_answer(routing: Routing, now: datetime | None = None) -> str:
    """Why an e-mail with a link to this routing should not go out now, or "" when it should.

    An e-mail may wait in the queue (for its task, or a retry) while the manager answers, the
    candidate withdraws or the recruiter re-routes or ends the request.
    """
    if not routing.is_live(now):
        return "the hiring manager's link closed before the e-mail went out"
    if manager_may_answer(routing, now):
        return ""
    if routing.follow_up_id is None:
        state = RequestState(routing.feedback_request.state)
        return f"the hiring manager can no longer answer (the request is {state.label.lower()})"
    state = FollowUpState(routing.follow_up.state)
    return f"the follow-up question no longer waits for the hiring manager (it is {state.label.lower()})"
