"""An applicant-tracking system retrying at once: ten identical calls at the same moment act once.

On PostgreSQL, where the live server's threads really overlap.
"""

import json
import threading
import urllib.error
import urllib.request

import pytest

from candidates.models import Application
from feedback_portal.models import OutboundEmail
from integrations import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(url: str, method: str, key: str, body: dict, times: int = 10) -> list[int]:
    """Send the same call `times` times at the same moment; the status of each answer."""
    ready = threading.Barrier(times)
    statuses: list[int] = []
    data = json.dumps(body).encode()

    def send() -> None:
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        ready.wait(timeout=10)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _invitations() -> int:
    return OutboundEmail.objects.filter(kind="feedback_invitation").count()


def test_ten_parallel_puts_of_a_new_application_make_one_and_invite_once(live_server, client_factory):
    acme = client_factory(name="Acme")
    _, key = services.create_api_key(name="ATS", scopes=["write:applications"], created_by=None)
    body = {
        "candidate_name": "Sam Rivers",
        "candidate_email": "sam@example.test",
        "client": "Acme",
        "role_title": "Data Analyst",
        "recruiter": acme.owner.email,
        "outcome": "not_selected",
        "invite": True,
    }

    statuses = _at_once(f"{live_server.url}/api/v1/applications/ATS-1", "PUT", key, body)

    assert sorted(statuses) == [200] * 9 + [201]
    assert Application.objects.filter(external_id="ATS-1").count() == 1
    assert _invitations() == 1


def test_ten_parallel_outcomes_invite_once(live_server, application_factory):
    application_factory(external_id="ATS-2", outcome="pending", outcome_on=None)
    _, key = services.create_api_key(name="ATS", scopes=["write:applications"], created_by=None)

    statuses = _at_once(
        f"{live_server.url}/api/v1/applications/ATS-2/outcome",
        "POST",
        key,
        {"outcome": "not_selected", "invite": True},
    )

    assert statuses == [200] * 10
    assert _invitations() == 1
