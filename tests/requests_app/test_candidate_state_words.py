"""Candidates read plain words for where their request stands, never the recruiters' state names.

Every state is rendered on each surface a candidate reads — their request's page (with an
event of every kind on its timeline), their applications list, their data export and every
e-mail to candidates — and the visible text (tags stripped, so CSS class names such as
`state-awaiting_manager` do not count) must hold none of the internal words.

Decisions on words both vocabularies share:
- "Closed" is the candidate's word for a closed request too: allowed.
- "Withdrawn" is allowed inside "Withdrawn by you" but not as a label on its own.
- The raw values (`answered`, `submitted`…) are ordinary English in sentences ("Your question has
  been answered"): they are refused as a whole label (a template printing `{{ fr.state }}`),
  and `awaiting_manager`, which no sentence holds, anywhere.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from feedback_portal import mail
from feedback_portal.mail import Audience
from requests_app.models import Event, FeedbackRequest, FeedbackResponse

pytestmark = pytest.mark.django_db

State = FeedbackRequest.State

# The recruiters' names for states, refused anywhere in what a candidate reads (case-sensitive:
# "Your request was submitted" would be fine, the label "Submitted" is not).
INTERNAL_PHRASES = (
    "Submitted",
    "Awaiting the hiring manager",
    "Answered, awaiting review",
    "Link expired",
    "Feedback released",
    "Declined",
    "Withdrawn by the candidate",
)
# Refused as a whole label (a badge, a line, the part after "State:").
INTERNAL_LABELS = {"Withdrawn", *State.values}
CANDIDATE_EMAILS = {
    "request_received",
    "feedback_released",
    "request_declined",
    "follow_up_answered",
    "feedback_invitation",
}


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes only, not attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def internal_words(text: str) -> list[str]:
    """The internal words found in a text a candidate reads."""
    found = [p for p in INTERNAL_PHRASES if re.search(rf"\b{re.escape(p)}\b", text)]
    if "awaiting_manager" in text:
        found.append("awaiting_manager")
    # A label stands alone: a line, a text node, or a part between separators ("· Withdrawn").
    for segment in re.split(r"[\n·:|()]", text):
        label = segment.strip().rstrip(".,")
        if label in INTERNAL_LABELS:
            found.append(label)
    return found


def with_timeline_of_every_kind(feedback_request: FeedbackRequest) -> None:
    """An event of every kind, shown to the candidate, so every kind's words are rendered."""
    for kind in Event.Kind:
        Event.objects.create(feedback_request=feedback_request, kind=kind, visible_to_candidate=True)


@pytest.fixture
def request_in(candidate, application_factory, feedback_request_factory):
    def _make(state: str) -> FeedbackRequest:
        feedback_request = feedback_request_factory(
            application=application_factory(candidate=candidate, role_title="Data Analyst"), state=state
        )
        if state in (State.RELEASED, State.CLOSED):
            FeedbackResponse.objects.create(
                feedback_request=feedback_request,
                summary="Original words.",
                released_summary="One modelling project would close the gap.",
                released_at=timezone.now(),
            )
        with_timeline_of_every_kind(feedback_request)
        return feedback_request

    return _make


def candidate_emails(feedback_request: FeedbackRequest) -> dict[str, str]:
    """Every kind of e-mail to candidates, about this request (or its application), as sent now."""
    rendered = {}
    for kind in mail.KINDS.values():
        if kind.audience != Audience.CANDIDATE:
            continue
        about = feedback_request if kind.about is FeedbackRequest else feedback_request.application
        email = mail.queue(kind, to=feedback_request.candidate.email, about=about)
        subject, text, html = mail.render(email, kind)
        rendered[kind.name] = "\n".join([subject, text, visible_text(html)])
    return rendered


@pytest.mark.parametrize("state", State.values)
def test_candidates_read_no_internal_state_words(candidate_client, portal_settings, request_in, state):
    feedback_request = request_in(state)

    surfaces = {
        "request page": visible_text(
            candidate_client.get(f"/requests/{feedback_request.uuid}/").content.decode()
        ),
        "applications": visible_text(candidate_client.get("/applications/").content.decode()),
        "export": json.dumps(json.loads(candidate_client.get("/applications/export/").content), indent=0),
        **{f"e-mail {name}": text for name, text in candidate_emails(feedback_request).items()},
    }

    assert {name.removeprefix("e-mail ") for name in surfaces} >= CANDIDATE_EMAILS
    leaks = {name: words for name, text in surfaces.items() if (words := internal_words(text))}
    assert not leaks, leaks


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (State.SUBMITTED, "With your recruiter"),
        (State.AWAITING_MANAGER, "With the interview team"),
        (State.ANSWERED, "Being reviewed by your recruiter"),
        (State.EXPIRED, "With your recruiter"),
        (State.RELEASED, "Feedback ready"),
        (State.DECLINED, "No feedback this time"),
        (State.WITHDRAWN, "Withdrawn by you"),
        (State.CLOSED, "Closed"),
    ],
)
def test_the_badges_say_where_the_request_stands_in_the_candidates_words(
    candidate_client, request_in, state, words
):
    feedback_request = request_in(state)

    page = candidate_client.get(f"/requests/{feedback_request.uuid}/").content.decode()
    listing = candidate_client.get("/applications/").content.decode()
    export = json.loads(candidate_client.get("/applications/export/").content)

    badge = f'<span class="badge state-{state}">{words}</span>'
    assert badge in page
    assert badge in listing
    assert export["applications"][0]["feedback_requests"][0]["state"] == words


def test_the_timeline_speaks_to_the_candidate_and_to_the_recruiter_in_their_own_words(
    client, candidate, request_in
):
    feedback_request = request_in(State.WITHDRAWN)
    recruiter = feedback_request.application.recruiter

    client.force_login(candidate)
    candidate_page = visible_text(client.get(f"/requests/{feedback_request.uuid}/").content.decode())
    client.force_login(recruiter)
    recruiter_page = visible_text(
        client.get(f"/dashboard/requests/{feedback_request.uuid}/").content.decode()
    )

    for mine in ("You withdrew your request", "No feedback this time", "Feedback ready"):
        assert mine in candidate_page
    for internal in ("Withdrawn by the candidate", "Declined", "Feedback released", "Link expired"):
        assert internal in recruiter_page
        assert internal not in candidate_page
