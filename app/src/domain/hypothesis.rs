//! Every arrow is a hypothesis: "more of the cause brings more (or less) of the effect, so many
//! months later". This tests an arrow against the data. No I/O: the server reads the scores.
//!
//! **Method.** Each objective's monthly series is its score for the month (0–10: what its
//! measures achieved against their targets, so a "lower is better" measure counts as improving
//! when it falls, and objectives with measures in different units compare). What is correlated
//! is the **change** from one month to the next: two objectives that merely both drift over the
//! years (one getting better, the other worse) would otherwise look strongly related. For every
//! lag from 0 to [`MAX_LAG`] months, the cause's change in month *t* is paired with the effect's
//! change in month *t + lag* (months where either has no score, or none the month before, are
//! left out) and Spearman's rank correlation ρ of the pairs is computed (ties share their
//! average rank). The verdict looks at the expected lag and
//! its neighbours (every lag when none is stated), takes the strongest correlation there with at
//! least [`MIN_PAIRS`] paired months, and calls it
//! - *supported* when it has the expected sign and is strong: |ρ| ≥ [`STRONG`] and beyond what
//!   chance gives for that many months (|ρ| · √(n − 1) ≥ z, the normal approximation of ρ's
//!   spread under no relation, with z for the 5 % level split over the lags looked at — 2.39
//!   for three lags, 2.89 for all thirteen — as the strongest of several is kept);
//! - *contradicted* when it is as strong with the opposite sign;
//! - *no clear relation* otherwise, and *not enough data yet* with fewer than [`MIN_PAIRS`]
//!   paired months at every lag looked at.
//!
//! **Limits.** Correlation is not causation: two objectives that both follow the season, or a
//! third cause, correlate without one driving the other, and a real driver can hide behind
//! targets that moved. Two or three years of months are few: only strong relations show, and a
//! map with many arrows will see one pass the bar by chance now and then. Scores are capped at 0 and 10, which flattens the
//! series of objectives far above or below target. Use the verdict to question the map in the
//! review, not to redraw it.

use super::period::Period;
use super::scores::{latest_reported, ScoreData, ScoreModel};
use super::scoring::Span;
use super::{LinkId, MapDocument, MapId, ObjectiveId, OrgUnitId};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest lag tested, in months.
pub const MAX_LAG: u8 = 12;
/// Fewer paired months than this at every lag looked at: not enough data yet.
pub const MIN_PAIRS: usize = 12;
/// The weakest |ρ| called strong, however many months there are.
pub const STRONG: f64 = 0.5;

/// Which way an arrow expects the effect to move when the cause improves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More of the cause brings more of the effect.
    #[default]
    Same,
    /// More of the cause brings less of the effect.
    Opposite,
}

impl Direction {
    /// Every direction, for pickers.
    pub const ALL: [Direction; 2] = [Direction::Same, Direction::Opposite];

    /// Its name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Same => "same",
            Direction::Opposite => "opposite",
        }
    }

    /// The sign of ρ this direction expects.
    fn sign(self) -> f64 {
        match self {
            Direction::Same => 1.0,
            Direction::Opposite => -1.0,
        }
    }

    /// The direction in words ("more → more").
    pub fn text(self, locale: Locale) -> &'static str {
        match self {
            Direction::Same => td_string!(locale, hypotheses.direction.same),
            Direction::Opposite => td_string!(locale, hypotheses.direction.opposite),
        }
    }
}

impl std::str::FromStr for Direction {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Direction::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or(())
    }
}

/// What the data says of an arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Supported,
    Contradicted,
    NoClearRelation,
    NotEnoughData,
}

impl Verdict {
    /// Every verdict, worst first: the order of the hypotheses list.
    pub const ALL: [Verdict; 4] = [
        Verdict::Contradicted,
        Verdict::NoClearRelation,
        Verdict::Supported,
        Verdict::NotEnoughData,
    ];

