"""What the candidate reads of released feedback: the summary and each area, with next steps.

Next steps are what the recruiter released with the feedback (`AreaAnswer.released_steps`),
never read again from the library, which may change later; the release page starts from the
library's steps for each area's rating (`library_steps`).

The candidate's page shows it, and the recruiter's preview shows a draft of it before release:
each area side by side, how the candidate saw it and how the interview team saw it
(`compare`). A request that ends without feedback says why, kindly (`decline_explanation`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from .models import Area, AreaAnswer, FeedbackRequest, FeedbackResponse, NextStep, Rating

# On the candidate's side the shared scale's "Not assessed" reads as the choice they made.
SELF_NOT_SAID = "Prefer not to say"
# The scale in order, to tell which side saw an area as stronger.
_RANK = {Rating.IMPROVE: 0, Rating.MET: 1, Rating.STRENGTH: 2}


@dataclass(frozen=True)
class Step:
    """One next step as the candidate reads it: a title, a line of description, perhaps a link."""

    title: str
    description: str = ""
    url: str = ""

    @classmethod
    def of(cls, kept: dict) -> "Step":
        return cls(kept.get("title", ""), kept.get("description", ""), kept.get("url", ""))

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "description": self.description, "url": self.url}


def library_steps(answers: list[AreaAnswer]) -> dict[str, list[Step]]:
    """The library's active steps for each assessed area and its rating (or any rating); one query."""
    rated = {a.area: a.rating for a in answers if a.is_assessed}
    steps: dict[str, list[Step]] = {}
    if rated:
        for step in NextStep.objects.filter(area__in=rated, is_active=True):
            if step.rating in ("", rated[step.area]):
                steps.setdefault(step.area, []).append(Step.of(step.as_step()))
    return steps


@dataclass
class Released:
    """The feedback as the candidate reads it: the summary and each area, with next steps."""

    released_summary: str
    answers: list[AreaAnswer]
    corrected_at: datetime | None = None
    # The candidate's questions, each with the answer released ("" when the team gave none).
    question_answers: list[dict] = field(default_factory=list)
    shown_answers: list[AreaAnswer] = field(init=False)

    def __post_init__(self) -> None:
        self.answers.sort(key=lambda a: a.area_order)
        # An area not assessed and left without a comment says nothing: it is not shown.
        self.shown_answers = [a for a in self.answers if a.is_assessed or a.released_comment]
        for answer in self.answers:  # the steps released with the feedback, as they were then
            answer.next_steps = [Step.of(kept) for kept in answer.released_steps or []]


def released(feedback_request: FeedbackRequest) -> Released | None:
    """What the candidate reads of the request's released feedback, or None before release."""
    if feedback_request.state not in (FeedbackRequest.State.RELEASED, FeedbackRequest.State.CLOSED):
        return None
    response = (
        feedback_request.responses.filter(released_at__isnull=False).prefetch_related("answers").first()
    )
    if response is None:
        return None
    return Released(
        response.released_summary,
        list(response.answers.all()),
        response.corrected_at,
        question_answers=list(response.released_question_answers),
    )


def recruiter_noted(response: FeedbackResponse) -> bool:
    """Did the recruiter put words of their own in the summary the candidate reads?

    The summary starts as the interview team's; a released summary that is not theirs (written
    where they gave none, or rewritten) is the recruiter's note, and the release e-mail says so.
    """
    released = response.released_summary.strip()
    return bool(released) and released != response.summary.strip()


@dataclass
class AreaView:
    """One area of released feedback as the candidate's page lays it out: both views side by side,
    the team's comment, then next steps."""

    label: str
    self_rating: str  # "" when they preferred not to say
    self_label: str
    team_rating: str
    team_label: str
    comment: str
    next_steps: list[Step]
    gap: str


def _gap(self_rating: str | None, team_rating: str) -> str:
    if self_rating not in _RANK or team_rating not in _RANK or self_rating == team_rating:
        return ""
    if _RANK[self_rating] > _RANK[team_rating]:
        return "You saw this as stronger than the team did: a good thing to talk through with your recruiter."
    return "The team saw this as stronger than you did: worth knowing when you describe yourself next time."


def compare(feedback: Released, feedback_request: FeedbackRequest) -> list[AreaView]:
    """Each area the team spoke to, or the candidate asked about, with both views side by side."""
    mine = feedback_request.self_assessment or {}
    asked = set(feedback_request.areas or [])
    shown = {id(a) for a in feedback.shown_answers}
    rows = []
    for answer in feedback.answers:
        if id(answer) not in shown and answer.area not in asked:
            continue
        own = mine.get(answer.area)
        said = own if own in Rating.values and own != Rating.NOT_ASSESSED else ""
        rows.append(
            AreaView(
                label=Area(answer.area).label,
                self_rating=said,
                self_label=Rating(said).label if said else SELF_NOT_SAID,
                team_rating=answer.rating,
                team_label=Rating(answer.rating).label,
                comment=answer.released_comment,
                next_steps=answer.next_steps,
                gap=_gap(own, answer.rating),
            )
        )
    return rows


# Why no feedback came, for the candidate, by the reason the hiring manager chose. Kind, and
# never a name: the candidate hears from "the interview team".
DECLINE_EXPLANATIONS = {
    FeedbackResponse.DeclineReason.POLICY: (
        "{client}'s policy does not allow detailed feedback to candidates. This is a rule for "
        "everyone they interview: it says nothing about you or your interview."
    ),
    FeedbackResponse.DeclineReason.NOT_ENOUGH: (
        "The interview team did not feel they saw enough of you to comment fairly, and would "
        "rather say nothing than guess. This says nothing about how you did."
    ),
}
DECLINE_EXPLANATION_DEFAULT = (
    "The interview team at {client} is not able to share detailed feedback this time. "
    "This says nothing about you."
)


def decline_explanation(feedback_request: FeedbackRequest) -> str:
    """Why the request ended without feedback, in kind words: the reason the manager chose, if any.

    One query: the request's latest answer (a manager's decline, or none when the recruiter
    declined without one).
    """
    latest = feedback_request.responses.order_by("-submitted_at", "-pk").first()
    reason = latest.decline_reason_code if latest is not None else ""
    words = DECLINE_EXPLANATIONS.get(reason, DECLINE_EXPLANATION_DEFAULT)
    return words.format(client=feedback_request.application.company_for_candidate)
