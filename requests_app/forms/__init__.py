"""Input for feedback requests, with the messages people see when it is wrong; one module per audience.

- `candidate`: the ask, closing the request, the follow-up question.
- `recruiter`: routing, confirming a described application, decline, extension, the follow-up's
  forward and answer.
- `manager`: the hiring manager's answer, decline and follow-up reply (also the recruiter's record of a call).
- `release`: the release of an answer, and its correction after.
- `safety`: the release checks' flags a release or an answer must resolve, written once.
"""

from .candidate import AcknowledgeForm, FeedbackRequestForm, FollowUpQuestionForm
from .manager import ManagerDeclineForm, ManagerFollowUpDeclineForm, ManagerFollowUpForm, ManagerResponseForm
from .recruiter import (
    ConfirmApplicationForm,
    DeclineRequestForm,
    ExtendForm,
    FollowUpAnswerForm,
    FollowUpForwardForm,
    RouteForm,
)
from .release import CorrectionForm, ReleaseForm

__all__ = [
    "AcknowledgeForm",
    "ConfirmApplicationForm",
    "CorrectionForm",
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
