//! The Balanced Scorecard vocabulary as types: org units, maps, perspectives, themes,
//! objectives, links, measures, targets, actuals, initiatives, alignments and people.

use super::formula::MissingData;
use super::ids::*;
use super::period::Period;
use super::role::Role;
use super::scoring::{Aggregation, RollUp, ScoringType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Chainable setters for an entity's optional fields: each `with_…(value)` gives back the entity
/// with that one field set, so a caller builds one in a single expression from its `new`.
macro_rules! setters {
    ($t:ty { $($(#[$doc:meta])* $name:ident($field:ident: $ty:ty);)* }) => {
        impl $t {
            $(
                $(#[$doc])*
                pub fn $name(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
}

impl User {
    /// Initials for avatars ("Ada Lovelace" → "AL").
    pub fn initials(&self) -> String {
        initials(&self.name)
    }

    /// This user as pages show them: the name, without the email.
    pub fn person(&self) -> Person {
        Person {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

/// Initials for avatars ("Ada Lovelace" → "AL").
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    // ASCII-only case mapping keeps Unicode case tables out of the browser bundle; names start
    // with a capital anyway.
    letters.to_ascii_uppercase()
}

/// Someone as other people see them: a name, never an email. Map documents, pickers and boards
/// carry these, so a viewer learns only the names of the people the page shows.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

impl Person {
    /// Initials for avatars ("Ada Lovelace" → "AL").
    pub fn initials(&self) -> String {
        initials(&self.name)
    }

    /// Adds those of `more` that `known` lacks (same id), keeping `known` in name order; says
    /// whether anything was added. A page learns names from several answers.
    pub fn merge(known: &mut Vec<Person>, more: &[Person]) -> bool {
        let before = known.len();
        for p in more {
            if !known.iter().any(|k| k.id == p.id) {
                known.push(p.clone());
            }
        }
        if known.len() == before {
            return false;
        }
        known.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        true
    }
}

/// A role a user holds on one org unit (and, by inheritance, on every unit below it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub user_id: UserId,
    pub org_unit_id: OrgUnitId,
    pub role: Role,
}

/// The level of an org unit in the cascade.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    Enterprise,
    BusinessUnit,
    Function,
    Team,
}

impl OrgUnitKind {
    /// The kind's name for people, in `locale` ("Business unit", "Geschäftsbereich").
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            OrgUnitKind::Enterprise => td_string!(locale, units.kind.enterprise),
            OrgUnitKind::BusinessUnit => td_string!(locale, units.kind.business_unit),
            OrgUnitKind::Function => td_string!(locale, units.kind.function),
            OrgUnitKind::Team => td_string!(locale, units.kind.team),
        }
    }

    /// Every kind, from the top of the cascade down (pickers list them in this order).
    pub const ALL: [OrgUnitKind; 4] = [
        OrgUnitKind::Enterprise,
        OrgUnitKind::BusinessUnit,
        OrgUnitKind::Function,
        OrgUnitKind::Team,
    ];
}

/// A node of the organisation tree; each unit can own strategy maps.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub parent_id: Option<OrgUnitId>,
    pub name: String,
    pub kind: OrgUnitKind,
    /// Archived: the unit, everything below it and their maps stay readable but nothing in
    /// them can be changed (see `domain::org::frozen`).
    #[serde(default)]
    pub archived: bool,
}

impl OrgUnit {
    /// A new unit with a fresh id: `name`, at level `kind`, below `parent_id` (none for the top).
    pub fn new(parent_id: Option<OrgUnitId>, name: impl Into<String>, kind: OrgUnitKind) -> Self {
        OrgUnit {
            id: OrgUnitId::new(),
            parent_id,
            name: name.into(),
            kind,
            archived: false,
        }
    }
}

setters!(OrgUnit {
    /// This unit with a given id, for callers that fix ids in advance (deterministic tests).
    with_id(id: OrgUnitId);
});

/// Lifecycle of a strategy map: drafted in workshops, active for the period, archived after.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MapStatus {
    Draft,
    Active,
    Archived,
}

/// The one-page strategy of an org unit for a strategy period, with its articulation (Phase 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyMap {
    pub id: MapId,
    pub org_unit_id: OrgUnitId,
    pub name: String,
    pub vision: String,
    pub mission: String,
    pub values: String,
    pub period_start: Period,
    pub period_end: Period,
    pub status: MapStatus,
    /// Health-check rules the map's editors switched off (rule ids, see `domain::health`).
    #[serde(default)]
    pub health_off: Vec<String>,
    /// The map this one is next year's version of (the annual refresh), if any: what "compare
    /// versions" offers first.
    #[serde(default)]
    pub previous_version_id: Option<MapId>,
}

impl StrategyMap {
    /// A new draft map with a fresh id: `name`, of `org_unit_id`, for the months from
    /// `period_start` to `period_end`, with no vision, mission or values yet and every health
    /// rule on.
    pub fn new(
        org_unit_id: OrgUnitId,
        name: impl Into<String>,
        period_start: Period,
        period_end: Period,
    ) -> Self {
        StrategyMap {
            id: MapId::new(),
            org_unit_id,
            name: name.into(),
            vision: String::new(),
            mission: String::new(),
            values: String::new(),
            period_start,
            period_end,
            status: MapStatus::Draft,
            health_off: Vec::new(),
            previous_version_id: None,
        }
    }

    /// This map with its articulation: vision, mission and values.
    pub fn with_articulation(
        self,
        vision: impl Into<String>,
        mission: impl Into<String>,
        values: impl Into<String>,
    ) -> Self {
        StrategyMap {
            vision: vision.into(),
            mission: mission.into(),
            values: values.into(),
            ..self
        }
    }
}

setters!(StrategyMap {
    /// This map with a given id, for callers that fix ids in advance (deterministic tests).
    with_id(id: MapId);
    /// This map in another lifecycle state.
    with_status(status: MapStatus);
    /// This map as the next version of `previous_version_id` (or of none).
    with_previous_version(previous_version_id: Option<MapId>);
});

/// A horizontal band of the map. `rank` 0 is the top band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Perspective {
    pub id: PerspectiveId,
    pub map_id: MapId,
    pub name: String,
    pub rank: i32,
    /// Relative weight in the map's score (> 0).
    #[serde(default = "one")]
    pub weight: f64,
}

impl Perspective {
    /// A new band with a fresh id: `name` on `map_id` at `rank` (0 on top), of weight 1.
    pub fn new(map_id: MapId, name: impl Into<String>, rank: i32) -> Self {
        Perspective {
            id: PerspectiveId::new(),
            map_id,
            name: name.into(),
            rank,
            weight: one(),
        }
    }

    /// The [`DEFAULT_PERSPECTIVES`] of a new map on `map_id`, top first, with fresh ids.
    pub fn defaults(map_id: MapId) -> Vec<Self> {
        DEFAULT_PERSPECTIVES
            .iter()
            .zip(0..)
            .map(|(name, rank)| Perspective::new(map_id, *name, rank))
            .collect()
    }
}

setters!(Perspective {
    /// This perspective with a given id, for callers that fix ids in advance (deterministic
    /// tests, or an id the client chose).
    with_id(id: PerspectiveId);
    /// This perspective with another relative weight in the map's score.
    with_weight(weight: f64);
});

/// The default weight of anything rolled up: equal shares.
fn one() -> f64 {
    1.0
}

/// The default four perspectives, top first, as a for-profit map has them.
pub const DEFAULT_PERSPECTIVES: [&str; 4] = [
    "Financial",
    "Customer",
    "Internal Processes",
    "Learning & Growth",
];

/// A strategic theme: a vertical lane across the perspectives. `rank` 0 is the leftmost lane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub id: ThemeId,
    pub map_id: MapId,
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    pub rank: i32,
    /// What the theme is about and why, as the Strategy screen states it.
    #[serde(default)]
    pub description: String,
    /// Who answers for the theme.
    #[serde(default)]
    pub owner_id: Option<UserId>,
}

impl Theme {
    /// A new lane with a fresh id: `name` on `map_id` in `colour` (`#rrggbb`) at `rank` (0 is
    /// leftmost).
    pub fn new(
        map_id: MapId,
        name: impl Into<String>,
        colour: impl Into<String>,
        rank: i32,
    ) -> Self {
        Theme {
            id: ThemeId::new(),
            map_id,
            name: name.into(),
            colour: colour.into(),
            rank,
            description: String::new(),
            owner_id: None,
        }
    }
}

setters!(Theme {
    /// This theme with a given id, for callers that fix ids in advance (deterministic tests).
    with_id(id: ThemeId);
});

/// An objective: an action phrase in one perspective, optionally one theme, with one owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub id: ObjectiveId,
    pub map_id: MapId,
    pub perspective_id: PerspectiveId,
    pub theme_id: Option<ThemeId>,
    pub title: String,
    pub description: String,
    pub owner_id: Option<UserId>,
    /// Centre of the box in map coordinates (see [`super::layout`]).
    pub x: f64,
    pub y: f64,
    /// Relative weight in its perspective's and theme's score (> 0).
    #[serde(default = "one")]
    pub weight: f64,
    /// How its measures' scores combine into its own.
    #[serde(default)]
    pub rollup: RollUp,
    /// Deliberately the unit's own: a unit-map objective that supports nothing on the parent
    /// map on purpose, so neither the "not aligned" mark nor the health check asks for one.
    #[serde(default)]
    pub local: bool,
    /// Contribution roll-up: its status also counts the unit objectives aligned to it, each
    /// with its weight on its unit's map (off by default; see `scores::Contribution`).
    #[serde(default)]
    pub unit_rollup: bool,
    /// The objective of an earlier version (or of the map it was copied from) this one carries
    /// on: how comparing two versions tells a reworded objective from a new one.
    #[serde(default)]
    pub origin_id: Option<ObjectiveId>,
}

impl Objective {
    /// A new objective with a fresh id: `title` in `perspective_id` of `map_id`, with no theme,
    /// description or owner, weight 1, a weighted-average roll-up, and its box at the origin
    /// (see [`Objective::with_position`]).
    pub fn new(map_id: MapId, perspective_id: PerspectiveId, title: impl Into<String>) -> Self {
        Objective {
            id: ObjectiveId::new(),
            map_id,
            perspective_id,
            theme_id: None,
            title: title.into(),
            description: String::new(),
            owner_id: None,
            x: 0.0,
            y: 0.0,
            weight: one(),
            rollup: RollUp::default(),
            local: false,
            unit_rollup: false,
            origin_id: None,
        }
    }

    /// This objective with its box centred at `x`, `y` in map coordinates.
    pub fn with_position(self, x: f64, y: f64) -> Self {
        Objective { x, y, ..self }
    }

    /// This objective with a description.
    pub fn with_description(self, description: impl Into<String>) -> Self {
        Objective {
            description: description.into(),
            ..self
        }
    }
}

setters!(Objective {
    /// This objective with a given id, for callers that fix ids in advance (deterministic
    /// tests, or an id the client chose).
    with_id(id: ObjectiveId);
    /// This objective in the lane of `theme_id` (none: in no theme).
    with_theme(theme_id: Option<ThemeId>);
    /// This objective owned by `owner_id` (none: no owner).
    with_owner(owner_id: Option<UserId>);
    /// This objective with another way of combining its measures' scores.
    with_rollup(rollup: RollUp);
    /// This objective marked as the unit's own (or not): it needs no parent objective.
    with_local(local: bool);
    /// This objective as the successor of `origin_id` on an earlier version (or of none).
    with_origin(origin_id: Option<ObjectiveId>);
});

/// A cause-and-effect arrow: `from` drives `to`. The hypothesis says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: LinkId,
    pub map_id: MapId,
    pub from_id: ObjectiveId,
    pub to_id: ObjectiveId,
    pub hypothesis: String,
    /// Which way the effect should move when the cause improves: what the data is tested for.
    #[serde(default)]
    pub direction: super::hypothesis::Direction,
    /// After how many months (0–12) the effect should follow; none: any lag.
    #[serde(default)]
    pub lag_months: Option<u8>,
}

