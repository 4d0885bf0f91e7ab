//! Reporting periods. Cairn's finest grain is the month; targets and actuals are keyed by it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar month, written `YYYY-MM` everywhere (UI, API, CSV, database).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u8,
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("\"{0}\" is not a period; write it as YYYY-MM, e.g. 2026-03")]
pub struct PeriodParseError(pub String);

impl PeriodParseError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        let text = &self.0;
        crate::i18n::td_string!(locale, errors.period.parse, text).to_string()
    }
}

impl Period {
    /// A period from year and month (1–12); `None` for a month outside 1–12 or a year outside 1900–2999.
    pub fn new(year: i32, month: u8) -> Option<Self> {
        Self::new_const(year, month)
    }

    /// [`Period::new`], usable in constants.
    pub const fn new_const(year: i32, month: u8) -> Option<Self> {
        if month >= 1 && month <= 12 && year >= 1900 && year <= 2999 {
            Some(Self { year, month })
        } else {
            None
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The period `n` months later (or earlier for negative `n`).
    pub fn plus_months(self, n: i32) -> Self {
        let index = self.year * 12 + i32::from(self.month) - 1 + n;
        Self {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u8,
        }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Period) -> i32 {
        (later.year - self.year) * 12 + i32::from(later.month) - i32::from(self.month)
    }

    /// English, for logs and exports: "Mar 2026".
    pub fn label(self) -> String {
        self.text(crate::i18n::Locale::en)
    }

    /// A short label in `locale`: "Mar 2026" / "März 2026".
    pub fn text(self, locale: crate::i18n::Locale) -> String {
        format!(
            "{} {}",
            crate::i18n::month_short(locale, u32::from(self.month)),
            self.year
        )
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || PeriodParseError(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> Self {
        p.to_string()
    }
}

/// In the REST API's OpenAPI document a period is a `YYYY-MM` string.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\d{4}-\d{2}$"))
            .description(Some("A reporting month, YYYY-MM."))
            .examples([serde_json::json!("2026-03")])
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Period {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        let p: Period = "2026-03".parse().unwrap();
        assert_eq!((p.year(), p.month()), (2026, 3));
        assert_eq!(p.to_string(), "2026-03");
        assert_eq!(p.label(), "Mar 2026");
        assert_eq!(p.text(crate::i18n::Locale::de), "März 2026");
        assert_eq!(p.plus_months(-2).text(crate::i18n::Locale::de), "Jan. 2026");
    }

    #[test]
    fn rejects_bad_periods() {
        for bad in [
            "2026", "2026-13", "2026-00", "26-01", "abcd-01", "2026-1x", "",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        let p = Period::new(2025, 11).unwrap();
        assert_eq!(p.plus_months(3), Period::new(2026, 2).unwrap());
        assert_eq!(p.plus_months(-11), Period::new(2024, 12).unwrap());
        assert_eq!(p.months_until(Period::new(2027, 1).unwrap()), 14);
    }

    #[test]
    fn serde_uses_the_text_form() {
        let p = Period::new(2026, 7).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"2026-07\"");
        assert!(serde_json::from_str::<Period>("\"2026-7x\"").is_err());
    }
}
