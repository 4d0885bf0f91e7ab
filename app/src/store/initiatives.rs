//! Initiatives, the objectives each moves, and their milestones.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;

/// Adds an initiative and ties it to its objectives.
pub async fn create_initiative(
    conn: &mut AnyConnection,
    i: &Initiative,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::initiative(i)?;
    sqlx::query(
        "INSERT INTO initiatives (id, org_unit_id, name, description, owner_id, start_date, end_date, budget, spend, status, percent_complete) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(i.id.to_string())
    .bind(i.org_unit_id.to_string())
    .bind(i.name.trim())
    .bind(&i.description)
    .bind(i.owner_id.map(|u| u.to_string()))
    .bind(i.start_date.to_string())
    .bind(i.end_date.to_string())
    .bind(i.budget)
    .bind(i.spend)
    .bind(i.status.as_str())
    .bind(i64::from(i.percent_complete))
    .execute(&mut *conn)
    .await?;
    for o in &i.objective_ids {
        objective_in(&mut *conn, *o).await?;
        sqlx::query(
            "INSERT INTO initiative_objectives (initiative_id, objective_id) VALUES ($1, $2)",
        )
        .bind(i.id.to_string())
        .bind(o.to_string())
        .execute(&mut *conn)
        .await?;
    }
    audit(conn, actor, "create", "initiative", i.id, &i.name).await
}

/// Adds a milestone to an initiative.
pub async fn create_milestone(conn: &mut AnyConnection, m: &Milestone) -> StoreResult<()> {
    validation::milestone(m)?;
    sqlx::query("INSERT INTO milestones (id, initiative_id, name, due_date, done) VALUES ($1, $2, $3, $4, $5)")
        .bind(m.id.to_string())
        .bind(m.initiative_id.to_string())
        .bind(m.name.trim())
        .bind(m.due_date.to_string())
        .bind(i64::from(m.done))
        .execute(conn)
        .await?;
    Ok(())
}

/// An initiative's row, without its objectives (read from `initiative_objectives`).
fn initiative_from(row: &AnyRow) -> StoreResult<Initiative> {
    read_row! { row => Initiative {
        parsed: id, org_unit_id, start_date, end_date, status;
        text: name, description;
        opt_parsed: owner_id;
        float: budget, spend;
        small: percent_complete;
        filled_later: objective_ids;
    } }
}

fn milestone_from(row: &AnyRow) -> StoreResult<Milestone> {
    read_row! { row => Milestone {
        parsed: id, initiative_id, due_date;
        text: name;
        flag: done;
    } }
}

impl Store {
    /// Every initiative of an org unit.
    pub async fn initiatives_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Initiative>> {
        let mut initiatives =
            select("SELECT * FROM initiatives WHERE org_unit_id = $1 ORDER BY name")
                .bind(unit)
                .all(&self.pool, initiative_from)
                .await?;
        for i in &mut initiatives {
            i.objective_ids =
                select("SELECT objective_id FROM initiative_objectives WHERE initiative_id = $1")
                    .bind(i.id)
                    .all(&self.pool, |r| parsed(r, "objective_id"))
                    .await?;
        }
        Ok(initiatives)
    }

    /// The initiatives of a unit with their owners' names and milestones summed up.
    pub async fn initiative_summaries(
        &self,
        unit: OrgUnitId,
    ) -> StoreResult<Vec<InitiativeSummary>> {
        let initiatives = self.initiatives_of(unit).await?;
        let mut out = Vec::new();
        for i in initiatives {
            let milestones =
                select("SELECT * FROM milestones WHERE initiative_id = $1 ORDER BY due_date, name")
                    .bind(i.id)
                    .all(&self.pool, milestone_from)
                    .await?;
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
}
