//! The `workshops` table: the workshop running on a map, kept whole as JSON. Written only by the
//! commit path ([`super::oplog`]) with the op that changed it, read into the server's copy of the
//! map document. Never sent as it is: a person gets [`crate::domain::workshop::Workshop::view_for`].

use super::*;
use crate::domain::workshop::Workshop;
use crate::domain::{MapDocument, MapId, UserId};
use sqlx::AnyConnection;

/// The workshop running on `map`, if any, as the commit path holds it.
pub(crate) async fn workshop_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Option<Workshop>> {
    select("SELECT state FROM workshops WHERE map_id = $1")
        .bind(map)
        .optional(conn, |r| json(r, "state"))
        .await
}

/// Writes the map's workshop as it now is (removes the row when none runs).
pub(crate) async fn write_workshop(
    conn: &mut AnyConnection,
    map: MapId,
    workshop: Option<&Workshop>,
) -> StoreResult<()> {
    match workshop {
        Some(w) => {
            change(
                "INSERT INTO workshops (map_id, state, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (map_id) DO UPDATE SET state = excluded.state, \
                 updated_at = excluded.updated_at",
            )
            .bind(map)
            .bind(json_text(w)?)
            .bind(now_text())
            .run(conn)
            .await?
        }
        None => {
            change("DELETE FROM workshops WHERE map_id = $1")
                .bind(map)
                .run(conn)
                .await?
        }
    };
    Ok(())
}

impl Store {
    /// What `viewer` may see of the workshop running on `map` (none: `None`).
    pub async fn workshop_view(&self, map: MapId, viewer: UserId) -> StoreResult<Option<Workshop>> {
        let mut conn = self.pool.acquire().await?;
        Ok(workshop_of(&mut conn, map)
            .await?
            .map(|w| w.view_for(viewer)))
    }

    /// The whole document of `map` as the commit path holds it: with the workshop whole, private
    /// notes and running ballots included. Never sent to anyone as it is.
    pub async fn live_document(&self, map: MapId) -> StoreResult<MapDocument> {
        let mut conn = self.pool.acquire().await?;
        self.map_document_in(&mut conn, map).await
    }
}
