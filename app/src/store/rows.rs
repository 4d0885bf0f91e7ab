//! Row readers: every column read goes through these so a bad value is a typed error, not a
//! panic.

use super::*;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Executor, Row};
use std::str::FromStr;

pub(crate) fn text(row: &AnyRow, col: &'static str) -> StoreResult<String> {
    row.try_get::<String, _>(col).map_err(StoreError::from)
}

pub(crate) fn opt_text(row: &AnyRow, col: &'static str) -> StoreResult<Option<String>> {
    row.try_get::<Option<String>, _>(col)
        .map_err(StoreError::from)
}

pub(crate) fn parsed<T: FromStr>(row: &AnyRow, col: &'static str) -> StoreResult<T> {
    text(row, col)?
        .parse()
        .map_err(|_| StoreError::Corrupt(col))
}

pub(crate) fn opt_parsed<T: FromStr>(row: &AnyRow, col: &'static str) -> StoreResult<Option<T>> {
    match opt_text(row, col)? {
        Some(s) => s.parse().map(Some).map_err(|_| StoreError::Corrupt(col)),
        None => Ok(None),
    }
}

pub(crate) fn int(row: &AnyRow, col: &'static str) -> StoreResult<i64> {
    row.try_get::<i64, _>(col).map_err(StoreError::from)
}

pub(crate) fn float(row: &AnyRow, col: &'static str) -> StoreResult<f64> {
    row.try_get::<f64, _>(col).map_err(StoreError::from)
}

pub(crate) fn opt_float(row: &AnyRow, col: &'static str) -> StoreResult<Option<f64>> {
    row.try_get::<Option<f64>, _>(col).map_err(StoreError::from)
}

/// Reads a struct from a row: each `reader: fields;` line reads those fields with that reader
/// (`parsed`, `text`, `float`, `json`, …), each from the column of its name, or from the
/// column `field @ "column"` names. The row reader of every table is written with it, so each
/// column is named once.
macro_rules! read_row {
    ($row:ident => $ty:ident { $($read:ident: $($field:ident $(@ $column:literal)?),+;)+ }) => {
        Ok($ty {
            $($($field: $read($row, read_row!(@column $field $($column)?))?,)+)+
        })
    };
    (@column $field:ident) => {
        stringify!($field)
    };
    (@column $field:ident $column:literal) => {
        $column
    };
}
pub(crate) use read_row;

/// A JSON column, read into its type.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    col: &'static str,
) -> StoreResult<T> {
    serde_json::from_str(&text(row, col)?).map_err(|_| StoreError::Corrupt(col))
}

/// A value as the JSON text a JSON column stores.
pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|_| StoreError::Corrupt("json"))
}

/// An integer column read into a narrower integer (a rank, a percentage, a count of seconds).
pub(crate) fn small<T: TryFrom<i64>>(row: &AnyRow, col: &'static str) -> StoreResult<T> {
    T::try_from(int(row, col)?).map_err(|_| StoreError::Corrupt(col))
}

/// A nullable integer column read into a narrower integer.
pub(crate) fn opt_small<T: TryFrom<i64>>(
    row: &AnyRow,
    col: &'static str,
) -> StoreResult<Option<T>> {
    match row.try_get::<Option<i64>, _>(col)? {
        Some(n) => T::try_from(n)
            .map(Some)
            .map_err(|_| StoreError::Corrupt(col)),
        None => Ok(None),
    }
}

/// A 0/1 column, read as a yes or no.
pub(crate) fn flag(row: &AnyRow, col: &'static str) -> StoreResult<bool> {
    Ok(int(row, col)? != 0)
}

/// A field no column holds, filled in after the row is read (from another table).
pub(crate) fn filled_later<T: Default>(_: &AnyRow, _: &'static str) -> StoreResult<T> {
    Ok(T::default())
}

/// `$first, $first+1, …` for `n` values bound in a row.
pub(crate) fn marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `sql` with its `{in}` list written for `n` values bound from `$1` (see [`Statement::bind_all`]).
pub(crate) fn in_list(sql: &str, n: usize) -> String {
    sql.replace("{in}", &marks(1, n))
}

