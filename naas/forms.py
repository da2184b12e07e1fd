import hashlib
import re
from collections.abc import Callable
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.urls import reverse

from .dates import EARLIEST_EMPLOYMENT_START, SERVICE_START, govuk_date, plan_ahead_limit, today
from .models import Phase, SocialWorker, User
from .notify.services import notify_message_queue
from .staff_csv import StaffFileError, read_staff_csv


def submitted(request):
    """The data to bind a form to: what was posted, or None on any other method. Never
    `request.POST or None`: a POST with every field left blank is an empty, falsy QueryDict, so
    the form would come back unbound, the page would show no errors, and the person would not
    know why nothing happened."""
    return request.POST if request.method == "POST" else None


def submitted_files(request):
    """The uploaded files to bind a form to, alongside `submitted` (None unless posted)."""
    return request.FILES if request.method == "POST" else None


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
        # Django autofocuses the email box, which skips the skip link and what precedes the
        # form for keyboard and screen-reader users (GOV.UK advises against autofocus).
        self.fields["username"].widget.attrs.pop("autofocus", None)
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

    def clean(self):
        # Wrong details are an error on the email field (GOV.UK: the summary links to it and
        # the field shows it inline). authenticate() has already run, so axes counts it as
        # before.
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code != "invalid_login":
                raise
            self.add_error("username", error)
            return self.cleaned_data


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
            Submit("submit", "Upload and check"),
        )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > settings.NAAS_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {_size(settings.NAAS_MAX_UPLOAD_BYTES)}"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        raw = upload.read()
        try:
            self.records = read_staff_csv(raw)
        except StaffFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
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
            # Only a changed page can send another value; it is refused and nothing is saved.
            field.error_messages["invalid_choice"] = (
                f"Choose one of the answers to ‘{self.Meta.labels[name]}’"
            )
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

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """The link goes through GOV.UK Notify (naas.notify), like every email, not Django's
        mail: the template is given the person's name and the link only."""
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        user = context["user"]
        notify_message_queue(
            kind="password_set_link",
            recipient=user,
            personalisation={
                "name": user.full_name,
                "link": f"{context['protocol']}://{context['domain']}{path}",
            },
            actor=None,
        )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        # Our hint, once: not Django's list of its validators' rules as well.
        self.fields[
            "new_password1"
        ].help_text = (
            "Use at least 8 characters. Do not use a common password or one made only of numbers."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width="two-thirds"),
            Field.text("new_password2", field_width="two-thirds"),
            Submit("submit", "Save password"),
        )


# --- Dates: the GOV.UK date input ------------------------------------------------------------
#
# Every form with a date uses GovukDateField, so every typed date is checked the same way and
# told back the same way, in the Design System's words: "Enter the date of the session", "The
# date of the session must include a month", "… must be a real date", "… must be between
# 1 January 2018 and 15 June 2026". A date outside its range never reaches a service, a
# selector or the database.

DateBound = date | Callable[[], date]
"""A range's end: a fixed date (SERVICE_START) or a function asked at validation (today)."""

DATE_PARTS = ("day", "month", "year")
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _bound(value: DateBound) -> date:
    return value() if callable(value) else value


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_range_message(what: str, earliest: date, latest: date) -> str:
    """'The date of the session must be between 1 January 2018 and 15 June 2026'."""
    return f"{_capitalised(what)} must be between {govuk_date(earliest)} and {govuk_date(latest)}"


def check_date_in_range(value: date | None, *, what: str, earliest: DateBound, latest: DateBound):
    """Refuse a date outside `earliest`–`latest` (inclusive), naming the range. For the date
    fields of forms that are not GOV.UK date inputs (the back office's admin forms)."""
    low, high = _bound(earliest), _bound(latest)
    if value is not None and not low <= value <= high:
        raise forms.ValidationError(date_range_message(what, low, high), code="out_of_range")
    return value


def _day_or_month_number(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,2}", text) else None


def _month_number(text: str) -> int | None:
    """3, 03, 'Mar', 'march' and 'March.' are all March: the Design System accepts names."""
    number = _day_or_month_number(text)
    if number is not None:
        return number
    name = text.lower().rstrip(".")
    if len(name) >= 3:
        for index, month in enumerate(MONTH_NAMES, start=1):
            if month.startswith(name):
                return index
    return None


