//! Links: the cause-and-effect arrows between objectives of a map.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn link_from(row: &AnyRow) -> StoreResult<Link> {
    read_row! { row => Link {
        parsed: id, map_id, from_id, to_id, direction;
        text: hypothesis;
        opt_small: lag_months;
    } }
}

/// Inserts an (already validated) link row, claiming its id for its map.
pub(crate) async fn insert_link(conn: &mut AnyConnection, l: &Link) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO links (id, map_id, from_id, to_id, hypothesis, direction, lag_months) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(l.id.to_string())
    .bind(l.map_id.to_string())
    .bind(l.from_id.to_string())
    .bind(l.to_id.to_string())
    .bind(&l.hypothesis)
    .bind(l.direction.as_str())
    .bind(l.lag_months.map(i64::from))
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, l.id.0, l.map_id).await
}

/// The links of a map.
pub async fn links_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Link>> {
    on_map(conn, "links", "id", map, link_from).await
}

/// Adds a cause-and-effect link after the domain's link rules.
pub async fn create_link(
    conn: &mut AnyConnection,
    l: &Link,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let from_map = find_objective(&mut *conn, l.from_id)
        .await?
        .map(|o| o.map_id);
    let to_map = find_objective(&mut *conn, l.to_id).await?.map(|o| o.map_id);
    let existing = links_of(&mut *conn, l.map_id).await?;
    validation::link(l, from_map, to_map, &existing)?;
    insert_link(&mut *conn, l)
        .await
        .map_err(|e| e.unique_as_conflict("these two objectives are already linked"))?;
    audit(
        conn,
        actor,
        "create",
        "link",
        l.id,
        &format!("{} -> {}", l.from_id, l.to_id),
    )
    .await
}

impl Store {
    /// Adds a link in its own transaction.
    pub async fn create_link(&self, l: &Link, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_link(tx, l, actor).await).await
    }
}
