"""What candidates erases about a person, registered with feedback_portal.erasure.

A candidate: their applications keep client, role, stage, dates and outcome (the statistics)
but lose the name and address they were filed under; the profile (their phone number) is
deleted. A hiring manager: the contact row stays, since the requests routed to them point at
it, but with no name, address or title, and no longer offered for routing; their name leaves
the interviewers listed on the client's applications.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from feedback_portal import erasure
from feedback_portal.erasure import Person, Scrub
from feedback_portal.models import User

from .models import Application, CandidateProfile, HiringManager

ERASED_MANAGER_NAME = "Erased hiring manager"


def applications_of(person: Person):
    """The applications filed for this person: linked to their account, or under one of their addresses."""
    by_address = Q()
    for address in person.addresses:
        by_address |= Q(candidate_email__iexact=address)
    return Application.objects.filter(Q(candidate_id=person.pk) | by_address)


def identify_candidate(person: Person) -> tuple[list[str], list[str]]:
    """The names and addresses their applications were filed under, and their profile's phone."""
    rows = list(applications_of(person).values_list("candidate_name", "candidate_email"))
    phones = (
        CandidateProfile.objects.filter(user_id=person.pk).exclude(phone="").values_list("phone", flat=True)
    )
    return [name for name, _ in rows] + list(phones), [address for _, address in rows]


def erase_candidate(person: Person, now: datetime, actor: User | None) -> dict[str, int]:
    applications = 0
    for pk in applications_of(person).values_list("pk", flat=True):
        Application.objects.filter(pk=pk).update(
            candidate_name=erasure.ERASED_NAME, candidate_email=erasure.erased_address()
        )
        applications += 1
    profiles, _ = CandidateProfile.objects.filter(user_id=person.pk).delete()
    return {"applications": applications, "candidate_profiles": profiles}


def identify_manager(person: Person) -> tuple[list[str], list[str]]:
    manager = HiringManager.objects.filter(pk=person.pk).values_list("name", "email").first()
    return ([manager[0]], [manager[1]]) if manager else ([], [])


def erase_manager(person: Person, now: datetime, actor: User | None) -> dict[str, int]:
    manager = HiringManager.objects.filter(pk=person.pk).first()
    if manager is None:
        return {}
    interviewers = Scrub(Application.objects.filter(client_id=manager.client_id), ["interviewers"]).run(
        person.name_pattern(), erasure.ERASED_NAME
    )
    HiringManager.objects.filter(pk=person.pk).update(
        name=ERASED_MANAGER_NAME, email=erasure.erased_address(), title="", is_active=False
    )
    return {"hiring_managers": 1, "applications_interviewers": interviewers}


@transaction.atomic
def erase_hiring_manager(*, manager: HiringManager, actor: User):
    """Erase a hiring manager's personal data (raises erasure.ErasureBlocked while a request
    routed to them is on legal hold); the erasure is recorded without their name."""
    return erasure.erase_person(person=Person(erasure.HIRING_MANAGER, manager.pk), actor=actor)


def register() -> None:
    erasure.register(erasure.ACCOUNT, "applications", erase_candidate, identify=identify_candidate)
    erasure.register(erasure.HIRING_MANAGER, "hiring managers", erase_manager, identify=identify_manager)