impl Link {
    /// A new arrow with a fresh id on `map_id`: `from_id` drives `to_id`, no hypothesis yet.
    pub fn new(map_id: MapId, from_id: ObjectiveId, to_id: ObjectiveId) -> Self {
        Link {
            id: LinkId::new(),
            map_id,
            from_id,
            to_id,
            hypothesis: String::new(),
            direction: Default::default(),
            lag_months: None,
        }
    }

    /// This link with the hypothesis that says why `from` drives `to`.
    pub fn with_hypothesis(self, hypothesis: impl Into<String>) -> Self {
        Link {
            hypothesis: hypothesis.into(),
            ..self
        }
    }
}

setters!(Link {
    /// This link with a given id, for callers that fix ids in advance (deterministic tests,
    /// or an id the client chose).
    with_id(id: LinkId);
    /// This link expecting the effect to move `direction` when the cause improves.
    with_direction(direction: super::hypothesis::Direction);
    /// This link expecting the effect after `lag_months` months (any lag: none).
    with_lag(lag_months: Option<u8>);
});

/// How often a measure is reported.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

/// Which direction of a measure is good.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    OnTarget,
}

/// Leading measures predict; lagging measures confirm.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    Leading,
    Lagging,
}

/// Where a measure's actuals come from.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataSource {
    Manual,
    Import,
    Api,
    Formula,
}

