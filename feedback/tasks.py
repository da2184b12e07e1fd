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
