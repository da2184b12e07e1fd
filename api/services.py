"""Every write of the partner API. None holds a business rule: each one turns a client's JSON
into what the pages' own service takes (the results file's rows, the staff list's rows), calls
that service as the client's acting user, and records an audit event naming the client.

A write sent with an Idempotency-Key keeps its answer under that key: the same request again
gets the same answer and changes nothing; another request under the same key is refused."""

import secrets
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from assessment import services as assessment_services
from assessment.models import Sitting
from assessment.results_csv import MAX_ROWS as MAX_RESULT_ROWS
from assessment.results_csv import ResultsRecord
from naas import dates
from naas import services as naas_services
from naas.models import LocalAuthority, User
from naas.services import audit_event_record
from naas.staff_csv import MAX_ROWS as MAX_STAFF_ROWS
from naas.staff_csv import ROW_NUMBER, check_staff_rows

from .audit import ApiAction
from .models import ApiClient, IdempotentRequest, Scope, token_digest

TOKEN_BYTES = 32
KEY_REUSED = (
    "This Idempotency-Key was already used for a different request: send a new key for a "
    "new request"
)

__all__ = [
    "MAX_RESULT_ROWS",
    "MAX_STAFF_ROWS",
    "Answer",
    "api_client_create",
    "sitting_results_push",
    "staff_rows_apply",
]


@dataclass
class Answer:
    """What the API says back: a status and a JSON body, and whether it was replayed."""

    status: int
    body: dict
    replayed: bool = False
    headers: dict = field(default_factory=dict)


class _Refused(Exception):
    """Raised inside a write's transaction so that nothing it did is kept."""

    def __init__(self, answer: Answer):
        self.answer = answer


def error_body(code: str, message: str, **extra) -> dict:
    return {"errors": [{"code": code, "message": message, **extra}]}


@transaction.atomic
def api_client_create(
    *,
    name: str,
    scopes: list[str],
    acting_user: User,
    local_authority: LocalAuthority | None = None,
    actor=None,
) -> tuple[ApiClient, str]:
    """A new client and its token. The token is returned once, here; only its digest is kept."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValueError(f"Unknown scopes: {', '.join(unknown)}")
    if {Scope.STAFF_READ, Scope.STAFF_WRITE} & set(scopes) and local_authority is None:
        raise ValueError("A client with a staff scope must belong to a local authority")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    client = ApiClient.objects.create(
        name=name,
        scopes=sorted(set(scopes)),
        token_sha256=token_digest(token),
        acting_user=acting_user,
        local_authority=local_authority,
    )
    audit_event_record(
        actor=actor,
        subject=client,
        action=ApiAction.CLIENT_CREATED,
        detail={
            "scopes": client.scopes,
            "acting_user": acting_user.pk,
            "local_authority": local_authority.pk if local_authority else None,
        },
    )
    return client, token


def _idempotent(*, client, key: str, endpoint: str, request_sha256: str, write) -> Answer:
    """Run `write()` (which returns an Answer or raises _Refused) once per key. A refusal keeps
    nothing, not even the key, so the corrected request may be sent under it."""
    if not key:
        return _run(write)
    try:
        with transaction.atomic():
            previous = _previous(client, key, endpoint, request_sha256)
            if previous is not None:
                return previous
            # Claimed first: a second request with this key waits here until the first ends.
            kept = IdempotentRequest.objects.create(
                client=client,
                key=key,
                endpoint=endpoint,
                request_sha256=request_sha256,
                status_code=0,
                response_body={},
            )
            answer = write()
            kept.status_code, kept.response_body = answer.status, answer.body
            kept.save(update_fields=["status_code", "response_body"])
            return answer
    except _Refused as refused:
        return refused.answer
    except IntegrityError:
        # The same key was claimed by a request that finished first: its answer is this one's.
        previous = _previous(client, key, endpoint, request_sha256)
        if previous is None:
            return Answer(409, error_body("conflict", "Try the request again"))
        return previous


def _run(write) -> Answer:
    try:
        with transaction.atomic():
            return write()
    except _Refused as refused:
        return refused.answer


def _previous(client, key, endpoint, request_sha256) -> Answer | None:
    kept = IdempotentRequest.objects.filter(client=client, key=key).first()
    if kept is None:
        return None
    if kept.endpoint != endpoint or kept.request_sha256 != request_sha256:
        return Answer(422, error_body("idempotency_key_reused", KEY_REUSED))
    return Answer(kept.status_code, kept.response_body, replayed=True)


def sitting_results_push(
    *, client: ApiClient, sitting: Sitting, rows: list[dict], idempotency_key: str, digest: str
) -> Answer:
    """The test platform's results for one sitting, through the results file's own import:
    the same checks, the same row errors, all or nothing."""

    def write() -> Answer:
        records = [
            ResultsRecord(
                number,
                row["registration_number"].strip().upper(),
                row["test_form"].strip().upper(),
                row["item"].strip().upper(),
                row["options_chosen"].strip(),
            )
            for number, row in enumerate(rows, start=1)
        ]
        try:
            outcome = assessment_services.test_results_import(
                sitting=sitting,
                records=records,
                actor=client.acting_user,
                file_name=f"API: {client.name}",
            )
        except assessment_services.AssessmentError as exc:
            raise _Refused(Answer(403, error_body("permission_denied", str(exc)))) from exc
        if not outcome.is_valid:
            raise _Refused(Answer(422, {"errors": _row_errors(outcome.errors)}))
        results_import = outcome.results_import
        audit_event_record(
            actor=client.acting_user,
            subject=client,
            action=ApiAction.RESULTS_PUSHED,
            detail={
                "client": client.pk,
                "sitting": sitting.pk,
                "results_import": results_import.pk if results_import else None,
                "rows": len(records),
            },
        )
        return Answer(
            200,
            {
                "sitting": sitting.pk,
                "results_import": results_import.pk if results_import else None,
                "rows": len(records),
                "recorded": outcome.recorded,
                "unchanged": outcome.unchanged,
                "marked_sat": outcome.marked_sat,
            },
        )

    return _idempotent(
        client=client,
        key=idempotency_key,
        endpoint=f"sittings/{sitting.pk}/results",
        request_sha256=digest,
        write=write,
    )


def _row_errors(errors: list[tuple[int, str]]) -> list[dict]:
    """The import's (line, message) errors: line 0 is about the request as a whole."""
    return [
        {"code": "row_invalid", "row": line, "message": message}
        if line
        else {"code": "refused", "message": message}
        for line, message in errors
    ]


