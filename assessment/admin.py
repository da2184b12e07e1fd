"""Back office (superusers only): read-mostly views of assessment records. Workflow records
change only through the service's own pages, so their admin is read-only."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from naas.admin import AuditedModelAdmin, ReadOnlyAdmin

from .forms import SittingAdminForm
from .models import (
    AdjustmentRequest,
    Allocation,
    AreaMark,
    AreaOutcome,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    Item,
    Outcome,
    OutcomeRuleSet,
    ResultsImport,
    ReviewRequest,
    Scenario,
    Sitting,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResult,
)


@admin.register(AssessmentCentre)
class AssessmentCentreAdmin(AuditedModelAdmin):
    list_display = ["name", "region", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name"]


class BoundedDateChangeList(ChangeList):
    """Django's date drill-down builds the next day, month or year itself and overflows on
    9999 (a 500): such a query is an incorrect lookup, shown as the list with "?e=1"."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


@admin.register(Sitting)
class SittingAdmin(AuditedModelAdmin):
    form = SittingAdminForm
    list_display = ["date", "slot", "centre", "capacity"]
    list_filter = ["slot", "centre"]
    date_hierarchy = "date"
    list_select_related = ["centre"]

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList

    def get_object(self, request, object_id, from_field=None):
        """A change to a sitting locks its row first, as every booking does: the capacity is
        checked against the bookings (Sitting.clean) while no booking can slip in between."""
        sitting = super().get_object(request, object_id, from_field)
        if sitting is not None and request.method == "POST":
            sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        return sitting


class AttemptAreaInline(admin.TabularInline):
    model = AttemptArea
    extra = 0
    can_delete = False
    readonly_fields = ["area"]

    def has_add_permission(self, request, obj=None):
        return False


class AdjustmentInline(admin.TabularInline):
    model = AdjustmentRequest
    extra = 0
    can_delete = False
    fields = ["kind", "detail", "decision", "decision_reason", "decided_by", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["worker", "level", "sitting", "state", "booked_at"]
    list_filter = ["state", "level"]
    search_fields = ["worker__registration_number", "worker__user__full_name"]
    list_select_related = ["worker__user", "sitting__centre"]
    inlines = [AttemptAreaInline, AdjustmentInline]


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "kind", "decision", "requested_at", "decided_at"]
    list_filter = ["decision", "kind"]
    list_select_related = ["attempt__worker__user"]


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "level"]
    list_filter = ["level"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "area", "format", "scenario", "is_active"]
    list_filter = ["format", "is_active", "area__framework__level"]
    search_fields = ["code", "stem"]
    list_select_related = ["area", "scenario"]


class TestFormItemInline(admin.TabularInline):
    model = TestFormItem
    extra = 0
    can_delete = False
    readonly_fields = ["item", "section", "position"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TestForm)
class TestFormAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "level", "scenario", "three_of_eight_scoring", "is_active"]
    list_filter = ["level", "is_active"]
    inlines = [TestFormItemInline]


@admin.register(ResultsImport)
class ResultsImportAdmin(ReadOnlyAdmin):
    list_display = ["sitting", "uploaded_by", "uploaded_at", "row_count", "candidates_recorded"]
    list_select_related = ["sitting__centre", "uploaded_by"]


class TestAreaScoreInline(admin.TabularInline):
    model = TestAreaScore
    extra = 0
    can_delete = False
    readonly_fields = ["area", "marks", "max_marks", "percent", "item_count"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TestResult)
class TestResultAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "test_form", "raw_score", "max_score", "recorded_at"]
    list_select_related = ["attempt__worker__user", "test_form"]
    search_fields = ["attempt__worker__registration_number"]
    inlines = [TestAreaScoreInline]


# --- Simulated practice, moderation, outcomes and reviews -----------------------------------


class AreaMarkInline(admin.TabularInline):
    model = AreaMark
    extra = 0
    can_delete = False
    readonly_fields = ["area", *AreaMark.TASK_FIELDS, "evidence_note", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "role", "assessor", "allocated_at", "submitted_at", "active"]
    list_filter = ["role", "active"]
    list_select_related = ["attempt__worker__user", "assessor"]
    inlines = [AreaMarkInline]


@admin.register(AreaMark)
class AreaMarkAdmin(ReadOnlyAdmin):
    list_display = ["allocation", "area", *AreaMark.TASK_FIELDS, "recorded_at"]
    list_select_related = ["allocation", "area"]


@admin.register(OutcomeRuleSet)
class OutcomeRuleSetAdmin(ReadOnlyAdmin):
    list_display = ["framework", "version", "parameters", "created_by", "created_at"]
    list_filter = ["framework"]


class AreaOutcomeInline(admin.TabularInline):
    model = AreaOutcome
    extra = 0
    can_delete = False
    readonly_fields = [
        "area",
        "result",
        "observation_mean",
        "knowledge_percent",
        "explanation",
        "carried_forward",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "version", "result", "rule_set", "published_at", "superseded_at"]
    list_filter = ["result"]
    search_fields = ["reference", "attempt__worker__registration_number"]
    list_select_related = ["rule_set__framework"]
    inlines = [AreaOutcomeInline]


@admin.register(AreaOutcome)
class AreaOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["outcome", "area", "result", "observation_mean", "knowledge_percent"]
    list_filter = ["result", "carried_forward"]
    list_select_related = ["outcome", "area"]


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ["outcome", "state", "requested_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["outcome", "decided_by"]
