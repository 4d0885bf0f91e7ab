//! Themes: the lanes across a map's perspectives.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

fn theme_from(row: &AnyRow) -> StoreResult<Theme> {
    read_row! { row => Theme {
        parsed: id, map_id;
        text: name, colour, description;
        small: rank;
        opt_parsed: owner_id;
    } }
}

/// Inserts an (already validated) theme row.
pub(crate) async fn insert_theme(conn: &mut AnyConnection, t: &Theme) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO themes (id, map_id, name, colour, rank, description, owner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id.to_string())
    .bind(t.map_id.to_string())
    .bind(t.name.trim())
    .bind(&t.colour)
    .bind(i64::from(t.rank))
    .bind(&t.description)
    .bind(t.owner_id.map(|u| u.to_string()))
    .execute(&mut *conn)
    .await?;
    super::entity_ids::claim(conn, t.id.0, t.map_id).await
}

/// The themes of a map, left first.
pub async fn themes_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Theme>> {
    on_map(conn, "themes", "rank", map, theme_from).await
}

/// Adds a theme lane.
pub async fn create_theme(
    conn: &mut AnyConnection,
    t: &Theme,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::theme(t)?;
    insert_theme(&mut *conn, t).await?;
    audit(conn, actor, "create", "theme", t.id, &t.name).await
}

impl Store {
    /// Adds a theme in its own transaction.
    pub async fn create_theme(&self, t: &Theme, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_theme(tx, t, actor).await)
            .await
    }
}
