"""Fixtures: the output folder under test (env BANLI_OUT, default <repo>/outputs) and its files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from contract import HIVE_NULL_PARTITION, PARTITION_COLUMN, PARTITION_TYPE, UNKNOWN_YEAR

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
    """What a user opens: `<out>/<name>.parquet` (single file), else the hive-partitioned folder
    `<out>/<name>/` (per-report tables: `<name>/year=2021/part-0.parquet`)."""
    f = out / f"{name}.parquet"
    return f if f.exists() else out / name


def is_partitioned(out: Path, name: str) -> bool:
    return (out / name).is_dir()


def partitions(out: Path, name: str) -> list[str]:
    """The partition folder names of a partitioned table (`year=2021`, …), sorted."""
    return sorted(p.name for p in (out / name).iterdir() if p.is_dir() and not p.name.startswith("."))


def partition_year(folder: str) -> int:
    """`year=2021` -> 2021, `year=0` -> 0 (reports of unknown year): what readers give. Hive's null
    partition (`year=__HIVE_DEFAULT_PARTITION__`) is no longer written and fails here."""
    key, _, value = folder.partition("=")
    assert key == PARTITION_COLUMN, f"partition folder {folder!r} is not year=…"
    assert value != HIVE_NULL_PARTITION, \
        f"partition folder {folder!r}: reports of unknown year belong in {PARTITION_COLUMN}={UNKNOWN_YEAR}"
    return int(value)


def expected_partition_year(year_handled: int | None) -> int:
    """The `year` a reader gives a report's rows: its year handled, 0 when that is unknown."""
    return UNKNOWN_YEAR if year_handled is None else year_handled


def part_files(out: Path, name: str) -> list[Path]:
    """Every Parquet file of a table: the single file, or one file per partition folder."""
    path = table_path(out, name)
    if path.is_file():
        return [path]
    files = sorted(f for f in path.glob("*/*.parquet") if not f.name.startswith("."))
    assert files, f"{path}: a partitioned table folder without Parquet files"
    return files


def file_schema(out: Path, name: str) -> pa.Schema:
    """The schema inside the table's file(s): every partition file must carry the same one."""
    files = part_files(out, name)
    first = pq.read_schema(files[0])
    for f in files[1:]:
        other = pq.read_schema(f)
        assert other.equals(first, check_metadata=False), f"{f} has another schema than {files[0]}:\n{other}\nvs\n{first}"
    return first


def dataset_schema(out: Path, name: str) -> pa.Schema:
    """What a folder-level read (`partitioning="hive"`) must give: the file schema, plus the
    `year` partition column (int32) for a partitioned table."""
    schema = file_schema(out, name)
    if is_partitioned(out, name):
        schema = schema.append(pa.field(PARTITION_COLUMN, PARTITION_TYPE))
    return schema


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


def parquet_files(out: Path, name: str) -> list[pq.ParquetFile]:
    """Every file of a table (one per partition), for the file-level checks."""
    return [pq.ParquetFile(f) for f in part_files(out, name)]
