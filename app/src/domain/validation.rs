//! The rules every write path obeys (forms, server functions, REST, imports, the live canvas).
//! Each is a pure function returning a typed error that names the field and what is wrong.

use super::ids::*;
use super::model::*;
use crate::i18n::{td_string, Locale};
use std::collections::{HashMap, HashSet};

/// Longest objective title: still readable wrapped in a map box.
pub const MAX_TITLE: usize = 120;
/// Longest free text (descriptions, vision, notes).
pub const MAX_TEXT: usize = 4000;
/// Longest short name (units, themes, perspectives, people).
pub const MAX_NAME: usize = 200;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Why a write was refused. The message is shown to the user as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ValidationError {
    #[error("{field} must not be empty")]
    Empty { field: String },
    #[error("{field} is too long: {len} characters, at most {max}")]
    TooLong {
        field: String,
        len: usize,
        max: usize,
    },
    #[error("{field} must be a finite number")]
    NotFinite { field: String },
    #[error("{field} must be between {min} and {max}")]
    OutOfRange { field: String, min: f64, max: f64 },
    #[error("\"{0}\" is not an email address")]
    BadEmail(String),
    #[error("the password must have at least {MIN_PASSWORD} characters")]
    PasswordTooShort,
    #[error("\"{0}\" is not a colour; write it as #rrggbb")]
    BadColour(String),
    #[error("an objective cannot drive itself")]
    SelfLink,
    #[error("these two objectives are already linked")]
    DuplicateLink,
    #[error("both ends of a link must be on the same map")]
    LinkAcrossMaps,
    #[error("the {0} is not on this map")]
    NotOnMap(String),
    #[error("the strategy period ends before it starts")]
    PeriodReversed,
    #[error("the end date is before the start date")]
    DatesReversed,
    #[error("goal and red flag must differ, or the measure cannot be scored")]
    GoalEqualsRedFlag,
    #[error("an org unit cannot be placed under itself or one of its own units")]
    OrgUnitCycle,
    #[error("a unit objective can only support an objective on its parent unit's map")]
    AlignmentNotToParent,
    #[error("this alignment already exists")]
    DuplicateAlignment,
    #[error("a proposal may only add or reword objectives and add or remove links")]
    ProposalChangeNotAllowed,
    #[error("a proposal can only go from a unit's map to a map of its parent unit")]
    ProposalNotToParent,
    #[error("an initiative may have at most {max} milestones")]
    TooManyMilestones { max: usize },
    #[error("{field}: at most {max} entries")]
    TooManyEntries { field: String, max: usize },
    #[error("an initiative can only move objectives on its own unit's maps")]
    ObjectiveOfAnotherUnit,
    #[error("the map already has a measure called \"{0}\"; formulas refer to measures by name")]
    DuplicateMeasureName(String),
    #[error("formula: {0}")]
    BadFormula(FormulaProblem),
    #[error("custom scoring: {0}")]
    BadBands(BandsProblem),
    #[error("\"{0}\" is a formula measure: its values are computed, not entered")]
    ComputedMeasure(String),
    #[error("\"{0}\" is not a health-check rule")]
    UnknownHealthRule(String),
    #[error("dashboard layout: {0}")]
    BadLayout(LayoutProblem),
    #[error("display link: {0}")]
    BadDisplayLink(DisplayLinkProblem),
    #[error("\"{0}\" is not a language Cairn speaks")]
    UnknownLanguage(String),
    #[error("\"{0}\" is not a currency code; write it as three letters, e.g. EUR")]
    BadCurrency(String),
    #[error("{0}: an entry appears twice")]
    Duplicate(String),
    #[error("every statement needs an answer from 1 to 5, and each only once")]
    Unanswered,
}

