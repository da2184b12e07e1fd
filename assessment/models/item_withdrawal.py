"""Withdrawing a knowledge-test item from scoring on one test form: the candidates' answers
are kept, but the item no longer counts towards any score on that form."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .item_bank import Item, TestForm
from .limits import REASON_MAX


class ItemWithdrawal(models.Model):
    """An item left out of scoring for one test form (for example, a question found to work
    differently for one group of candidates). Never undone: a withdrawal made in error is
    corrected by a new form, so every rescored result can be traced to the withdrawal."""

    test_form = models.ForeignKey(TestForm, on_delete=models.PROTECT, related_name="withdrawals")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="withdrawals")
    reason = models.TextField(max_length=REASON_MAX)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["test_form", "withdrawn_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["test_form", "item"], name="one_withdrawal_per_item_on_form"
            ),
        ]

    def __str__(self):
        return f"Item {self.item_id} withdrawn from form {self.test_form_id}"
