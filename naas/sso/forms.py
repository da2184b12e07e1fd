from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from naas.models import registration_number_validator


class RegistrationNumberField(forms.CharField):
    """Typed in any case, with spaces: checked and matched as SW followed by digits."""

    def to_python(self, value):
        return "".join(super().to_python(value).split()).upper()


class RegistrationNumberForm(forms.Form):
    registration_number = RegistrationNumberField(
        label="Social Work England registration number",
        help_text="It starts with SW, for example SW123456. It is on your registration "
        "certificate and on the Social Work England register.",
        max_length=8,
        validators=[registration_number_validator],
        error_messages={"required": "Enter your Social Work England registration number"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("registration_number", field_width=10), Submit("submit", "Continue")
        )
