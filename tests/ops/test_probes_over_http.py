"""In production every page redirects plain HTTP to HTTPS, but the health probes answer over
plain HTTP: a load balancer or orchestrator inside the network must see 200, not a 301."""

import pytest


@pytest.fixture
def production_https(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production (settings.py, not DEBUG/DEMO/TESTING)


@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_probes_answer_over_plain_http(client, db, production_https, probe):
    response = client.get(probe)
    assert response.status_code == 200
    assert client.get(probe, secure=True).status_code == 200


@pytest.mark.parametrize("path", ["/privacy/", "/healthz/", "/healthzz", "/tenders/healthz"])
def test_every_other_page_still_redirects_to_https(client, db, production_https, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"
