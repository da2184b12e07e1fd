"""Every URL pattern of the project × every role, with someone else's ids.

The URLs come from the resolver itself (get_resolver().url_patterns, walked recursively), so a
page added tomorrow is in the matrix tomorrow. Every URL kwarg is filled with the id of an
object that belongs to SOMEONE ELSE: another LA's worker and their endorsements, attempts,
outcome, letter, certificate, review, support plan and LA report; for the social worker and
the supervisor also a colleague in their own LA supervised by another supervisor; for
assessors, attempts that are not allocated to them. Then, for GET and for POST:

- no response is a 500;
- a URL carrying a foreign id answers 302 to sign-in, 403, 404 or 405, unless it is public
  (PUBLIC) or the object is within the role's own remit (REMIT, each with its reason);
- no page shows a foreign person's name, outcome reference or feedback text (unless the page is
  in the role's REMIT with may_show);
- no request changes the database: the row counts of the main tables, the workflow states and
  the number of audit events are the same before and after (unless in REMIT with may_change).

The world is built once for the module; each role's test runs in its own savepoint, so one
role's requests never change what the next role sees."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.models import (
    AdjustmentKind,
    AdjustmentRequest,
    Allocation,
    AngoffExercise,
    AngoffJudge,
    AngoffRating,
    AreaMark,
    Attempt,
    BorderlineAnalysis,
    CalibrationCase,
    CalibrationMarking,
    CalibrationOverride,
    CalibrationSet,
    ImportJob,
    Item,
    ItemWithdrawal,
    MarkerRole,
    Outcome,
    OutcomeRuleSet,
    ReviewRequest,
    Sitting,
    TechnicalReport,
    TestForm,
    TestResult,
)
from assessment.services import AdjustmentAsk
from assessment.tests.factories import (
    PARTIAL_MARKS,
    SittingFactory,
    book,
    endorsed,
    first_mark,
    independent_assessor,
    make_test_form,
    publish,
    sat_attempt,
)
from endorsement.models import Endorsement, EndorsementState, ServiceUserFeedback
from endorsement.tests.factories import eligible_worker, ready_endorsement
from feedback import services as feedback_services
from feedback.models import (
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportPlan,
)
from naas.models import (
    AuditEvent,
    DocumentState,
    KSSFramework,
    LocalAuthority,
    Role,
    SocialWorker,
    StaffRole,
    User,
)
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    ensure_kss_frameworks,
    staff_user,
)
from reporting.dashboard_tables import TABLE_KEYS
from reporting.models import LAReport
from tests.psychometric_world import TECHNICAL_REPORT_FILE, psychometric_world
from tests.worlds import ROLES, one_user_per_role

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday

# --- What the matrix leaves out, and why -------------------------------------------------------
#
# Django admin's own pages (its index, login, model changelists, change forms and so on): the
# back office is for superusers only and is Django's code; tests/test_access_matrix_core.py
# checks that every other role is sent to its sign-in and that a superuser gets in. The project
# serves no static or media URLs (WhiteNoise serves /assets/ as middleware; media files only go
# through permission-checked views), so nothing else is skipped.


def admin_internals() -> set[str]:
    """The admin site's own URL names (its index, sign-in, every registered model's pages,
    and its unnamed patterns), read from the site itself: what the matrix skips must be
    exactly these, so a page of ours under another prefix can never be skipped by mistake."""
    return {p.name for p in all_patterns(admin.site.get_urls(), "admin/", "admin")}


# --- Pages anyone may open, whatever the ids ----------------------------------------------------

PUBLIC = {
    "login": "the sign-in page",
    "logout": "signing out (POST only)",
    "accessibility": "the accessibility statement",
    "password_reset": "asking for a password link",
    "password_reset_done": "the link-sent page",
    "password_reset_confirm": "a set-password link: with another person's id and a token that "
    "is not theirs it only says the link is not valid",
    "password_reset_complete": "the password-set page",
    "feedback:check_accreditation": "the public accreditation check (valid or not found only)",
    # Issue 16: each part adds its public URLs under its own marker.
    # [ops] public
    "healthcheck": "the dependencies' health for operators: each check's name and whether it "
    "works, never an address or an error's text",
    "healthcheck_live": "the load balancer's liveness check: answers ok, touches nothing",
    # [notify] public
    "notify:callback": "GOV.UK Notify's delivery-status callback: POST only, refused (401) "
    "without the callback bearer token, and it only changes an email's status",
    # [oidc] public
    "sso:start_staff": "off to DfE Sign-in (404 unless configured); keeps only a state in the "
    "session",
    "sso:start_worker": "off to GOV.UK One Login (404 unless configured)",
    "sso:callback_staff": "back from DfE Sign-in: without this session's state it only says "
    "the sign-in expired",
    "sso:callback_worker": "back from GOV.UK One Login: as for DfE Sign-in",
    "sso:registration_number": "a worker's first GOV.UK One Login sign-in: without a verified "
    "account waiting in this session it only says the sign-in expired",
    # [api] public
    "api:schema": "the partner API's OpenAPI schema: it names no one",
    "api:docs": "the partner API's documentation page: it names no one",
    **{
        name: "partner API, token only: a session (any role here) gets 401 and nothing changes; "
        "every scope and LA against every API URL is api/tests/test_api_access_matrix.py"
        for name in ("api:sitting_results", "api:check", "api:staff", "api:dashboard")
    },
    # [credential] public
    "credentials:check_credential": "the public credential check (valid, revoked, expired or "
    "not valid, for a credential the visitor already holds)",
    "credentials:status_list": "the signed revocation status list (bits only, no people)",
    "credentials:jwks": "the public key that verifies credentials",
    "credentials:did_document": "the issuer's did:web document (the same public key)",
}


@dataclass(frozen=True)
class Remit:
    """A URL a role may open with these ids because the object is within its remit."""

    reason: str
    may_show: bool = False  # it may show the people in it (their names, references)
    may_change: bool = False  # its POST may change the database


ADMIN_RUNS_ASSESSMENT = (
    "assessment administrators run assessment nationally: every sitting, booking, adjustment, "
    "item, test form, rule set, attempt, allocation and outcome is theirs to manage"
)
ADMIN_RUNS_PSYCHOMETRICS = (
    "assessment administrators run the psychometrics nationally: withdrawing questions from "
    "test forms, technical reports, borderline regression, calibration sets and Angoff "
    "exercises are theirs (policies.can_withdraw_items, can_use_technical_reports, "
    "can_run_borderline_analysis, can_manage_calibration, can_run_standard_setting)"
)
# The administrator's psychometric pages whose bare POST acts (a confirm or check-your-answers
# page, or a retry): what it does.
PSYCHOMETRIC_POSTS_THAT_ACT = {
    "assessment:item_withdraw_check": "the check page's POST withdraws the question",
    "assessment:technical_report_retry": "the POST asks again for a report that failed",
    "assessment:borderline_adopt_check": "the check page's POST adopts the cuts as new rules",
    "assessment:calibration_set_activate": "the POST activates the calibration set",
    "assessment:calibration_override_check": "the check page's POST grants the override",
    "assessment:angoff_close": "the POST closes the round open now",
    "assessment:angoff_adopt_check": "the check page's POST adopts the cut as new rules",
}
# The administrator's psychometric pages that name people: a calibration set's cases (their
# candidates), assessors' calibration standings and who may be given an override, and an
# exercise's judges (and who may be invited).
PSYCHOMETRIC_PAGES_WITH_PEOPLE = {
    "assessment:calibration_set_detail",
    "assessment:calibration_standings",
    "assessment:calibration_override",
    "assessment:angoff_detail",
    "assessment:angoff_close",
}
DFE_READS_TECHNICAL_REPORTS = (
    "DfE staff ask for, follow and download technical reports, which hold aggregates and "
    "pseudonymous assessor codes only (policies.can_use_technical_reports; the pages are still "
    "checked for foreign names)"
)
MARKS_CALIBRATION_CASES = Remit(
    "every assessor and moderator marks, blind and for themselves, each case of the active "
    "calibration set whose attempt they did not mark live (policies.can_mark_calibration, "
    "selectors.calibration_cases_for): the page shows no candidate (still checked for foreign "
    "names)"
)
REMIT = {
    "administrator": {
        **{
            name: Remit(ADMIN_RUNS_ASSESSMENT, may_show=True)
            for name in (
                "assessment:attempt_detail",
                "assessment:booked",
                "assessment:attempt_rebook",
                "assessment:attempt_marks",
                "assessment:attempt_allocate",
                "assessment:attempt_test_result",
                "assessment:outcome_detail",
                "assessment:sitting_detail",
                "assessment:results_upload",
                "assessment:results_import_job",
                "assessment:results_correction_apply",
                "assessment:adjustment_decide",
                "assessment:adjustment_check",
                "assessment:adjustment_decided",
                "assessment:adjustment_queue",
                "assessment:adjustment_decisions",
                "assessment:allocation_queue",
                "assessment:outcome_list",
                "assessment:published_outcome_list",
                "assessment:outcomes_publish",
                "assessment:item_detail",
                "assessment:item_revise",
                "assessment:rule_set_create",
            )
        },
        "assessment:attempt_cancel": Remit(
            ADMIN_RUNS_ASSESSMENT + "; the page's one button cancels the booking (a reason is "
            "optional)",
            may_show=True,
            may_change=True,
        ),
        "assessment:results_import_retry": Remit(
            ADMIN_RUNS_ASSESSMENT + "; the POST tries a failed results import again",
            may_show=True,
            may_change=True,
        ),
        "assessment:outcome_confirm": Remit(
            ADMIN_RUNS_ASSESSMENT + "; the check page's POST confirms the outcome",
            may_show=True,
            may_change=True,
        ),
        **{
            name: Remit(
                ADMIN_RUNS_ASSESSMENT + "; the check page's POST corrects the candidate's answer",
                may_show=True,
                may_change=name == "assessment:result_correct_check",
            )
            for name in (
                "assessment:result_correct",
                "assessment:result_correct_check",
                "assessment:result_correct_done",
            )
        },
        "assessment:test_form_detail": Remit(
            ADMIN_RUNS_ASSESSMENT + "; the POST takes the test form out of use", may_change=True
        ),
        "assessment:item_set_active": Remit(
            ADMIN_RUNS_ASSESSMENT + "; the POST takes the question out of use", may_change=True
        ),
        **{
            name: Remit(ADMIN_RUNS_PSYCHOMETRICS, may_show=name in PSYCHOMETRIC_PAGES_WITH_PEOPLE)
            for name in (
                "assessment:item_withdraw",
                "assessment:item_withdrawn",
                "assessment:technical_report",
                "assessment:technical_report_download",
                "assessment:borderline_detail",
                "assessment:borderline_adopt",
                "assessment:borderline_adopted",
                "assessment:calibration_set_detail",
                "assessment:calibration_case_agreed",
                "assessment:calibration_standings",
                "assessment:calibration_override",
                "assessment:angoff_detail",
                "assessment:angoff_adopt",
                "assessment:angoff_adopt_done",
            )
        },
        **{
            name: Remit(
                ADMIN_RUNS_PSYCHOMETRICS + "; " + does,
                may_show=name in PSYCHOMETRIC_PAGES_WITH_PEOPLE,
                may_change=True,
            )
            for name, does in PSYCHOMETRIC_POSTS_THAT_ACT.items()
        },
        "feedback:letters": Remit(
            "administrators see the letters and certificates that are waiting or failed",
            may_show=True,
        ),
        "feedback:letter_retry": Remit(
            "administrators re-queue letters that failed (POST only)", may_change=True
        ),
        "feedback:certificate_retry": Remit(
            "administrators re-queue certificates that failed (POST only)", may_change=True
        ),
    },
    "moderator": {
        "assessment:calibration_case_mark": MARKS_CALIBRATION_CASES,
        "assessment:outcome_list": Remit(
            "moderators confirm the outcomes of any candidate they have no conflict of "
            "interest in (assessment.policies.can_confirm_outcome)",
            may_show=True,
        ),
        "assessment:outcome_detail": Remit(
            "as for the outcome list: a moderator may read an outcome they could confirm",
            may_show=True,
        ),
        "assessment:outcome_confirm": Remit(
            "as for the outcome list; the check page's POST confirms the outcome",
            may_show=True,
            may_change=True,
        ),
    },
    "dfe": {
        "reporting:dashboard_csv": Remit(
            "the national dashboards' tables: aggregates, never names (the page is still "
            "checked for foreign names)"
        ),
        **{
            name: Remit(DFE_READS_TECHNICAL_REPORTS)
            for name in ("assessment:technical_report", "assessment:technical_report_download")
        },
        "assessment:technical_report_retry": Remit(
            DFE_READS_TECHNICAL_REPORTS + "; the POST asks again for a report that failed",
            may_change=True,
        ),
    },
    "assessor": {"assessment:calibration_case_mark": MARKS_CALIBRATION_CASES},
}

REFUSED = {403, 404, 405}


# --- The world: each role's own people, and other people's things ------------------------------

# A cycle, so a second module that builds this world (tests/test_form_errors.py) on the same
# worker still gets names, each build consecutive and so distinct within itself.
NAMES = itertools.cycle(
    [
        "Quilla Zanzibar",
        "Ottoline Vexley",
        "Peregrine Umbridge",
        "Isolde Wraxall",
        "Thaddeus Quorn",
        "Marigold Yelverton",
        "Cassius Blenkinsop",
        "Philippa Gorringe",
        "Barnaby Featherstonehaugh",
        "Leocadia Ormsby",
        "Fitzroy Scattergood",
        "Perpetua Vavasour",
        "Evander Pilkington",
        "Rosamund Quaile",
        "Lysander Mottram",
        "Clementine Haverstock",
        "Ignatius Wetherby",
        "Araminta Cholmondeley",
        "Octavian Trelawney",
        "Winifred Sallowes",
    ]
)


@dataclass
class Foreign:
    """Other people's objects, by the key the URL kwargs are filled from, and what of them
    must never be shown."""

    label: str
    ids: dict
    markers: list
    owners: list = ()  # people whose objects these are (and their administrator)


def _foreign_worker(local_authority, supervisor) -> SocialWorker:
    return SocialWorkerFactory(
        local_authority=local_authority, supervisor=supervisor, user__full_name=next(NAMES)
    )


def _published(worker, admin, *, partial: bool, lead) -> Attempt:
    """A worker's attempt with a published outcome (and its letter); partly met ones get
    feedback for every area and a support action from their LA lead."""
    attempt = sat_attempt(worker, admin=admin)
    first_mark(attempt, admin=admin, per_area=PARTIAL_MARKS if partial else None)
    attempt = Attempt.objects.get(pk=attempt.pk)
    for area in attempt.areas.all():
        AreaFeedback.objects.create(
            attempt=attempt,
            area=area,
            feedback=f"SECRET FEEDBACK for {worker.user.full_name}",
            written_by=admin,
        )
    outcome = publish(attempt, admin=admin)
    if partial:
        area = attempt.areas.get(number=9)
        feedback_services.support_action_add(
            worker=worker,
            actor=lead,
            area=area,
            action="Shadow a senior colleague",
            owner="Team manager",
            due_on=TODAY.date() + timedelta(days=60),
        )
    letter = Letter.objects.get(outcome=outcome)
    Letter.objects.filter(pk=letter.pk).update(
        state=DocumentState.READY, file="documents/letter.pdf"
    )
    return Attempt.objects.get(pk=attempt.pk)


def _endorsements(la, supervisor) -> tuple[Endorsement, Endorsement, Endorsement]:
    """Three of the supervisor's workers' endorsements: one to sign off, one to confirm, one
    ready to book."""
    draft_endorsement = ready_endorsement(
        worker=eligible_worker(
            local_authority=la, supervisor=supervisor, user__full_name=next(NAMES)
        )
    )
    signed_off = ready_endorsement(
        EndorsementState.SIGNED_OFF,
        worker=eligible_worker(
            local_authority=la, supervisor=supervisor, user__full_name=next(NAMES)
        ),
    )
    return draft_endorsement, signed_off, endorsed(_foreign_worker(la, supervisor))


def _workers_ids(draft_endorsement, signed_off, to_book, partial) -> dict:
    """The ids both foreign sets fill from their workers: the endorsements at each stage, and
    a worker with a published, partly met outcome (its feedback, support action and letter)."""
    return {
        "supervisee": draft_endorsement.worker_id,
        "results_worker": partial.worker_id,
        "service_user_feedback": ServiceUserFeedback.objects.filter(worker=draft_endorsement.worker)
        .first()
        .pk,
        "draft_endorsement": draft_endorsement.pk,
        "signed_off_endorsement": signed_off.pk,
        "endorsed_endorsement": to_book.pk,
        "published_attempt": partial.pk,
        "published_outcome": Outcome.objects.get(attempt=partial).pk,
        "support_action": SupportAction.objects.get(plan__worker=partial.worker).pk,
        "letter": Letter.objects.get(outcome__attempt=partial).pk,
        "user_uid": urlsafe_base64_encode(force_bytes(partial.worker.user_id)),
    }


def _other_la(admin) -> Foreign:
    """Everything another LA's workers have, at the stage each page acts on."""
    la = LocalAuthorityFactory(name="Farshire")
    lead = staff_user(Role.LA_LEAD, la, full_name="Lead Of Farshire")
    supervisor = staff_user(Role.SUPERVISOR, la, full_name="Supervisor Of Farshire")
    # a published, partly met outcome under review by a reviewer who is not our assessor
    reviewed = _published(_foreign_worker(la, supervisor), admin, partial=True, lead=lead)
    review = assessment_services.review_request(
        attempt=reviewed, grounds="SECRET GROUNDS", actor=reviewed.worker.user
    )
    assessment_services.allocation_create(
        attempt=Attempt.objects.get(pk=reviewed.pk),
        assessor=independent_assessor(full_name="Reviewer Elsewhere"),
        role=MarkerRole.REVIEWER,
        actor=admin,
    )
    # a second worker with a published outcome, for fast-track and review requests
    partial = _published(_foreign_worker(la, supervisor), admin, partial=True, lead=lead)
    # a met outcome: an accreditation and its certificate
    met = _published(_foreign_worker(la, supervisor), admin, partial=False, lead=lead)
    certificate = Certificate.objects.get(accreditation__outcome__attempt=met)
    Certificate.objects.filter(pk=certificate.pk).update(
        state=DocumentState.READY, file="documents/certificate.pdf"
    )
    # an attempt being marked by someone else, with its knowledge-test result
    marking = sat_attempt(_foreign_worker(la, supervisor), admin=admin)
    assessment_services.allocation_create(
        attempt=marking,
        assessor=independent_assessor(full_name="Marker Elsewhere"),
        role=MarkerRole.FIRST,
        actor=admin,
    )
    # an outcome waiting to be confirmed
    draft_attempt = sat_attempt(_foreign_worker(la, supervisor), admin=admin)
    first_mark(draft_attempt, admin=admin)
    draft = assessment_selectors.current_outcome(Attempt.objects.get(pk=draft_attempt.pk))
    # a booking with an adjustment waiting for its decision
    booked = book(
        endorsed(_foreign_worker(la, supervisor)),
        SittingFactory(),
        adjustments=[AdjustmentAsk(AdjustmentKind.EXTRA_TIME, "")],
    )
    # endorsements: one to sign off, one to confirm, one ready to book
    draft_endorsement, signed_off, to_book = _endorsements(la, supervisor)
    report = LAReport.objects.create(
        local_authority=la,
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
        requested_by=lead,
        state=DocumentState.READY,
        file="reports/report.pdf",
        csv_file="reports/report.csv",
    )
    people = SocialWorker.objects.filter(local_authority=la).select_related("user")
    owners = [
        admin,
        lead,
        supervisor,
        *User.objects.filter(allocations__attempt__worker__local_authority=la).distinct(),
        *(p.user for p in people),
    ]
    return Foreign(
        label="another LA's",
        owners=owners,
        ids={
            **_workers_ids(draft_endorsement, signed_off, to_book, partial),
            "la": la.pk,
            "booked_attempt": booked.pk,
            "marking_attempt": marking.pk,
            "review": review.pk,
            "draft_outcome": draft.pk,
            "adjustment": booked.adjustments.get().pk,
            "sitting": booked.sitting_id,
            "import_job": _failed_import(booked.sitting, admin).pk,
            "certificate": certificate.pk,
            "la_report": report.pk,
        },
        markers=[p.user.full_name for p in people]
        + list(
            Outcome.objects.filter(attempt__worker__in=people).values_list("reference", flat=True)
        )
        + ["SECRET FEEDBACK", "SECRET GROUNDS"],
    )


