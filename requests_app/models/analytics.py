"""Analytics: the monthly roll-up the recruiters' page reads, and the grouped reads that fill it.

`AnalyticsMonth` holds, per calendar month (in the agency's time zone) and per client, every
figure the analytics page shows, counted over the requests *asked* in that month: the funnel,
usefulness, areas asked about and rated, and histograms of the two durations whose medians
the page shows. The page sums the rows of the months chosen in the database, so its work
grows with months x clients, never with requests. requests_app/analytics.py recomputes a
month from the requests (the reads below, on AnalyticsQuerySet, which FeedbackRequestQuerySet
inherits) and says when a month is final.

Figures are columns, not JSON, so the database can sum them: the page reads one row per
client, however many months it covers.

Medians cannot be summed, so each month keeps how many durations fell in each of a fixed set
of bands (`DURATION_BANDS`) and the page takes the median of the merged histogram: the centre
of the band the middle duration fell in. It is right to within half a band: a quarter of a
day up to a week, half a day to two weeks, a day to a month, longer beyond.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.db import models
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Sum, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from .areas import Area, Rating
from .responses import AreaAnswer, FeedbackResponse
from .routing import Routing

# The centre of each duration band, in days: exact days and half days up to a week, then
# whole days, every other day, weeks and months. A band reaches halfway to its neighbours;
# the first starts at 0 and the last (a year) holds everything longer.
DURATION_BANDS = (
    *(n / 2 for n in range(15)),  # 0, 0.5 … 7
    *range(8, 15),
    *range(16, 31, 2),
    *range(35, 71, 7),
    91,
    122,
    152,
    183,
    274,
    365,
)
_EDGES = [(low + high) / 2 for low, high in pairwise(DURATION_BANDS)]

FUNNEL_COUNTS = ("asked", "routed", "answered", "released", "declined", "withdrawn", "manager_declined")
USEFULNESS = ("very", "somewhat", "not")  # FeedbackRequest.usefulness's values
# Per area: how many asked about it, the managers' ratings, and the self-assessment gaps.
AREA_FIGURES = ("asked", *Rating.values, "higher", "lower")


def band_of(took: timedelta) -> int:
    """The index of the duration band `took` falls in (a negative one, clocks out of step, in the first)."""
    return bisect_right(_EDGES, took.total_seconds() / 86400)


def band_reach(index: int) -> float:
    """How far, in days, a duration in band `index` can be from its centre: half the band,
    or the whole of the first (it starts at its centre). Durations longer than the last centre
    (a year) read as a year."""
    low = _EDGES[index - 1] if index else 0.0
    high = _EDGES[index] if index < len(_EDGES) else DURATION_BANDS[index]
    return max(DURATION_BANDS[index] - low, high - DURATION_BANDS[index])


def area_field(area: str, figure: str) -> str:
    return f"area_{area}_{figure}"


def histogram_fields(measure: str) -> list[str]:
    """The columns of one duration's histogram, a band each: `to_release_00` …"""
    return [f"{measure}_{index:02}" for index in range(len(DURATION_BANDS))]


COUNT_FIELDS = [*FUNNEL_COUNTS, *(f"useful_{value}" for value in USEFULNESS)]
AREA_FIELDS = [area_field(area, figure) for area in Area.values for figure in AREA_FIGURES]
RELEASE_FIELDS = histogram_fields("to_release")
ANSWER_FIELDS = histogram_fields("to_answer")
FIGURE_FIELDS = [*COUNT_FIELDS, *AREA_FIELDS, *RELEASE_FIELDS, *ANSWER_FIELDS]


def _counters(names: list[str]) -> dict[str, models.Field]:
    return {name: models.PositiveIntegerField(default=0) for name in names}


