//! The scores of a whole map: every measure, objective, perspective, theme and the map itself,
//! for any month, quarter or year — computed from the map's structure (weights, roll-up rules,
//! scoring types, formulas) and its data (targets and actuals).
//!
//! [`ScoreModel`] lays a map's data out as one dense monthly series per measure, evaluates
//! formula measures month by month in dependency order, and then answers any span cheaply. The
//! same model explains every colour ([`ScoreModel::explain`]) with the numbers it used, so the
//! "why" view can never disagree with the scorecard.
//!
//! Rules (written out in the README):
//! - a span's **actual** is its months' actuals combined by the measure's aggregation (sum,
//!   average or last value); its **target** is the same combination of the targets of the months
//!   that have an actual (of all its months when none has), so a quarter in progress is judged
//!   against the months reported so far;
//! - a measure's **score** comes from its scoring type ([`scoring::score`]);
//! - an **objective** is the weighted average of its measures with data (weights renormalised
//!   among them) or, when chosen, its worst measure; a **perspective** and a **theme** are the
//!   weighted average of their objectives; the **map** is the weighted average of its
//!   perspectives. Anything without data is left out, never counted as 0.

use super::formula::{self, Formula, MissingData};
use super::ids::*;
use super::model::*;
use super::period::Period;
use super::scoring::{self, Aggregation, RollUp, Score, ScoringType, Span, Status};
use crate::i18n::{format_number, td_string, Locale};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One reported value, without the note and provenance a score does not need.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub measure_id: MeasureId,
    pub period: Period,
    pub value: f64,
}

/// The numbers behind a map's scores: the targets and readings of its measures, and the
/// scores of the unit objectives aligned to its objectives (counted where an objective's
/// contribution roll-up is on).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreData {
    pub targets: Vec<Target>,
    pub readings: Vec<Reading>,
    #[serde(default)]
    pub contributions: Vec<Contribution>,
}

/// A unit objective aligned to one of the map's objectives, with its scores as its own map
/// shows them: an input of that objective's status when its contribution roll-up is on
/// (`Objective::unit_rollup`), weighted by the unit objective's weight on its map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The objective of this map it supports.
    pub parent_objective_id: ObjectiveId,
    pub unit_name: String,
    pub map_id: MapId,
    pub objective_id: ObjectiveId,
    pub title: String,
    pub weight: f64,
    /// Its score for each span it has one for (months, quarters and years with data).
    pub scores: Vec<(Span, Score)>,
}

impl Contribution {
    /// Its score for `span` ("no data" when its map has none then).
    pub fn score(&self, span: Span) -> Score {
        self.scores
            .iter()
            .find(|(s, _)| *s == span)
            .map_or(Score::NO_DATA, |(_, sc)| *sc)
    }

    /// How it is named in a "why" view: its unit and its title.
    pub fn name(&self) -> String {
        format!("{}: {}", self.unit_name, self.title)
    }
}

/// A measure's figures and score for one span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureScore {
    pub measure_id: MeasureId,
    /// The span's actual (aggregated), or `None` without data.
    pub actual: Option<f64>,
    /// The span's goal and red flag (aggregated like the actual).
    pub goal: Option<f64>,
    pub red_flag: Option<f64>,
    pub score: Score,
    /// The latest month with a value, over the whole history.
    pub latest: Option<Period>,
    /// The measure's data is overdue (see [`is_stale`]).
    pub stale: bool,
    /// Why a formula measure cannot be computed at all (bad formula, unknown input, cycle);
    /// worded in the reader's language by [`FormulaFault::text`].
    pub error: Option<FormulaFault>,
}

/// One month of a measure as a chart draws it: its actual (computed for a formula measure),
/// goal and red flag, each `None` when missing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub period: Period,
    pub actual: Option<f64>,
    pub goal: Option<f64>,
    pub red_flag: Option<f64>,
}

/// Every score of a map for one span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapScores {
    pub span: Span,
    /// In the map document's measure order.
    pub measures: Vec<MeasureScore>,
    pub objectives: Vec<(ObjectiveId, Score)>,
    pub perspectives: Vec<(PerspectiveId, Score)>,
    pub themes: Vec<(ThemeId, Score)>,
    pub map: Score,
}

impl MapScores {
    /// A measure's figures.
    pub fn measure(&self, id: MeasureId) -> Option<&MeasureScore> {
        self.measures.iter().find(|m| m.measure_id == id)
    }

    /// An objective's score ("no data" when unknown).
    pub fn objective(&self, id: ObjectiveId) -> Score {
        find_score(&self.objectives, id)
    }

    /// A perspective's score.
    pub fn perspective(&self, id: PerspectiveId) -> Score {
        find_score(&self.perspectives, id)
    }

    /// A theme's score.
    pub fn theme(&self, id: ThemeId) -> Score {
        find_score(&self.themes, id)
    }
}

fn find_score<K: PartialEq>(list: &[(K, Score)], id: K) -> Score {
    list.iter()
        .find(|(k, _)| *k == id)
        .map_or(Score::NO_DATA, |(_, s)| *s)
}

/// What a "why" view explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Map,
    Perspective(PerspectiveId),
    Theme(ThemeId),
    Objective(ObjectiveId),
    Measure(MeasureId),
}

/// One input of a roll-up in a "why" view: a child's score, its weight and its share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhyChild {
    pub name: String,
    pub score: Score,
    pub weight: f64,
    /// The child's share of the result after renormalising among children with data, or
    /// `None` when it was left out.
    pub share: Option<f64>,
}

/// Enough to check a colour by hand: the inputs, the arithmetic and the rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Why {
    pub subject: Subject,
    pub title: String,
    pub span: Span,
    pub score: Score,
    /// The arithmetic, one step a line.
    pub lines: Vec<String>,
    /// The children of a roll-up (empty for a measure).
    pub children: Vec<WhyChild>,
}

/// The latest month with a reading up to `today` (or `today` when nothing was reported): where
/// a scorecard, a dashboard and a display open.
pub fn latest_reported(data: &ScoreData, today: Period) -> Period {
    data.readings
        .iter()
        .map(|r| r.period)
        .filter(|p| *p <= today)
        .max()
        .unwrap_or(today)
}

/// Months between two reports of a measure (the finest grain is the month).
pub fn interval_months(f: Frequency) -> i32 {
    match f {
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly => 1,
        Frequency::Quarterly => 3,
        Frequency::Yearly => 12,
    }
}

/// Whether a measure's data is overdue in `today`'s month: the value of the period after its
/// latest one was due by the end of the month after that period. A monthly measure last
/// reported for September is fine through November and stale from December 1st.
pub fn is_stale(frequency: Frequency, latest: Option<Period>, today: Period) -> bool {
    match latest {
        Some(p) => p.plus_months(interval_months(frequency) + 1) < today,
        None => false,
    }
}

/// Missing in a dense series.
const NONE: f64 = f64::NAN;

/// A formula measure ready to evaluate: the parsed formula and where each input lives.
#[derive(Clone, Debug)]
struct Compiled {
    formula: Formula,
    inputs: Vec<(String, usize)>,
    missing: MissingData,
}

/// One measure's place in the model.
#[derive(Clone, Debug)]
struct MeasureSlot {
    id: MeasureId,
    name: String,
    objective: Option<usize>,
    weight: f64,
    scoring: ScoringType,
    aggregation: Aggregation,
    frequency: Frequency,
    formula: Option<Compiled>,
    formula_text: String,
    /// Why the formula cannot be evaluated at all.
    error: Option<FormulaFault>,
}

/// Why a formula measure cannot be computed at all. Travels as data so each reader (the
/// browser, a REST client) words it in their own language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum FormulaFault {
    /// The formula does not parse.
    Parse(formula::FormulaError),
    /// It reads a measure the map does not have.
    UnknownInput(String),
    /// It is on a cycle of formulas (the names, in order).
    Cycle(String),
}

