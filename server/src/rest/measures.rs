//! `/api/v1/measures`: the measures (KPIs) in the token's scope, one by one or as a list.

use super::params::{id_of, query};
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;

/// List the measures in the token's scope, optionally of one map or one org unit.
#[utoipa::path(
    get, path = "/api/v1/measures", tag = "measures",
    params(MeasureFilter),
    responses(
        (status = 200, description = "The measures.", body = MeasureList),
        (status = 400, description = "A malformed map_id or unit_id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The map or unit asked for is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such map or unit.", body = ErrorBody),
    )
)]
pub async fn list_measures(
    State(state): State<AppState>,
    caller: Caller,
    filter: Result<Query<MeasureFilter>, QueryRejection>,
) -> RestResult<MeasureList> {
    let filter = query(filter)?;
    if let Some(map_id) = filter.map_id {
        let map = state.store.map(map_id).await?;
        caller.may_read(map.org_unit_id, "map")?;
    }
    if let Some(unit_id) = filter.unit_id {
        state.store.org_unit(unit_id).await?;
        caller.may_read(unit_id, "org unit")?;
    }
    let measures = state
        .store
        .placed_measures(filter.map_id)
        .await?
        .into_iter()
        .filter(|p| filter.unit_id.is_none_or(|u| u == p.org_unit_id))
        .filter(|p| caller.access.allows(p.org_unit_id, Action::View))
        .map(|p| measure_info(&caller, p))
        .collect();
    Ok(Json(MeasureList { measures }))
}

fn measure_info(caller: &Caller, p: app::store::PlacedMeasure) -> MeasureInfo {
    let writable = p.measure.data_source != DataSource::Formula
        && caller.access.allows(p.org_unit_id, Action::EnterData);
    let m = p.measure;
    MeasureInfo {
        id: m.id,
        name: m.name,
        definition: m.definition,
        unit: m.unit,
        decimals: m.decimals,
        frequency: m.frequency,
        polarity: m.polarity,
        indicator: m.indicator,
        data_source: m.data_source,
        objective_id: m.objective_id,
        objective_title: p.objective_title,
        map_id: p.map_id,
        org_unit_id: p.org_unit_id,
        writable,
    }
}

/// One measure.
#[utoipa::path(
    get, path = "/api/v1/measures/{id}", tag = "measures",
    params(("id" = MeasureId, Path, description = "The measure.")),
    responses(
        (status = 200, description = "The measure.", body = MeasureInfo),
        (status = 400, description = "A malformed id.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The measure is outside the token's scope.", body = ErrorBody),
        (status = 404, description = "No such measure.", body = ErrorBody),
    )
)]
pub async fn get_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<MeasureInfo> {
    let id: MeasureId = id_of(&id, "measure")?;
    let placed = state.store.placed_measure(id).await?;
    caller.may_read(placed.org_unit_id, "measure")?;
    Ok(Json(measure_info(&caller, placed)))
}
