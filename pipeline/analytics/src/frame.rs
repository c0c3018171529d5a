//! The hand-back from polars to the contract writer: a collected `DataFrame` becomes a
//! [`banli::write::Table`] column by column, so the files use the same plain types as every
//! other table (no view or large strings, no unsigned ints) whatever polars computed with.

use polars::prelude::{DataFrame, DataType};

use banli::write::{Data, Table, Ty};

use crate::error::{Error, Result};

/// One output column: its contract type and its data-dictionary line.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub ty: Ty,
    pub nullable: bool,
    pub description: &'static str,
}

pub const fn spec(name: &'static str, ty: Ty, nullable: bool, description: &'static str) -> Spec {
    Spec {
        name,
        ty,
        nullable,
        description,
    }
}

/// A table definition of the analytics stage.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    pub name: &'static str,
    pub description: &'static str,
    pub primary_key: &'static [&'static str],
    pub columns: &'static [Spec],
}

impl TableDef {
    /// The table with no rows: its schema, for the data dictionary.
    pub fn empty(&self) -> Table {
        let mut t = Table::new(self.name, self.description)
            .single_file()
            .keys(self.primary_key, &[]);
        for s in self.columns {
            t.col(s.name, s.description, s.nullable, empty(s.ty));
        }
        t
    }

    /// Convert a collected frame; every column of the definition must be present.
    pub fn from_frame(&self, df: &DataFrame) -> Result<Table> {
        let mut t = Table::new(self.name, self.description)
            .single_file()
            .keys(self.primary_key, &[]);
        for s in self.columns {
            let data = column_data(df, self.name, s)?;
            if !s.nullable && has_null(&data) {
                return Err(Error::Column {
                    table: self.name,
                    column: s.name,
                    message: "null in a required column".into(),
                });
            }
            t.col(s.name, s.description, s.nullable, data);
        }
        Ok(t)
    }
}

fn empty(ty: Ty) -> Data {
    match ty {
        Ty::Str => Data::strs(std::iter::empty::<Option<&str>>()),
        Ty::I64 => Data::I64(vec![]),
        Ty::I32 => Data::I32(vec![]),
        Ty::F64 => Data::F64(vec![]),
        Ty::Bool => Data::Bool(vec![]),
        Ty::Date => Data::Date(vec![]),
        Ty::StrList => Data::StrList(vec![]),
    }
}

fn has_null(d: &Data) -> bool {
    match d {
        Data::Str(v) => v.iter().any(|x| x.is_none()),
        Data::I64(v) => v.iter().any(Option::is_none),
        Data::I32(v) | Data::Date(v) => v.iter().any(Option::is_none),
        Data::F64(v) => v.iter().any(Option::is_none),
        Data::Bool(v) => v.iter().any(Option::is_none),
        Data::StrList(_) => false,
    }
}

fn column_data(df: &DataFrame, table: &'static str, s: &Spec) -> Result<Data> {
    let context = |e: Error| Error::Column {
        table,
        column: s.name,
        message: e.to_string(),
    };
    Ok(match s.ty {
        Ty::Str => Data::strs(strings(df, s.name).map_err(context)?),
        Ty::I64 => Data::I64(ints(df, s.name).map_err(context)?),
        Ty::I32 => Data::I32(
            ints(df, s.name)
                .map_err(context)?
                .into_iter()
                .map(|v| v.and_then(|v| i32::try_from(v).ok()))
                .collect(),
        ),
        Ty::F64 => Data::F64(floats(df, s.name).map_err(context)?),
        Ty::Bool => Data::Bool(bools(df, s.name).map_err(context)?),
        Ty::Date | Ty::StrList => {
            return Err(Error::Column {
                table,
                column: s.name,
                message: "type not produced by the analytics stage".into(),
            });
        }
    })
}

/// Read a string column as owned values (for charts and the report page).
pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let c = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// A string column as polars holds it, for reading values without copying them.
pub fn str_values(df: &DataFrame, name: &str) -> Result<polars::prelude::StringChunked> {
    let c = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(c.str()?.clone())
}

pub fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let c = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let c = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    let c = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().collect())
}

/// A list-of-strings column (category tiers) as owned vectors.
pub fn string_lists(df: &DataFrame, name: &str) -> Result<Vec<Vec<String>>> {
    let c = df.column(name)?.as_materialized_series();
    let lists = c.list()?;
    let mut out = Vec::with_capacity(lists.len());
    for i in 0..lists.len() {
        let mut row = Vec::new();
        if let Some(s) = lists.get_as_series(i) {
            row.extend(s.str()?.iter().flatten().map(str::to_string));
        }
        out.push(row);
    }
    Ok(out)
}
