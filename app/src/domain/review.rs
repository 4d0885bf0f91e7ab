//! Strategy reviews, the monthly (or quarterly, or annual) meeting of the closed loop: what a
//! review is, the agenda generated from the data (reds and ambers, stale measures, objectives
//! trending down, initiatives at risk, open actions, and in quarterly and annual reviews the arrows
//! the data contradicts; in map order), the commentary owners
//! write before it, the decisions and actions taken in it, the frozen snapshot it leaves, and
//! the comparison of two snapshots. No I/O: the store keeps these, the API assembles inputs.

use super::hypothesis::{HypothesisView, Verdict};
use super::initiative::{Flag, Timeline};
use super::scores::{MapScores, MonthFigures, Why};
use super::scoring::{Score, ScoringType, Span, Status};
use super::validation::{optional_text, required_text};
use super::*;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// At most this many items on one agenda.
pub const MAX_ITEMS: usize = 100;
/// At most this many attendees of one review.
pub const MAX_ATTENDEES: usize = 200;
/// The longest commentary (analysis or recommendation), in characters.
pub const MAX_COMMENTARY: usize = 5000;
/// The longest decision or action text, in characters.
pub const MAX_TEXT: usize = 1000;
/// How many periods running an objective's score must fall to be "trending down".
pub const TREND_PERIODS: usize = 3;

/// How often a unit reviews its strategy: which span a review looks back on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    #[default]
    Monthly,
    Quarterly,
    Annual,
}

impl Cadence {
    /// The stable name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
            Cadence::Annual => "annual",
        }
    }

    /// The span a review held on `day` looks back on: the month, quarter or year just closed.
    pub fn span_before(self, day: NaiveDate) -> Span {
        let this_month = Period::new(day.year(), day.month() as u8).unwrap_or_else(|| {
            Period::new(2000, 1).unwrap_or_else(|| unreachable!("January 2000 is a period"))
        });
        let last_month = this_month.plus_months(-1);
        match self {
            Cadence::Monthly => Span::Month { period: last_month },
            Cadence::Quarterly => Span::of_kind("quarter", this_month).shift(-1),
            Cadence::Annual => Span::Year {
                year: day.year() - 1,
            },
        }
    }

    /// The date of the next review after one held on `day`.
    pub fn next_after(self, day: NaiveDate) -> NaiveDate {
        let months = match self {
            Cadence::Monthly => 1,
            Cadence::Quarterly => 3,
            Cadence::Annual => 12,
        };
        day.checked_add_months(chrono::Months::new(months))
            .unwrap_or(day)
    }
}

impl std::str::FromStr for Cadence {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "monthly" => Ok(Cadence::Monthly),
            "quarterly" => Ok(Cadence::Quarterly),
            "annual" => Ok(Cadence::Annual),
            _ => Err(()),
        }
    }
}

/// Where a review stands: scheduled (being prepared, or held) or closed (frozen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    #[default]
    Scheduled,
    Closed,
}

impl ReviewState {
    /// The stable name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Scheduled => "scheduled",
            ReviewState::Closed => "closed",
        }
    }
}

impl std::str::FromStr for ReviewState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "scheduled" => Ok(ReviewState::Scheduled),
            "closed" => Ok(ReviewState::Closed),
            _ => Err(()),
        }
    }
}

/// A strategy review of one unit's map: when, which span it looks back on, who attends, and
/// (while it is being presented) the agenda item on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: ReviewId,
    pub org_unit_id: OrgUnitId,
    pub map_id: MapId,
    pub title: String,
    pub cadence: Cadence,
    pub held_on: NaiveDate,
    /// The span it reviews, e.g. the month just closed.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub span: Span,
    pub attendees: Vec<UserId>,
    pub state: ReviewState,
    /// The agenda item (index) the presenter shows, while the review is presented.
    pub presenting: Option<u32>,
    /// RFC 3339 time it was closed.
    pub closed_at: Option<String>,
}

impl Review {
    /// A scheduled review of `map` (of `unit`) on `held_on`, looking back on the span its
    /// cadence closes.
    pub fn new(unit: OrgUnitId, map: MapId, cadence: Cadence, held_on: NaiveDate) -> Review {
        Review {
            id: ReviewId::new(),
            org_unit_id: unit,
            map_id: map,
            title: String::new(),
            cadence,
            held_on,
            span: cadence.span_before(held_on),
            attendees: Vec::new(),
            state: ReviewState::Scheduled,
            presenting: None,
            closed_at: None,
        }
    }
}

/// What an agenda item is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ItemSubject {
    Objective(ObjectiveId),
    Measure(MeasureId),
    Initiative(InitiativeId),
    /// An open action from an earlier review.
    Action(ActionItemId),
    /// A cause-and-effect arrow of the map (its test against the data is in the snapshot).
    Link(LinkId),
    /// A topic the facilitator added by hand.
    Topic,
}

/// Why an item is on the agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemReason {
    Red,
    Amber,
    /// Its data is overdue.
    Stale,
    /// Its score fell [`TREND_PERIODS`] periods running.
    TrendingDown,
    InitiativeAtRisk,
    InitiativeOverdue,
    /// An action of an earlier review, still open.
    OpenAction,
    /// Added by the facilitator.
    Added,
    /// An arrow the months of data contradict (quarterly and annual reviews).
    Contradicted,
}

