"""The recruiters' analytics: what happens to requests, what candidates ask about, how managers
rate them against how candidates rate themselves, and how each client answers.

Every figure is read by a named query on the requests asked in the chosen period
(FeedbackRequestQuerySet, "analytics page"); this module only arranges them for the page.
"""

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from candidates.models import Client
from feedback_portal.access import recruiter_required

from ..filters import AnalyticsFilterForm
from ..models import Area, FeedbackRequest, Median, Rating

FUNNEL = [
    ("asked", "Asked for feedback"),
    ("routed", "Sent to a hiring manager"),
    ("answered", "Answered with feedback"),
    ("released", "Feedback released to the candidate"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn by the candidate"),
]
COUNTS = [key for key, _ in FUNNEL] + [
    f"useful_{value}" for value, _ in FeedbackRequest.usefulness.field.choices
]
# The candidate's own view is "higher" than the manager's when they said strength or met the
# bar and the manager said room to improve; "lower" the other way round.
GOOD = {Rating.STRENGTH, Rating.MET}


@dataclass(frozen=True)
class Share:
    """A count and its share of a whole; its bar's width goes in steps of 10%, as CSS classes."""

    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.total) if self.total else None

    @property
    def step(self) -> int:
        return round(10 * self.count / self.total) * 10 if self.total else 0


@require_GET
@recruiter_required
def analytics(request: HttpRequest) -> HttpResponse:
    clients = list(Client.objects.order_by(Lower("name"), "pk").values_list("pk", "uuid", "name"))
    form = AnalyticsFilterForm(request.GET or None, clients=clients)
    chosen = form.chosen(now=timezone.now())
    requests = FeedbackRequest.objects.for_analytics(since=chosen.since, client_id=chosen.client_id)

    by_client = requests.outcomes_by_client()
    totals = {key: sum(row[key] for row in by_client) for key in COUNTS}
    asked = totals["asked"]
    to_answer = requests.median_time_to_answer_by_client() if asked else {}
    usefulness = _usefulness_rows(totals)
    return render(
        request,
        "requests_app/analytics.html",
        {
            "form": form,
            "chosen": chosen,
            "asked": asked,
            "funnel": [(label, Share(totals[key], asked)) for key, label in FUNNEL],
            "answer_rate": Share(totals["answered"], asked),
            "to_release": requests.median_time_to_release() if asked else Median(None, 0),
            "to_answer": to_answer.get(None, Median(None, 0)),
            "areas": _area_rows(requests, asked) if asked else [],
            "usefulness": usefulness,
            "rated": sum(share.count for _, share in usefulness),
            "released": totals["released"],
            "clients": [
                {
                    "name": row["client_name"],
                    "policy": Client.FeedbackPolicy(row["client_policy"]).label,
                    "asked": row["asked"],
                    "answered": Share(row["answered"], row["asked"]),
                    "declined": row["declined"],
                    "manager_declined": row["manager_declined"],
                    "to_answer": to_answer.get(row["client_id"], Median(None, 0)),
                }
                for row in by_client
            ],
            "ratings": Rating.choices,
        },
    )


def _area_rows(requests, asked: int) -> list[dict]:
    """One row per area, in code order: how often asked about, the managers' ratings, the gaps."""
    asks = requests.area_asks()
    ratings = {area: dict.fromkeys(Rating.values, 0) for area in Area.values}
    higher = dict.fromkeys(Area.values, 0)
    lower = dict.fromkeys(Area.values, 0)
    for row in requests.area_ratings():
        area, rating, own, n = row["area"], row["rating"], row["own"], row["n"]
        if area not in ratings or rating not in Rating.values:
            continue  # a value no longer in code: nothing to show it under
        ratings[area][rating] += n
        if own in GOOD and rating == Rating.IMPROVE:
            higher[area] += n
        elif own == Rating.IMPROVE and rating in GOOD:
            lower[area] += n
    rows = []
    for area in Area:
        rated = sum(ratings[area].values())
        rows.append(
            {
                "label": area.label,
                "asked": Share(asks[area], asked),
                "ratings": [Share(ratings[area][rating], rated) for rating in Rating.values],
                "higher": higher[area],
                "lower": lower[area],
            }
        )
    return rows


def _usefulness_rows(totals: dict[str, int]) -> list[tuple[str, Share]]:
    choices = FeedbackRequest.usefulness.field.choices
    rated = sum(totals[f"useful_{value}"] for value, _ in choices)
    return [(label, Share(totals[f"useful_{value}"], rated)) for value, label in choices]
