"""Pages show times in the agency's time zone, the one its reminders use too."""

from datetime import UTC, datetime

import pytest

from feedback_portal.models import PortalSettings
from requests_app.models import Event

pytestmark = pytest.mark.django_db


def test_the_timeline_is_shown_in_the_time_zone_of_the_portal_settings(
    candidate_client, candidate, feedback_request_factory
):
    feedback_request = feedback_request_factory(application__candidate=candidate)
    Event.objects.create(
        feedback_request=feedback_request,
        kind=Event.Kind.NOTE,
        message="Your request was passed to the interview team.",
        visible_to_candidate=True,
        created_at=datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
    )
    page = f"/requests/{feedback_request.uuid}/"

    assert "26 Nov 2026, 15:00" in candidate_client.get(page).content.decode()  # London: GMT

    portal = PortalSettings.load()
    portal.time_zone = "America/New_York"
    portal.save()  # the admin's save: the cached row is replaced at once

    assert "26 Nov 2026, 10:00" in candidate_client.get(page).content.decode()


def test_an_unknown_zone_in_the_settings_falls_back_to_utc_not_an_error(candidate_client):
    portal = PortalSettings.load()
    portal.time_zone = "Mars/Olympus_Mons"
    portal.save()

    assert candidate_client.get("/applications/").status_code == 200


def test_the_admin_refuses_an_unknown_time_zone_and_backwards_working_hours(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="boss@agency.test", password="pw-12345-long")
    client.force_login(admin)
    PortalSettings.load()
    form = {
        "agency_name": "Northwind Talent",
        "agency_contact_email": "hello@northwind.test",
        "sign_off": "The team",
        "time_zone": "Mars/Olympus_Mons",
        "working_hours_start": "17",
        "working_hours_end": "9",
        "holidays": "",
        "reminder_days": "3,7,12",
        "link_expiry_days": "14",
        "triage_sla_business_days": "2",
        "ask_window_months": "6",
        "close_released_after_days": "30",
        "retention_months": "24",
        "legal_terms": "age",
    }

    response = client.post("/admin/feedback_portal/portalsettings/1/change/", form)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a time zone name such as Europe/London" in html
    assert PortalSettings.objects.get().time_zone == "Europe/London"
