"""Fixtures: the output folder under test (env BANLI_OUT, default <repo>/outputs) and its files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]


def out_dir() -> Path:
    raw = os.environ.get("BANLI_OUT")
    p = Path(raw) if raw else REPO / "outputs"
    return p if p.is_absolute() else (Path.cwd() / p)


def pytest_report_header(config):
    return f"banli outputs under test: {out_dir()} (env BANLI_OUT)"


@pytest.fixture(scope="session")
def out() -> Path:
    d = out_dir()
    if not (d / "datapackage.json").is_file():
        pytest.exit(
            f"no datapackage.json in {d}: run `banli run --out {d}` first, or set BANLI_OUT", returncode=2
        )
    return d


@pytest.fixture(scope="session")
def datapackage(out) -> dict:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def resources(datapackage) -> dict[str, dict]:
    return {r["name"]: r for r in datapackage["resources"]}


def table_path(out: Path, name: str) -> Path:
    """`<out>/<name>.parquet`, or a hive-partitioned folder `<out>/<name>/` if that is what exists."""
    f = out / f"{name}.parquet"
    return f if f.exists() else out / name


_CACHE: dict[tuple[str, str], pa.Table] = {}


@pytest.fixture(scope="session")
def read():
    """read(name) -> pyarrow.Table (through the dataset API, hive partitioning on), cached."""

    def _read(name: str) -> pa.Table:
        import pyarrow.dataset as ds

        d = out_dir()
        key = (str(d), name)
        if key not in _CACHE:
            _CACHE[key] = ds.dataset(table_path(d, name), format="parquet", partitioning="hive").to_table()
        return _CACHE[key]

    return _read


@pytest.fixture(scope="session")
def docs(read) -> list[dict]:
    return read("documents").to_pylist()


@pytest.fixture(scope="session")
def doc_by_source(docs):
    """doc_by_source(collection, source_path) -> the documents row (fails if absent or ambiguous)."""

    def _get(collection: str, source_path: str) -> dict:
        rows = [d for d in docs if d["source_path"] == source_path and d.get("collection", collection) == collection]
        assert len(rows) == 1, f"expected one document {collection}/{source_path}, found {len(rows)}"
        return rows[0]

    return _get


def parquet_file(out: Path, name: str) -> pq.ParquetFile:
    return pq.ParquetFile(table_path(out, name))
