"""Every table opens with the readers the contract names: pyarrow (file and dataset API, hive
partitioning on), pandas (default and pyarrow-backed dtypes) and polars (eager and lazy), and
they agree on rows, columns and types.

Two layouts: per-report tables are hive-partitioned folders (`outcomes/year=2021/part-0.parquet`),
the rest single files. For a folder, the file-level checks run on every partition file, and a
folder-level read must give exactly the file schema plus the `year` partition column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import dataset_schema, file_schema, is_partitioned, out_dir, part_files, partitions, partition_year, table_path
from contract import PARTITION_COLUMN, PARTITIONED, TABLES, UNKNOWN_YEAR

POLARS_OF_ARROW = {
    pa.string(): pl.String, pa.int32(): pl.Int32, pa.int64(): pl.Int64, pa.float64(): pl.Float64,
    pa.bool_(): pl.Boolean, pa.date32(): pl.Date,
}
# pandas with a typed partitioning (outputs/README.md): names the partition column's type, so
# `year` comes as int32 instead of a categorical (test_pandas_plain_folder_read).
PANDAS_HIVE = ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.int32())]), flavor="hive")


def _path(name):
    return table_path(out_dir(), name)


def _expected_names(name) -> list[str]:
    return dataset_schema(out_dir(), name).names


def _partition_years(name) -> list[int]:
    """The years of a partitioned table's folders (`year=0`: reports of unknown year), sorted."""
    return sorted(partition_year(p) for p in partitions(out_dir(), name))


@pytest.mark.parametrize("name", TABLES)
def test_pyarrow_file_and_dataset_agree(name):
    out = out_dir()
    schema = file_schema(out, name)  # also: every partition file carries the same schema
    total = 0
    for f in part_files(out, name):
        t_file = pq.read_table(f)
        assert t_file.schema.equals(schema, check_metadata=False), (f, t_file.schema, schema)
        t_file.validate(full=True)  # also checks that strings are valid UTF-8
        total += t_file.num_rows
    if is_partitioned(out, name):
        assert PARTITION_COLUMN not in schema.names, \
            f"{name}: the files hold a `{PARTITION_COLUMN}` column, which clashes with the partition column"
    t_ds = ds.dataset(_path(name), format="parquet", partitioning="hive").to_table()
    assert t_ds.schema.equals(dataset_schema(out, name), check_metadata=False), (t_ds.schema, dataset_schema(out, name))
    assert t_ds.num_rows == total
    t_ds.validate(full=True)
    if is_partitioned(out, name):
        # pq.read_table(folder) (what pandas calls) reads the same columns; it dictionary-encodes
        # the partition column
        t_pq = pq.read_table(_path(name))
        assert t_pq.schema.names == _expected_names(name)
        assert t_pq.num_rows == total
        for f in schema:
            assert t_pq.schema.field(f.name).type == f.type, f"{name}.{f.name}: {t_pq.schema.field(f.name).type}"
        year = t_pq.schema.field(PARTITION_COLUMN).type
        assert year == pa.int32() or (pa.types.is_dictionary(year) and year.value_type == pa.int32()), year


@pytest.mark.parametrize("name", TABLES)
def test_pyarrow_string_kernels_work(name):
    """String filters and comparisons run (view types fail here: 'no kernel matching input types'),
    and so does a filter on the partition column."""
    dataset = ds.dataset(_path(name), format="parquet", partitioning="hive")
    t = dataset.to_table()
    strings = [f.name for f in t.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
               or pa.types.is_string_view(f.type)]
    assert strings, f"{name}: no string column"
    for c in strings:
        pc.utf8_length(t.column(c))  # a string kernel on every string column
        pc.equal(t.column(c), "x")
    if is_partitioned(out_dir(), name):
        years = t.column(PARTITION_COLUMN).to_pylist()
        assert None not in years, f"{name}: null `{PARTITION_COLUMN}` (reports of unknown year are in year={UNKNOWN_YEAR})"
        # a known year, and the unknown one (year=0) where the table has rows in it
        known = [y for y in years if y != UNKNOWN_YEAR]
        for y in known[:1] + ([UNKNOWN_YEAR] if UNKNOWN_YEAR in years else []):
            filtered = dataset.to_table(filter=pc.field(PARTITION_COLUMN) == y)
            assert filtered.num_rows == years.count(y), (name, y)
    col = strings[0]
    values = [v for v in t.column(col).to_pylist() if v is not None]
    if not values:
        pytest.skip(f"{name}.{col} is empty")
    filtered = dataset.to_table(filter=pc.field(col) == values[0])
    assert filtered.num_rows == values.count(values[0])