impl ValidationError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        use ValidationError as V;
        let num = |v: usize| crate::i18n::format_number(locale, v as f64, 0);
        match self {
            V::Empty { field } => {
                let field = field_name(locale, field);
                td_string!(locale, errors.validation.empty, field).to_string()
            }
            V::TooLong { field, len, max } => {
                let field = field_name(locale, field);
                let (len, max) = (num(*len), num(*max));
                td_string!(locale, errors.validation.too_long, field, len, max).to_string()
            }
            V::NotFinite { field } => {
                let field = field_name(locale, field);
                td_string!(locale, errors.validation.not_finite, field).to_string()
            }
            V::OutOfRange { field, min, max } => {
                let field = field_name(locale, field);
                let bound = |v: f64| crate::i18n::format_number(locale, v, decimals_of(v));
                let (min, max) = (bound(*min), bound(*max));
                td_string!(locale, errors.validation.out_of_range, field, min, max).to_string()
            }
            V::BadEmail(value) => {
                td_string!(locale, errors.validation.bad_email, value).to_string()
            }
            V::PasswordTooShort => {
                let min = num(MIN_PASSWORD);
                td_string!(locale, errors.validation.password_too_short, min).to_string()
            }
            V::BadColour(value) => {
                td_string!(locale, errors.validation.bad_colour, value).to_string()
            }
            V::SelfLink => td_string!(locale, errors.validation.self_link).to_string(),
            V::DuplicateLink => td_string!(locale, errors.validation.duplicate_link).to_string(),
            V::LinkAcrossMaps => td_string!(locale, errors.validation.link_across_maps).to_string(),
            V::NotOnMap(what) => match what.as_str() {
                "perspective" => {
                    td_string!(locale, errors.validation.not_on_map.perspective).to_string()
                }
                "theme" => td_string!(locale, errors.validation.not_on_map.theme).to_string(),
                "objective" => {
                    td_string!(locale, errors.validation.not_on_map.objective).to_string()
                }
                other => {
                    let what = crate::error::thing_name(locale, other);
                    td_string!(locale, errors.validation.not_on_map.other, what).to_string()
                }
            },
            V::PeriodReversed => td_string!(locale, errors.validation.period_reversed).to_string(),
            V::DatesReversed => td_string!(locale, errors.validation.dates_reversed).to_string(),
            V::GoalEqualsRedFlag => {
                td_string!(locale, errors.validation.goal_equals_red_flag).to_string()
            }
            V::OrgUnitCycle => td_string!(locale, errors.validation.org_unit_cycle).to_string(),
            V::AlignmentNotToParent => {
                td_string!(locale, errors.validation.alignment_not_to_parent).to_string()
            }
            V::ProposalChangeNotAllowed => {
                td_string!(locale, errors.validation.proposal_change_not_allowed).to_string()
            }
            V::ProposalNotToParent => {
                td_string!(locale, errors.validation.proposal_not_to_parent).to_string()
            }
            V::TooManyMilestones { max } => {
                let max = num(*max);
                td_string!(locale, errors.validation.too_many_milestones, max).to_string()
            }
            V::TooManyEntries { field, max } => {
                let field = field_name(locale, field);
                let max = num(*max);
                td_string!(locale, errors.validation.too_many_entries, field, max).to_string()
            }
            V::ObjectiveOfAnotherUnit => {
                td_string!(locale, errors.validation.objective_of_another_unit).to_string()
            }
            V::DuplicateAlignment => {
                td_string!(locale, errors.validation.duplicate_alignment).to_string()
            }
            V::DuplicateMeasureName(name) => {
                td_string!(locale, errors.validation.duplicate_measure_name, name).to_string()
            }
            V::BadFormula(p) => {
                let detail = p.text(locale);
                td_string!(locale, errors.validation.bad_formula, detail).to_string()
            }
            V::BadBands(p) => {
                let detail = p.text(locale);
                td_string!(locale, errors.validation.bad_bands, detail).to_string()
            }
            V::ComputedMeasure(name) => {
                td_string!(locale, errors.validation.computed_measure, name).to_string()
            }
            V::UnknownHealthRule(rule) => {
                td_string!(locale, errors.validation.unknown_health_rule, rule).to_string()
            }
            V::BadLayout(p) => {
                let detail = p.text(locale);
                td_string!(locale, errors.validation.bad_layout, detail).to_string()
            }
            V::BadDisplayLink(p) => {
                let detail = p.text(locale);
                td_string!(locale, errors.validation.bad_display_link, detail).to_string()
            }
            V::UnknownLanguage(tag) => {
                td_string!(locale, errors.validation.unknown_language, tag).to_string()
            }
            V::BadCurrency(code) => {
                td_string!(locale, errors.validation.bad_currency, code).to_string()
            }
            V::Duplicate(field) => {
                let field = field_name(locale, field);
                td_string!(locale, errors.validation.duplicate, field).to_string()
            }
            V::Unanswered => td_string!(locale, errors.validation.unanswered).to_string(),
        }
    }
}

