"""The knowledge test's results file upload: read and checked here, imported by the service."""

import hashlib

from crispy_forms_gds.layout import Field
from django import forms
from django.conf import settings

from ..results_csv import ResultsFileError, read_results_csv
from .common import form_helper


class ResultsUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="Upload the results file",
        help_text="A CSV from the test platform with the columns registration_number, "
        "test_form, item and options_chosen (letters A to H, like B or B;D;F).",
        error_messages={"required": "Select the results file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("csv_file"), submit="Check and import")

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        # A national results day (10,000 candidates x 30 questions) is about 10MB.
        limit = getattr(settings, "NAAS_MAX_RESULTS_UPLOAD_BYTES", 50 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {limit // (1024 * 1024)}MB"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        raw = upload.read()
        try:
            self.records = read_results_csv(raw)
        except ResultsFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
        return upload