    /// The verdict in plain words.
    pub fn text(self, locale: Locale) -> &'static str {
        match self {
            Verdict::Supported => td_string!(locale, hypotheses.verdict.supported),
            Verdict::Contradicted => td_string!(locale, hypotheses.verdict.contradicted),
            Verdict::NoClearRelation => td_string!(locale, hypotheses.verdict.unclear),
            Verdict::NotEnoughData => td_string!(locale, hypotheses.verdict.no_data),
        }
    }

    /// A one-character mark for the arrow on the map (with the word beside it in the title).
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Supported => "✓",
            Verdict::Contradicted => "✗",
            Verdict::NoClearRelation => "?",
            Verdict::NotEnoughData => "…",
        }
    }

    /// The verdict's reason in words.
    pub fn why(self, locale: Locale) -> &'static str {
        match self {
            Verdict::Supported => td_string!(locale, hypotheses.why.supported),
            Verdict::Contradicted => td_string!(locale, hypotheses.why.contradicted),
            Verdict::NoClearRelation => td_string!(locale, hypotheses.why.unclear),
            Verdict::NotEnoughData => td_string!(locale, hypotheses.why.no_data),
        }
    }

    /// The class of its colour (`verdict-supported`, …).
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Supported => "verdict-supported",
            Verdict::Contradicted => "verdict-contradicted",
            Verdict::NoClearRelation => "verdict-unclear",
            Verdict::NotEnoughData => "verdict-no-data",
        }
    }
}

/// The correlation at one lag.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LagCorrelation {
    /// Months from the cause to the effect.
    pub lag: u8,
    /// Months with a score on both sides.
    pub pairs: usize,
    /// Spearman's ρ (none with fewer than two pairs, or when a side never changes).
    pub rho: Option<f64>,
}

/// An arrow tested: the correlation at every lag and the verdict with what it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Test {
    pub correlations: Vec<LagCorrelation>,
    pub verdict: Verdict,
    /// The lag the verdict rests on (none when there is not enough data).
    pub lag: Option<u8>,
    pub rho: Option<f64>,
    /// Paired months at that lag (at the expected lag, or the most of any, without one).
    pub pairs: usize,
}

/// The ranks of `values` from 1, ties sharing the average of the ranks they span.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1 ..= end; their mean:
        let shared = (start + 1 + end) as f64 / 2.0;
        for i in &order[start..end] {
            out[*i] = shared;
        }
        start = end;
    }
    out
}

/// Pearson's correlation of two equally long series (none when either never changes).
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}

/// Spearman's rank correlation of paired series: Pearson's on their ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    pearson(&ranks(x), &ranks(y))
}

/// The cause's month *t* paired with the effect's month *t + lag*, where both have a value.
pub fn paired(cause: &[(Period, f64)], effect: &[(Period, f64)], lag: u8) -> (Vec<f64>, Vec<f64>) {
    cause
        .iter()
        .filter(|(_, v)| v.is_finite())
        .filter_map(|(p, c)| {
            let later = p.plus_months(i32::from(lag));
            effect
                .iter()
                .find(|(q, e)| *q == later && e.is_finite())
                .map(|(_, e)| (*c, *e))
        })
        .unzip()
}

/// The month-to-month changes of a monthly series: each month with a value in it and in the
/// month before, with the difference.
pub fn changes(series: &[(Period, f64)]) -> Vec<(Period, f64)> {
    series
        .windows(2)
        .filter(|w| w[0].0.plus_months(1) == w[1].0)
        .map(|w| (w[1].0, w[1].1 - w[0].1))
        .filter(|(_, d)| d.is_finite())
        .collect()
}

/// The correlation at every lag from 0 to [`MAX_LAG`].
pub fn correlations(cause: &[(Period, f64)], effect: &[(Period, f64)]) -> Vec<LagCorrelation> {
    (0..=MAX_LAG)
        .map(|lag| {
            let (x, y) = paired(cause, effect, lag);
            LagCorrelation {
                lag,
                pairs: x.len(),
                rho: spearman(&x, &y),
            }
        })
        .collect()
}

