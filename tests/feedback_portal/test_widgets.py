"""ListSelect writes the same drop-down as Django's Select: the queue's filters use it."""

from datetime import date

from django import forms

from feedback_portal.widgets import DatePicker, ListSelect

CHOICES = [("", "Every client"), ("a1", "Acme & Sons"), ("b2", "<Globex>")]


class Both(forms.Form):
    ours = forms.ChoiceField(choices=CHOICES, widget=ListSelect, label="Client")
    django = forms.ChoiceField(choices=CHOICES, label="Client")


def options(html: str) -> list[str]:
    return [part.split(">", 1)[0] for part in html.split("<option")[1:]]


def test_the_chosen_option_is_selected_and_labels_are_escaped():
    form = Both({"ours": "a1", "django": "a1"})
    ours, theirs = str(form["ours"]), str(form["django"])
    assert options(ours) == [o.replace("\n", "") for o in options(theirs)]
    assert '<option value="a1" selected>Acme &amp; Sons</option>' in ours
    assert "&lt;Globex&gt;" in ours and "<Globex>" not in ours
    assert ours.startswith('<select name="ours" id="id_ours" required>')


def test_a_field_in_error_keeps_its_aria_attributes():
    form = Both({"ours": "nope", "django": "nope"})
    form.is_valid()
    html = str(form["ours"])
    assert 'aria-invalid="true"' in html
    assert "Select a valid choice" in str(form.errors["ours"])


class When(forms.Form):
    day = forms.DateField(widget=DatePicker, required=False)


def test_a_date_is_written_as_browsers_read_it_whatever_the_locale():
    html = str(When(initial={"day": date(2026, 12, 1)})["day"])
    assert 'type="date"' in html and 'value="2026-12-01"' in html


def test_a_value_that_is_not_a_date_is_left_out_and_its_error_said():
    form = When({"day": "31-02-2026"})
    assert not form.is_valid()
    html = str(form["day"])
    assert "value=" not in html and 'aria-invalid="true"' in html