impl FormulaFault {
    /// The reason in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            FormulaFault::Parse(e) => e.text(locale),
            FormulaFault::UnknownInput(name) => {
                td_string!(locale, status.explain.unknown_input, name).to_string()
            }
            FormulaFault::Cycle(cycle) => {
                td_string!(locale, status.explain.cycle, cycle).to_string()
            }
        }
    }
}

/// Why a formula gave no value for one month, in `locale`.
fn eval_text(locale: Locale, e: &formula::EvalError) -> String {
    match e {
        formula::EvalError::DivisionByZero => {
            td_string!(locale, status.explain.division_by_zero).to_string()
        }
        formula::EvalError::NotFinite => td_string!(locale, status.explain.not_finite).to_string(),
    }
}

#[derive(Clone, Debug)]
struct ObjectiveSlot {
    id: ObjectiveId,
    title: String,
    perspective: Option<usize>,
    theme: Option<usize>,
    weight: f64,
    rollup: RollUp,
    /// Whether its status counts the unit objectives aligned to it.
    unit_rollup: bool,
}

/// A map's structure and data, laid out for fast scoring of any span.
#[derive(Clone, Debug)]
pub struct ScoreModel {
    first: Period,
    months: usize,
    today: Period,
    measures: Vec<MeasureSlot>,
    objectives: Vec<ObjectiveSlot>,
    perspectives: Vec<(PerspectiveId, String, f64)>,
    themes: Vec<(ThemeId, String)>,
    /// Per measure, per month: actuals (computed for formula measures), goals, red flags.
    actual: Vec<Vec<f64>>,
    goal: Vec<Vec<f64>>,
    red: Vec<Vec<f64>>,
    /// Per measure, the last month with a value.
    latest: Vec<Option<usize>>,
    /// Formula measures in an order where inputs come first.
    formula_order: Vec<usize>,
    /// Months where a formula hit an evaluation error, with the reason.
    month_errors: HashMap<(usize, usize), formula::EvalError>,
    /// The unit objectives aligned to the objectives, each with the objective's slot.
    contributions: Vec<(usize, Contribution)>,
}

