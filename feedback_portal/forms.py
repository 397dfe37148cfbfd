"""The portal's forms convention, the sign-up form's extra field and the account page's form.

Every form renders its fields through one template (`templates/forms/field.html`): a label
without a colon, a hint, the error above the field, the field marked in error, radios and
checkboxes with the label after the input. `templates/_error_summary.html` lists a form's
problems at the top, each a link to its field.
"""

from django import forms
from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Forms render with the project's templates, so `templates/forms/` overrides Django's."""

    field_template_name = "forms/field.html"


class SignupForm(forms.Form):
    """The sign-up form's extra field: the name recruiters and e-mails address you by."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Tell us your name so your recruiter knows who is asking."},
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])


class NameForm(forms.Form):
    """The account page: the name recruiters and e-mails address you by."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="Recruiters and our e-mails address you by this name.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Enter your name.",
            "max_length": "Keep your name to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )


class ErasureForm(forms.Form):
    """The candidate confirms, with their password, that everything about them is to be erased."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="So we know it is you asking.",
        error_messages={"required": "Enter your password to confirm it is you."},
    )
    confirm = forms.BooleanField(
        label="I understand that my account and everything the portal holds about me will be erased, "
        "and that this cannot be undone",
        error_messages={"required": "Tick the box to confirm you want your data erased."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Try again, or reset it first.")
        return password


class EraseNowForm(forms.Form):
    """The admin confirms an erasure: nothing about the person can be brought back."""

    confirm = forms.BooleanField(
        label="Erase this person's data now: I have checked, and I understand it cannot be undone",
        error_messages={"required": "Tick the box to confirm the erasure."},
    )
