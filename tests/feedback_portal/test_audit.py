"""The audit trail: recruiters' and admins' writes, sign-ins and exports, read by admins only."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.dispatch import Signal
from django.forms.models import model_to_dict
from django.utils import formats, timezone

from candidates.models import Application
from feedback_portal import audit
from feedback_portal.models import PortalSettings, User
from requests_app import retention
from requests_app.models import FeedbackRequest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TRAIL = "/admin/auditlog/logentry/"
AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)  # 10:15 in London (GMT)


def trail(admin_client, **query) -> str:
    response = admin_client.get(TRAIL, query)
    assert response.status_code == 200
    return unescape(response.content.decode())


def shown_time(moment: datetime) -> str:
    """As the admin's list shows a time: in the agency's zone, in the portal's date format."""
    with timezone.override("Europe/London"):
        return formats.localize(timezone.template_localtime(moment))


def only_entry(**filters) -> LogEntry:
    [entry] = LogEntry.objects.filter(**filters)
    return entry


# --- The three the issue names --------------------------------------------------------------


def test_a_recruiter_changing_a_managers_e_mail_leaves_who_when_before_and_after(
    recruiter_client, recruiter, hiring_manager_factory, admin_client
):
    manager = hiring_manager_factory(name="Morgan Blake", email="morgan@acme.test", title="CTO")
    page = f"/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/edit/"

    with time_machine.travel(AT, tick=False):
        response = recruiter_client.post(
            page, {"name": "Morgan Blake", "email": "morgan.blake@elsewhere.test", "title": "CTO"}
        )
    assert response.status_code == 302

    entry = only_entry(object_pk=str(manager.pk), action=LogEntry.Action.UPDATE)
    assert entry.actor == recruiter
    assert entry.timestamp == AT
    html = trail(admin_client, kind=entry.content_type_id, what=f"change-{LogEntry.Action.UPDATE}")
    html = html[html.index("<tbody>") : html.index("</tbody>")]
    assert shown_time(AT) in html
    assert recruiter.email in html
    assert "Changed" in html
    assert "Hiring manager" in html
    assert "email: morgan@acme.test → morgan.blake@elsewhere.test" in html
    # Only what changed is listed: the name and title were sent unchanged.
    assert "name:" not in html and "title:" not in html


def test_a_recorded_outcome_leaves_who_when_before_and_after(
    recruiter_client, recruiter, application_factory, admin_client
):
    application = application_factory(outcome=Application.Outcome.PENDING, outcome_on=None)

    with time_machine.travel(AT, tick=False):
        response = recruiter_client.post(
            f"/dashboard/applications/{application.uuid}/outcome/",
            {"outcome": Application.Outcome.NOT_SELECTED, "outcome_on": ""},
        )
    assert response.status_code == 302

    entry = only_entry(object_pk=str(application.pk), action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.timestamp) == (recruiter, AT)
    detail = admin_client.get(f"{TRAIL}{entry.pk}/change/")
    assert detail.status_code == 200
    html = unescape(detail.content.decode())
    assert shown_time(AT) in html
    assert recruiter.email in html
    assert "<td>outcome</td><td>Pending</td><td>Not selected</td>" in html
    assert "<td>outcome on</td><td>(blank)</td><td>2026-03-02</td>" in html
    assert "outcome: Pending → Not selected" in trail(admin_client, q=str(application))


