//! Data entry and scores: actuals and targets through the one data path, the scores of a map
//! for any span, and the "why" behind any status.

use super::ApiError;
#[cfg(feature = "ssr")]
use super::Refusal;
use crate::domain::scores::{MapScores, ScoreData, Subject, Why};
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

/// The most spans of history one request may ask for (a sparkline shows 12).
pub const MAX_HISTORY: u8 = 36;

/// Records one period's actual of a measure (contributors on the measure's unit, or its data
/// owner). Goes through the data path, so open maps and dashboards update.
#[server(prefix = "/api", endpoint = "record_actual", output = super::TextJson)]
pub async fn record_actual(
    measure_id: MeasureId,
    period: String,
    value: f64,
    note: String,
) -> Result<(), ApiError> {
    let period = parse_period(&period)?;
    let batch = DataBatch {
        actuals: vec![Actual {
            measure_id,
            period,
            value,
            note,
            entered_by: None,
            entered_at: String::new(),
            source: DataSource::Manual,
        }],
        ..DataBatch::default()
    };
    save_data(batch).await.map(|_| ())
}

/// Commits actuals and targets (the grid, the target editor) in one transaction. Who entered
/// them and when is set by the server; the source is "manual".
#[server(prefix = "/api", endpoint = "save_data", input = Json, output = super::TextJson)]
pub async fn save_data(batch: DataBatch) -> Result<DataOutcome, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let batch = stamped(batch, user.id, DataSource::Manual);
            crate::auth::authorize_data(&ctx.store, &user, &batch).await?;
            if batch.is_empty() {
                return Ok(DataOutcome::default());
            }
            ctx.data.write_data(batch, Some(user.id)).await
        }
        .await,
    )
}

/// A batch with its provenance set by the server: the signed-in author, now, and `source`.
#[cfg(feature = "ssr")]
pub fn stamped(batch: DataBatch, author: UserId, source: DataSource) -> DataBatch {
    stamp(batch, Some(author), source)
}

/// A batch with its provenance set by the server: `author` (none for an API token), now, and
/// `source` — whatever the client sent in those fields.
#[cfg(feature = "ssr")]
pub fn stamp(mut batch: DataBatch, author: Option<UserId>, source: DataSource) -> DataBatch {
    let now = crate::store::now_text();
    for a in &mut batch.actuals {
        a.entered_by = author;
        a.entered_at = now.clone();
        a.source = source;
    }
    batch
}

/// "month", "quarter" or "year" and a period inside it, as the period pickers send them.
#[cfg(feature = "ssr")]
pub fn parse_span(kind: &str, period: &str) -> Result<scoring::Span, ApiError> {
    Ok(scoring::Span::of_kind(kind, parse_period(period)?))
}

/// A `YYYY-MM` period from a request, or a 400 that says how to write it.
#[cfg(feature = "ssr")]
pub fn parse_period(text: &str) -> Result<Period, ApiError> {
    text.parse()
        .map_err(|e: period::PeriodParseError| ApiError::BadInput(Refusal::Period(e)))
}

/// The scores of a map for the span of `kind` holding `period`, preceded by up to `history`
/// earlier spans of the same kind (oldest first; the requested span is last).
#[server(prefix = "/api", endpoint = "get_scores", output = super::TextJson)]
pub async fn get_scores(
    map_id: MapId,
    kind: String,
    period: String,
    history: u8,
) -> Result<Vec<MapScores>, ApiError> {
    ssr::reply(
        async move {
            let span = parse_span(&kind, &period)?;
            let model = viewed_model(map_id).await?;
            let back = i32::from(history.min(MAX_HISTORY));
            let spans: Vec<scoring::Span> = (-back..=0).map(|n| span.shift(n)).collect();
            Ok(model.history(&spans))
        }
        .await,
    )
}

/// The score model of a map the signed-in user may view, as of the server's current month.
#[cfg(feature = "ssr")]
async fn viewed_model(map_id: MapId) -> Result<scores::ScoreModel, ApiError> {
    let (ctx, ..) = ssr::require_on(map_id, Action::View).await?;
    let (_, model) = ctx
        .store
        .score_model(map_id, crate::store::current_period())
        .await?;
    Ok(model)
}

/// The targets and readings of a map and the server's current month: the map page computes its
/// statuses from them with the same pure code the server uses, so weights and formulas edited
/// in a workshop recolour the map at once.
#[server(prefix = "/api", endpoint = "get_score_data", output = super::TextJson)]
pub async fn get_score_data(map_id: MapId) -> Result<(ScoreData, Period), ApiError> {
    ssr::reply(
        async move {
            let (ctx, ..) = ssr::require_on(map_id, Action::View).await?;
            let data = ctx.store.score_data(map_id).await?;
            Ok((data, crate::store::current_period()))
        }
        .await,
    )
}

