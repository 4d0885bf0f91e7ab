//! Formula measures (placeholder until the formula engine lands): the missing-data policy.

use serde::{Deserialize, Serialize};

/// What a formula does when an input has no value for the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingData {
    /// Any missing input leaves the result blank.
    #[default]
    Blank,
    /// A missing input counts as 0.
    Zero,
    /// A missing input is left out of the operation it appears in.
    Ignore,
}

impl MissingData {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingData::Blank => "blank",
            MissingData::Zero => "zero",
            MissingData::Ignore => "ignore",
        }
    }
}

impl std::str::FromStr for MissingData {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "blank" => Ok(MissingData::Blank),
            "zero" => Ok(MissingData::Zero),
            "ignore" => Ok(MissingData::Ignore),
            other => Err(format!("unknown missing-data policy \"{other}\"")),
        }
    }
}

/// A parsed formula (the engine lands with the formula branch; until then nothing parses).
#[derive(Clone, Debug, PartialEq)]
pub struct Formula;

/// A parse error shown in the measure editor: what is wrong and where (char offset, 0-based).
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[error("{message} at character {}", position + 1)]
pub struct FormulaError {
    pub message: String,
    pub position: usize,
}

/// Why a formula has no value for a period although its inputs have.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum EvalError {
    #[error("division by zero")]
    DivisionByZero,
    #[error("the result is not a finite number")]
    NotFinite,
}

impl Formula {
    /// Parses a formula.
    pub fn parse(_text: &str) -> Result<Formula, FormulaError> {
        Err(FormulaError {
            message: "formulas are not available yet".into(),
            position: 0,
        })
    }

    /// Referenced measure names.
    pub fn references(&self) -> Vec<String> {
        Vec::new()
    }

    /// Evaluates the formula.
    pub fn eval(
        &self,
        _lookup: &dyn Fn(&str) -> Option<f64>,
        _missing: MissingData,
    ) -> Result<Option<f64>, EvalError> {
        Ok(None)
    }
}

/// An evaluation order of formulas (Err(cycle) when there is one).
pub fn evaluation_order(formulas: &[(String, Vec<String>)]) -> Result<Vec<String>, Vec<String>> {
    Ok(formulas.iter().map(|(n, _)| n.clone()).collect())
}
