from django.shortcuts import render

from naas import selectors
from naas.access import role_required
from naas.models import Role


@role_required(Role.DFE)
def dashboard(request):
    return render(
        request,
        "reporting/dashboard.html",
        {
            "phases": selectors.phases_with_counts(),
            "local_authorities": selectors.local_authorities_with_counts(),
        },
    )
