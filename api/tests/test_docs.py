"""/api/schema/ serves the OpenAPI schema to anyone; /api/docs/ is a GOV.UK page naming the
endpoints and linking to it, with no script from elsewhere (the content security policy)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_without_a_token(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/sittings/{sitting_id}/results/",
        "/api/v1/accreditations/check",
        "/api/v1/staff/",
        "/api/v1/dashboard/",
    }
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert schema["paths"]["/api/v1/staff/"]["patch"]["security"] == [{"bearerToken": []}]


def test_the_docs_page_lists_every_endpoint_and_links_the_schema(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-heading-l"' in page
    assert f'href="{reverse("api:schema")}"' in page
    for path in [
        "/api/v1/sittings/{id}/results/",
        "/api/v1/accreditations/check",
        "/api/v1/staff/",
        "/api/v1/dashboard/",
    ]:
        assert f"<code>{path}</code>" in page
    assert "cdn" not in page.lower()
    assert client.post(reverse("api:docs")).status_code == 405