/// The normal quantile a correlation must pass when the strongest of `k` lags is kept: the
/// two-sided 5 % level split over the `k` lags looked at (Bonferroni), z = Φ⁻¹(1 − 0.05 / 2k)
/// for k = 1 … 13 (Python's `statistics.NormalDist().inv_cdf`).
const BEYOND_CHANCE: [f64; 13] = [
    1.960, 2.241, 2.394, 2.498, 2.576, 2.638, 2.690, 2.734, 2.773, 2.807, 2.838, 2.865, 2.891,
];

/// Whether `rho` over `pairs` months, the strongest of `looked_at` lags, is strong: at least
/// [`STRONG`] and beyond what chance gives that often (|ρ| · √(n − 1) ≥ z, the normal
/// approximation of ρ's spread when there is no relation).
pub fn strong(rho: f64, pairs: usize, looked_at: usize) -> bool {
    let z = BEYOND_CHANCE[looked_at.clamp(1, BEYOND_CHANCE.len()) - 1];
    let chance = z / ((pairs.max(2) - 1) as f64).sqrt();
    rho.abs() >= STRONG.max(chance)
}

/// The lags a verdict looks at: the expected one and its neighbours, or all.
pub fn window(lag: Option<u8>) -> std::ops::RangeInclusive<u8> {
    match lag {
        Some(l) => l.saturating_sub(1)..=(l.min(MAX_LAG) + 1).min(MAX_LAG),
        None => 0..=MAX_LAG,
    }
}

/// Tests an arrow expecting `direction` after `lag` months (any lag when `None`) on the two
/// objectives' monthly scores (in month order), through their month-to-month changes.
pub fn test(
    cause: &[(Period, f64)],
    effect: &[(Period, f64)],
    direction: Direction,
    lag: Option<u8>,
) -> Test {
    let correlations = correlations(&changes(cause), &changes(effect));
    let looked_at: Vec<&LagCorrelation> = correlations
        .iter()
        .filter(|c| window(lag).contains(&c.lag))
        .collect();
    let best = looked_at
        .iter()
        .filter(|c| c.pairs >= MIN_PAIRS)
        .filter_map(|c| c.rho.map(|r| (*c, r)))
        .max_by(|(_, a), (_, b)| a.abs().total_cmp(&b.abs()));
    let Some((at, rho)) = best else {
        let pairs = match lag {
            Some(l) => correlations
                .iter()
                .find(|c| c.lag == l)
                .map_or(0, |c| c.pairs),
            None => looked_at.iter().map(|c| c.pairs).max().unwrap_or(0),
        };
        // Enough months but a side that never moved: nothing can be said of the relation.
        let verdict = if pairs >= MIN_PAIRS {
            Verdict::NoClearRelation
        } else {
            Verdict::NotEnoughData
        };
        return Test {
            correlations,
            verdict,
            lag: None,
            rho: None,
            pairs,
        };
    };
    let verdict = match (
        strong(rho, at.pairs, looked_at.len()),
        rho * direction.sign() > 0.0,
    ) {
        (true, true) => Verdict::Supported,
        (true, false) => Verdict::Contradicted,
        (false, _) => Verdict::NoClearRelation,
    };
    Test {
        verdict,
        lag: Some(at.lag),
        rho: Some(rho),
        pairs: at.pairs,
        correlations,
    }
}

/// Whether `lag` is a lag an arrow may expect (0 to [`MAX_LAG`] months).
pub fn valid_lag(lag: Option<u8>) -> bool {
    lag.is_none_or(|l| l <= MAX_LAG)
}

/// One arrow with what it expects and what the data says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HypothesisView {
    pub link_id: LinkId,
    pub from_id: ObjectiveId,
    pub from_title: String,
    pub to_id: ObjectiveId,
    pub to_title: String,
    /// Why the cause should drive the effect, in the map's words.
    pub hypothesis: String,
    pub direction: Direction,
    /// The lag it expects in months (none: any).
    pub lag_months: Option<u8>,
    pub test: Test,
    /// The cause's and the effect's monthly scores the test used (`YYYY-MM`, 0–10), for the
    /// chart of both series.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub cause_series: Vec<(Period, f64)>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub effect_series: Vec<(Period, f64)>,
}

impl HypothesisView {
    /// "cause → effect": the arrow named by its two objectives.
    pub fn arrow(&self) -> String {
        format!("{} → {}", self.from_title, self.to_title)
    }