/// Decimals enough to show a range bound as it is (0 for whole numbers, else up to 4).
fn decimals_of(v: f64) -> u8 {
    (0..4u8)
        .find(|d| {
            let scaled = v * 10f64.powi(i32::from(*d));
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(4)
}

/// A field's name in `locale`. Callers name fields in English ("Title", "Red flag"); a name
/// this list does not know is shown as given.
pub fn field_name(locale: Locale, field: &str) -> String {
    match field {
        "Password" => td_string!(locale, errors.field.password),
        "Name" | "name" => td_string!(locale, errors.field.name),
        "Unit name" => td_string!(locale, errors.field.unit_name),
        "Map name" => td_string!(locale, errors.field.map_name),
        "Vision" => td_string!(locale, errors.field.vision),
        "Mission" => td_string!(locale, errors.field.mission),
        "Values" => td_string!(locale, errors.field.values),
        "Perspective name" => td_string!(locale, errors.field.perspective_name),
        "Weight" => td_string!(locale, errors.field.weight),
        "Theme name" => td_string!(locale, errors.field.theme_name),
        "Themes" => td_string!(locale, errors.field.themes),
        "Statements" => td_string!(locale, errors.field.statements),
        "Statement" => td_string!(locale, errors.field.statement),
        "Answer" => td_string!(locale, errors.field.answer),
        "Survey title" => td_string!(locale, errors.field.survey_title),
        "Respondents" => td_string!(locale, errors.field.respondents),
        "Title" => td_string!(locale, errors.field.title),
        "Description" => td_string!(locale, errors.field.description),
        "Position x" => td_string!(locale, errors.field.position_x),
        "Position y" => td_string!(locale, errors.field.position_y),
        "Hypothesis" => td_string!(locale, errors.field.hypothesis),
        "Expected lag" => td_string!(locale, errors.field.expected_lag),
        "Contribution note" => td_string!(locale, errors.field.contribution_note),
        "Objectives picked" => td_string!(locale, errors.field.objectives_picked),
        "Reason" => td_string!(locale, errors.field.reason),
        "Comment" => td_string!(locale, errors.field.comment),
        "Analysis" => td_string!(locale, errors.field.analysis),
        "Recommendation" => td_string!(locale, errors.field.recommendation),
        "Decision" => td_string!(locale, errors.field.decision),
        "Action" => td_string!(locale, errors.field.action),
        "Attendees" => td_string!(locale, errors.field.attendees),
        "Agenda" => td_string!(locale, errors.field.agenda),
        "Changes proposed" => td_string!(locale, errors.field.changes_proposed),
        "Measure name" => td_string!(locale, errors.field.measure_name),
        "Definition" => td_string!(locale, errors.field.definition),
        "Unit" => td_string!(locale, errors.field.unit),
        "Decimals" => td_string!(locale, errors.field.decimals),
        "Baseline" => td_string!(locale, errors.field.baseline),
        "Formula" => td_string!(locale, errors.field.formula),
        "Band name" => td_string!(locale, errors.field.band_name),
        "Band start" => td_string!(locale, errors.field.band_start),
        "Goal" => td_string!(locale, errors.field.goal),
        "Red flag" => td_string!(locale, errors.field.red_flag),
        "Value" => td_string!(locale, errors.field.value),
        "Note" => td_string!(locale, errors.field.note),
        "Token name" => td_string!(locale, errors.field.token_name),
        "Scope (org units)" => td_string!(locale, errors.field.token_scope),
        "Initiative name" => td_string!(locale, errors.field.initiative_name),
        "Budget" => td_string!(locale, errors.field.budget),
        "Spend" => td_string!(locale, errors.field.spend),
        "% complete" => td_string!(locale, errors.field.percent_complete),
        "Milestone name" => td_string!(locale, errors.field.milestone_name),
        "Start" => td_string!(locale, errors.field.start),
        "zoom" => td_string!(locale, errors.field.zoom),
        "cursor x" => td_string!(locale, errors.field.cursor_x),
        "cursor y" => td_string!(locale, errors.field.cursor_y),
        "viewport x" => td_string!(locale, errors.field.viewport_x),
        "viewport y" => td_string!(locale, errors.field.viewport_y),
        "selected objectives" => td_string!(locale, errors.field.selected_objectives),
        other => return other.to_string(),
    }
    .to_string()
}

/// What is wrong with a formula measure's formula.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FormulaProblem {
    /// No expression at all.
    Empty,
    /// The text does not parse.
    Parse(super::formula::FormulaError),
    /// A reference to no measure of the map.
    UnknownMeasure(String),
    /// The formulas would depend on each other in a circle (the measures, in order).
    Cycle(Vec<String>),
}

impl FormulaProblem {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            FormulaProblem::Empty => {
                td_string!(locale, errors.validation.formula.empty).to_string()
            }
            FormulaProblem::Parse(e) => e.text(locale),
            FormulaProblem::UnknownMeasure(name) => {
                td_string!(locale, errors.validation.formula.unknown_measure, name).to_string()
            }
            FormulaProblem::Cycle(names) => {
                let cycle = names
                    .iter()
                    .map(|n| format!("[{n}]"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                td_string!(locale, errors.validation.formula.cycle, cycle).to_string()
            }
        }
    }
}

/// What is wrong with a measure's custom scoring bands.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum BandsProblem {
    /// No band.
    None,
    /// The band's score is outside 0–10.
    Score(String),
    /// Two bands start at the same value.
    SameStart,
}

impl BandsProblem {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            BandsProblem::None => td_string!(locale, errors.validation.bands.none).to_string(),
            BandsProblem::Score(name) => {
                td_string!(locale, errors.validation.bands.score, name).to_string()
            }
            BandsProblem::SameStart => {
                td_string!(locale, errors.validation.bands.same_start).to_string()
            }
        }
    }
}

