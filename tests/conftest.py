"""Fixtures shared by every test folder."""

import pytest

from server.endpoint import RUNTIME_DIR_ENV
from server.wechat.search.service import ENV_DIRECTORY


@pytest.fixture(autouse=True)
def _private_runtime_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    # The app publishes its address there (server/endpoint.py); never in the user's folder.
    monkeypatch.setenv(RUNTIME_DIR_ENV, str(tmp_path_factory.mktemp("runtime")))


@pytest.fixture(autouse=True)
def _private_search_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    # Search indexes go to the app's data folder (server/wechat/search/service.py); not here.
    monkeypatch.setenv(ENV_DIRECTORY, str(tmp_path_factory.mktemp("search-index")))