def _check_pandas_default_dtypes(where: str, df: pd.DataFrame, schema: pa.Schema):
    for f in schema:
        s = df[f.name]
        if pa.types.is_string(f.type):
            # pandas 3: the default string dtype ("str"), not object (large_string used to fall back to object)
            assert isinstance(s.dtype, pd.StringDtype), f"{where}.{f.name}: {s.dtype}"
        elif pa.types.is_date32(f.type):
            assert all(v is None or isinstance(v, dt.date) for v in s.dropna()), f"{where}.{f.name}"
        elif pa.types.is_floating(f.type):
            assert s.dtype == "float64", f"{where}.{f.name}: {s.dtype}"
        elif pa.types.is_integer(f.type):
            # a nullable int column with nulls becomes float64 in pandas' default dtypes
            assert s.dtype in ("int64", "int32", "float64"), f"{where}.{f.name}: {s.dtype}"


@pytest.mark.parametrize("name", TABLES)
def test_pandas_default(name):
    out = out_dir()
    schema = file_schema(out, name)
    for f in part_files(out, name):
        df = pd.read_parquet(f)
        assert list(df.columns) == schema.names, f
        assert len(df) == pq.ParquetFile(f).metadata.num_rows
        _check_pandas_default_dtypes(f"{f.relative_to(out)}", df, schema)
    if is_partitioned(out, name):
        df = pd.read_parquet(_path(name), partitioning=PANDAS_HIVE)
        assert list(df.columns) == _expected_names(name)
        _check_pandas_default_dtypes(f"{name}/", df, schema)
        years = ds.dataset(_path(name), format="parquet", partitioning="hive").to_table().column(PARTITION_COLUMN)
        # never null (unknown year: 0), so never the float64 of a nullable int
        assert df[PARTITION_COLUMN].dtype == "int32", df[PARTITION_COLUMN].dtype
        assert df[PARTITION_COLUMN].tolist() == years.to_pylist()


@pytest.mark.parametrize("name", PARTITIONED)
def test_pandas_plain_folder_read(name):
    """`pd.read_parquet(OUT / "outcomes")` with no options works: pyarrow dictionary-encodes the
    year, so pandas gives a categorical whose categories are the partition years as ints, 0 among
    them when reports of unknown year exist (`year=0`). (With hive's null partition this raised
    "Cannot yet unify dictionaries with nulls", pandas-dev/pandas#55400: the reason for `year=0`.)"""
    df = pd.read_parquet(_path(name))
    assert list(df.columns) == _expected_names(name)
    assert len(df) == sum(pq.ParquetFile(f).metadata.num_rows for f in part_files(out_dir(), name))
    _check_pandas_default_dtypes(f"{name}/", df, file_schema(out_dir(), name))
    year = df[PARTITION_COLUMN]
    assert isinstance(year.dtype, pd.CategoricalDtype), year.dtype
    categories = year.cat.categories.tolist()
    assert all(type(c) is int for c in categories), categories
    assert sorted(categories) == _partition_years(name), (categories, partitions(out_dir(), name))
    assert not year.isna().any(), f"{name}: null `{PARTITION_COLUMN}` in pandas"
    want = ds.dataset(_path(name), format="parquet", partitioning="hive").to_table().column(PARTITION_COLUMN).to_pylist()
    assert [int(v) for v in year] == want


@pytest.mark.parametrize("name", TABLES)
def test_pandas_pyarrow_backend(name):
    out = out_dir()
    schema = file_schema(out, name)

    def check(where, df):
        for f in schema:
            assert isinstance(df[f.name].dtype, pd.ArrowDtype), f"{where}.{f.name}"
            assert df[f.name].dtype.pyarrow_dtype == f.type, f"{where}.{f.name}: {df[f.name].dtype}"

    for f in part_files(out, name):
        check(f.relative_to(out), pd.read_parquet(f, dtype_backend="pyarrow"))
    # the folder as users open it: no options needed with the pyarrow backend
    df = pd.read_parquet(_path(name), dtype_backend="pyarrow")
    assert list(df.columns) == _expected_names(name)
    check(name, df)
    if is_partitioned(out, name):
        year = df[PARTITION_COLUMN].dtype
        assert isinstance(year, pd.ArrowDtype), year
        t = year.pyarrow_dtype
        assert t == pa.int32() or (pa.types.is_dictionary(t) and t.value_type == pa.int32()), t


