"""The knowledge test's results file upload: read and checked here, imported by the service."""

import hashlib

from crispy_forms_gds.layout import Field
from django import forms
from django.conf import settings

from ..models import REASON_MAX
from ..results_csv import ResultsFileError, read_results_csv
from .common import form_helper


def checked_size_and_type(upload):
    """The upload, if it is a CSV of a size the service takes."""
    # A national results day (10,000 candidates x 30 questions) is about 10MB.
    limit = getattr(settings, "NAAS_MAX_RESULTS_UPLOAD_BYTES", 50 * 1024 * 1024)
    if upload.size > limit:
        raise forms.ValidationError(
            f"The selected file must be smaller than {limit // (1024 * 1024)}MB"
        )
    if not upload.name.lower().endswith(".csv"):
        raise forms.ValidationError("The selected file must be a CSV")
    if not upload.size:
        raise forms.ValidationError("The selected file is empty")
    return upload


class ResultsUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="Upload the results file",
        help_text="A CSV from the test platform with the columns registration_number, "
        "test_form, item and options_chosen (letters A to H, like B or B;D;F).",
        error_messages={
            "required": "Select the results file",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("csv_file"), submit="Check and import")

    def clean_csv_file(self):
        upload = checked_size_and_type(self.cleaned_data["csv_file"])
        raw = upload.read()
        try:
            self.records = read_results_csv(raw)
        except ResultsFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
        return upload


class ResultsFileForm(forms.Form):
    """The results file sent to be imported in the background: only its size and type are
    checked here (the task reads and checks every row), and whether it corrects results
    already imported, with the reason."""

    csv_file = ResultsUploadForm.base_fields["csv_file"]
    is_correction = forms.BooleanField(
        required=False,
        label="This file corrects results already imported for this sitting",
        help_text="Candidates whose answers differ from those imported will have their results "
        "replaced, and their outcomes worked out again as a new version.",
    )
    reason = forms.CharField(
        required=False,
        label="Why are the results being corrected?",
        help_text="For example, what the test platform told you was wrong. This is kept in the "
        "audit trail.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("csv_file"),
            Field.checkbox("is_correction"),
            Field.textarea("reason", rows=3, max_characters=REASON_MAX),
            submit="Upload and check",
        )

    def clean_csv_file(self):
        return checked_size_and_type(self.cleaned_data["csv_file"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_correction") and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why the results are being corrected")
        return cleaned
