"""The candidate's request page, as one context: for the candidate, and for the recruiter's preview.

The recruiter's release and correction pages render the candidate's page with the text about
to be sent (`preview_context`), through the same template (requests_app/_candidate_view.html)
and this same context, so the preview shows whatever the candidate's page shows.
"""

import copy

from .. import feedback as words
from .. import lifecycle
from ..feedback import Released
from ..forms import AcknowledgeForm, FollowUpQuestionForm
from ..models import FeedbackRequest


def context(
    feedback_request: FeedbackRequest,
    feedback: Released | None,
    *,
    follow_up_form: FollowUpQuestionForm | None = None,
    preview: bool = False,
) -> dict:
    """Everything the candidate's page shows, each action offered when the lifecycle allows it."""
    follow_up = feedback_request.get_follow_up()
    application = feedback_request.application
    state = feedback_request.state
    return {
        "feedback_request": feedback_request,
        "application": application,
        "company": application.company_for_candidate,
        "recruiter": recruiter_for(feedback_request),
        # A request that ended without feedback (or waits on the recruiter after the team's link ran
        # out) leads with kind words and what the recruiter can still offer.
        "ended_without_feedback": state
        in (FeedbackRequest.State.DECLINED, FeedbackRequest.State.EXPIRED, FeedbackRequest.State.WITHDRAWN),
        "decline_explanation": words.decline_explanation(feedback_request)
        if state == FeedbackRequest.State.DECLINED
        else "",
        "events": feedback_request.events.filter(visible_to_candidate=True),
        "released": feedback,
        "areas": words.compare(feedback, feedback_request) if feedback else [],
        "can_withdraw": lifecycle.may_withdraw(feedback_request),
        "follow_up": follow_up,
        "follow_up_form": (follow_up_form or FollowUpQuestionForm())
        if lifecycle.may_ask_follow_up(feedback_request, follow_up)
        else None,
        "acknowledge_form": AcknowledgeForm() if lifecycle.may_close(feedback_request, follow_up) else None,
        "preview": preview,
    }


def recruiter_for(feedback_request: FeedbackRequest):
    """Who the candidate can talk to: the recruiter who owns the request, else the application's."""
    return feedback_request.owner or feedback_request.application.recruiter


def preview_context(feedback_request: FeedbackRequest, draft: Released, *, corrected: bool) -> dict:
    """The candidate's page as it will be once the draft is sent: released (or corrected) now."""
    after = copy.copy(feedback_request)
    if not corrected:
        after.state = FeedbackRequest.State.RELEASED
    return context(after, draft, preview=True)