@dataclass(frozen=True)
class Median:
    """The median of a set of durations, and how many there were (None when there were none)."""

    value: timedelta | None
    count: int

    @property
    def days(self) -> float | None:
        return None if self.value is None else self.value.total_seconds() / 86400

    @classmethod
    def of_histogram(cls, counts: list[int]) -> "Median":
        """The median read from counts per duration band: the middle duration's band centre
        (the mean of the two middle ones' for an even count)."""
        total = sum(counts)
        if not total:
            return cls(None, 0)
        middle = [(total + 1) // 2, total // 2 + 1]  # 1-based ranks; the same one when odd
        centres = []
        seen = 0
        for index, count in enumerate(counts):
            seen += count
            while middle and middle[0] <= seen:
                middle.pop(0)
                centres.append(DURATION_BANDS[index])
        return cls(timedelta(days=sum(centres) / 2), total)


class AnalyticsMonthQuerySet(models.QuerySet):
    """The analytics page's reads: the months chosen, summed in the database."""

    def for_period(
        self, *, first_month: date | None, client_id: int | None = None, client_ids: list[int] | None = None
    ) -> "AnalyticsMonthQuerySet":
        """The months from `first_month` on (every month when None), of one client or all (all
        of `client_ids`, when given: the clients a recruiter sees)."""
        months = self.order_by()
        if client_ids is not None:
            months = months.filter(client_id__in=client_ids)
        if first_month is not None:
            months = months.filter(month__gte=first_month)
        if client_id is not None:
            months = months.filter(client_id=client_id)
        return months

    def by_client(self) -> list[dict]:
        """Per client, by name: the counts and the histogram of time to answer, summed over the
        months, and when they were last counted. One grouped query, a row per client."""
        return list(
            self.values(
                "client_id",
                client_name=F("client__name"),
                client_policy=F("client__feedback_policy"),
            )
            .annotate(
                counted_at=Max("computed_at"),
                **{name: Sum(name) for name in (*COUNT_FIELDS, *ANSWER_FIELDS)},
            )
            .order_by("client_name", "client_id")
        )

    def area_and_release_totals(self) -> dict[str, int]:
        """The area figures and the histogram of time to release, summed over every row: one query."""
        totals = self.aggregate(**{name: Sum(name) for name in (*AREA_FIELDS, *RELEASE_FIELDS)})
        return {name: value or 0 for name, value in totals.items()}


class AnalyticsMonth(models.Model):
    """One client's figures for the requests asked in one calendar month (agency's time zone).

    Kept by requests_app.analytics (beat's `rollup_analytics`), never edited by hand.
    """

    month = models.DateField(help_text="The month's first day, in the agency's time zone.")
    client = models.ForeignKey("candidates.Client", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now, help_text="When these figures were counted.")
    # asked … manager_declined, useful_very …, area_cv_asked … area_fit_lower,
    # to_release_00 … and to_answer_00 …: see the module's docstring.
    vars().update(_counters(FIGURE_FIELDS))

    objects = AnalyticsMonthQuerySet.as_manager()

    class Meta:
        ordering = ["month", "client"]
        constraints = [
            models.UniqueConstraint(fields=["month", "client"], name="one_analytics_row_per_month_client"),
        ]

    def __str__(self) -> str:
        return f"Analytics for {self.client_id}, {self.month:%B %Y}"


class AnalyticsQuerySet(models.QuerySet):
    """The grouped reads the roll-up makes of the requests asked in one month."""

    def asked_between(self, start: datetime, end: datetime) -> "AnalyticsQuerySet":
        """Requests asked from `start` up to (not including) `end`."""
        return self.order_by().filter(created_at__gte=start, created_at__lt=end)

    def outcomes_by_client(self) -> list[dict]:
        """Per client id: how many requests were asked, routed, answered with feedback,
        released, declined and withdrawn, how many a hiring manager declined through their link
        (the recruiter then confirms or re-routes), how useful candidates found the feedback,
        and how many asked about each area (`asked_<area>`).

        One grouped query; a request counts as routed or answered once however often it was.
        Closed requests were released first, so they count as released. `areas` is a JSON
        list of Area values; JSON `contains` does not exist on SQLite, so each value is matched,
        quotes included, in the list's text: the values are plain words and none holds
        another's quoted form.
        """
        state = self.model.State
        routed = Exists(Routing.objects.filter(feedback_request=OuterRef("pk"), follow_up__isnull=True))
        answered = Exists(
            FeedbackResponse.objects.filter(
                feedback_request=OuterRef("pk"), kind=FeedbackResponse.Kind.FEEDBACK
            )
        )
        manager_declined = Exists(
            FeedbackResponse.objects.filter(
                feedback_request=OuterRef("pk"), kind=FeedbackResponse.Kind.DECLINE
            )
        )
        return list(
            self.order_by()
            .alias(areas_text=Cast("areas", models.TextField()))
            .values(client_id=F("application__client"))
            .annotate(
                asked=Count("pk"),
                routed=Count("pk", filter=Q(routed)),
                answered=Count("pk", filter=Q(answered)),
                released=Count("pk", filter=Q(state__in=[state.RELEASED, state.CLOSED])),
                declined=Count("pk", filter=Q(state=state.DECLINED)),
                withdrawn=Count("pk", filter=Q(state=state.WITHDRAWN)),
                manager_declined=Count("pk", filter=Q(manager_declined)),
                **{f"useful_{value}": Count("pk", filter=Q(usefulness=value)) for value in USEFULNESS},
                **{
                    f"asked_{area}": Count("pk", filter=Q(areas_text__contains=f'"{area}"'))
                    for area in Area.values
                },
            )
        )

    def area_ratings_by_client(self) -> list[dict]:
        """The hiring managers' ratings per area beside the candidate's own rating of that area.

        One grouped query of at most clients x 7 areas x 4 ratings x 5 own ratings (or none)
        rows, each {"client_id", "area", "rating", "own", "n"}: `own` is the candidate's
        self-assessment of the area, None when they gave none. Only a request's latest feedback
        counts (the one the recruiter releases), so a request answered again after a re-route
        counts once.
        """
        later_feedback = FeedbackResponse.objects.filter(
            Q(submitted_at__gt=OuterRef("response__submitted_at"))
            | Q(submitted_at=OuterRef("response__submitted_at"), pk__gt=OuterRef("response_id")),
            feedback_request=OuterRef("response__feedback_request"),
            kind=FeedbackResponse.Kind.FEEDBACK,
        )
        # The self-assessment is a JSON object keyed by area: read the key of this row's area.
        own = Case(
            *(
                When(area=area, then=KeyTextTransform(area, "response__feedback_request__self_assessment"))
                for area in Area.values
            ),
            output_field=models.CharField(),
        )
        return list(
            AreaAnswer.objects.filter(
                response__feedback_request__in=self.values("pk"),
                response__kind=FeedbackResponse.Kind.FEEDBACK,
            )
            .exclude(Exists(later_feedback))
            .values("area", "rating", own=own, client_id=F("response__feedback_request__application__client"))
            .annotate(n=Count("pk"))
            .order_by()
        )

    def times_to_release(self) -> list[tuple[int, timedelta]]:
        """(client id, time from asking to release) of every released answer to these requests."""
        released = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"), released_at__isnull=False
        )
        return list(
            released.order_by()
            .annotate(took=F("released_at") - F("feedback_request__created_at"))
            .values_list("feedback_request__application__client", "took")
        )

    def times_to_answer(self) -> list[tuple[int, timedelta]]:
        """(client id, time from routing to the hiring manager's feedback) of every such answer.

        Answers a recruiter recorded after a call have no routing and do not count; nor do
        declines.
        """
        answers = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"),
            kind=FeedbackResponse.Kind.FEEDBACK,
            routing__isnull=False,
        )
        return list(
            answers.order_by()
            .annotate(took=F("submitted_at") - F("routing__routed_at"))
            .values_list("feedback_request__application__client", "took")
        )
