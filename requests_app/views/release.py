"""The recruiter's release page and correction page: edit, preview as the candidate will see it, then send.

Both show the text the candidate will read in an editor, with every flag of the release
checks beside the text it concerns, and the candidate's own page rendered with that text
(views.candidate_page, the template the candidate's page uses). Sending needs the text that
was last previewed: text changed after the preview is shown again first.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from candidates.models import Client

from .. import identity, lifecycle, safety, services
from ..access import request_for_recruiter
from ..forms import CorrectionForm, ReleaseForm
from ..models import FeedbackRequest, FeedbackResponse
from . import candidate_page
from .actions import act

PREVIEWED = "previewed"  # the hidden field naming the text last previewed
CHANGED_SINCE_PREVIEW = "You changed the text after the preview: check the preview below, then send it."


def _response(feedback_request: FeedbackRequest) -> FeedbackResponse | None:
    return feedback_request.responses.prefetch_related("answers").first()


def _form(form_class, feedback_request: FeedbackRequest, response: FeedbackResponse, data=None):
    """The editor, with the release checks run on what it shows: the legal-safety terms (cached)
    and the names of the people involved."""
    client = feedback_request.application.client
    return form_class(
        data,
        response=response,
        terms=safety.portal_terms(),
        names=identity.names_for(feedback_request),
        comments_expected=client.feedback_policy != Client.FeedbackPolicy.RATINGS_ONLY,
    )


def _page(
    request, feedback_request, response, form, *, mode: str, notice: str = "", status=200
) -> HttpResponse:
    draft = form.draft(corrected_at=timezone.now() if mode == "correct" else None)
    preview = candidate_page.preview_context(feedback_request, draft, corrected=mode == "correct")
    return render(
        request,
        "requests_app/release.html",
        {
            "feedback_request": feedback_request,
            "application": feedback_request.application,
            "client": feedback_request.application.client,
            "response": response,
            "form": form,
            "mode": mode,
            "notice": notice,
            "previewed": form.text_signature(),
            "names": form.names,
            # The candidate's own page template, with the text about to be sent.
            "preview": render_to_string("requests_app/_candidate_view.html", preview, request=request),
        },
        status=status,
    )


def _edit_send(request, feedback_request, response, form_class, *, mode: str, send) -> HttpResponse:
    """Show the editor and preview; on "send", check the text was previewed, then send it once."""
    form = _form(form_class, feedback_request, response, request.POST if request.method == "POST" else None)
    if request.method == "GET" or request.POST.get("action") != "send":
        if form.is_bound:
            form.full_clean()  # show what still needs a decision, beside the preview
        return _page(request, feedback_request, response, form, mode=mode)
    if not form.is_valid():
        return _page(request, feedback_request, response, form, mode=mode, status=400)
    if request.POST.get(PREVIEWED) != form.text_signature():
        return _page(request, feedback_request, response, form, mode=mode, notice=CHANGED_SINCE_PREVIEW)
    return send(form)


@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    """Review the answer, preview it as the candidate will see it, release it."""
    feedback_request = request_for_recruiter(request, request_uuid)
    response = _response(feedback_request)
    verdict = lifecycle.may_release(feedback_request, response) if response else lifecycle.NOTHING_TO_RELEASE
    if not verdict:
        messages.info(request, verdict.refusal)
        return redirect("requests_app:dashboard_request", feedback_request.uuid)
    return _edit_send(
        request,
        feedback_request,
        response,
        ReleaseForm,
        mode="release",
        send=lambda form: act(
            request,
            lambda: services.release_response(
                response=response,
                actor=request.user,
                released_summary=form.cleaned_data["released_summary"],
                released_comments=form.released_comments(),
                released_answers=form.released_answers(),
                released_steps=form.released_steps(),
                acknowledged_flags=form.acknowledged(),
            ),
            "Released. The candidate has been e-mailed.",
            back_to="requests_app:dashboard_request",
            request_uuid=feedback_request.uuid,
        ),
    )


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    """Correct the released text within its correction period: preview it, publish it."""
    feedback_request = request_for_recruiter(request, request_uuid)
    response = (
        feedback_request.responses.filter(released_at__isnull=False).prefetch_related("answers").first()
    )
    verdict = lifecycle.may_correct(feedback_request, response)
    if not verdict:
        messages.error(request, verdict.refusal)
        return redirect("requests_app:dashboard_request", feedback_request.uuid)
    return _edit_send(
        request,
        feedback_request,
        response,
        CorrectionForm,
        mode="correct",
        send=lambda form: act(
            request,
            lambda: services.correct_release(
                response=response,
                actor=request.user,
                released_summary=form.cleaned_data["released_summary"],
                released_comments=form.released_comments(),
                released_answers=form.released_answers(),
                released_steps=form.released_steps(),
                reason=form.cleaned_data["reason"],
                material=form.cleaned_data["material"],
                acknowledged_flags=form.acknowledged(),
            ),
            lambda version: (
                "Corrected. The candidate has been e-mailed."
                if version.material
                else "Corrected. The candidate's page says it was updated; no e-mail was sent."
            ),
            back_to="requests_app:dashboard_request",
            request_uuid=feedback_request.uuid,
        ),
    )