/// What is wrong with a dashboard's layout. Widget names are the widget kinds' labels.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LayoutProblem {
    TooMany { max: usize, count: usize },
    TooSmall { name: String, columns: u8, rows: u8 },
    PastColumn { name: String, column: u8 },
    PastRow { name: String, row: u16 },
    SameId,
    Overlap { name: String, other: String },
    OtherMap { name: String },
}

impl LayoutProblem {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let num = |v: usize| crate::i18n::format_number(locale, v as f64, 0);
        match self {
            LayoutProblem::TooMany { max, count } => {
                let (max, count) = (num(*max), num(*count));
                td_string!(locale, errors.validation.layout.too_many, max, count).to_string()
            }
            LayoutProblem::TooSmall {
                name,
                columns,
                rows,
            } => {
                let (columns, rows) = (num(usize::from(*columns)), num(usize::from(*rows)));
                td_string!(
                    locale,
                    errors.validation.layout.too_small,
                    name,
                    columns,
                    rows
                )
                .to_string()
            }
            LayoutProblem::PastColumn { name, column } => {
                let column = num(usize::from(*column));
                td_string!(locale, errors.validation.layout.past_column, name, column).to_string()
            }
            LayoutProblem::PastRow { name, row } => {
                let row = num(usize::from(*row));
                td_string!(locale, errors.validation.layout.past_row, name, row).to_string()
            }
            LayoutProblem::SameId => {
                td_string!(locale, errors.validation.layout.same_id).to_string()
            }
            LayoutProblem::Overlap { name, other } => {
                td_string!(locale, errors.validation.layout.overlap, name, other).to_string()
            }
            LayoutProblem::OtherMap { name } => {
                td_string!(locale, errors.validation.layout.other_map, name).to_string()
            }
        }
    }
}

/// What is wrong with a display link's settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DisplayLinkProblem {
    Dashboards { max: usize },
    Twice,
    Rotate { min: u32, max: u32 },
    OtherUnit,
}

impl DisplayLinkProblem {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let num = |v: f64| crate::i18n::format_number(locale, v, 0);
        match self {
            DisplayLinkProblem::Dashboards { max } => {
                let max = num(*max as f64);
                td_string!(locale, errors.validation.display_link.dashboards, max).to_string()
            }
            DisplayLinkProblem::Twice => {
                td_string!(locale, errors.validation.display_link.twice).to_string()
            }
            DisplayLinkProblem::Rotate { min, max } => {
                let (min, max) = (num(f64::from(*min)), num(f64::from(*max)));
                td_string!(locale, errors.validation.display_link.rotate, min, max).to_string()
            }
            DisplayLinkProblem::OtherUnit => {
                td_string!(locale, errors.validation.display_link.other_unit).to_string()
            }
        }
    }
}

macro_rules! english_display {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text(Locale::en))
            }
        }
    )*};
}
english_display!(
    FormulaProblem,
    BandsProblem,
    LayoutProblem,
    DisplayLinkProblem
);

fn field_error_empty(field: &str) -> ValidationError {
    ValidationError::Empty {
        field: field.to_string(),
    }
}

/// A required text of at most `max` characters (after trimming).
pub fn required_text(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(field_error_empty(field));
    }
    optional_text(field, value, max)
}

/// An optional text of at most `max` characters.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if len > max {
        return Err(ValidationError::TooLong {
            field: field.to_string(),
            len,
            max,
        });
    }
    Ok(())
}

/// A finite number within `min..=max`.
pub fn number_in(field: &str, value: f64, min: f64, max: f64) -> Result<(), ValidationError> {
    if !value.is_finite() {
        return Err(ValidationError::NotFinite {
            field: field.to_string(),
        });
    }
    if value < min || value > max {
        return Err(ValidationError::OutOfRange {
            field: field.to_string(),
            min,
            max,
        });
    }
    Ok(())
}

/// A finite number of any size.
pub fn finite(field: &str, value: f64) -> Result<(), ValidationError> {
    number_in(field, value, f64::MIN, f64::MAX)
}

/// A plausible email: one `@`, something before it, a dot after it, no spaces.
pub fn email(value: &str) -> Result<(), ValidationError> {
    let v = value.trim();
    let ok = v.len() <= MAX_NAME
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::BadEmail(value.to_string()))
    }
}

/// A new password: long enough to resist guessing.
pub fn password(value: &str) -> Result<(), ValidationError> {
    if value.chars().count() < MIN_PASSWORD {
        return Err(ValidationError::PasswordTooShort);
    }
    optional_text("Password", value, MAX_NAME)
}

/// A `#rrggbb` colour.
pub fn colour(value: &str) -> Result<(), ValidationError> {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::BadColour(value.to_string()))
    }
}

/// A user record.
pub fn user(u: &User) -> Result<(), ValidationError> {
    email(&u.email)?;
    required_text("Name", &u.name, MAX_NAME)
}

