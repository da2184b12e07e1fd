from django.shortcuts import render

from naas.access import role_required
from naas.models import Role


@role_required(Role.ASSESSOR, Role.MODERATOR)
def assessor_home(request):
    return render(request, "assessment/assessor_home.html")


@role_required(Role.ADMINISTRATOR)
def admin_home(request):
    return render(request, "assessment/admin_home.html")
