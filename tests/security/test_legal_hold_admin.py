"""Legal hold in the Django admin: set and released by an agency admin, noted on the timeline."""

import pytest

from requests_app.models import Event, FeedbackRequest

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/requests_app/feedbackrequest/"


@pytest.fixture
def requests(feedback_request_factory):
    return feedback_request_factory.create_batch(2, state=FeedbackRequest.State.CLOSED)


def run_action(admin_client, action: str, requests) -> object:
    return admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [fr.pk for fr in requests]}, follow=True
    )


def hold_notes(feedback_request) -> list[Event]:
    return list(Event.objects.filter(feedback_request=feedback_request, kind=Event.Kind.NOTE))


def test_an_admin_places_requests_on_legal_hold_and_each_timeline_says_so(admin_client, admin_user, requests):
    page = run_action(admin_client, "place_legal_hold", requests)

    assert page.status_code == 200
    assert "2 request(s) placed on legal hold." in page.content.decode()
    for fr in requests:
        assert FeedbackRequest.objects.get(pk=fr.pk).legal_hold
        [note] = hold_notes(fr)
        assert note.actor == admin_user
        assert note.message.startswith("Placed on legal hold")
        assert not note.visible_to_candidate


def test_releasing_the_hold_is_noted_too_and_nothing_is_noted_twice(admin_client, requests):
    run_action(admin_client, "place_legal_hold", requests[:1])
    page = run_action(admin_client, "place_legal_hold", requests)
    assert "1 request(s) placed on legal hold." in page.content.decode()
    assert "1 request(s) were already on legal hold." in page.content.decode()

    page = run_action(admin_client, "release_legal_hold", requests)

    assert "2 request(s) released from legal hold." in page.content.decode()
    for fr in requests:
        assert not FeedbackRequest.objects.get(pk=fr.pk).legal_hold
        assert [n.message.split(":")[0] for n in hold_notes(fr)] == [
            "Placed on legal hold",
            "Legal hold released",
        ]


def test_the_hold_is_editable_on_the_change_page_and_noted_without_touching_the_state(
    admin_client, admin_user, requests
):
    fr = requests[0]
    management = {
        f"{prefix}-{field}": value
        for prefix in ("routings", "events")
        for field, value in [
            ("TOTAL_FORMS", 0),
            ("INITIAL_FORMS", 0),
            ("MIN_NUM_FORMS", 0),
            ("MAX_NUM_FORMS", 0),
        ]
    }
    # Someone else moves the request on while the admin has the form open.
    FeedbackRequest.objects.filter(pk=fr.pk).update(state=FeedbackRequest.State.WITHDRAWN)

    page = admin_client.post(
        f"{CHANGELIST}{fr.pk}/change/", {"legal_hold": "on", "usefulness": "", **management}
    )

    assert page.status_code == 302
    fr.refresh_from_db()
    assert fr.legal_hold
    assert fr.state == FeedbackRequest.State.WITHDRAWN
    [note] = hold_notes(fr)
    assert note.actor == admin_user


def test_the_list_filters_by_legal_hold(admin_client, requests):
    run_action(admin_client, "place_legal_hold", requests[:1])

    html = admin_client.get(CHANGELIST, {"legal_hold__exact": "1"}).content.decode()

    assert str(requests[0].uuid) in html
    assert str(requests[1].uuid) not in html


def test_a_recruiter_without_admin_access_cannot_place_a_hold(client, recruiter, requests):
    client.force_login(recruiter)

    page = client.post(CHANGELIST, {"action": "place_legal_hold", "_selected_action": [requests[0].pk]})

    assert page.status_code == 302
    assert page["Location"].startswith("/admin/login/")
    assert not FeedbackRequest.objects.get(pk=requests[0].pk).legal_hold