impl ScoreModel {
    /// Lays out `doc`'s measures with `data`. `today` decides staleness and widens the range so
    /// the current month can always be asked for.
    pub fn new(doc: &MapDocument, data: &ScoreData, today: Period) -> ScoreModel {
        let (first, last) = data_range(doc, data, today);
        let months = (first.months_until(last) + 1).max(1) as usize;
        let perspectives: Vec<_> = doc
            .perspectives
            .iter()
            .map(|p| (p.id, p.name.clone(), p.weight))
            .collect();
        let themes: Vec<_> = doc.themes.iter().map(|t| (t.id, t.name.clone())).collect();
        let objectives: Vec<ObjectiveSlot> = doc
            .objectives
            .iter()
            .map(|o| ObjectiveSlot {
                id: o.id,
                title: o.title.clone(),
                perspective: perspectives.iter().position(|p| p.0 == o.perspective_id),
                theme: o
                    .theme_id
                    .and_then(|t| themes.iter().position(|x| x.0 == t)),
                weight: o.weight,
                rollup: o.rollup,
                unit_rollup: o.unit_rollup,
            })
            .collect();
        let index: HashMap<MeasureId, usize> = doc
            .measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id, i))
            .collect();
        let mut measures: Vec<MeasureSlot> = doc
            .measures
            .iter()
            .map(|m| MeasureSlot {
                id: m.id,
                name: m.name.clone(),
                objective: objectives.iter().position(|o| o.id == m.objective_id),
                weight: m.weight,
                scoring: m.scoring.clone(),
                aggregation: m.aggregation,
                frequency: m.frequency,
                formula: None,
                formula_text: m.formula.clone(),
                error: None,
            })
            .collect();
        let formula_order = compile_formulas(doc, &mut measures);
        let n = measures.len();
        let mut actual = vec![vec![NONE; months]; n];
        let mut goal = vec![vec![NONE; months]; n];
        let mut red = vec![vec![NONE; months]; n];
        let month_of = |p: Period| {
            let i = first.months_until(p);
            (i >= 0 && (i as usize) < months).then_some(i as usize)
        };
        // Rows usually come grouped by measure: remember the last lookup.
        let mut last: Option<(MeasureId, usize)> = None;
        let mut slot_of = |id: MeasureId| match last {
            Some((l, m)) if l == id => Some(m),
            _ => {
                let m = index.get(&id).copied()?;
                last = Some((id, m));
                Some(m)
            }
        };
        for r in &data.readings {
            if let (Some(m), Some(t)) = (slot_of(r.measure_id), month_of(r.period)) {
                if measures[m].formula.is_none() && measures[m].error.is_none() {
                    actual[m][t] = r.value;
                }
            }
        }
        for tg in &data.targets {
            if let (Some(m), Some(t)) = (slot_of(tg.measure_id), month_of(tg.period)) {
                goal[m][t] = tg.goal;
                red[m][t] = tg.red_flag;
            }
        }
        let mut model = ScoreModel {
            first,
            months,
            today,
            measures,
            objectives,
            perspectives,
            themes,
            actual,
            goal,
            red,
            formula_order,
            latest: Vec::new(),
            month_errors: HashMap::new(),
            contributions: Vec::new(),
        };
        model.contributions = data
            .contributions
            .iter()
            .filter_map(|c| {
                let o = model
                    .objectives
                    .iter()
                    .position(|o| o.id == c.parent_objective_id)?;
                Some((o, c.clone()))
            })
            .collect();
        for t in 0..months {
            model.evaluate_formulas_at(t);
        }
        model.latest = (0..model.measures.len())
            .map(|m| model.last_month_with_value(m))
            .collect();
        model
    }

    fn last_month_with_value(&self, m: usize) -> Option<usize> {
        self.actual[m].iter().rposition(|v| v.is_finite())
    }

    /// The first and last month the model covers.
    pub fn range(&self) -> (Period, Period) {
        (self.first, self.first.plus_months(self.months as i32 - 1))
    }

    /// Sets (or with `None` clears) one actual and recomputes the formulas of that month: the
    /// incremental path after a single new value. Returns false when the measure is unknown,
    /// computed, or the month lies outside the model (rebuild the model then).
    pub fn set_actual(&mut self, measure: MeasureId, period: Period, value: Option<f64>) -> bool {
        let Some(m) = self.measures.iter().position(|s| s.id == measure) else {
            return false;
        };
        let Some(t) = self.month_index(period) else {
            return false;
        };
        if self.measures[m].formula.is_some() || self.measures[m].error.is_some() {
            return false;
        }
        self.actual[m][t] = value.unwrap_or(NONE);
        self.evaluate_formulas_at(t);
        for &f in &self.formula_order {
            self.latest[f] = self.last_month_with_value(f);
        }
        self.latest[m] = self.last_month_with_value(m);
        true
    }

    fn month_index(&self, p: Period) -> Option<usize> {
        let i = self.first.months_until(p);
        (i >= 0 && (i as usize) < self.months).then_some(i as usize)
    }

    /// The month indices of `span` inside the model (empty when it lies outside).
    fn span_months(&self, span: Span) -> std::ops::Range<usize> {
        let (a, b) = span.bounds();
        let lo = self.first.months_until(a).max(0) as usize;
        let hi = (self.first.months_until(b) + 1).clamp(0, self.months as i32) as usize;
        lo.min(hi)..hi
    }

    fn evaluate_formulas_at(&mut self, t: usize) {
        for &m in &self.formula_order {
            self.month_errors.remove(&(m, t));
            let Some(c) = &self.measures[m].formula else {
                continue;
            };
            let actual = &self.actual;
            let lookup = |name: &str| {
                c.inputs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, i)| actual[*i][t])
                    .filter(|v| v.is_finite())
            };
            let result = c.formula.eval(&lookup, c.missing);
            let value = match result {
                Ok(v) => v.unwrap_or(NONE),
                Err(e) => {
                    self.month_errors.insert((m, t), e);
                    NONE
                }
            };
            self.actual[m][t] = value;
        }
    }

    /// Every score of the map for `span`.
    pub fn span(&self, span: Span) -> MapScores {
        let range = self.span_months(span);
        let measures: Vec<MeasureScore> = (0..self.measures.len())
            .map(|m| self.measure_score(m, range.clone(), span))
            .collect();
        let objective_scores: Vec<Score> = (0..self.objectives.len())
            .map(|o| {
                let children = self
                    .measures
                    .iter()
                    .zip(&measures)
                    .filter(|(slot, _)| slot.objective == Some(o))
                    .map(|(slot, s)| (s.score, slot.weight))
                    .chain(
                        self.counted_contributions(o)
                            .map(|c| (c.score(span), c.weight)),
                    );
                scoring::roll_up_iter(children, self.objectives[o].rollup)
            })
            .collect();
        let of_objectives = |which: &dyn Fn(&ObjectiveSlot) -> bool| {
            let children = self
                .objectives
                .iter()
                .zip(&objective_scores)
                .filter(|(o, _)| which(o))
                .map(|(o, s)| (*s, o.weight));
            scoring::roll_up_iter(children, RollUp::WeightedAverage)
        };
        let perspectives: Vec<(PerspectiveId, Score)> = self
            .perspectives
            .iter()
            .enumerate()
            .map(|(p, (id, _, _))| (*id, of_objectives(&|o| o.perspective == Some(p))))
            .collect();
        let themes: Vec<(ThemeId, Score)> = self
            .themes
            .iter()
            .enumerate()
            .map(|(t, (id, _))| (*id, of_objectives(&|o| o.theme == Some(t))))
            .collect();
        let map = scoring::roll_up_iter(
            self.perspectives
                .iter()
                .zip(&perspectives)
                .map(|(p, (_, s))| (*s, p.2)),
            RollUp::WeightedAverage,
        );
        MapScores {
            span,
            map,
            measures,
            objectives: self
                .objectives
                .iter()
                .zip(objective_scores)
                .map(|(o, s)| (o.id, s))
                .collect(),
            perspectives,
            themes,
        }
    }

    /// The unit objectives counted in objective slot `o`'s status (none while its contribution
    /// roll-up is off).
    fn counted_contributions(&self, o: usize) -> impl Iterator<Item = &Contribution> {
        let on = self.objectives[o].unit_rollup;
        self.contributions
            .iter()
            .filter(move |(slot, _)| on && *slot == o)
            .map(|(_, c)| c)
    }

    /// Every month, quarter and year the model covers: the spans a parent map may ask a
    /// contribution's score for.
    pub fn spans(&self) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        for t in 0..self.months {
            let period = self.first.plus_months(t as i32);
            for kind in ["month", "quarter", "year"] {
                let span = Span::of_kind(kind, period);
                if !spans.contains(&span) {
                    spans.push(span);
                }
            }
        }
        spans
    }

    /// The scores of several spans (a sparkline's history), oldest first as given.
    pub fn history(&self, spans: &[Span]) -> Vec<MapScores> {
        spans.iter().map(|s| self.span(*s)).collect()
    }

    fn measure_score(&self, m: usize, range: std::ops::Range<usize>, span: Span) -> MeasureScore {
        let slot = &self.measures[m];
        let how = slot.aggregation;
        // One pass: the actuals, the targets of the months with an actual, and (in case there is
        // none) the targets of every month.
        let (mut actual, mut goal_reported, mut red_reported) =
            (Combine::new(how), Combine::new(how), Combine::new(how));
        let (mut goal_all, mut red_all) = (Combine::new(how), Combine::new(how));
        for t in range {
            let (a, g, r) = (self.actual[m][t], self.goal[m][t], self.red[m][t]);
            let has_target = g.is_finite() && r.is_finite();
            if a.is_finite() {
                actual.add(a);
                if has_target {
                    goal_reported.add(g);
                    red_reported.add(r);
                }
            }
            if has_target {
                goal_all.add(g);
                red_all.add(r);
            }
        }
        let actual = actual.value();
        let (goal, red_flag) = if actual.is_some() {
            (goal_reported.value(), red_reported.value())
        } else {
            (goal_all.value(), red_all.value())
        };
        let target = match (goal, red_flag) {
            (Some(g), Some(r)) => Some(Target {
                measure_id: slot.id,
                period: span.bounds().1,
                goal: g,
                red_flag: r,
            }),
            _ => None,
        };
        let latest = self.latest[m].map(|t| self.first.plus_months(t as i32));
        let computed = slot.formula.is_some() || slot.error.is_some();
        MeasureScore {
            measure_id: slot.id,
            actual,
            goal,
            red_flag,
            score: scoring::score(&slot.scoring, actual, target.as_ref()),
            latest,
            stale: !computed && is_stale(slot.frequency, latest, self.today),
            error: slot.error.clone(),
        }
    }

    /// A measure's months `from..=to` (oldest first) for its chart; months outside the model
    /// are empty. `None` when the measure is not on the map.
    pub fn series(
        &self,
        measure: MeasureId,
        from: Period,
        to: Period,
    ) -> Option<Vec<MonthFigures>> {
        let m = self.measures.iter().position(|s| s.id == measure)?;
        let at = |series: &[Vec<f64>], t: Option<usize>| {
            t.map(|t| series[m][t]).filter(|v| v.is_finite())
        };
        Some(
            (0..=from.months_until(to).max(0))
                .map(|i| {
                    let period = from.plus_months(i);
                    let t = self.month_index(period);
                    MonthFigures {
                        period,
                        actual: at(&self.actual, t),
                        goal: at(&self.goal, t),
                        red_flag: at(&self.red, t),
                    }
                })
                .collect(),
        )
    }

    /// Explains one score of `span`: its inputs, the arithmetic and the rule, worded in
    /// `locale`.
    pub fn explain(&self, locale: Locale, span: Span, subject: Subject) -> Option<Why> {
        let scores = self.span(span);
        match subject {
            Subject::Measure(id) => {
                let m = self.measures.iter().position(|s| s.id == id)?;
                Some(self.explain_measure(locale, m, span, &scores))
            }
            Subject::Objective(id) => {
                let o = self.objectives.iter().position(|s| s.id == id)?;
                let slot = &self.objectives[o];
                let children: Vec<(String, Score, f64)> = self
                    .measures
                    .iter()
                    .zip(&scores.measures)
                    .filter(|(s, _)| s.objective == Some(o))
                    .map(|(s, ms)| (s.name.clone(), ms.score, s.weight))
                    .chain(
                        self.counted_contributions(o)
                            .map(|c| (c.name(), c.score(span), c.weight)),
                    )
                    .collect();
                let mut why = Why {
                    title: td_string!(locale, status.explain.title_objective, name = &slot.title)
                        .to_string(),
                    ..rollup_why(
                        locale,
                        subject,
                        span,
                        scores.objective(id),
                        slot.rollup,
                        Noun::Measures,
                        children,
                    )
                };
                if let Some(line) = self.contribution_line(locale, o) {
                    why.lines.insert(0, line);
                }
                Some(why)
            }
            Subject::Perspective(id) => {
                let p = self.perspectives.iter().position(|x| x.0 == id)?;
                let children = self.objective_whys(&scores, |o| o.perspective == Some(p));
                let name = &self.perspectives[p].1;
                Some(Why {
                    title: td_string!(locale, status.explain.title_perspective, name).to_string(),
                    ..rollup_why(
                        locale,
                        subject,
                        span,
                        scores.perspective(id),
                        RollUp::WeightedAverage,
                        Noun::Objectives,
                        children,
                    )
                })
            }
            Subject::Theme(id) => {
                let t = self.themes.iter().position(|x| x.0 == id)?;
                let children = self.objective_whys(&scores, |o| o.theme == Some(t));
                let name = &self.themes[t].1;
                Some(Why {
                    title: td_string!(locale, status.explain.title_theme, name).to_string(),
                    ..rollup_why(
                        locale,
                        subject,
                        span,
                        scores.theme(id),
                        RollUp::WeightedAverage,
                        Noun::Objectives,
                        children,
                    )
                })
            }
            Subject::Map => {
                let children = self
                    .perspectives
                    .iter()
                    .map(|p| (p.1.clone(), scores.perspective(p.0), p.2))
                    .collect();
                Some(Why {
                    title: td_string!(locale, status.explain.title_map).to_string(),
                    ..rollup_why(
                        locale,
                        subject,
                        span,
                        scores.map,
                        RollUp::WeightedAverage,
                        Noun::Perspectives,
                        children,
                    )
                })
            }
        }
    }

    /// Whether objective slot `o`'s contribution roll-up is on, naming the units whose
    /// objectives support it; `None` when no unit objective does.
    fn contribution_line(&self, locale: Locale, o: usize) -> Option<String> {
        let mut units: Vec<&str> = self
            .contributions
            .iter()
            .filter(|(slot, _)| *slot == o)
            .map(|(_, c)| c.unit_name.as_str())
            .collect();
        units.sort_unstable();
        units.dedup();
        if units.is_empty() {
            return None;
        }
        let units = units.join(", ");
        Some(if self.objectives[o].unit_rollup {
            td_string!(locale, status.explain.contributions_on, units).to_string()
        } else {
            td_string!(locale, status.explain.contributions_off, units).to_string()
        })
    }

    fn objective_whys(
        &self,
        scores: &MapScores,
        which: impl Fn(&ObjectiveSlot) -> bool,
    ) -> Vec<(String, Score, f64)> {
        self.objectives
            .iter()
            .filter(|o| which(o))
            .map(|o| (o.title.clone(), scores.objective(o.id), o.weight))
            .collect()
    }

    fn explain_measure(&self, locale: Locale, m: usize, span: Span, scores: &MapScores) -> Why {
        let slot = &self.measures[m];
        let ms = &scores.measures[m];
        let range = self.span_months(span);
        let label = |t: usize| self.first.plus_months(t as i32).text(locale);
        let mut lines = Vec::new();
        let how = match slot.aggregation {
            Aggregation::Sum => td_string!(locale, status.explain.how_sum),
            Aggregation::Average => td_string!(locale, status.explain.how_average),
            Aggregation::Last => td_string!(locale, status.explain.how_last),
        };
        if range.len() > 1 {
            let span = span.text(locale);
            lines.push(td_string!(locale, status.explain.span_actual, span, how).to_string());
        }
        let formula = &slot.formula_text;
        if let Some(e) = &slot.error {
            let error = e.text(locale);
            lines.push(
                td_string!(locale, status.explain.formula_broken, formula, error).to_string(),
            );
        } else if let Some(c) = &slot.formula {
            lines.push(td_string!(locale, status.explain.formula, formula).to_string());
            let rule = missing_rule(locale, c.missing);
            lines.push(td_string!(locale, status.explain.missing, rule).to_string());
            for t in range.clone() {
                let inputs: Vec<String> = c
                    .inputs
                    .iter()
                    .map(|(name, i)| {
                        let v = self.actual[*i][t];
                        if v.is_finite() {
                            format!("[{name}] = {}", num(locale, v))
                        } else {
                            format!(
                                "[{name}] = {}",
                                td_string!(locale, status.explain.input_no_data)
                            )
                        }
                    })
                    .collect();
                let result = match self.month_errors.get(&(m, t)) {
                    Some(e) => {
                        let error = eval_text(locale, e);
                        td_string!(locale, status.explain.no_value_because, error).to_string()
                    }
                    None if self.actual[m][t].is_finite() => num(locale, self.actual[m][t]),
                    None => td_string!(locale, status.explain.no_value).to_string(),
                };
                lines.push(format!("{}: {} → {result}", label(t), inputs.join(", ")));
            }
        } else if range.len() > 1 {
            let values: Vec<String> = range
                .clone()
                .filter(|&t| self.actual[m][t].is_finite())
                .map(|t| format!("{} {}", label(t), num(locale, self.actual[m][t])))
                .collect();
            if !values.is_empty() {
                let values = values.join(", ");
                lines.push(td_string!(locale, status.explain.reported, values).to_string());
            }
        }
        if range.len() > 1 {
            if let (Some(g), Some(r)) = (ms.goal, ms.red_flag) {
                lines.push(
                    td_string!(
                        locale,
                        status.explain.span_target,
                        goal = num(locale, g),
                        red_flag = num(locale, r)
                    )
                    .to_string(),
                );
            }
        }
        let target = match (ms.goal, ms.red_flag) {
            (Some(goal), Some(red_flag)) => Some(Target {
                measure_id: slot.id,
                period: span.bounds().1,
                goal,
                red_flag,
            }),
            _ => None,
        };
        lines.extend(scoring::explain(
            locale,
            &slot.scoring,
            ms.actual,
            target.as_ref(),
        ));
        match ms.latest {
            Some(p) if ms.stale => lines.push(
                td_string!(
                    locale,
                    status.explain.stale,
                    period = p.text(locale),
                    frequency = frequency_word(locale, slot.frequency)
                )
                .to_string(),
            ),
            Some(p) => lines.push(
                td_string!(locale, status.explain.latest, period = p.text(locale)).to_string(),
            ),
            None if slot.formula.is_none() => {
                lines.push(td_string!(locale, status.explain.never).to_string())
            }
            None => {}
        }
        Why {
            subject: Subject::Measure(slot.id),
            title: td_string!(locale, status.explain.title_measure, name = &slot.name).to_string(),
            span,
            score: ms.score,
            lines,
            children: Vec::new(),
        }
    }
}

