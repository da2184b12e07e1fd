from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .models import SocialWorker, User
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

    def clean_username(self):
        # Emails are stored in lower case; match them (and key the lockout) the same way.
        return self.cleaned_data["username"].strip().lower()


class StaffImportForm(forms.Form):
    csv_file = forms.FileField(
        label="Upload a CSV file",
        help_text=(
            "Columns: full_name, email, registration_number, employment_type (permanent or "
            "agency), employed_since (YYYY-MM-DD), supervisor_email, and optionally level."
        ),
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
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
            raise forms.ValidationError(
                f"The selected file must be smaller than {_size(settings.NAAS_MAX_UPLOAD_BYTES)}"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        try:
            self.records = read_staff_csv(upload.read())
        except StaffFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class EqualityDataForm(forms.ModelForm):
    """A worker's own, optional equality answers; reported only in aggregate."""

    class Meta:
        model = SocialWorker
        fields = ["age_band", "ethnicity_group", "sex", "disability"]
        labels = {
            "age_band": "What is your age?",
            "ethnicity_group": "What is your ethnic group?",
            "sex": "What is your sex?",
            "disability": "Do you consider yourself to have a disability?",
        }
        widgets = {field: forms.RadioSelect for field in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            field = self.fields[name]
            field.required = False
            # Drop the blank choice: not choosing a radio leaves the question unanswered.
            field.choices = [choice for choice in field.choices if choice[0]]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(Field.radios(name, legend_size="m", legend_tag="h2") for name in self.Meta.fields),
            Submit("submit", "Save answers"),
        )


def _size(limit: int) -> str:
    """A byte limit as GOV.UK writes it: 5MB, 500KB, 100 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:.{0 if limit % size == 0 else 1}f}{unit}"
    return f"{limit} bytes"


class PasswordResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.helper = FormHelper()
        # GOV.UK forms validate on the server, so the browser's own checks are switched off.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email", field_width="two-thirds"), Submit("submit", "Send link")
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def get_users(self, email):
        # Unlike Django's default, accounts made by a staff import (no password yet) are
        # included: this is how they set their first one.
        return User.objects.filter(email__iexact=email, is_active=True)


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width="two-thirds"),
            Field.text("new_password2", field_width="two-thirds"),
            Submit("submit", "Save password"),
        )