    /// What the arrow expects, in words.
    pub fn expectation(&self, locale: Locale) -> String {
        td_string!(
            locale,
            hypotheses.expects,
            direction = self.direction.text(locale),
            lag = lag_words(locale, self.lag_months)
        )
        .to_string()
    }

    /// The correlation the verdict rests on, in words (none without one).
    pub fn finding(&self, locale: Locale) -> Option<String> {
        let rho = self.test.rho?;
        Some(
            td_string!(
                locale,
                hypotheses.found,
                rho = crate::i18n::format_number(locale, rho, 2),
                lag = lag_words(locale, self.test.lag),
                pairs = td_string!(locale, hypotheses.pairs, count = self.test.pairs as u64)
                    .to_string()
            )
            .to_string(),
        )
    }
}

/// "after 2 months" or "at any lag".
fn lag_words(locale: Locale, lag: Option<u8>) -> String {
    match lag {
        Some(l) => td_string!(locale, hypotheses.after, count = u64::from(l)).to_string(),
        None => td_string!(locale, hypotheses.any_lag).to_string(),
    }
}

/// Every arrow of a map, tested; contradicted ones first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapHypotheses {
    pub map_id: MapId,
    pub map_name: String,
    pub org_unit_id: OrgUnitId,
    /// The months the series cover (first and last, `YYYY-MM`; none without data).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub from: Option<Period>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub to: Option<Period>,
    pub links: Vec<HypothesisView>,
}

impl MapHypotheses {
    /// How many arrows have `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.links
            .iter()
            .filter(|l| l.test.verdict == verdict)
            .count()
    }

    /// The arrows the data contradicts, in the list's order.
    pub fn contradicted(&self) -> impl Iterator<Item = &HypothesisView> {
        self.links
            .iter()
            .filter(|l| l.test.verdict == Verdict::Contradicted)
    }

    /// The verdict on `link`, if the map has it.
    pub fn verdict_of(&self, link: LinkId) -> Option<Verdict> {
        self.links
            .iter()
            .find(|l| l.link_id == link)
            .map(|l| l.test.verdict)
    }
}

/// The longest history tested, in months: three strategy years.
pub const MAX_MONTHS: i32 = 36;

/// The months the tests look at: from the first reading (at most [`MAX_MONTHS`] back) to
/// the latest month with data.
fn months(data: &ScoreData, today: Period) -> Option<(Period, Period)> {
    let last = latest_reported(data, today);
    let first = data
        .readings
        .iter()
        .map(|r| r.period)
        .filter(|p| *p <= last)
        .min()?;
    let earliest = last.plus_months(1 - MAX_MONTHS);
    Some((first.max(earliest), last))
}

/// Each objective's monthly scores over `from..=to` (months without a score left out).
fn objective_series(
    doc: &MapDocument,
    model: &ScoreModel,
    from: Period,
    to: Period,
) -> HashMap<ObjectiveId, Vec<(Period, f64)>> {
    let mut series: HashMap<ObjectiveId, Vec<(Period, f64)>> = HashMap::new();
    let mut month = from;
    while month <= to {
        let scores = model.span(Span::Month { period: month });
        for o in &doc.objectives {
            if let Some(v) = scores.objective(o.id).value {
                series.entry(o.id).or_default().push((month, v));
            }
        }
        month = month.plus_months(1);
    }
    series
}

/// Tests every arrow of `doc` on `data` (`today` is the current month): for the server's page
/// and REST, and for the map page, which holds the same data.
pub fn test_map(doc: &MapDocument, data: &ScoreData, today: Period) -> MapHypotheses {
    test_map_with(doc, &ScoreModel::new(doc, data, today), data, today)
}

