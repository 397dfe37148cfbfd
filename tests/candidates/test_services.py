"""Writes for people and applications: linking applications to a verified candidate."""

import pytest
from allauth.account.models import EmailAddress

from candidates import services
from candidates.models import Application, CandidateProfile

pytestmark = pytest.mark.django_db


def test_verifying_an_address_links_the_applications_that_name_it(candidate_factory, application_factory):
    candidate = candidate_factory(email="sam@example.test", verified=False)
    named = application_factory(candidate=None, candidate_email="SAM@Example.test")
    other = application_factory(candidate=None, candidate_email="pat@example.test")

    assert services.link_applications(user=candidate, email=" sam@example.TEST") == 1

    named.refresh_from_db()
    other.refresh_from_db()
    assert named.candidate == candidate
    assert other.candidate is None


def test_an_application_already_linked_to_someone_stays_theirs(candidate_factory, application_factory):
    owner = candidate_factory()
    newcomer = candidate_factory(verified=False)
    application = application_factory(candidate=owner, candidate_email=newcomer.email)

    assert services.link_applications(user=newcomer, email=newcomer.email) == 0
    application.refresh_from_db()
    assert application.candidate == owner


def test_a_recruiters_address_never_collects_applications(recruiter, application_factory):
    application = application_factory(candidate=None, candidate_email=recruiter.email)
    assert services.link_applications(user=recruiter, email=recruiter.email) == 0
    application.refresh_from_db()
    assert application.candidate is None


def test_an_application_for_a_verified_candidate_is_linked_at_once(candidate, client_factory, recruiter):
    application = services.create_application(
        client=client_factory(),
        recruiter=recruiter,
        candidate_name=" Sam Rivera ",
        candidate_email=candidate.email.upper(),
        role_title=" Data Analyst ",
    )
    assert application.candidate == candidate
    assert application.candidate_email == candidate.email
    assert (application.candidate_name, application.role_title) == ("Sam Rivera", "Data Analyst")
    assert application.is_confirmed


def test_an_application_for_an_unverified_address_waits_for_verification(
    candidate_factory, client_factory, recruiter
):
    unverified = candidate_factory(verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    application = services.create_application(
        client=client_factory(),
        recruiter=recruiter,
        candidate_name="Pat",
        candidate_email=unverified.email,
        role_title="Analyst",
    )
    assert application.candidate is None


def test_an_application_a_candidate_describes_is_unconfirmed(client_factory, recruiter):
    application = services.create_application(
        client=client_factory(),
        recruiter=recruiter,
        candidate_name="Pat",
        candidate_email="pat@example.test",
        role_title="Analyst",
        source=Application.Source.CANDIDATE,
    )
    assert not application.is_confirmed


def test_every_candidate_has_one_profile(candidate):
    first = services.ensure_candidate_profile(user=candidate)
    assert services.ensure_candidate_profile(user=candidate) == first
    assert CandidateProfile.objects.filter(user=candidate).count() == 1
