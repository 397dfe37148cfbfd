"""The e-mails about feedback requests: one EmailKind each, and what the timeline says of them.

Services queue them with `mail.queue(emails.NEW_REQUEST, to=..., about=feedback_request)`.
Each kind's renderer builds its template context from the row the e-mail is about, when it
is sent; templates live in templates/emails/<name>/ (subject.txt, body.txt, body.html). A
hiring manager's link is minted here, inside the sending task, and never stored.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from candidates.models import Client
from feedback_portal import mail
from feedback_portal.mail import Audience, Cancelled, EmailKind
from feedback_portal.models import OutboundEmail

from . import feedback, lifecycle, tokens
from .digest import digest_for
from .models import Event, FeedbackRequest, FollowUp, Routing
from .models.timeline import PORTAL_ACTOR

SENDER_LABEL = PORTAL_ACTOR  # who the timeline says acted, for what the portal did itself


def _request(pk: int) -> FeedbackRequest:
    return FeedbackRequest.objects.select_related(
        "application__client", "application__recruiter", "candidate", "owner"
    ).get(pk=pk)


def _routing(pk: int) -> Routing:
    return Routing.objects.select_related(
        "feedback_request__application__client",
        "feedback_request__application__recruiter",
        "feedback_request__candidate",
        "hiring_manager",
        "follow_up",
    ).get(pk=pk)


def _about(feedback_request: FeedbackRequest, page: str, **extra) -> dict:
    """What every request e-mail shows, with a link to its reader's own page of the request."""
    return {
        "feedback_request": feedback_request,
        "application": feedback_request.application,
        "client": feedback_request.application.client,
        "path": reverse(page, args=[feedback_request.uuid]),
        **extra,
    }


def _to_recruiter(email: OutboundEmail) -> dict:
    return _about(_request(email.about_id), "requests_app:dashboard_request")


def _to_candidate(email: OutboundEmail, **extra) -> dict:
    feedback_request = _request(email.about_id)
    return _about(
        feedback_request,
        "requests_app:candidate_request",
        # As on their pages: the company as they wrote it until confirmed, and who to talk to.
        company=feedback_request.application.company_for_candidate,
        recruiter=feedback_request.owner or feedback_request.application.recruiter,
        **extra,
    )


def _feedback_released(email: OutboundEmail) -> dict:
    """Says the recruiter added words of their own only when they did (see feedback.recruiter_noted)."""
    context = _to_candidate(email)
    response = context["feedback_request"].responses.filter(released_at__isnull=False).first()
    context["recruiter_noted"] = feedback.recruiter_noted(response) if response else False
    context["from_a_call"] = bool(response and response.answered_by_recruiter_id)
    return context


def _request_declined(email: OutboundEmail) -> dict:
    """Why no feedback came (the reason the manager chose, kindly) and the recruiter's note."""
    context = _to_candidate(email)
    feedback_request = context["feedback_request"]
    declined = feedback_request.events.filter(kind=Event.Kind.DECLINED).order_by("-created_at", "-pk").first()
    context["explanation"] = feedback.decline_explanation(feedback_request)
    context["recruiter_note"] = declined.message if declined else ""
    return context


def _to_manager(email: OutboundEmail) -> dict:
    """A fresh link to the routing, minted now; no e-mail at all once the manager can no longer answer.

    The e-mail may have waited in the queue while the manager answered, the candidate withdrew or
    the recruiter re-routed, answered or ended it: then nobody is asked about what is over for them.
    """
    routing = _routing(email.about_id)
    if reason := lifecycle.manager_can_no_longer_answer(routing):
        raise Cancelled(reason)
    path = reverse("requests_app:respond_entry", args=[tokens.mint(routing)])
    feedback_request = routing.feedback_request
    return {
        **_about(feedback_request, "requests_app:dashboard_request"),
        "routing": routing,
        "manager": routing.hiring_manager,
        "path": path,
        # What their page asks first: the areas, and the questions where the client gives words.
        "asked_areas": feedback_request.area_labels(),
        "asked_questions": feedback_request.questions_for_manager
        if feedback_request.application.client.feedback_policy == Client.FeedbackPolicy.FULL
        else [],
    }


def _routing_expired(email: OutboundEmail) -> dict:
    routing = _routing(email.about_id)
    return _about(routing.feedback_request, "requests_app:dashboard_request", routing=routing)


def _follow_up_replied(email: OutboundEmail) -> dict:
    feedback_request = _request(email.about_id)
    return _about(
        feedback_request,
        "requests_app:dashboard_request",
        follow_up=FollowUp.objects.get(feedback_request=feedback_request),
    )


def _recruiter_digest(email: OutboundEmail) -> dict:
    """What waits for the recruiter, as of sending."""
    recruiter = email.recipient
    return {
        "recruiter": recruiter,
        "digest": digest_for(recruiter, now=timezone.now()),
        "path": reverse("requests_app:dashboard"),
    }


