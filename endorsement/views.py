from django.shortcuts import render

from naas.access import role_required, social_worker_required
from naas.models import Role


@role_required(Role.SUPERVISOR)
def supervisees(request):
    workers = request.user.supervisees.select_related("user", "local_authority")
    return render(request, "endorsement/supervisees.html", {"workers": workers})


@role_required(Role.LA_LEAD)
def confirmation_queue(request):
    return render(request, "endorsement/confirmation_queue.html")


@social_worker_required
def my_endorsement(request):
    return render(request, "endorsement/my_endorsement.html")
