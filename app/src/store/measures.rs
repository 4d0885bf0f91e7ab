//! Measures, their targets and actuals, initiatives with milestones, and the scorecard read.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;
use std::collections::HashMap;

fn measure_from(row: &AnyRow) -> StoreResult<Measure> {
    Ok(Measure {
        id: parsed(row, "id")?,
        objective_id: parsed(row, "objective_id")?,
        name: text(row, "name")?,
        definition: text(row, "definition")?,
        unit: text(row, "unit")?,
        decimals: u8::try_from(int(row, "decimals")?)
            .map_err(|_| StoreError::Corrupt("decimals"))?,
        frequency: parsed(row, "frequency")?,
        polarity: parsed(row, "polarity")?,
        indicator: parsed(row, "indicator")?,
        data_source: parsed(row, "data_source")?,
        data_owner_id: opt_parsed(row, "data_owner_id")?,
        baseline: opt_float(row, "baseline")?,
        weight: float(row, "weight")?,
    })
}

fn actual_from(row: &AnyRow) -> StoreResult<Actual> {
    Ok(Actual {
        measure_id: parsed(row, "measure_id")?,
        period: parsed(row, "period")?,
        value: float(row, "value")?,
        note: text(row, "note")?,
        entered_by: opt_parsed(row, "entered_by")?,
        entered_at: text(row, "entered_at")?,
        source: parsed(row, "source")?,
    })
}

fn target_from(row: &AnyRow) -> StoreResult<Target> {
    Ok(Target {
        measure_id: parsed(row, "measure_id")?,
        period: parsed(row, "period")?,
        goal: float(row, "goal")?,
        red_flag: float(row, "red_flag")?,
    })
}

/// Adds a measure to an objective.
pub async fn create_measure(
    conn: &mut AnyConnection,
    m: &Measure,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::measure(m)?;
    if super::maps::find_objective(&mut *conn, m.objective_id)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound("objective"));
    }
    sqlx::query(
        "INSERT INTO measures (id, objective_id, name, definition, unit, decimals, frequency, polarity, indicator, \
         data_source, data_owner_id, baseline, weight) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(m.id.to_string())
    .bind(m.objective_id.to_string())
    .bind(m.name.trim())
    .bind(&m.definition)
    .bind(&m.unit)
    .bind(i64::from(m.decimals))
    .bind(m.frequency.as_str())
    .bind(m.polarity.as_str())
    .bind(m.indicator.as_str())
    .bind(m.data_source.as_str())
    .bind(m.data_owner_id.map(|u| u.to_string()))
    .bind(m.baseline)
    .bind(m.weight)
    .execute(&mut *conn)
    .await?;
    audit(conn, actor, "create", "measure", &m.id.to_string(), &m.name).await
}

