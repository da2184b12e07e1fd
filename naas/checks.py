"""System checks for data the service cannot run without: `manage.py check` (and every
`runserver`, `migrate` and deploy) fails before a deadline could be counted wrongly."""

from django.core.checks import Error, register

from naas import dates


@register()
def bank_holidays_known(app_configs=None, **kwargs) -> list[Error]:
    """England's bank holidays must be known for this year and the next: a review window
    published in December runs into January, and a year without data would count its bank
    holidays as working days."""
    this_year = dates.today().year
    errors = []
    for year in (this_year, this_year + 1):
        try:
            dates.bank_holidays(year)
        except dates.BankHolidaysUnknown as exc:
            errors.append(
                Error(
                    str(exc),
                    hint="Upgrade the holidays package (in the lock file) to one that covers "
                    f"{year}.",
                    id="naas.E001",
                )
            )
    return errors