class GovukDateInput(DateInputWidget):
    """Day, month and year boxes (the GOV.UK date input), with a number keypad on phones."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.marked: set[int] = set()  # the boxes an error is about (set by the field)
        for part in self.widgets:
            part.attrs["inputmode"] = "numeric"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.marked:  # only the boxes in error are invalid, not the whole date
            for index, part in enumerate(context["widget"]["subwidgets"]):
                if index not in self.marked:
                    part["attrs"].pop("aria-invalid", None)
        return context


class GovukDateField(DateInputField):
    """A GOV.UK date input for one date within a range.

    `what` names the date as it is written mid-sentence ("the date of the session"): the errors
    are "Enter the date of the session", "The date of the session must include a month" (only
    the missing boxes are marked), "… must be a real date" (31 2 2026, text, a year without 4
    numbers) and "… must be between 1 January 2018 and 15 June 2026". `earliest` and `latest`
    are dates or functions of no arguments (`today`, `plan_ahead_limit`) asked when the form is
    checked; a form may set them per instance (`self.fields[name].earliest = …`). The error
    summary links an error about the whole date to the Day box and an error about a missing box
    to that box.
    """

    widget = GovukDateInput

    def __init__(self, *, what: str, earliest: DateBound, latest: DateBound, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        self.earliest = earliest
        self.latest = latest
        self.error_messages.update(
            {
                "required": f"Enter {what}",
                "invalid": f"{_capitalised(what)} must be a real date",
            }
        )

    def date_range(self) -> tuple[date, date]:
        return _bound(self.earliest), _bound(self.latest)

    def _mark(self, indexes, message: str) -> forms.ValidationError:
        """The error, with the boxes it is about marked (for the inline styling and links)."""
        for index in indexes:
            self.fields[index].widget.errors.append(message)
        self.widget.marked = set(indexes)
        return forms.ValidationError(message)

    def clean(self, value):
        for part in self.fields:
            part.widget.errors = []
        self.widget.marked = set()
        if isinstance(value, date):
            value = self.widget.decompress(value)
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        parts = [("" if v is None else str(v)).strip() for v in list(value)[:3]]
        parts += [""] * (3 - len(parts))
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            names = " and ".join(DATE_PARTS[index] for index in missing)
            raise self._mark(missing, f"{_capitalised(self.what)} must include a {names}")
        day, month = _day_or_month_number(parts[0]), _month_number(parts[1])
        year = int(parts[2]) if re.fullmatch(r"[0-9]{4}", parts[2]) else None
        try:
            if day is None or month is None or year is None:
                raise ValueError(parts)
            result = date(year, month, day)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        earliest, latest = self.date_range()
        check_date_in_range(result, what=self.what, earliest=earliest, latest=latest)
        self.validate(result)
        self.run_validators(result)
        return result

    def compress(self, data_list):
        # clean() builds the date itself; this is only asked for an empty value.
        return None


# --- The back office's own date fields (Django admin forms) -----------------------------------


class DateRangeAdminForm(forms.ModelForm):
    """A back-office model form whose date fields must each fall within a range.

    `date_ranges` maps a field's name to (what it is, earliest, latest), as check_date_in_range
    takes them; each error is the field's own. Subclasses give their model in
    `class Meta(DateRangeAdminForm.Meta)`, and see the range-checked dates in clean()."""

    date_ranges: dict[str, tuple[str, DateBound, DateBound]] = {}

    class Meta:
        # Every field: a ModelAdmin whose form names fields shows only those.
        fields = "__all__"  # noqa: DJ007

    def clean(self):
        cleaned = super().clean()
        for name, (what, earliest, latest) in self.date_ranges.items():
            if name not in cleaned:
                continue
            try:
                check_date_in_range(cleaned[name], what=what, earliest=earliest, latest=latest)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned


class SocialWorkerAdminForm(DateRangeAdminForm):
    date_ranges = {
        "employed_since": ("the employment start date", EARLIEST_EMPLOYMENT_START, today),
    }

    class Meta(DateRangeAdminForm.Meta):
        model = SocialWorker


class PhaseAdminForm(DateRangeAdminForm):
    date_ranges = {
        "starts_on": ("the start of the phase", SERVICE_START, plan_ahead_limit),
        "ends_on": ("the end of the phase", SERVICE_START, plan_ahead_limit),
    }

    class Meta(DateRangeAdminForm.Meta):
        model = Phase

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end of the phase must be the same as or after its start")
        return cleaned
