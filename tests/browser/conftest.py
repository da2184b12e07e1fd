"""Fixtures for the browser walks over the seeded demo (tests/browser/test_demo_*.py)."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from .demo_walk import DEMO_DAY, Walk


@pytest.fixture
def seeded_demo():
    with time_machine.travel(DEMO_DAY, tick=True):
        call_command("seed_demo", stdout=StringIO())
        yield


@pytest.fixture
def walk(seeded_demo, page, assert_accessible):
    # seeded_demo's clock, started on DEMO_DAY, keeps ticking for the whole walk
    return Walk(page, assert_accessible)
