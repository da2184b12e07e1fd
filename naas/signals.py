"""Signal receivers of the core domain: caches of its reference lists are forgotten when the
rows behind them change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LocalAuthority
from .selectors import local_authority_choices_forget


@receiver(post_save, sender=LocalAuthority, dispatch_uid="naas-la-choices-saved")
@receiver(post_delete, sender=LocalAuthority, dispatch_uid="naas-la-choices-deleted")
def local_authority_changed(sender, **kwargs) -> None:
    # Now, for this process's next read, and again after commit, so a page read in another
    # process between the two cannot keep the old list for an hour.
    local_authority_choices_forget()
    transaction.on_commit(local_authority_choices_forget)
