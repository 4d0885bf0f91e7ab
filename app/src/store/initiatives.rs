//! Initiatives, the objectives each moves, and their milestones: written whole (the initiative
//! with its links and milestones in one transaction), read per unit or one at a time.

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
    with_fields(
        change(
            "INSERT INTO initiatives (id, name, description, owner_id, start_date, end_date, budget, \
             spend, status, percent_complete, progress_mode, closed_on, org_unit_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        ),
        i,
    )
    .bind(i.org_unit_id)
    .run(&mut *conn)
    .await
    .map_err(|e| e.unique_as_conflict("an initiative with this id already exists"))?;
    link_objectives(&mut *conn, i).await?;
    audit(conn, actor, "create", "initiative", i.id, &i.name).await
}

/// `statement` with an initiative's id and fields bound as `$1`–`$12`, in the order both the
/// insert and the update name them.
fn with_fields<'q>(statement: Statement<'q>, i: &'q Initiative) -> Statement<'q> {
    statement
        .bind(i.id)
        .bind(i.name.trim())
        .bind(&i.description)
        .bind_value(i.owner_id.map(|u| u.to_string()))
        .bind(i.start_date)
        .bind(i.end_date)
        .bind_value(i.budget)
        .bind_value(i.spend)
        .bind(i.status.as_str())
        .bind_value(i64::from(i.percent_complete))
        .bind(i.progress_mode.as_str())
        .bind_value(i.closed_on.map(|d| d.to_string()))
}

