from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from .staff_csv import StaffFileError, read_staff_csv


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width="two-thirds"),
            Field.text("password", field_width="two-thirds"),
            Submit("submit", "Sign in"),
        )


class StaffImportForm(forms.Form):
    csv_file = forms.FileField(
        label="Upload a CSV file",
        help_text=(
            "Columns: full_name, email, registration_number, employment_type (permanent or "
            "agency), employed_since (YYYY-MM-DD), supervisor_email, and optionally level."
        ),
        error_messages={"required": "Select a CSV file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("csv_file"),
            Submit("submit", "Check and import"),
        )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > settings.NAAS_MAX_UPLOAD_BYTES:
            limit = settings.NAAS_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The selected file must be smaller than {limit}MB")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        try:
            self.records = read_staff_csv(upload.read())
        except StaffFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