impl ItemReason {
    /// The stable name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemReason::Red => "red",
            ItemReason::Amber => "amber",
            ItemReason::Stale => "stale",
            ItemReason::TrendingDown => "trending_down",
            ItemReason::InitiativeAtRisk => "initiative_at_risk",
            ItemReason::InitiativeOverdue => "initiative_overdue",
            ItemReason::OpenAction => "open_action",
            ItemReason::Added => "added",
            ItemReason::Contradicted => "contradicted",
        }
    }

    /// Why an item is on the agenda, in words, in `locale`.
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            ItemReason::Red => td_string!(locale, reviews.reason.red),
            ItemReason::Amber => td_string!(locale, reviews.reason.amber),
            ItemReason::Stale => td_string!(locale, reviews.reason.stale),
            ItemReason::TrendingDown => td_string!(locale, reviews.reason.trending_down),
            ItemReason::InitiativeAtRisk => td_string!(locale, reviews.reason.initiative_at_risk),
            ItemReason::InitiativeOverdue => td_string!(locale, reviews.reason.initiative_overdue),
            ItemReason::OpenAction => td_string!(locale, reviews.reason.open_action),
            ItemReason::Added => td_string!(locale, reviews.reason.added),
            ItemReason::Contradicted => td_string!(locale, reviews.reason.contradicted),
        }
    }
}

impl std::str::FromStr for ItemReason {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [
            ItemReason::Red,
            ItemReason::Amber,
            ItemReason::Stale,
            ItemReason::TrendingDown,
            ItemReason::InitiativeAtRisk,
            ItemReason::InitiativeOverdue,
            ItemReason::OpenAction,
            ItemReason::Added,
            ItemReason::Contradicted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
        .ok_or(())
    }
}

/// What an item's owner writes before the meeting: what happened and why, and what to do.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Commentary {
    pub analysis: String,
    pub recommendation: String,
    pub written_by: Option<UserId>,
    /// RFC 3339 time it was last written.
    pub written_at: Option<String>,
}

impl Commentary {
    /// Nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.analysis.trim().is_empty() && self.recommendation.trim().is_empty()
    }
}

/// One item of a review's agenda.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    pub id: ReviewItemId,
    pub subject: ItemSubject,
    pub reason: ItemReason,
    /// The item's name as the agenda shows it (the measure's or objective's, or a topic).
    pub title: String,
    /// Who writes its commentary (the measure's data owner, the objective's or initiative's
    /// owner, the action's owner).
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub commentary: Commentary,
}

impl AgendaItem {
    /// An item about `subject` for `reason`.
    pub fn new(
        subject: ItemSubject,
        reason: ItemReason,
        title: impl Into<String>,
        owner_id: Option<UserId>,
    ) -> Self {
        AgendaItem {
            id: ReviewItemId::new(),
            subject,
            reason,
            title: title.into(),
            owner_id,
            commentary: Commentary::default(),
        }
    }

    /// The item needs commentary before the review may close where the unit requires it.
    pub fn needs_commentary(&self, required_on_red: bool) -> bool {
        required_on_red
            && self.reason == ItemReason::Red
            && self.commentary.analysis.trim().is_empty()
    }
}

/// A decision taken in a review, on an item or on the review as a whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: DecisionId,
    pub item_id: Option<ReviewItemId>,
    pub text: String,
    /// RFC 3339 time it was taken.
    pub created_at: String,
}

/// An action item: who does what by when, tracked until done across reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionItem {
    pub id: ActionItemId,
    pub org_unit_id: OrgUnitId,
    /// The review it was captured in.
    pub review_id: ReviewId,
    /// The agenda item it was captured on, if any.
    pub item_id: Option<ReviewItemId>,
    /// What the agenda item was about: the action's linked item.
    pub subject: Option<ItemSubject>,
    pub text: String,
    pub owner_id: Option<UserId>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

impl ActionItem {
    /// Still to do after `today`'s date passed its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due_on < today
    }
}

/// Checks a review's own fields.
pub fn validate(r: &Review) -> Result<(), ValidationError> {
    required_text("Title", &r.title, 200)?;
    if r.attendees.len() > MAX_ATTENDEES {
        return Err(ValidationError::TooManyEntries {
            field: "Attendees".into(),
            max: MAX_ATTENDEES,
        });
    }
    Ok(())
}

/// Checks an agenda as a facilitator saves it: at most [`MAX_ITEMS`], each titled.
pub fn validate_agenda(items: &[AgendaItem]) -> Result<(), ValidationError> {
    if items.len() > MAX_ITEMS {
        return Err(ValidationError::TooManyEntries {
            field: "Agenda".into(),
            max: MAX_ITEMS,
        });
    }
    items
        .iter()
        .try_for_each(|i| required_text("Title", &i.title, 300))
}

/// Checks a commentary's two texts.
pub fn validate_commentary(c: &Commentary) -> Result<(), ValidationError> {
    optional_text("Analysis", &c.analysis, MAX_COMMENTARY)?;
    optional_text("Recommendation", &c.recommendation, MAX_COMMENTARY)
}

/// Checks a decision's or an action's text.
pub fn validate_text(field: &str, text: &str) -> Result<(), ValidationError> {
    required_text(field, text, MAX_TEXT)
}

/// An initiative as the agenda weighs it: its status as set, whether it is past its end or
/// has overdue milestones, and whom it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct InitiativeState {
    pub initiative: Initiative,
    pub flags: Vec<Flag>,
}

/// Everything the agenda is generated from.
pub struct AgendaInput<'a> {
    pub doc: &'a MapDocument,
    /// The map's scores for the reviewed span and the spans before it, oldest first; the last
    /// is the reviewed span.
    pub history: &'a [MapScores],
    /// The unit's open initiatives.
    pub initiatives: &'a [InitiativeState],
    /// The unit's open actions from earlier reviews.
    pub open_actions: &'a [ActionItem],
    /// How often the review is held: quarterly and annual reviews question the arrows.
    pub cadence: Cadence,
    /// The map's arrows tested against the data (`hypothesis::test_map`).
    pub arrows: &'a [HypothesisView],
}