def test_an_admin_changing_a_setting_leaves_who_when_before_and_after(admin_client, admin_user):
    row = PortalSettings.load()
    form = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(row).items()
        if k not in ("id", "logo", "logo_type", "logo_version")
    }
    form["link_expiry_days"] = 21

    with time_machine.travel(AT, tick=False):
        response = admin_client.post("/admin/feedback_portal/portalsettings/1/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]

    entry = only_entry(content_type__model="portalsettings", action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.timestamp) == (admin_user, AT)
    assert entry.changes == {"link_expiry_days": ["14", "21"]}
    html = trail(admin_client, what=f"change-{LogEntry.Action.UPDATE}")
    assert shown_time(AT) in html
    assert admin_user.email in html
    assert "link expiry days: 14 → 21" in html


# --- Who acted ------------------------------------------------------------------------------


def test_a_change_made_by_the_worker_or_beat_is_the_systems(hiring_manager_factory, admin_client):
    from candidates import services

    manager = hiring_manager_factory(email="old@acme.test")
    services.update_hiring_manager(manager=manager, name=manager.name, email="new@acme.test")

    entry = only_entry(object_pk=str(manager.pk), action=LogEntry.Action.UPDATE)
    assert entry.actor is None
    assert audit.who(entry) == "system"
    assert "system" in trail(admin_client, kind=entry.content_type_id)


def test_switching_a_manager_off_is_recorded_though_it_is_a_conditional_update(
    recruiter_client, recruiter, hiring_manager_factory
):
    manager = hiring_manager_factory()
    page = f"/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/deactivate/"
    assert recruiter_client.post(page).status_code == 302

    entry = only_entry(object_pk=str(manager.pk), action=LogEntry.Action.UPDATE)
    assert entry.actor == recruiter
    assert entry.changes == {"is_active": ["True", "False"]}


def test_a_users_role_change_in_the_admin_is_recorded_without_the_password(admin_client, recruiter):
    recruiter.role = User.Role.ADMIN
    recruiter.set_password("another-long-password-2026")
    recruiter.save()

    entry = only_entry(content_type__model="user", object_pk=str(recruiter.pk), action=LogEntry.Action.UPDATE)
    assert entry.changes == {"role": ["recruiter", "admin"]}
    assert "role: Recruiter → Agency admin" in trail(admin_client, q=str(recruiter))


# --- Sign-ins, exports, holds, second factors -----------------------------------------------


def test_signing_in_and_a_failed_sign_in_are_recorded(client, recruiter, admin_client):
    assert (
        client.post("/accounts/login/", {"login": recruiter.email, "password": "not-it"}).status_code == 200
    )
    client.post("/accounts/login/", {"login": "nobody@nowhere.test", "password": "not-it"})
    response = client.post("/accounts/login/", {"login": recruiter.email, "password": PASSWORD})
    assert response.status_code == 302

    failed = LogEntry.objects.filter(additional_data__event=audit.SIGN_IN_FAILED).order_by("pk")
    assert [(e.object_pk, e.object_repr, e.actor) for e in failed] == [
        (str(recruiter.pk), str(recruiter), None),
        ("", "nobody@nowhere.test", None),
    ]
    assert all(e.remote_addr == "127.0.0.1" for e in failed)
    signed_in = only_entry(additional_data__event=audit.SIGNED_IN, actor=recruiter)
    assert signed_in.object_pk == str(recruiter.pk)

    html = trail(admin_client, what=audit.SIGN_IN_FAILED)
    assert html.count("Failed sign-in") >= 2 and "not signed in" in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "nobody@nowhere.test" in rows and "Signed in" not in rows


def test_a_subject_access_export_is_recorded_even_for_a_candidate_without_requests(
    admin_client, admin_user, candidate
):
    response = admin_client.post(
        "/admin/feedback_portal/user/",
        {"action": "subject_access_export", "_selected_action": [candidate.pk]},
    )
    assert response["Content-Disposition"].startswith("attachment")

    entry = only_entry(additional_data__event=audit.EXPORTED)
    assert (entry.actor, entry.object_pk) == (admin_user, str(candidate.pk))
    assert "Exported personal data" in trail(admin_client, what=audit.EXPORTED)


def test_a_candidate_downloading_their_own_data_is_recorded(admin_client, candidate_client, candidate):
    assert candidate_client.get("/applications/export/")["Content-Disposition"].startswith("attachment")

    entry = only_entry(additional_data__event=audit.EXPORTED)
    assert (entry.actor, entry.object_pk) == (candidate, str(candidate.pk))
    rows = trail(admin_client, what=audit.EXPORTED)
    assert "Exported personal data" in rows and candidate.email in rows


def test_a_legal_hold_is_recorded_with_the_admin_who_placed_it(
    admin_client, admin_user, feedback_request_factory
):
    fr = feedback_request_factory(state=FeedbackRequest.State.CLOSED)
    admin_client.post(
        "/admin/requests_app/feedbackrequest/", {"action": "place_legal_hold", "_selected_action": [fr.pk]}
    )

    entry = only_entry(additional_data__event=audit.LEGAL_HOLD_PLACED)
    assert (entry.actor, entry.object_pk) == (admin_user, str(fr.pk))
    assert "Placed a legal hold" in trail(admin_client, kind=entry.content_type_id)


def test_a_second_factor_change_is_recorded_by_the_receiver_the_mfa_signals_connect_to(rf, recruiter):
    authenticator_added = Signal()  # as allauth.mfa.signals declares it
    authenticator_added.connect(audit.mfa_receiver("added"), weak=False)
    request = rf.post("/accounts/2fa/totp/activate/")
    request.user = recruiter

    authenticator_added.send(sender=None, request=request, user=recruiter, authenticator=None)

    entry = only_entry(additional_data__event=audit.MFA_CHANGED)
    assert (entry.actor, entry.object_pk, entry.additional_data["change"]) == (
        recruiter,
        str(recruiter.pk),
        "added",
    )


# --- Who may read it ------------------------------------------------------------------------


def test_recruiters_cannot_open_the_trail(recruiter_client, recruiter, admin_client):
    entry = audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
    # The admin sends them to sign in, and its sign-in page is not for the signed-in: 404.
    assert recruiter_client.get(TRAIL, follow=True).status_code == 404
    assert recruiter_client.get(f"{TRAIL}{entry.pk}/change/", follow=True).status_code == 404

    # Even one let into the admin (staff, with every permission) is refused the trail.
    recruiter.is_staff = True
    recruiter.save()
    recruiter.user_permissions.set(Permission.objects.all())
    assert recruiter_client.get(TRAIL).status_code == 403
    assert recruiter_client.get(f"{TRAIL}{entry.pk}/change/").status_code == 403
    assert "Audit" not in recruiter_client.get("/admin/").content.decode()


def test_nobody_adds_changes_or_deletes_an_entry(admin_client, recruiter):
    entry = audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
    assert admin_client.get(f"{TRAIL}add/").status_code == 403
    assert admin_client.post(f"{TRAIL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"{TRAIL}{entry.pk}/change/", {"object_repr": "forged"})
    entry.refresh_from_db()
    assert entry.object_repr == str(recruiter)
    assert "Delete selected" not in admin_client.get(TRAIL).content.decode()


def test_filters_and_search_narrow_the_trail(
    admin_client, recruiter, recruiter_factory, hiring_manager_factory
):
    other = recruiter_factory(email="someone.else@agency.test")
    manager = hiring_manager_factory(name="Quinn Searchable")
    audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
    audit.record(other, audit.SIGNED_IN, target=other)

    by_actor = trail(admin_client, actor__id__exact=other.pk)
    assert other.email in by_actor and recruiter.email not in by_actor
    assert "Quinn Searchable" in trail(admin_client, q="quinn")
    assert "Quinn Searchable" not in trail(admin_client, q="nobody-like-this")
    assert "Quinn Searchable" in trail(admin_client, what=f"change-{LogEntry.Action.CREATE}")
    today = timezone.localdate()
    assert "Quinn Searchable" in trail(
        admin_client, timestamp__year=today.year, timestamp__month=today.month, timestamp__day=today.day
    )
    assert manager.pk


def test_a_bad_filter_value_is_no_error_page(admin_client):
    for query in ({"kind": "x\x00"}, {"what": "nonsense"}, {"q": "a\x00b"}):
        assert admin_client.get(TRAIL, query).status_code in (200, 302)


def test_a_page_that_writes_nothing_reads_nothing_more(
    recruiter_client, portal_settings, django_assert_num_queries
):
    # 1. the signed-in user (the session is read from the cache)
    # 2. a page of applications
    with django_assert_num_queries(2):
        assert recruiter_client.get("/dashboard/applications/").status_code == 200


# --- Erasure and retention ------------------------------------------------------------------


def test_redact_about_keeps_who_when_and_which_fields_but_no_personal_data(
    recruiter_client, recruiter, hiring_manager_factory, admin_client
):
    manager = hiring_manager_factory(name="Morgan Blake", email="morgan@acme.test")
    page = f"/dashboard/clients/{manager.client.uuid}/managers/{manager.uuid}/edit/"
    recruiter_client.post(page, {"name": "Morgan Blake", "email": "morgan@new.test", "title": ""})
    audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
    entry = only_entry(object_pk=str(manager.pk), action=LogEntry.Action.UPDATE)

    assert audit.redact_about([manager, recruiter]) >= 3

    entry.refresh_from_db()
    assert entry.object_repr == audit.REDACTED
    assert set(entry.changes) == {"email", "title"}
    assert all(values == [audit.REDACTED, audit.REDACTED] for values in entry.changes.values())
    assert entry.remote_addr is None
    # The recruiter who made the change was erased too: the entry keeps what was done.
    assert (entry.actor, entry.actor_email) == (None, None)
    assert audit.who(entry) == "an erased user"
    html = trail(admin_client)
    assert "morgan@acme.test" not in html and "morgan@new.test" not in html and "Morgan Blake" not in html
    assert recruiter.email not in html
    assert "an erased user" in html


def test_redact_about_an_account_covers_failed_sign_ins_at_its_address(client, candidate):
    client.post("/accounts/login/", {"login": candidate.email.upper(), "password": "not-it"})
    entry = only_entry(additional_data__event=audit.SIGN_IN_FAILED)
    assert entry.additional_data["email"] == candidate.email  # allauth reads addresses in lower case

    audit.redact_about([candidate])

    entry.refresh_from_db()
    assert entry.object_repr == audit.REDACTED
    assert entry.additional_data == {"event": audit.SIGN_IN_FAILED}


def test_retention_forgets_old_entries_but_keeps_those_about_a_request_on_hold(
    recruiter, feedback_request_factory, portal_settings
):
    held = feedback_request_factory(state=FeedbackRequest.State.CLOSED)
    with time_machine.travel(AT, tick=False):
        audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
        retention.set_legal_hold(feedback_request=held, on=True, actor=recruiter)
    recent = audit.record(recruiter, audit.SIGNED_IN, target=recruiter)

    gone = retention.forget_old_audit_entries(now=AT + timedelta(days=31 * portal_settings.retention_months))

    assert gone == 1
    assert set(LogEntry.objects.filter(timestamp=AT).values_list("additional_data__event", flat=True)) == {
        audit.LEGAL_HOLD_PLACED
    }
    assert LogEntry.objects.filter(pk=recent.pk).exists()


def test_the_nightly_retention_task_forgets_old_entries(recruiter, portal_settings):
    from requests_app import tasks

    with time_machine.travel(AT, tick=False):
        old = audit.record(recruiter, audit.SIGNED_IN, target=recruiter)
    with time_machine.travel(AT + timedelta(days=31 * portal_settings.retention_months), tick=False):
        tasks.anonymise_due_requests()

    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert LogEntry.objects.filter(additional_data__event=audit.SIGNED_IN).count() == 0
    assert LogEntry.objects.exists()  # the newer entries (the recruiter's account being made) stay


def test_handing_a_client_to_a_colleague_names_both_on_the_entrys_page(
    recruiter_client, recruiter, recruiter_factory, client_factory, admin_client
):
    acme = client_factory(name="Acme Ltd", owner=recruiter)
    colleague = recruiter_factory(name="Casey Colleague")
    response = recruiter_client.post(
        f"/dashboard/clients/{acme.uuid}/edit/",
        {"name": "Acme Ltd", "owner": colleague.pk, "feedback_policy": acme.feedback_policy},
    )
    assert response.status_code == 302

    entry = only_entry(content_type__model="client", object_pk=str(acme.pk), action=LogEntry.Action.UPDATE)
    assert entry.changes == {"owner": [str(recruiter.pk), str(colleague.pk)]}
    html = unescape(admin_client.get(f"{TRAIL}{entry.pk}/change/").content.decode())
    assert (
        f"<td>owner</td><td>{recruiter} (#{recruiter.pk})</td><td>Casey Colleague (#{colleague.pk})</td>"
        in html
    )


def test_confirming_a_described_application_is_recorded_once_however_often_it_is_sent(
    recruiter_client, recruiter, application_factory, feedback_request_factory
):
    application = application_factory(source=Application.Source.CANDIDATE, is_confirmed=False)
    feedback_request = feedback_request_factory(application=application)
    url = f"/dashboard/requests/{feedback_request.uuid}/confirm-application/"

    recruiter_client.post(url)
    recruiter_client.post(url)

    entry = only_entry(object_pk=str(application.pk), action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.changes) == (recruiter, {"is_confirmed": ["False", "True"]})


def test_an_admin_deleting_a_manager_leaves_what_they_were(admin_client, admin_user, hiring_manager_factory):
    manager = hiring_manager_factory(name="Gone Soon", email="gone@acme.test")
    response = admin_client.post(f"/admin/candidates/hiringmanager/{manager.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    entry = only_entry(object_pk=str(manager.pk), action=LogEntry.Action.DELETE)
    assert entry.actor == admin_user
    assert entry.changes["email"] == ["gone@acme.test", "None"]
    assert "email: gone@acme.test → (blank)" in trail(admin_client, what=f"change-{LogEntry.Action.DELETE}")
