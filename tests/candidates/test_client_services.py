"""Writes for clients and hiring managers: what the services refuse, whoever calls them."""

import pytest
from django.db import transaction

from candidates import services
from candidates.models import Client, HiringManager

pytestmark = pytest.mark.django_db


def test_a_client_name_is_unique_whatever_its_capitals_and_spacing(recruiter):
    services.create_client(name="Acme  Analytics ", owner=recruiter)

    with pytest.raises(services.ClientNameTaken):
        services.create_client(name="acme analytics", owner=recruiter)

    assert list(Client.objects.values_list("name", flat=True)) == ["Acme Analytics"]


def test_a_refused_name_leaves_the_callers_transaction_usable(recruiter):
    services.create_client(name="Acme", owner=recruiter)

    with transaction.atomic():
        with pytest.raises(services.ClientNameTaken):
            services.create_client(name="ACME", owner=recruiter)
        services.create_client(name="Initech", owner=recruiter)  # the same transaction goes on

    assert Client.objects.count() == 2


def test_a_refused_rename_leaves_the_client_as_stored(recruiter, client_factory):
    acme = client_factory(name="Acme")
    client_factory(name="Initech")

    with pytest.raises(services.ClientNameTaken):
        services.update_client(client=acme, name="INITECH", owner=recruiter, feedback_policy="none")

    assert (acme.name, acme.feedback_policy) == ("Acme", Client.FeedbackPolicy.FULL)


def test_only_recruiters_own_clients(candidate, client_factory):
    with pytest.raises(ValueError, match="not a recruiter"):
        services.create_client(name="Acme", owner=candidate)
    acme = client_factory()
    with pytest.raises(ValueError, match="not a recruiter"):
        services.update_client(client=acme, name="Acme", owner=candidate, feedback_policy="full")
    acme.refresh_from_db()
    assert acme.owner != candidate


def test_a_managers_address_is_unique_per_client_and_stored_in_lower_case(client_factory):
    acme, initech = client_factory(), client_factory()
    manager = services.add_hiring_manager(client=acme, name=" Dana ", email=" Dana@Acme.TEST ", title=" CTO ")
    assert (manager.name, manager.email, manager.title) == ("Dana", "dana@acme.test", "CTO")

    with pytest.raises(services.HiringManagerEmailTaken):
        services.add_hiring_manager(client=acme, name="Dana W", email="DANA@acme.test")
    services.add_hiring_manager(client=initech, name="Dana", email="dana@acme.test")

    other = services.add_hiring_manager(client=acme, name="Sam", email="sam@acme.test")
    with pytest.raises(services.HiringManagerEmailTaken):
        services.update_hiring_manager(manager=other, name="Sam", email="dana@acme.test")
    assert other.email == "sam@acme.test"
    assert HiringManager.objects.count() == 3


def test_deactivating_is_a_conditional_update(hiring_manager_factory):
    manager = hiring_manager_factory()

    assert services.set_hiring_manager_active(manager=manager, active=False) is True
    assert services.set_hiring_manager_active(manager=manager, active=False) is False
    assert not HiringManager.objects.get(pk=manager.pk).is_active
    assert services.set_hiring_manager_active(manager=manager, active=True) is True
    assert manager.is_active
