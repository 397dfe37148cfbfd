"""The recruiters' queue: the reads behind it, each a named QuerySet method served by an index.

FeedbackRequestQuerySet inherits these. Every read is bounded: pages are read a slice at a
time in index order (keyset pagination), and the counts read only open work, whatever the
size of the history.
"""

from datetime import datetime

from django.db import models
from django.db.models import Count, Q

# The columns of a queue row (and its sort keys, which the cursor reads back).
QUEUE_ROW_FIELDS = (
    *("id", "uuid", "state", "needs", "waiting_since", "created_at", "client_sort"),
    *(
        f"application__{f}"
        for f in ("candidate_name", "role_title", "company_as_described", "is_confirmed", "client_id")
    ),
    "owner_id",  # the names of the client and the recruiter come from the cache (queue_kept.names)
)


class QueueQuerySet(models.QuerySet):
    """What the recruiters' queue reads of feedback requests."""

    def for_queue(self) -> "QueueQuerySet":
        """What each row shows, in the page's one query, as plain values (requests_app.queue.rows
        makes the rows of them): fifty rows of four model instances each were a quarter of the
        page's time, and every column left out is fifty values not converted."""
        return self.values(*QUEUE_ROW_FIELDS)

    def visible_to(self, user, desk: list[int] | None) -> "QueueQuerySet":
        """The requests a recruiter may see. `desk` is None when they see every client (the
        agency's setting, and always for admins); else the recruiters whose clients and requests
        they see: themselves and those they cover (Handover.objects.desk_of)."""
        if desk is None:
            return self
        return self.filter(Q(application__client__owner_id__in=desk) | Q(owner_id__in=desk))

    def needs_you(self) -> "QueueQuerySet":
        """Requests waiting on a recruiter (request_needs_you_idx)."""
        return self.exclude(needs="")

    def owned_by(self, recruiter_ids: list[int]) -> "QueueQuerySet":
        return self.filter(owner_id__in=recruiter_ids)

    def unassigned(self) -> "QueueQuerySet":
        """No owner, or one who can no longer sign in (a leaver whose work was not handed over)."""
        return self.filter(Q(owner__isnull=True) | Q(owner__is_active=False))

    def matching(self, text: str) -> "QueueQuerySet":
        """Part of a candidate's name or e-mail, a role, a job reference or a client's name.

        search_text is lower-cased; on PostgreSQL a trigram index (request_search_trgm_idx)
        serves the LIKE '%…%' this makes, on SQLite it is a scan.
        """
        return self.filter(search_text__contains=" ".join(text.lower().split()))

    def waiting_before(self, cutoff: datetime) -> "QueueQuerySet":
        """Waiting on a recruiter since before `cutoff`: overdue against the triage SLA."""
        return self.needs_you().filter(waiting_since__lt=cutoff)

    def work_counts(self) -> dict[str, dict[str, int]]:
        """How much open work there is: per kind of what waits for a recruiter, and per open state.

        One grouped query over open requests and those waiting on a recruiter only (two small
        partial indexes), so it costs the same however long the history.
        """
        open_states = self.model.OPEN_STATES
        rows = (
            self.order_by()
            .filter(Q(state__in=open_states) | ~Q(needs=""))
            .values_list("state", "needs")
            .annotate(n=Count("*"))
        )
        needs: dict[str, int] = {}
        states: dict[str, int] = {}
        for state, kind, n in rows:
            if kind:
                needs[kind] = needs.get(kind, 0) + n
            if state in open_states:
                states[state] = states.get(state, 0) + n
        return {"needs": needs, "states": states}