/// The arrows a review held at `cadence` puts on its agenda: those the data contradicts, in
/// quarterly and annual reviews (a month adds too little data to question the map monthly).
pub fn arrows_to_question(cadence: Cadence, arrows: &[HypothesisView]) -> Vec<&HypothesisView> {
    if cadence == Cadence::Monthly {
        return Vec::new();
    }
    arrows
        .iter()
        .filter(|a| a.test.verdict == Verdict::Contradicted)
        .collect()
}

/// The agenda the data asks for, in map order (top perspective first, objectives top to
/// bottom, each objective's measures after it), then initiatives at risk or overdue, then open
/// actions (earliest due first). One item per subject: a measure both red and stale is on it
/// once, as red.
pub fn generate(input: &AgendaInput) -> Vec<AgendaItem> {
    let Some(now) = input.history.last() else {
        return Vec::new();
    };
    let doc = input.doc;
    let mut items = Vec::new();
    for o in objectives_in_map_order(doc) {
        if trending_down(input.history, o.id) {
            items.push(AgendaItem::new(
                ItemSubject::Objective(o.id),
                ItemReason::TrendingDown,
                o.title.clone(),
                o.owner_id,
            ));
        }
        for m in doc.measures.iter().filter(|m| m.objective_id == o.id) {
            let Some(score) = now.measure(m.id) else {
                continue;
            };
            let reason = match score.score.status {
                Status::Red => Some(ItemReason::Red),
                Status::Amber => Some(ItemReason::Amber),
                _ if score.stale => Some(ItemReason::Stale),
                _ => None,
            };
            if let Some(reason) = reason {
                items.push(AgendaItem::new(
                    ItemSubject::Measure(m.id),
                    reason,
                    m.name.clone(),
                    m.data_owner_id.or(o.owner_id),
                ));
            }
        }
    }
    items.extend(
        arrows_to_question(input.cadence, input.arrows)
            .into_iter()
            .map(|a| {
                let owner = doc
                    .objectives
                    .iter()
                    .find(|o| o.id == a.from_id)
                    .and_then(|o| o.owner_id);
                AgendaItem::new(
                    ItemSubject::Link(a.link_id),
                    ItemReason::Contradicted,
                    a.arrow(),
                    owner,
                )
            }),
    );
    let first_objective = |i: &Initiative| {
        objectives_in_map_order(doc)
            .iter()
            .position(|o| i.objective_ids.contains(&o.id))
            .unwrap_or(usize::MAX)
    };
    let mut troubled: Vec<(&InitiativeState, ItemReason)> = input
        .initiatives
        .iter()
        .filter(|s| s.initiative.closed_on.is_none())
        .filter_map(|s| {
            let overdue = s
                .flags
                .iter()
                .any(|f| matches!(f, Flag::PastEnd | Flag::MilestonesOverdue { .. }));
            let at_risk = matches!(
                s.initiative.status,
                InitiativeStatus::AtRisk | InitiativeStatus::Late
            );
            match (overdue, at_risk) {
                (true, _) => Some((s, ItemReason::InitiativeOverdue)),
                (false, true) => Some((s, ItemReason::InitiativeAtRisk)),
                _ => None,
            }
        })
        .collect();
    troubled.sort_by_key(|(s, _)| (first_objective(&s.initiative), s.initiative.name.clone()));
    items.extend(troubled.into_iter().map(|(s, reason)| {
        AgendaItem::new(
            ItemSubject::Initiative(s.initiative.id),
            reason,
            s.initiative.name.clone(),
            s.initiative.owner_id,
        )
    }));
    let mut actions: Vec<&ActionItem> = input
        .open_actions
        .iter()
        .filter(|a| a.done_on.is_none())
        .collect();
    actions.sort_by_key(|a| (a.due_on, a.text.clone()));
    items.extend(actions.into_iter().map(|a| {
        AgendaItem::new(
            ItemSubject::Action(a.id),
            ItemReason::OpenAction,
            a.text.clone(),
            a.owner_id,
        )
    }));
    items.truncate(MAX_ITEMS);
    items
}

impl Snapshot {
    /// How many arrows the agenda questions, and the most months of data any was tested on
    /// ("3 arrows contradicted by 24 months of data"); none without such items.
    pub fn arrows_questioned(&self) -> Option<(usize, usize)> {
        let count = self
            .items
            .iter()
            .filter(|i| matches!(i.subject, ItemSubject::Link(_)))
            .count();
        let months = self
            .arrows
            .iter()
            .map(|a| a.cause_series.len().max(a.effect_series.len()))
            .max()
            .unwrap_or(0);
        (count > 0).then_some((count, months))
    }
}

/// Adds to `agenda` the generated items whose subject it does not have yet (a facilitator's
/// "refresh from the data" keeps what was added, removed by hand stays removed only until the
/// data asks for it again), and returns how many were added.
pub fn merge(agenda: &mut Vec<AgendaItem>, generated: Vec<AgendaItem>) -> usize {
    let before = agenda.len();
    for item in generated {
        if agenda.len() >= MAX_ITEMS {
            break;
        }
        if !agenda.iter().any(|a| a.subject == item.subject) {
            agenda.push(item);
        }
    }
    agenda.len() - before
}

