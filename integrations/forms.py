"""The upload form of the CSV import, with the messages a recruiter reads when the file will not do."""

from django import forms

from . import importing
from .reading import FileRefused


class ImportForm(forms.Form):
    """A CSV file of applications and the two choices the import makes for its rows."""

    file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="UTF-8, with commas or semicolons, the first line naming the columns as the template does.",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "This file is empty. The first line must be the header; see the template.",
        },
    )
    create_clients = forms.BooleanField(
        label="Add clients the portal does not know (owned by the row's recruiter, else by you)",
        required=False,
        help_text="Otherwise rows naming an unknown client are refused, so a misspelt name never "
        "becomes a new client.",
    )
    invite = forms.BooleanField(
        label="E-mail candidates turned down that they can ask for feedback",
        required=False,
        help_text="Only for applications whose outcome the import sets to not selected, role withdrawn "
        "or reposted, and only while the candidate could still ask.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importing.check_size(upload.size)  # before reading it
            self.parsed = importing.parse_upload(data=upload.read())
        except FileRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return upload
