//! Scoring benchmark (`make bench`, or `cargo bench -p app --features ssr --bench scores`):
//!
//! 1. **Recompute everything**: 1,000 org units, each with a map of 10 objectives and 20 measures
//!    (two of them formulas) and 120 months of targets and actuals — build every map's score
//!    model from the raw rows and score every month of every map (measures, objectives,
//!    perspectives, themes, map). Target ≤ 200 ms.
//! 2. **One new actual**: set one actual in a built model and rescore the month, quarter and year
//!    it falls in. Target ≤ 5 ms.
//! 3. For reference, what the server does per request: rebuild one map's model from its rows
//!    and score one span.
//!
//! Times are the median of several runs on this machine; nothing is asserted.

use app::domain::scores::{Reading, ScoreData, ScoreModel};
use app::domain::scoring::{Aggregation, RollUp, ScoringType, Span};
use app::domain::*;
use std::hint::black_box;
use std::time::{Duration, Instant};

const UNITS: usize = 1_000;
const OBJECTIVES: usize = 10;
const MEASURES_PER_OBJECTIVE: usize = 2;
const MONTHS: i32 = 120;

fn first_month() -> Period {
    Period::new(2017, 1).expect("valid period")
}

/// One unit's map and its 120 months of data, built deterministically.
fn unit_map(seed: usize) -> (MapDocument, ScoreData) {
    let unit = OrgUnit::new(None, format!("Unit {seed}"), OrgUnitKind::BusinessUnit);
    let map = StrategyMap::new(
        unit.id,
        format!("Map {seed}"),
        first_month(),
        first_month().plus_months(MONTHS - 1),
    )
    .with_status(MapStatus::Active);
    let map_id = map.id;
    let perspectives: Vec<Perspective> = Perspective::defaults(map_id)
        .into_iter()
        .map(|p| {
            let weight = 1.0 + f64::from(p.rank) * 0.5;
            p.with_weight(weight)
        })
        .collect();
    let themes: Vec<Theme> = (0..3)
        .map(|rank| Theme::new(map_id, format!("Theme {rank}"), "#2563eb", rank))
        .collect();
    let objectives: Vec<Objective> = (0..OBJECTIVES)
        .map(|i| {
            Objective::new(map_id, perspectives[i % 4].id, format!("Improve thing {i}"))
                .with_theme(Some(themes[i % 3].id))
                .with_rollup(if i % 5 == 0 {
                    RollUp::WorstChild
                } else {
                    RollUp::WeightedAverage
                })
        })
        .collect();
    let mut measures = Vec::new();
    for (i, o) in objectives.iter().enumerate() {
        for j in 0..MEASURES_PER_OBJECTIVE {
            let k = i * MEASURES_PER_OBJECTIVE + j;
            let measure = Measure::new(o.id, format!("Measure {k}"))
                .with_unit("%", 1)
                .with_indicator(if k.is_multiple_of(3) {
                    Indicator::Leading
                } else {
                    Indicator::Lagging
                })
                .with_baseline(50.0)
                .with_weight(1.0 + (k % 3) as f64)
                .with_scoring(match k % 4 {
                    0 => ScoringType::Stabilize,
                    1 => ScoringType::GoalOnly,
                    _ => ScoringType::GoalRedFlag,
                })
                .with_aggregation(match k % 3 {
                    0 => Aggregation::Sum,
                    1 => Aggregation::Average,
                    _ => Aggregation::Last,
                });
            measures.push(if k == 5 || k == 15 {
                measure.with_formula(format!("[Measure {}] / [Measure {}] * 100", k - 1, k + 1))
            } else {
                measure
            });
        }
    }
    let mut data = ScoreData::default();
    for (k, m) in measures.iter().enumerate() {
        for t in 0..MONTHS {
            let period = first_month().plus_months(t);
            let wave = ((seed * 31 + k * 7 + t as usize) % 17) as f64;
            data.targets.push(Target {
                measure_id: m.id,
                period,
                goal: 60.0 + t as f64 * 0.1,
                red_flag: 50.0 + t as f64 * 0.1,
            });
            if m.data_source != DataSource::Formula {
                data.readings.push(Reading {
                    measure_id: m.id,
                    period,
                    value: 45.0 + wave * 1.5 + t as f64 * 0.1,
                });
            }
        }
    }
    let doc = MapDocument {
        perspectives,
        themes,
        objectives,
        measures,
        ..MapDocument::new(map, unit)
    };
    (doc, data)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let today = first_month().plus_months(MONTHS - 1);
    let maps: Vec<(MapDocument, ScoreData)> = (0..UNITS).map(unit_map).collect();
    let months: Vec<Span> = (0..MONTHS)
        .map(|t| Span::Month {
            period: first_month().plus_months(t),
        })
        .collect();

    // 1. Recompute everything.
    let mut runs = Vec::new();
    let mut checksum = 0.0;
    for _ in 0..5 {
        let start = Instant::now();
        for (doc, data) in &maps {
            let model = ScoreModel::new(doc, data, today);
            for span in &months {
                checksum += model.span(*span).map.value.unwrap_or(0.0);
            }
        }
        runs.push(start.elapsed());
    }
    black_box(checksum);
    let all = median(runs);

    // 2. One new actual, incrementally.
    let (doc, data) = &maps[0];
    let mut model = ScoreModel::new(doc, data, today);
    let measure = doc.measures[4].id;
    let period = first_month().plus_months(MONTHS / 2);
    let spans = [
        Span::of_kind("month", period),
        Span::of_kind("quarter", period),
        Span::of_kind("year", period),
    ];
    let mut runs = Vec::new();
    for i in 0..200 {
        let start = Instant::now();
        model.set_actual(measure, period, Some(50.0 + f64::from(i % 20)));
        for s in spans {
            black_box(model.span(s));
        }
        runs.push(start.elapsed());
    }
    let one = median(runs);

    // 3. Per request: rebuild one map's model from its rows and score one span.
    let mut runs = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        let m = ScoreModel::new(doc, data, today);
        black_box(m.span(spans[0]));
        runs.push(start.elapsed());
    }
    let rebuild = median(runs);

    let scored = UNITS * MONTHS as usize * OBJECTIVES * MEASURES_PER_OBJECTIVE;
    println!("| What | Median | Target |");
    println!("|---|---:|---:|");
    println!(
        "| Recompute {UNITS} units × {} measures × {MONTHS} months ({scored} measure-months, every roll-up) | {:.1} ms | ≤ 200 ms |",
        OBJECTIVES * MEASURES_PER_OBJECTIVE,
        all.as_secs_f64() * 1e3
    );
    println!(
        "| One new actual → month, quarter and year rescored | {:.1} µs | ≤ 5 ms |",
        one.as_secs_f64() * 1e6
    );
    println!(
        "| One map rebuilt from its rows and scored (per request) | {:.1} µs | — |",
        rebuild.as_secs_f64() * 1e6
    );
}
