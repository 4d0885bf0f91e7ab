//! Display links: a screen's way in to dashboards of a unit, stored as the hash of their secret,
//! with the dashboards each rotates through.

use super::*;
use crate::domain::dashboard::{validate_display_link, DisplayLink};
use crate::domain::*;
use sqlx::AnyConnection;

/// Adds a display link: its settings and the hash of its secret, with an audit row. Every
/// dashboard must exist.
pub async fn create_display_link(
    conn: &mut AnyConnection,
    link: &DisplayLink,
    token_hash: &str,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validate_display_link(link)?;
    sqlx::query(
        "INSERT INTO display_links (id, org_unit_id, name, token_hash, rotate_seconds, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(link.id.to_string())
    .bind(link.org_unit_id.to_string())
    .bind(link.name.trim())
    .bind(token_hash)
    .bind(i64::from(link.rotate_seconds))
    .bind(actor.map(|u| u.to_string()))
    .bind(now_text())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "this display link already exists"))?;
    for (position, d) in link.dashboard_ids.iter().enumerate() {
        let known = select("SELECT id FROM dashboards WHERE id = $1").bind(d);
        known.exists(&mut *conn, "dashboard").await?;
        sqlx::query(
            "INSERT INTO display_link_dashboards (link_id, dashboard_id, position) VALUES ($1, $2, $3)",
        )
        .bind(link.id.to_string())
        .bind(d.to_string())
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    audit(conn, actor, "create", "display_link", link.id, &link.name).await
}

/// A display link's row, without its dashboards (read from `display_link_dashboards`).
fn display_link_from(row: &AnyRow) -> StoreResult<DisplayLink> {
    read_row! { row => DisplayLink {
        parsed: id, org_unit_id;
        text: name, created_at;
        small: rotate_seconds;
        opt_parsed: created_by;
        opt_text: revoked_at, last_seen_at;
        filled_later: dashboard_ids;
    } }
}

/// The display links `filter` (a `WHERE` clause and an order, with `key` as `$1`) finds, each
/// with its dashboards in rotation order.
async fn links_where(
    store: &Store,
    filter: &str,
    key: impl ToString,
) -> StoreResult<Vec<DisplayLink>> {
    let mut conn = store.pool.acquire().await?;
    let sql = format!(
        "SELECT id, org_unit_id, name, rotate_seconds, created_by, created_at, revoked_at, \
         last_seen_at FROM display_links WHERE {filter}"
    );
    let mut links = select(&sql)
        .bind(key)
        .all(&mut *conn, display_link_from)
        .await?;
    for link in &mut links {
        link.dashboard_ids = select(
            "SELECT dashboard_id FROM display_link_dashboards WHERE link_id = $1 ORDER BY position",
        )
        .bind(link.id)
        .all(&mut *conn, |r| parsed(r, "dashboard_id"))
        .await?;
    }
    Ok(links)
}

/// Marks a display link revoked (kept, with the time), with an audit row, in the caller's
/// transaction; revoking twice keeps the first time.
pub async fn revoke_display_link(
    conn: &mut AnyConnection,
    id: DisplayLinkId,
    actor: Option<UserId>,
) -> StoreResult<()> {
    change("UPDATE display_links SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
        .bind(id)
        .bind(now_text())
        .run_on_one(&mut *conn, "display link")
        .await?;
    audit(conn, actor, "revoke", "display_link", id, "").await
}

impl Store {
    /// Adds a display link in its own transaction.
    pub async fn create_display_link(
        &self,
        link: &DisplayLink,
        token_hash: &str,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| create_display_link(tx, link, token_hash, actor).await)
            .await
    }

    /// The display links of an org unit, newest first (revoked ones too).
    pub async fn display_links_of(&self, unit: OrgUnitId) -> StoreResult<Vec<DisplayLink>> {
        links_where(self, "org_unit_id = $1 ORDER BY created_at DESC, id", unit).await
    }

    /// One display link.
    pub async fn display_link(&self, id: DisplayLinkId) -> StoreResult<DisplayLink> {
        let found = links_where(self, "id = $1", id).await?.pop();
        found.ok_or(StoreError::NotFound("display link"))
    }

    /// The display link whose secret hashes to `token_hash` (revoked or not).
    pub async fn display_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<DisplayLink>> {
        Ok(links_where(self, "token_hash = $1", token_hash)
            .await?
            .pop())
    }

    /// Revokes a display link (kept, with the time), with an audit row; revoking twice keeps
    /// the first time. Returns the link as stored.
    pub async fn revoke_display_link(
        &self,
        id: DisplayLinkId,
        actor: Option<UserId>,
    ) -> StoreResult<DisplayLink> {
        self.write(async |tx| revoke_display_link(tx, id, actor).await)
            .await?;
        self.display_link(id).await
    }

    /// Records that a screen opened the link now.
    pub async fn touch_display_link(&self, id: DisplayLinkId) -> StoreResult<()> {
        let touch = change("UPDATE display_links SET last_seen_at = $2 WHERE id = $1");
        touch.bind(id).bind(now_text()).run(&self.pool).await?;
        Ok(())
    }
}