/// A KPI of an objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub id: MeasureId,
    pub objective_id: ObjectiveId,
    pub name: String,
    pub definition: String,
    /// Display unit: "%", "days", "€k", …
    pub unit: String,
    pub decimals: u8,
    pub frequency: Frequency,
    pub polarity: Polarity,
    pub indicator: Indicator,
    pub data_source: DataSource,
    pub data_owner_id: Option<UserId>,
    pub baseline: Option<f64>,
    /// Relative weight in the objective's roll-up (> 0).
    pub weight: f64,
    /// How an actual is turned into a score.
    #[serde(default)]
    pub scoring: ScoringType,
    /// How monthly actuals combine into quarter and year figures.
    #[serde(default)]
    pub aggregation: Aggregation,
    /// The expression over other measures of the map when `data_source` is `Formula`, else empty.
    #[serde(default)]
    pub formula: String,
    /// What the formula does with an input that has no value.
    #[serde(default)]
    pub missing_data: MissingData,
}

impl Measure {
    /// A new measure with a fresh id: `name` of `objective_id`, as the map editor starts one:
    /// no definition or unit, 1 decimal, monthly, higher is better, lagging, entered by hand,
    /// no data owner or baseline, weight 1, goal/red-flag scoring, the last month standing
    /// for a quarter or year, and no formula.
    pub fn new(objective_id: ObjectiveId, name: impl Into<String>) -> Self {
        Measure {
            id: MeasureId::new(),
            objective_id,
            name: name.into(),
            definition: String::new(),
            unit: String::new(),
            decimals: 1,
            frequency: Frequency::Monthly,
            polarity: Polarity::HigherIsBetter,
            indicator: Indicator::Lagging,
            data_source: DataSource::Manual,
            data_owner_id: None,
            baseline: None,
            weight: one(),
            scoring: ScoringType::default(),
            aggregation: Aggregation::default(),
            formula: String::new(),
            missing_data: MissingData::default(),
        }
    }

