"""The administrator's list of published outcomes, searched and filtered by LA, result and
the date published (part of outcomes, kept apart so the list has its own small module)."""

from django.shortcuts import render

from naas.access import role_required

from .. import lists, selectors
from .common import ADMIN


@role_required(ADMIN)
def published_outcome_list(request):
    listing = lists.PUBLISHED_OUTCOMES.run(
        request,
        selectors.outcomes_published(),
        choices={"la": selectors.local_authority_choices()},
    )
    return render(
        request, "assessment/published_outcome_list.html", listing.context(), status=listing.status
    )
