"""/account/: the signed-in user's name, e-mail, password and, for a candidate, their data."""

import pytest

from feedback_portal.models import User

pytestmark = pytest.mark.django_db

URL = "/account/"


def test_a_candidate_sees_their_name_email_password_and_data_export(
    portal_settings, candidate_client, candidate, django_assert_num_queries
):
    # 1. the signed-in user (the session and the settings come from the cache)
    # 2. whether they sign in with an authenticator app or a passkey
    # 3. whether they asked for their data to be erased
    with django_assert_num_queries(3):
        page = candidate_client.get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Your account</h1>" in html
    assert f'value="{candidate.name}"' in html
    assert candidate.email in html
    assert '<a href="/accounts/email/">Change or add an e-mail address</a>' in html
    assert '<a href="/accounts/password/change/">Change your password</a>' in html
    assert 'href="/applications/export/">Download your data</a>' in html
    assert "<dt>Two-factor authentication</dt>" in html
    assert "<dd>Off (your choice)</dd>" in html
    assert '<a href="/accounts/2fa/">Manage two-factor authentication</a>' in html


def test_the_headers_account_link_opens_it(candidate_client):
    html = candidate_client.get(URL).content.decode()
    assert '<li><a href="/account/">Account</a></li>' in html


def test_a_recruiter_has_no_candidate_data_to_export(recruiter_client):
    html = recruiter_client.get(URL).content.decode()
    assert "<h1>Your account</h1>" in html
    assert "/applications/export/" not in html


def test_someone_who_signs_in_by_code_is_offered_a_password(candidate_client, candidate):
    candidate.set_unusable_password()
    candidate.save()
    candidate_client.force_login(candidate)

    html = candidate_client.get(URL).content.decode()

    assert '<a href="/accounts/password/set/">Set a password</a>' in html


def test_a_new_name_is_saved_and_said(candidate_client, candidate):
    page = candidate_client.post(URL, {"name": "  Robin Quill  "}, follow=True)

    candidate.refresh_from_db()
    assert candidate.name == "Robin Quill"
    assert page.redirect_chain == [(URL, 302)]
    assert "Your name is saved." in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("   ", "Enter your name."),
        ("R" * 151, "Keep your name to 150 characters or fewer (it has 151)."),
    ],
)
def test_a_bad_name_says_why_keeps_what_was_typed_and_saves_nothing(
    candidate_client, candidate, typed, message
):
    before = candidate.name

    page = candidate_client.post(URL, {"name": typed})

    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert f'<a href="#id_name">{message}</a>' in html
    assert 'aria-invalid="true"' in html
    if typed.strip():
        assert f'value="{typed}"' in html
    candidate.refresh_from_db()
    assert candidate.name == before


def test_only_the_signed_in_user_can_be_renamed(candidate_client, candidate, candidate_factory):
    other = candidate_factory(name="Someone Else")

    candidate_client.post(
        URL, {"name": "Mallory", "email": other.email, "uuid": str(other.uuid), "pk": other.pk}
    )

    other.refresh_from_db()
    candidate.refresh_from_db()
    assert other.name == "Someone Else"
    assert candidate.name == "Mallory"
    assert User.objects.filter(name="Mallory").count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get(URL)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