# To the owning recruiter, at once, when a candidate asks.
NEW_REQUEST = EmailKind("new_request", Audience.RECRUITER, _to_recruiter, about=FeedbackRequest)
# To the candidate: we have your request.
REQUEST_RECEIVED = EmailKind("request_received", Audience.CANDIDATE, _to_candidate, about=FeedbackRequest)
# To the hiring manager, with a fresh personal link to answer.
MANAGER_REQUEST = EmailKind("manager_request", Audience.HIRING_MANAGER, _to_manager, about=Routing)
# To the hiring manager, a polite nudge with a fresh link to the same routing.
MANAGER_REMINDER = EmailKind("manager_reminder", Audience.HIRING_MANAGER, _to_manager, about=Routing)
# To the hiring manager, when the recruiter gives more time: a fresh link and the new date.
MANAGER_LINK_EXTENDED = EmailKind(
    "manager_link_extended", Audience.HIRING_MANAGER, _to_manager, about=Routing
)
# To the hiring manager, when the recruiter sends the link again (the date unchanged).
MANAGER_LINK_RESENT = EmailKind("manager_link_resent", Audience.HIRING_MANAGER, _to_manager, about=Routing)
# To the recruiter: the manager did not answer in time; re-route, extend or decline.
ROUTING_EXPIRED = EmailKind("routing_expired", Audience.RECRUITER, _routing_expired, about=Routing)
# To one recruiter, each business morning: what waits for them (`recipient` is the recruiter).
RECRUITER_DIGEST = EmailKind("recruiter_digest", Audience.RECRUITER, _recruiter_digest)
# To the recruiter: an answer (or a manager's decline) waits for review.
ANSWER_RECEIVED = EmailKind("answer_received", Audience.RECRUITER, _to_recruiter, about=FeedbackRequest)
# To the candidate: their feedback is ready to read.
FEEDBACK_RELEASED = EmailKind(
    "feedback_released", Audience.CANDIDATE, _feedback_released, about=FeedbackRequest
)
# To the candidate: their released feedback was corrected in a way that matters (not for a typo).
FEEDBACK_UPDATED = EmailKind("feedback_updated", Audience.CANDIDATE, _to_candidate, about=FeedbackRequest)
# To the candidate: a kind word that no detailed feedback will come.
REQUEST_DECLINED = EmailKind("request_declined", Audience.CANDIDATE, _request_declined, about=FeedbackRequest)
# To the owning recruiter, at once: the candidate asked a follow-up question.
FOLLOW_UP_ASKED = EmailKind("follow_up_asked", Audience.RECRUITER, _to_recruiter, about=FeedbackRequest)
# To the hiring manager whose feedback was released: the follow-up question, with a fresh link.
MANAGER_FOLLOW_UP = EmailKind("manager_follow_up", Audience.HIRING_MANAGER, _to_manager, about=Routing)
# To the recruiter: the manager replied to (or declined) the follow-up; review and send it.
FOLLOW_UP_REPLIED = EmailKind(
    "follow_up_replied", Audience.RECRUITER, _follow_up_replied, about=FeedbackRequest
)
# To the candidate: their follow-up question has an answer.
FOLLOW_UP_ANSWERED = EmailKind("follow_up_answered", Audience.CANDIDATE, _to_candidate, about=FeedbackRequest)


def about_request(feedback_request: FeedbackRequest) -> QuerySet[OutboundEmail]:
    """Every e-mail about the request: its own, and those about its routings (the manager's).

    By content type and id, with the routings' ids read first, so both halves are looked up
    in the outbox's index on what an e-mail is about (a join through the routings could only
    be answered by reading every e-mail: the retention sweep asks this once per request)."""
    routing_ids = list(Routing.objects.filter(feedback_request=feedback_request).values_list("pk", flat=True))
    types = ContentType.objects.get_for_models(FeedbackRequest, Routing)
    return OutboundEmail.objects.filter(
        Q(about_type=types[FeedbackRequest], about_id=feedback_request.pk)
        | Q(about_type=types[Routing], about_id__in=routing_ids)
    )


# --- What the timeline says of the request's e-mails ----------------------------------------


def _request_id(email: OutboundEmail) -> int | None:
    """The request an e-mail is about, directly or through one of its routings."""
    if email.about_type_id is None:
        return None
    model = ContentType.objects.get_for_id(email.about_type_id).model_class()
    if model is FeedbackRequest:
        return email.about_id
    if model is Routing:
        return Routing.objects.filter(pk=email.about_id).values_list("feedback_request_id", flat=True).first()
    return None


def _note(email: OutboundEmail, **event) -> None:
    """Write an Event on the timeline of the request the e-mail is about, if it is about one."""
    if (request_id := _request_id(email)) is not None:
        Event.objects.create(feedback_request_id=request_id, actor_label=SENDER_LABEL, **event)


@receiver(mail.email_sent, dispatch_uid="requests_app.emails.note_sent")
def note_sent(sender, email: OutboundEmail, kind: EmailKind, subject: str, at, **kwargs) -> None:
    _note(
        email,
        kind=Event.Kind.EMAIL_SENT,
        message=f"E-mail to the {kind.audience}: “{subject}”",
        visible_to_candidate=kind.audience == Audience.CANDIDATE,
        created_at=at,
    )


@receiver(mail.email_cancelled, dispatch_uid="requests_app.emails.note_cancelled")
def note_cancelled(sender, email: OutboundEmail, reason: str, **kwargs) -> None:
    _note(email, kind=Event.Kind.NOTE, message=f"E-mail to {email.to_email} not sent: {reason}.")


@receiver(mail.email_failed, dispatch_uid="requests_app.emails.note_failed")
def note_failed(sender, email: OutboundEmail, error: str, **kwargs) -> None:
    _note(
        email, kind=Event.Kind.EMAIL_FAILED, message=f"E-mail to {email.to_email} could not be sent: {error}"
    )
