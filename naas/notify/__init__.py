"""Every email the service sends, through GOV.UK Notify: a NotifyMessage row per email, sent by
a Celery task once the writing transaction commits (services.notify_message_queue)."""
