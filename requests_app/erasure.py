"""What requests_app erases about a person, registered with feedback_portal.erasure.

A candidate: each of their requests is withdrawn if still open (its links stop working) and
anonymised exactly as retention anonymises it (`retention.blank_request`), then unlinked from
the account; what they did on the timeline is kept as "the candidate", and their name leaves
the results of bulk actions. A hiring manager: their name and address are replaced, in the
timelines and everything written on the requests routed to them. Either waits while a request
about them is on legal hold.
"""

from datetime import datetime

from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse

from feedback_portal import erasure
from feedback_portal.erasure import Hold, Person, Scrub
from feedback_portal.models import User

from . import lifecycle
from .lifecycle import Action
from .models import (
    AreaAnswer,
    BulkRun,
    Event,
    FeedbackRequest,
    FeedbackResponse,
    FollowUp,
    ReleasedVersion,
    Routing,
)
from .retention import blank_request
from .services.shared import HIRING_MANAGER, lock, revoke_links

ERASED_MESSAGE = "The candidate's personal data was erased at their request."
ERASED_CANDIDATE = "The candidate (erased)"
ERASED_MANAGER = f"{HIRING_MANAGER} (erased)"


def _candidates_requests(person: Person):
    return FeedbackRequest.objects.filter(Q(candidate_id=person.pk) | Q(application__candidate_id=person.pk))


def _managers_requests(person: Person):
    return FeedbackRequest.objects.filter(routings__hiring_manager_id=person.pk).distinct()


def _hold(fr: FeedbackRequest) -> Hold:
    return Hold(
        label=f"Asked {fr.created_at:%d %b %Y}: {fr.application.role_title} at {fr.application.client}",
        url=reverse("requests_app:dashboard_request", args=[fr.uuid]),
    )


def candidate_holds(ids: list[int]) -> dict[int, list[Hold]]:
    """The held requests of these candidates, in one query (held requests are few)."""
    found: dict[int, list[Hold]] = {}
    held = (
        FeedbackRequest.objects.filter(legal_hold=True)
        .filter(Q(candidate_id__in=ids) | Q(application__candidate_id__in=ids))
        .select_related("application__client")
        .order_by("created_at")
    )
    for fr in held:
        for pk in {fr.candidate_id, fr.application.candidate_id} & set(ids):
            found.setdefault(pk, []).append(_hold(fr))
    return found


def manager_holds(ids: list[int]) -> dict[int, list[Hold]]:
    """The held requests routed to these managers, in one query."""
    found: dict[int, list[Hold]] = {}
    held = (
        FeedbackRequest.objects.filter(legal_hold=True, routings__hiring_manager_id__in=ids)
        .annotate(manager_id=F("routings__hiring_manager_id"))
        .select_related("application__client")
        .order_by("created_at")
    )
    seen = set()
    for fr in held:
        if (fr.manager_id, fr.pk) not in seen:
            seen.add((fr.manager_id, fr.pk))
            found.setdefault(fr.manager_id, []).append(_hold(fr))
    return found


def erase_candidate(person: Person, now: datetime, actor: User | None) -> dict[str, int]:
    """Withdraw what is open, anonymise every request as retention does, unlink the account."""
    requests = list(_candidates_requests(person).select_related("application", "candidate").order_by("pk"))
    withdrawn = 0
    for feedback_request in requests:
        lock(feedback_request)
        if lifecycle.may_withdraw(feedback_request):
            lifecycle.move(feedback_request, Action.WITHDRAW, actor=actor, message=ERASED_MESSAGE)
            revoke_links(feedback_request)
            withdrawn += 1
    ids = [fr.pk for fr in requests]
    FeedbackRequest.objects.filter(pk__in=ids).update(anonymised_at=now, question_list=[], search_text="")
    for feedback_request in requests:
        blank_request(feedback_request, now=now, message=ERASED_MESSAGE)
    Event.objects.filter(feedback_request_id__in=ids, actor_id=person.pk).update(
        actor=None, actor_label=ERASED_CANDIDATE
    )
    FeedbackRequest.objects.filter(pk__in=ids).update(candidate=None)
    return {
        "feedback_requests": len(ids),
        "feedback_requests_withdrawn": withdrawn,
        "bulk_action_results": _forget_in_bulk_runs([str(fr.uuid) for fr in requests]),
    }


def _forget_in_bulk_runs(request_uuids: list[str]) -> int:
    """A bulk action's results name each request's candidate: those names go."""
    if not request_uuids:
        return 0
    mentions = Q()
    for value in request_uuids:
        mentions |= Q(results_text__contains=value)
    changed = 0
    runs = BulkRun.objects.alias(results_text=Cast("results", TextField())).filter(mentions)
    for run in runs:
        run.results = [
            {**item, "candidate": erasure.ERASED_NAME} if item.get("request") in request_uuids else item
            for item in run.results
        ]
        BulkRun.objects.filter(pk=run.pk).update(results=run.results)
        changed += 1
    return changed


def erase_manager(person: Person, now: datetime, actor: User | None) -> dict[str, int]:
    """Replace the manager's name and address wherever the requests routed to them say it."""
    ids = list(_managers_requests(person).values_list("pk", flat=True))
    pattern = person.name_pattern()
    labelled = Event.objects.filter(feedback_request_id__in=ids).filter(
        Q(actor_label__startswith=f"{HIRING_MANAGER} (")
    )
    said = sum(
        Scrub(rows, fields).run(pattern, erasure.ERASED_NAME)
        for rows, fields in [
            (Event.objects.filter(feedback_request_id__in=ids), ["message"]),
            (Routing.objects.filter(feedback_request_id__in=ids), ["message"]),
            (
                FeedbackResponse.objects.filter(feedback_request_id__in=ids),
                [
                    "summary",
                    "released_summary",
                    "decline_reason",
                    "question_answers",
                    "released_question_answers",
                ],
            ),
            (
                AreaAnswer.objects.filter(response__feedback_request_id__in=ids),
                ["comment", "released_comment", "released_steps"],
            ),
            (
                ReleasedVersion.objects.filter(response__feedback_request_id__in=ids),
                ["summary", "comments", "question_answers", "steps", "reason"],
            ),
            (FollowUp.objects.filter(feedback_request_id__in=ids), ["question", "reply", "answer"]),
        ]
    )
    timelines = 0
    for pk, label in labelled.values_list("pk", "actor_label"):
        if pattern is not None and pattern.search(label):
            Event.objects.filter(pk=pk).update(actor_label=ERASED_MANAGER)
            timelines += 1
    return {"timeline_entries": timelines, "texts_naming_them": said}


def register() -> None:
    erasure.register(erasure.ACCOUNT, "feedback requests", erase_candidate, holds=candidate_holds)
    erasure.register(erasure.HIRING_MANAGER, "feedback requests", erase_manager, holds=manager_holds)
