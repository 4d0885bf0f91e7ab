//! Perspectives: the bands of a map, top first.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn perspective_from(row: &AnyRow) -> StoreResult<Perspective> {
    Ok(Perspective {
        id: parsed(row, "id")?,
        map_id: parsed(row, "map_id")?,
        name: text(row, "name")?,
        rank: int(row, "rank")? as i32,
        weight: float(row, "weight")?,
    })
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
    let rows = sqlx::query("SELECT * FROM perspectives WHERE map_id = $1 ORDER BY rank")
        .bind(map.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(perspective_from).collect()
}
