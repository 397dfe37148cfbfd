"""The agency's brand from one place: its colour and logo are checked before they are saved, served
to browsers that keep them until they change, and carried by every page's frame."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.forms.models import model_to_dict

from feedback_portal import brand
from feedback_portal.models import PortalSettings
from feedback_portal.views import server_error

pytestmark = pytest.mark.django_db

CHANGE_PAGE = "/admin/feedback_portal/portalsettings/1/change/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GIF = b"GIF89a" + b"\x00" * 64


# --- The colour -------------------------------------------------------------------------------


def test_contrast_is_computed_as_wcag_defines_it():
    assert brand.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert brand.contrast("#ffffff", "#ffffff") == pytest.approx(1)
    # The lightest grey that passes AA on white, and the one just above it that does not.
    assert brand.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert brand.contrast("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize("colour", ["#1f4e8c", "#767676", "#000000", "#8A1538"])
def test_a_colour_that_white_text_can_sit_on_is_accepted(colour):
    brand.validate_brand_colour(colour)


def test_a_colour_too_light_for_white_text_is_refused_naming_its_ratio_and_a_darker_shade():
    with pytest.raises(ValidationError) as refused:
        brand.validate_brand_colour("#ff9900")

    message = refused.value.messages[0]
    assert "#ff9900 has a contrast of 2.14:1 against white" in message
    assert "at least 4.5:1 (WCAG AA)" in message
    darker = re.search(r"such as (#[0-9a-f]{6})", message).group(1)
    assert brand.contrast(darker, "#ffffff") >= 4.5


def test_a_ratio_just_short_of_the_bar_never_reads_as_meeting_it():
    with pytest.raises(ValidationError, match=r"#777777 has a contrast of 4\.47:1"):
        brand.validate_brand_colour("#777777")


@pytest.mark.parametrize("colour", ["1f4e8c", "#1f4e8", "#1f4e8cc", "navy", "#gggggg", ""])
def test_a_colour_not_written_as_hex_is_refused_with_an_example(colour):
    with pytest.raises(ValidationError, match=r"# followed by six hexadecimal digits, for example #1f4e8c"):
        brand.validate_brand_colour(colour)


def test_the_settings_row_checks_its_colour_before_saving():
    portal = PortalSettings.load()
    portal.brand_colour = "#ffcc00"

    with pytest.raises(ValidationError) as refused:
        portal.full_clean()

    assert "brand_colour" in refused.value.message_dict


# --- The logo -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_a_png_jpeg_or_webp_logo_is_accepted_by_what_its_bytes_are(data, kind):
    assert brand.validate_logo(data) == kind


@pytest.mark.parametrize("data", [SVG, GIF, b"%PDF-1.7 not a picture"])
def test_any_other_file_is_refused_as_a_logo_svg_included(data):
    with pytest.raises(ValidationError, match="must be a PNG, JPEG or WebP image") as refused:
        brand.validate_logo(data)
    assert "SVG is not accepted, as it can carry scripts" in refused.value.messages[0]


def test_a_logo_over_200_kb_is_refused_saying_how_big_it_is():
    with pytest.raises(ValidationError, match=r"The logo is 201 KB; it can be at most 200 KB"):
        brand.validate_logo(PNG + b"\x00" * (200 * 1024 - len(PNG) + 1))
    brand.validate_logo(PNG + b"\x00" * (200 * 1024 - len(PNG)))  # exactly 200 KB is fine


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="The chosen file is empty"):
        brand.validate_logo(b"")


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def settings_form(admin_client):
    """What the admin's settings page posts back unchanged."""
    data = model_to_dict(PortalSettings.load())
    return {k: "" if v is None else v for k, v in data.items() if k != "id"}


