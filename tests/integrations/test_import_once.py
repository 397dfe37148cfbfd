"""Confirming an import sent ten times at the same moment imports it once."""

import re

import pytest

from candidates.models import Application
from integrations import importing
from integrations.models import ImportBatch
from tests.integrations.csvfiles import applicant, csv_bytes
from tests.parallel import post_at_once

CONFIRM_ONCE = re.compile(r'action="[^"]*/confirm/".*?name="once" value="([0-9a-f]{32})"', re.S)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_confirmations_import_once(live_server, recruiter, client_factory):
    client_factory(name="Acme Analytics", owner=recruiter)
    batch = importing.start_import(
        parsed=importing.parse_upload(data=csv_bytes([applicant(n) for n in range(30)])),
        file_name="ats.csv",
        importer=recruiter,
        create_clients=False,
        invite=False,
    )
    page = f"/dashboard/applications/import/{batch.uuid}/"

    statuses = post_at_once(
        live_server.url,
        recruiter,
        page=page,
        to=f"{page}confirm/",
        data=lambda html: {"once": CONFIRM_ONCE.search(html).group(1)},
    )

    assert statuses == [302] * 10
    batch.refresh_from_db()
    assert (batch.state, batch.created, batch.processed) == (ImportBatch.State.DONE, 30, 30)
    assert Application.objects.count() == 30
