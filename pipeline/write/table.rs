//! A typed, columnar table with its schema description: the one definition both the Parquet
//! writer and the data dictionary read.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder, ListBuilder,
    StringBuilder,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

/// Column types the contract allows (no unsigned, no view or large strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    I64,
    I32,
    F64,
    Bool,
    Date,
    StrList,
}

impl Ty {
    pub fn arrow(self) -> DataType {
        match self {
            Ty::Str => DataType::Utf8,
            Ty::I64 => DataType::Int64,
            Ty::I32 => DataType::Int32,
            Ty::F64 => DataType::Float64,
            Ty::Bool => DataType::Boolean,
            Ty::Date => DataType::Date32,
            Ty::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        }
    }

    /// Frictionless Table Schema type.
    pub fn frictionless(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::I64 | Ty::I32 => "integer",
            Ty::F64 => "number",
            Ty::Bool => "boolean",
            Ty::Date => "date",
            Ty::StrList => "array",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Data {
    /// Built straight into Arrow's buffers: one copy of each value, no `String` per cell (a
    /// national batch writes tens of millions of cells).
    Str(StringArray),
    I64(Vec<Option<i64>>),
    I32(Vec<Option<i32>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    StrList(Vec<Vec<String>>),
}

impl Data {
    /// A string column from borrowed or owned values.
    pub fn strs<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> Data {
        Data::Str(values.into_iter().collect())
    }

    fn len(&self) -> usize {
        match self {
            Data::Str(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::I32(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::Bool(v) => v.len(),
            Data::Date(v) => v.len(),
            Data::StrList(v) => v.len(),
        }
    }

    fn to_array(&self) -> ArrayRef {
        match self {
            Data::Str(v) => Arc::new(v.clone()),
            Data::I64(v) => {
                let mut b = Int64Builder::new();
                v.iter().for_each(|x| b.append_option(*x));
                Arc::new(b.finish())
            }
            Data::I32(v) => {
                let mut b = Int32Builder::new();
                v.iter().for_each(|x| b.append_option(*x));
                Arc::new(b.finish())
            }
            Data::F64(v) => {
                let mut b = Float64Builder::new();
                v.iter().for_each(|x| b.append_option(*x));
                Arc::new(b.finish())
            }
            Data::Bool(v) => {
                let mut b = BooleanBuilder::new();
                v.iter().for_each(|x| b.append_option(*x));
                Arc::new(b.finish())
            }
            Data::Date(v) => {
                let mut b = Date32Builder::new();
                v.iter().for_each(|x| b.append_option(*x));
                Arc::new(b.finish())
            }
            Data::StrList(v) => {
                let mut b = ListBuilder::new(StringBuilder::new())
                    .with_field(Arc::new(Field::new("item", DataType::Utf8, true)));
                for row in v {
                    for s in row {
                        b.values().append_value(s);
                    }
                    b.append(true);
                }
                Arc::new(b.finish())
            }
        }
    }

    pub fn ty(&self) -> Ty {
        match self {
            Data::Str(_) => Ty::Str,
            Data::I64(_) => Ty::I64,
            Data::I32(_) => Ty::I32,
            Data::F64(_) => Ty::F64,
            Data::Bool(_) => Ty::Bool,
            Data::Date(_) => Ty::Date,
            Data::StrList(_) => Ty::StrList,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: &'static str,
    pub description: &'static str,
    pub nullable: bool,
    /// Allowed values for enumerations, with an English label each.
    pub enum_values: &'static [(&'static str, &'static str)],
    pub data: Data,
}

/// A named table: description, keys and columns.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub description: &'static str,
    pub primary_key: &'static [&'static str],
    /// (column, referenced table, referenced column)
    pub foreign_keys: &'static [(&'static str, &'static str, &'static str)],
    pub columns: Vec<Column>,
    /// Written as a hive-partitioned folder `<name>/year=YYYY/` (per-report tables) rather than
    /// one file `<name>.parquet` (run-level and cross-year tables).
    pub partitioned: bool,
}

impl Table {
    pub fn new(name: &'static str, description: &'static str) -> Table {
        Table {
            name,
            description,
            primary_key: &[],
            foreign_keys: &[],
            columns: vec![],
            partitioned: true,
        }
    }

    /// A table written as one file, `<name>.parquet`.
    pub fn single_file(mut self) -> Table {
        self.partitioned = false;
        self
    }

    /// Where the table lives relative to the output folder.
    pub fn path(&self) -> String {
        if self.partitioned {
            self.name.to_string()
        } else {
            format!("{}.parquet", self.name)
        }
    }

    pub fn keys(
        mut self,
        pk: &'static [&'static str],
        fks: &'static [(&'static str, &'static str, &'static str)],
    ) -> Table {
        self.primary_key = pk;
        self.foreign_keys = fks;
        self
    }

    pub fn col(
        &mut self,
        name: &'static str,
        description: &'static str,
        nullable: bool,
        data: Data,
    ) -> &mut Table {
        self.columns.push(Column {
            name,
            description,
            nullable,
            enum_values: &[],
            data,
        });
        self
    }

    pub fn enum_col(
        &mut self,
        name: &'static str,
        description: &'static str,
        nullable: bool,
        values: &'static [(&'static str, &'static str)],
        data: Data,
    ) -> &mut Table {
        self.columns.push(Column {
            name,
            description,
            nullable,
            enum_values: values,
            data,
        });
        self
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map(|c| c.data.len()).unwrap_or(0)
    }

    pub fn schema(&self) -> Schema {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| {
                Field::new(c.name, c.data.ty().arrow(), c.nullable).with_metadata(
                    std::collections::HashMap::from([(
                        "description".to_string(),
                        c.description.to_string(),
                    )]),
                )
            })
            .collect();
        Schema::new(fields).with_metadata(std::collections::HashMap::from([(
            "description".to_string(),
            self.description.to_string(),
        )]))
    }

    pub fn record_batch(&self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let arrays: Vec<ArrayRef> = self.columns.iter().map(|c| c.data.to_array()).collect();
        RecordBatch::try_new(Arc::new(self.schema()), arrays)
    }
}
