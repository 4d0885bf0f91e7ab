//! Row readers: every column read goes through these so a bad value is a typed error, not a
//! panic.

use super::*;
use sqlx::any::AnyRow;
use sqlx::Row;
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
