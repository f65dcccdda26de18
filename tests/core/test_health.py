import json

import pytest


@pytest.mark.django_db
def test_healthz_reports_every_dependency_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
