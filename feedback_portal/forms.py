"""The sign-up form's extra field: the name recruiters and e-mails address you by."""

from django import forms


class SignupForm(forms.Form):
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
