//! Formula measures: a measure whose data source is "formula" computes its value for each period
//! from other measures of the same map, e.g. `[Gross profit] / [Revenue] * 100`.
//!
//! # Grammar
//!
//! ```text
//! formula  := sum
//! sum      := product (("+" | "-") product)*          left-associative
//! product  := unary (("*" | "/") unary)*              left-associative
//! unary    := "-" unary | primary
//! primary  := number | "[" name "]" | function "(" sum ("," sum)* ")" | "(" sum ")"
//! number   := 12 | 3.5 | .5 | 1. | 1e3 | 2.5E-4
//! function := min | max | abs | round                 ASCII case-insensitive
//! ```
//!
//! A measure is referred to by its exact name in square brackets (`[On-time delivery %]`); a `]`
//! inside a name is written twice (`[Cost [€]]]` names `Cost [€]`). Names compare exactly, so
//! `[revenue]` is not `[Revenue]`. Whitespace may go anywhere between tokens. `min` and `max`
//! take one or more arguments, `abs` one, `round` one or two (`round(x)` to a whole number,
//! `round(x, 2)` to two decimals, `round(x, -3)` to thousands; halves round away from zero).
//! A formula may nest at most [`MAX_DEPTH`] operations deep.
//!
//! # Missing data
//!
//! Each formula measure says what happens when an input has no value for the period
//! ([`MissingData`]):
//!
//! - **Blank** (the default): if any input is missing, the result is missing too.
//! - **Zero**: a missing input counts as 0 (so a missing divisor is a division by zero).
//! - **Ignore**: a part of the formula whose inputs are *all* missing is itself missing, and a
//!   missing part is dropped from the operation it appears in: `+` and `−` treat it as 0 and `×`
//!   and `÷` as 1 (their neutral values), so `a + ∅ = ∅ + a = a`, `a − ∅ = a`, `∅ − a = −a`,
//!   `a × ∅ = ∅ × a = a`, `a ÷ ∅ = a` and `∅ ÷ a = 1 ÷ a`; `min` and `max` skip missing
//!   arguments; `−∅`, `abs(∅)` and `round(∅, d)` are missing and `round(x, ∅)` is `round(x)`.
//!   The result is therefore missing exactly when every input it reads is missing
//!   (`[a] * 100` with `[a]` missing is missing, not 100). Ignore suits sums and totals; a ratio
//!   such as `[Profit] / [Revenue]` is better left on Blank.
//!
//! In every mode a division by zero is an error ([`EvalError::DivisionByZero`]), and so is a
//! result (or an input) that is infinite or not a number ([`EvalError::NotFinite`]).
//!
//! # Cycles
//!
//! Formulas may read other formula measures, so [`find_cycle`] and [`evaluation_order`] check a
//! map's formulas for a dependency cycle (`A` reads `B` reads `A`; a formula reading itself is a
//! cycle too) and order them so each is computed after the formulas it reads.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// How deeply operations may nest in one formula. Keeps the recursive evaluator (and the
/// browser's small stack) safe on any input; real formulas stay far below it.
pub const MAX_DEPTH: usize = 100;

/// A parse error shown in the measure editor: what is wrong and where (char offset, 0-based).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormulaError {
    /// What is wrong ([`FormulaError::text`] words it for the person typing the formula).
    pub problem: ParseProblem,
    /// Offset in characters (not bytes) from the start of the text, 0-based.
    pub position: usize,
}

/// What is wrong with a formula's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParseProblem {
    Empty,
    UnmatchedClose,
    StrayComma,
    ExpectedOperator {
        found: String,
    },
    StrayCloseBracket,
    UnexpectedChar {
        found: String,
    },
    UnclosedName,
    EmptyName,
    NotANumber {
        text: String,
    },
    NumberTooLarge {
        text: String,
    },
    /// The text ends after an operator (`op`).
    EndsAfter {
        op: String,
    },
    EndsEarly,
    ExpectedValue {
        found: String,
    },
    UnclosedParen,
    ExpectedOperatorOrClose {
        found: String,
    },
    UnknownFunction {
        name: String,
    },
    NeedsParentheses {
        function: String,
    },
    NameNeedsBrackets {
        word: String,
    },
    ExpectedArgumentEnd {
        found: String,
    },
    WrongArity {
        function: String,
        takes: Arity,
        given: usize,
    },
    TooDeep,
}

/// How many arguments a function takes, when a call has another number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arity {
    AtLeastOne,
    ExactlyOne,
    /// `round(value, digits)`.
    OneOrTwo,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at character {}", self.message(), self.position + 1)
    }
}

impl std::error::Error for FormulaError {}

impl FormulaError {
    /// English, for logs: what is wrong, without the position.
    pub fn message(&self) -> String {
        self.problem.text(crate::i18n::Locale::en)
    }

    /// What is wrong and where (counted from 1), in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        crate::i18n::td_string!(
            locale,
            errors.formula_parse.at,
            message = self.problem.text(locale),
            position = self.position + 1
        )
        .to_string()
    }
}

impl ParseProblem {
    /// What is wrong, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            ParseProblem::Empty => td_string!(locale, errors.formula_parse.empty).to_string(),
            ParseProblem::UnmatchedClose => {
                td_string!(locale, errors.formula_parse.unmatched_close).to_string()
            }
            ParseProblem::StrayComma => {
                td_string!(locale, errors.formula_parse.stray_comma).to_string()
            }
            ParseProblem::ExpectedOperator { found } => {
                td_string!(locale, errors.formula_parse.expected_operator, found).to_string()
            }
            ParseProblem::StrayCloseBracket => {
                td_string!(locale, errors.formula_parse.stray_close_bracket).to_string()
            }
            ParseProblem::UnexpectedChar { found } => {
                td_string!(locale, errors.formula_parse.unexpected_char, found).to_string()
            }
            ParseProblem::UnclosedName => {
                td_string!(locale, errors.formula_parse.unclosed_name).to_string()
            }
            ParseProblem::EmptyName => {
                td_string!(locale, errors.formula_parse.empty_name).to_string()
            }
            ParseProblem::NotANumber { text } => {
                td_string!(locale, errors.formula_parse.not_a_number, text).to_string()
            }
            ParseProblem::NumberTooLarge { text } => {
                td_string!(locale, errors.formula_parse.number_too_large, text).to_string()
            }
            ParseProblem::EndsAfter { op } => {
                td_string!(locale, errors.formula_parse.ends_after, op).to_string()
            }
            ParseProblem::EndsEarly => {
                td_string!(locale, errors.formula_parse.ends_early).to_string()
            }
            ParseProblem::ExpectedValue { found } => {
                td_string!(locale, errors.formula_parse.expected_value, found).to_string()
            }
            ParseProblem::UnclosedParen => {
                td_string!(locale, errors.formula_parse.unclosed_paren).to_string()
            }
            ParseProblem::ExpectedOperatorOrClose { found } => td_string!(
                locale,
                errors.formula_parse.expected_operator_or_close,
                found
            )
            .to_string(),
            ParseProblem::UnknownFunction { name } => {
                td_string!(locale, errors.formula_parse.unknown_function, name).to_string()
            }
            ParseProblem::NeedsParentheses { function } => {
                td_string!(locale, errors.formula_parse.needs_parentheses, function).to_string()
            }
            ParseProblem::NameNeedsBrackets { word } => {
                td_string!(locale, errors.formula_parse.name_needs_brackets, word).to_string()
            }
            ParseProblem::ExpectedArgumentEnd { found } => {
                td_string!(locale, errors.formula_parse.expected_argument_end, found).to_string()
            }
            ParseProblem::WrongArity {
                function,
                takes,
                given,
            } => {
                let count = *given as u64;
                match takes {
                    Arity::AtLeastOne => td_string!(
                        locale,
                        errors.formula_parse.arity_at_least_one,
                        function,
                        count
                    ),
                    Arity::ExactlyOne => td_string!(
                        locale,
                        errors.formula_parse.arity_exactly_one,
                        function,
                        count
                    ),
                    Arity::OneOrTwo => td_string!(
                        locale,
                        errors.formula_parse.arity_one_or_two,
                        function,
                        count
                    ),
                }
                .to_string()
            }
            ParseProblem::TooDeep => {
                td_string!(locale, errors.formula_parse.too_deep, max = MAX_DEPTH).to_string()
            }
        }
    }
}

