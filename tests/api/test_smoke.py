import pytest


@pytest.mark.django_db
def test_post_then_get(client, shared_data):
    response = client.post(
        "/api/v1/reports",
        {"channel": "web", "description": "Jalan berlubang dekat Monas", "lat": -6.1754, "lon": 106.8272},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kelurahan"]["code"] == "31.71.01.1001"
    got = client.get(f"/api/v1/reports/{body['ticket']}")
    assert got.status_code == 200