/// An org unit placed in the tree given every unit's current parent: no cycles.
pub fn org_unit(
    unit: &OrgUnit,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Result<(), ValidationError> {
    required_text("Unit name", &unit.name, MAX_NAME)?;
    let mut seen = HashSet::from([unit.id]);
    let mut current = unit.parent_id;
    while let Some(p) = current {
        if !seen.insert(p) {
            return Err(ValidationError::OrgUnitCycle);
        }
        current = parents.get(&p).copied().flatten();
    }
    Ok(())
}

/// A strategy map's articulation and period.
pub fn strategy_map(m: &StrategyMap) -> Result<(), ValidationError> {
    required_text("Map name", &m.name, MAX_NAME)?;
    optional_text("Vision", &m.vision, MAX_TEXT)?;
    optional_text("Mission", &m.mission, MAX_TEXT)?;
    optional_text("Values", &m.values, MAX_TEXT)?;
    if m.period_end < m.period_start {
        return Err(ValidationError::PeriodReversed);
    }
    if let Some(bad) = m
        .health_off
        .iter()
        .find(|r| r.parse::<super::health::Rule>().is_err())
    {
        return Err(ValidationError::UnknownHealthRule(bad.clone()));
    }
    Ok(())
}

/// Range of every roll-up weight: positive, and small enough that sums stay exact.
const WEIGHT_RANGE: (f64, f64) = (0.0001, 1000.0);

/// A perspective band.
pub fn perspective(p: &Perspective) -> Result<(), ValidationError> {
    required_text("Perspective name", &p.name, MAX_NAME)?;
    number_in("Weight", p.weight, WEIGHT_RANGE.0, WEIGHT_RANGE.1)
}

/// A theme lane.
pub fn theme(t: &Theme) -> Result<(), ValidationError> {
    required_text("Theme name", &t.name, MAX_NAME)?;
    optional_text("Description", &t.description, MAX_TEXT)?;
    colour(&t.colour)
}

/// An objective, checked against the perspectives and themes of its map.
pub fn objective(
    o: &Objective,
    perspectives: &[Perspective],
    themes: &[Theme],
) -> Result<(), ValidationError> {
    required_text("Title", &o.title, MAX_TITLE)?;
    optional_text("Description", &o.description, MAX_TEXT)?;
    number_in("Position x", o.x, -100_000.0, 100_000.0)?;
    number_in("Position y", o.y, -100_000.0, 100_000.0)?;
    number_in("Weight", o.weight, WEIGHT_RANGE.0, WEIGHT_RANGE.1)?;
    if !perspectives
        .iter()
        .any(|p| p.id == o.perspective_id && p.map_id == o.map_id)
    {
        return Err(ValidationError::NotOnMap("perspective".into()));
    }
    if let Some(theme_id) = o.theme_id {
        if !themes
            .iter()
            .any(|t| t.id == theme_id && t.map_id == o.map_id)
        {
            return Err(ValidationError::NotOnMap("theme".into()));
        }
    }
    Ok(())
}

/// A cause-and-effect link, given the map of each end and the links already on the map.
pub fn link(
    l: &Link,
    from_map: Option<MapId>,
    to_map: Option<MapId>,
    existing: &[Link],
) -> Result<(), ValidationError> {
    link_expectation(l)?;
    if l.from_id == l.to_id {
        return Err(ValidationError::SelfLink);
    }
    match (from_map, to_map) {
        (Some(a), Some(b)) if a == l.map_id && b == l.map_id => {}
        (None, _) | (_, None) => return Err(ValidationError::NotOnMap("objective".into())),
        _ => return Err(ValidationError::LinkAcrossMaps),
    }
    if existing
        .iter()
        .any(|e| e.id != l.id && e.from_id == l.from_id && e.to_id == l.to_id)
    {
        return Err(ValidationError::DuplicateLink);
    }
    Ok(())
}

/// What a link says of itself: its hypothesis and the lag it expects (0–12 months).
pub fn link_expectation(l: &Link) -> Result<(), ValidationError> {
    optional_text("Hypothesis", &l.hypothesis, MAX_TEXT)?;
    if !super::hypothesis::valid_lag(l.lag_months) {
        return Err(ValidationError::OutOfRange {
            field: "Expected lag".into(),
            min: 0.0,
            max: f64::from(super::hypothesis::MAX_LAG),
        });
    }
    Ok(())
}

/// A measure definition.
pub fn measure(m: &Measure) -> Result<(), ValidationError> {
    required_text("Measure name", &m.name, MAX_NAME)?;
    optional_text("Definition", &m.definition, MAX_TEXT)?;
    optional_text("Unit", &m.unit, 20)?;
    number_in("Decimals", f64::from(m.decimals), 0.0, 6.0)?;
    number_in("Weight", m.weight, WEIGHT_RANGE.0, WEIGHT_RANGE.1)?;
    if let Some(b) = m.baseline {
        finite("Baseline", b)?;
    }
    if let super::scoring::ScoringType::Custom { bands } = &m.scoring {
        bands_ok(bands)?;
    }
    // Another source keeps the formula text unused, so switching back restores it.
    match m.data_source {
        DataSource::Formula => formula_text(&m.formula),
        _ => optional_text("Formula", &m.formula, MAX_TEXT),
    }
}

/// A formula's text: present and readable (references are checked against the map by `ops`).
pub fn formula_text(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(ValidationError::BadFormula(FormulaProblem::Empty));
    }
    optional_text("Formula", text, MAX_TEXT)
}