/// Why a well-formed formula has no value for a period; shown beside the computed value.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalError {
    #[error("division by zero")]
    DivisionByZero,
    #[error("the result is too large or not a number")]
    NotFinite,
}

/// What a formula does when an input has no value for the period (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingData {
    /// Any missing input leaves the result missing.
    #[default]
    Blank,
    /// A missing input counts as 0.
    Zero,
    /// A missing input is dropped from the operation it appears in.
    Ignore,
}

impl MissingData {
    /// Every policy, in the order the measure editor offers them.
    pub const ALL: [MissingData; 3] = [MissingData::Blank, MissingData::Zero, MissingData::Ignore];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingData::Blank => "blank",
            MissingData::Zero => "zero",
            MissingData::Ignore => "ignore",
        }
    }

    /// The choice as the measure editor words it.
    pub fn label(self) -> &'static str {
        match self {
            MissingData::Blank => "Leave the result blank",
            MissingData::Zero => "Count missing inputs as zero",
            MissingData::Ignore => "Skip missing inputs",
        }
    }
}

impl FromStr for MissingData {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MissingData::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown missing-data policy \"{s}\""))
    }
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// Binding strength: products bind tighter than sums.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
        }
    }

    /// The operator's neutral value, which stands in for a missing side under `Ignore`.
    fn neutral(self) -> f64 {
        match self {
            BinOp::Add | BinOp::Sub => 0.0,
            BinOp::Mul | BinOp::Div => 1.0,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    fn apply(self, a: f64, b: f64) -> Result<f64, EvalError> {
        let r = match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div if b == 0.0 => return Err(EvalError::DivisionByZero),
            BinOp::Div => a / b,
        };
        finite(r)
    }
}

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
    Min,
    Max,
    Abs,
    Round,
}

impl Func {
    const ALL: [Func; 4] = [Func::Min, Func::Max, Func::Abs, Func::Round];

    fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Round => "round",
        }
    }

    fn by_name(name: &str) -> Option<Func> {
        Func::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// `None` when `n` arguments are fine, else what the function takes.
    fn arity_problem(self, n: usize) -> Option<Arity> {
        match self {
            Func::Min | Func::Max if n == 0 => Some(Arity::AtLeastOne),
            Func::Abs if n != 1 => Some(Arity::ExactlyOne),
            Func::Round if n == 0 || n > 2 => Some(Arity::OneOrTwo),
            _ => None,
        }
    }
}

/// The syntax tree of a formula.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Number(f64),
    Ref(String),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// A parsed formula, ready to evaluate for any period; stored and shown as its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Formula {
    expr: Expr,
}

impl Formula {
    /// Parses a formula, or says what is wrong and at which character.
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        Parser::new(text)?.formula()
    }

    /// Referenced measure names, de-duplicated, in order of first appearance.
    pub fn references(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        visit_refs(&self.expr, &mut |name| {
            if seen.insert(name.to_string()) {
                out.push(name.to_string());
            }
        });
        out
    }

    /// Evaluates with `lookup(name)` giving the input's value for the period (None = missing).
    /// `Ok(None)` means the result is missing under the `missing` policy.
    pub fn eval(
        &self,
        lookup: &dyn Fn(&str) -> Option<f64>,
        missing: MissingData,
    ) -> Result<Option<f64>, EvalError> {
        let mut blank = false;
        if missing == MissingData::Blank {
            visit_refs(&self.expr, &mut |name| blank |= lookup(name).is_none());
            if blank {
                return Ok(None);
            }
        }
        let input = |name: &str| -> Result<Val, EvalError> {
            match (lookup(name), missing) {
                (Some(v), _) => finite(v).map(Val::Input),
                (None, MissingData::Zero) => Ok(Val::Input(0.0)),
                (None, _) => Ok(Val::Missing),
            }
        };
        Ok(eval(&self.expr, &input, missing == MissingData::Ignore)?.value())
    }

    /// The formula written back in canonical form (for display and for renaming): function
    /// names in lower case, one space around binary operators, only the parentheses needed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        write_expr(&self.expr, &mut out);
        out
    }

    /// The formula with every reference to `old` renamed to `new` (used when a measure is renamed).
    pub fn rename(&self, old: &str, new: &str) -> Formula {
        Formula {
            expr: rename_expr(&self.expr, old, new),
        }
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl FromStr for Formula {
    type Err = FormulaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Formula::parse(s)
    }
}

impl TryFrom<String> for Formula {
    type Error = FormulaError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Formula::parse(&s)
    }
}

impl From<Formula> for String {
    fn from(f: Formula) -> String {
        f.to_text()
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A value during evaluation: a constant (reads no input), a value that depends on at least
/// one present input, or missing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val {
    Const(f64),
    Input(f64),
    Missing,
}

impl Val {
    fn value(self) -> Option<f64> {
        match self {
            Val::Const(v) | Val::Input(v) => Some(v),
            Val::Missing => None,
        }
    }

    /// The kind of a result computed from `parts`: missing when a part is missing and (under
    /// `ignore`) no part has a present input; tied to the inputs when any part is.
    fn kind(parts: &[Val], ignore: bool) -> Option<fn(f64) -> Val> {
        let any_missing = parts.contains(&Val::Missing);
        let any_input = parts.iter().any(|p| matches!(p, Val::Input(_)));
        if any_missing && (!ignore || !any_input) {
            None
        } else if any_input {
            Some(Val::Input)
        } else {
            Some(Val::Const)
        }
    }
}

fn finite(v: f64) -> Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EvalError::NotFinite)
    }
}

