"""Forms for simulated practice marking: the marks per task and area, and allocating a marker."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Size
from django import forms

from ..models import MARK_RUBRIC, REASON_MAX, AreaMark, GlobalJudgement, PracticeTask
from ..services import DecisionChoice, MarkEntry, ModerationDecision
from ..services.moderation import DECISION_REASON_MAX
from .common import form_helper

MARK_CHOICES = [("", "Choose a mark")] + [
    (value, f"{value} – {label}") for value, label in MARK_RUBRIC.items()
]


EVIDENCE_MAX = 2000


class MarksForm(forms.Form):
    """One select per task (1–4) and an evidence note for each KSS area the attempt covers,
    and the first and second markers' overall judgement of each area. Rendered by hand in the
    template as one fieldset per area.

    A moderator or reviewer (who gives a reason) settles the marks after seeing the others', so
    their view is not an independent judgement and is not asked for.

    As a draft (`draft=True`, "Save and come back later") nothing is required, but a mark
    given must still be one of the four."""

    def __init__(
        self,
        *args,
        areas,
        needs_reason: bool = False,
        initial_marks=None,
        draft: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # for the error summary; the fields are laid out by hand
        self.areas = list(areas)
        self.draft = draft
        self.asks_judgement = not needs_reason
        initial_marks = initial_marks or {}
        for area in self.areas:
            existing = initial_marks.get(area.pk)
            for name, task in zip(AreaMark.TASK_FIELDS, PracticeTask.labels, strict=True):
                message = f"Choose a mark from 1 to 4 for {task.lower()} in area {area.number}"
                self.fields[self.mark_name(area, name)] = forms.TypedChoiceField(
                    label=task,
                    choices=MARK_CHOICES,
                    coerce=int,
                    empty_value=None,
                    initial=getattr(existing, name, ""),
                    error_messages={"required": message, "invalid_choice": message},
                )
            if self.asks_judgement:
                self.fields[self.judgement_name(area)] = self._judgement_field(area, existing)
            self.fields[self.evidence_name(area)] = forms.CharField(
                label=f"Evidence for area {area.number}",
                max_length=EVIDENCE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=getattr(existing, "evidence_note", ""),
                error_messages={
                    "required": f"Enter the evidence for area {area.number}",
                    "max_length": f"The evidence for area {area.number} must be "
                    f"{EVIDENCE_MAX} characters or fewer",
                },
            )
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label="Reason for the final marks",
                help_text="Explain how you decided the final marks. This is kept with the "
                "attempt's history.",
                max_length=REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": "Enter the reason for the final marks"},
            )
        if draft:
            for field in self.fields.values():
                field.required = False

    @staticmethod
    def _judgement_field(area, existing) -> forms.TypedChoiceField:
        """The marker's overall view of the area, separate from the task marks: borderline
        regression sets each area's cut from these judgements, so every new mark needs one."""
        message = f"Choose the overall judgement for area {area.number}"
        return forms.TypedChoiceField(
            label="Overall judgement for this area",
            choices=GlobalJudgement.choices,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            initial=getattr(existing, "global_judgement", None),
            error_messages={"required": message, "invalid_choice": message},
        )

    @staticmethod
    def judgement_name(area) -> str:
        return f"area_{area.pk}_global_judgement"

    @staticmethod
    def mark_name(area, task_field: str) -> str:
        return f"area_{area.pk}_{task_field}"

    @staticmethod
    def evidence_name(area) -> str:
        return f"area_{area.pk}_evidence"

    def rows(self):
        """(area, [bound mark fields], bound judgement field, bound evidence field) for the
        template."""
        return [
            (
                area,
                [self[self.mark_name(area, name)] for name in AreaMark.TASK_FIELDS],
                self[self.judgement_name(area)] if self.asks_judgement else None,
                self[self.evidence_name(area)],
            )
            for area in self.areas
        ]

    def entries(self) -> dict:
        return {
            area.pk: MarkEntry(
                *(self.cleaned_data[self.mark_name(area, name)] for name in AreaMark.TASK_FIELDS),
                evidence_note=self.cleaned_data[self.evidence_name(area)],
                global_judgement=self.cleaned_data.get(self.judgement_name(area)),
            )
            for area in self.areas
        }

    def draft_entries(self) -> dict:
        """The areas where anything was entered (a draft keeps only those)."""
        return {
            area_id: entry
            for area_id, entry in self.entries().items()
            if entry.evidence_note.strip()
            or entry.global_judgement is not None
            or any(mark is not None for mark in entry.task_marks())
        }


