"""Demo data for reporting: last month's report for every demo LA, as the monthly schedule
would have made it (built straight away in the demo, where Celery runs eagerly). Running the
seed again adds nothing: the monthly report is one per LA per month."""

from datetime import date

from .services import la_reports_request_monthly


def seed(accounts: dict, today: date) -> None:
    la_reports_request_monthly(today=today)