fn eval(
    e: &Expr,
    input: &dyn Fn(&str) -> Result<Val, EvalError>,
    ignore: bool,
) -> Result<Val, EvalError> {
    match e {
        Expr::Number(n) => finite(*n).map(Val::Const),
        Expr::Ref(name) => input(name),
        Expr::Neg(x) => Ok(match eval(x, input, ignore)? {
            Val::Const(v) => Val::Const(-v),
            Val::Input(v) => Val::Input(-v),
            Val::Missing => Val::Missing,
        }),
        Expr::Binary(op, l, r) => {
            let parts = [eval(l, input, ignore)?, eval(r, input, ignore)?];
            let Some(kind) = Val::kind(&parts, ignore) else {
                return Ok(Val::Missing);
            };
            let [a, b] = parts.map(|p| p.value().unwrap_or(op.neutral()));
            op.apply(a, b).map(kind)
        }
        Expr::Call(f, args) => {
            let parts = args
                .iter()
                .map(|a| eval(a, input, ignore))
                .collect::<Result<Vec<_>, _>>()?;
            let Some(kind) = Val::kind(&parts, ignore) else {
                return Ok(Val::Missing);
            };
            let mut present = parts.iter().filter_map(|p| p.value());
            let v = match f {
                Func::Min => present.reduce(f64::min),
                Func::Max => present.reduce(f64::max),
                Func::Abs => present.next().map(f64::abs),
                Func::Round => match parts.first().and_then(|x| x.value()) {
                    // round(∅, d) is missing even when d is present.
                    None => None,
                    Some(x) => {
                        let digits = parts.get(1).and_then(|d| d.value()).unwrap_or(0.0);
                        Some(round_to(x, digits))
                    }
                },
            };
            match v {
                Some(v) => finite(v).map(kind),
                None => Ok(Val::Missing),
            }
        }
    }
}

/// `x` rounded to `digits` decimals (negative: to tens, hundreds…), halves away from zero.
fn round_to(x: f64, digits: f64) -> f64 {
    // `as` saturates, and the clamp keeps 10^d finite.
    let d = digits.round().clamp(-308.0, 308.0) as i32;
    if d >= 0 {
        let scale = 10f64.powi(d);
        let scaled = x * scale;
        // Beyond 2^52 every f64 is already whole: nothing left to round.
        if !scaled.is_finite() || scaled.abs() >= 4_503_599_627_370_496.0 {
            x
        } else {
            scaled.round() / scale
        }
    } else {
        let scale = 10f64.powi(-d);
        (x / scale).round() * scale
    }
}

fn visit_refs(e: &Expr, f: &mut dyn FnMut(&str)) {
    match e {
        Expr::Number(_) => {}
        Expr::Ref(name) => f(name),
        Expr::Neg(x) => visit_refs(x, f),
        Expr::Binary(_, l, r) => {
            visit_refs(l, f);
            visit_refs(r, f);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| visit_refs(a, f)),
    }
}

fn rename_expr(e: &Expr, old: &str, new: &str) -> Expr {
    match e {
        Expr::Ref(name) if name == old => Expr::Ref(new.to_string()),
        Expr::Number(_) | Expr::Ref(_) => e.clone(),
        Expr::Neg(x) => Expr::Neg(Box::new(rename_expr(x, old, new))),
        Expr::Binary(op, l, r) => Expr::Binary(
            *op,
            Box::new(rename_expr(l, old, new)),
            Box::new(rename_expr(r, old, new)),
        ),
        Expr::Call(f, args) => {
            Expr::Call(*f, args.iter().map(|a| rename_expr(a, old, new)).collect())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Binding strength of a node when written: atoms bind tightest, then unary minus.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Binary(op, _, _) => op.precedence(),
        Expr::Neg(_) => 3,
        Expr::Number(_) | Expr::Ref(_) | Expr::Call(_, _) => 4,
    }
}

fn write_expr(e: &Expr, out: &mut String) {
    match e {
        Expr::Number(n) => out.push_str(&number_text(*n)),
        Expr::Ref(name) => {
            out.push('[');
            out.push_str(&name.replace(']', "]]"));
            out.push(']');
        }
        Expr::Neg(x) => {
            out.push('-');
            // `-(-x)` reads better than `--x`; both parse back to the same tree.
            write_wrapped(x, precedence(x) <= 3, out);
        }
        Expr::Binary(op, l, r) => {
            write_wrapped(l, precedence(l) < op.precedence(), out);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            // Left-associative: an operand of equal strength on the right needs parentheses.
            write_wrapped(r, precedence(r) <= op.precedence(), out);
        }
        Expr::Call(f, args) => {
            out.push_str(f.name());
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(a, out);
            }
            out.push(')');
        }
    }
}

fn write_wrapped(e: &Expr, parens: bool, out: &mut String) {
    if parens {
        out.push('(');
    }
    write_expr(e, out);
    if parens {
        out.push(')');
    }
}

