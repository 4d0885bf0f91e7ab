//! Dashboards and the board (everything a dashboard page or a display shows, read in one go).

use super::*;
use crate::domain::dashboard::{
    board_map_ids, may_show_map, validate_dashboard, Board, BoardMap, Dashboard,
};
use crate::domain::*;
use sqlx::AnyConnection;

fn dashboard_from(row: &AnyRow) -> StoreResult<Dashboard> {
    read_row! { row => Dashboard {
        parsed: id, org_unit_id, span_kind;
        text: name, created_at, updated_at;
        opt_parsed: created_by, updated_by;
        json: widgets @ "layout";
    } }
}

fn layout_text(d: &Dashboard) -> StoreResult<String> {
    serde_json::to_string(&d.widgets).map_err(|_| StoreError::Corrupt("layout"))
}

/// Checks every widget's map exists and every measure is on its widget's map, so a saved
/// dashboard never points at something else's data.
async fn check_references(conn: &mut AnyConnection, d: &Dashboard) -> StoreResult<()> {
    for w in &d.widgets {
        let Some(map) = w.kind.map_id() else { continue };
        let found = select("SELECT id FROM maps WHERE id = $1").bind(map);
        found.exists(&mut *conn, "map").await?;
        if let Some(m) = w.kind.measure_id() {
            if map_of_measure(&mut *conn, m).await? != map {
                return Err(ValidationError::BadLayout(
                    crate::domain::validation::LayoutProblem::OtherMap {
                        name: w.kind.label().to_string(),
                    },
                )
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
    unit_in(&mut *conn, d.org_unit_id).await?;
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
    audit(conn, actor, "create", "dashboard", d.id, &d.name).await
}

/// Saves a dashboard's name, span and layout over its row (its unit never changes).
pub async fn update_dashboard(
    conn: &mut AnyConnection,
    d: &Dashboard,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validate_dashboard(d)?;
    check_references(&mut *conn, d).await?;
    change(
        "UPDATE dashboards SET name = $2, span_kind = $3, layout = $4, updated_by = $5, updated_at = $6 \
         WHERE id = $1 AND org_unit_id = $7",
    )
    .bind(d.id)
    .bind(d.name.trim())
    .bind(d.span_kind.as_str())
    .bind(layout_text(d)?)
    .bind_value(actor.map(|u| u.to_string()))
    .bind(now_text())
    .bind(d.org_unit_id)
    .run_on_one(&mut *conn, "dashboard")
    .await?;
    audit(conn, actor, "update", "dashboard", d.id, d.name.trim()).await
}

/// Deletes a dashboard (display links drop it from their rotation).
pub async fn delete_dashboard(
    conn: &mut AnyConnection,
    id: DashboardId,
    actor: Option<UserId>,
) -> StoreResult<()> {
    change("DELETE FROM display_link_dashboards WHERE dashboard_id = $1")
        .bind(id)
        .run(&mut *conn)
        .await?;
    change("DELETE FROM dashboards WHERE id = $1")
        .bind(id)
        .run_on_one(&mut *conn, "dashboard")
        .await?;
    audit(conn, actor, "delete", "dashboard", id, "").await
}

impl Store {
    /// One dashboard.
    pub async fn dashboard(&self, id: DashboardId) -> StoreResult<Dashboard> {
        select("SELECT * FROM dashboards WHERE id = $1")
            .bind(id)
            .one(&self.pool, dashboard_from, "dashboard")
            .await
    }

    /// The dashboards of an org unit, by name.
    pub async fn dashboards_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Dashboard>> {
        select("SELECT * FROM dashboards WHERE org_unit_id = $1 ORDER BY name, id")
            .bind(unit)
            .all(&self.pool, dashboard_from)
            .await
    }

    /// Adds a dashboard in its own transaction.
    pub async fn create_dashboard(&self, d: &Dashboard, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_dashboard(tx, d, actor).await)
            .await
    }

    /// Saves a dashboard in its own transaction and returns it as stored.
    pub async fn update_dashboard(
        &self,
        d: &Dashboard,
        actor: Option<UserId>,
    ) -> StoreResult<Dashboard> {
        self.write(async |tx| update_dashboard(tx, d, actor).await)
            .await?;
        self.dashboard(d.id).await
    }

    /// Deletes a dashboard in its own transaction.
    pub async fn delete_dashboard(
        &self,
        id: DashboardId,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| delete_dashboard(tx, id, actor).await)
            .await
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
            currency: self.organisation_currency().await?,
        })
    }
}
