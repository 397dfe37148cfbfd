"""Input for feedback requests, with the messages people see when it is wrong; one module per audience.

- `candidate`: the ask, closing the request, the follow-up question.
- `recruiter`: routing, release, decline, extension, the follow-up's forward and answer.
- `manager`: the hiring manager's answer, decline and follow-up reply (also the recruiter's record of a call).
- `safety`: the legal-safety flags a release or an answer must resolve, written once.
"""

from .candidate import AcknowledgeForm, FeedbackRequestForm, FollowUpQuestionForm
from .manager import ManagerDeclineForm, ManagerFollowUpDeclineForm, ManagerFollowUpForm, ManagerResponseForm
from .recruiter import (
    DeclineRequestForm,
    ExtendForm,
    FollowUpAnswerForm,
    FollowUpForwardForm,
    ReleaseForm,
    RouteForm,
)

__all__ = [
    "AcknowledgeForm",
    "DeclineRequestForm",
    "ExtendForm",
    "FeedbackRequestForm",
    "FollowUpAnswerForm",
    "FollowUpForwardForm",
    "FollowUpQuestionForm",
    "ManagerDeclineForm",
    "ManagerFollowUpDeclineForm",
    "ManagerFollowUpForm",
    "ManagerResponseForm",
    "ReleaseForm",
    "RouteForm",
]
