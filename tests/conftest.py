"""Shared fixtures: a real DuckDB file built by the real ETL over tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import queries
from etl.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever touches data/tension.duckdb: TENSION_DB points into the test's tmp dir."""
    path = tmp_path / "isolated.duckdb"
    monkeypatch.setenv("TENSION_DB", str(path))
    return path


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published database after the real ETL loaded tests/fixtures/articles.jsonl.

    Session-scoped and read-only by convention: copy it before writing to it.
    """
    from etl.run import load_inputs  # imported here so collection does not load the tagger

    path = tmp_path_factory.mktemp("sample") / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], Settings(db_path=path, workers=1), fresh=True)
    return path


@pytest.fixture
def sample_con(sample_db: Path):
    con = duckdb.connect(str(sample_db), read_only=True)
    yield con
    con.close()


@pytest.fixture
def fresh_db():
    """An empty in-memory database with the schema."""
    con = duckdb.connect(":memory:")
    queries.execute("schema", con)
    yield con
    con.close()


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list:
    """The in-memory stores AppTest keeps download files in, to read a CSV back."""
    # imported here, so that the ETL's tests do not load Streamlit
    from streamlit.runtime import memory_media_file_storage
    from streamlit.testing.v1 import app_test

    stores = []

    class Recorded(memory_media_file_storage.MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recorded)
    return stores
