//! Cells made safe for spreadsheet exports (CSV injection, OWASP): a text that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
//! formula (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3+cmd|' /C calc'!A0`), so an uploaded value written
//! back in a download could run or leak something on the reader's machine. Such a cell gets a
//! leading single quote, which spreadsheets show as plain text.
//!
//! Numbers stay readable: a cell that is only a number with a sign (`-5`, `+3.25`, `-1,234.5`)
//! cannot be a formula, so it is left as it is and still sums in the spreadsheet. Everything
//! else whose first character (after spaces) is risky is quoted, even if it looks harmless (`-1e5`, `- 5`).
//!
//! Every CSV or XLSX export writes its text cells through [`neutralise`].

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as an export should write it: unchanged, or with a leading `'` when a spreadsheet
/// would read it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    // Some readers skip leading spaces before they look for a formula.
    let start = cell.trim_start_matches(' ');
    if start.starts_with(FORMULA_STARTS) && !is_signed_number(start) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A sign followed by digits and decimal or thousands marks only (`-5`, `+1,234.50`).
fn is_signed_number(cell: &str) -> bool {
    let Some(body) = cell.strip_prefix(['-', '+']) else {
        return false;
    };
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted() {
        for cell in [
            "=1+2",
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\t=1+2",
            "\r=1+2",
            "-",
            "+",
            "-1e5",
            "- 5",
            "-5)",
            " =1+2",
            "  @cmd",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_kept() {
        for cell in [
            "-5",
            "+3.25",
            "-1,234.5",
            "-0,5",
            "12",
            "Revenue growth",
            "",
            " -5",
            "a=b",
            "2031-01",
            "'already quoted",
        ] {
            assert!(
                matches!(neutralise(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}
