"""Factories for endorsements and their evidence."""

from datetime import timedelta

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from endorsement.models import (
    Endorsement,
    EndorsementState,
    FeedbackSource,
    Readiness,
    ServiceUserFeedback,
    SupervisionAreaView,
    SupervisionSession,
)
from naas.models import KSSFramework, Role
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    ensure_kss_frameworks,
    staff_user,
)

ensure_frameworks = ensure_kss_frameworks


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    worker = factory.SubFactory(SocialWorkerFactory)
    level = factory.LazyAttribute(lambda o: o.worker.job_level)
    supervisor = factory.LazyAttribute(lambda o: o.worker.supervisor)
    state = EndorsementState.DRAFT
    consent_recorded_at = factory.LazyFunction(timezone.now)


class SupervisionSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionSession
        skip_postgeneration_save = True

    worker = factory.SubFactory(SocialWorkerFactory)
    recorded_by = factory.LazyAttribute(lambda o: o.worker.supervisor)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14))
    reflection = "We discussed direct work with a family and how the plan was reviewed."

    @factory.post_generation
    def views(obj, create, extracted, **kwargs):
        if not create:
            return
        ensure_frameworks()
        framework = KSSFramework.objects.get(level=obj.worker.job_level, is_current=True)
        for area in framework.areas.order_by("number")[:3]:
            SupervisionAreaView.objects.create(session=obj, area=area, readiness=Readiness.READY)


class ServiceUserFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUserFeedback

    worker = factory.SubFactory(SocialWorkerFactory)
    recorded_by = factory.LazyAttribute(lambda o: o.worker.supervisor)
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    source_type = FeedbackSource.PARENT_CARER
    summary = "The parent said the worker listened and explained the plan clearly."
    considered_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    considered_by = factory.LazyAttribute(lambda o: o.worker.supervisor)


def eligible_worker(**worker_fields):
    """A worker who meets every rule except consent (which lives on the endorsement)."""
    worker_fields.setdefault("employed_since", timezone.localdate() - relativedelta(years=2))
    worker = SocialWorkerFactory(**worker_fields)
    SupervisionSessionFactory(worker=worker)
    ServiceUserFeedbackFactory(worker=worker)
    return worker


def ready_endorsement(state=EndorsementState.DRAFT, **fields) -> Endorsement:
    """An endorsement whose worker meets every rule, in `state`."""
    worker = fields.pop("worker", None) or eligible_worker()
    extra = {}
    if state in (EndorsementState.SIGNED_OFF, EndorsementState.ENDORSED):
        extra.update(
            signed_off_by=worker.supervisor,
            signed_off_at=timezone.now(),
            supervisor_statement="Ready.",
        )
    if state == EndorsementState.ENDORSED:
        extra.update(
            endorsed_at=timezone.now(),
            valid_until=timezone.localdate() + relativedelta(months=12),
        )
    extra.update(fields)
    return EndorsementFactory(worker=worker, state=state, **extra)


def la_lead_for(local_authority, **user_fields):
    return staff_user(Role.LA_LEAD, local_authority, **user_fields)


__all__ = [
    "EndorsementFactory",
    "LocalAuthorityFactory",
    "ServiceUserFeedbackFactory",
    "SupervisionSessionFactory",
    "eligible_worker",
    "ensure_frameworks",
    "la_lead_for",
    "ready_endorsement",
]
