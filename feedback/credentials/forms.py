"""The public credential check's form: a credential pasted or uploaded, no larger than
NAAS_CREDENTIAL_CHECK_MAX_BYTES, in the shape of a compact JWS."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.conf import settings

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
FILE_TYPES = (".jwt", ".txt")
WRONG_FORMAT = (
    "Enter a credential in the right format: it is one long line of letters, numbers and "
    "symbols in 3 parts separated by full stops"
)
WRONG_FILE_TYPE = "The selected file must be a credential: a JWT or text file"


def _limit() -> int:
    return settings.NAAS_CREDENTIAL_CHECK_MAX_BYTES


def _kb(limit: int) -> str:
    return f"{limit // 1024}KB" if limit >= 1024 else f"{limit} bytes"


class CredentialCheckForm(forms.Form):
    credential = forms.CharField(
        label="Paste the credential",
        help_text="Open the credential file in a text editor, copy all of it and paste it here",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    credential_file = forms.FileField(
        label="Or upload the credential file",
        help_text="A .jwt file downloaded from the social worker's results page",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("credential"),
            Field("credential_file"),
            Submit("submit", "Check credential", data_module="govuk-button"),
        )

    def clean_credential(self):
        text = self.cleaned_data["credential"]
        if len(text.encode()) > _limit():
            raise forms.ValidationError(f"The credential must be {_kb(_limit())} or smaller")
        return text

    def clean_credential_file(self):
        upload = self.cleaned_data["credential_file"]
        if not upload:
            return None
        if upload.size > _limit():
            raise forms.ValidationError(f"The selected file must be smaller than {_kb(_limit())}")
        if not upload.name.lower().endswith(FILE_TYPES):
            raise forms.ValidationError(WRONG_FILE_TYPE)
        try:
            return upload.read(_limit() + 1).decode("utf-8").strip()
        except UnicodeDecodeError:
            raise forms.ValidationError(WRONG_FILE_TYPE) from None

    def clean(self):
        data = super().clean()
        text, uploaded = data.get("credential"), data.get("credential_file")
        if self.errors:
            return data
        if text and uploaded:
            self.add_error("credential", "Paste the credential or upload a file, not both")
        elif not text and not uploaded:
            self.add_error("credential", "Paste the credential or upload the credential file")
        else:
            # A credential copied from an email or a wrapped window may carry line breaks.
            token = "".join((text or uploaded).split())
            if COMPACT_JWS.match(token):
                data["token"] = token
            else:
                self.add_error("credential" if text else "credential_file", WRONG_FORMAT)
        return data