    /// This measure with a definition (how it is computed, in words).
    pub fn with_definition(self, definition: impl Into<String>) -> Self {
        Measure {
            definition: definition.into(),
            ..self
        }
    }

    /// This measure shown in `unit` ("%", "days", "€k", …) with `decimals` places.
    pub fn with_unit(self, unit: impl Into<String>, decimals: u8) -> Self {
        Measure {
            unit: unit.into(),
            decimals,
            ..self
        }
    }

    /// This measure with a baseline value.
    pub fn with_baseline(self, baseline: f64) -> Self {
        Measure {
            baseline: Some(baseline),
            ..self
        }
    }

    /// This measure computed by `formula` over other measures of the map (its data source
    /// becomes `Formula`).
    pub fn with_formula(self, formula: impl Into<String>) -> Self {
        Measure {
            data_source: DataSource::Formula,
            formula: formula.into(),
            ..self
        }
    }
}

setters!(Measure {
    /// This measure reported every `frequency`.
    with_frequency(frequency: Frequency);
    /// This measure with another good direction.
    with_polarity(polarity: Polarity);
    /// This measure as a leading or lagging indicator.
    with_indicator(indicator: Indicator);
    /// This measure with its data owned by `data_owner_id` (none: no data owner).
    with_owner(data_owner_id: Option<UserId>);
    /// This measure with another relative weight in its objective's roll-up.
    with_weight(weight: f64);
    /// This measure scored another way.
    with_scoring(scoring: ScoringType);
    /// This measure with another way of combining months into quarters and years.
    with_aggregation(aggregation: Aggregation);
});

/// The target of a measure for one period, with the red-flag threshold that marks it off track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub measure_id: MeasureId,
    pub period: Period,
    /// The goal value (scores 6.67 on the goal/red-flag scale).
    pub goal: f64,
    /// The red-flag value (scores 3.33); below the goal for lower-is-better measures too.
    pub red_flag: f64,
}

/// A reported value of a measure for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actual {
    pub measure_id: MeasureId,
    pub period: Period,
    pub value: f64,
    pub note: String,
    pub entered_by: Option<UserId>,
    /// RFC 3339 time of entry.
    pub entered_at: String,
    pub source: DataSource,
}

