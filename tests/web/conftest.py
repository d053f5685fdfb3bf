"""Fixtures for the web page tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def officer_client(client):
    """Log the test client in as an officer: ``officer_client(officer)``."""

    def login(officer):
        client.force_login(officer.user)
        return client

    return login