/// A number in the shortest text that reads back to the same value; exponent form only for
/// very large or very small magnitudes.
fn number_text(n: f64) -> String {
    let a = n.abs();
    if a != 0.0 && !(1e-6..1e16).contains(&a) {
        format!("{n:e}")
    } else {
        format!("{n}")
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    End,
}

fn error(problem: ParseProblem, position: usize) -> FormulaError {
    FormulaError { problem, position }
}

/// A recursive-descent parser with one token of lookahead, read on demand so that the first
/// error in the text is the one reported.
struct Parser {
    chars: Vec<char>,
    /// Where the lexer continues.
    next: usize,
    tok: Token,
    /// Start and end (exclusive) of `tok`.
    start: usize,
    end: usize,
    /// Current recursion depth, bounded by [`MAX_DEPTH`].
    nesting: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Parser, FormulaError> {
        let mut p = Parser {
            chars: text.chars().collect(),
            next: 0,
            tok: Token::End,
            start: 0,
            end: 0,
            nesting: 0,
        };
        p.advance()?;
        Ok(p)
    }

    fn formula(mut self) -> Result<Formula, FormulaError> {
        if self.tok == Token::End {
            return Err(error(ParseProblem::Empty, self.start));
        }
        let (expr, _) = self.sum()?;
        match self.tok {
            Token::End => Ok(Formula { expr }),
            Token::RParen => Err(error(ParseProblem::UnmatchedClose, self.start)),
            Token::Comma => Err(error(ParseProblem::StrayComma, self.start)),
            _ => Err(error(
                ParseProblem::ExpectedOperator { found: self.text() },
                self.start,
            )),
        }
    }

    /// The source text of the current token.
    fn text(&self) -> String {
        self.chars
            .get(self.start..self.end)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    }

    fn advance(&mut self) -> Result<(), FormulaError> {
        let (tok, start, end) = self.lex()?;
        self.tok = tok;
        self.start = start;
        self.end = end;
        Ok(())
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn lex(&mut self) -> Result<(Token, usize, usize), FormulaError> {
        while self.at(self.next).is_some_and(char::is_whitespace) {
            self.next += 1;
        }
        let start = self.next;
        let Some(c) = self.at(start) else {
            return Ok((Token::End, start, start));
        };
        let simple = match c {
            '+' => Some(Token::Plus),
            '-' => Some(Token::Minus),
            '*' => Some(Token::Star),
            '/' => Some(Token::Slash),
            '(' => Some(Token::LParen),
            ')' => Some(Token::RParen),
            ',' => Some(Token::Comma),
            _ => None,
        };
        let tok = if let Some(t) = simple {
            self.next += 1;
            t
        } else if c == '[' {
            self.lex_name(start)?
        } else if c.is_ascii_digit() || c == '.' {
            self.lex_number(start)?
        } else if c.is_ascii_alphabetic() || c == '_' {
            let word = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
            Token::Ident(word)
        } else if c == ']' {
            return Err(error(ParseProblem::StrayCloseBracket, start));
        } else {
            return Err(error(
                ParseProblem::UnexpectedChar {
                    found: c.to_string(),
                },
                start,
            ));
        };
        Ok((tok, start, self.next))
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut s = String::new();
        while let Some(c) = self.at(self.next).filter(|c| keep(*c)) {
            s.push(c);
            self.next += 1;
        }
        s
    }

    /// `[name]`, with `]]` standing for `]`.
    fn lex_name(&mut self, start: usize) -> Result<Token, FormulaError> {
        let mut name = String::new();
        let mut i = start + 1;
        loop {
            match (self.at(i), self.at(i + 1)) {
                (None, _) => return Err(error(ParseProblem::UnclosedName, start)),
                (Some(']'), Some(']')) => {
                    name.push(']');
                    i += 2;
                }
                (Some(']'), _) => break,
                (Some(c), _) => {
                    name.push(c);
                    i += 1;
                }
            }
        }
        self.next = i + 1;
        if name.trim().is_empty() {
            return Err(error(ParseProblem::EmptyName, start));
        }
        Ok(Token::Name(name))
    }

    fn lex_number(&mut self, start: usize) -> Result<Token, FormulaError> {
        let is_digit = |c: char| c.is_ascii_digit();
        let mut text = self.take_while(is_digit);
        if self.at(self.next) == Some('.') {
            self.next += 1;
            text.push('.');
            text.push_str(&self.take_while(is_digit));
        }
        let mut ok = text.chars().any(is_digit);
        if ok && matches!(self.at(self.next), Some('e' | 'E')) {
            let sign = matches!(self.at(self.next + 1), Some('+' | '-'));
            let digits_at = self.next + 1 + usize::from(sign);
            if self.at(digits_at).is_some_and(is_digit) {
                text.extend(self.chars.get(self.next..digits_at).into_iter().flatten());
                self.next = digits_at;
                text.push_str(&self.take_while(is_digit));
            } else {
                ok = false;
            }
        }
        // Letters, digits or a dot run straight on: report the whole run as one bad number.
        let run_on = self
            .at(self.next)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !ok || run_on {
            self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            let bad: String = self
                .chars
                .get(start..self.next)
                .into_iter()
                .flatten()
                .collect();
            return Err(error(
                ParseProblem::NotANumber {
                    text: bad.to_string(),
                },
                start,
            ));
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Token::Number(v)),
            _ => Err(error(ParseProblem::NumberTooLarge { text }, start)),
        }
    }

    /// Enters one level of recursion, refusing to go deeper than [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<(), FormulaError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(too_deep(self.start));
        }
        Ok(())
    }

    /// `sum := product (("+" | "-") product)*`; returns the tree and its depth.
    fn sum(&mut self) -> Result<(Expr, usize), FormulaError> {
        self.enter()?;
        let (mut e, mut depth) = self.product()?;
        while let Some(op) = match self.tok {
            Token::Plus => Some(BinOp::Add),
            Token::Minus => Some(BinOp::Sub),
            _ => None,
        } {
            (e, depth) = self.binary(op, e, depth, Parser::product)?;
        }
        self.nesting -= 1;
        Ok((e, depth))
    }

    /// `product := unary (("*" | "/") unary)*`.
    fn product(&mut self) -> Result<(Expr, usize), FormulaError> {
        let (mut e, mut depth) = self.unary()?;
        while let Some(op) = match self.tok {
            Token::Star => Some(BinOp::Mul),
            Token::Slash => Some(BinOp::Div),
            _ => None,
        } {
            (e, depth) = self.binary(op, e, depth, Parser::unary)?;
        }
        Ok((e, depth))
    }

    /// Reads the operator and its right operand, joining them to `left`.
    fn binary(
        &mut self,
        op: BinOp,
        left: Expr,
        left_depth: usize,
        operand: fn(&mut Parser) -> Result<(Expr, usize), FormulaError>,
    ) -> Result<(Expr, usize), FormulaError> {
        let at = self.start;
        self.advance()?;
        if self.tok == Token::End {
            return Err(error(
                ParseProblem::EndsAfter {
                    op: op.symbol().into(),
                },
                self.start,
            ));
        }
        let (right, right_depth) = operand(self)?;
        let depth = 1 + left_depth.max(right_depth);
        if depth > MAX_DEPTH {
            return Err(too_deep(at));
        }
        Ok((Expr::Binary(op, Box::new(left), Box::new(right)), depth))
    }

    /// `unary := "-" unary | primary`.
    fn unary(&mut self) -> Result<(Expr, usize), FormulaError> {
        if self.tok != Token::Minus {
            return self.primary();
        }
        let at = self.start;
        self.enter()?;
        self.advance()?;
        if self.tok == Token::End {
            return Err(error(
                ParseProblem::EndsAfter { op: "-".into() },
                self.start,
            ));
        }
        let (x, depth) = self.unary()?;
        self.nesting -= 1;
        if depth + 1 > MAX_DEPTH {
            return Err(too_deep(at));
        }
        Ok((Expr::Neg(Box::new(x)), depth + 1))
    }

    /// `primary := number | [name] | function(args) | (sum)`.
    fn primary(&mut self) -> Result<(Expr, usize), FormulaError> {
        let at = self.start;
        match std::mem::replace(&mut self.tok, Token::End) {
            Token::Number(n) => {
                self.advance()?;
                Ok((Expr::Number(n), 1))
            }
            Token::Name(name) => {
                self.advance()?;
                Ok((Expr::Ref(name), 1))
            }
            Token::LParen => {
                self.advance()?;
                let inner = self.sum()?;
                self.close(at)?;
                Ok(inner)
            }
            Token::Ident(word) => self.call(&word, at),
            Token::End => Err(error(ParseProblem::EndsEarly, at)),
            other => {
                self.tok = other;
                Err(error(
                    ParseProblem::ExpectedValue { found: self.text() },
                    at,
                ))
            }
        }
    }

    /// Expects the `)` that closes the `(` at `open`.
    fn close(&mut self, open: usize) -> Result<(), FormulaError> {
        match self.tok {
            Token::RParen => self.advance(),
            Token::End => Err(error(ParseProblem::UnclosedParen, open)),
            _ => Err(error(
                ParseProblem::ExpectedOperatorOrClose { found: self.text() },
                self.start,
            )),
        }
    }

    /// A function call whose name `word` starts at `at`; the name is the current token.
    fn call(&mut self, word: &str, at: usize) -> Result<(Expr, usize), FormulaError> {
        // Decide on the next character rather than the next token, so that an error in what
        // follows does not hide the (earlier) problem with this word.
        let rest = self.chars.get(self.next..).unwrap_or_default();
        let paren = rest.iter().find(|c| !c.is_whitespace()) == Some(&'(');
        match (Func::by_name(word), paren) {
            (Some(f), true) => {
                self.advance()?;
                let open = self.start;
                self.arguments(f, at, open)
            }
            (None, true) => Err(error(
                ParseProblem::UnknownFunction {
                    name: word.to_string(),
                },
                at,
            )),
            (Some(f), false) => Err(error(
                ParseProblem::NeedsParentheses {
                    function: f.name().into(),
                },
                at,
            )),
            (None, false) => Err(error(
                ParseProblem::NameNeedsBrackets {
                    word: word.to_string(),
                },
                at,
            )),
        }
    }

    /// The `(a, b, …)` of a call to `f` named at `at`, whose `(` is the current token at `open`.
    fn arguments(
        &mut self,
        f: Func,
        at: usize,
        open: usize,
    ) -> Result<(Expr, usize), FormulaError> {
        self.advance()?;
        let mut args = Vec::new();
        let mut depth = 0;
        if self.tok == Token::RParen {
            self.advance()?;
        } else {
            loop {
                if self.tok == Token::End {
                    return Err(error(ParseProblem::UnclosedParen, open));
                }
                let (arg, d) = self.sum()?;
                args.push(arg);
                depth = depth.max(d);
                match self.tok {
                    Token::Comma => self.advance()?,
                    Token::RParen => {
                        self.advance()?;
                        break;
                    }
                    Token::End => return Err(error(ParseProblem::UnclosedParen, open)),
                    _ => {
                        return Err(error(
                            ParseProblem::ExpectedArgumentEnd { found: self.text() },
                            self.start,
                        ))
                    }
                }
            }
        }
        if let Some(takes) = f.arity_problem(args.len()) {
            return Err(error(
                ParseProblem::WrongArity {
                    function: f.name().into(),
                    takes,
                    given: args.len(),
                },
                at,
            ));
        }
        if depth + 1 > MAX_DEPTH {
            return Err(too_deep(at));
        }
        Ok((Expr::Call(f, args), depth + 1))
    }
}

