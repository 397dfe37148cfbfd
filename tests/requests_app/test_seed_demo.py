"""`make run`'s demo data: every scenario runs, twice changes nothing, and analytics show it at once."""

import io

import pytest
from django.core.management import call_command

from feedback_portal.models import User
from requests_app.models import AnalyticsMonth, FeedbackRequest

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_every_scenario_once_and_counts_its_analytics(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    made = FeedbackRequest.objects.count()
    assert made >= 10
    assert set(FeedbackRequest.objects.values_list("state", flat=True)) >= {
        FeedbackRequest.State.SUBMITTED,
        FeedbackRequest.State.AWAITING_MANAGER,
        FeedbackRequest.State.RELEASED,
    }
    # The analytics page has its months counted before beat's first turn.
    assert AnalyticsMonth.objects.exists()
    client.force_login(User.objects.get(email="recruiter@demo.test"))
    page = client.get("/dashboard/analytics/").content.decode()
    assert "Feedback areas" in page

    # The queue opens on the one that has waited longest, overdue.
    queue = client.get("/dashboard/").content.decode()
    first_row = queue[queue.index("<tbody>") : queue.index("</tr>", queue.index("<tbody>"))]
    assert "Sam Patel" in first_row and "working days" in first_row and "overdue" in first_row

    call_command("seed_demo", stdout=io.StringIO())
    assert FeedbackRequest.objects.count() == made


def test_the_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="only runs with DEBUG on"):
        call_command("seed_demo")
