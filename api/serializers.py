"""The shapes of the API's requests and answers. Requests are checked for shape only (strings
where strings go, not too many rows); what a value means is checked by the service the pages
use, which answers with the same row errors as its CSV upload."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from .services import MAX_RESULT_ROWS, MAX_STAFF_ROWS

# Text may hold anything but NUL, which no database column can store.
NO_NUL = RegexValidator(r"^[^\x00]*$", message="Text cannot contain NUL characters")


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, trim_whitespace=False, validators=[NO_NUL], **kwargs
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False)
    row = serializers.IntegerField(required=False, min_value=1)


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


class ResultRowSerializer(serializers.Serializer):
    """One candidate's answer to one question: the results file's columns."""

    registration_number = _text(20)
    test_form = _text(40)
    item = _text(40)
    options_chosen = _text(40, allow_blank=True)


class ResultsPushSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=ResultRowSerializer(), allow_empty=False, min_length=1, max_length=MAX_RESULT_ROWS
    )


class ResultsPushedSerializer(serializers.Serializer):
    sitting = serializers.IntegerField()
    results_import = serializers.IntegerField(allow_null=True)
    rows = serializers.IntegerField()
    recorded = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    marked_sat = serializers.IntegerField()


class CheckAnswerSerializer(serializers.Serializer):
    valid = serializers.BooleanField()


class StaffMemberSerializer(serializers.Serializer):
    """One of the LA's social workers, as the staff list file has them."""

    registration_number = serializers.CharField()
    full_name = serializers.CharField(source="user.full_name")
    email = serializers.CharField(source="user.email")
    employment_type = serializers.CharField()
    employed_since = serializers.DateField()
    supervisor_email = serializers.SerializerMethodField()
    level = serializers.CharField(source="job_level")

    def get_supervisor_email(self, worker) -> str:
        return worker.supervisor.email if worker.supervisor_id else ""


class StaffPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StaffMemberSerializer(many=True)


class StaffRowSerializer(serializers.Serializer):
    """A row of the staff list file: someone new, or one of the LA's own social workers
    (matched by registration number and email address) with their changes."""

    full_name = _text(300, allow_blank=True)
    email = _text(300, allow_blank=True)
    registration_number = _text(20, allow_blank=True)
    employment_type = _text(20, allow_blank=True)
    employed_since = _text(20, allow_blank=True, help_text="YYYY-MM-DD")
    supervisor_email = _text(300, allow_blank=True)
    level = _text(20, allow_blank=True, required=False)


class StaffUpdateSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=StaffRowSerializer(), allow_empty=False, min_length=1, max_length=MAX_STAFF_ROWS
    )


class StaffUpdatedSerializer(serializers.Serializer):
    local_authority = serializers.IntegerField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class DashboardTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    caption = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    note = serializers.CharField(allow_blank=True)


class DashboardSerializer(serializers.Serializer):
    figures_as_at = serializers.DateTimeField(allow_null=True)
    filters = serializers.DictField()
    suppression = serializers.CharField()
    tables = DashboardTableSerializer(many=True)