fn too_deep(at: usize) -> FormulaError {
    error(ParseProblem::TooDeep, at)
}

// ---------------------------------------------------------------------------------------------
// Dependencies between the formulas of a map

/// The first dependency cycle among formula measures, as the names along it (first name
/// repeated at the end), or None. "First" follows the order of `formulas` and of each one's
/// references. Names compare exactly (case-sensitive), as references do.
pub fn find_cycle(formulas: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    evaluation_order(formulas).err()
}

/// An evaluation order in which every formula comes after the formulas it reads (Err(cycle)
/// when there is one). Each formula's name appears once; references to measures that are not
/// in `formulas` (entered or imported measures) are inputs and impose no order. A name listed
/// twice has the references of both entries.
pub fn evaluation_order(formulas: &[(String, Vec<String>)]) -> Result<Vec<String>, Vec<String>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in formulas {
        index.entry(name.as_str()).or_insert_with(|| {
            names.push(name.as_str());
            names.len() - 1
        });
    }
    let mut reads: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (name, refs) in formulas {
        if let Some(&i) = index.get(name.as_str()) {
            reads[i].extend(refs.iter().filter_map(|r| index.get(r.as_str()).copied()));
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; names.len()];
    let mut order = Vec::with_capacity(names.len());
    // Depth-first, iteratively (a long chain of formulas must not exhaust the stack): each
    // frame is a formula and the position of the next reference to follow.
    for root in 0..names.len() {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match reads[node].get(*next).copied() {
                Some(child) => {
                    *next += 1;
                    match mark[child] {
                        Mark::New => {
                            mark[child] = Mark::Open;
                            stack.push((child, 0));
                        }
                        Mark::Open => {
                            let from = stack.iter().position(|&(n, _)| n == child).unwrap_or(0);
                            let mut cycle: Vec<String> = stack[from..]
                                .iter()
                                .map(|&(n, _)| names[n].to_string())
                                .collect();
                            cycle.push(names[child].to_string());
                            return Err(cycle);
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    mark[node] = Mark::Done;
                    order.push(names[node].to_string());
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Formula {
        Formula::parse(text).unwrap()
    }

    /// Evaluates with the given inputs; names not listed are missing.
    fn eval_with(
        text: &str,
        inputs: &[(&str, f64)],
        missing: MissingData,
    ) -> Result<Option<f64>, EvalError> {
        let lookup = |name: &str| inputs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        parse(text).eval(&lookup, missing)
    }

    /// The value of a formula without inputs.
    fn value(text: &str) -> f64 {
        eval_with(text, &[], MissingData::Blank).unwrap().unwrap()
    }

    fn err(text: &str) -> (String, usize) {
        let e = Formula::parse(text).unwrap_err();
        (e.message(), e.position)
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(value("12"), 12.0);
        assert_eq!(value("3.5"), 3.5);
        assert_eq!(value(".5"), 0.5);
        assert_eq!(value("5."), 5.0);
        assert_eq!(value("1e3"), 1000.0);
        assert_eq!(value("2.5E-2"), 0.025);
        assert_eq!(value("1e+2"), 100.0);
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(value("1 + 2 * 3"), 7.0);
        assert_eq!(value("(1 + 2) * 3"), 9.0);
        assert_eq!(value("10 - 4 - 3"), 3.0); // (10 − 4) − 3, not 10 − (4 − 3)
        assert_eq!(value("100 / 10 / 5"), 2.0); // (100 ÷ 10) ÷ 5
        assert_eq!(value("2 * 3 / 4"), 1.5);
        assert_eq!(value("1 - 2 + 3"), 2.0);
        assert_eq!(value("8 / 2 * 4"), 16.0);
        assert_eq!(parse("1 - 2 - 3").to_text(), "1 - 2 - 3");
        assert_eq!(parse("1 - (2 - 3)").to_text(), "1 - (2 - 3)");
        assert_eq!(parse("(1 * 2) + (3 / 4)").to_text(), "1 * 2 + 3 / 4");
    }

    #[test]
    fn unary_minus() {
        assert_eq!(value("-3"), -3.0);
        assert_eq!(value("--3"), 3.0);
        assert_eq!(value("-2 * 3"), -6.0);
        assert_eq!(value("2 * -3"), -6.0);
        assert_eq!(value("2 - -3"), 5.0);
        assert_eq!(value("-(2 + 3)"), -5.0);
        assert_eq!(value("-2 + 3"), 1.0); // (−2) + 3: unary minus binds tighter
        assert_eq!(parse("--3").to_text(), "-(-3)");
        assert_eq!(parse("- ( 2+3 )").to_text(), "-(2 + 3)");
    }

    #[test]
    fn functions() {
        assert_eq!(value("min(3, 1, 2)"), 1.0);
        assert_eq!(value("MAX(3, 1, 2)"), 3.0);
        assert_eq!(value("Min(7)"), 7.0);
        assert_eq!(value("abs(-4.5)"), 4.5);
        assert_eq!(value("round(2.5)"), 3.0);
        assert_eq!(value("round(-2.5)"), -3.0); // halves away from zero
        assert_eq!(value("round(2.71828, 2)"), 2.72);
        assert_eq!(value("round(1234.5, -2)"), 1200.0);
        assert_eq!(value("round(1e300, 20)"), 1e300); // too large to scale: already whole
        assert_eq!(value("1 + max(1, 2) * 3"), 7.0);
        assert_eq!(parse("ROUND( [a] ,2 )").to_text(), "round([a], 2)");
    }

    #[test]
    fn references_in_order_of_first_appearance() {
        let f = parse(
            "[Gross profit] / [Revenue] * 100 + [Gross profit] - min([Cost [€]]], [Revenue])",
        );
        assert_eq!(
            f.references(),
            names(&["Gross profit", "Revenue", "Cost [€]"])
        );
        assert_eq!(parse("1 + 2").references(), Vec::<String>::new());
        // Names are exact: these are two different measures.
        assert_eq!(
            parse("[revenue] + [Revenue]").references(),
            names(&["revenue", "Revenue"])
        );
    }

    #[test]
    fn measure_names_with_spaces_symbols_and_escaped_brackets() {
        let f = parse("[On-time delivery % (all sites)] + [a]]b] + [[x]]]");
        assert_eq!(
            f.references(),
            names(&["On-time delivery % (all sites)", "a]b", "[x]"])
        );
        assert_eq!(
            f.to_text(),
            "[On-time delivery % (all sites)] + [a]]b] + [[x]]]"
        );
        let v = f.eval(&|_| Some(1.0), MissingData::Blank);
        assert_eq!(v, Ok(Some(3.0)));
    }

    #[test]
    fn canonical_text() {
        assert_eq!(
            parse("  [Gross profit]/[Revenue]*100 ").to_text(),
            "[Gross profit] / [Revenue] * 100"
        );
        assert_eq!(parse("[a] / ([b] * 100)").to_text(), "[a] / ([b] * 100)");
        assert_eq!(
            parse("1e20 + 0.0000001 + 1.50").to_text(),
            "1e20 + 1e-7 + 1.5"
        );
        assert_eq!(parse("abs(-[x])").to_text(), "abs(-[x])");
        assert_eq!(parse("-[x] * 2").to_text(), "-[x] * 2");
        assert_eq!(parse("-([x] * 2)").to_text(), "-([x] * 2)");
        let f = parse("[a]");
        assert_eq!(f.to_string(), "[a]");
        assert_eq!("[a]".parse::<Formula>(), Ok(f));
    }

    #[test]
    fn serde_as_text() {
        let f = parse("[a]+1");
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"[a] + 1\"");
        assert_eq!(serde_json::from_str::<Formula>("\"[a] + 1\"").unwrap(), f);
        assert!(serde_json::from_str::<Formula>("\"[a] +\"").is_err());
        assert_eq!(
            serde_json::to_string(&MissingData::Ignore).unwrap(),
            "\"ignore\""
        );
        assert_eq!(
            serde_json::to_string(&EvalError::DivisionByZero).unwrap(),
            "\"division_by_zero\""
        );
    }

    #[test]
    fn error_positions() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "the formula is empty"),
            ("   ", 3, "the formula is empty"),
            ("[Revenue", 0, "this [ is never closed"),
            ("1 + [Revenue", 4, "this [ is never closed"),
            ("[a]]", 0, "this [ is never closed"), // ]] is an escaped ], so the name never ends
            ("[]", 0, "the measure name between [ and ] is empty"),
            ("2 * [  ]", 4, "the measure name between [ and ] is empty"),
            ("foo(1)", 0, "unknown function “foo”"),
            ("1 + sqrt([a])", 4, "unknown function “sqrt”"),
            (
                "abs(1, 2)",
                0,
                "abs takes exactly 1 argument, not 2 arguments",
            ),
            ("round()", 0, "round takes 1 or 2 arguments"),
            ("1 + round(1, 2, 3)", 4, "round takes 1 or 2 arguments"),
            ("min()", 0, "min takes at least 1 argument, not 0 arguments"),
            ("1 2", 2, "expected an operator (+ - * /) before “2”"),
            ("[a] [b]", 4, "expected an operator (+ - * /) before “[b]”"),
            ("1 )", 2, "this ) has no matching ("),
            ("1, 2", 1, "a , only separates a function's arguments"),
            ("1 +", 3, "the formula ends after “+”"),
            ("1 + ", 4, "the formula ends after “+”"),
            ("-", 1, "the formula ends after “-”"),
            ("(1", 0, "this ( is never closed"),
            ("2 * (1 + (3)", 4, "this ( is never closed"),
            ("(1 2)", 3, "expected an operator or ) before “2”"),
            ("max(1, 2", 3, "this ( is never closed"),
            ("max(1,", 3, "this ( is never closed"),
            ("max(1 2)", 6, "expected an operator, “,” or ) before “2”"),
            (
                "min(1,)",
                6,
                "expected a number, a [measure], a function or (, not “)”",
            ),
            (
                "1 + * 2",
                4,
                "expected a number, a [measure], a function or (, not “*”",
            ),
            ("()", 1, "expected a number"),
            (
                "Revenue / 2",
                0,
                "measure names go in square brackets: [Revenue]",
            ),
            ("abs 3", 0, "abs needs its arguments in parentheses"),
            ("1 # 2", 2, "unexpected character “#”"),
            ("a]", 0, "measure names go in square brackets"),
            ("1 ]", 2, "this ] closes no measure name"),
            ("1.2.3", 0, "“1.2.3” is not a number"),
            ("2 * 1e", 4, "“1e” is not a number"),
            ("12abc", 0, "“12abc” is not a number"),
            (".", 0, "“.” is not a number"),
            ("1e999", 0, "the number 1e999 is too large"),
            // Positions count characters, not bytes.
            ("[Coût] + é", 9, "unexpected character “é”"),
        ];
        for (text, position, message) in cases {
            let (m, p) = err(text);
            assert!(
                m.starts_with(message),
                "{text:?}: {m:?} should start with {message:?}"
            );
            assert_eq!(p, *position, "{text:?}: {m}");
        }
    }

    #[test]
    fn errors_are_worded_in_the_page_language() {
        use crate::i18n::Locale;
        let e = Formula::parse("1 +").unwrap_err();
        assert_eq!(
            e.text(Locale::de),
            "die Formel endet nach „+“; erwartet wird eine Zahl, eine [Kennzahl], eine Funktion \
             oder ( (bei Zeichen 4)"
        );
        assert_eq!(e.text(Locale::en), e.to_string());
        let e = Formula::parse("abs(1, 2)").unwrap_err();
        assert_eq!(
            e.problem.text(Locale::de),
            "abs braucht genau 1 Argument, nicht 2"
        );
    }

    #[test]
    fn error_display_counts_from_one() {
        let e = Formula::parse("1 +").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the formula ends after “+”; expected a number, a [measure], a function or ( at character 4"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(err(&deep).0.contains("nests more than 100"));
        assert!(err(&"-".repeat(5000)).0.contains("nests more than 100"));
        let long_sum = vec!["1"; 5000].join(" + ");
        assert!(err(&long_sum).0.contains("nests more than 100"));
        let nested_calls = format!("{}1{}", "abs(".repeat(500), ")".repeat(500));
        assert!(err(&nested_calls).0.contains("nests more than 100"));
        // Well within the limit.
        assert_eq!(value(&vec!["1"; 90].join(" + ")), 90.0);
        assert_eq!(
            value(&format!("{}1{}", "(".repeat(90), ")".repeat(90))),
            1.0
        );
    }

    #[test]
    fn missing_data_blank() {
        let m = MissingData::Blank;
        let f = "[a] + [b] * 2";
        assert_eq!(eval_with(f, &[("a", 1.0), ("b", 2.0)], m), Ok(Some(5.0)));
        assert_eq!(eval_with(f, &[("a", 1.0)], m), Ok(None));
        assert_eq!(eval_with(f, &[], m), Ok(None));
        // A missing input wins over an error elsewhere: there is no result for the period.
        assert_eq!(eval_with("[a] + 1 / 0", &[], m), Ok(None));
        assert_eq!(eval_with("min([a], [b])", &[("a", 1.0)], m), Ok(None));
        assert_eq!(eval_with("2 + 3", &[], m), Ok(Some(5.0)));
    }

    #[test]
    fn missing_data_zero() {
        let m = MissingData::Zero;
        let f = "[a] + [b] * 2";
        assert_eq!(eval_with(f, &[("a", 1.0)], m), Ok(Some(1.0)));
        assert_eq!(eval_with(f, &[("b", 3.0)], m), Ok(Some(6.0)));
        assert_eq!(eval_with(f, &[], m), Ok(Some(0.0)));
        assert_eq!(eval_with("min([a], [b])", &[("a", 5.0)], m), Ok(Some(0.0)));
        // A missing divisor counts as 0.
        assert_eq!(
            eval_with("[a] / [b]", &[("a", 5.0)], m),
            Err(EvalError::DivisionByZero)
        );
    }

    #[test]
    fn missing_data_ignore() {
        let m = MissingData::Ignore;
        let a = ("a", 6.0);
        let b = ("b", 3.0);
        type Case<'a> = (&'a str, &'a [(&'a str, f64)], Option<f64>);
        let cases: &[Case] = &[
            // + and − treat a missing side as 0.
            ("[a] + [b]", &[a], Some(6.0)),
            ("[a] + [b]", &[b], Some(3.0)),
            ("[a] - [b]", &[a], Some(6.0)),
            ("[a] - [b]", &[b], Some(-3.0)),
            // × and ÷ treat a missing side as 1.
            ("[a] * [b]", &[a], Some(6.0)),
            ("[a] * [b]", &[b], Some(3.0)),
            ("[a] / [b]", &[a], Some(6.0)),
            ("[a] / [b]", &[b], Some(1.0 / 3.0)),
            // Everything missing: missing.
            ("[a] + [b]", &[], None),
            ("[a] * 100", &[], None),
            ("[a] + 1", &[], None),
            ("-[a]", &[], None),
            ("abs([a])", &[], None),
            ("round([a], 2)", &[], None),
            ("round([a], [b])", &[b], None), // the value to round is missing
            ("round([a] / 4, [b])", &[a], Some(2.0)), // missing digits: round to whole
            // A part whose inputs are all missing is dropped as a whole.
            ("([a] + 2) * [b]", &[b], Some(3.0)),
            ("([a] + [b]) * 100 + [c]", &[("c", 5.0)], Some(5.0)),
            ("[a] * 100 + [b]", &[b], Some(3.0)),
            // Constants keep their meaning when an input is there.
            ("([a] + 2) * [b]", &[a, b], Some(24.0)),
            ("[a] + [b] + 1", &[a], Some(7.0)),
            // min and max skip missing arguments.
            ("min([a], [b], [c])", &[a, b], Some(3.0)),
            ("max([a], [b], [c])", &[b], Some(3.0)),
            ("max([a], [b])", &[], None),
            ("max([a], 10)", &[], None),
            ("max([a], [b], 10)", &[b], Some(10.0)),
            ("2 * 3", &[], Some(6.0)),
        ];
        for (text, inputs, want) in cases {
            assert_eq!(
                eval_with(text, inputs, m),
                Ok(*want),
                "{text} with {inputs:?}"
            );
        }
        // ∅ ÷ 0 is 1 ÷ 0.
        assert_eq!(
            eval_with("[a] / [b]", &[("b", 0.0)], m),
            Err(EvalError::DivisionByZero)
        );
    }

    #[test]
    fn division_by_zero_and_overflow() {
        for m in MissingData::ALL {
            assert_eq!(
                eval_with("[a] / [b]", &[("a", 1.0), ("b", 0.0)], m),
                Err(EvalError::DivisionByZero)
            );
            assert_eq!(eval_with("0 / 0", &[], m), Err(EvalError::DivisionByZero));
            assert_eq!(eval_with("1 / -0", &[], m), Err(EvalError::DivisionByZero));
            assert_eq!(eval_with("1e308 * 10", &[], m), Err(EvalError::NotFinite));
            assert_eq!(
                eval_with("[a] + 1", &[("a", f64::NAN)], m),
                Err(EvalError::NotFinite)
            );
            assert_eq!(
                eval_with("[a] - 1", &[("a", f64::INFINITY)], m),
                Err(EvalError::NotFinite)
            );
        }
        assert_eq!(EvalError::DivisionByZero.to_string(), "division by zero");
        assert_eq!(
            EvalError::NotFinite.to_string(),
            "the result is too large or not a number"
        );
    }

    #[test]
    fn missing_data_names() {
        for m in MissingData::ALL {
            assert_eq!(m.as_str().parse::<MissingData>(), Ok(m));
            assert!(!m.label().is_empty());
        }
        assert_eq!(MissingData::default(), MissingData::Blank);
        assert!("skip".parse::<MissingData>().is_err());
    }

    #[test]
    fn rename_round_trip() {
        let f = parse("[Revenue] - [Cost] + min([Revenue], 3) * -[Revenue]");
        let g = f.rename("Revenue", "Net sales [€]");
        assert_eq!(
            g.to_text(),
            "[Net sales [€]]] - [Cost] + min([Net sales [€]]], 3) * -[Net sales [€]]]"
        );
        assert_eq!(g.references(), names(&["Net sales [€]", "Cost"]));
        assert_eq!(Formula::parse(&g.to_text()), Ok(g.clone()));
        assert_eq!(g.rename("Net sales [€]", "Revenue"), f);
        // Exact names only.
        assert_eq!(f.rename("revenue", "x"), f);
    }

    #[test]
    fn cycles() {
        let fs = |v: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
            v.iter().map(|(n, r)| (n.to_string(), names(r))).collect()
        };
        // Self-reference.
        assert_eq!(find_cycle(&fs(&[("a", &["a"])])), Some(names(&["a", "a"])));
        // Two formulas reading each other.
        assert_eq!(
            find_cycle(&fs(&[("a", &["x", "b"]), ("b", &["a"])])),
            Some(names(&["a", "b", "a"]))
        );
        // Three, found from wherever the search enters the loop.
        assert_eq!(
            find_cycle(&fs(&[
                ("s", &["a"]),
                ("a", &["b"]),
                ("b", &["c"]),
                ("c", &["a"])
            ])),
            Some(names(&["a", "b", "c", "a"]))
        );
        // A diamond is no cycle: top reads l and r, both read base.
        let diamond = fs(&[
            ("top", &["l", "r"]),
            ("l", &["base", "x"]),
            ("r", &["base"]),
            ("base", &["y"]),
        ]);
        assert_eq!(find_cycle(&diamond), None);
        assert_eq!(
            evaluation_order(&diamond),
            Ok(names(&["base", "l", "r", "top"]))
        );
        // Names are case-sensitive: "A" is an input, not the formula "a".
        assert_eq!(find_cycle(&fs(&[("a", &["A"])])), None);
        assert_eq!(evaluation_order(&[]), Ok(vec![]));
        assert_eq!(
            evaluation_order(&fs(&[("a", &["b"]), ("b", &["a"])])),
            Err(names(&["a", "b", "a"]))
        );
        // A long chain needs no deep recursion.
        let chain: Vec<(String, Vec<String>)> = (0..100_000)
            .map(|i| (format!("m{i}"), vec![format!("m{}", i + 1)]))
            .collect();
        let order = evaluation_order(&chain).unwrap();
        assert_eq!(order.first().map(String::as_str), Some("m99999"));
        assert_eq!(order.len(), 100_000);
    }

    /// Formulas as the parser builds them: number literals are never negative (a minus is Neg).
    fn arb_expr() -> impl Strategy<Value = Expr> {
        let number = any::<f64>()
            .prop_map(f64::abs)
            .prop_filter("finite", |n| n.is_finite())
            .prop_map(Expr::Number);
        let name = ".{1,6}".prop_filter("not blank", |s: &String| !s.trim().is_empty());
        let leaf = prop_oneof![
            number,
            name.prop_map(Expr::Ref),
            (0u32..1000).prop_map(|n| Expr::Number(n.into()))
        ];
        leaf.prop_recursive(5, 40, 4, |inner| {
            let op = prop_oneof![
                Just(BinOp::Add),
                Just(BinOp::Sub),
                Just(BinOp::Mul),
                Just(BinOp::Div)
            ];
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (op, inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                )),
                proptest::collection::vec(inner.clone(), 1..4)
                    .prop_map(|a| Expr::Call(Func::Min, a)),
                proptest::collection::vec(inner.clone(), 1..4)
                    .prop_map(|a| Expr::Call(Func::Max, a)),
                inner.clone().prop_map(|e| Expr::Call(Func::Abs, vec![e])),
                proptest::collection::vec(inner, 1..3).prop_map(|a| Expr::Call(Func::Round, a)),
            ]
        })
    }

    proptest! {
        #[test]
        fn text_round_trips(expr in arb_expr()) {
            let f = Formula { expr };
            let text = f.to_text();
            prop_assert_eq!(Formula::parse(&text), Ok(f.clone()), "{}", text);
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,40}") {
            let _ = Formula::parse(&text);
        }

        #[test]
        fn parser_never_panics_on_formula_like_text(text in "[\\[\\]()+*/,.eE0-9a-z -]{0,40}") {
            if let Ok(f) = Formula::parse(&text) {
                // Whatever parses, evaluates without panicking and writes back to itself.
                let _ = f.eval(&|_| Some(1.5), MissingData::Ignore);
                prop_assert_eq!(Formula::parse(&f.to_text()), Ok(f));
            }
        }

        #[test]
        fn error_positions_are_inside_the_text(text in "\\PC{0,40}") {
            if let Err(e) = Formula::parse(&text) {
                prop_assert!(e.position <= text.chars().count());
            }
        }

        #[test]
        fn eval_never_panics(expr in arb_expr(), v in any::<f64>(), m in 0usize..3) {
            let f = Formula { expr };
            let missing = MissingData::ALL[m];
            let _ = f.eval(&|n| (n.len() % 2 == 0).then_some(v), missing);
            // Blank and Ignore agree whenever every input is present.
            let all = |_: &str| Some(2.0);
            prop_assert_eq!(f.eval(&all, MissingData::Blank), f.eval(&all, MissingData::Ignore));
            prop_assert_eq!(f.eval(&all, MissingData::Blank), f.eval(&all, MissingData::Zero));
        }

        #[test]
        fn ignore_is_missing_exactly_when_every_input_is(expr in arb_expr(), present in any::<u64>()) {
            let f = Formula { expr };
            let refs = f.references();
            let has = |n: &str| refs.iter().position(|r| r == n).is_some_and(|i| present >> (i % 64) & 1 == 1);
            let lookup = |n: &str| has(n).then_some(1.0);
            // round(∅, d) is the one place a present input does not rescue a missing one.
            prop_assume!(!f.to_text().contains("round("));
            if let Ok(v) = f.eval(&lookup, MissingData::Ignore) {
                let all_missing = !refs.is_empty() && refs.iter().all(|r| !has(r));
                prop_assert_eq!(v.is_none(), all_missing);
            }
        }
    }
}