/// A measure whose data someone owns, with where its data stands: what their home page lists
/// so an owner sees what is overdue without opening every scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnedMeasure {
    pub measure_id: MeasureId,
    pub name: String,
    pub frequency: Frequency,
    pub map_id: MapId,
    pub map_name: String,
    /// The latest month with an actual, up to the current month.
    pub latest: Option<Period>,
    /// The next value is overdue by the measure's frequency (the scorecard's stale rule).
    pub stale: bool,
}

/// One cell of a measure's history: the measure and the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MeasurePeriod {
    pub measure_id: MeasureId,
    pub period: Period,
}

/// Data changes committed together in one transaction, whatever their source (grid, target
/// editor, import, REST): actuals and targets written (inserted or replaced) or cleared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataBatch {
    #[serde(default)]
    pub actuals: Vec<Actual>,
    #[serde(default)]
    pub clear_actuals: Vec<MeasurePeriod>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub clear_targets: Vec<MeasurePeriod>,
}

impl DataBatch {
    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.actuals.is_empty()
            && self.clear_actuals.is_empty()
            && self.targets.is_empty()
            && self.clear_targets.is_empty()
    }

    /// Every measure the batch touches, once each, in first-seen order.
    pub fn measure_ids(&self) -> Vec<MeasureId> {
        let mut seen = std::collections::HashSet::new();
        self.actuals
            .iter()
            .map(|a| a.measure_id)
            .chain(self.clear_actuals.iter().map(|c| c.measure_id))
            .chain(self.targets.iter().map(|t| t.measure_id))
            .chain(self.clear_targets.iter().map(|c| c.measure_id))
            .filter(|id| seen.insert(*id))
            .collect()
    }
}

/// What a committed data batch changed, so callers can report it and tell live screens.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataOutcome {
    /// Maps whose scores changed.
    pub maps: Vec<MapId>,
    pub actuals_written: usize,
    pub targets_written: usize,
    pub cleared: usize,
}

/// A key for programs to read measures and post actuals through the REST API v1. Created by an
/// admin, shown once, stored only as a hash; scoped to org units (each with everything below
/// it); read-only or read+write; revocable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    /// The units it may read (and, when `can_write`, enter actuals in), each with its subtree.
    pub units: Vec<OrgUnitId>,
    /// Read+write (it acts as a contributor) or read-only (as a viewer).
    pub can_write: bool,
    /// Administers its scope (acts as an admin: may invite people); implies `can_write`.
    #[serde(default)]
    pub can_administer: bool,
    pub created_by: Option<UserId>,
    /// RFC 3339 times.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl ApiToken {
    /// The role the token acts with on the units of its scope.
    pub fn role(&self) -> Role {
        if self.can_administer {
            Role::Admin
        } else if self.can_write {
            Role::Contributor
        } else {
            Role::Viewer
        }
    }
}

/// State of an initiative.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeStatus {
    NotStarted,
    OnTrack,
    AtRisk,
    Late,
    Done,
}

/// A funded project that moves one or more objectives.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Initiative {
    pub id: InitiativeId,
    pub org_unit_id: OrgUnitId,
    pub name: String,
    pub description: String,
    pub owner_id: Option<UserId>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub budget: f64,
    pub spend: f64,
    pub status: InitiativeStatus,
    /// 0–100, as typed in (see `progress_mode`).
    pub percent_complete: u8,
    pub objective_ids: Vec<ObjectiveId>,
    /// Whether % complete is typed in or earned by the weighted milestones.
    #[serde(default)]
    pub progress_mode: super::initiative::ProgressMode,
    /// The day it was closed (finished or stopped): read-only and flagged no more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
}

impl Initiative {
    /// A new initiative with a fresh id: `name` of `org_unit_id`, running from `start_date` to
    /// `end_date`, not started, with no description, owner, budget, spend or objectives.
    pub fn new(
        org_unit_id: OrgUnitId,
        name: impl Into<String>,
        start_date: NaiveDate,
        end_date: NaiveDate,
    ) -> Self {
        Initiative {
            id: InitiativeId::new(),
            org_unit_id,
            name: name.into(),
            description: String::new(),
            owner_id: None,
            start_date,
            end_date,
            budget: 0.0,
            spend: 0.0,
            status: InitiativeStatus::NotStarted,
            percent_complete: 0,
            objective_ids: Vec::new(),
            progress_mode: super::initiative::ProgressMode::Typed,
            closed_on: None,
        }
    }

    /// This initiative with a description.
    pub fn with_description(self, description: impl Into<String>) -> Self {
        Initiative {
            description: description.into(),
            ..self
        }
    }

