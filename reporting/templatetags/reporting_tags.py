from django import template

from reporting.selectors import worker_status as _worker_status

register = template.Library()


@register.filter
def worker_status(worker) -> str:
    return _worker_status(worker)