/// What the children of a roll-up are, for its "why".
#[derive(Clone, Copy)]
enum Noun {
    Measures,
    Objectives,
    Perspectives,
}

impl Noun {
    /// The plural noun in `locale`.
    fn text(self, locale: Locale) -> &'static str {
        match self {
            Noun::Measures => td_string!(locale, status.explain.noun_measures),
            Noun::Objectives => td_string!(locale, status.explain.noun_objectives),
            Noun::Perspectives => td_string!(locale, status.explain.noun_perspectives),
        }
    }

    /// "None of its … has data for {span}." in `locale`.
    fn none_line(self, locale: Locale, span: Span) -> String {
        let span = span.text(locale);
        match self {
            Noun::Measures => td_string!(locale, status.explain.none_measures, span),
            Noun::Objectives => td_string!(locale, status.explain.none_objectives, span),
            Noun::Perspectives => td_string!(locale, status.explain.none_perspectives, span),
        }
        .to_string()
    }
}

/// A frequency as an adjective in `locale` ("monthly" / "monatlich").
fn frequency_word(locale: Locale, f: Frequency) -> &'static str {
    match f {
        Frequency::Daily => td_string!(locale, data.frequency.daily),
        Frequency::Weekly => td_string!(locale, data.frequency.weekly),
        Frequency::Monthly => td_string!(locale, data.frequency.monthly),
        Frequency::Quarterly => td_string!(locale, data.frequency.quarterly),
        Frequency::Yearly => td_string!(locale, data.frequency.yearly),
    }
}

/// A score with two decimals in `locale`.
fn two(locale: Locale, v: f64) -> String {
    format_number(locale, v, 2)
}

/// A value or weight in `locale`'s digits, with as many decimals as it has (up to six).
fn num(locale: Locale, v: f64) -> String {
    let written = format!("{v:.6}");
    let decimals = written
        .trim_end_matches('0')
        .split_once('.')
        .map_or(0, |(_, f)| f.len());
    format_number(locale, v, decimals as u8)
}