    /// This initiative with a budget and what of it is spent.
    pub fn with_budget(self, budget: f64, spend: f64) -> Self {
        Initiative {
            budget,
            spend,
            ..self
        }
    }

    /// This initiative in `status`, `percent_complete` (0–100) done.
    pub fn with_progress(self, status: InitiativeStatus, percent_complete: u8) -> Self {
        Initiative {
            status,
            percent_complete,
            ..self
        }
    }
}

setters!(Initiative {
    /// This initiative owned by `owner_id` (none: no owner).
    with_owner(owner_id: Option<UserId>);
    /// This initiative moving `objective_ids`.
    with_objectives(objective_ids: Vec<ObjectiveId>);
    /// This initiative with % complete typed in or earned by milestones.
    with_progress_mode(progress_mode: super::initiative::ProgressMode);
    /// This initiative closed on a day (none: open).
    with_closed_on(closed_on: Option<NaiveDate>);
});

/// A dated step of an initiative.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: MilestoneId,
    pub initiative_id: InitiativeId,
    pub name: String,
    pub due_date: NaiveDate,
    pub done: bool,
    /// Who delivers it (none: the initiative's owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<UserId>,
    /// Its share of the initiative's progress, against the other milestones' weights.
    #[serde(default = "default_weight")]
    pub weight: f64,
}

/// A milestone's weight when none is given.
fn default_weight() -> f64 {
    1.0
}

impl Milestone {
    /// A new milestone of `initiative_id` due on `due_date`, not done, of weight 1, with no owner.
    pub fn new(initiative_id: InitiativeId, name: impl Into<String>, due_date: NaiveDate) -> Self {
        Milestone {
            id: MilestoneId::new(),
            initiative_id,
            name: name.into(),
            due_date,
            done: false,
            owner_id: None,
            weight: 1.0,
        }
    }
}

setters!(Milestone {
    /// This milestone done or not.
    with_done(done: bool);
    /// This milestone weighing `weight` against the others.
    with_weight(weight: f64);
    /// This milestone delivered by `owner_id`.
    with_owner(owner_id: Option<UserId>);
});

/// An initiative as dashboards and the objective detail show it: with its owner's name, its
/// milestones done and due, and the next one not done yet.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativeSummary {
    pub initiative: Initiative,
    pub owner: Option<String>,
    pub milestones_done: usize,
    pub milestones_total: usize,
    /// The earliest milestone not done yet.
    pub next_milestone: Option<Milestone>,
}

/// The initiatives moving a map's objectives, with the organisation's currency (ISO 4217) in
/// which their money is shown.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativeList {
    pub items: Vec<InitiativeSummary>,
    pub currency: String,
}

impl InitiativeSummary {
    /// Builds the summary from an initiative and its milestones (any order). Its % complete is
    /// the one screens show: typed in, or earned by the milestones.
    pub fn new(
        mut initiative: Initiative,
        owner: Option<String>,
        milestones: &[Milestone],
    ) -> Self {
        initiative.percent_complete = super::initiative::progress(&initiative, milestones);
        let next_milestone = milestones
            .iter()
            .filter(|m| !m.done)
            .min_by_key(|m| m.due_date)
            .cloned();
        InitiativeSummary {
            initiative,
            owner,
            milestones_done: milestones.iter().filter(|m| m.done).count(),
            milestones_total: milestones.len(),
            next_milestone,
        }
    }

    /// Spend as a share of budget (0 when there is no budget).
    pub fn spend_share(&self) -> f64 {
        let i = &self.initiative;
        if i.budget > 0.0 {
            i.spend / i.budget
        } else {
            0.0
        }
    }
}

/// A unit objective supports an objective on its parent unit's map: the thread of a cascade.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub id: AlignmentId,
    pub unit_objective_id: ObjectiveId,
    pub parent_objective_id: ObjectiveId,
    /// How the unit objective contributes (optional, free text).
    #[serde(default)]
    pub note: String,
}

impl Alignment {
    /// A fresh alignment of `unit_objective` to `parent_objective`, without a note.
    pub fn new(unit_objective: ObjectiveId, parent_objective: ObjectiveId) -> Self {
        Alignment {
            id: AlignmentId::new(),
            unit_objective_id: unit_objective,
            parent_objective_id: parent_objective,
            note: String::new(),
        }
    }

    /// The same alignment with a contribution note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }
}

