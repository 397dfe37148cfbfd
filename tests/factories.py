"""factory_boy factories for the domain; exposed as fixtures in conftest.py."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from candidates.models import Application, Client, HiringManager
from feedback_portal.models import User
from requests_app import lifecycle
from requests_app.models import FeedbackRequest, Routing
from requests_app.services.search import describe

PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name")
    role = User.Role.CANDIDATE

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary address, as allauth's mandatory verification leaves it."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CandidateFactory(UserFactory):
    role = User.Role.CANDIDATE


class RecruiterFactory(UserFactory):
    role = User.Role.RECRUITER
    email = factory.Sequence(lambda n: f"recruiter{n}@agency.test")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    owner = factory.SubFactory(RecruiterFactory)
    feedback_policy = Client.FeedbackPolicy.FULL


class HiringManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HiringManager

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"manager{n}@client.test")
    title = "Engineering Manager"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    client = factory.SubFactory(ClientFactory)
    candidate = factory.SubFactory(CandidateFactory)
    candidate_name = factory.LazyAttribute(lambda o: o.candidate.name if o.candidate else "Pat Doe")
    candidate_email = factory.LazyAttribute(
        lambda o: o.candidate.email if o.candidate else "pat.doe@example.test"
    )
    role_title = "Data Analyst"
    job_reference = factory.Sequence(lambda n: f"JOB-{n:04d}")
    stage = Application.Stage.SECOND
    outcome = Application.Outcome.NOT_SELECTED
    outcome_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    recruiter = factory.LazyAttribute(lambda o: o.client.owner)


class FeedbackRequestFactory(factory.django.DjangoModelFactory):
    """A request as a row; use the services when the timeline and e-mails matter."""

    class Meta:
        model = FeedbackRequest
        skip_postgeneration_save = True  # the hook below writes through update(), nothing to save

    application = factory.SubFactory(ApplicationFactory)
    candidate = factory.LazyAttribute(lambda o: o.application.candidate)
    owner = factory.LazyAttribute(lambda o: o.application.recruiter)
    areas = factory.LazyFunction(lambda: ["experience", "answers"])
    question_list = factory.LazyFunction(lambda: ["How could I have prepared better?"])
    consent_to_forward = True

    @factory.post_generation
    def described(self, create, extracted, **kwargs):
        """What the services keep on a request: the search text, and what waits for a recruiter."""
        if create:
            describe(self)
            lifecycle.note_needs(self)


class RoutingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Routing

    feedback_request = factory.SubFactory(
        FeedbackRequestFactory, state=FeedbackRequest.State.AWAITING_MANAGER
    )
    hiring_manager = factory.LazyAttribute(
        lambda o: HiringManagerFactory(client=o.feedback_request.application.client)
    )
    routed_by = factory.LazyAttribute(lambda o: o.feedback_request.application.recruiter)
    message = "How could I have prepared better?"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