/// `($1, $2, …), ($k, …)` for `rows` rows of `width` parameters.
pub(crate) fn value_tuples(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A statement being built: its SQL with parameters bound in order, then run on a pool or
/// inside a transaction, its rows read into typed values by a row reader (`unit_from`,
/// `map_from`, …). The one way the store reads rows, so "no row" is the same `NotFound`
/// everywhere.
pub(crate) struct Statement<'q>(Query<'q, Any, AnyArguments<'q>>);

/// Where a statement runs: the pool, or a connection inside a transaction.
pub(crate) trait On<'c>: Executor<'c, Database = Any> {}

impl<'c, E: Executor<'c, Database = Any>> On<'c> for E {}

/// A row reader: reads one typed value from a row (`unit_from`, a closure, …).
pub(crate) trait Read<T>: Fn(&AnyRow) -> StoreResult<T> {}

impl<T, F: Fn(&AnyRow) -> StoreResult<T>> Read<T> for F {}

/// Starts a [`Statement`] that reads rows.
pub(crate) fn select(sql: &str) -> Statement<'_> {
    Statement(sqlx::query(sql))
}

/// Starts a [`Statement`] that changes rows.
pub(crate) fn change(sql: &str) -> Statement<'_> {
    Statement(sqlx::query(sql))
}

impl<'q> Statement<'q> {
    /// Binds the next parameter as text (ids, periods and names are stored as text).
    pub(crate) fn bind(self, value: impl ToString) -> Self {
        Statement(self.0.bind(value.to_string()))
    }

    /// Binds each of `values` as text, in order (an `IN` list, see [`in_list`]).
    pub(crate) fn bind_all<V: ToString>(self, values: impl IntoIterator<Item = V>) -> Self {
        values.into_iter().fold(self, Statement::bind)
    }

    /// Binds the next parameter as it is (numbers, optional values).
    pub(crate) fn bind_value<T>(self, value: T) -> Self
    where
        T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
    {
        Statement(self.0.bind(value))
    }

    /// Every row, read with `read`.
    pub(crate) async fn all<'c, T>(self, on: impl On<'c>, read: impl Read<T>) -> StoreResult<Vec<T>>
    where
        'q: 'c,
    {
        self.0.fetch_all(on).await?.iter().map(read).collect()
    }

    /// The row, read with `read`, if there is one.
    pub(crate) async fn optional<'c, T>(
        self,
        on: impl On<'c>,
        read: impl Read<T>,
    ) -> StoreResult<Option<T>>
    where
        'q: 'c,
    {
        self.0
            .fetch_optional(on)
            .await?
            .as_ref()
            .map(read)
            .transpose()
    }

    /// The row, read with `read`; no row is `NotFound(missing)`.
    pub(crate) async fn one<'c, T>(
        self,
        on: impl On<'c>,
        read: impl Read<T>,
        missing: &'static str,
    ) -> StoreResult<T>
    where
        'q: 'c,
    {
        self.optional(on, read)
            .await?
            .ok_or(StoreError::NotFound(missing))
    }

    /// Whether the query finds a row; none is `NotFound(missing)` (a check that a referenced
    /// row exists before a write).
    pub(crate) async fn exists<'c>(self, on: impl On<'c>, missing: &'static str) -> StoreResult<()>
    where
        'q: 'c,
    {
        self.one(on, |_| Ok(()), missing).await
    }

    /// Runs the statement; how many rows it changed.
    pub(crate) async fn run<'c>(self, on: impl On<'c>) -> StoreResult<u64>
    where
        'q: 'c,
    {
        Ok(self.0.execute(on).await?.rows_affected())
    }

    /// Runs a statement that must change a row; none changed is `NotFound(missing)`.
    pub(crate) async fn run_on_one<'c>(
        self,
        on: impl On<'c>,
        missing: &'static str,
    ) -> StoreResult<()>
    where
        'q: 'c,
    {
        match self.run(on).await? {
            0 => Err(StoreError::NotFound(missing)),
            _ => Ok(()),
        }
    }
}
