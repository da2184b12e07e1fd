"""Background work for endorsements: notifications after commit, and the nightly lapse."""

from celery import shared_task

from .models import Endorsement


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_endorsement_notification(endorsement_id: int, event: str) -> int:
    """Email the worker and their LA lead(s) about a sign-off or an endorsement."""
    from .notifications import notices_for, send_notices

    endorsement = (
        Endorsement.objects.select_related("worker__user").filter(pk=endorsement_id).first()
    )
    if endorsement is None:
        return 0
    return send_notices(notices_for(endorsement, event))


@shared_task(acks_late=True)
def lapse_expired_endorsements() -> int:
    """Lapse endorsed-but-unused endorsements past their validity. Run daily from beat:
    running it twice lapses nothing more."""
    from .services import endorsements_lapse_expired

    return endorsements_lapse_expired()