/// Custom scoring bands: at least one, each named, coloured and scored 0–10, no two from the
/// same value (the band an actual falls in must be unambiguous).
pub fn bands_ok(bands: &[super::scoring::Band]) -> Result<(), ValidationError> {
    let bad = |m: BandsProblem| Err(ValidationError::BadBands(m));
    if bands.is_empty() {
        return bad(BandsProblem::None);
    }
    for b in bands {
        required_text("Band name", &b.name, MAX_NAME)?;
        colour(&b.colour)?;
        finite("Band start", b.from)?;
        if !(0.0..=10.0).contains(&b.score) {
            return bad(BandsProblem::Score(b.name.clone()));
        }
    }
    let mut froms: Vec<f64> = bands.iter().map(|b| b.from).collect();
    froms.sort_by(f64::total_cmp);
    if froms.windows(2).any(|w| w[0] == w[1]) {
        return bad(BandsProblem::SameStart);
    }
    Ok(())
}

/// A target with its red flag.
pub fn target(t: &Target) -> Result<(), ValidationError> {
    finite("Goal", t.goal)?;
    finite("Red flag", t.red_flag)?;
    if t.goal == t.red_flag {
        return Err(ValidationError::GoalEqualsRedFlag);
    }
    Ok(())
}

/// An actual value.
pub fn actual(a: &Actual) -> Result<(), ValidationError> {
    finite("Value", a.value)?;
    optional_text("Note", &a.note, MAX_TEXT)
}

/// An API token: a name and at least one org unit in its scope.
pub fn api_token(t: &ApiToken) -> Result<(), ValidationError> {
    required_text("Token name", &t.name, MAX_NAME)?;
    if t.units.is_empty() {
        return Err(field_error_empty("Scope (org units)"));
    }
    Ok(())
}

/// An initiative.
pub fn initiative(i: &Initiative) -> Result<(), ValidationError> {
    required_text("Initiative name", &i.name, MAX_NAME)?;
    optional_text("Description", &i.description, MAX_TEXT)?;
    if i.end_date < i.start_date {
        return Err(ValidationError::DatesReversed);
    }
    number_in("Budget", i.budget, 0.0, 1e12)?;
    number_in("Spend", i.spend, 0.0, 1e12)?;
    number_in("% complete", f64::from(i.percent_complete), 0.0, 100.0)
}

/// A milestone.
pub fn milestone(m: &Milestone) -> Result<(), ValidationError> {
    required_text("Milestone name", &m.name, MAX_NAME)?;
    number_in(
        "Weight",
        m.weight,
        0.0,
        super::initiative::MAX_MILESTONE_WEIGHT,
    )
}

