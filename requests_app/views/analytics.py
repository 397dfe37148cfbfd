"""The recruiters' analytics: what happens to requests, what candidates ask about, how managers
rate them against how candidates rate themselves, and how each client answers.

Every figure is read from the monthly roll-up (AnalyticsMonth, kept by beat's
`rollup_analytics`, see requests_app/analytics.py), summed in the database over the months of
the chosen period: a constant number of queries whose work grows with months x clients,
never with requests. This module only arranges the sums for the page.
"""

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from candidates.models import Client
from feedback_portal.access import recruiter_required
from feedback_portal.models import PortalSettings

from ..access import client_ids_for_recruiter
from ..analytics import NIGHTLY_MONTHS, month_of
from ..filters import AnalyticsFilterForm
from ..models import AnalyticsMonth, Area, FeedbackRequest, Median, Rating
from ..models.analytics import ANSWER_FIELDS, COUNT_FIELDS, RELEASE_FIELDS, USEFULNESS, area_field

FUNNEL = [
    ("asked", "Asked for feedback"),
    ("routed", "Sent to a hiring manager"),
    ("answered", "Answered with feedback"),
    ("released", "Feedback released to the candidate"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn by the candidate"),
]
USEFULNESS_LABELS = dict(FeedbackRequest.usefulness.field.choices)


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
    seen = client_ids_for_recruiter(request)
    clients = Client.objects.order_by(Lower("name"), "pk")
    if seen is not None:
        clients = clients.filter(pk__in=seen)
    form = AnalyticsFilterForm(request.GET or None, clients=list(clients.values_list("pk", "uuid", "name")))
    chosen = form.chosen(this_month=month_of(timezone.now()))
    months = AnalyticsMonth.objects.for_period(
        first_month=chosen.first_month, client_id=chosen.client_id, client_ids=seen
    )

    by_client = months.by_client()
    totals = {key: sum(row[key] for row in by_client) for key in (*COUNT_FIELDS, *ANSWER_FIELDS)}
    asked = totals["asked"]
    others = months.area_and_release_totals() if asked else {}
    rated = sum(totals[f"useful_{value}"] for value in USEFULNESS)
    usefulness = [(USEFULNESS_LABELS[value], Share(totals[f"useful_{value}"], rated)) for value in USEFULNESS]
    counted_at = max((row["counted_at"] for row in by_client), default=None)
    zone = PortalSettings.load().zone
    return render(
        request,
        "requests_app/analytics.html",
        {
            "form": form,
            "chosen": chosen,
            "asked": asked,
            "funnel": [(label, Share(totals[key], asked)) for key, label in FUNNEL],
            "answer_rate": Share(totals["answered"], asked),
            "to_release": Median.of_histogram([others.get(name, 0) for name in RELEASE_FIELDS]),
            "to_answer": Median.of_histogram([totals[name] for name in ANSWER_FIELDS]),
            "areas": _area_rows(others, asked) if asked else [],
            "usefulness": usefulness,
            "rated": rated,
            "released": totals["released"],
            "clients": [
                {
                    "name": row["client_name"],
                    "policy": Client.FeedbackPolicy(row["client_policy"]).label,
                    "asked": row["asked"],
                    "answered": Share(row["answered"], row["asked"]),
                    "declined": row["declined"],
                    "manager_declined": row["manager_declined"],
                    "to_answer": Median.of_histogram([row[name] for name in ANSWER_FIELDS]),
                }
                for row in by_client
            ],
            "ratings": Rating.choices,
            "zone": zone,
            "counted_at": timezone.localtime(counted_at, zone) if counted_at else None,
            "nightly_months": NIGHTLY_MONTHS,
        },
    )


def _area_rows(totals: dict[str, int], asked: int) -> list[dict]:
    """One row per area, in code order: how often asked about, the managers' ratings, the gaps."""
    rows = []
    for area in Area:
        ratings = [totals[area_field(area, rating)] for rating in Rating.values]
        rows.append(
            {
                "label": area.label,
                "asked": Share(totals[area_field(area, "asked")], asked),
                "ratings": [Share(count, sum(ratings)) for count in ratings],
                "higher": totals[area_field(area, "higher")],
                "lower": totals[area_field(area, "lower")],
            }
        )
    return rows
