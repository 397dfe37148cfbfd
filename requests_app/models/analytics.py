"""The analytics page's read methods: every figure is one query over a set of requests.

The set is the requests asked in the chosen period (`for_analytics`), whatever its size;
FeedbackRequestQuerySet inherits these methods, so pages read them as named queries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber

from .areas import Area
from .responses import AreaAnswer, FeedbackResponse
from .routing import Routing


class AnalyticsQuerySet(models.QuerySet):
    """What the analytics page reads of a set of feedback requests."""

    def for_analytics(self, *, since: datetime | None, client_id: int | None = None) -> "AnalyticsQuerySet":
        """Requests asked since `since` (all time when None), of one client or all of them."""
        requests = self.order_by()
        if since is not None:
            requests = requests.filter(created_at__gte=since)
        if client_id is not None:
            requests = requests.filter(application__client_id=client_id)
        return requests

    def outcomes_by_client(self) -> list[dict]:
        """Per client, by name: how many requests were asked, routed, answered with feedback,
        released, declined and withdrawn, how many a hiring manager declined through their link
        (the recruiter then confirms or re-routes), and how useful candidates found the feedback.

        One grouped query; a request counts as routed or answered once however often it was.
        Closed requests were released first, so they count as released.
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
            .values(
                client_id=F("application__client"),
                client_name=F("application__client__name"),
                client_policy=F("application__client__feedback_policy"),
            )
            .annotate(
                asked=Count("pk"),
                routed=Count("pk", filter=Q(routed)),
                answered=Count("pk", filter=Q(answered)),
                released=Count("pk", filter=Q(state__in=[state.RELEASED, state.CLOSED])),
                declined=Count("pk", filter=Q(state=state.DECLINED)),
                withdrawn=Count("pk", filter=Q(state=state.WITHDRAWN)),
                manager_declined=Count("pk", filter=Q(manager_declined)),
                **{
                    f"useful_{value}": Count("pk", filter=Q(usefulness=value))
                    for value, _ in self.model.usefulness.field.choices
                },
            )
            .order_by("client_name", "client_id")
        )

    def area_asks(self) -> dict[str, int]:
        """How many requests asked about each area, in one aggregate query.

        `areas` is a JSON list of Area values. JSON `contains` does not exist on SQLite, so each
        value is matched, quotes included, in the list's text, the same on SQLite and
        PostgreSQL: the values are plain words and none holds another's quoted form.
        """
        as_text = self.order_by().alias(areas_text=Cast("areas", models.TextField()))
        counts = as_text.aggregate(
            **{
                f"asked_{area}": Count("pk", filter=Q(areas_text__contains=f'"{area}"'))
                for area in Area.values
            }
        )
        return {area: counts[f"asked_{area}"] for area in Area.values}

    def area_ratings(self) -> list[dict]:
        """The hiring managers' ratings per area beside the candidate's own rating of that area.

        One grouped query of at most 7 areas x 4 ratings x 5 own ratings (or none) rows, each
        {"area", "rating", "own", "n"}: `own` is the candidate's self-assessment of the area,
        None when they gave none. Only a request's latest feedback counts (the one the
        recruiter releases), so a request answered again after a re-route counts once.
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
            .values("area", "rating", own=own)
            .annotate(n=Count("pk"))
            .order_by()
        )

    def median_time_to_release(self) -> "Median":
        """The median time from asking to the feedback's release, over the released requests."""
        released = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"), released_at__isnull=False
        )
        return _medians(released, F("released_at") - F("feedback_request__created_at"))[None]

    def median_time_to_answer_by_client(self) -> "dict[int | None, Median]":
        """The median time from routing to the hiring manager's feedback: overall (key None)
        and per client id, in one query. Answers a recruiter recorded after a call have no
        routing and do not count; nor do declines.
        """
        answers = FeedbackResponse.objects.filter(
            feedback_request__in=self.values("pk"),
            kind=FeedbackResponse.Kind.FEEDBACK,
            routing__isnull=False,
        )
        return _medians(
            answers,
            F("submitted_at") - F("routing__routed_at"),
            group="feedback_request__application__client",
        )


@dataclass(frozen=True)
class Median:
    """The median of a set of durations, and how many there were (None when there were none)."""

    value: timedelta | None
    count: int

    @property
    def days(self) -> float | None:
        return None if self.value is None else self.value.total_seconds() / 86400


def _medians(queryset: models.QuerySet, took, group: str | None = None) -> dict[int | None, Median]:
    """The median of `took` over `queryset` (key None) and per value of `group`, in one query.

    PostgreSQL has percentile_cont and SQLite has nothing like it, so window functions number
    the rows in order of `took` (overall, and within each group) and only the middle row, or
    the middle two, of each come back: a row is a middle one when size <= 2 * rank <= size + 2.
    The rows read stay bounded, two per group at most, whatever the data size.
    """
    rows = queryset.order_by().annotate(took=took)
    windows = {
        "rank": Window(RowNumber(), order_by=F("took").asc()),
        "size": Window(Count("pk")),
    }
    middle = Q(size__lte=2 * F("rank"), size__gte=2 * F("rank") - 2)
    if group is not None:
        windows |= {
            "group_key": F(group),
            "group_rank": Window(RowNumber(), partition_by=F(group), order_by=F("took").asc()),
            "group_size": Window(Count("pk"), partition_by=F(group)),
        }
        middle |= Q(group_size__lte=2 * F("group_rank"), group_size__gte=2 * F("group_rank") - 2)
    found: dict[int | None, list[timedelta]] = {}
    sizes: dict[int | None, int] = {None: 0}
    for row in rows.annotate(**windows).filter(middle).values("took", *windows):
        if row["size"] <= 2 * row["rank"] <= row["size"] + 2:
            found.setdefault(None, []).append(row["took"])
            sizes[None] = row["size"]
        if group is not None and row["group_size"] <= 2 * row["group_rank"] <= row["group_size"] + 2:
            found.setdefault(row["group_key"], []).append(row["took"])
            sizes[row["group_key"]] = row["group_size"]
    return {
        key: Median(
            value=sum(found[key], timedelta()) / len(found[key]) if key in found else None, count=size
        )
        for key, size in sizes.items()
    }
