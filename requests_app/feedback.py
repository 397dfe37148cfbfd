"""What the candidate reads of released feedback: the summary and each area, with next steps.

The candidate's page shows it, and the recruiter's preview shows a draft of it before release.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .models import AreaAnswer, FeedbackRequest, NextStep, Rating


@dataclass
class Released:
    """The feedback as the candidate reads it: the summary and each area, with next steps."""

    released_summary: str
    answers: list[AreaAnswer]
    corrected_at: datetime | None = None
    shown_answers: list[AreaAnswer] = field(init=False)

    def __post_init__(self) -> None:
        self.answers.sort(key=lambda a: a.area_order)
        # An area not assessed and left without a comment says nothing: it is not shown.
        self.shown_answers = [a for a in self.answers if a.is_assessed or a.released_comment]
        improve = {a.area for a in self.answers if a.rating == Rating.IMPROVE}
        steps: dict[str, list[NextStep]] = {}
        if improve:  # the library's next steps, under each area rated "room to improve"
            for step in NextStep.objects.filter(area__in=improve, is_active=True):
                steps.setdefault(step.area, []).append(step)
        for answer in self.answers:
            answer.next_steps = steps.get(answer.area, [])


def released(feedback_request: FeedbackRequest) -> Released | None:
    """What the candidate reads of the request's released feedback, or None before release."""
    if feedback_request.state not in (FeedbackRequest.State.RELEASED, FeedbackRequest.State.CLOSED):
        return None
    response = (
        feedback_request.responses.filter(released_at__isnull=False).prefetch_related("answers").first()
    )
    if response is None:
        return None
    return Released(response.released_summary, list(response.answers.all()), response.corrected_at)