def _failed_import(sitting, admin) -> ImportJob:
    """A results file for the sitting whose import failed: its page, retry and apply URLs have
    a live object (a failed job is offered again; applying is refused, it has no changes)."""
    return ImportJob.objects.create(
        sitting=sitting, uploaded_by=admin, file_sha256="0" * 64, state="failed"
    )


def _same_la(la, admin, lead) -> Foreign:
    """A colleague in the home LA whom another supervisor supervises: foreign to the social
    worker and to the supervisor (but not to the LA lead)."""
    other_supervisor = staff_user(Role.SUPERVISOR, la, full_name="Other Supervisor Here")
    draft_endorsement, signed_off, to_book = _endorsements(la, other_supervisor)
    partial = _published(_foreign_worker(la, other_supervisor), admin, partial=True, lead=lead)
    workers = [draft_endorsement.worker, signed_off.worker, to_book.worker, partial.worker]
    return Foreign(
        label="a colleague's (same LA, another supervisor)",
        ids={
            **_workers_ids(draft_endorsement, signed_off, to_book, partial),
            "booked_attempt": partial.pk,
            "marking_attempt": partial.pk,
        },
        markers=[w.user.full_name for w in workers]
        + [Outcome.objects.get(attempt=partial).reference, "SECRET FEEDBACK"],
    )


