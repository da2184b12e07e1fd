"""Checking a django-fsm-2 machine against its table: every state × every transition.

A table maps each transition method to {source state: target state}. Every pair the table does
not list must be refused and leave the state as it was; every listed pair must land on its
target; and the table must name every transition the model declares, so a new transition
cannot be added without saying where it may start.
"""

from itertools import product

import pytest
from django_fsm import TransitionNotAllowed


def every_pair(states, table: dict) -> list[tuple[str, str]]:
    """(state, method) for every state and every transition in the table."""
    return list(product(states, sorted(table)))


def check_pair(record, *, field: str, method: str, table: dict) -> None:
    """Try `method` on `record` (an unsaved instance in some state) and check the table's
    answer: moved to the target, or refused with nothing changed."""
    state = getattr(record, field)
    target = table[method].get(state)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(record, method)()
        assert getattr(record, field) == state
    else:
        getattr(record, method)()
        assert getattr(record, field) == target


def declared_transitions(record, field: str) -> set[str]:
    """The names of every transition the model declares on `field`."""
    return {t.name for t in getattr(record, f"get_all_{field}_transitions")()}
