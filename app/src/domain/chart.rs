//! The geometry of a measure chart, kept pure so it is tested here and drawn the same way on the
//! server and in the browser: linear scales with round ticks, the threshold bands behind the
//! line (where an actual would be red, amber or green in each month), the actual and target
//! lines, hover columns, and the least-squares trend carried on to the end of the chart.
//!
//! The chart's months run from the first month shown to the *period end*: the last month of the
//! year the chosen span ends in, so the trend shows where the measure is heading by year end.

use super::period::Period;
use super::scores::MonthFigures;
use super::scoring::{Band, ScoringType, Status, GOAL_SCORE, MAX_SCORE, RED_FLAG_SCORE};

/// Months a chart looks back from the chosen month (the chosen one included).
pub const CHART_MONTHS: i32 = 12;

/// The months a chart covers for a chosen `last` month: twelve months back, and on to December
/// of its year (the period end the trend is projected to).
pub fn chart_window(last: Period) -> (Period, Period) {
    let from = last.plus_months(1 - CHART_MONTHS);
    let to = last.plus_months(12 - i32::from(last.month()));
    (from, to)
}

/// A linear map from data values to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl LinearScale {
    /// The pixel of value `v` (the middle of the range when the domain is empty).
    pub fn map(&self, v: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// Round tick values covering `lo..=hi` with about `count` steps of 1, 2 or 5 × 10ⁿ; returns
/// the widened domain (first and last tick) and the ticks.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> (f64, f64, Vec<f64>) {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 1.0, lo + 1.0)
    } else {
        (0.0, 1.0)
    };
    let raw = (hi - lo) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() * step;
    let last = (hi / step).ceil() * step;
    let n = ((last - first) / step).round() as usize;
    let ticks = (0..=n).map(|i| clean(first + i as f64 * step)).collect();
    (first, last, ticks)
}

/// Removes float noise such as 0.30000000000000004 from a tick.
fn clean(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A straight line fitted through points by least squares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    pub slope: f64,
    pub intercept: f64,
}

impl Trend {
    /// The least-squares line through `(x, y)` points; `None` with fewer than two distinct x.
    pub fn fit(points: &[(f64, f64)]) -> Option<Trend> {
        let n = points.len() as f64;
        if points.len() < 2 {
            return None;
        }
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        if sxx < f64::EPSILON {
            return None;
        }
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = sxy / sxx;
        Some(Trend {
            slope,
            intercept: my - slope * mx,
        })
    }

