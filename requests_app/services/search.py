"""What the queue's search and client sort read, kept on each request.

A request keeps its own lower-case search text (candidate's name and e-mail, role, job
reference, client) and its client's name, so the queue searches and sorts one table. The
signals in ``requests_app.signals`` call these whenever an application or client changes.
"""

from candidates.models import Application, Client

from ..models import FeedbackRequest


def describe(feedback_request: FeedbackRequest) -> None:
    """Keep the request's search text and client name in step with its application and client."""
    application = feedback_request.application
    feedback_request.search_text = search_text(application)
    feedback_request.client_sort = application.client.name.lower()
    FeedbackRequest.objects.filter(pk=feedback_request.pk).update(
        search_text=feedback_request.search_text, client_sort=feedback_request.client_sort
    )


def search_text(application: Application) -> str:
    """What search matches: the candidate's name and e-mail, the role, job reference and client."""
    parts = [
        application.candidate_name,
        application.candidate_email,
        application.role_title,
        application.job_reference,
        application.client.name,
        application.company_as_described,  # as a candidate wrote it, when they described it
    ]
    return " ".join(p for p in parts if p).lower()


def describe_application(application: Application) -> int:
    """After an application changed: its requests' search text and client name follow."""
    return FeedbackRequest.objects.filter(application=application).update(
        search_text=search_text(application), client_sort=application.client.name.lower()
    )


def describe_client(client: Client) -> int:
    """After a client was renamed: its requests follow, application by application."""
    changed = 0
    for application in client.applications.select_related("client"):
        changed += describe_application(application)
    return changed