/// An alignment: the unit objective's map belongs to a unit whose parent owns the other map.
///
/// `unit_of_unit_objective` and `unit_of_parent_objective` are the org units owning the two maps;
/// `parent_of_unit` is the parent of the former.
pub fn alignment(
    a: &Alignment,
    unit_of_unit_objective: OrgUnitId,
    parent_of_unit: Option<OrgUnitId>,
    unit_of_parent_objective: OrgUnitId,
    existing: &[Alignment],
) -> Result<(), ValidationError> {
    optional_text("Contribution note", &a.note, MAX_TEXT)?;
    if parent_of_unit != Some(unit_of_parent_objective)
        || unit_of_unit_objective == unit_of_parent_objective
    {
        return Err(ValidationError::AlignmentNotToParent);
    }
    if existing.iter().any(|e| {
        e.id != a.id
            && e.unit_objective_id == a.unit_objective_id
            && e.parent_objective_id == a.parent_objective_id
    }) {
        return Err(ValidationError::DuplicateAlignment);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Period;

    fn map_with_perspective() -> (StrategyMap, Perspective, Theme) {
        let (map, _) = crate::domain::fixtures::acme();
        let p = Perspective::new(map.id, "Customer", 1);
        let t = Theme::new(map.id, "Growth", "#2a9d8f", 0);
        (map, p, t)
    }

    fn objective_on(map: &StrategyMap, p: &Perspective) -> Objective {
        Objective::new(map.id, p.id, "Increase contract renewals").with_position(100.0, 100.0)
    }

    #[test]
    fn text_rules_name_the_field() {
        assert_eq!(
            required_text("Title", "  ", 10),
            Err(ValidationError::Empty {
                field: "Title".into()
            })
        );
        let err = required_text("Title", &"x".repeat(11), 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Title is too long: 11 characters, at most 10"
        );
        assert!(required_text("Title", "ok", 10).is_ok());
    }

    #[test]
    fn messages_in_german() {
        use crate::i18n::Locale;
        let empty = required_text("Title", " ", 10).unwrap_err();
        assert_eq!(empty.text(Locale::en), "Title must not be empty");
        assert_eq!(empty.text(Locale::de), "Titel darf nicht leer sein");
        let long = required_text("Red flag", &"x".repeat(1234), 1000).unwrap_err();
        assert_eq!(
            long.text(Locale::de),
            "Warnschwelle ist zu lang: 1.234 Zeichen, höchstens 1.000"
        );
        assert_eq!(
            long.text(Locale::en),
            "Red flag is too long: 1,234 characters, at most 1,000"
        );
        assert_eq!(
            ValidationError::GoalEqualsRedFlag.text(Locale::de),
            "Zielwert und Warnschwelle müssen sich unterscheiden, sonst kann die Kennzahl nicht bewertet werden"
        );
        assert_eq!(
            ValidationError::NotOnMap("theme".into()).text(Locale::de),
            "das Thema ist nicht auf dieser Strategy Map"
        );
        let bands = bands_ok(&[]).unwrap_err();
        assert_eq!(
            bands.text(Locale::de),
            "eigene Bewertung: fügen Sie mindestens einen Bereich hinzu"
        );
        // A field name the list does not know is shown as given; Display stays English.
        let odd = required_text("Widget title", "", 10).unwrap_err();
        assert_eq!(odd.text(Locale::de), "Widget title darf nicht leer sein");
        assert_eq!(
            long.to_string(),
            "Red flag is too long: 1234 characters, at most 1000"
        );
    }

    #[test]
    fn emails_and_passwords() {
        assert!(email("ada@northwind.example").is_ok());
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.io",
            "a b@x.io",
            "ada@localhost",
            "a@@x.io",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert_eq!(password("short"), Err(ValidationError::PasswordTooShort));
        assert!(password("long enough pw").is_ok());
    }

    #[test]
    fn colours() {
        assert!(colour("#1d3557").is_ok());
        assert!(colour("1d3557").is_err());
        assert!(colour("#12345g").is_err());
    }

    #[test]
    fn objective_must_be_on_its_maps_perspective_and_theme() {
        let (map, p, t) = map_with_perspective();
        let mut o = objective_on(&map, &p);
        assert!(objective(&o, std::slice::from_ref(&p), std::slice::from_ref(&t)).is_ok());
        o.theme_id = Some(ThemeId::new());
        assert_eq!(
            objective(&o, std::slice::from_ref(&p), std::slice::from_ref(&t)),
            Err(ValidationError::NotOnMap("theme".into()))
        );
        o.theme_id = Some(t.id);
        o.perspective_id = PerspectiveId::new();
        assert_eq!(
            objective(&o, &[p], &[t]),
            Err(ValidationError::NotOnMap("perspective".into()))
        );
    }

    #[test]
    fn objective_title_limits_and_positions() {
        let (map, p, _) = map_with_perspective();
        let mut o = objective_on(&map, &p);
        o.title = "x".repeat(MAX_TITLE + 1);
        assert!(matches!(
            objective(&o, std::slice::from_ref(&p), &[]),
            Err(ValidationError::TooLong { .. })
        ));
        o.title = "Grow revenue".into();
        o.x = f64::NAN;
        assert!(matches!(
            objective(&o, &[p], &[]),
            Err(ValidationError::NotFinite { .. })
        ));
    }

    #[test]
    fn link_rules() {
        let (map, p, _) = map_with_perspective();
        let a = objective_on(&map, &p);
        let b = objective_on(&map, &p);
        let l = Link::new(map.id, a.id, b.id);
        assert!(link(&l, Some(map.id), Some(map.id), &[]).is_ok());
        let selfie = Link {
            to_id: a.id,
            ..l.clone()
        };
        assert_eq!(
            link(&selfie, Some(map.id), Some(map.id), &[]),
            Err(ValidationError::SelfLink)
        );
        let other = Link {
            id: LinkId::new(),
            ..l.clone()
        };
        assert_eq!(
            link(&other, Some(map.id), Some(map.id), std::slice::from_ref(&l)),
            Err(ValidationError::DuplicateLink)
        );
        assert_eq!(
            link(&l, Some(map.id), Some(MapId::new()), &[]),
            Err(ValidationError::LinkAcrossMaps)
        );
        assert_eq!(
            link(&l, Some(map.id), None, &[]),
            Err(ValidationError::NotOnMap("objective".into()))
        );
        // The reverse direction is a different hypothesis and is allowed.
        let reverse = Link {
            id: LinkId::new(),
            from_id: b.id,
            to_id: a.id,
            ..l.clone()
        };
        assert!(link(&reverse, Some(map.id), Some(map.id), &[l]).is_ok());
    }

    #[test]
    fn map_period_and_org_tree() {
        let (mut map, _, _) = map_with_perspective();
        assert!(strategy_map(&map).is_ok());
        map.period_end = Period::new(2025, 12).unwrap();
        assert_eq!(strategy_map(&map), Err(ValidationError::PeriodReversed));

        let (a, b) = (OrgUnitId::new(), OrgUnitId::new());
        let parents = HashMap::from([(a, None), (b, Some(a))]);
        let moved = OrgUnit::new(Some(b), "Root", OrgUnitKind::Enterprise).with_id(a);
        assert_eq!(
            org_unit(&moved, &parents),
            Err(ValidationError::OrgUnitCycle)
        );
        let ok = OrgUnit::new(Some(b), "Sales", OrgUnitKind::Function);
        assert!(org_unit(&ok, &parents).is_ok());
    }

    #[test]
    fn measures_targets_actuals() {
        let m = Measure::new(ObjectiveId::new(), "Renewal rate")
            .with_unit("%", 1)
            .with_baseline(70.0);
        assert!(measure(&m).is_ok());
        assert!(matches!(
            measure(&Measure {
                data_source: DataSource::Formula,
                ..m.clone()
            }),
            Err(ValidationError::BadFormula(_))
        ));
        assert!(measure(&Measure {
            data_source: DataSource::Formula,
            formula: "[A] / [B]".into(),
            ..m.clone()
        })
        .is_ok());
        let band = |from: f64, score: f64| crate::domain::scoring::Band {
            name: "Band".into(),
            colour: "#15803d".into(),
            from,
            score,
        };
        let custom = |bands| Measure {
            scoring: crate::domain::scoring::ScoringType::Custom { bands },
            ..m.clone()
        };
        assert!(measure(&custom(vec![band(0.0, 2.0), band(10.0, 8.0)])).is_ok());
        assert!(measure(&custom(vec![])).is_err());
        assert!(measure(&custom(vec![band(0.0, 2.0), band(0.0, 8.0)])).is_err());
        assert!(measure(&custom(vec![band(0.0, 11.0)])).is_err());
        assert!(measure(&Measure {
            weight: 0.0,
            ..m.clone()
        })
        .is_err());
        assert!(measure(&Measure {
            decimals: 9,
            ..m.clone()
        })
        .is_err());
        assert!(measure(&Measure {
            baseline: Some(f64::INFINITY),
            ..m.clone()
        })
        .is_err());
        let p = Period::new(2026, 1).unwrap();
        let t = Target {
            measure_id: m.id,
            period: p,
            goal: 85.0,
            red_flag: 75.0,
        };
        assert!(target(&t).is_ok());
        assert_eq!(
            target(&Target {
                red_flag: 85.0,
                ..t
            }),
            Err(ValidationError::GoalEqualsRedFlag)
        );
        let a = Actual {
            measure_id: m.id,
            period: p,
            value: f64::NAN,
            note: String::new(),
            entered_by: None,
            entered_at: String::new(),
            source: DataSource::Manual,
        };
        assert!(actual(&a).is_err());
    }

    #[test]
    fn initiatives_and_alignment() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let i = Initiative::new(
            OrgUnitId::new(),
            "Certification programme",
            d("2026-01-01"),
            d("2026-12-31"),
        )
        .with_budget(100.0, 10.0)
        .with_progress(InitiativeStatus::OnTrack, 20);
        assert!(initiative(&i).is_ok());
        assert_eq!(
            initiative(&Initiative {
                end_date: d("2025-01-01"),
                ..i.clone()
            }),
            Err(ValidationError::DatesReversed)
        );
        assert!(initiative(&Initiative {
            percent_complete: 101,
            ..i.clone()
        })
        .is_err());
        assert!(initiative(&Initiative { spend: -1.0, ..i }).is_err());

        let (root, bu, other) = (OrgUnitId::new(), OrgUnitId::new(), OrgUnitId::new());
        let a = Alignment::new(ObjectiveId::new(), ObjectiveId::new());
        assert!(alignment(&a, bu, Some(root), root, &[]).is_ok());
        assert_eq!(
            alignment(&a, bu, Some(root), other, &[]),
            Err(ValidationError::AlignmentNotToParent)
        );
        let dup = Alignment {
            id: AlignmentId::new(),
            ..a.clone()
        };
        assert_eq!(
            alignment(&dup, bu, Some(root), root, std::slice::from_ref(&a)),
            Err(ValidationError::DuplicateAlignment)
        );
        let long_note = a.with_note("x".repeat(MAX_TEXT + 1));
        assert!(matches!(
            alignment(&long_note, bu, Some(root), root, &[]),
            Err(ValidationError::TooLong { .. })
        ));
    }
}