    /// The line's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// A shaded area behind the lines: where an actual would get `status` (or, for custom scoring,
/// fall in a named band of `colour`).
#[derive(Clone, Debug, PartialEq)]
pub struct BandShape {
    pub status: Option<Status>,
    pub colour: String,
    pub label: String,
    /// Polygon corners in pixels.
    pub points: Vec<(f64, f64)>,
}

impl BandShape {
    /// The corners as an SVG `points` attribute.
    pub fn svg_points(&self) -> String {
        self.points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One month of the chart: where it sits and what it shows on hover.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub period: Period,
    /// Centre, left and right edge in pixels.
    pub x: f64,
    pub left: f64,
    pub right: f64,
    pub actual: Option<f64>,
    pub goal: Option<f64>,
    pub red_flag: Option<f64>,
    /// Pixel of the actual (for the dot and the hover marker).
    pub y: Option<f64>,
}

/// Everything a measure chart draws, in pixels of a `width` × `height` box.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartGeometry {
    pub width: f64,
    pub height: f64,
    /// The plot area (inside the axes).
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub columns: Vec<Column>,
    pub bands: Vec<BandShape>,
    /// SVG path of the actuals (gaps where a month has none).
    pub actual_path: String,
    /// SVG path of the goals (step line).
    pub goal_path: String,
    /// The trend from the first actual to the period end, when there are two or more actuals.
    pub trend: Option<((f64, f64), (f64, f64))>,
    /// The trend's value at the period end.
    pub trend_end: Option<f64>,
    /// Y-axis ticks: value and pixel.
    pub y_ticks: Vec<(f64, f64)>,
    /// X-axis labels: pixel and month label, thinned so they never crowd.
    pub x_labels: Vec<(f64, String)>,
}

/// Padding of the plot area inside the chart box (left, right, top, bottom).
const PAD: (f64, f64, f64, f64) = (44.0, 10.0, 10.0, 22.0);

/// Lays out a chart of `months` (consecutive, oldest first) for a measure scored by `scoring`.
pub fn layout(
    months: &[MonthFigures],
    scoring: &ScoringType,
    width: f64,
    height: f64,
) -> ChartGeometry {
    let (left, right, top, bottom) = (PAD.0, width - PAD.1, PAD.2, height - PAD.3);
    let n = months.len().max(1);
    let col_w = (right - left) / n as f64;
    let x_of = |i: usize| left + col_w * (i as f64 + 0.5);
    let actuals: Vec<(f64, f64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.actual.map(|a| (i as f64, a)))
        .collect();
    let trend = Trend::fit(&actuals);
    let last_index = months.len().saturating_sub(1) as f64;
    let trend_span = trend.map(|t| {
        let first = actuals.first().map_or(0.0, |p| p.0);
        (first, t.at(first), last_index, t.at(last_index))
    });
    let mut values: Vec<f64> = months
        .iter()
        .flat_map(|m| [m.actual, m.goal, m.red_flag])
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    if let Some((_, a, _, b)) = trend_span {
        values.extend([a, b].into_iter().filter(|v| v.is_finite()));
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if values.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    let (d0, d1, ticks) = nice_ticks(lo, hi, 4);
    let ys = LinearScale {
        d0,
        d1,
        r0: bottom,
        r1: top,
    };
    let y_of = |v: f64| ys.map(v).clamp(top, bottom);
    let columns: Vec<Column> = months
        .iter()
        .enumerate()
        .map(|(i, m)| Column {
            period: m.period,
            x: x_of(i),
            left: x_of(i) - col_w / 2.0,
            right: x_of(i) + col_w / 2.0,
            actual: m.actual,
            goal: m.goal,
            red_flag: m.red_flag,
            y: m.actual.map(y_of),
        })
        .collect();
    let bands = band_shapes(&columns, scoring, &y_of, (top, bottom));
    let step = months.len().div_ceil(6).max(1);
    let x_labels = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| (months.len() - 1 - i).is_multiple_of(step))
        .map(|(_, c)| (c.x, short_label(c.period)))
        .collect();
    ChartGeometry {
        width,
        height,
        left,
        right,
        top,
        bottom,
        actual_path: line_path(columns.iter().map(|c| (c.x, c.y))),
        goal_path: step_path(&columns, |c| c.goal.map(y_of)),
        trend: trend_span.map(|(x0, y0, x1, y1)| {
            let px = |i: f64| left + col_w * (i + 0.5);
            ((px(x0), y_of(y0)), (px(x1), y_of(y1)))
        }),
        trend_end: trend_span.map(|s| s.3),
        y_ticks: ticks.iter().map(|t| (*t, ys.map(*t))).collect(),
        x_labels,
        bands,
        columns,
    }
}

/// "Mar" for most months, "Jan 26" when the year turns.
fn short_label(p: Period) -> String {
    let label = p.label();
    let month = label.split(' ').next().unwrap_or_default().to_string();
    if p.month() == 1 {
        format!("{month} {:02}", p.year().rem_euclid(100))
    } else {
        month
    }
}

/// A polyline through the points, broken where a point is missing.
fn line_path(points: impl Iterator<Item = (f64, Option<f64>)>) -> String {
    let mut out = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                out.push_str(&format!(
                    "{}{x:.1} {y:.1} ",
                    if pen_down { 'L' } else { 'M' }
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    out.trim_end().to_string()
}

/// A step line across each column's width (targets hold for a whole month).
fn step_path(columns: &[Column], y: impl Fn(&Column) -> Option<f64>) -> String {
    let mut out = String::new();
    let mut last: Option<f64> = None;
    for c in columns {
        match y(c) {
            Some(v) => {
                if last.is_some() {
                    out.push_str(&format!("L{:.1} {v:.1} ", c.left));
                } else {
                    out.push_str(&format!("M{:.1} {v:.1} ", c.left));
                }
                out.push_str(&format!("L{:.1} {v:.1} ", c.right));
                last = Some(v);
            }
            None => last = None,
        }
    }
    out.trim_end().to_string()
}

/// The zones of one month: (lower value, upper value, status) from bottom to top; `None` for a
/// bound means the edge of the plot.
type Zones = Vec<(Option<f64>, Option<f64>, Status)>;

/// The zones a month's target draws for a scoring type (empty when it has no thresholds).
fn zones(scoring: &ScoringType, goal: Option<f64>, red: Option<f64>) -> Zones {
    let (Some(g), Some(r)) = (goal, red) else {
        return Vec::new();
    };
    if !g.is_finite() || !r.is_finite() {
        return Vec::new();
    }
    let higher_better = g > r;
    match scoring {
        ScoringType::GoalRedFlag if g != r => {
            let (low, mid, high) = (Status::Red, Status::Amber, Status::Green);
            if higher_better {
                vec![
                    (None, Some(r), low),
                    (Some(r), Some(g), mid),
                    (Some(g), None, high),
                ]
            } else {
                vec![
                    (None, Some(g), high),
                    (Some(g), Some(r), mid),
                    (Some(r), None, low),
                ]
            }
        }
        ScoringType::GoalOnly => {
            if g >= r {
                vec![(None, Some(g), Status::Red), (Some(g), None, Status::Green)]
            } else {
                vec![(None, Some(g), Status::Green), (Some(g), None, Status::Red)]
            }
        }
        ScoringType::Stabilize if g != r => {
            // Score 10 − off·(10 − 3.33) with off = |a − g| / |r − g|: green while off ≤ the
            // share that keeps the score at 6.67, amber up to the red flag's distance.
            let hw = (r - g).abs();
            let green = hw * (MAX_SCORE - GOAL_SCORE) / (MAX_SCORE - RED_FLAG_SCORE);
            vec![
                (None, Some(g - hw), Status::Red),
                (Some(g - hw), Some(g - green), Status::Amber),
                (Some(g - green), Some(g + green), Status::Green),
                (Some(g + green), Some(g + hw), Status::Amber),
                (Some(g + hw), None, Status::Red),
            ]
        }
        _ => Vec::new(),
    }
}

/// The shaded bands: per run of consecutive months with the same kind of zones, one polygon per
/// zone stepping month by month; custom scoring draws its named bands across the whole chart.
fn band_shapes(
    columns: &[Column],
    scoring: &ScoringType,
    y_of: &dyn Fn(f64) -> f64,
    (top, bottom): (f64, f64),
) -> Vec<BandShape> {
    if let ScoringType::Custom { bands } = scoring {
        return custom_bands(columns, bands, y_of, (top, bottom));
    }
    let per_month: Vec<Zones> = columns
        .iter()
        .map(|c| zones(scoring, c.goal, c.red_flag))
        .collect();
    let shape_of = |z: &Zones| z.iter().map(|(_, _, s)| *s).collect::<Vec<_>>();
    let mut out = Vec::new();
    let mut i = 0;
    while i < columns.len() {
        if per_month[i].is_empty() {
            i += 1;
            continue;
        }
        let kind = shape_of(&per_month[i]);
        let mut j = i;
        while j + 1 < columns.len() && shape_of(&per_month[j + 1]) == kind {
            j += 1;
        }
        for (k, status) in kind.iter().enumerate() {
            let edge = |v: Option<f64>, default: f64| v.map_or(default, y_of);
            let mut upper = Vec::new();
            let mut lower = Vec::new();
            for (c, z) in columns[i..=j].iter().zip(&per_month[i..=j]) {
                let (lo, hi, _) = z[k];
                let (y_hi, y_lo) = (edge(hi, top), edge(lo, bottom));
                upper.extend([(c.left, y_hi), (c.right, y_hi)]);
                lower.extend([(c.left, y_lo), (c.right, y_lo)]);
            }
            lower.reverse();
            upper.extend(lower);
            out.push(BandShape {
                status: Some(*status),
                colour: status.colour().to_string(),
                label: status.label().to_string(),
                points: upper,
            });
        }
        i = j + 1;
    }
    out
}

/// A custom scoring's bands as horizontal stripes over the whole chart.
fn custom_bands(
    columns: &[Column],
    bands: &[Band],
    y_of: &dyn Fn(f64) -> f64,
    (top, bottom): (f64, f64),
) -> Vec<BandShape> {
    let (Some(first), Some(last)) = (columns.first(), columns.last()) else {
        return Vec::new();
    };
    let mut sorted: Vec<&Band> = bands.iter().filter(|b| b.from.is_finite()).collect();
    sorted.sort_by(|a, b| a.from.total_cmp(&b.from));
    sorted
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y_lo = if i == 0 { bottom } else { y_of(b.from) };
            let y_hi = sorted.get(i + 1).map_or(top, |next| y_of(next.from));
            BandShape {
                status: None,
                colour: b.colour.clone(),
                label: b.name.clone(),
                points: vec![
                    (first.left, y_hi),
                    (last.right, y_hi),
                    (last.right, y_lo),
                    (first.left, y_lo),
                ],
            }
        })
        .filter(|s| (s.points[0].1 - s.points[3].1).abs() > 0.01)
        .collect()
}

/// The path of a sparkline of `values` in a `width` × `height` box (gaps for missing values) and
/// the position of its last known point.
pub fn sparkline(
    values: &[Option<f64>],
    width: f64,
    height: f64,
) -> (Vec<String>, Option<(f64, f64)>) {
    let known: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ys = LinearScale {
        d0: lo,
        d1: if hi > lo { hi } else { lo },
        r0: height - 3.0,
        r1: 3.0,
    };
    let n = values.len().max(2) as f64 - 1.0;
    let x = |i: usize| i as f64 / n * width;
    let mut segments = Vec::new();
    let mut current: Vec<(f64, Option<f64>)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => current.push((x(i), Some(ys.map(v)))),
            None if !current.is_empty() => {
                segments.push(line_path(current.drain(..)));
            }
            None => {}
        }
    }
    if !current.is_empty() {
        segments.push(line_path(current.into_iter()));
    }
    let dot = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (x(i), ys.map(v))));
    (segments, dot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn month(
        period: &str,
        actual: Option<f64>,
        goal: Option<f64>,
        red: Option<f64>,
    ) -> MonthFigures {
        MonthFigures {
            period: p(period),
            actual,
            goal,
            red_flag: red,
        }
    }

    #[test]
    fn window_runs_a_year_back_and_on_to_december() {
        assert_eq!(chart_window(p("2026-03")), (p("2025-04"), p("2026-12")));
        assert_eq!(chart_window(p("2026-12")), (p("2026-01"), p("2026-12")));
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let (lo, hi, ticks) = nice_ticks(3.2, 9.7, 4);
        assert_eq!((lo, hi), (2.0, 10.0));
        assert_eq!(ticks, vec![2.0, 4.0, 6.0, 8.0, 10.0]);
        let (lo, hi, ticks) = nice_ticks(0.1, 0.35, 4);
        assert!(lo <= 0.1 && hi >= 0.35);
        assert!(
            ticks.iter().all(|t| (t * 1000.0).fract().abs() < 1e-6),
            "{ticks:?}"
        );
        // A flat series still gets a domain around its value.
        let (lo, hi, _) = nice_ticks(5.0, 5.0, 4);
        assert!(lo < 5.0 && hi > 5.0);
    }

    #[test]
    fn least_squares_trend() {
        let t = Trend::fit(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap();
        assert!((t.slope - 2.0).abs() < 1e-9 && (t.intercept - 1.0).abs() < 1e-9);
        let t = Trend::fit(&[(0.0, 2.0), (1.0, 1.0), (2.0, 4.0), (3.0, 3.0)]).unwrap();
        // Σ(x−1.5)(y−2.5) = 3, Σ(x−1.5)² = 5.
        assert!((t.slope - 0.6).abs() < 1e-9);
        assert!(
            (t.at(1.5) - 2.5).abs() < 1e-9,
            "the line passes through the mean"
        );
        assert_eq!(Trend::fit(&[(1.0, 2.0)]), None);
        assert_eq!(Trend::fit(&[(1.0, 2.0), (1.0, 3.0)]), None);
    }

    #[test]
    fn scale_maps_domain_to_range() {
        let s = LinearScale {
            d0: 0.0,
            d1: 10.0,
            r0: 100.0,
            r1: 0.0,
        };
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(10.0), 0.0);
        assert_eq!(s.map(2.5), 75.0);
    }

    #[test]
    fn goal_red_flag_bands_sit_where_the_status_changes() {
        let months = vec![
            month("2026-01", Some(70.0), Some(80.0), Some(60.0)),
            month("2026-02", Some(75.0), Some(80.0), Some(60.0)),
            month("2026-03", None, Some(80.0), Some(60.0)),
        ];
        let g = layout(&months, &ScoringType::GoalRedFlag, 300.0, 120.0);
        assert_eq!(g.bands.len(), 3, "red, amber, green");
        let statuses: Vec<_> = g.bands.iter().map(|b| b.status).collect();
        assert_eq!(
            statuses,
            vec![Some(Status::Red), Some(Status::Amber), Some(Status::Green)]
        );
        let ys = LinearScale {
            d0: g.y_ticks[0].0,
            d1: g.y_ticks.last().unwrap().0,
            r0: g.bottom,
            r1: g.top,
        };
        // The amber band runs from the red flag (60) up to the goal (80) in every month.
        let amber = &g.bands[1];
        let tops: Vec<f64> = amber.points.iter().take(6).map(|p| p.1).collect();
        assert!(
            tops.iter().all(|y| (y - ys.map(80.0)).abs() < 1e-6),
            "{tops:?}"
        );
        let bottoms: Vec<f64> = amber.points.iter().skip(6).map(|p| p.1).collect();
        assert!(bottoms.iter().all(|y| (y - ys.map(60.0)).abs() < 1e-6));
        // The green band reaches the top of the plot, the red one the bottom.
        assert!(g.bands[2].points.iter().any(|p| (p.1 - g.top).abs() < 1e-6));
        assert!(g.bands[0]
            .points
            .iter()
            .any(|p| (p.1 - g.bottom).abs() < 1e-6));
        // Bands start at the first column's left edge and end at the last one's right edge.
        assert_eq!(amber.points[0].0, g.columns[0].left);
        assert_eq!(amber.points[5].0, g.columns[2].right);
    }

    #[test]
    fn lower_is_better_puts_green_at_the_bottom() {
        let months = vec![month("2026-01", Some(12.0), Some(10.0), Some(15.0))];
        let g = layout(&months, &ScoringType::GoalRedFlag, 200.0, 100.0);
        assert_eq!(g.bands[0].status, Some(Status::Green));
        assert!(g.bands[0]
            .points
            .iter()
            .any(|p| (p.1 - g.bottom).abs() < 1e-6));
        assert_eq!(g.bands[2].status, Some(Status::Red));
    }

    #[test]
    fn months_without_targets_break_the_bands_and_a_changed_target_steps() {
        let months = vec![
            month("2026-01", Some(1.0), Some(5.0), Some(2.0)),
            month("2026-02", Some(2.0), None, None),
            month("2026-03", Some(3.0), Some(6.0), Some(2.0)),
        ];
        let g = layout(&months, &ScoringType::GoalRedFlag, 300.0, 100.0);
        assert_eq!(g.bands.len(), 6, "two runs of three zones");
        assert_eq!(g.goal_path.matches('M').count(), 2, "{}", g.goal_path);
    }

    #[test]
    fn stabilize_has_green_around_the_goal() {
        let months = vec![month("2026-01", Some(50.0), Some(50.0), Some(60.0))];
        let g = layout(&months, &ScoringType::Stabilize, 200.0, 100.0);
        let statuses: Vec<_> = g.bands.iter().map(|b| b.status.unwrap()).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Red,
                Status::Amber,
                Status::Green,
                Status::Amber,
                Status::Red
            ]
        );
        // Check the green half-width against the scoring itself: at its edge the score is 6.67.
        let green_edge = 50.0 + 10.0 * (MAX_SCORE - GOAL_SCORE) / (MAX_SCORE - RED_FLAG_SCORE);
        let t = crate::domain::Target {
            measure_id: crate::domain::MeasureId::new(),
            period: p("2026-01"),
            goal: 50.0,
            red_flag: 60.0,
        };
        let s = crate::domain::scoring::score(&ScoringType::Stabilize, Some(green_edge), Some(&t));
        assert!((s.value.unwrap() - GOAL_SCORE).abs() < 1e-9);
    }

    #[test]
    fn custom_bands_are_horizontal_stripes() {
        let bands = vec![
            Band {
                name: "Low".into(),
                colour: "#b91c1c".into(),
                from: 0.0,
                score: 2.0,
            },
            Band {
                name: "High".into(),
                colour: "#15803d".into(),
                from: 50.0,
                score: 9.0,
            },
        ];
        let months = vec![
            month("2026-01", Some(20.0), None, None),
            month("2026-02", Some(80.0), None, None),
        ];
        let g = layout(&months, &ScoringType::Custom { bands }, 200.0, 100.0);
        assert_eq!(g.bands.len(), 2);
        assert_eq!(g.bands[1].label, "High");
        assert!((g.bands[1].points[0].1 - g.top).abs() < 1e-6);
        assert!((g.bands[0].points[3].1 - g.bottom).abs() < 1e-6);
        assert!(
            (g.bands[0].points[0].1 - g.bands[1].points[3].1).abs() < 1e-6,
            "stripes meet at 50"
        );
    }

    #[test]
    fn actual_line_has_gaps_and_the_trend_runs_to_the_period_end() {
        let months = vec![
            month("2026-01", Some(1.0), None, None),
            month("2026-02", Some(2.0), None, None),
            month("2026-03", None, None, None),
            month("2026-04", Some(4.0), None, None),
            month("2026-05", None, None, None),
            month("2026-06", None, None, None),
        ];
        let g = layout(&months, &ScoringType::GoalRedFlag, 400.0, 100.0);
        assert_eq!(g.actual_path.matches('M').count(), 2, "{}", g.actual_path);
        let ((x0, _), (x1, _)) = g.trend.unwrap();
        assert_eq!(x0, g.columns[0].x);
        assert_eq!(x1, g.columns[5].x, "projected to the last month shown");
        assert!(
            (g.trend_end.unwrap() - 6.0).abs() < 1e-9,
            "1, 2, _, 4 → 6 in month six"
        );
        // Every value (and the projection) is inside the plot.
        assert!(g
            .columns
            .iter()
            .filter_map(|c| c.y)
            .all(|y| y >= g.top && y <= g.bottom));
        assert!(g.y_ticks.last().unwrap().0 >= 6.0);
        assert!(g.x_labels.iter().any(|(_, l)| l == "Jan 26"));
    }

    #[test]
    fn an_empty_chart_is_still_drawable() {
        let months = vec![month("2026-01", None, None, None)];
        let g = layout(&months, &ScoringType::YesNo, 200.0, 100.0);
        assert!(g.bands.is_empty() && g.actual_path.is_empty() && g.trend.is_none());
        assert!(!g.y_ticks.is_empty());
    }

    #[test]
    fn sparkline_paths_break_at_gaps_and_mark_the_last_value() {
        let (paths, dot) = sparkline(&[Some(1.0), Some(2.0), None, Some(3.0), None], 100.0, 20.0);
        assert_eq!(paths.len(), 2);
        let (x, y) = dot.unwrap();
        assert_eq!(x, 75.0);
        assert!(
            (y - 3.0).abs() < 1e-9,
            "the highest value sits at the top inset"
        );
        let (paths, dot) = sparkline(&[None, None], 100.0, 20.0);
        assert!(paths.is_empty() && dot.is_none());
    }
}
