"""Background tasks: ids in, a service called."""

from celery import shared_task

from naas.tasks import DocumentTask


@shared_task(bind=True, base=DocumentTask, name="feedback.tasks.build_letter")
def build_letter(self, letter_id: int) -> int:
    from .services import letter_build

    return letter_build(letter_id=letter_id).pk


@shared_task(bind=True, base=DocumentTask, name="feedback.tasks.build_certificate")
def build_certificate(self, certificate_id: int) -> int:
    from .services import certificate_build

    return certificate_build(certificate_id=certificate_id).pk


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_support_request_notice(support_request_id: int) -> int:
    """Email the worker's supervisor (or, with none, their LA leads) that support was asked."""
    from .notifications import send_support_request_notices

    return send_support_request_notices(support_request_id)