/// A roll-up's "why" (without its title): each child's score and weight, its renormalised
/// share, and the sum.
fn rollup_why(
    locale: Locale,
    subject: Subject,
    span: Span,
    score: Score,
    how: RollUp,
    noun: Noun,
    children: Vec<(String, Score, f64)>,
) -> Why {
    let counted_weight: f64 = children
        .iter()
        .filter(|(_, s, w)| s.value.is_some() && *w > 0.0)
        .map(|(_, _, w)| *w)
        .sum();
    let worst = children
        .iter()
        .filter_map(|(_, s, _)| s.value)
        .min_by(f64::total_cmp);
    let kids: Vec<WhyChild> = children
        .into_iter()
        .map(|(name, s, w)| {
            let share = match (how, s.value) {
                (RollUp::WeightedAverage, Some(_)) if counted_weight > 0.0 => {
                    Some(w / counted_weight)
                }
                (RollUp::WorstChild, Some(v)) if Some(v) == worst => Some(1.0),
                _ => None,
            };
            WhyChild {
                name,
                score: s,
                weight: w,
                share,
            }
        })
        .collect();
    let mut lines = Vec::new();
    let left_out: Vec<&str> = kids
        .iter()
        .filter(|k| k.score.value.is_none())
        .map(|k| k.name.as_str())
        .collect();
    match how {
        RollUp::WeightedAverage => {
            let terms: Vec<String> = kids
                .iter()
                .filter_map(|k| {
                    k.score
                        .value
                        .map(|v| format!("{} × {}", two(locale, v), num(locale, k.weight)))
                })
                .collect();
            if terms.is_empty() {
                lines.push(noun.none_line(locale, span));
            } else {
                let noun = noun.text(locale);
                lines.push(td_string!(locale, status.explain.weighted, noun).to_string());
                lines.push(format!(
                    "({}) / {} = {}",
                    terms.join(" + "),
                    num(locale, counted_weight),
                    score.value.map_or("—".into(), |v| two(locale, v))
                ));
            }
        }
        RollUp::WorstChild => match worst {
            Some(w) => lines.push(
                td_string!(
                    locale,
                    status.explain.worst,
                    noun = noun.text(locale),
                    score = two(locale, w)
                )
                .to_string(),
            ),
            None => lines.push(noun.none_line(locale, span)),
        },
    }
    if !left_out.is_empty() {
        let names = left_out.join(", ");
        lines.push(td_string!(locale, status.explain.left_out, names).to_string());
    }
    lines.push(status_rule(locale, score));
    Why {
        subject,
        title: String::new(),
        span,
        score,
        lines,
        children: kids,
    }
}

/// The closing line naming the status rule, in `locale`.
fn status_rule(locale: Locale, s: Score) -> String {
    let Some(v) = s.value else {
        return td_string!(locale, status.explain.no_score).to_string();
    };
    let score = two(locale, v);
    match s.status {
        Status::Red => {
            td_string!(
                locale,
                status.explain.status_red,
                score,
                status = Status::Red.text(locale)
            )
        }
        Status::Amber => td_string!(
            locale,
            status.explain.status_amber,
            score,
            status = Status::Amber.text(locale)
        ),
        _ => td_string!(
            locale,
            status.explain.status_green,
            score,
            status = Status::Green.text(locale)
        ),
    }
    .to_string()
}

/// The missing-data rule in words, in `locale`, for the "why" view and the editor.
pub fn missing_rule(locale: Locale, m: MissingData) -> &'static str {
    match m {
        MissingData::Blank => td_string!(locale, status.explain.missing_blank),
        MissingData::Zero => td_string!(locale, status.explain.missing_zero),
        MissingData::Ignore => td_string!(locale, status.explain.missing_ignore),
    }
}

/// Sums, averages or keeps the latest of the values added, without allocating.
struct Combine {
    how: Aggregation,
    sum: f64,
    n: u32,
    last: f64,
}

impl Combine {
    fn new(how: Aggregation) -> Combine {
        Combine {
            how,
            sum: 0.0,
            n: 0,
            last: NONE,
        }
    }

    fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
        self.last = v;
    }

    fn value(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        Some(match self.how {
            Aggregation::Sum => self.sum,
            Aggregation::Average => self.sum / f64::from(self.n),
            Aggregation::Last => self.last,
        })
    }
}

/// The months the model must cover: the map's strategy period, all data and today.
fn data_range(doc: &MapDocument, data: &ScoreData, today: Period) -> (Period, Period) {
    let periods = data
        .readings
        .iter()
        .map(|r| r.period)
        .chain(data.targets.iter().map(|t| t.period))
        .chain([doc.map.period_start, doc.map.period_end, today]);
    let (mut first, mut last) = (today, today);
    for p in periods {
        first = first.min(p);
        last = last.max(p);
    }
    (first, last)
}

