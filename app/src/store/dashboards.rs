//! Dashboards, display links and the board (everything a dashboard page or a display shows,
//! read in one go).

use super::*;
use crate::domain::dashboard::{
    board_map_ids, may_show_map, validate_dashboard, validate_display_link, Board, BoardMap,
    Dashboard, DisplayLink,
};
use crate::domain::*;
use sqlx::AnyConnection;

fn dashboard_from(row: &AnyRow) -> StoreResult<Dashboard> {
    Ok(Dashboard {
        id: parsed(row, "id")?,
        org_unit_id: parsed(row, "org_unit_id")?,
        name: text(row, "name")?,
        span_kind: parsed(row, "span_kind")?,
        widgets: serde_json::from_str(&text(row, "layout")?)
            .map_err(|_| StoreError::Corrupt("layout"))?,
        created_by: opt_parsed(row, "created_by")?,
        created_at: text(row, "created_at")?,
        updated_by: opt_parsed(row, "updated_by")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn layout_text(d: &Dashboard) -> StoreResult<String> {
    serde_json::to_string(&d.widgets).map_err(|_| StoreError::Corrupt("layout"))
}

/// Checks every widget's map exists and every measure is on its widget's map, so a saved
/// dashboard never points at something else's data.
async fn check_references(conn: &mut AnyConnection, d: &Dashboard) -> StoreResult<()> {
    for w in &d.widgets {
        let Some(map) = w.kind.map_id() else { continue };
        let found = sqlx::query("SELECT id FROM maps WHERE id = $1")
            .bind(map.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("map"));
        }
        if let Some(m) = w.kind.measure_id() {
            let home = sqlx::query(
                "SELECT o.map_id FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE m.id = $1",
            )
            .bind(m.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("measure"))?;
            if parsed::<MapId>(&home, "map_id")? != map {
                return Err(ValidationError::BadLayout(format!(
                    "the {} shows a measure of another map",
                    w.kind.label()
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// Adds a dashboard (validated, its references checked) with an audit row.
pub async fn create_dashboard(
    conn: &mut AnyConnection,
    d: &Dashboard,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validate_dashboard(d)?;
    let unit = sqlx::query("SELECT id FROM org_units WHERE id = $1")
        .bind(d.org_unit_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if unit.is_none() {
        return Err(StoreError::NotFound("org unit"));
    }
    check_references(&mut *conn, d).await?;
    sqlx::query(
        "INSERT INTO dashboards (id, org_unit_id, name, span_kind, layout, created_by, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)",
    )
    .bind(d.id.to_string())
    .bind(d.org_unit_id.to_string())
    .bind(d.name.trim())
    .bind(d.span_kind.as_str())
    .bind(layout_text(d)?)
    .bind(actor.map(|u| u.to_string()))
    .bind(now_text())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "a dashboard with this id already exists"))?;
    audit(
        conn,
        actor,
        "create",
        "dashboard",
        &d.id.to_string(),
        &d.name,
    )
    .await
}

/// Saves a dashboard's name, span and layout over its row (its unit never changes).
pub async fn update_dashboard(
    conn: &mut AnyConnection,
    d: &Dashboard,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validate_dashboard(d)?;
    check_references(&mut *conn, d).await?;
    let done = sqlx::query(
        "UPDATE dashboards SET name = $2, span_kind = $3, layout = $4, updated_by = $5, updated_at = $6 \
         WHERE id = $1 AND org_unit_id = $7",
    )
    .bind(d.id.to_string())
    .bind(d.name.trim())
    .bind(d.span_kind.as_str())
    .bind(layout_text(d)?)
    .bind(actor.map(|u| u.to_string()))
    .bind(now_text())
    .bind(d.org_unit_id.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("dashboard"));
    }
    let detail = format!("{} ({} widgets)", d.name.trim(), d.widgets.len());
    audit(
        conn,
        actor,
        "update",
        "dashboard",
        &d.id.to_string(),
        &detail,
    )
    .await
}

/// Deletes a dashboard (display links drop it from their rotation).
pub async fn delete_dashboard(
    conn: &mut AnyConnection,
    id: DashboardId,
    actor: Option<UserId>,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM display_link_dashboards WHERE dashboard_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM dashboards WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("dashboard"));
    }
    audit(conn, actor, "delete", "dashboard", &id.to_string(), "").await
}

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
    audit(
        conn,
        actor,
        "create",
        "display_link",
        &link.id.to_string(),
        &link.name,
    )
    .await
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

fn milestone_from(row: &AnyRow) -> StoreResult<Milestone> {
    Ok(Milestone {
        id: parsed(row, "id")?,
        initiative_id: parsed(row, "initiative_id")?,
        name: text(row, "name")?,
        due_date: parsed(row, "due_date")?,
        done: int(row, "done")? != 0,
    })
}

impl Store {
    /// One dashboard.
    pub async fn dashboard(&self, id: DashboardId) -> StoreResult<Dashboard> {
        let row = sqlx::query("SELECT * FROM dashboards WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("dashboard"))?;
        dashboard_from(&row)
    }

    /// The dashboards of an org unit, by name.
    pub async fn dashboards_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Dashboard>> {
        let rows = sqlx::query("SELECT * FROM dashboards WHERE org_unit_id = $1 ORDER BY name, id")
            .bind(unit.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(dashboard_from).collect()
    }

    /// Adds a dashboard in its own transaction.
    pub async fn create_dashboard(&self, d: &Dashboard, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_dashboard(&mut tx, d, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a dashboard in its own transaction and returns it as stored.
    pub async fn update_dashboard(
        &self,
        d: &Dashboard,
        actor: Option<UserId>,
    ) -> StoreResult<Dashboard> {
        let mut tx = self.begin().await?;
        update_dashboard(&mut tx, d, actor).await?;
        tx.commit().await?;
        self.dashboard(d.id).await
    }

    /// Deletes a dashboard in its own transaction.
    pub async fn delete_dashboard(
        &self,
        id: DashboardId,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        delete_dashboard(&mut tx, id, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a display link in its own transaction.
    pub async fn create_display_link(
        &self,
        link: &DisplayLink,
        token_hash: &str,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_display_link(&mut tx, link, token_hash, actor).await?;
        tx.commit().await?;
        Ok(())
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
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE display_links SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("display link"));
        }
        audit(
            &mut tx,
            actor,
            "revoke",
            "display_link",
            &id.to_string(),
            "",
        )
        .await?;
        tx.commit().await?;
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

    /// The initiatives of a unit with their owners' names and milestones summed up.
    pub async fn initiative_summaries(
        &self,
        unit: OrgUnitId,
    ) -> StoreResult<Vec<InitiativeSummary>> {
        let initiatives = self.initiatives_of(unit).await?;
        let mut out = Vec::new();
        for i in initiatives {
            let milestones = sqlx::query(
                "SELECT * FROM milestones WHERE initiative_id = $1 ORDER BY due_date, name",
            )
            .bind(i.id.to_string())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(milestone_from)
            .collect::<StoreResult<Vec<_>>>()?;
            let owner = match i.owner_id {
                Some(u) => match self.user(u).await {
                    Ok(user) => Some(user.name),
                    Err(StoreError::NotFound(_)) => None,
                    Err(e) => return Err(e),
                },
                None => None,
            };
            out.push(InitiativeSummary::new(i, owner, &milestones));
        }
        Ok(out)
    }

    /// Everything `dashboards` show, for `unit`'s corner: each map their widgets read (once;
    /// a deleted map, or one of a unit the dashboard may not show, is left out), the
    /// initiatives of their units, and today's month.
    pub async fn board(&self, unit: OrgUnit, dashboards: Vec<Dashboard>) -> StoreResult<Board> {
        let parents = self.unit_parents().await?;
        let mut maps = Vec::new();
        for id in board_map_ids(&dashboards) {
            match self.map_document(id).await {
                Ok(doc) if may_show_map(&dashboards, id, doc.org_unit.id, &parents) => {
                    maps.push(BoardMap {
                        data: self.score_data(id).await?,
                        doc,
                    })
                }
                Ok(_) | Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let mut units: Vec<OrgUnitId> = Vec::new();
        for d in &dashboards {
            if !units.contains(&d.org_unit_id) {
                units.push(d.org_unit_id);
            }
        }
        let mut initiatives = Vec::new();
        for u in units {
            initiatives.extend(self.initiative_summaries(u).await?);
        }
        Ok(Board {
            unit,
            dashboards,
            maps,
            initiatives,
            today: current_period(),
        })
    }
}
