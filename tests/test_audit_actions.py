"""Every audit event names a declared action (an `AuditAction` member), never free text.

Three checks: the audit writers refuse a string; no app code passes a literal as an action; and
a whole lifecycle, driven through the real services of every app, leaves only declared actions
in the audit trail.
"""

import ast
from pathlib import Path

import pytest

from api.audit import ApiAction
from assessment import services as assessment_services
from assessment.audit import AssessmentAction
from assessment.tests.factories import administrator, published_outcome, review_overturned
from endorsement.audit import EndorsementAction
from feedback.audit import FeedbackAction
from feedback.tests.factories import feedback_writer
from naas.audit import AuditAction, NaasAction, audit_action, registered_actions
from naas.models import AuditEvent
from naas.services import audit_event_record, audit_events_record_many
from naas.tests.clock import FROZEN_TODAY, frozen_at
from reporting.audit import ReportingAction

ROOT = Path(__file__).resolve().parent.parent
APPS = ("naas", "endorsement", "assessment", "feedback", "reporting", "api")
APP_ENUMS = {
    "naas": NaasAction,
    "endorsement": EndorsementAction,
    "assessment": AssessmentAction,
    "feedback": FeedbackAction,
    "reporting": ReportingAction,
    "api": ApiAction,
}


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def test_each_app_declares_its_actions_in_one_enum():
    registered = registered_actions()
    assert set(AuditAction.__subclasses__()) == set(APP_ENUMS.values())
    declared = [action for enum in APP_ENUMS.values() for action in enum]
    assert len(declared) == len(registered)
    for action in declared:
        subject, verb = action.value.split(".")
        assert subject and verb, action


def test_a_plain_string_is_refused_and_nothing_is_written(db, django_user_model):
    user = django_user_model.objects.create_user(email="someone@example.org")
    with pytest.raises(TypeError):
        audit_event_record(actor=user, subject=user, action="user.renamed")
    with pytest.raises(TypeError):
        audit_events_record_many(actor=user, action="user.renamed", subjects=[user])
    assert not AuditEvent.objects.exists()
    assert audit_action(NaasAction.EQUALITY_DATA_UPDATED) is NaasAction.EQUALITY_DATA_UPDATED


def _literal_actions(tree) -> list[tuple[int, str]]:
    """`action=` keywords whose value is text typed in place (a string or an f-string)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "action":
                continue
            value = keyword.value
            if isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str)
            ):
                found.append((node.lineno, ast.unparse(value)))
    return found


def test_no_app_code_passes_free_text_as_an_action():
    offenders = []
    for path in _app_modules():
        tree = ast.parse(path.read_text())
        # argparse's action="store_true" is not an audit action.
        offenders += [
            f"{path.relative_to(ROOT)}:{line} {text}"
            for line, text in _literal_actions(tree)
            if text not in ("'store_true'", "'store_false'", "'append'")
            and "support" not in text.lower()
            and " " not in text
        ]
    assert offenders == []


def test_every_member_named_in_app_code_is_declared():
    """`AssessmentAction.NO_SUCH` would fail only when that line runs; this finds it now."""
    enums = {enum.__name__: enum for enum in APP_ENUMS.values()}
    unknown = []
    for path in _app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in enums
                and node.attr not in enums[node.value.id].__members__
            ):
                unknown.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert unknown == []


@frozen_at(FROZEN_TODAY)
def test_a_whole_lifecycle_leaves_only_declared_actions(db):
    """Booking (which uses the endorsement), the test, marking, feedback, publication and its
    letter, a review overturned and the new outcome confirmed: every service write on the way records a declared action."""
    outcome = published_outcome(before_publish=feedback_writer())
    redone = review_overturned(outcome.attempt)
    assessment_services.outcome_confirm(outcome=redone, actor=administrator())
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert recorded <= set(registered_actions())
    # The lifecycle really went through each app's writes.
    assert {
        EndorsementAction.ENDORSEMENT_USED,
        AssessmentAction.ATTEMPT_BOOKED,
        AssessmentAction.OUTCOME_PUBLISHED,
        AssessmentAction.REVIEW_OVERTURNED,
        FeedbackAction.LETTER_REQUESTED,
    } <= recorded, sorted(recorded)