/// Why something has its status in a span: inputs, arithmetic, rule.
#[server(prefix = "/api", endpoint = "explain_score", input = Json, output = super::TextJson)]
pub async fn explain_score(
    map_id: MapId,
    kind: String,
    period: String,
    subject: Subject,
) -> Result<Why, ApiError> {
    ssr::reply(
        async move {
            let span = parse_span(&kind, &period)?;
            let model = viewed_model(map_id).await?;
            let (ctx, user) = ssr::require_user().await?;
            let locale = ssr::locale(&ctx, &user).await;
            model
                .explain(locale, span, subject)
                .ok_or_else(|| ApiError::NotFound("item".into()))
        }
        .await,
    )
}

/// The measures whose data the signed-in user owns, overdue ones first (the home page's
/// "Your measures").
#[server(prefix = "/api", endpoint = "my_measures", output = super::TextJson)]
pub async fn my_measures() -> Result<Vec<OwnedMeasure>, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let mut list = ctx
                .store
                .owned_measures(user.id, crate::store::current_period())
                .await?;
            list.sort_by_key(|m| !m.stale);
            Ok(list)
        }
        .await,
    )
}

/// A measure in the data-entry grid, with what the signed-in user may do to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridMeasure {
    pub measure: Measure,
    pub objective_title: String,
    pub perspective_name: String,
    /// The data owner's name, if the measure has one.
    pub owner_name: Option<String>,
    /// The signed-in user is its data owner.
    pub owned_by_me: bool,
    /// The user may enter its actuals (contributor on the unit, or its data owner; never for a
    /// formula, which the app computes).
    pub may_enter: bool,
}

/// Everything the data-entry grid and the target editor show for one calendar year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataGrid {
    pub map: StrategyMap,
    pub org_unit: OrgUnit,
    pub year: i32,
    /// In the map's display order: by perspective (top first), then objective.
    pub measures: Vec<GridMeasure>,
    pub actuals: Vec<Actual>,
    pub targets: Vec<Target>,
    /// The user may set targets (editor on the unit).
    pub may_set_targets: bool,
    /// The server's current month, so the grid can mark it and open on its year.
    pub today: Period,
}

/// The earliest and latest years the grid opens (a typo in the address stays harmless).
pub const GRID_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// The measures, actuals and targets of a map for the twelve months of `year` (the server's
/// current year when none is given).
#[server(prefix = "/api", endpoint = "get_data_grid", output = super::TextJson)]
pub async fn get_data_grid(map_id: MapId, year: Option<i32>) -> Result<DataGrid, ApiError> {
    ssr::reply(
        async move {
            let today = crate::store::current_period();
            let year = year.unwrap_or(today.year());
            if !GRID_YEARS.contains(&year) {
                return Err(ApiError::BadInput(Refusal::GridYear {
                    from: *GRID_YEARS.start(),
                    to: *GRID_YEARS.end(),
                }));
            }
            let (ctx, user, role, ..) = ssr::require_on(map_id, Action::View).await?;
            let doc = ctx.store.map_document(map_id).await?;
            let (from, to) = scoring::Span::Year { year }.bounds();
            Ok(DataGrid {
                actuals: ctx.store.actuals_between(map_id, from, to).await?,
                targets: ctx.store.targets_between(map_id, from, to).await?,
                may_set_targets: role.allows(Action::Edit),
                today,
                measures: grid_measures(&doc, user.id, role),
                map: doc.map,
                org_unit: doc.org_unit,
                year,
            })
        }
        .await,
    )
}

/// The map's measures in display order (perspective from the top, then objective down the
/// band), each with what `user` holding `role` on the unit may do.
#[cfg(feature = "ssr")]
fn grid_measures(doc: &MapDocument, user: UserId, role: Role) -> Vec<GridMeasure> {
    let perspective_rank = |id: PerspectiveId| {
        doc.perspectives
            .iter()
            .find(|p| p.id == id)
            .map(|p| (p.rank, p.name.clone()))
    };
    let mut rows: Vec<((i32, f64, f64), GridMeasure)> = doc
        .measures
        .iter()
        .filter_map(|m| {
            let o = doc.objectives.iter().find(|o| o.id == m.objective_id)?;
            let (rank, perspective_name) = perspective_rank(o.perspective_id)?;
            let mine = m.data_owner_id == Some(user);
            let owner_name = m
                .data_owner_id
                .and_then(|id| doc.people.iter().find(|p| p.id == id))
                .map(|p| p.name.clone());
            let row = GridMeasure {
                measure: m.clone(),
                objective_title: o.title.clone(),
                perspective_name,
                owner_name,
                owned_by_me: mine,
                may_enter: m.data_source != DataSource::Formula
                    && role::may_enter_data(Some(role), mine),
            };
            Some(((rank, o.y, o.x), row))
        })
        .collect();
    rows.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(a.0 .1.total_cmp(&b.0 .1))
            .then(a.0 .2.total_cmp(&b.0 .2))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}
