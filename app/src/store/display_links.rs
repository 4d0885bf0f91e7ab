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
        let known = sqlx::query("SELECT id FROM dashboards WHERE id = $1")
            .bind(d.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound("dashboard"));
        }
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

async fn link_from(conn: &mut AnyConnection, row: &AnyRow) -> StoreResult<DisplayLink> {
    let id: DisplayLinkId = parsed(row, "id")?;
    let dashboards = sqlx::query(
        "SELECT dashboard_id FROM display_link_dashboards WHERE link_id = $1 ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(DisplayLink {
        id,
        org_unit_id: parsed(row, "org_unit_id")?,
        name: text(row, "name")?,
        dashboard_ids: dashboards
            .iter()
            .map(|r| parsed(r, "dashboard_id"))
            .collect::<StoreResult<_>>()?,
        rotate_seconds: u32::try_from(int(row, "rotate_seconds")?)
            .map_err(|_| StoreError::Corrupt("rotate_seconds"))?,
        created_by: opt_parsed(row, "created_by")?,
        created_at: text(row, "created_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
        last_seen_at: opt_text(row, "last_seen_at")?,
    })
}

const LINK_COLUMNS: &str =
    "id, org_unit_id, name, rotate_seconds, created_by, created_at, revoked_at, last_seen_at";

/// Marks a display link revoked (kept, with the time), with an audit row, in the caller's
/// transaction; revoking twice keeps the first time.
pub async fn revoke_display_link(
    conn: &mut AnyConnection,
    id: DisplayLinkId,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let done =
        sqlx::query("UPDATE display_links SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id.to_string())
            .bind(now_text())
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("display link"));
    }
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
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM display_links WHERE org_unit_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(unit.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            out.push(link_from(&mut conn, r).await?);
        }
        Ok(out)
    }

    /// One display link.
    pub async fn display_link(&self, id: DisplayLinkId) -> StoreResult<DisplayLink> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM display_links WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("display link"))?;
        link_from(&mut conn, &row).await
    }

    /// The display link whose secret hashes to `token_hash` (revoked or not).
    pub async fn display_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<DisplayLink>> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM display_links WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            Some(r) => Ok(Some(link_from(&mut conn, &r).await?)),
            None => Ok(None),
        }
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
        sqlx::query("UPDATE display_links SET last_seen_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now_text())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