def _build_world() -> dict:
    home = LocalAuthorityFactory(name="Homeborough")
    users = one_user_per_role(
        home,
        full_names={
            "social_worker": "Worker Of Home",
            "supervisor": "Supervisor Of Home",
            "la_lead": "Lead Of Home",
            "assessor": "Assessor Linked Home",
            "moderator": "Moderator Linked Home",
            "dfe": "Dee Eff E",
            "superuser": "Back Office",
        },
    )
    admin_user, lead = users["administrator"], users["la_lead"]
    ready_endorsement(worker=users["social_worker"].social_worker)
    # the assessor's own work: an attempt from a third LA allocated to them
    own = sat_attempt(
        SocialWorkerFactory(local_authority=LocalAuthorityFactory(), user__full_name="Own Work"),
        admin=admin_user,
    )
    assessment_services.allocation_create(
        attempt=own, assessor=users["assessor"], role=MarkerRole.FIRST, actor=admin_user
    )
    other_la = _other_la(admin_user)
    same_la = _same_la(home, admin_user, lead)
    test_form = make_test_form(actor=admin_user)
    national = {
        "framework": KSSFramework.objects.filter(is_current=True).first().pk,
        "item": Item.objects.first().pk,
        "test_form": test_form.pk,
        "table": sorted(TABLE_KEYS)[0],
        "token": "not-this-persons-token",
    }
    # someone else's published attempt is the calibration case
    case_attempt = Attempt.objects.get(pk=other_la.ids["published_attempt"])
    psychometrics = psychometric_world(
        admin_user, test_form=test_form, case_attempt=case_attempt, today=TODAY.date()
    )
    national.update(psychometrics.ids)
    other_la.ids.update(national)
    other_la.owners = [*other_la.owners, *psychometrics.owners]
    for foreign in (other_la, same_la):
        foreign.markers = [*foreign.markers, *psychometrics.markers]
    same_la.ids = {**other_la.ids, **same_la.ids}
    return {"users": users, "other_la": other_la, "same_la": same_la}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction that is rolled back at the end."""
    with (
        time_machine.travel(TODAY, tick=False),
        override_settings(NAAS_SECOND_MARKING_SAMPLE_PERCENT=0),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        ensure_kss_frameworks()
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def technical_report_pdf(world, _media_root, settings):
    """The ready technical report's file, in this test's MEDIA_ROOT."""
    path = settings.MEDIA_ROOT / TECHNICAL_REPORT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 technical report")


# --- URLs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "unnamed:<route>" for a pattern with no name
    route: str
    kwargs: tuple[str, ...]
    defaults: dict


def all_patterns(patterns=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every URL pattern of the project, walked recursively through includes."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += all_patterns(entry.url_patterns, route, inner)
            continue
        assert isinstance(entry, URLPattern)
        if entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
        else:
            name = f"unnamed:{route.split('<')[0].split('(')[0]}"
        found.append(
            Pattern(name, route, tuple(entry.pattern.converters), dict(entry.default_args))
        )
    return found


def _is_admin_internal(pattern: Pattern) -> bool:
    return pattern.route.startswith("admin/")


# The foreign object each kwarg is filled with; a few pages act on one kind of thing in a
# particular state, so they say which.
KWARG_TARGET = {
    "la_id": "la",
    "worker_id": "supervisee",
    "feedback_id": "service_user_feedback",
    "endorsement_id": "endorsed_endorsement",
    "attempt_id": "marking_attempt",
    "review_id": "review",
    "outcome_id": "published_outcome",
    "framework_id": "framework",
    "sitting_id": "sitting",
    "adjustment_id": "adjustment",
    "item_id": "item",
    "form_id": "test_form",
    "action_id": "support_action",
    "letter_id": "letter",
    "certificate_id": "certificate",
    "withdrawal_id": "item_withdrawal",
    "analysis_id": "borderline_analysis",
    "set_id": "calibration_set",
    "case_id": "calibration_case",
    "marking_id": "calibration_marking",
    "exercise_id": "angoff_exercise",
    "table": "table",
    "token": "token",
    "uidb64": "user_uid",
}
TARGET_BY_PAGE = {
    ("endorsement:decision", "pk"): "signed_off_endorsement",
    ("endorsement:decision_check", "pk"): "signed_off_endorsement",
    ("endorsement:decision_done", "pk"): "signed_off_endorsement",
    ("endorsement:withdraw", "pk"): "endorsed_endorsement",
    ("endorsement:withdraw_check", "pk"): "endorsed_endorsement",
    ("endorsement:withdraw_done", "pk"): "endorsed_endorsement",
    ("feedback:worker_results", "worker_id"): "results_worker",
    ("feedback:support_action_new", "worker_id"): "results_worker",
    ("assessment:attempt_detail", "attempt_id"): "booked_attempt",
    ("assessment:booked", "attempt_id"): "booked_attempt",
    ("assessment:attempt_cancel", "attempt_id"): "booked_attempt",
    ("assessment:attempt_rebook", "attempt_id"): "booked_attempt",
    ("assessment:fast_track", "attempt_id"): "published_attempt",
    ("assessment:fast_track_check", "attempt_id"): "published_attempt",
    ("assessment:review_request", "attempt_id"): "published_attempt",
    ("assessment:review_check", "attempt_id"): "published_attempt",
    ("assessment:outcome_confirm", "outcome_id"): "draft_outcome",
    ("assessment:results_import_job", "pk"): "import_job",
    ("assessment:results_import_retry", "pk"): "import_job",
    ("assessment:results_correction_apply", "pk"): "import_job",
}


def _target(pattern: Pattern, kwarg: str) -> str | None:
    if (pattern.name, kwarg) in TARGET_BY_PAGE:
        return TARGET_BY_PAGE[(pattern.name, kwarg)]
    if kwarg == "pk":
        namespace = pattern.name.split(":")[0]
        return {
            "endorsement": "draft_endorsement",
            "reporting": "la_report",
            "assessment": "technical_report",
        }.get(namespace)
    return KWARG_TARGET.get(kwarg)


def _url(pattern: Pattern, foreign: Foreign) -> str:
    kwargs = {kwarg: foreign.ids[_target(pattern, kwarg)] for kwarg in pattern.kwargs}
    if pattern.name.startswith("unnamed:"):
        raise AssertionError(f"an unnamed pattern outside the admin: {pattern.route}")
    return reverse(pattern.name, kwargs=kwargs)


# --- What must not change ----------------------------------------------------------------------

COUNTED = [
    User,
    StaffRole,
    LocalAuthority,
    SocialWorker,
    Endorsement,
    ServiceUserFeedback,
    Sitting,
    Attempt,
    AdjustmentRequest,
    TestResult,
    Item,
    TestForm,
    OutcomeRuleSet,
    Allocation,
    AreaMark,
    Outcome,
    ReviewRequest,
    AreaFeedback,
    SupportPlan,
    SupportAction,
    Letter,
    Accreditation,
    Certificate,
    LAReport,
    ItemWithdrawal,
    TechnicalReport,
    BorderlineAnalysis,
    CalibrationSet,
    CalibrationCase,
    CalibrationMarking,
    CalibrationOverride,
    AngoffExercise,
    AngoffJudge,
    AngoffRating,
    AuditEvent,
]


# Workflow fields whose change would not alter a row count (each also writes an audit event,
# but a write that forgot its audit event is exactly what this must catch).
WATCHED = [
    (Endorsement, ["state"]),
    (Attempt, ["state"]),
    (AdjustmentRequest, ["decision"]),
    (Outcome, ["confirmed_at", "published_at"]),
    (ReviewRequest, ["state"]),
    (Item, ["is_active"]),
    (TestForm, ["is_active"]),
    (Letter, ["state", "attempts"]),
    (Certificate, ["state", "attempts"]),
    (LAReport, ["state", "attempts"]),
    (TechnicalReport, ["state", "attempts"]),
    (BorderlineAnalysis, ["adopted_rule_set"]),
    (CalibrationSet, ["active"]),
    (CalibrationCase, ["agreed_marks"]),
    (AngoffExercise, ["state"]),
    (AngoffRating, ["probability"]),
]


@cache
def _snapshot_sql() -> tuple[str, str]:
    """Two plain SQL queries (on SQLite and PostgreSQL alike): every counted table's row count,
    and every watched field of every row. Built once: the ORM is too slow to ask 35 times
    per request."""
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in COUNTED)
    rows = " UNION ALL ".join(
        f"SELECT '{model.__name__}.{name}', CAST({quote(model._meta.pk.column)} AS VARCHAR(20)), "
        f"CAST({quote(model._meta.get_field(name).column)} AS VARCHAR(64)) "
        f"FROM {quote(model._meta.db_table)}"
        for model, names in WATCHED
        for name in names
    )
    return f"SELECT {counts}", rows


def snapshot() -> dict:
    counts_sql, rows_sql = _snapshot_sql()
    with connection.cursor() as cursor:
        cursor.execute(counts_sql)
        counts = dict(zip((model.__name__ for model in COUNTED), cursor.fetchone(), strict=True))
        cursor.execute(rows_sql)
        watched = sorted((field, pk, value or "") for field, pk, value in cursor.fetchall())
    return {**counts, "workflow fields": watched}


# --- The matrix ----------------------------------------------------------------------------------


def _body(response) -> str:
    if getattr(response, "streaming", False):
        # The test client's wrapper closes the response once it is read, with Django's
        # close_old_connections disconnected: closing it again here would fire
        # request_finished and close the database connection inside the world's transaction.
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode(errors="replace")


def _foreign_sets(role: str, world) -> list[Foreign]:
    if role in ("social_worker", "supervisor"):
        return [world["other_la"], world["same_la"]]
    return [world["other_la"]]


def _markers(role: str, world) -> list[str]:
    sets = [world["other_la"]] if role == "la_lead" else [world["other_la"], world["same_la"]]
    return [marker for foreign in sets for marker in foreign.markers]


def _check(client, role, user, pattern, foreign, method, markers) -> list[str]:
    url = _url(pattern, foreign)
    remit = REMIT.get(role, {}).get(pattern.name)
    public = pattern.name in PUBLIC
    before = snapshot()
    response = getattr(client, method)(url)
    status = response.status_code
    body = _body(response)
    after = snapshot()
    if user is not None and pattern.name == "logout":
        client.force_login(user)
    # A request a role may make can leave a notice ("Outcome ... confirmed") for the next page:
    # drop it, so it is not taken for that page showing the outcome.
    client.cookies.pop("messages", None)
    where = f"{method.upper()} {url} ({pattern.name}, {foreign.label} ids)"
    problems = []
    if status >= 500:
        problems.append(f"{where}: {status}")
    if pattern.kwargs and remit is None and not public:
        to_sign_in = status == 302 and response["Location"].startswith(reverse("login"))
        if status not in REFUSED and not to_sign_in:
            target = response.get("Location", "")
            problems.append(f"{where}: answered {status} {target}".rstrip())
    if not (remit and remit.may_show):
        shown = [marker for marker in markers if marker in body]
        if shown:
            problems.append(f"{where}: showed {shown}")
    if after != before and not (remit and remit.may_change):
        changed = sorted(key for key in before if before[key] != after[key])
        fields = set(after["workflow fields"]) ^ set(before["workflow fields"])
        problems.append(f"{where}: changed {changed} {sorted(fields)}".rstrip(" []"))
    return problems


def test_the_matrix_covers_every_url_and_skips_only_the_admins_own_pages():
    patterns = all_patterns()
    skipped = {p.name for p in patterns if _is_admin_internal(p)}
    assert skipped == admin_internals()
    names = [p.name for p in patterns if not _is_admin_internal(p)]
    assert len(names) == len(set(names)), "two patterns share a name"
    missing = sorted(
        f"{p.name}: {kwarg}"
        for p in patterns
        if not _is_admin_internal(p)
        for kwarg in p.kwargs
        if _target(p, kwarg) is None
    )
    assert missing == [], "give these kwargs a foreign object (KWARG_TARGET / TARGET_BY_PAGE)"
    for role, pages in REMIT.items():
        assert role in ROLES
        assert set(pages) <= set(names), f"stale REMIT entries for {role}"
    assert set(PUBLIC) <= set(names), "stale PUBLIC entries"


@pytest.mark.usefixtures("technical_report_pdf")
@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_anyone_elses_objects(world, role):
    # given a user in this role (or no one), and every URL with other people's ids
    client = Client(raise_request_exception=False)
    user = world["users"][role]
    if user is not None:
        user = User.objects.get(pk=user.pk)
        client.force_login(user)
    markers = _markers(role, world)
    problems = []
    for pattern in all_patterns():
        if _is_admin_internal(pattern):
            continue
        sets = _foreign_sets(role, world)
        if not pattern.kwargs:
            sets = sets[:1]  # no ids to fill: once is enough
        for foreign in sets:
            for method in ("get", "post"):
                # when they GET or POST it
                problems += _check(client, role, user, pattern, foreign, method, markers)
    # then nothing was a 500, refused, hidden or unchanged where it should be
    assert problems == [], "\n".join(problems)


@pytest.mark.usefixtures("technical_report_pdf")
def test_every_foreign_id_is_a_live_object_its_owners_can_open(world):
    """So that a refusal above means "not yours", never "no such thing": for every URL with
    kwargs, someone whose object it is (its worker, their supervisor or LA lead, its marker or
    reviewer, the administrator) gets past the access checks with the same ids."""
    foreign = world["other_la"]
    waiting = [
        p for p in all_patterns() if p.kwargs and not _is_admin_internal(p) and p.name not in PUBLIC
    ]
    opened = {}
    for owner in [*foreign.owners, world["users"]["dfe"]]:
        client = Client(raise_request_exception=False)
        client.force_login(owner)
        for pattern in list(waiting):
            url = _url(pattern, foreign)
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url)
            if response.status_code not in (403, 404, 405):
                opened[pattern.name] = owner.full_name
                waiting.remove(pattern)
    # A staff import's token names a preview kept in the uploader's own session: no other
    # session can hold it, so with a made-up token even the LA's lead only hears it expired
    # (the foreign la_id in these URLs is still checked above).
    assert sorted(p.name for p in waiting) == ["naas:staff_import_check", "naas:staff_import_done"]
    assert opened  # and the rest were opened by someone