/// An objective on a map of the parent unit: what a unit map's objectives may support. The
/// unit map's document carries them so the domain can check an alignment without I/O.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParentObjective {
    pub id: ObjectiveId,
    pub map_id: MapId,
    /// The unit owning that map (the parent of the unit map's unit).
    pub org_unit_id: OrgUnitId,
    pub title: String,
    /// The name of its perspective, to group the choices.
    pub perspective: String,
}

/// A unit objective that supports one of this map's objectives: the parent map's
/// "supported by N units" badge lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Supporter {
    /// The objective on this map it supports.
    pub parent_objective_id: ObjectiveId,
    pub org_unit_id: OrgUnitId,
    pub unit_name: String,
    pub map_id: MapId,
    pub objective_id: ObjectiveId,
    pub objective_title: String,
}

/// Everything drawn on one map page, read in one go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapDocument {
    /// The op-log sequence this document reflects (0 for a map never edited live).
    pub seq: i64,
    pub map: StrategyMap,
    pub org_unit: OrgUnit,
    pub perspectives: Vec<Perspective>,
    pub themes: Vec<Theme>,
    pub objectives: Vec<Objective>,
    pub links: Vec<Link>,
    /// The measures of the map's objectives, in display order.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// The people the map names (objective owners, measure data owners), by name: only their
    /// names, so a viewer does not receive the user directory.
    pub people: Vec<Person>,
    /// Parent-map objectives each unit objective supports (empty on the enterprise map).
    pub alignments: Vec<AlignmentView>,
    /// The objectives of the parent unit's maps, which this map's objectives may support
    /// (empty on the top unit's maps). Read with the document; not part of the op sequence.
    #[serde(default)]
    pub parent_objectives: Vec<ParentObjective>,
    /// Child units' objectives aligned to this map's objectives. Read with the document and
    /// again when a child map's alignments change (`ServerMsg::CascadeChanged`).
    #[serde(default)]
    pub supporters: Vec<Supporter>,
    /// The alignments of this map's deleted objectives: re-creating an objective with its id
    /// (undo) brings them back, on every replica alike (the store keeps the rows themselves with
    /// the deleted objective, see `store::tombstones`).
    #[serde(default)]
    pub deleted_alignments: Vec<AlignmentView>,
    /// The alignments of this map's objectives whose parent objective was deleted on the parent
    /// map: the unit side shows each as "no longer exists" (its title went with it) until that
    /// deletion is undone there, which brings the alignment back. Read with the document.
    #[serde(default)]
    pub lost_alignments: Vec<AlignmentView>,
    /// The workshop running on the map, if any: in the server's copy whole, in a person's copy
    /// as they may see it ([`super::workshop::Workshop::view_for`]), and nowhere else (reports,
    /// displays, exports and REST documents never carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workshop: Option<super::workshop::Workshop>,
}

impl MapDocument {
    /// The document of `map` (owned by `org_unit`) with nothing drawn on it yet, at seq 0:
    /// callers add what the map holds with struct update syntax.
    pub fn new(map: StrategyMap, org_unit: OrgUnit) -> Self {
        MapDocument {
            seq: 0,
            map,
            org_unit,
            perspectives: Vec::new(),
            themes: Vec::new(),
            objectives: Vec::new(),
            links: Vec::new(),
            measures: Vec::new(),
            people: Vec::new(),
            alignments: Vec::new(),
            parent_objectives: Vec::new(),
            supporters: Vec::new(),
            deleted_alignments: Vec::new(),
            lost_alignments: Vec::new(),
            workshop: None,
        }
    }

    /// Whether the map belongs to a unit below the top, so alignment to a parent map applies.
    pub fn map_is_unit(&self) -> bool {
        self.org_unit.parent_id.is_some()
    }

    /// Everyone the map names (objective owners and measure data owners), each once, in id
    /// order: the people whose names the document carries.
    pub fn named_people(&self) -> Vec<UserId> {
        let mut ids: Vec<UserId> = self
            .objectives
            .iter()
            .filter_map(|o| o.owner_id)
            .chain(self.themes.iter().filter_map(|t| t.owner_id))
            .chain(self.measures.iter().filter_map(|m| m.data_owner_id))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The name of someone the map names, if the document knows it.
    pub fn person_name(&self, id: UserId) -> Option<&str> {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.as_str())
    }
}

/// An alignment as shown on the unit map: the parent objective's title beside the unit one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlignmentView {
    pub id: AlignmentId,
    pub unit_objective_id: ObjectiveId,
    pub parent_objective_id: ObjectiveId,
    pub parent_title: String,
    #[serde(default)]
    pub note: String,
}

