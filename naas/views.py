import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import dates, lists, policies, selectors, service_pages, services
from .access import role_required, social_worker_required
from .forms import EqualityDataForm, SignInForm, StaffImportForm, submitted
from .middleware import SESSION_KEY
from .models import LocalAuthority, Role
from .navigation import start_url_for
from .staff_csv import check_staff_rows


class SignInView(LoginView):
    # FormView would treat PUT as POST: the page takes only what its form sends.
    http_method_names = ["get", "head", "post"]
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_safe
@login_required
def home(request):
    """Send each user to their own start page."""
    start = start_url_for(request.user)
    if start is None:
        return render(request, "naas/no_role.html", status=403)
    return redirect(start)


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to GOV.UK's icon."""
    return redirect(static("images/favicon.ico"), permanent=True)


@require_safe
def accessibility(request):
    return render(request, "naas/accessibility.html", service_pages.privacy_context())


@require_safe
def cookies(request):
    return render(request, "naas/cookies.html", service_pages.cookies_context())


@require_safe
def privacy(request):
    return render(request, "naas/privacy.html", service_pages.privacy_context())


@require_POST
@login_required
def session_keep_alive(request):
    """ "Stay signed in" on the timeout warning: record activity now (the idle middleware writes
    last-seen at most once a minute, so this writes it whatever the minute) and say how long
    the session now has. POST with CSRF: a GET never changes anything."""
    request.session[SESSION_KEY] = int(time.time())
    return JsonResponse({"seconds_left": settings.SESSION_IDLE_TIMEOUT_SECONDS})


def _led_la_or_403(request, la_id: int) -> LocalAuthority:
    local_authority = get_object_or_404(LocalAuthority, pk=la_id)
    if not policies.can_manage_staff(request.user, local_authority):
        raise PermissionDenied
    return local_authority


@role_required(Role.LA_LEAD)
def staff_start(request):
    la_ids = sorted(policies.la_ids_where(request.user, Role.LA_LEAD))
    return redirect("naas:staff_list", la_id=la_ids[0])


@role_required(Role.LA_LEAD)
def staff_list(request, la_id: int):
    local_authority = _led_la_or_403(request, la_id)
    listing = lists.STAFF.run(request, selectors.staff_for_la(local_authority))
    return render(
        request,
        "naas/staff_list.html",
        {"local_authority": local_authority, **listing.context()},
        status=listing.status,
    )


# Staff import: upload -> preview (new, changed field by field, unchanged) -> confirm -> done.
# The checked file waits in the session under a random token until it is confirmed; nothing is
# written before then, and the confirm re-checks every row against the database.

STAFF_IMPORTS_SESSION_KEY = "naas.staff_imports"
STAFF_IMPORTS_KEPT = 5  # imports remembered per session: one waiting, the rest applied


def _staff_imports(request) -> dict:
    return request.session.get(STAFF_IMPORTS_SESSION_KEY, {})


def _staff_import_entry(request, local_authority, token: str) -> dict | None:
    entry = _staff_imports(request).get(token)
    if entry is None or entry.get("la") != local_authority.pk:
        return None
    return entry


def _staff_import_save(request, token: str, entry: dict | None) -> None:
    """Remember (or, with None, forget) one import. A new upload replaces any other upload
    still waiting, since a staff list can be large; applied imports keep only their counts."""
    imports = dict(_staff_imports(request))
    imports.pop(token, None)
    if entry is not None and entry.get("applied") is None:
        imports = {t: e for t, e in imports.items() if e.get("applied") is not None}
    if entry is not None:
        imports[token] = entry
    request.session[STAFF_IMPORTS_SESSION_KEY] = dict(list(imports.items())[-STAFF_IMPORTS_KEPT:])


def _staff_records_packed(records: list[dict]) -> dict:
    """A staff list's rows as the session keeps them: the columns once, then the values."""
    columns = sorted({column for record in records for column in record})
    return {"columns": columns, "values": [[r.get(c, "") for c in columns] for r in records]}


def _staff_records_unpacked(packed: dict) -> list[dict]:
    return [dict(zip(packed["columns"], values, strict=True)) for values in packed["values"]]


def _staff_import_page(request, local_authority, form, row_errors=(), status=None):
    return render(
        request,
        "naas/staff_import.html",
        {"local_authority": local_authority, "form": form, "row_errors": list(row_errors)},
        status=status or (400 if (form.errors or row_errors) else 200),
    )


def _staff_import_preview(request, local_authority, token, check, *, changed_since=False):
    return render(
        request,
        "naas/staff_import_check.html",
        {
            "local_authority": local_authority,
            "token": token,
            "check": check,
            "changed_since": changed_since,
        },
    )


