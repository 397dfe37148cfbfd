"""allauth's pages, written the portal's way: sentence case, labels without colons, the error summary."""

import re
from html import unescape

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# The words a person reads as headings, labels and buttons.
WORDS = re.compile(r"<(title|h1|h2|label|legend|button|summary)\b[^>]*>(.*?)</\1>", re.S)


def headings_labels_and_buttons(html: str) -> list[str]:
    main = html[html.index("<main") :]
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).split("·")[0]
    texts = [title] + [m.group(2) for m in WORDS.finditer(main)]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", t)).split()) for t in texts if t.strip()]


def assert_sentence_case(html: str) -> None:
    for text in headings_labels_and_buttons(html):
        later_words = text.split()[1:]
        capitals = [w for w in later_words if w[:1].isupper() and "@" not in w]
        assert not capitals, f"not in sentence case: {text!r}"
        assert not text.endswith(":"), f"a colon after {text!r}"


def test_sign_in_is_in_sentence_case_and_says_what_to_enter(client):
    page = client.get("/accounts/login/")
    html = page.content.decode()
    assert_sentence_case(html)
    assert "<h1>Sign in</h1>" in html
    assert '<label class="label" for="id_login">E-mail address</label>' in html
    assert '<label for="id_remember">Remember me</label>' in html
    assert "placeholder" not in html

    wrong = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert_sentence_case(wrong)
    assert "There is a problem" in wrong
    assert '<a href="#id_login">Enter your e-mail address.</a>' in wrong
    assert '<a href="#id_password">Enter your password.</a>' in wrong


def test_a_wrong_password_is_listed_in_the_summary(client, candidate):
    html = client.post("/accounts/login/", {"login": candidate.email, "password": "not-it"}).content.decode()
    assert "There is a problem" in html
    assert "The e-mail address or password is not right. Check them and try again." in html
    assert f'value="{candidate.email}"' in html  # what was typed is kept


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/signup/", "Sign up"),
        ("/accounts/login/code/", "Sign in with a code"),
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your e-mail"),
        ("/accounts/password/reset/key/done/", "Your password is changed"),
    ],
)
def test_signed_out_pages_are_in_sentence_case(client, path, heading):
    html = client.get(path).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert_sentence_case(html)


def test_sign_up_labels_and_errors(client):
    html = client.post("/accounts/signup/", {"email": "x@example.test", "password1": "a"}).content.decode()
    assert_sentence_case(html)
    assert '<label class="label" for="id_password2">Confirm password</label>' in html
    assert '<a href="#id_name">Tell us your name so your recruiter knows who is asking.</a>' in html
    assert 'value="x@example.test"' in html


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/email/", "Your e-mail addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/logout/", "Sign out"),
    ],
)
def test_signed_in_pages_are_in_sentence_case(candidate_client, path, heading):
    html = candidate_client.get(path).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert_sentence_case(html)


def test_changing_the_password_wrongly_lists_each_problem(candidate_client):
    html = candidate_client.post(
        "/accounts/password/change/", {"oldpassword": "wrong", "password1": "", "password2": ""}
    ).content.decode()
    assert_sentence_case(html)
    assert '<label class="label" for="id_oldpassword">Current password</label>' in html
    assert '<a href="#id_password1">Enter a new password.</a>' in html


def test_the_sign_in_code_page_is_in_sentence_case(client, candidate):
    page = client.post("/accounts/login/code/", {"email": candidate.email}, follow=True)
    html = page.content.decode()
    assert "<h1>Enter your sign-in code</h1>" in html
    assert '<label class="label" for="id_code">Sign-in code</label>' in html
    assert_sentence_case(html)

    wrong = client.post("/accounts/login/code/confirm/", {"code": ""}).content.decode()
    assert '<a href="#id_code">Enter the code we e-mailed you.</a>' in wrong


def test_the_password_reset_key_page_is_in_sentence_case(client, candidate):
    client.post("/accounts/password/reset/", {"email": candidate.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)

    page = client.get(link, follow=True)

    html = page.content.decode()
    assert "<h1>Choose a new password</h1>" in html
    assert '<label class="label" for="id_password2">Confirm new password</label>' in html
    assert_sentence_case(html)
    done = client.post(
        page.redirect_chain[-1][0], {"password1": PASSWORD + "x", "password2": PASSWORD + "x"}, follow=True
    )
    assert "<h1>Your password is changed</h1>" in done.content.decode()


def test_a_broken_reset_link_says_what_to_do(client):
    html = client.get("/accounts/password/reset/key/1-nonsense/", follow=True).content.decode()
    assert "<h1>This link does not work</h1>" in html
    assert_sentence_case(html)


def test_the_e_mail_confirmation_code_page_is_in_sentence_case(client):
    page = client.post(
        "/accounts/signup/",
        {"name": "Casey Jones", "email": "casey@example.test", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "<h1>Confirm your e-mail address</h1>" in html
    assert "We sent a code to casey@example.test" in html
    assert_sentence_case(html)

    wrong = client.post("/accounts/confirm-email/", {"code": ""}).content.decode()
    assert '<a href="#id_code">Enter the code we e-mailed you.</a>' in wrong


def test_allauths_messages_use_the_portals_words(client, candidate):
    page = client.post("/accounts/login/", {"login": candidate.email, "password": PASSWORD}, follow=True)
    assert f"You are signed in as {candidate.name}." in page.content.decode()

    page = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": PASSWORD + "-new", "password2": PASSWORD + "-new"},
        follow=True,
    )
    assert "Your password is changed." in page.content.decode()
