//! `/api/v1/maps`: the strategy maps in the token's scope.

use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::rest_types::*;
use app::domain::*;
use axum::extract::State;
use axum::Json;
use std::collections::HashMap;

/// List the strategy maps in the token's scope.
#[utoipa::path(
    get, path = "/api/v1/maps", tag = "maps",
    responses(
        (status = 200, description = "The maps of the units in scope.", body = MapList),
        TokenRefusals,
    )
)]
pub async fn list_maps(State(state): State<AppState>, caller: Caller) -> RestResult<MapList> {
    let units: HashMap<OrgUnitId, String> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let maps = state
        .store
        .map_summaries()
        .await?
        .into_iter()
        .filter(|(unit, _)| caller.access.allows(*unit, Action::View))
        .map(|(unit, m)| MapInfo {
            id: m.id,
            name: m.name,
            org_unit_id: unit,
            org_unit_name: units.get(&unit).cloned().unwrap_or_default(),
            status: m.status,
            period_start: m.period_start,
            period_end: m.period_end,
        })
        .collect();
    Ok(Json(MapList { maps }))
}
