"""Receivers that ask for the dashboards' figures to be counted again after a change commits.

Lower apps never import reporting: this listens to the signals they already send (Django's
post_save and post_delete, assessment's outcome_published). Bulk updates send none (a results
import): the audit event they write makes the next page ask for a refresh (reporting.summaries).
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from assessment.models import Attempt, Outcome
from assessment.signals import outcome_published
from endorsement.models import Endorsement
from naas.models import LocalAuthority, SocialWorker

WATCHED = (Attempt, Outcome, Endorsement, SocialWorker, LocalAuthority)


def ask_for_refresh() -> None:
    from .summaries import figures_refresh_request

    figures_refresh_request()


def figures_changed(**kwargs) -> None:
    """Once per atomic block, however many rows it saves: a refresh after it commits (the
    cache debounce in summaries keeps it to one waiting refresh across blocks)."""
    current = set(connection.savepoint_ids)
    if any(
        callback is ask_for_refresh and sids == current
        for sids, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(ask_for_refresh, robust=True)


def connect() -> None:
    outcome_published.connect(figures_changed, dispatch_uid="reporting-figures-published")
    for model in WATCHED:
        uid = f"reporting-figures-{model._meta.label_lower}"
        post_save.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-delete")