/// Parses every formula measure, resolves its inputs by name among the map's measures, and
/// returns the evaluation order (inputs first). Measures whose formula is unreadable, reads
/// an unknown measure or sits on a cycle get an error and no values.
fn compile_formulas(doc: &MapDocument, measures: &mut [MeasureSlot]) -> Vec<usize> {
    let by_name: HashMap<&str, usize> = doc
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect();
    let mut graph = Vec::new();
    for (i, m) in doc.measures.iter().enumerate() {
        if m.data_source != DataSource::Formula {
            continue;
        }
        let parsed = match Formula::parse(&m.formula) {
            Ok(f) => f,
            Err(e) => {
                measures[i].error = Some(FormulaFault::Parse(e));
                continue;
            }
        };
        let refs = parsed.references();
        if let Some(unknown) = refs.iter().find(|r| !by_name.contains_key(r.as_str())) {
            measures[i].error = Some(FormulaFault::UnknownInput(unknown.clone()));
            continue;
        }
        measures[i].formula = Some(Compiled {
            inputs: refs
                .iter()
                .filter_map(|r| by_name.get(r.as_str()).map(|&j| (r.clone(), j)))
                .collect(),
            formula: parsed,
            missing: m.missing_data,
        });
        graph.push((m.name.clone(), refs));
    }
    // Every cycle makes its members unusable; the rest is ordered again without them.
    loop {
        match formula::evaluation_order(&graph) {
            Ok(order) => {
                return order
                    .iter()
                    .filter_map(|name| by_name.get(name.as_str()).copied())
                    .filter(|&i| measures[i].formula.is_some())
                    .collect()
            }
            Err(cycle) => {
                for name in &cycle {
                    if let Some(&i) = by_name.get(name.as_str()) {
                        measures[i].formula = None;
                        measures[i].error = Some(FormulaFault::Cycle(cycle.join(" → ")));
                    }
                }
                graph.retain(|(n, _)| !cycle.contains(n));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scoring::Band;

    fn p(y: i32, m: u8) -> Period {
        Period::new(y, m).unwrap()
    }

    /// A map with two perspectives, one theme, objectives A (top) and B (bottom, in the
    /// theme), and measures as given by `measures(objective_a, objective_b)`.
    fn doc(measures: impl Fn(ObjectiveId, ObjectiveId) -> Vec<Measure>) -> MapDocument {
        let (map, unit) = crate::domain::fixtures::acme();
        let map = map.with_status(MapStatus::Active);
        let top = Perspective::new(map.id, "Financial", 0);
        let bottom = Perspective::new(map.id, "Learning", 1).with_weight(3.0);
        let theme = Theme::new(map.id, "Growth", "#2563eb", 0);
        let a = Objective::new(map.id, top.id, "Grow revenue");
        let b = Objective::new(map.id, bottom.id, "Build skills").with_theme(Some(theme.id));
        MapDocument {
            perspectives: vec![top, bottom],
            themes: vec![theme],
            measures: measures(a.id, b.id),
            objectives: vec![a, b],
            ..MapDocument::new(map, unit)
        }
    }

    fn measure(objective: ObjectiveId, name: &str) -> Measure {
        Measure::new(objective, name)
    }

    fn reading(m: &Measure, period: Period, value: f64) -> Reading {
        Reading {
            measure_id: m.id,
            period,
            value,
        }
    }

    fn target(m: &Measure, period: Period, goal: f64, red_flag: f64) -> Target {
        Target {
            measure_id: m.id,
            period,
            goal,
            red_flag,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    const MARCH: Span = Span::Month {
        period: match Period::new_const(2026, 3) {
            Some(p) => p,
            None => unreachable!(),
        },
    };

    #[test]
    fn a_month_scores_each_measure_and_rolls_up_with_weights() {
        let d = doc(|a, b| {
            let mut heavy = measure(a, "Revenue");
            heavy.weight = 3.0;
            vec![heavy, measure(a, "Margin"), measure(b, "Training hours")]
        });
        let [rev, margin, hours] = [&d.measures[0], &d.measures[1], &d.measures[2]];
        let data = ScoreData {
            targets: vec![
                target(rev, p(2026, 3), 100.0, 80.0),
                target(margin, p(2026, 3), 20.0, 10.0),
                target(hours, p(2026, 3), 40.0, 20.0),
            ],
            readings: vec![
                reading(rev, p(2026, 3), 100.0),   // goal: 6.67
                reading(margin, p(2026, 3), 10.0), // red flag: 3.33
                reading(hours, p(2026, 3), 50.0),  // 3.33 + 30/20 × 3.34 = 8.34
            ],
            ..ScoreData::default()
        };
        let s = ScoreModel::new(&d, &data, p(2026, 4)).span(MARCH);
        assert!(close(s.measure(rev.id).unwrap().score.value, 6.67));
        assert!(close(s.measure(margin.id).unwrap().score.value, 3.33));
        assert!(close(s.measure(hours.id).unwrap().score.value, 8.34));
        // Objective A: (6.67 × 3 + 3.33 × 1) / 4 = 5.835 → amber.
        let a = s.objective(d.objectives[0].id);
        assert!(close(a.value, 5.835));
        assert_eq!(a.status, Status::Amber);
        // Perspectives are their objectives; the map weighs Learning 3 : Financial 1:
        // (5.835 × 1 + 8.34 × 3) / 4 = 7.71375.
        assert!(close(s.perspective(d.perspectives[0].id).value, 5.835));
        assert!(close(s.map.value, 7.71375));
        // The theme holds only objective B.
        assert!(close(s.theme(d.themes[0].id).value, 8.34));
    }

    #[test]
    fn a_contribution_roll_up_counts_the_supporting_unit_objectives_only_when_on() {
        let mut d = doc(|a, _| vec![measure(a, "Revenue")]);
        let rev = d.measures[0].clone();
        let grow = d.objectives[0].id;
        let contribution = |unit: &str, weight: f64, v: f64| Contribution {
            parent_objective_id: grow,
            unit_name: unit.into(),
            map_id: MapId::new(),
            objective_id: ObjectiveId::new(),
            title: format!("{unit} grows"),
            weight,
            scores: vec![(MARCH, Score::from_value(v))],
        };
        let data = ScoreData {
            targets: vec![target(&rev, p(2026, 3), 100.0, 80.0)],
            readings: vec![reading(&rev, p(2026, 3), 100.0)], // 6.67
            contributions: vec![
                contribution("Sales", 2.0, 2.0),
                contribution("Ops", 1.0, 9.0),
            ],
        };
        // Off (the default): only its own measure counts, and the "why" says so.
        let off = ScoreModel::new(&d, &data, p(2026, 4));
        assert!(close(off.span(MARCH).objective(grow).value, 6.67));
        let why = off
            .explain(Locale::en, MARCH, Subject::Objective(grow))
            .unwrap();
        assert!(
            why.lines[0].starts_with("Contribution roll-up is off"),
            "{:?}",
            why.lines
        );
        assert!(why.lines[0].contains("Ops, Sales"));
        assert_eq!(why.children.len(), 1);
        // On: (6.67 × 1 + 2 × 2 + 9 × 1) / 4 = 4.9175, and the units are named in the "why".
        d.objectives[0].unit_rollup = true;
        let on = ScoreModel::new(&d, &data, p(2026, 4));
        assert!(close(on.span(MARCH).objective(grow).value, 4.9175));
        let why = on
            .explain(Locale::en, MARCH, Subject::Objective(grow))
            .unwrap();
        assert!(why.lines[0].starts_with("Contribution roll-up is on"));
        let names: Vec<&str> = why.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Revenue", "Sales: Sales grows", "Ops: Ops grows"]);
        // A span a unit has no score for leaves that unit out, not at 0.
        let april = Span::Month { period: p(2026, 4) };
        assert_eq!(
            on.span(april).objective(grow),
            off.span(april).objective(grow)
        );
        // An objective no unit supports says nothing about contributions.
        let why = on
            .explain(Locale::en, MARCH, Subject::Objective(d.objectives[1].id))
            .unwrap();
        assert!(!why.lines.iter().any(|l| l.contains("Contribution roll-up")));
    }

    #[test]
    fn spans_cover_every_month_quarter_and_year_of_the_model_once() {
        let d = doc(|a, _| vec![measure(a, "Revenue")]);
        let rev = d.measures[0].clone();
        let data = ScoreData {
            readings: vec![reading(&rev, p(2025, 11), 1.0)],
            ..ScoreData::default()
        };
        let model = ScoreModel::new(&d, &data, p(2026, 2));
        let spans = model.spans();
        let (first, last) = model.range();
        let months = first.months_until(last) as usize + 1;
        assert_eq!(spans.iter().filter(|s| s.kind() == "month").count(), months);
        for s in [
            Span::Quarter {
                year: 2025,
                quarter: 4,
            },
            Span::Quarter {
                year: 2026,
                quarter: 1,
            },
            Span::Year { year: 2025 },
            Span::Year { year: 2026 },
        ] {
            assert_eq!(spans.iter().filter(|x| **x == s).count(), 1, "{s:?}");
        }
    }

    #[test]
    fn series_gives_each_month_with_formula_values_computed() {
        let d = doc(|a, _| {
            let mut double = measure(a, "Double");
            double.data_source = DataSource::Formula;
            double.formula = "[Revenue] * 2".into();
            vec![measure(a, "Revenue"), double]
        });
        let (rev, double) = (&d.measures[0], &d.measures[1]);
        let data = ScoreData {
            targets: vec![target(rev, p(2026, 2), 100.0, 80.0)],
            readings: vec![
                reading(rev, p(2026, 1), 90.0),
                reading(rev, p(2026, 3), 95.0),
            ],
            ..ScoreData::default()
        };
        let model = ScoreModel::new(&d, &data, p(2026, 4));
        let s = model.series(rev.id, p(2025, 12), p(2026, 3)).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].period, p(2025, 12));
        assert_eq!(
            (s[0].actual, s[1].actual, s[2].actual, s[3].actual),
            (None, Some(90.0), None, Some(95.0))
        );
        assert_eq!((s[2].goal, s[2].red_flag), (Some(100.0), Some(80.0)));
        let f = model.series(double.id, p(2026, 1), p(2026, 3)).unwrap();
        assert_eq!(
            f[0].actual,
            Some(180.0),
            "formula measures chart their computed values"
        );
        assert!(model
            .series(MeasureId::new(), p(2026, 1), p(2026, 3))
            .is_none());
        // Far outside the model's months everything is empty.
        assert!(model
            .series(rev.id, p(2040, 1), p(2040, 2))
            .unwrap()
            .iter()
            .all(|m| m.actual.is_none()));
    }

    #[test]
    fn missing_data_is_left_out_not_counted_as_zero() {
        let d = doc(|a, b| {
            vec![
                measure(a, "Revenue"),
                measure(a, "Margin"),
                measure(b, "Hours"),
            ]
        });
        let [rev, margin] = [&d.measures[0], &d.measures[1]];
        let data = ScoreData {
            targets: vec![
                target(rev, p(2026, 3), 100.0, 80.0),
                target(margin, p(2026, 3), 20.0, 10.0),
            ],
            readings: vec![reading(rev, p(2026, 3), 90.0)],
            ..ScoreData::default()
        };
        let s = ScoreModel::new(&d, &data, p(2026, 4)).span(MARCH);
        assert_eq!(s.measure(margin.id).unwrap().score, Score::NO_DATA);
        // Objective A is Revenue alone: 3.33 + 10/20 × 3.34 = 5.00.
        assert!(close(s.objective(d.objectives[0].id).value, 5.0));
        // Objective B has no data at all, so its perspective is grey and the map is A's.
        assert_eq!(s.objective(d.objectives[1].id), Score::NO_DATA);
        assert_eq!(s.perspective(d.perspectives[1].id).status, Status::NoData);
        assert!(close(s.map.value, 5.0));
    }

    #[test]
    fn worst_child_takes_the_lowest_measure() {
        let mut d = doc(|a, _| vec![measure(a, "Revenue"), measure(a, "Margin")]);
        d.objectives[0].rollup = RollUp::WorstChild;
        let [rev, margin] = [&d.measures[0], &d.measures[1]];
        let data = ScoreData {
            targets: vec![
                target(rev, p(2026, 3), 100.0, 80.0),
                target(margin, p(2026, 3), 20.0, 10.0),
            ],
            readings: vec![
                reading(rev, p(2026, 3), 120.0),
                reading(margin, p(2026, 3), 5.0),
            ],
            ..ScoreData::default()
        };
        let s = ScoreModel::new(&d, &data, p(2026, 4)).span(MARCH);
        // Margin: 3.33 + (5 − 10)/10 × 3.34 = 1.66 → the objective is red.
        let a = s.objective(d.objectives[0].id);
        assert!(close(a.value, 1.66));
        assert_eq!(a.status, Status::Red);
    }

    #[test]
    fn quarters_aggregate_actuals_and_the_targets_of_reported_months() {
        let d = doc(|a, b| {
            let mut sales = measure(a, "Sales");
            sales.aggregation = Aggregation::Sum;
            let mut nps = measure(a, "NPS");
            nps.aggregation = Aggregation::Average;
            vec![sales, nps, measure(b, "Headcount")]
        });
        let [sales, nps, heads] = [&d.measures[0], &d.measures[1], &d.measures[2]];
        let mut data = ScoreData::default();
        for (m, v) in [(1, 10.0), (2, 20.0)] {
            data.readings.push(reading(sales, p(2026, m), v));
            data.readings.push(reading(nps, p(2026, m), v));
            data.readings.push(reading(heads, p(2026, m), v));
        }
        for m in 1..=3 {
            data.targets.push(target(sales, p(2026, m), 20.0, 10.0));
            data.targets.push(target(nps, p(2026, m), 20.0, 10.0));
            data.targets.push(target(heads, p(2026, m), 20.0, 10.0));
        }
        let q1 = Span::Quarter {
            year: 2026,
            quarter: 1,
        };
        let s = ScoreModel::new(&d, &data, p(2026, 3)).span(q1);
        let sales_q = s.measure(sales.id).unwrap();
        // Sum of Jan + Feb = 30 against the sum of *their* targets: goal 40, red flag 20.
        assert!(close(sales_q.actual, 30.0));
        assert!(close(sales_q.goal, 40.0));
        assert!(close(sales_q.red_flag, 20.0));
        assert!(close(sales_q.score.value, 3.33 + 10.0 / 20.0 * 3.34));
        assert!(close(s.measure(nps.id).unwrap().actual, 15.0));
        // Last value: February's 20 against February's goal 20 → 6.67.
        assert!(close(s.measure(heads.id).unwrap().actual, 20.0));
        assert!(close(s.measure(heads.id).unwrap().score.value, 6.67));
        // A year with no data at all is grey, with the year's target still shown.
        let y = ScoreModel::new(&d, &data, p(2026, 3)).span(Span::Year { year: 2027 });
        assert_eq!(y.measure(sales.id).unwrap().score, Score::NO_DATA);
    }

    #[test]
    fn custom_bands_and_yes_no_score_per_measure() {
        let d = doc(|a, b| {
            let mut rating = measure(a, "Rating");
            rating.scoring = ScoringType::Custom {
                bands: vec![
                    Band {
                        name: "Poor".into(),
                        colour: "#b91c1c".into(),
                        from: 0.0,
                        score: 1.0,
                    },
                    Band {
                        name: "Good".into(),
                        colour: "#15803d".into(),
                        from: 4.0,
                        score: 9.0,
                    },
                ],
            };
            let mut audit = measure(b, "Audit passed");
            audit.scoring = ScoringType::YesNo;
            vec![rating, audit]
        });
        let data = ScoreData {
            targets: vec![],
            readings: vec![
                reading(&d.measures[0], p(2026, 3), 4.5),
                reading(&d.measures[1], p(2026, 3), 1.0),
            ],
            ..ScoreData::default()
        };
        let s = ScoreModel::new(&d, &data, p(2026, 4)).span(MARCH);
        assert!(close(s.measures[0].score.value, 9.0));
        assert!(close(s.measures[1].score.value, 10.0));
    }

    #[test]
    fn staleness_follows_the_frequency_with_a_month_of_grace() {
        assert!(!is_stale(Frequency::Monthly, Some(p(2026, 9)), p(2026, 11)));
        assert!(is_stale(Frequency::Monthly, Some(p(2026, 9)), p(2026, 12)));
        assert!(!is_stale(
            Frequency::Quarterly,
            Some(p(2026, 9)),
            p(2027, 1)
        ));
        assert!(is_stale(Frequency::Quarterly, Some(p(2026, 9)), p(2027, 2)));
        assert!(!is_stale(Frequency::Yearly, Some(p(2025, 12)), p(2027, 1)));
        assert!(is_stale(Frequency::Yearly, Some(p(2025, 12)), p(2027, 2)));
        assert!(!is_stale(Frequency::Monthly, None, p(2026, 12)));
    }

    #[test]
    fn a_new_actual_updates_the_model_incrementally() {
        let d = doc(|a, _| vec![measure(a, "Revenue")]);
        let m = &d.measures[0];
        let data = ScoreData {
            targets: vec![target(m, p(2026, 3), 100.0, 80.0)],
            readings: vec![],
            ..ScoreData::default()
        };
        let mut model = ScoreModel::new(&d, &data, p(2026, 4));
        assert_eq!(model.span(MARCH).map, Score::NO_DATA);
        assert!(model.set_actual(m.id, p(2026, 3), Some(100.0)));
        assert!(close(model.span(MARCH).map.value, 6.67));
        assert!(model.set_actual(m.id, p(2026, 3), None));
        assert_eq!(model.span(MARCH).map, Score::NO_DATA);
        assert!(!model.set_actual(MeasureId::new(), p(2026, 3), Some(1.0)));
        assert!(!model.set_actual(m.id, p(1990, 3), Some(1.0)));
    }

    #[test]
    fn the_why_of_an_objective_shows_shares_and_what_was_left_out() {
        let d = doc(|a, _| {
            let mut rev = measure(a, "Revenue");
            rev.weight = 2.0;
            vec![rev, measure(a, "Margin"), measure(a, "Churn")]
        });
        let [rev, margin] = [&d.measures[0], &d.measures[1]];
        let data = ScoreData {
            targets: vec![
                target(rev, p(2026, 3), 100.0, 80.0),
                target(margin, p(2026, 3), 20.0, 10.0),
            ],
            readings: vec![
                reading(rev, p(2026, 3), 100.0),
                reading(margin, p(2026, 3), 10.0),
            ],
            ..ScoreData::default()
        };
        let model = ScoreModel::new(&d, &data, p(2026, 4));
        let why = model
            .explain(
                crate::i18n::Locale::en,
                MARCH,
                Subject::Objective(d.objectives[0].id),
            )
            .unwrap();
        // (6.67 × 2 + 3.33 × 1) / 3 = 5.5567
        assert!(close(why.score.value, (6.67 * 2.0 + 3.33) / 3.0));
        assert_eq!(why.children.len(), 3);
        assert!(close(why.children[0].share, 2.0 / 3.0));
        assert_eq!(why.children[2].share, None);
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("(6.67 × 2 + 3.33 × 1) / 3")));
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("Left out") && l.contains("Churn")));
        let why = model
            .explain(crate::i18n::Locale::en, MARCH, Subject::Measure(rev.id))
            .unwrap();
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("Goal: 100, red flag: 80")));
        assert!(why.lines.iter().any(|l| l.contains("Green")));
    }

    #[test]
    fn the_why_of_a_perspective_reads_german_in_german() {
        use crate::i18n::Locale;
        let d = doc(|a, _| {
            let mut rev = measure(a, "Revenue");
            rev.weight = 2.0;
            vec![rev, measure(a, "Margin")]
        });
        let [rev, margin] = [&d.measures[0], &d.measures[1]];
        let data = ScoreData {
            targets: vec![
                target(rev, p(2026, 3), 100.0, 80.0),
                target(margin, p(2026, 3), 20.0, 10.0),
            ],
            readings: vec![
                reading(rev, p(2026, 3), 100.0),
                reading(margin, p(2026, 3), 10.0),
            ],
            ..ScoreData::default()
        };
        let model = ScoreModel::new(&d, &data, p(2026, 4));
        let financial = Subject::Perspective(d.perspectives[0].id);
        // (6.67 × 2 + 3.33 × 1) / 3 = 5.56 → amber.
        let why = model.explain(Locale::de, MARCH, financial).unwrap();
        assert_eq!(why.title, "Perspektive „Financial“");
        assert_eq!(
            why.lines,
            [
                "Gewichteter Durchschnitt der Ziele mit Daten (Gewichte unter ihnen neu normiert):",
                "(5,56 × 1) / 1 = 5,56",
                "5,56 liegt ab 3,33 und unter 6,67 → Gefährdet",
            ]
        );
        let why = model.explain(Locale::en, MARCH, financial).unwrap();
        assert_eq!(why.title, "Perspective “Financial”");
        assert_eq!(
            why.lines,
            [
                "Weighted average of its objectives with data (weights renormalised among them):",
                "(5.56 × 1) / 1 = 5.56",
                "5.56 is from 3.33 and below 6.67 → Amber",
            ]
        );
        // The map leaves out the perspective without data, in German.
        let why = model.explain(Locale::de, MARCH, Subject::Map).unwrap();
        assert_eq!(why.title, "Die ganze Strategy Map");
        assert!(why.lines.contains(
            &"Mangels Daten nicht berücksichtigt (nicht als 0 gezählt): Learning".into()
        ));
        let why = model
            .explain(Locale::de, MARCH, Subject::Measure(rev.id))
            .unwrap();
        assert_eq!(why.title, "Kennzahl „Revenue“");
        assert!(why.lines.iter().any(|l| l.starts_with("Letzter Wert: ")));
        let why = model
            .explain(Locale::en, MARCH, Subject::Measure(rev.id))
            .unwrap();
        assert_eq!(why.title, "Measure “Revenue”");
        assert!(why.lines.contains(&"Latest value: Mar 2026.".into()));
    }

    #[test]
    fn formula_measures_compute_per_month_then_aggregate() {
        let d = doc(|a, _| {
            let mut profit = measure(a, "Gross profit");
            profit.aggregation = Aggregation::Sum;
            let mut revenue = measure(a, "Revenue");
            revenue.aggregation = Aggregation::Sum;
            let mut margin = measure(a, "Margin %");
            margin.data_source = DataSource::Formula;
            margin.formula = "[Gross profit] / [Revenue] * 100".into();
            margin.aggregation = Aggregation::Average;
            vec![profit, revenue, margin]
        });
        let [profit, revenue, margin] = [&d.measures[0], &d.measures[1], &d.measures[2]];
        let data = ScoreData {
            targets: vec![
                target(margin, p(2026, 1), 30.0, 20.0),
                target(margin, p(2026, 2), 30.0, 20.0),
            ],
            readings: vec![
                reading(profit, p(2026, 1), 25.0),
                reading(revenue, p(2026, 1), 100.0),
                reading(profit, p(2026, 2), 35.0),
                reading(revenue, p(2026, 2), 100.0),
                // March: revenue 0 → division by zero, no value for the month.
                reading(profit, p(2026, 3), 5.0),
                reading(revenue, p(2026, 3), 0.0),
                // A reading entered for a formula measure is ignored: it is computed.
                reading(margin, p(2026, 1), 99.0),
            ],
            ..ScoreData::default()
        };
        let model = ScoreModel::new(&d, &data, p(2026, 4));
        let jan = model.span(Span::Month { period: p(2026, 1) });
        assert!(close(jan.measure(margin.id).unwrap().actual, 25.0));
        // Q1: average of January's 25 % and February's 35 % (March has no value) = 30 % = goal.
        let q1 = model.span(Span::Quarter {
            year: 2026,
            quarter: 1,
        });
        let m = q1.measure(margin.id).unwrap();
        assert!(close(m.actual, 30.0));
        assert!(close(m.score.value, 6.67));
        assert!(!m.stale, "formula measures are never stale");
        let why = model
            .explain(
                crate::i18n::Locale::en,
                Span::Quarter {
                    year: 2026,
                    quarter: 1,
                },
                Subject::Measure(margin.id),
            )
            .unwrap();
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("Jan 2026: [Gross profit] = 25, [Revenue] = 100 → 25")));
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("Mar 2026") && l.contains("division by zero")));
        assert!(why
            .lines
            .contains(&"Formula: [Gross profit] / [Revenue] * 100".into()));
        let why = model
            .explain(
                crate::i18n::Locale::de,
                Span::Quarter {
                    year: 2026,
                    quarter: 1,
                },
                Subject::Measure(margin.id),
            )
            .unwrap();
        assert!(why
            .lines
            .contains(&"Formel: [Gross profit] / [Revenue] * 100".into()));
        assert!(why.lines.iter().any(|l| l.starts_with("Fehlende Daten: ")));
        assert!(why
            .lines
            .iter()
            .any(|l| l.contains("kein Wert (Division durch null)")));
        assert!(why
            .lines
            .iter()
            .any(|l| l.starts_with("Q1 2026: Der Istwert ist der Durchschnitt der Monate.")));
    }

    #[test]
    fn bad_formulas_and_cycles_are_reported_not_computed() {
        let d = doc(|a, _| {
            let formula = |name: &str, text: &str| {
                let mut m = measure(a, name);
                m.data_source = DataSource::Formula;
                m.formula = text.into();
                m
            };
            vec![
                measure(a, "Revenue"),
                formula("Loop A", "[Loop B] + 1"),
                formula("Loop B", "[Loop A] + 1"),
                formula("Typo", "[Revnue] * 2"),
                formula("Broken", "[Revenue] *"),
                formula("Double", "[Revenue] * 2"),
            ]
        });
        let data = ScoreData {
            targets: vec![],
            readings: vec![reading(&d.measures[0], p(2026, 3), 10.0)],
            ..ScoreData::default()
        };
        let s = ScoreModel::new(&d, &data, p(2026, 4)).span(MARCH);
        let text = |i: usize| s.measures[i].error.as_ref().unwrap().text(Locale::en);
        assert!(text(1).contains("cycle"));
        assert!(text(2).contains("cycle"));
        assert!(text(3).contains("[Revnue]"));
        assert!(s.measures[4].error.is_some());
        assert!(close(s.measures[5].actual, 20.0));
        assert_eq!(s.measures[5].error, None);
    }
}
