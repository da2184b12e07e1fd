"""The Django admin's theme toggle has a name even when no script runs (WCAG 4.1.2)."""

import re

import pytest

from naas.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_admin_theme_toggle_is_named_without_javascript(client, django_user_model):
    superuser = django_user_model.objects.create_superuser(
        email="backoffice@example.org", full_name="Back Office", password=TEST_PASSWORD
    )
    client.force_login(superuser)
    page = client.get("/admin/").content.decode()
    button = re.search(r'<button class="theme-toggle"[^>]*>', page)
    assert button is not None
    assert 'title="Toggle theme"' in button.group(0)