def staff_rows_apply(
    *, client: ApiClient, rows: list[dict], idempotency_key: str, digest: str
) -> Answer:
    """Rows of the client's own LA's staff list, through the staff import's own check and
    service: the same identity rules (never another LA's people, never an email address, nothing
    for someone with a staff account), every change audited with what it was and became."""
    local_authority = client.local_authority

    def write() -> Answer:
        records = [
            {**{k: v.strip() for k, v in row.items()}, ROW_NUMBER: number}
            for number, row in enumerate(rows, start=1)
        ]
        check = check_staff_rows(records, local_authority, dates.today())
        if not check.is_valid:
            raise _Refused(Answer(422, {"errors": _staff_errors(check.errors)}))
        import_id = f"api-{client.pk}-{idempotency_key or uuid.uuid4().hex}"
        outcome = naas_services.staff_import_apply(
            local_authority=local_authority,
            actor=client.acting_user,
            import_id=import_id,
            records=records,
            file_sha256=digest,
            expected_plan=check.plan_digest(),
        )
        if outcome.status == "invalid":
            raise _Refused(Answer(422, {"errors": _staff_errors(outcome.check.errors)}))
        if outcome.status == "changed":
            message = "The staff list changed while this request was checked: send it again"
            raise _Refused(Answer(409, error_body("conflict", message)))
        result = outcome.result.as_dict()
        audit_event_record(
            actor=client.acting_user,
            subject=client,
            action=ApiAction.STAFF_UPDATED,
            detail={
                "client": client.pk,
                "local_authority": local_authority.pk,
                "import_id": import_id,
                **result,
            },
        )
        return Answer(200, {"local_authority": local_authority.pk, "rows": len(rows), **result})

    return _idempotent(
        client=client,
        key=idempotency_key,
        endpoint=f"staff/{local_authority.pk}",
        request_sha256=digest,
        write=write,
    )


def _staff_errors(errors) -> list[dict]:
    return [
        {"code": "row_invalid", "row": error.line, "field": column, "message": message}
        for error in errors
        for column, message in error.problems_shown
    ]