/// [`test_map`] with the score model of `doc` and `data` already built (the map page's).
pub fn test_map_with(
    doc: &MapDocument,
    model: &ScoreModel,
    data: &ScoreData,
    today: Period,
) -> MapHypotheses {
    let window = months(data, today);
    let series = match window {
        Some((from, to)) => objective_series(doc, model, from, to),
        None => HashMap::new(),
    };
    let title = |id: ObjectiveId| doc.objective_title(id).unwrap_or_default();
    let mut links: Vec<HypothesisView> = doc
        .links
        .iter()
        .map(|l| {
            let cause = series.get(&l.from_id).cloned().unwrap_or_default();
            let effect = series.get(&l.to_id).cloned().unwrap_or_default();
            HypothesisView {
                link_id: l.id,
                from_id: l.from_id,
                from_title: title(l.from_id),
                to_id: l.to_id,
                to_title: title(l.to_id),
                hypothesis: l.hypothesis.clone(),
                direction: l.direction,
                lag_months: l.lag_months,
                test: test(&cause, &effect, l.direction, l.lag_months),
                cause_series: cause,
                effect_series: effect,
            }
        })
        .collect();
    links.sort_by_key(|l| {
        let rank = Verdict::ALL.iter().position(|v| *v == l.test.verdict);
        (rank, l.from_title.clone(), l.to_title.clone())
    });
    MapHypotheses {
        map_id: doc.map.id,
        map_name: doc.map.name.clone(),
        org_unit_id: doc.org_unit.id,
        from: window.map(|(f, _)| f),
        to: window.map(|(_, t)| t),
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `values` as monthly scores from January 2025.
    fn months(values: &[f64]) -> Vec<(Period, f64)> {
        let start = Period::new(2025, 1).expect("a month");
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (start.plus_months(i as i32), *v))
            .collect()
    }

    /// `n` months of scores between 0 and 10 that look random (splitmix64), different for
    /// each `seed`.
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                (z % 1000) as f64 / 100.0
            })
            .collect()
    }

    #[test]
    fn changes_are_taken_between_consecutive_months() {
        let mut s = months(&[1.0, 3.0, 2.0, 5.0]);
        s.remove(2);
        assert_eq!(
            changes(&s),
            vec![(s[1].0, 2.0)],
            "no change across the missing month"
        );
    }

    #[test]
    fn two_objectives_that_only_drift_apart_are_no_clear_relation() {
        // One improves every month, the other worsens: in levels ρ = −1, in changes nothing.
        let up: Vec<f64> = noise(24, 5)
            .iter()
            .enumerate()
            .map(|(i, n)| i as f64 + n / 20.0)
            .collect();
        let down: Vec<f64> = noise(24, 6)
            .iter()
            .enumerate()
            .map(|(i, n)| 30.0 - i as f64 + n / 20.0)
            .collect();
        let t = test(&months(&up), &months(&down), Direction::Same, Some(0));
        assert_eq!(t.verdict, Verdict::NoClearRelation, "{:?}", t.rho);
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        assert_eq!(ranks(&[]), Vec::<f64>::new());
    }

    #[test]
    fn spearman_of_known_series() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(spearman(&x, &[2.0, 4.0, 8.0, 16.0, 32.0]), Some(1.0));
        assert_eq!(spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // The textbook example: d² = 0+1+1+4+0 … ρ = 1 − 6·Σd² / (n(n²−1)) without ties.
        let y = [2.0, 1.0, 4.0, 3.0, 5.0];
        let rho = spearman(&x, &y).expect("a correlation");
        assert!((rho - (1.0 - 6.0 * 4.0 / 120.0)).abs() < 1e-12, "{rho}");
        assert_eq!(spearman(&x, &[3.0; 5]), None, "a flat side says nothing");
        assert_eq!(spearman(&[1.0], &[1.0]), None);
    }

    #[test]
    fn the_effect_following_the_cause_three_months_later_is_found_at_lag_three() {
        let cause = noise(30, 1);
        // The effect repeats the cause three months on (and something else before).
        let mut effect = vec![5.0, 1.0, 7.0];
        effect.extend(cause.iter().map(|v| 10.0 - v * 0.5).take(27));
        let found = test(
            &months(&cause),
            &months(&effect),
            Direction::Opposite,
            Some(3),
        );
        assert_eq!(found.verdict, Verdict::Supported);
        assert_eq!(found.lag, Some(3));
        assert!((found.rho.expect("a correlation") + 1.0).abs() < 1e-9);
        assert_eq!(found.pairs, 26);
        assert_eq!(found.correlations.len(), 13);
        // Expected the other way round, the same data contradicts the arrow.
        let same = test(&months(&cause), &months(&effect), Direction::Same, Some(3));
        assert_eq!(same.verdict, Verdict::Contradicted);
        // Expected with no lag at all, the lag is looked for.
        let any = test(&months(&cause), &months(&effect), Direction::Opposite, None);
        assert_eq!((any.verdict, any.lag), (Verdict::Supported, Some(3)));
    }

    #[test]
    fn too_few_months_are_not_enough_data() {
        // Twelve months are eleven changes.
        let x = noise(12, 2);
        let t = test(&months(&x), &months(&x), Direction::Same, Some(0));
        assert_eq!(
            (t.verdict, t.pairs, t.lag),
            (Verdict::NotEnoughData, 11, None)
        );
        let x = noise(13, 2);
        let t = test(&months(&x), &months(&x), Direction::Same, Some(0));
        assert_eq!((t.verdict, t.pairs), (Verdict::Supported, 12));
        // A month missing on one side takes away its change and the next month's.
        let mut effect = months(&noise(14, 2));
        effect.remove(6);
        let t = test(&months(&noise(14, 2)), &effect, Direction::Same, Some(0));
        assert_eq!((t.verdict, t.pairs), (Verdict::NotEnoughData, 11));
    }

    #[test]
    fn noise_is_no_clear_relation() {
        // Two unrelated series.
        let (cause, effect) = (noise(24, 3), noise(24, 4));
        let t = test(&months(&cause), &months(&effect), Direction::Same, Some(0));
        let rho = t.rho.expect("a correlation");
        assert!(!strong(rho, t.pairs, 3), "{rho}");
        assert_eq!(t.verdict, Verdict::NoClearRelation);
        // Enough months, but the effect never moved.
        let flat = test(
            &months(&cause),
            &months(&[5.0; 24]),
            Direction::Same,
            Some(0),
        );
        assert_eq!(flat.verdict, Verdict::NoClearRelation);
    }

    #[test]
    fn strong_needs_more_than_chance_on_few_months() {
        assert!(!strong(0.55, 12, 1), "0.55 on 12 months is within chance");
        assert!(strong(0.6, 12, 1));
        assert!(strong(0.5, 30, 1));
        assert!(!strong(0.45, 200, 1), "weak stays weak however many months");
        // The strongest of thirteen lags must pass a higher bar than one lag's.
        assert!(strong(0.6, 20, 1) && !strong(0.6, 20, 13));
        assert!(BEYOND_CHANCE.windows(2).all(|w| w[0] < w[1]));
        assert!((BEYOND_CHANCE[0] - 1.96).abs() < 0.001);
    }

    #[test]
    fn lags_are_zero_to_twelve() {
        assert!(valid_lag(None) && valid_lag(Some(0)) && valid_lag(Some(12)));
        assert!(!valid_lag(Some(13)));
        assert_eq!(window(Some(0)), 0..=1);
        assert_eq!(window(Some(12)), 11..=12);
        assert!(
            window(Some(40)).is_empty(),
            "an invalid lag looks at nothing"
        );
    }

    proptest! {
        #[test]
        fn rho_is_bounded_and_symmetric(x in prop::collection::vec(0.0f64..10.0, 2..40), seed in 0u64..1000) {
            let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| ((i as u64 * 31 + seed) % 17) as f64 + v / 10.0).collect();
            if let Some(r) = spearman(&x, &y) {
                prop_assert!((-1.0..=1.0).contains(&r));
                let back = spearman(&y, &x).expect("symmetric");
                prop_assert!((r - back).abs() < 1e-9);
            }
        }

        #[test]
        fn any_increasing_transform_keeps_rho(x in prop::collection::vec(0.0f64..10.0, 3..40)) {
            let y: Vec<f64> = x.iter().map(|v| (v * 1.7).exp()).collect();
            if let Some(r) = spearman(&x, &y) {
                prop_assert!((r - 1.0).abs() < 1e-9);
            }
        }
    }
}