def test_the_admin_uploads_a_logo_that_every_page_then_shows(admin_client, settings_form, client):
    response = admin_client.post(
        CHANGE_PAGE,
        {**settings_form, "logo_file": SimpleUploadedFile("logo.png", PNG, content_type="image/png")},
    )

    assert response.status_code == 302, response.content.decode()
    portal = PortalSettings.load()
    assert portal.logo_type == "image/png"
    assert portal.logo_url == f"/brand/logo?v={brand.version(PNG)}"
    home = client.get("/").content.decode()
    assert f'<img class="brand-logo" src="{portal.logo_url}" alt="">' in home
    logo = client.get(portal.logo_url)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo.content == PNG
    change_page = admin_client.get(CHANGE_PAGE).content.decode()
    assert f'<img src="{portal.logo_url}" alt="The current logo">' in change_page


def test_the_admin_refuses_an_svg_logo_and_a_too_light_colour_and_keeps_the_old_ones(
    admin_client, settings_form
):
    response = admin_client.post(
        CHANGE_PAGE,
        {
            **settings_form,
            "brand_colour": "#ffcc00",
            "logo_file": SimpleUploadedFile("logo.png", SVG, content_type="image/png"),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "must be a PNG, JPEG or WebP image" in html
    assert "#ffcc00 has a contrast of 1." in html
    portal = PortalSettings.objects.get()
    assert (portal.brand_colour, portal.logo_version) == (brand.DEFAULT_COLOUR, "")


def test_the_admin_refuses_a_logo_over_200_kb(admin_client, settings_form):
    big = SimpleUploadedFile("logo.png", PNG + b"\x00" * 300 * 1024, content_type="image/png")

    response = admin_client.post(CHANGE_PAGE, {**settings_form, "logo_file": big})

    assert "The logo is 301 KB; it can be at most 200 KB" in response.content.decode()
    assert not PortalSettings.objects.get().logo


def test_the_admin_removes_the_logo_and_pages_show_the_name_alone(admin_client, settings_form, client):
    portal = PortalSettings.load()
    portal.set_logo(PNG)
    portal.save()

    admin_client.post(CHANGE_PAGE, {**settings_form, "remove_logo": "on"})

    assert PortalSettings.load().logo_url == ""
    assert "brand-logo" not in client.get("/").content.decode()
    assert client.get("/brand/logo").status_code == 404


def test_saving_other_settings_keeps_the_logo():
    portal = PortalSettings.load()
    portal.set_logo(PNG)
    portal.save()

    cached = PortalSettings.load()  # read without the logo's bytes, as pages read it
    cached.agency_name = "Southwind Careers"
    cached.save()

    assert bytes(PortalSettings.objects.get().logo) == PNG


# --- Serving the logo and the stylesheet ----------------------------------------------------------


def test_the_brand_stylesheet_carries_the_colour_and_its_shades(client):
    portal = PortalSettings.load()
    portal.brand_colour = "#8A1538"
    portal.save()

    response = client.get(PortalSettings.load().brand_css_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--brand: #8a1538;" in css
    assert re.search(r"--brand-dark: #[0-9a-f]{6};", css)
    assert re.search(r"--brand-tint: #[0-9a-f]{6};", css)


def test_the_versioned_stylesheet_is_kept_a_year_and_a_changed_colour_gets_a_new_address(client):
    old_url = PortalSettings.load().brand_css_url

    response = client.get(old_url)

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response["ETag"]
    assert client.get("/brand.css", headers={"if-none-match": etag}).status_code == 304

    portal = PortalSettings.load()
    portal.brand_colour = "#1c6b3a"
    portal.save()
    new_url = PortalSettings.load().brand_css_url
    assert new_url != old_url
    # The old address asks again each time and gets the new colour.
    stale = client.get(old_url, headers={"if-none-match": etag})
    assert stale.status_code == 200
    assert stale["Cache-Control"] == "public, no-cache"
    assert "--brand: #1c6b3a;" in stale.content.decode()


def test_the_logo_answers_304_while_unchanged_and_is_kept_a_year_at_its_versioned_address(client):
    portal = PortalSettings.load()
    portal.set_logo(JPEG)
    portal.save()
    url = PortalSettings.load().logo_url

    response = client.get(url)

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{brand.version(JPEG)}"'
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_the_logo_and_stylesheet_need_no_sign_in_and_set_no_cookie(client):
    portal = PortalSettings.load()
    portal.set_logo(PNG)
    portal.save()

    for url in (portal.logo_url, portal.brand_css_url):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies


def test_pages_load_the_brand_stylesheet_as_a_file_and_the_policy_stays_strict(client):
    response = client.get("/")

    html = response.content.decode()
    assert f'<link rel="stylesheet" href="{PortalSettings.load().brand_css_url}">' in html
    assert "<style" not in html and " style=" not in html
    policy = response["Content-Security-Policy"]
    assert re.search(r"style-src 'self'(;|$)", policy)
    assert re.search(r"img-src 'self' data:(;|$)", policy)


# --- Every page's frame ---------------------------------------------------------------------------


def test_every_page_carries_the_agency_name_in_its_title_header_and_footer(client, candidate):
    portal = PortalSettings.load()
    portal.agency_name = "Southwind Careers"
    portal.agency_contact_email = "help@southwind.test"
    portal.save()
    client.force_login(candidate)

    for url in ("/applications/", "/accounts/email/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert re.search(r"<title>[^<]+ · Southwind Careers</title>", html), url
        header = html[html.index("<header") : html.index("</header>")]
        assert '<span class="brand-name">Southwind Careers</span>' in header, url
        footer = html[html.index("<footer") : html.index("</footer>")]
        assert "Southwind Careers" in footer, url
        assert '<a href="mailto:help@southwind.test">help@southwind.test</a>' in footer, url


def test_signed_out_pages_carry_the_brand_too(client):
    for url in ("/", "/accounts/login/", "/accounts/signup/"):
        html = client.get(url).content.decode()
        assert re.search(r"<title>[^<]+ · Northwind Talent</title>", html), url
        assert "hello@northwind.test" in html, url


# --- Settings stored before the brand arrived -------------------------------------------------------

BEFORE_BRAND = [("feedback_portal", "0012_user_uuid")]


@pytest.mark.django_db(transaction=True)
def test_the_agencys_name_support_email_and_sign_off_survive_the_brands_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_BRAND)
    old = executor.loader.project_state(BEFORE_BRAND).apps
    old.get_model("feedback_portal", "PortalSettings").objects.create(
        pk=1,
        agency_name="Harbour Recruitment",
        agency_contact_email="hi@harbour.test",
        sign_off="Cheers, Harbour",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    portal = PortalSettings.objects.get()
    assert (portal.agency_name, portal.agency_contact_email, portal.sign_off) == (
        "Harbour Recruitment",
        "hi@harbour.test",
        "Cheers, Harbour",
    )
    assert (portal.brand_colour, portal.logo_url) == (brand.DEFAULT_COLOUR, "")


# --- When something breaks ----------------------------------------------------------------------


def test_the_error_page_names_the_agency(rf):
    row = PortalSettings.load()
    row.agency_name = "Northwind Talent"
    row.save()
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<title>Something went wrong · Northwind Talent</title>" in html
    assert "Feedback Portal" not in html


def test_the_error_page_still_answers_when_the_settings_cannot_be_read(rf, monkeypatch):
    def broken():
        raise ConnectionError("the database is down")

    monkeypatch.setattr(PortalSettings, "load", staticmethod(broken))
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_stylesheet_is_the_same_for_everyone_and_never_carries_someones_cookie(client, recruiter_client):
    """Shared caches may keep it: it does not vary by the session cookie. A response that had to
    renew someone's session cookie is theirs alone: private."""
    url = PortalSettings.load().brand_css_url
    for who in (client, recruiter_client):
        response = who.get(url)
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies

    session = recruiter_client.session
    session.set_expiry(3600)  # as "Remember me" left it: the next request ends it with the browser
    session.save()
    renewed = recruiter_client.get(url)
    assert renewed.cookies
    assert renewed["Cache-Control"] == "private, max-age=31536000, immutable"
