//! Perspectives: the bands of a map, top first.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn perspective_from(row: &AnyRow) -> StoreResult<Perspective> {
    read_row! { row => Perspective {
        parsed: id, map_id;
        text: name;
        small: rank;
        float: weight;
    } }
}

pub(crate) async fn insert_perspective(
    conn: &mut AnyConnection,
    p: &Perspective,
) -> StoreResult<()> {
    validation::perspective(p)?;
    sqlx::query(
        "INSERT INTO perspectives (id, map_id, name, rank, weight) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.id.to_string())
    .bind(p.map_id.to_string())
    .bind(p.name.trim())
    .bind(i64::from(p.rank))
    .bind(p.weight)
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, p.id.0, p.map_id).await
}

/// The perspectives of a map, top first.
pub async fn perspectives_of(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<Perspective>> {
    on_map(conn, "perspectives", "rank", map, perspective_from).await
}