/// Ties an initiative to each of its objectives (which must exist).
async fn link_objectives(conn: &mut AnyConnection, i: &Initiative) -> StoreResult<()> {
    for o in &i.objective_ids {
        objective_in(&mut *conn, *o).await?;
        change("INSERT INTO initiative_objectives (initiative_id, objective_id) VALUES ($1, $2)")
            .bind(i.id)
            .bind(o)
            .run(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Adds a milestone to an initiative.
pub async fn create_milestone(conn: &mut AnyConnection, m: &Milestone) -> StoreResult<()> {
    validation::milestone(m)?;
    change(
        "INSERT INTO milestones (id, initiative_id, name, due_date, done, owner_id, weight) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(m.id)
    .bind(m.initiative_id)
    .bind(m.name.trim())
    .bind(m.due_date)
    .bind_value(i64::from(m.done))
    .bind_value(m.owner_id.map(|u| u.to_string()))
    .bind_value(m.weight)
    .run(conn)
    .await
    .map_err(|e| e.unique_as_conflict("a milestone with this id already exists"))?;
    Ok(())
}

/// Replaces an initiative as it is stored (its links and milestones too) by `i` with
/// `milestones`, after checking them together.
pub async fn replace_initiative(
    conn: &mut AnyConnection,
    i: &Initiative,
    milestones: &[Milestone],
    actor: Option<UserId>,
) -> StoreResult<()> {
    initiative::validate(i, milestones)?;
    with_fields(
        change(
            "UPDATE initiatives SET name = $2, description = $3, owner_id = $4, start_date = $5, \
             end_date = $6, budget = $7, spend = $8, status = $9, percent_complete = $10, \
             progress_mode = $11, closed_on = $12 WHERE id = $1",
        ),
        i,
    )
    .run_on_one(&mut *conn, "initiative")
    .await?;
    change("DELETE FROM initiative_objectives WHERE initiative_id = $1")
        .bind(i.id)
        .run(&mut *conn)
        .await?;
    link_objectives(&mut *conn, i).await?;
    change("DELETE FROM milestones WHERE initiative_id = $1")
        .bind(i.id)
        .run(&mut *conn)
        .await?;
    for m in milestones {
        create_milestone(
            &mut *conn,
            &Milestone {
                initiative_id: i.id,
                ..m.clone()
            },
        )
        .await?;
    }
    let action = match i.closed_on {
        Some(_) => "close",
        None => "update",
    };
    audit(conn, actor, action, "initiative", i.id, &i.name).await
}

/// An initiative's row, without its objectives (read from `initiative_objectives`).
fn initiative_from(row: &AnyRow) -> StoreResult<Initiative> {
    read_row! { row => Initiative {
        parsed: id, org_unit_id, start_date, end_date, status, progress_mode;
        text: name, description;
        opt_parsed: owner_id, closed_on;
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
        opt_parsed: owner_id;
        float: weight;
    } }
}

impl Store {
    /// Every initiative of an org unit, by name.
    pub async fn initiatives_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Initiative>> {
        let mut initiatives =
            select("SELECT * FROM initiatives WHERE org_unit_id = $1 ORDER BY name, id")
                .bind(unit)
                .all(&self.pool, initiative_from)
                .await?;
        for i in &mut initiatives {
            i.objective_ids = self.objectives_moved_by(i.id).await?;
        }
        Ok(initiatives)
    }

    /// One initiative with the objectives it moves.
    pub async fn initiative(&self, id: InitiativeId) -> StoreResult<Initiative> {
        let mut i = select("SELECT * FROM initiatives WHERE id = $1")
            .bind(id)
            .one(&self.pool, initiative_from, "initiative")
            .await?;
        i.objective_ids = self.objectives_moved_by(id).await?;
        Ok(i)
    }

    async fn objectives_moved_by(&self, id: InitiativeId) -> StoreResult<Vec<ObjectiveId>> {
        select(
            "SELECT objective_id FROM initiative_objectives WHERE initiative_id = $1 \
             ORDER BY objective_id",
        )
        .bind(id)
        .all(&self.pool, |r| parsed(r, "objective_id"))
        .await
    }

    /// An initiative's milestones, by due date.
    pub async fn milestones_of(&self, id: InitiativeId) -> StoreResult<Vec<Milestone>> {
        select("SELECT * FROM milestones WHERE initiative_id = $1 ORDER BY due_date, name, id")
            .bind(id)
            .all(&self.pool, milestone_from)
            .await
    }

    /// The org unit owning the map each of `objectives` is on (an objective not found is
    /// `NotFound`).
    pub async fn units_of_objectives(
        &self,
        objectives: &[ObjectiveId],
    ) -> StoreResult<Vec<OrgUnitId>> {
        let mut out = Vec::new();
        for o in objectives {
            out.push(
                select(
                    "SELECT m.org_unit_id FROM objectives o JOIN maps m ON m.id = o.map_id \
                     WHERE o.id = $1",
                )
                .bind(o)
                .one(&self.pool, |r| parsed(r, "org_unit_id"), "objective")
                .await?,
            );
        }
        Ok(out)
    }

    /// Adds an initiative with its milestones, in one transaction.
    pub async fn create_initiative_with(
        &self,
        i: &Initiative,
        milestones: &[Milestone],
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        initiative::validate(i, milestones)?;
        self.write(async |tx| {
            create_initiative(&mut *tx, i, actor).await?;
            for m in milestones {
                create_milestone(
                    &mut *tx,
                    &Milestone {
                        initiative_id: i.id,
                        ..m.clone()
                    },
                )
                .await?;
            }
            Ok(())
        })
        .await
    }

    /// Replaces an initiative with its links and milestones, in one transaction.
    pub async fn save_initiative(
        &self,
        i: &Initiative,
        milestones: &[Milestone],
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| replace_initiative(tx, i, milestones, actor).await)
            .await
    }

    /// The open initiatives of a unit with their owners' names and milestones summed up: what
    /// the objective detail and the dashboards show (a closed one is history, kept on the
    /// initiatives page).
    pub async fn initiative_summaries(
        &self,
        unit: OrgUnitId,
    ) -> StoreResult<Vec<InitiativeSummary>> {
        Ok(self
            .initiative_cards(unit)
            .await?
            .into_iter()
            .map(|(summary, _)| summary)
            .filter(|s| s.initiative.closed_on.is_none())
            .collect())
    }

    /// The initiatives of a unit, each summed up (owner's name, milestones) with its milestones.
    pub async fn initiative_cards(
        &self,
        unit: OrgUnitId,
    ) -> StoreResult<Vec<(InitiativeSummary, Vec<Milestone>)>> {
        let initiatives = self.initiatives_of(unit).await?;
        let mut out = Vec::new();
        for i in initiatives {
            let milestones = self.milestones_of(i.id).await?;
            let owner = self.name_of(i.owner_id).await?;
            out.push((InitiativeSummary::new(i, owner, &milestones), milestones));
        }
        Ok(out)
    }

    /// A person's name, none for nobody or somebody since deleted.
    async fn name_of(&self, user: Option<UserId>) -> StoreResult<Option<String>> {
        match user {
            Some(u) => match self.user(u).await {
                Ok(user) => Ok(Some(user.name)),
                Err(StoreError::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }
}