def _check_polars_types(where: str, frame: pl.DataFrame, schema: pa.Schema):
    for f in schema:
        got = frame.schema[f.name]
        if pa.types.is_list(f.type):
            assert got == pl.List(pl.String), f"{where}.{f.name}: {got}"
        else:
            assert got == POLARS_OF_ARROW[f.type], f"{where}.{f.name}: {got}"


@pytest.mark.parametrize("name", TABLES)
def test_polars_eager_and_lazy(name):
    out = out_dir()
    path = _path(name)
    schema = file_schema(out, name)
    for f in part_files(out, name):
        one = pl.read_parquet(f)
        assert one.columns == schema.names, f
        _check_polars_types(str(f.relative_to(out)), one, schema)
    # the table as users open it: polars reads a hive folder whole (hive partitioning is on by
    # default for a directory) and adds `year`
    eager = pl.read_parquet(path)
    lazy = pl.scan_parquet(path).collect()
    assert eager.columns == _expected_names(name)
    assert eager.equals(lazy)
    _check_polars_types(name, eager, schema)
    if is_partitioned(out, name):
        # polars infers hive integers as Int64 (pyarrow: int32, like documents.year_handled);
        # hive_schema gives Int32 for joins with year_handled and comparison.year
        assert eager.schema[PARTITION_COLUMN] == pl.Int64, eager.schema[PARTITION_COLUMN]
        typed = pl.scan_parquet(path, hive_schema={PARTITION_COLUMN: pl.Int32}).collect()
        assert typed.schema[PARTITION_COLUMN] == pl.Int32
        assert typed[PARTITION_COLUMN].to_list() == eager[PARTITION_COLUMN].to_list()
        years = eager[PARTITION_COLUMN]
        assert years.null_count() == 0, f"{name}: null `{PARTITION_COLUMN}` (reports of unknown year are in year={UNKNOWN_YEAR})"
        assert set(years.unique().to_list()) <= set(_partition_years(name))
        if len(years):
            n = pl.scan_parquet(path).filter(pl.col(PARTITION_COLUMN) == years[0]).collect().height
            assert n == (years == years[0]).sum()
        # the reports of unknown year, the way an analyst drops them: filter on year 0
        known = pl.scan_parquet(path).filter(pl.col(PARTITION_COLUMN) != UNKNOWN_YEAR).collect().height
        assert known == (years != UNKNOWN_YEAR).sum()
    # lazy filter + projection push-down on the first column
    first = schema.names[0]
    if eager.height:
        v = eager[first].drop_nulls()
        if len(v):
            n = pl.scan_parquet(path).filter(pl.col(first) == v[0]).select(first).collect().height
            assert n == (eager[first] == v[0]).sum()


@pytest.mark.parametrize("name", TABLES)
def test_readers_agree_on_values(name):
    """pyarrow, pandas and polars read the same rows from the table as users open it: every value
    (pyarrow vs polars), the first column and the year (pandas)."""
    path = _path(name)
    t = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    p = pd.read_parquet(path, dtype_backend="pyarrow")
    l = pl.read_parquet(path)
    assert t.num_rows == len(p) == l.height
    assert t.to_pylist() == l.to_dicts()
    cols = [t.schema.names[0]] + ([PARTITION_COLUMN] if is_partitioned(out_dir(), name) else [])
    for col in cols:
        from_pandas = [None if v is None or v is pd.NA else v for v in p[col].tolist()]
        assert t.column(col).to_pylist() == l[col].to_list() == from_pandas, col


def test_polars_reads_file_metadata(out):
    for name in ("outcomes", "comparison"):
        f = part_files(out, name)[0]
        md = pl.read_parquet_metadata(f)
        assert md.get("banli.table") == name, f
        assert md.get("banli.schema_version")