def _staff_import_done(request, local_authority, entry, *, already_applied=False):
    return render(
        request,
        "naas/staff_import_done.html",
        {
            "local_authority": local_authority,
            "result": entry["applied"],
            "already_applied": already_applied,
        },
    )


def _staff_import_expired(request, local_authority):
    return render(
        request,
        "naas/staff_import_expired.html",
        {"local_authority": local_authority},
        status=404,
    )


@role_required(Role.LA_LEAD)
@require_http_methods(["GET", "POST"])
def staff_import(request, la_id: int):
    local_authority = _led_la_or_403(request, la_id)
    if request.method != "POST":
        return _staff_import_page(request, local_authority, StaffImportForm())
    form = StaffImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _staff_import_page(request, local_authority, form)
    check = check_staff_rows(form.records, local_authority, dates.today())
    if not check.is_valid:
        return _staff_import_page(request, local_authority, form, check.errors)
    token = secrets.token_urlsafe(16)
    _staff_import_save(
        request,
        token,
        {
            "la": local_authority.pk,
            "sha256": form.sha256,
            "records": _staff_records_packed(form.records),
            "plan": check.plan_digest(),
            "applied": None,
        },
    )
    return redirect("naas:staff_import_check", la_id=local_authority.pk, token=token)


@role_required(Role.LA_LEAD)
@require_http_methods(["GET", "POST"])
def staff_import_check(request, la_id: int, token: str):
    """GET: the plan as the database stands now. POST: apply it if it is still that plan."""
    local_authority = _led_la_or_403(request, la_id)
    entry = _staff_import_entry(request, local_authority, token)
    if entry is None:
        return _staff_import_expired(request, local_authority)
    if entry["applied"] is not None:
        if request.method == "POST":  # a second click, or the browser resending the confirm
            return _staff_import_done(request, local_authority, entry, already_applied=True)
        return redirect("naas:staff_import_done", la_id=local_authority.pk, token=token)
    if request.method != "POST":
        check = check_staff_rows(
            _staff_records_unpacked(entry["records"]), local_authority, dates.today()
        )
        if not check.is_valid:
            _staff_import_save(request, token, None)
            return _staff_import_page(request, local_authority, StaffImportForm(), check.errors)
        _staff_import_save(request, token, {**entry, "plan": check.plan_digest()})
        return _staff_import_preview(request, local_authority, token, check)
    try:
        outcome = services.staff_import_apply(
            local_authority=local_authority,
            actor=request.user,
            import_id=token,
            records=_staff_records_unpacked(entry["records"]),
            file_sha256=entry["sha256"],
            expected_plan=entry["plan"],
        )
    except IntegrityError:
        # Someone else made one of these people at the same moment: show the plan again.
        return redirect("naas:staff_import_check", la_id=local_authority.pk, token=token)
    if outcome.status == "invalid":
        _staff_import_save(request, token, None)
        return _staff_import_page(request, local_authority, StaffImportForm(), outcome.check.errors)
    if outcome.status == "changed":
        _staff_import_save(request, token, {**entry, "plan": outcome.check.plan_digest()})
        return _staff_import_preview(
            request, local_authority, token, outcome.check, changed_since=True
        )
    applied = {"la": local_authority.pk, "applied": outcome.result.as_dict()}
    _staff_import_save(request, token, applied)
    if outcome.status == "already_applied":
        return _staff_import_done(request, local_authority, applied, already_applied=True)
    return redirect("naas:staff_import_done", la_id=local_authority.pk, token=token)


@role_required(Role.LA_LEAD)
@require_http_methods(["GET"])
def staff_import_done(request, la_id: int, token: str):
    local_authority = _led_la_or_403(request, la_id)
    entry = _staff_import_entry(request, local_authority, token)
    if entry is None:
        return _staff_import_expired(request, local_authority)
    if entry["applied"] is None:
        return redirect("naas:staff_import_check", la_id=local_authority.pk, token=token)
    return _staff_import_done(request, local_authority, entry)


@social_worker_required
@require_http_methods(["GET", "POST"])
def equality_data(request):
    worker = request.user.social_worker
    form = EqualityDataForm(submitted(request), instance=worker)
    if request.method == "POST" and form.is_valid():
        services.social_worker_update_equality_data(
            worker=worker, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, "Your answers have been saved")
        return redirect("naas:equality_data")
    # Refused answers (only a changed page can send one) save nothing: 400, like every form.
    return render(
        request, "naas/equality_data.html", {"form": form}, status=400 if form.errors else 200
    )
