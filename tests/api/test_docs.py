"""The OpenAPI schema and its browsable docs, readable without a key and served without a CDN."""

from __future__ import annotations

import re

from django.test import Client

from .conftest import PREFIX

# The routes of people, companies, notes, tags and users.
PATHS = {
    "/api/v1/", "/api/v1/people", "/api/v1/people/{person_id}", "/api/v1/people/{person_id}/history",
    "/api/v1/companies", "/api/v1/companies/{company_id}", "/api/v1/companies/{company_id}/history",
    "/api/v1/notes", "/api/v1/notes/{note_id}", "/api/v1/tags", "/api/v1/tags/{tag_id}", "/api/v1/users",
    "/api/v1/users/me",
}


def test_the_openapi_schema_lists_every_route_with_a_summary_and_a_tag(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kontor API"
    assert set(schema["paths"]) >= PATHS  # later areas add their own routes
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("tags"), f"{method} {path}"
            assert operation.get("security"), f"{method} {path} must require a key"
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("name") == "X-apikey" for s in schemes.values())


def test_the_schema_documents_list_parameters_and_error_shapes(client):
    schema = client.get(f"{PREFIX}/openapi.json").json()
    list_people = schema["paths"]["/api/v1/people"]["get"]
    assert {p["name"] for p in list_people["parameters"]} >= {"page", "per_page", "tag", "tag_id", "q",
                                                              "updated_since", "order", "responsible_id"}
    assert set(list_people["responses"]) >= {"200", "422"}
    assert set(schema["paths"]["/api/v1/people/{person_id}"]["patch"]["responses"]) >= {"200", "404", "409",
                                                                                         "422"}


def test_the_docs_page_loads_everything_from_kontor_itself(client):
    response = client.get(f"{PREFIX}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls and all(url.startswith("/static/") for url in urls), urls
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for url in urls:
        assert Client().get(url).status_code == 200, url
