"""Fixtures shared by every test folder."""

import pytest

from server.endpoint import RUNTIME_DIR_ENV


@pytest.fixture(autouse=True)
def _private_runtime_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    # The app publishes its address there (server/endpoint.py); never in the user's folder.
    monkeypatch.setenv(RUNTIME_DIR_ENV, str(tmp_path_factory.mktemp("runtime")))