impl AlignmentView {
    /// The alignment itself (what an `Align` op carries).
    pub fn alignment(&self) -> Alignment {
        Alignment {
            id: self.id,
            unit_objective_id: self.unit_objective_id,
            parent_objective_id: self.parent_objective_id,
            note: self.note.clone(),
        }
    }
}

/// The scorecard of a map for one span: the map (with its measures and people) and the scores of
/// that span preceded by earlier spans of the same kind, for trends (the last entry is `span`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScorecardData {
    pub doc: MapDocument,
    pub span: super::scoring::Span,
    pub history: Vec<super::scores::MapScores>,
    /// What the viewer may do on the map: edit it (and so define measures from the scorecard),
    /// enter or import its data.
    #[serde(default)]
    pub rights: super::role::MapRights,
}

impl ScorecardData {
    /// The scores of the chosen span.
    pub fn current(&self) -> Option<&super::scores::MapScores> {
        self.history.last()
    }
}

/// A map as listed on the home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapSummary {
    pub id: MapId,
    pub name: String,
    pub status: MapStatus,
    pub period_start: Period,
    pub period_end: Period,
    pub objective_count: i64,
}

/// An org unit with its maps and children, for the home page tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgTreeNode {
    pub unit: OrgUnit,
    pub role: Option<Role>,
    pub maps: Vec<MapSummary>,
    pub children: Vec<OrgTreeNode>,
}

impl MapStatus {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            MapStatus::Draft => "draft",
            MapStatus::Active => "active",
            MapStatus::Archived => "archived",
        }
    }
}

/// Text names of the small enums, for storage and forms; one place so the store and UI agree.
macro_rules! text_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok(<$t>::$v),)*
                    other => Err(format!("unknown {} \"{}\"", stringify!($t), other)),
                }
            }
        }
    };
}

text_enum!(OrgUnitKind { Enterprise => "enterprise", BusinessUnit => "business_unit", Function => "function", Team => "team" });
text_enum!(Frequency { Daily => "daily", Weekly => "weekly", Monthly => "monthly", Quarterly => "quarterly", Yearly => "yearly" });
text_enum!(Polarity { HigherIsBetter => "higher_is_better", LowerIsBetter => "lower_is_better", OnTarget => "on_target" });
text_enum!(Indicator { Leading => "leading", Lagging => "lagging" });
text_enum!(DataSource { Manual => "manual", Import => "import", Api => "api", Formula => "formula" });
text_enum!(RollUp { WeightedAverage => "weighted_average", WorstChild => "worst_child" });
text_enum!(Aggregation { Sum => "sum", Average => "average", Last => "last" });
text_enum!(InitiativeStatus { NotStarted => "not_started", OnTrack => "on_track", AtRisk => "at_risk", Late => "late", Done => "done" });

impl std::str::FromStr for MapStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(MapStatus::Draft),
            "active" => Ok(MapStatus::Active),
            "archived" => Ok(MapStatus::Archived),
            other => Err(format!("unknown map status \"{other}\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> Person {
        Person {
            id: UserId::new(),
            name: name.into(),
        }
    }

    #[test]
    fn merging_people_adds_only_the_new_ones_in_name_order() {
        let (ada, bo, cy) = (person("Ada"), person("Bo"), person("Cy"));
        let mut known = vec![bo.clone()];
        assert!(Person::merge(
            &mut known,
            &[cy.clone(), ada.clone(), bo.clone()]
        ));
        assert_eq!(known, vec![ada.clone(), bo.clone(), cy.clone()]);
        assert!(!Person::merge(&mut known, &[ada, cy]), "nothing new");
        assert_eq!(known.len(), 3);
    }

    #[test]
    fn a_map_names_its_objective_owners_once() {
        let (map, unit) = crate::domain::fixtures::acme();
        let (ada, bo) = (UserId::new(), UserId::new());
        let objective = |owner: Option<UserId>| {
            Objective::new(map.id, PerspectiveId::new(), "Grow").with_owner(owner)
        };
        let doc = MapDocument {
            objectives: vec![
                objective(Some(bo)),
                objective(None),
                objective(Some(ada)),
                objective(Some(bo)),
            ],
            people: vec![Person {
                id: ada,
                name: "Ada".into(),
            }],
            ..MapDocument::new(map, unit)
        };
        let mut expected = vec![ada, bo];
        expected.sort();
        assert_eq!(doc.named_people(), expected);
        assert_eq!(doc.person_name(ada), Some("Ada"));
        assert_eq!(doc.person_name(bo), None);
    }
}
