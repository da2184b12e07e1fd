"""Forms for the item bank: questions, scenarios and test forms."""

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.utils.text import Truncator

from naas.models import KSSArea, Level

from ..blueprint import BLUEPRINTS
from ..models import OPTION_LETTERS, ItemFormat, MultiSelectScoring, Scenario
from ..selectors.question_picker import (
    QuestionGroup,
    applied_question_groups,
    general_question_groups,
    scenarios_for_level,
)
from .common import form_helper


class ScenarioForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        help_text="A short unique reference, like SC-P-01",
        error_messages={"required": "Enter a code"},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    level = forms.ChoiceField(
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level"},
    )
    text = forms.CharField(
        label="Scenario text",
        help_text="The case study candidates read before the applied questions.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the scenario text"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("code", field_width=10),
            Field.text("title"),
            Field.radios("level"),
            Field.textarea("text", rows=8, max_characters=5000),
            submit="Add scenario",
        )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.get_level_display()} – {obj.number}. {obj.title}"


class ItemForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        help_text="A short unique reference, like P-GEN-001",
        error_messages={"required": "Enter a code"},
    )
    area = AreaChoiceField(
        label="KSS area",
        queryset=KSSArea.objects.filter(framework__is_current=True).select_related("framework"),
        empty_label="Choose a KSS area",
        error_messages={"required": "Choose the KSS area the question is tagged to"},
    )
    scenario = forms.ModelChoiceField(
        label="Scenario (applied questions only)",
        queryset=Scenario.objects.all(),
        required=False,
        empty_label="None – a general question",
    )
    format = forms.ChoiceField(
        choices=ItemFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the question format"},
    )
    stem = forms.CharField(
        label="Question",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter the question"},
    )
    correct = forms.MultipleChoiceField(
        label="Correct options",
        choices=[(letter, letter) for letter in OPTION_LETTERS],
        widget=forms.CheckboxSelectMultiple,
        help_text="One for a “choose 1 of 4” question; three for a “choose 3 of 8” question.",
        error_messages={"required": "Choose the correct options"},
    )

    def __init__(self, *args, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in OPTION_LETTERS:
            self.fields[f"option_{letter.lower()}"] = forms.CharField(
                label=f"Option {letter}" + (" (choose 3 of 8 only)" if letter > "D" else ""),
                max_length=500,
                required=False,
            )
        if revising:
            del self.fields["code"]
        fields = [] if revising else [Field.text("code", field_width=10)]
        fields += [
            Field.select("area"),
            Field.select("scenario"),
            Field.radios("format"),
            Field.textarea("stem", rows=4),
            Fieldset(
                *(Field.text(f"option_{letter.lower()}") for letter in OPTION_LETTERS),
                legend="Options",
                legend_size=Size.SMALL,
            ),
            Field.checkboxes("correct", small=True, inline=True),
        ]
        self.helper = form_helper(
            *fields, submit="Save new version" if revising else "Add question"
        )

    def option_texts(self) -> list[str]:
        texts = [self.cleaned_data.get(f"option_{letter.lower()}", "") for letter in OPTION_LETTERS]
        count = 8 if self.cleaned_data.get("format") == ItemFormat.THREE_OF_EIGHT else 4
        return texts[:count]


class TestFormLevelForm(forms.Form):
    """The first question when making a test form: the level decides which scenarios and
    questions the form offers."""

    level = forms.ChoiceField(
        choices=Level.choices,
        widget=forms.RadioSelect,
        label="Which level is the test form for?",
        error_messages={
            "required": "Choose the level",
            "invalid_choice": "Choose the level from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("level", legend_size=Size.MEDIUM), submit="Continue")
        self.helper.form_method = "get"


def _question_choices(group: QuestionGroup) -> list[tuple[str, str]]:
    return [(item.code, f"{item.code}: {Truncator(item.stem).chars(90)}") for item in group.items]


class TestFormForm(forms.Form):
    """The questions are picked from the level's active questions: general ones grouped by KSS
    area, applied ones by scenario (a checkbox list per group)."""

    __test__ = False

    code = forms.CharField(
        max_length=20, help_text="Like P-2026-A", error_messages={"required": "Enter a code"}
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        empty_label="Choose a scenario",
        label="Scenario for the applied questions",
        error_messages={"required": "Choose the scenario"},
    )
    three_of_eight_scoring = forms.ChoiceField(
        label="How should “choose 3 of 8” questions be scored?",
        choices=MultiSelectScoring.choices,
        initial=MultiSelectScoring.EXACT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        blueprint = BLUEPRINTS[level]
        self.fields["scenario"].queryset = scenarios_for_level(level)
        self.general_fields = self._add_groups("general", general_question_groups(level))
        self.applied_fields = self._add_groups("applied", applied_question_groups(level))
        self.helper = form_helper(
            Field.text("code", field_width=10),
            Field.text("title"),
            Field.select("scenario"),
            HTML(
                '<h2 class="govuk-heading-m">General questions</h2><p class="govuk-body">'
                f"Choose {blueprint.general_count}, covering every KSS area.</p>"
            ),
            *(
                Field.checkboxes(name, small=True, legend_size=Size.SMALL)
                for name in self.general_fields
            ),
            HTML(
                '<h2 class="govuk-heading-m">Applied questions</h2><p class="govuk-body">'
                f"Choose {blueprint.applied_count}, all set in the scenario you chose.</p>"
            ),
            *(
                Field.checkboxes(name, small=True, legend_size=Size.SMALL)
                for name in self.applied_fields
            ),
            Field.radios("three_of_eight_scoring"),
            submit="Check and save form",
        )

    def _add_groups(self, kind: str, groups: list[QuestionGroup]) -> list[str]:
        names = []
        for group in groups:
            name = f"{kind}_{group.key}"
            self.fields[name] = forms.MultipleChoiceField(
                label=group.heading,
                choices=_question_choices(group),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            names.append(name)
        return names

    def _chosen(self, names: list[str]) -> list[str]:
        return [code for name in names for code in self.cleaned_data.get(name, [])]

    def general(self) -> list[str]:
        return self._chosen(self.general_fields)

    def applied(self) -> list[str]:
        return self._chosen(self.applied_fields)
