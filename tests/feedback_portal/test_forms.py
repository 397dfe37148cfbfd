"""The portal's one way of rendering a form: templates/forms/field.html and the error summary."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


class Sample(forms.Form):
    name = forms.CharField(label="Your name", help_text="As recruiters should write it.")
    colour = forms.ChoiceField(
        label="Favourite colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree", help_text="You can change your mind.")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def test_a_field_has_its_label_without_a_colon_then_its_hint_then_the_field():
    html = Sample()["name"].as_field_group()

    assert '<label class="label" for="id_name">Your name</label>' in html
    assert ":</label>" not in html
    assert '<div class="hint" id="id_name_helptext">As recruiters should write it.</div>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert html.index("<label") < html.index('class="hint"') < html.index("<input")
    assert "aria-invalid" not in html and "group-error" not in html


def test_a_field_in_error_shows_the_message_above_it_and_is_marked_for_screen_readers():
    html = Sample(data={"name": ""})["name"].as_field_group()

    assert '<div class="group group-error">' in html  # the red bar and border
    error = (
        '<ul class="errorlist" id="id_name_error"><li>'
        '<span class="visually-hidden">Error: </span>This field is required.</li></ul>'
    )
    assert error in html
    assert html.index('class="hint"') < html.index(error) < html.index("<input")
    field = re.search(r"<input[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_name_helptext id_name_error"' in field


def test_radios_are_a_fieldset_with_a_legend_and_each_input_before_its_label():
    html = Sample(data={})["colour"].as_field_group()

    assert '<legend class="question-legend">Favourite colour</legend>' in html
    assert 'aria-describedby="id_colour_error"' in html  # on the fieldset, so every radio has it
    assert re.search(r'<label for="id_colour_0"><input type="radio"[^>]*>\s*Red</label>', html)
    assert '<div class="choices">' in html


def test_a_checkbox_comes_before_its_label_with_its_hint_after_and_its_error_above():
    html = Sample(data={})["agree"].as_field_group()

    assert re.search(
        r'<div class="choice"><input type="checkbox"[^>]*id="id_agree">'
        r'<label for="id_agree">I agree</label></div>',
        html,
    )
    assert (
        html.index('id="id_agree_error"')
        < html.index('<div class="choice">')
        < html.index('id_agree_helptext">')
    )


def test_the_error_summary_links_each_problem_to_its_field_and_lists_the_forms_own():
    form = Sample(data={"colour": "green"})
    form.is_valid()

    html = render_to_string("_error_summary.html", {"form": form})

    assert '<div class="error-summary" role="alert" tabindex="-1">' in html
    assert '<h2 class="error-summary-title">There is a problem</h2>' in html
    assert "<li>Something about the whole form.</li>" in html
    assert '<a href="#id_name">This field is required.</a>' in html
    assert (
        '<a href="#id_colour_0">Select a valid choice. green is not one of the available choices.</a>' in html
    )
    assert '<a href="#id_agree">This field is required.</a>' in html
    assert 'src="/static/js/forms.js"' in html  # it takes focus when the page opens
    assert (
        html.index("whole form") < html.index("id_name") < html.index("id_colour_0") < html.index("id_agree")
    )


def test_the_error_summary_is_empty_for_a_form_without_errors():
    assert render_to_string("_error_summary.html", {"form": Sample()}).strip() == ""


def test_no_form_offers_a_row_of_dashes_or_a_label_with_a_colon(
    recruiter_client, client_factory, hiring_manager_factory, application_factory, feedback_request_factory
):
    client = client_factory()
    hiring_manager_factory(client=client)
    request = feedback_request_factory(application=application_factory(client=client))
    application = application_factory()
    pages = [
        "/dashboard/",
        "/dashboard/applications/new/",
        f"/dashboard/applications/{application.uuid}/outcome/",
        "/dashboard/clients/new/",
        f"/dashboard/clients/{client.uuid}/",
        f"/dashboard/clients/{client.uuid}/edit/",
        f"/dashboard/requests/{request.uuid}/",
        f"/dashboard/requests/{request.uuid}/reassign/",
        "/dashboard/handover/",
        "/dashboard/analytics/",
        "/account/",
    ]
    for path in pages:
        html = recruiter_client.get(path).content.decode()
        assert "<form" in html, path
        assert "---------" not in html, path
        assert not re.search(r":\s*</(label|legend)>", html), path


def test_the_candidates_forms_offer_no_dashes_and_no_colons(
    candidate_client, candidate, application_factory, portal_settings
):
    application = application_factory(candidate=candidate)
    for path in ["/applications/describe/", f"/applications/{application.uuid}/request/", "/account/"]:
        html = candidate_client.get(path).content.decode()
        assert "<form" in html, path
        assert "---------" not in html, path
        assert not re.search(r":\s*</(label|legend)>", html), path


def test_a_candidates_bad_request_opens_with_the_error_summary(
    candidate_client, candidate, application_factory, portal_settings
):
    application = application_factory(candidate=candidate)

    html = candidate_client.post(f"/applications/{application.uuid}/request/", {}).content.decode()

    summary = html[html.index('<div class="error-summary"') :]
    assert summary.index("There is a problem") < summary.index('<a href="#id_areas_0">')
    assert html.index('class="error-summary"') < html.index('name="areas"')  # first in the form
