//! Every arrow of a map tested against the data (`domain::hypothesis`), for the map's
//! Hypotheses page and REST. Viewers of the map's unit may read them. (The map page tests its
//! arrows itself, from the score data it already holds, so its marks follow live data.)

use super::ApiError;
use crate::domain::hypothesis::MapHypotheses;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every arrow of a map tested against its data (viewers of the map's unit).
#[server(prefix = "/api", endpoint = "map_hypotheses", input = Json, output = super::TextJson)]
pub async fn hypotheses_of(map_id: MapId) -> Result<MapHypotheses, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::of_map(&ctx.store, &access, map_id).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::auth::Access;
    use crate::domain::hypothesis;
    use crate::store::Store;

    /// Every arrow of map `id` tested, if `access` may view its unit.
    pub async fn of_map(
        store: &Store,
        access: &Access,
        id: MapId,
    ) -> Result<MapHypotheses, ApiError> {
        let doc = store.map_document(id).await?;
        need(store, access, doc.org_unit.id, crate::domain::Action::View).await?;
        let data = store.score_data(id).await?;
        Ok(hypothesis::test_map(
            &doc,
            &data,
            crate::store::current_period(),
        ))
    }
}