/// A map's objectives top perspective first, then top to bottom and left to right.
pub fn objectives_in_map_order(doc: &MapDocument) -> Vec<&Objective> {
    let mut list: Vec<&Objective> = doc.objectives.iter().collect();
    list.sort_by(|a, b| {
        let band = |o: &Objective| {
            doc.perspectives
                .iter()
                .find(|p| p.id == o.perspective_id)
                .map_or(i32::MAX, |p| p.rank)
        };
        (band(a), a.y, a.x)
            .partial_cmp(&(band(b), b.y, b.x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    list
}

/// An objective's score fell in each of the last [`TREND_PERIODS`] steps of `history`.
pub fn trending_down(history: &[MapScores], objective: ObjectiveId) -> bool {
    if history.len() < TREND_PERIODS + 1 {
        return false;
    }
    let values: Vec<Option<f64>> = history[history.len() - TREND_PERIODS - 1..]
        .iter()
        .map(|s| s.objective(objective).value)
        .collect();
    values.windows(2).all(|w| match (w[0], w[1]) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    })
}

/// One objective as the review saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapObjective {
    pub id: ObjectiveId,
    pub perspective: String,
    pub title: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub score: Score,
}

/// One measure as the review saw it: its figures for the span, its status and the note
/// entered with its latest value in the span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapMeasure {
    pub id: MeasureId,
    pub objective_id: ObjectiveId,
    pub name: String,
    pub unit: String,
    pub decimals: u8,
    pub actual: Option<f64>,
    pub goal: Option<f64>,
    pub red_flag: Option<f64>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub score: Score,
    pub stale: bool,
    pub note: String,
}

/// One initiative as the review saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapInitiative {
    pub id: InitiativeId,
    pub name: String,
    pub status: InitiativeStatus,
    pub percent_complete: u8,
    pub end_date: NaiveDate,
    /// The objectives it moves.
    pub objective_ids: Vec<ObjectiveId>,
}

/// The chart and the "why" beside an agenda item, as the review saw them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemDetail {
    pub item_id: ReviewItemId,
    /// A measure item's chart: twelve months up to the reviewed span's end, on to December.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub chart: Vec<MonthFigures>,
    /// How the measure is scored (the chart's threshold bands).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub scoring: Option<ScoringType>,
    /// How its status came about, worded in the language of whoever opened or closed it.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub why: Option<Why>,
}

/// What a closed review keeps, exactly as it was at closing: a year later it reads the same,
/// whatever data changed since. Stored whole; never recomputed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Snapshot {
    /// RFC 3339 time of closing.
    pub taken_at: String,
    pub unit_name: String,
    pub map_name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub span: Span,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub map_score: Score,
    pub objectives: Vec<SnapObjective>,
    pub measures: Vec<SnapMeasure>,
    pub initiatives: Vec<SnapInitiative>,
    pub items: Vec<AgendaItem>,
    pub decisions: Vec<Decision>,
    /// The actions captured in it and those still open from earlier reviews, as they stood.
    pub actions: Vec<ActionItem>,
    /// The agenda items' charts and "why"s.
    #[serde(default)]
    pub details: Vec<ItemDetail>,
    /// The map's drawing as it stood (absent from snapshots taken before it was kept: their
    /// books draw the map as it is).
    #[serde(default)]
    pub layout: Option<SnapLayout>,
    /// The unit's initiative timeline as it stood (absent likewise). Set by whoever takes the
    /// snapshot, as the initiatives are read apart from the map.
    #[serde(default)]
    pub timeline: Option<Timeline>,
    /// The tests of the arrows on the agenda as they stood (charts and figures for the page
    /// and the book).
    #[serde(default)]
    pub arrows: Vec<HypothesisView>,
}

/// The map's drawing as it stood at closing: bands, lanes, boxes where they were and arrows, so
/// that a closed review's book shows the map that was discussed, not the one redrawn since.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnapLayout {
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub perspectives: Vec<Perspective>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub themes: Vec<Theme>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub objectives: Vec<Objective>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub links: Vec<Link>,
}

impl SnapLayout {
    /// The drawing of `doc` now.
    pub fn of(doc: &MapDocument) -> Self {
        SnapLayout {
            perspectives: doc.perspectives.clone(),
            themes: doc.themes.clone(),
            objectives: doc.objectives.clone(),
            links: doc.links.clone(),
        }
    }

    /// `doc` (the map the review belongs to) drawn as it stood: its bands, lanes, boxes and
    /// arrows replaced by these.
    pub fn drawn_on(&self, doc: MapDocument) -> MapDocument {
        MapDocument {
            perspectives: self.perspectives.clone(),
            themes: self.themes.clone(),
            objectives: self.objectives.clone(),
            links: self.links.clone(),
            ..doc
        }
    }
}

