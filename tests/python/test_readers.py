"""Every table opens with the readers the contract names: pyarrow (file and dataset API, hive
partitioning on), pandas (default and pyarrow-backed dtypes) and polars (eager and lazy), and
they agree on rows, columns and types."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import out_dir, table_path
from contract import TABLES

POLARS_OF_ARROW = {
    pa.string(): pl.String, pa.int32(): pl.Int32, pa.int64(): pl.Int64, pa.float64(): pl.Float64,
    pa.bool_(): pl.Boolean, pa.date32(): pl.Date,
}


def _path(name):
    return table_path(out_dir(), name)


@pytest.mark.parametrize("name", TABLES)
def test_pyarrow_file_and_dataset_agree(name):
    t_file = pq.read_table(_path(name))
    t_ds = ds.dataset(_path(name), format="parquet", partitioning="hive").to_table()
    assert t_file.schema.equals(t_ds.schema, check_metadata=False), (t_file.schema, t_ds.schema)
    assert t_file.num_rows == t_ds.num_rows
    t_file.validate(full=True)  # also checks that strings are valid UTF-8


@pytest.mark.parametrize("name", TABLES)
def test_pyarrow_string_kernels_work(name):
    """String filters and comparisons run (view types fail here: 'no kernel matching input types')."""
    dataset = ds.dataset(_path(name), format="parquet", partitioning="hive")
    t = dataset.to_table()
    strings = [f.name for f in t.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
               or pa.types.is_string_view(f.type)]
    assert strings, f"{name}: no string column"
    col = strings[0]
    values = [v for v in t.column(col).to_pylist() if v is not None]
    if not values:
        pytest.skip(f"{name}.{col} is empty")
    filtered = dataset.to_table(filter=pc.field(col) == values[0])
    assert filtered.num_rows == values.count(values[0])
    for c in strings:
        pc.utf8_length(t.column(c))  # a string kernel on every string column
        pc.equal(t.column(c), "x")


@pytest.mark.parametrize("name", TABLES)
def test_pandas_default(name):
    df = pd.read_parquet(_path(name))
    schema = pq.read_schema(_path(name))
    assert list(df.columns) == schema.names
    assert len(df) == pq.ParquetFile(_path(name)).metadata.num_rows
    for f in schema:
        s = df[f.name]
        if pa.types.is_string(f.type):
            # pandas 3: the default string dtype ("str"), not object (large_string used to fall back to object)
            assert isinstance(s.dtype, pd.StringDtype), f"{name}.{f.name}: {s.dtype}"
        elif pa.types.is_date32(f.type):
            assert all(v is None or isinstance(v, dt.date) for v in s.dropna()), f"{name}.{f.name}"
        elif pa.types.is_floating(f.type):
            assert s.dtype == "float64", f"{name}.{f.name}: {s.dtype}"
        elif pa.types.is_integer(f.type):
            # a nullable int column with nulls becomes float64 in pandas' default dtypes
            assert s.dtype in ("int64", "int32", "float64"), f"{name}.{f.name}: {s.dtype}"


@pytest.mark.parametrize("name", TABLES)
def test_pandas_pyarrow_backend(name):
    df = pd.read_parquet(_path(name), dtype_backend="pyarrow")
    schema = pq.read_schema(_path(name))
    for f in schema:
        assert isinstance(df[f.name].dtype, pd.ArrowDtype), f"{name}.{f.name}"
        assert df[f.name].dtype.pyarrow_dtype == f.type, f"{name}.{f.name}: {df[f.name].dtype}"


@pytest.mark.parametrize("name", TABLES)
def test_polars_eager_and_lazy(name):
    path = _path(name)
    schema = pq.read_schema(path)
    eager = pl.read_parquet(path)
    lazy = pl.scan_parquet(path, hive_partitioning=True).collect()
    assert eager.columns == schema.names
    assert eager.equals(lazy)
    for f in schema:
        got = eager.schema[f.name]
        if pa.types.is_list(f.type):
            assert got == pl.List(pl.String), f"{name}.{f.name}: {got}"
        else:
            assert got == POLARS_OF_ARROW[f.type], f"{name}.{f.name}: {got}"
    # lazy filter + projection push-down on a string column
    first = schema.names[0]
    if eager.height:
        v = eager[first].drop_nulls()
        if len(v):
            n = pl.scan_parquet(path).filter(pl.col(first) == v[0]).select(first).collect().height
            assert n == (eager[first] == v[0]).sum()


@pytest.mark.parametrize("name", TABLES)
def test_readers_agree_on_values(name):
    """pyarrow, pandas and polars read the same values (spot check: row count and first column)."""
    path = _path(name)
    t = pq.read_table(path)
    p = pd.read_parquet(path, dtype_backend="pyarrow")
    l = pl.read_parquet(path)
    assert t.num_rows == len(p) == l.height
    col = t.schema.names[0]
    assert t.column(col).to_pylist() == l[col].to_list() == p[col].tolist()


def test_polars_reads_file_metadata(out):
    md = pl.read_parquet_metadata(table_path(out, "outcomes"))
    assert md.get("banli.table") == "outcomes"
    assert md.get("banli.schema_version")
