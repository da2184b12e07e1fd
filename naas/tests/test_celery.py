import pytest
from django.conf import settings

from naas.tasks import health_check


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_health_check_runs_on_a_real_worker(real_celery_worker):
    # given a real worker consuming from the configured broker
    # when the task is sent through the broker
    result = health_check.delay()
    # then the worker ran it and reached the database
    assert result.get(timeout=30) == {"worker": "ok", "database": "ok"}


def test_broker_is_redis_when_redis_url_is_set():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "memory://"
