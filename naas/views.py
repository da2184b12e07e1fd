from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import policies, selectors, services
from .access import role_required, social_worker_required
from .forms import EqualityDataForm, SignInForm, StaffImportForm
from .models import LocalAuthority, Role
from .navigation import start_url_for
from .staff_csv import check_staff_rows

STAFF_PAGE_SIZE = 50


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """Send each user to their own start page."""
    start = start_url_for(request.user)
    if start is None:
        return render(request, "naas/no_role.html", status=403)
    return redirect(start)


def accessibility(request):
    return render(request, "naas/accessibility.html")


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
    page = Paginator(selectors.staff_for_la(local_authority), STAFF_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "naas/staff_list.html",
        {"local_authority": local_authority, "page": page},
    )


@role_required(Role.LA_LEAD)
@require_http_methods(["GET", "POST"])
def staff_import(request, la_id: int):
    local_authority = _led_la_or_403(request, la_id)
    if request.method == "POST":
        form = StaffImportForm(request.POST, request.FILES)
    else:
        form = StaffImportForm()
    row_errors = []
    if request.method == "POST" and form.is_valid():
        check = check_staff_rows(form.records, local_authority, timezone.localdate())
        if check.is_valid:
            result = services.staff_import(
                local_authority=local_authority, actor=request.user, rows=check.rows
            )
            messages.success(
                request,
                f"Staff list imported: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged",
            )
            return redirect(reverse("naas:staff_list", kwargs={"la_id": local_authority.pk}))
        row_errors = check.errors
    return render(
        request,
        "naas/staff_import.html",
        {"local_authority": local_authority, "form": form, "row_errors": row_errors},
        status=400 if (form.errors or row_errors) else 200,
    )


@social_worker_required
@require_http_methods(["GET", "POST"])
def equality_data(request):
    worker = request.user.social_worker
    form = EqualityDataForm(request.POST or None, instance=worker)
    if request.method == "POST" and form.is_valid():
        services.social_worker_update_equality_data(
            worker=worker, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, "Your answers have been saved")
        return redirect("naas:equality_data")
    return render(request, "naas/equality_data.html", {"form": form})
