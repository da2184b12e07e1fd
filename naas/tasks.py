from celery import shared_task
from django.db import connection


@shared_task(acks_late=True)
def health_check() -> dict:
    """Proves a worker can reach the broker and the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone()[0] == 1
    return {"worker": "ok", "database": "ok" if database_ok else "failed"}