/// Freezes what a review shows: the map's scores for its span (`scores`), the notes of the
/// span's actuals (`notes`, by measure), the unit's initiatives, and the review's agenda,
/// decisions and actions.
#[allow(clippy::too_many_arguments)]
pub fn snapshot(
    taken_at: String,
    doc: &MapDocument,
    scores: &MapScores,
    notes: &[(MeasureId, String)],
    initiatives: &[Initiative],
    items: Vec<AgendaItem>,
    decisions: Vec<Decision>,
    actions: Vec<ActionItem>,
) -> Snapshot {
    let perspective = |id: PerspectiveId| {
        doc.perspectives
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let ordered = objectives_in_map_order(doc);
    let measures = ordered
        .iter()
        .flat_map(|o| doc.measures.iter().filter(|m| m.objective_id == o.id))
        .map(|m| {
            let s = scores.measure(m.id);
            SnapMeasure {
                id: m.id,
                objective_id: m.objective_id,
                name: m.name.clone(),
                unit: m.unit.clone(),
                decimals: m.decimals,
                actual: s.and_then(|s| s.actual),
                goal: s.and_then(|s| s.goal),
                red_flag: s.and_then(|s| s.red_flag),
                score: s.map_or(Score::NO_DATA, |s| s.score),
                stale: s.is_some_and(|s| s.stale),
                note: notes
                    .iter()
                    .find(|(id, _)| *id == m.id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Snapshot {
        taken_at,
        unit_name: doc.org_unit.name.clone(),
        map_name: doc.map.name.clone(),
        span: scores.span,
        map_score: scores.map,
        objectives: ordered
            .iter()
            .map(|o| SnapObjective {
                id: o.id,
                perspective: perspective(o.perspective_id),
                title: o.title.clone(),
                score: scores.objective(o.id),
            })
            .collect(),
        measures,
        initiatives: initiatives
            .iter()
            .map(|i| SnapInitiative {
                id: i.id,
                name: i.name.clone(),
                status: i.status,
                percent_complete: i.percent_complete,
                end_date: i.end_date,
                objective_ids: i.objective_ids.clone(),
            })
            .collect(),
        items,
        decisions,
        actions,
        details: Vec::new(),
        layout: Some(SnapLayout::of(doc)),
        timeline: None,
        arrows: Vec::new(),
    }
}

/// Which kind of thing changed status between two reviews.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovedKind {
    Objective,
    Measure,
}

/// An objective or measure whose status moved between two reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Moved {
    pub kind: MovedKind,
    pub id: uuid::Uuid,
    pub title: String,
    /// `None` when it was not on the earlier review's map.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub from: Option<Status>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub to: Status,
}

/// "What changed since last time": statuses that moved, new reds, and the earlier review's
/// open actions done since.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Every status that differs (new reds included), objectives first, in map order.
    pub moved: Vec<Moved>,
    /// The ones red now and not red before.
    pub new_reds: Vec<Moved>,
    /// Actions open at the earlier review and done at the later one.
    pub actions_done: Vec<ActionItem>,
    /// Actions open at the earlier review and still open at the later one.
    pub actions_open: Vec<ActionItem>,
}

/// Compares an `earlier` review's snapshot with a `later` one.
pub fn compare(earlier: &Snapshot, later: &Snapshot) -> Comparison {
    let mut moved = Vec::new();
    for o in &later.objectives {
        let before = earlier
            .objectives
            .iter()
            .find(|e| e.id == o.id)
            .map(|e| e.score.status);
        if before != Some(o.score.status) {
            moved.push(Moved {
                kind: MovedKind::Objective,
                id: o.id.0,
                title: o.title.clone(),
                from: before,
                to: o.score.status,
            });
        }
    }
    for m in &later.measures {
        let before = earlier
            .measures
            .iter()
            .find(|e| e.id == m.id)
            .map(|e| e.score.status);
        if before != Some(m.score.status) {
            moved.push(Moved {
                kind: MovedKind::Measure,
                id: m.id.0,
                title: m.name.clone(),
                from: before,
                to: m.score.status,
            });
        }
    }
    let new_reds = moved
        .iter()
        .filter(|m| m.to == Status::Red && m.from != Some(Status::Red))
        .cloned()
        .collect();
    let (mut actions_done, mut actions_open) = (Vec::new(), Vec::new());
    for a in earlier.actions.iter().filter(|a| a.done_on.is_none()) {
        match later.actions.iter().find(|l| l.id == a.id) {
            Some(l) if l.done_on.is_some() => actions_done.push(l.clone()),
            Some(l) => actions_open.push(l.clone()),
            None => {}
        }
    }
    Comparison {
        moved,
        new_reds,
        actions_done,
        actions_open,
    }
}

/// The actions a snapshot keeps out of a unit's `all`: those captured in `review`, those
/// still open, and those done on or after `since` (the previous review's date), so the next
/// comparison can tell which were done.
pub fn actions_to_keep(
    all: &[ActionItem],
    review: ReviewId,
    since: Option<NaiveDate>,
) -> Vec<ActionItem> {
    all.iter()
        .filter(|a| {
            a.review_id == review
                || match a.done_on {
                    None => true,
                    Some(d) => since.is_none_or(|s| d >= s),
                }
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scores::MeasureScore;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn month(y: i32, m: u8) -> Period {
        Period::new(y, m).unwrap()
    }

    fn score(value: f64) -> Score {
        Score::from_value(value)
    }

    /// A map with two perspectives (Financial on top), one objective each, one measure each.
    fn doc() -> MapDocument {
        let mut doc = crate::domain::fixtures::acme_doc();
        let map = doc.map.id;
        let top = Perspective::new(map, "Financial", 0);
        let low = Perspective::new(map, "Learning", 3);
        let mut o_low = Objective::new(map, low.id, "Grow skills");
        o_low.y = 10.0;
        let mut o_top = Objective::new(map, top.id, "Grow revenue");
        o_top.y = 50.0;
        let m_low = Measure::new(o_low.id, "Training hours");
        let m_top = Measure::new(o_top.id, "Revenue");
        doc.perspectives = vec![low, top];
        doc.objectives = vec![o_low, o_top];
        doc.measures = vec![m_low, m_top];
        doc
    }

    fn scores(doc: &MapDocument, span: Span, values: &[(usize, f64, bool)]) -> MapScores {
        MapScores {
            span,
            measures: doc
                .measures
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let (value, stale) = values
                        .iter()
                        .find(|(j, _, _)| *j == i)
                        .map_or((None, false), |(_, v, s)| (Some(*v), *s));
                    MeasureScore {
                        measure_id: m.id,
                        actual: value,
                        goal: None,
                        red_flag: None,
                        score: value.map_or(Score::NO_DATA, score),
                        latest: None,
                        stale,
                        error: None,
                    }
                })
                .collect(),
            objectives: doc
                .objectives
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let s = values
                        .iter()
                        .find(|(j, _, _)| *j == i)
                        .map_or(Score::NO_DATA, |(_, v, _)| score(*v));
                    (o.id, s)
                })
                .collect(),
            perspectives: vec![],
            themes: vec![],
            map: Score::NO_DATA,
        }
    }

    /// The arrow from the map's first objective to its second, tested on two years in which the
    /// effect moves against the cause (`opposite` false: the arrow expects the same way).
    fn tested_arrow(doc: &MapDocument, opposite: bool) -> HypothesisView {
        use crate::domain::hypothesis::{test, Direction};
        let (cause, effect) = (&doc.objectives[0], &doc.objectives[1]);
        let start = month(2024, 11);
        let cause_series: Vec<(Period, f64)> = (0..24)
            .map(|i| (start.plus_months(i), f64::from((i * 7) % 10)))
            .collect();
        let effect_series: Vec<(Period, f64)> =
            cause_series.iter().map(|(p, v)| (*p, 10.0 - v)).collect();
        let direction = if opposite {
            Direction::Opposite
        } else {
            Direction::Same
        };
        HypothesisView {
            link_id: LinkId::new(),
            from_id: cause.id,
            from_title: cause.title.clone(),
            to_id: effect.id,
            to_title: effect.title.clone(),
            hypothesis: String::new(),
            direction,
            lag_months: Some(0),
            test: test(&cause_series, &effect_series, direction, Some(0)),
            cause_series,
            effect_series,
        }
    }

    #[test]
    fn quarterly_and_annual_agendas_question_the_arrows_the_data_contradicts() {
        let mut doc = doc();
        let owner = UserId::new();
        doc.objectives[0].owner_id = Some(owner);
        let span = Span::Month {
            period: month(2026, 11),
        };
        let history = [scores(&doc, span, &[])];
        let contradicted = tested_arrow(&doc, false);
        let supported = tested_arrow(&doc, true);
        assert_eq!(contradicted.test.verdict, Verdict::Contradicted);
        assert_eq!(supported.test.verdict, Verdict::Supported);
        let arrows = [supported, contradicted.clone()];
        let agenda = |cadence| {
            generate(&AgendaInput {
                doc: &doc,
                history: &history,
                initiatives: &[],
                open_actions: &[],
                cadence,
                arrows: &arrows,
            })
        };
        let quarterly = agenda(Cadence::Quarterly);
        assert_eq!(quarterly.len(), 1, "only the contradicted arrow");
        assert_eq!(
            quarterly[0].subject,
            ItemSubject::Link(contradicted.link_id)
        );
        assert_eq!(quarterly[0].reason, ItemReason::Contradicted);
        assert_eq!(quarterly[0].title, "Grow skills → Grow revenue");
        assert_eq!(
            quarterly[0].owner_id,
            Some(owner),
            "the cause's owner writes on it"
        );
        assert_eq!(agenda(Cadence::Annual).len(), 1);
        assert!(
            agenda(Cadence::Monthly).is_empty(),
            "monthly reviews leave the arrows alone"
        );
        assert_eq!("contradicted".parse(), Ok(ItemReason::Contradicted));
    }

    #[test]
    fn a_review_looks_back_on_the_span_just_closed() {
        let d = day("2026-12-08");
        assert_eq!(
            Cadence::Monthly.span_before(d),
            Span::Month {
                period: month(2026, 11)
            }
        );
        assert_eq!(
            Cadence::Quarterly.span_before(d),
            Span::Quarter {
                year: 2026,
                quarter: 3
            }
        );
        assert_eq!(Cadence::Annual.span_before(d), Span::Year { year: 2025 });
        assert_eq!(
            Cadence::Monthly.span_before(day("2026-01-05")),
            Span::Month {
                period: month(2025, 12)
            }
        );
        assert_eq!(Cadence::Monthly.next_after(d), day("2027-01-08"));
        assert_eq!(Cadence::Quarterly.next_after(d), day("2027-03-08"));
    }

    #[test]
    fn the_agenda_follows_the_map_top_perspective_first() {
        let doc = doc();
        let span = Span::Month {
            period: month(2026, 11),
        };
        // Measure 0 (Learning) is red, measure 1 (Financial) is amber.
        let now = scores(&doc, span, &[(0, 1.0, false), (1, 5.0, false)]);
        let history = [now];
        let items = generate(&AgendaInput {
            doc: &doc,
            history: &history,
            initiatives: &[],
            open_actions: &[],
            cadence: Cadence::Monthly,
            arrows: &[],
        });
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Revenue", "Training hours"]);
        assert_eq!(items[0].reason, ItemReason::Amber);
        assert_eq!(items[1].reason, ItemReason::Red);
    }

    #[test]
    fn stale_measures_trends_initiatives_and_open_actions_are_on_it() {
        let doc = doc();
        let objective = doc.objectives[1].id;
        let spans: Vec<Span> = (8..=11)
            .map(|m| Span::Month {
                period: month(2026, m),
            })
            .collect();
        // The Financial objective (index 1) falls 9 → 8 → 7.5 → 7 (green all along); measure 0
        // is green but stale.
        let history: Vec<MapScores> = spans
            .iter()
            .zip([9.0, 8.0, 7.5, 7.0])
            .map(|(s, v)| scores(&doc, *s, &[(0, 9.0, true), (1, v, false)]))
            .collect();
        let (start, end) = (day("2026-01-01"), day("2026-12-31"));
        let mut late = Initiative::new(doc.org_unit.id, "Launch app", start, day("2026-10-01"));
        late.objective_ids = vec![objective];
        let mut risky = Initiative::new(doc.org_unit.id, "Hire", start, end);
        risky.status = InitiativeStatus::AtRisk;
        let fine = Initiative::new(doc.org_unit.id, "Fine", start, end);
        let initiatives = [
            InitiativeState {
                initiative: risky,
                flags: vec![],
            },
            InitiativeState {
                initiative: late,
                flags: vec![Flag::PastEnd],
            },
            InitiativeState {
                initiative: fine,
                flags: vec![],
            },
        ];
        let action = ActionItem {
            id: ActionItemId::new(),
            org_unit_id: doc.org_unit.id,
            review_id: ReviewId::new(),
            item_id: None,
            subject: None,
            text: "Call the bank".into(),
            owner_id: None,
            due_on: day("2026-11-30"),
            done_on: None,
        };
        let done = ActionItem {
            id: ActionItemId::new(),
            done_on: Some(day("2026-11-02")),
            ..action.clone()
        };
        let items = generate(&AgendaInput {
            doc: &doc,
            history: &history,
            initiatives: &initiatives,
            open_actions: &[action.clone(), done],
            cadence: Cadence::Monthly,
            arrows: &[],
        });
        let got: Vec<(&str, ItemReason)> =
            items.iter().map(|i| (i.title.as_str(), i.reason)).collect();
        assert_eq!(
            got,
            [
                ("Grow revenue", ItemReason::TrendingDown),
                ("Training hours", ItemReason::Stale),
                ("Launch app", ItemReason::InitiativeOverdue),
                ("Hire", ItemReason::InitiativeAtRisk),
                ("Call the bank", ItemReason::OpenAction),
            ]
        );
    }

    #[test]
    fn a_fall_interrupted_or_missing_data_is_no_trend() {
        let doc = doc();
        let o = doc.objectives[1].id;
        let at = |values: [f64; 4]| -> Vec<MapScores> {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let span = Span::Month {
                        period: month(2026, 1 + i as u8),
                    };
                    scores(&doc, span, &[(1, *v, false)])
                })
                .collect()
        };
        assert!(trending_down(&at([9.0, 8.0, 7.0, 6.0]), o));
        assert!(!trending_down(&at([9.0, 8.0, 8.0, 6.0]), o));
        assert!(!trending_down(&at([9.0, 8.0, 7.0, 6.0])[1..], o));
        let mut gap = at([9.0, 8.0, 7.0, 6.0]);
        gap[1] = scores(&doc, gap[1].span, &[]);
        assert!(!trending_down(&gap, o));
    }

    #[test]
    fn merging_adds_only_what_the_agenda_lacks() {
        let m = MeasureId::new();
        let mut agenda = vec![AgendaItem::new(
            ItemSubject::Measure(m),
            ItemReason::Red,
            "Revenue",
            None,
        )];
        agenda.push(AgendaItem::new(
            ItemSubject::Topic,
            ItemReason::Added,
            "Budget",
            None,
        ));
        let generated = vec![
            AgendaItem::new(ItemSubject::Measure(m), ItemReason::Amber, "Revenue", None),
            AgendaItem::new(
                ItemSubject::Objective(ObjectiveId::new()),
                ItemReason::TrendingDown,
                "Grow",
                None,
            ),
        ];
        assert_eq!(merge(&mut agenda, generated), 1);
        assert_eq!(agenda.len(), 3);
        assert_eq!(agenda[0].reason, ItemReason::Red);
    }

    #[test]
    fn commentary_is_required_on_red_items_only_where_the_unit_asks() {
        let mut red = AgendaItem::new(
            ItemSubject::Measure(MeasureId::new()),
            ItemReason::Red,
            "R",
            None,
        );
        let amber = AgendaItem {
            reason: ItemReason::Amber,
            ..red.clone()
        };
        assert!(red.needs_commentary(true));
        assert!(!red.needs_commentary(false));
        assert!(!amber.needs_commentary(true));
        red.commentary.analysis = "Price war".into();
        assert!(!red.needs_commentary(true));
    }

    fn snap(objective: (ObjectiveId, Status), actions: Vec<ActionItem>) -> Snapshot {
        let value = |s: Status| match s {
            Status::Red => Some(2.0),
            Status::Amber => Some(5.0),
            Status::Green => Some(9.0),
            Status::NoData => None,
        };
        Snapshot {
            taken_at: String::new(),
            unit_name: String::new(),
            map_name: String::new(),
            span: Span::Year { year: 2026 },
            map_score: Score::NO_DATA,
            objectives: vec![SnapObjective {
                id: objective.0,
                perspective: String::new(),
                title: "Grow".into(),
                score: value(objective.1).map_or(Score::NO_DATA, score),
            }],
            measures: vec![],
            initiatives: vec![],
            items: vec![],
            decisions: vec![],
            actions,
            details: vec![],
            layout: None,
            timeline: None,
            arrows: Vec::new(),
        }
    }

    #[test]
    fn a_comparison_names_moves_new_reds_and_actions_done() {
        let o = ObjectiveId::new();
        let open = ActionItem {
            id: ActionItemId::new(),
            org_unit_id: OrgUnitId::new(),
            review_id: ReviewId::new(),
            item_id: None,
            subject: None,
            text: "Fix".into(),
            owner_id: None,
            due_on: day("2026-11-30"),
            done_on: None,
        };
        let still = ActionItem {
            id: ActionItemId::new(),
            text: "Still".into(),
            ..open.clone()
        };
        let earlier = snap((o, Status::Amber), vec![open.clone(), still.clone()]);
        let done = ActionItem {
            done_on: Some(day("2026-11-20")),
            ..open.clone()
        };
        let later = snap((o, Status::Red), vec![done.clone(), still.clone()]);
        let c = compare(&earlier, &later);
        assert_eq!(c.moved.len(), 1);
        assert_eq!(c.moved[0].from, Some(Status::Amber));
        assert_eq!(c.new_reds.len(), 1);
        assert_eq!(c.actions_done, vec![done]);
        assert_eq!(c.actions_open, vec![still.clone()]);
        let same = compare(&later, &later);
        assert!(same.moved.is_empty() && same.new_reds.is_empty() && same.actions_done.is_empty());
        assert_eq!(same.actions_open, vec![still], "what was open stays open");
    }

    #[test]
    fn a_snapshot_keeps_the_maps_drawing_as_it_stood() {
        let then = doc();
        let span = Span::Month {
            period: Period::new(2026, 10).expect("a month"),
        };
        let snap = snapshot(
            String::new(),
            &then,
            &scores(&then, span, &[]),
            &[],
            &[],
            vec![],
            vec![],
            vec![],
        );
        let mut now = then.clone();
        now.objectives[0].x += 300.0;
        now.objectives[1].title = "Reworded".into();
        now.objectives.push(Objective::new(
            now.map.id,
            now.perspectives[0].id,
            "Added later",
        ));
        let layout = snap.layout.as_ref().expect("the drawing is kept");
        assert_eq!(layout.drawn_on(now.clone()).objectives, then.objectives);
        assert_eq!(
            layout.drawn_on(now.clone()).map,
            now.map,
            "the rest is the map's"
        );
        let stored: Snapshot =
            serde_json::from_value(serde_json::to_value(&snap).expect("json")).expect("read back");
        assert_eq!(stored, snap);
        // A snapshot stored before drawings were kept reads back with none.
        let mut older = serde_json::to_value(&snap).expect("json");
        let fields = older.as_object_mut().expect("an object");
        fields.remove("layout");
        fields.remove("timeline");
        let older: Snapshot = serde_json::from_value(older).expect("older snapshots read");
        assert_eq!((older.layout, older.timeline), (None, None));
    }

    #[test]
    fn a_snapshot_keeps_open_actions_and_those_done_since_the_last_review() {
        let review = ReviewId::new();
        let base = ActionItem {
            id: ActionItemId::new(),
            org_unit_id: OrgUnitId::new(),
            review_id: ReviewId::new(),
            item_id: None,
            subject: None,
            text: "A".into(),
            owner_id: None,
            due_on: day("2026-11-30"),
            done_on: None,
        };
        let old_done = ActionItem {
            id: ActionItemId::new(),
            done_on: Some(day("2026-09-01")),
            ..base.clone()
        };
        let recent_done = ActionItem {
            id: ActionItemId::new(),
            done_on: Some(day("2026-11-10")),
            ..base.clone()
        };
        let here_done = ActionItem {
            id: ActionItemId::new(),
            review_id: review,
            done_on: Some(day("2026-01-10")),
            ..base.clone()
        };
        let all = [
            base.clone(),
            old_done,
            recent_done.clone(),
            here_done.clone(),
        ];
        let kept = actions_to_keep(&all, review, Some(day("2026-11-01")));
        assert_eq!(kept, vec![base, recent_done, here_done]);
    }

    proptest! {
        /// Whatever the statuses, the agenda names each subject once, keeps map order (every
        /// measure item's objective comes no later in the map than the next one's), lists every
        /// red measure and never more than the limit.
        #[test]
        fn the_generated_agenda_is_ordered_complete_and_unique(values in proptest::collection::vec((0.0f64..10.0, any::<bool>()), 2)) {
            let doc = doc();
            let span = Span::Month { period: month(2026, 11) };
            let input: Vec<(usize, f64, bool)> = values.iter().enumerate().map(|(i, (v, s))| (i, *v, *s)).collect();
            let history = [scores(&doc, span, &input)];
            let items = generate(&AgendaInput { doc: &doc, history: &history, initiatives: &[], open_actions: &[], cadence: Cadence::Monthly, arrows: &[] });
            let order = objectives_in_map_order(&doc);
            let rank = |m: MeasureId| {
                let o = doc.measures.iter().find(|x| x.id == m).unwrap().objective_id;
                order.iter().position(|x| x.id == o).unwrap()
            };
            let ranks: Vec<usize> = items.iter().filter_map(|i| match i.subject {
                ItemSubject::Measure(m) => Some(rank(m)),
                _ => None,
            }).collect();
            prop_assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
            for (i, m) in doc.measures.iter().enumerate() {
                let red = history[0].measures[i].score.status == Status::Red;
                let listed = items.iter().filter(|it| it.subject == ItemSubject::Measure(m.id)).count();
                prop_assert!(listed <= 1);
                if red { prop_assert_eq!(listed, 1); }
            }
        }

        /// Comparing a snapshot with itself finds nothing; with any other status something moved.
        #[test]
        fn comparing_a_snapshot_with_itself_finds_nothing(a in 0usize..4, b in 0usize..4) {
            let all = [Status::Red, Status::Amber, Status::Green, Status::NoData];
            let o = ObjectiveId::new();
            let x = snap((o, all[a]), vec![]);
            let y = snap((o, all[b]), vec![]);
            prop_assert_eq!(compare(&x, &x), Comparison::default());
            prop_assert_eq!(compare(&x, &y).moved.is_empty(), a == b);
        }
    }
}