/// Sets (inserts or replaces) the target of a measure for one period.
pub async fn set_target(conn: &mut AnyConnection, t: &Target) -> StoreResult<()> {
    validation::target(t)?;
    sqlx::query("DELETE FROM targets WHERE measure_id = $1 AND period = $2")
        .bind(t.measure_id.to_string())
        .bind(t.period.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO targets (measure_id, period, goal, red_flag) VALUES ($1, $2, $3, $4)")
        .bind(t.measure_id.to_string())
        .bind(t.period.to_string())
        .bind(t.goal)
        .bind(t.red_flag)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records (inserts or replaces) the actual of a measure for one period.
pub async fn record_actual(conn: &mut AnyConnection, a: &Actual) -> StoreResult<()> {
    validation::actual(a)?;
    let known = sqlx::query("SELECT id FROM measures WHERE id = $1")
        .bind(a.measure_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if known.is_none() {
        return Err(StoreError::NotFound("measure"));
    }
    sqlx::query("DELETE FROM actuals WHERE measure_id = $1 AND period = $2")
        .bind(a.measure_id.to_string())
        .bind(a.period.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO actuals (measure_id, period, value, note, entered_by, entered_at, source) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(a.measure_id.to_string())
    .bind(a.period.to_string())
    .bind(a.value)
    .bind(&a.note)
    .bind(a.entered_by.map(|u| u.to_string()))
    .bind(&a.entered_at)
    .bind(a.source.as_str())
    .execute(&mut *conn)
    .await?;
    audit(
        conn,
        a.entered_by,
        "record",
        "actual",
        &a.measure_id.to_string(),
        &format!("{} = {}", a.period, a.value),
    )
    .await
}

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
        if super::maps::find_objective(&mut *conn, *o).await?.is_none() {
            return Err(StoreError::NotFound("objective"));
        }
        sqlx::query(
            "INSERT INTO initiative_objectives (initiative_id, objective_id) VALUES ($1, $2)",
        )
        .bind(i.id.to_string())
        .bind(o.to_string())
        .execute(&mut *conn)
        .await?;
    }
    audit(
        conn,
        actor,
        "create",
        "initiative",
        &i.id.to_string(),
        &i.name,
    )
    .await
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

impl Store {
    /// Adds a measure in its own transaction.
    pub async fn create_measure(&self, m: &Measure, actor: Option<UserId>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        create_measure(&mut tx, m, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records one actual in its own transaction.
    pub async fn record_actual(&self, a: &Actual) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        record_actual(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One measure.
    pub async fn measure(&self, id: MeasureId) -> StoreResult<Measure> {
        let row = sqlx::query("SELECT * FROM measures WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("measure"))?;
        measure_from(&row)
    }

    /// The map a measure belongs to (through its objective).
    pub async fn map_of_measure(&self, id: MeasureId) -> StoreResult<MapId> {
        let row = sqlx::query("SELECT o.map_id FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE m.id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("measure"))?;
        parsed(&row, "map_id")
    }

    /// Every actual of a measure, oldest first.
    pub async fn actuals(&self, id: MeasureId) -> StoreResult<Vec<Actual>> {
        let rows = sqlx::query("SELECT * FROM actuals WHERE measure_id = $1 ORDER BY period")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(actual_from).collect()
    }

    /// Every initiative of an org unit.
    pub async fn initiatives_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Initiative>> {
        let rows = sqlx::query("SELECT * FROM initiatives WHERE org_unit_id = $1 ORDER BY name")
            .bind(unit.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: InitiativeId = parsed(r, "id")?;
            let links = sqlx::query(
                "SELECT objective_id FROM initiative_objectives WHERE initiative_id = $1",
            )
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
            out.push(Initiative {
                id,
                org_unit_id: parsed(r, "org_unit_id")?,
                name: text(r, "name")?,
                description: text(r, "description")?,
                owner_id: opt_parsed(r, "owner_id")?,
                start_date: parsed(r, "start_date")?,
                end_date: parsed(r, "end_date")?,
                budget: float(r, "budget")?,
                spend: float(r, "spend")?,
                status: parsed(r, "status")?,
                percent_complete: u8::try_from(int(r, "percent_complete")?)
                    .map_err(|_| StoreError::Corrupt("percent_complete"))?,
                objective_ids: links
                    .iter()
                    .map(|l| parsed(l, "objective_id"))
                    .collect::<StoreResult<_>>()?,
            });
        }
        Ok(out)
    }

    /// The scorecard of a map: perspective → objective → measure, each measure with its latest
    /// actual and the target of that period (or the latest target when that period has none).
    pub async fn scorecard(&self, id: MapId) -> StoreResult<Scorecard> {
        let doc = self.map_document(id).await?;
        let measure_rows = sqlx::query(
            "SELECT m.* FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE o.map_id = $1 ORDER BY m.sort_order, m.name",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let measures = measure_rows
            .iter()
            .map(measure_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let latest_rows = sqlx::query(
            "SELECT a.* FROM actuals a JOIN measures m ON m.id = a.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1 AND a.period = (SELECT MAX(a2.period) FROM actuals a2 WHERE a2.measure_id = a.measure_id)",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut latest: HashMap<MeasureId, Actual> = HashMap::new();
        for r in &latest_rows {
            let a = actual_from(r)?;
            latest.insert(a.measure_id, a);
        }
        let target_rows = sqlx::query(
            "SELECT t.* FROM targets t JOIN measures m ON m.id = t.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1 ORDER BY t.period",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut targets: HashMap<MeasureId, Vec<Target>> = HashMap::new();
        for r in &target_rows {
            let t = target_from(r)?;
            targets.entry(t.measure_id).or_default().push(t);
        }
        let name_of = |u: Option<UserId>| {
            u.and_then(|u| doc.people.iter().find(|p| p.id == u))
                .map(|p| p.name.clone())
        };
        let perspectives = doc
            .perspectives
            .iter()
            .map(|p| ScorecardPerspective {
                perspective: p.clone(),
                objectives: doc
                    .objectives
                    .iter()
                    .filter(|o| o.perspective_id == p.id)
                    .map(|o| ScorecardObjective {
                        objective: o.clone(),
                        owner_name: name_of(o.owner_id),
                        measures: measures
                            .iter()
                            .filter(|m| m.objective_id == o.id)
                            .map(|m| {
                                let latest = latest.get(&m.id).cloned();
                                let ts = targets.get(&m.id).map(Vec::as_slice).unwrap_or_default();
                                let target = latest
                                    .as_ref()
                                    .and_then(|a| ts.iter().find(|t| t.period == a.period))
                                    .or_else(|| ts.last())
                                    .cloned();
                                ScorecardMeasureRow {
                                    measure: m.clone(),
                                    latest,
                                    target,
                                    owner_name: name_of(m.data_owner_id),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Scorecard {
            map: doc.map,
            org_unit: doc.org_unit,
            perspectives,
        })
    }
}