class ModerationForm(forms.Form):
    """For each task of each area the two markers disagree on: the first marker's mark, the
    second's or another, and the reason. Where they agree there is nothing to decide (the
    page shows those marks as agreed). Rendered by hand in the template, one fieldset per
    decision."""

    def __init__(self, *args, comparisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # for the error summary; the fields are laid out by hand
        self.disagreements = [(a.area, t) for a in comparisons for t in a.disagreements]
        for area, task in self.disagreements:
            where = f"{task.label.lower()} in area {area.number}"
            self.fields[self.name(area, task)] = forms.ChoiceField(
                label=f"Area {area.number}, {task.label.lower()}: which mark stands?",
                choices=[
                    (DecisionChoice.FIRST, f"The first marker's mark ({task.first})"),
                    (DecisionChoice.SECOND, f"The second marker's mark ({task.second})"),
                    (DecisionChoice.OTHER, "Another mark"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose the mark for {where}",
                    "invalid_choice": f"Choose the mark for {where}",
                },
            )
            message = f"Choose a mark from 1 to 4 for {where}"
            self.fields[self.mark_name(area, task)] = forms.TypedChoiceField(
                label="Your mark",
                choices=MARK_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": message},
            )
            self.fields[self.reason_name(area, task)] = forms.CharField(
                label=f"Reason for the mark for {where}",
                max_length=DECISION_REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "required": f"Enter the reason for the mark for {where}",
                    "max_length": f"The reason for {where} must be {DECISION_REASON_MAX} "
                    "characters or fewer",
                },
            )

    @staticmethod
    def name(area, task) -> str:
        return f"area_{area.pk}_{task.task}_decision"

    @classmethod
    def mark_name(cls, area, task) -> str:
        return f"{cls.name(area, task)}_mark"

    @classmethod
    def reason_name(cls, area, task) -> str:
        return f"{cls.name(area, task)}_reason"

    def clean(self):
        cleaned = super().clean()
        for area, task in self.disagreements:
            chose_other = cleaned.get(self.name(area, task)) == DecisionChoice.OTHER
            mark_name = self.mark_name(area, task)
            if chose_other and cleaned.get(mark_name) is None and mark_name not in self.errors:
                self.add_error(
                    mark_name,
                    f"Choose a mark from 1 to 4 for {task.label.lower()} in area {area.number}",
                )
        return cleaned

    def rows(self):
        """(area, task comparison, choice field, mark field, reason field) for the template."""
        return [
            (
                area,
                task,
                self[self.name(area, task)],
                self[self.mark_name(area, task)],
                self[self.reason_name(area, task)],
            )
            for area, task in self.disagreements
        ]

    def decisions(self) -> dict:
        return {
            (area.pk, task.task): ModerationDecision(
                choice=self.cleaned_data[self.name(area, task)],
                reason=self.cleaned_data[self.reason_name(area, task)],
                mark=self.cleaned_data.get(self.mark_name(area, task))
                if self.cleaned_data[self.name(area, task)] == DecisionChoice.OTHER
                else None,
            )
            for area, task in self.disagreements
        }


class MarkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class AllocationForm(forms.Form):
    assessor = MarkerChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose who to allocate",
            "invalid_choice": "That person can no longer be allocated; choose someone else",
        },
    )

    def __init__(self, *args, people, role_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = people
        self.fields["assessor"].label = f"Who will be the {role_label.lower()}?"
        self.fields["assessor"].help_text = (
            "Only people with no conflict of interest (not the candidate, their supervisor, or "
            "anyone linked to their local authority) and no other part in this attempt are listed."
        )
        self.helper = form_helper(
            Field.radios("assessor", legend_size=Size.MEDIUM), submit="Allocate"
        )
