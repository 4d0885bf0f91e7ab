//! Measures, their targets and actuals, initiatives with milestones, and the scorecard read.

use super::*;
use crate::domain::scores::{Reading, ScoreData, ScoreModel};
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
        scoring: serde_json::from_str(&text(row, "scoring")?)
            .map_err(|_| StoreError::Corrupt("scoring"))?,
        aggregation: parsed(row, "aggregation")?,
        formula: text(row, "formula")?,
        missing_data: parsed(row, "missing_data")?,
    })
}

/// The measures of a map's objectives, in display order.
pub async fn measures_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Measure>> {
    let rows = sqlx::query(
        "SELECT m.* FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE o.map_id = $1 \
         ORDER BY m.sort_order, m.name",
    )
    .bind(map.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(measure_from).collect()
}

/// The scoring type as stored (JSON text).
fn scoring_text(m: &Measure) -> StoreResult<String> {
    serde_json::to_string(&m.scoring).map_err(|_| StoreError::Corrupt("scoring"))
}

/// Inserts an (already validated) measure row, after the objective's other measures.
pub(crate) async fn insert_measure(conn: &mut AnyConnection, m: &Measure) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO measures (id, objective_id, name, definition, unit, decimals, frequency, polarity, indicator, \
         data_source, data_owner_id, baseline, weight, scoring, aggregation, formula, missing_data, sort_order) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         (SELECT COUNT(*) FROM measures WHERE objective_id = $2))",
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
    .bind(scoring_text(m)?)
    .bind(m.aggregation.as_str())
    .bind(&m.formula)
    .bind(m.missing_data.as_str())
    .execute(&mut *conn)
    .await?;
    let map = sqlx::query("SELECT map_id FROM objectives WHERE id = $1")
        .bind(m.objective_id.to_string())
        .fetch_one(&mut *conn)
        .await?;
    super::entity_ids::claim(conn, m.id.0, parsed(&map, "map_id")?).await
}

/// Writes every field of an (already validated) measure over its row.
pub(crate) async fn update_measure(conn: &mut AnyConnection, m: &Measure) -> StoreResult<()> {
    sqlx::query(
        "UPDATE measures SET name = $2, definition = $3, unit = $4, decimals = $5, frequency = $6, polarity = $7, \
         indicator = $8, data_source = $9, data_owner_id = $10, baseline = $11, weight = $12, scoring = $13, \
         aggregation = $14, formula = $15, missing_data = $16 WHERE id = $1",
    )
    .bind(m.id.to_string())
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
    .bind(scoring_text(m)?)
    .bind(m.aggregation.as_str())
    .bind(&m.formula)
    .bind(m.missing_data.as_str())
    .execute(conn)
    .await?;
    Ok(())
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
    insert_measure(&mut *conn, m).await?;
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

/// Rows per multi-row statement when writing data (7 parameters a row stays far below the
/// parameter limits of both databases).
const DATA_CHUNK: usize = 200;

/// Where a measure lives and who looks after it: what the data path checks before writing.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureScope {
    pub name: String,
    pub map_id: MapId,
    pub org_unit_id: OrgUnitId,
    pub data_owner_id: Option<UserId>,
    /// A formula measure: its values are computed, never entered.
    pub computed: bool,
}

/// A measure with the objective, map and org unit it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedMeasure {
    pub measure: Measure,
    pub map_id: MapId,
    pub org_unit_id: OrgUnitId,
    pub objective_title: String,
}

/// The scope of each measure in `ids` (unknown ids are simply absent).
pub async fn measure_scopes(
    conn: &mut AnyConnection,
    ids: &[MeasureId],
) -> StoreResult<HashMap<MeasureId, MeasureScope>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(DATA_CHUNK) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT m.id, m.name, m.data_source, m.data_owner_id, o.map_id, p.org_unit_id FROM measures m \
             JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id WHERE m.id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id.to_string());
        }
        for r in q.fetch_all(&mut *conn).await? {
            let source: DataSource = parsed(&r, "data_source")?;
            out.insert(
                parsed(&r, "id")?,
                MeasureScope {
                    name: text(&r, "name")?,
                    map_id: parsed(&r, "map_id")?,
                    org_unit_id: parsed(&r, "org_unit_id")?,
                    data_owner_id: opt_parsed(&r, "data_owner_id")?,
                    computed: source == DataSource::Formula,
                },
            );
        }
    }
    Ok(out)
}

/// Commits a data batch in the caller's transaction: every row validated first (nothing is
/// written when one is bad), then actuals and targets upserted by measure and period, clears
/// deleted, and one audit row per measure touched. Returns what changed and on which maps.
pub async fn write_data(
    conn: &mut AnyConnection,
    batch: &DataBatch,
    actor: Option<UserId>,
) -> StoreResult<DataOutcome> {
    write_data_as(conn, batch, actor, "", &|_| {}).await
}

/// [`write_data`], telling `progress` how many actuals are written so far after each statement
/// (a large import shows a progress bar while its one transaction runs).
pub async fn write_data_reporting(
    conn: &mut AnyConnection,
    batch: &DataBatch,
    actor: Option<UserId>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> StoreResult<DataOutcome> {
    write_data_as(conn, batch, actor, "", progress).await
}

/// [`write_data`] with `via` ("API token “ERP feed” (id …)") leading each audit row's detail
/// for writers that are not a signed-in person, and with progress.
pub async fn write_data_as(
    conn: &mut AnyConnection,
    batch: &DataBatch,
    actor: Option<UserId>,
    via: &str,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> StoreResult<DataOutcome> {
    let ids = batch.measure_ids();
    let homes = measure_scopes(&mut *conn, &ids).await?;
    let home = |id: &MeasureId| homes.get(id).ok_or(StoreError::NotFound("measure"));
    for a in &batch.actuals {
        validation::actual(a)?;
        let h = home(&a.measure_id)?;
        if h.computed {
            return Err(ValidationError::ComputedMeasure(h.name.clone()).into());
        }
    }
    for t in &batch.targets {
        validation::target(t)?;
        home(&t.measure_id)?;
    }
    for c in batch.clear_actuals.iter().chain(&batch.clear_targets) {
        home(&c.measure_id)?;
    }
    upsert_actuals(&mut *conn, &batch.actuals, progress).await?;
    upsert_targets(&mut *conn, &batch.targets).await?;
    for (table, cells) in [
        ("actuals", &batch.clear_actuals),
        ("targets", &batch.clear_targets),
    ] {
        for c in cells {
            // `table` is one of the two names above, never input.
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE measure_id = $1 AND period = $2"
            ))
            .bind(c.measure_id.to_string())
            .bind(c.period.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    for id in &ids {
        let detail = match via {
            "" => audit_detail(batch, *id),
            via => format!("{via}: {}", audit_detail(batch, *id)),
        };
        audit(
            &mut *conn,
            actor,
            "data",
            "measure",
            &id.to_string(),
            &detail,
        )
        .await?;
    }
    let mut maps: Vec<MapId> = ids
        .iter()
        .filter_map(|id| homes.get(id))
        .map(|h| h.map_id)
        .collect();
    maps.sort();
    maps.dedup();
    Ok(DataOutcome {
        maps,
        actuals_written: batch.actuals.len(),
        targets_written: batch.targets.len(),
        cleared: batch.clear_actuals.len() + batch.clear_targets.len(),
    })
}

/// A short account of what a batch did to one measure, for the audit history.
fn audit_detail(batch: &DataBatch, id: MeasureId) -> String {
    const SHOWN: usize = 12;
    let mut parts: Vec<String> = Vec::new();
    parts.extend(
        batch
            .actuals
            .iter()
            .filter(|a| a.measure_id == id)
            .map(|a| format!("actual {} = {}", a.period, a.value)),
    );
    parts.extend(
        batch
            .targets
            .iter()
            .filter(|t| t.measure_id == id)
            .map(|t| format!("target {} = {} (red flag {})", t.period, t.goal, t.red_flag)),
    );
    parts.extend(
        batch
            .clear_actuals
            .iter()
            .filter(|c| c.measure_id == id)
            .map(|c| format!("actual {} cleared", c.period)),
    );
    parts.extend(
        batch
            .clear_targets
            .iter()
            .filter(|c| c.measure_id == id)
            .map(|c| format!("target {} cleared", c.period)),
    );
    let more = parts.len().saturating_sub(SHOWN);
    parts.truncate(SHOWN);
    if more > 0 {
        parts.push(format!("… and {more} more"));
    }
    parts.join("; ")
}

/// The rows with the last one of each (measure, period) kept: a batch naming a cell twice
/// means its later value (and one statement must not touch a row twice on PostgreSQL).
fn last_per_cell<T: Clone>(rows: &[T], cell: impl Fn(&T) -> MeasurePeriod) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<T> = rows
        .iter()
        .rev()
        .filter(|r| seen.insert(cell(r)))
        .cloned()
        .collect();
    out.reverse();
    out
}

/// Inserts or replaces actuals, many rows per statement, reporting the rows written so far.
async fn upsert_actuals(
    conn: &mut AnyConnection,
    rows: &[Actual],
    progress: &(dyn Fn(usize) + Send + Sync),
) -> StoreResult<()> {
    let rows = last_per_cell(rows, |a| MeasurePeriod {
        measure_id: a.measure_id,
        period: a.period,
    });
    let mut written = 0;
    for chunk in rows.chunks(DATA_CHUNK) {
        let sql = format!(
            "INSERT INTO actuals (measure_id, period, value, note, entered_by, entered_at, source) VALUES {} \
             ON CONFLICT (measure_id, period) DO UPDATE SET value = excluded.value, note = excluded.note, \
             entered_by = excluded.entered_by, entered_at = excluded.entered_at, source = excluded.source",
            value_tuples(chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for a in chunk {
            q = q
                .bind(a.measure_id.to_string())
                .bind(a.period.to_string())
                .bind(a.value)
                .bind(a.note.clone())
                .bind(a.entered_by.map(|u| u.to_string()))
                .bind(a.entered_at.clone())
                .bind(a.source.as_str());
        }
        q.execute(&mut *conn).await?;
        written += chunk.len();
        progress(written);
    }
    Ok(())
}

/// Inserts or replaces targets, many rows per statement.
async fn upsert_targets(conn: &mut AnyConnection, rows: &[Target]) -> StoreResult<()> {
    let rows = last_per_cell(rows, |t| MeasurePeriod {
        measure_id: t.measure_id,
        period: t.period,
    });
    for chunk in rows.chunks(DATA_CHUNK) {
        let sql = format!(
            "INSERT INTO targets (measure_id, period, goal, red_flag) VALUES {} \
             ON CONFLICT (measure_id, period) DO UPDATE SET goal = excluded.goal, red_flag = excluded.red_flag",
            value_tuples(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for t in chunk {
            q = q
                .bind(t.measure_id.to_string())
                .bind(t.period.to_string())
                .bind(t.goal)
                .bind(t.red_flag);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `($1, $2, …), ($k, …)` for `rows` rows of `width` parameters.
fn value_tuples(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
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

    /// Commits a data batch in its own transaction (see [`write_data`]).
    pub async fn write_data(
        &self,
        batch: &DataBatch,
        actor: Option<UserId>,
    ) -> StoreResult<DataOutcome> {
        self.write_data_as(batch, actor, "", &|_| {}).await
    }

    /// [`Store::write_data`] with progress (see [`write_data_reporting`]).
    pub async fn write_data_reporting(
        &self,
        batch: &DataBatch,
        actor: Option<UserId>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<DataOutcome> {
        self.write_data_as(batch, actor, "", progress).await
    }

    /// Commits a data batch in its own transaction, noting `via` in the audit history, with
    /// progress (see [`write_data_as`]).
    pub async fn write_data_as(
        &self,
        batch: &DataBatch,
        actor: Option<UserId>,
        via: &str,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<DataOutcome> {
        let mut tx = self.begin().await?;
        let outcome = write_data_as(&mut tx, batch, actor, via, progress).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Every measure with where it sits (objective, map, org unit), optionally only those of
    /// one map: the REST API's measure listing.
    pub async fn placed_measures(&self, map: Option<MapId>) -> StoreResult<Vec<PlacedMeasure>> {
        let sql =
            "SELECT m.*, o.map_id, o.title AS objective_title, p.org_unit_id FROM measures m \
                   JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id";
        let rows = match map {
            Some(map) => {
                sqlx::query(&format!(
                    "{sql} WHERE o.map_id = $1 ORDER BY p.name, m.sort_order, m.name"
                ))
                .bind(map.to_string())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("{sql} ORDER BY p.name, m.sort_order, m.name"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(PlacedMeasure {
                    measure: measure_from(r)?,
                    map_id: parsed(r, "map_id")?,
                    org_unit_id: parsed(r, "org_unit_id")?,
                    objective_title: text(r, "objective_title")?,
                })
            })
            .collect()
    }

    /// One measure with where it sits.
    pub async fn placed_measure(&self, id: MeasureId) -> StoreResult<PlacedMeasure> {
        let row = sqlx::query(
            "SELECT m.*, o.map_id, o.title AS objective_title, p.org_unit_id FROM measures m \
             JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id WHERE m.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("measure"))?;
        Ok(PlacedMeasure {
            measure: measure_from(&row)?,
            map_id: parsed(&row, "map_id")?,
            org_unit_id: parsed(&row, "org_unit_id")?,
            objective_title: text(&row, "objective_title")?,
        })
    }

    /// The stored actuals of the given cells (absent cells have none yet).
    pub async fn actuals_at(
        &self,
        cells: &[MeasurePeriod],
    ) -> StoreResult<HashMap<MeasurePeriod, Actual>> {
        let wanted: std::collections::HashSet<&MeasurePeriod> = cells.iter().collect();
        let mut ids: Vec<MeasureId> = cells.iter().map(|c| c.measure_id).collect();
        ids.sort();
        ids.dedup();
        let mut out = HashMap::new();
        for chunk in ids.chunks(DATA_CHUNK) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT * FROM actuals WHERE measure_id IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for r in q.fetch_all(&self.pool).await? {
                let a = actual_from(&r)?;
                let cell = MeasurePeriod {
                    measure_id: a.measure_id,
                    period: a.period,
                };
                if wanted.contains(&cell) {
                    out.insert(cell, a);
                }
            }
        }
        Ok(out)
    }

    /// The scope of each measure in `ids` (see [`measure_scopes`]).
    pub async fn measure_scopes(
        &self,
        ids: &[MeasureId],
    ) -> StoreResult<HashMap<MeasureId, MeasureScope>> {
        let mut conn = self.pool.acquire().await?;
        measure_scopes(&mut conn, ids).await
    }

    /// Every target and reading of a map's measures: what its scores are computed from.
    pub async fn score_data(&self, map: MapId) -> StoreResult<ScoreData> {
        let targets = sqlx::query(
            "SELECT t.* FROM targets t JOIN measures m ON m.id = t.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1",
        )
        .bind(map.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(target_from)
        .collect::<StoreResult<Vec<_>>>()?;
        let readings = sqlx::query(
            "SELECT a.measure_id, a.period, a.value FROM actuals a JOIN measures m ON m.id = a.measure_id \
             JOIN objectives o ON o.id = m.objective_id WHERE o.map_id = $1",
        )
        .bind(map.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Reading {
                measure_id: parsed(r, "measure_id")?,
                period: parsed(r, "period")?,
                value: float(r, "value")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(ScoreData { targets, readings })
    }

    /// A map's document and its score model as of `today`: everything a scorecard, a coloured
    /// map or a "why" view needs, read in one go.
    pub async fn score_model(
        &self,
        map: MapId,
        today: Period,
    ) -> StoreResult<(MapDocument, ScoreModel)> {
        let doc = self.map_document(map).await?;
        let data = self.score_data(map).await?;
        let model = ScoreModel::new(&doc, &data, today);
        Ok((doc, model))
    }

    /// The entered (not formula) measures of maps that are not archived whose data `owner`
    /// owns, each with its latest actual up to `today` and whether that is overdue.
    pub async fn owned_measures(
        &self,
        owner: UserId,
        today: Period,
    ) -> StoreResult<Vec<OwnedMeasure>> {
        let rows = sqlx::query(
            "SELECT m.id, m.name, m.frequency, o.map_id, p.name AS map_name,              (SELECT MAX(a.period) FROM actuals a WHERE a.measure_id = m.id AND a.period <= $2) AS latest              FROM measures m JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id              WHERE m.data_owner_id = $1 AND m.data_source <> 'formula' AND p.status <> 'archived'              ORDER BY p.name, m.name",
        )
        .bind(owner.to_string())
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let frequency: Frequency = parsed(r, "frequency")?;
                let latest: Option<Period> = opt_parsed(r, "latest")?;
                Ok(OwnedMeasure {
                    measure_id: parsed(r, "id")?,
                    name: text(r, "name")?,
                    frequency,
                    map_id: parsed(r, "map_id")?,
                    map_name: text(r, "map_name")?,
                    latest,
                    stale: crate::domain::scores::is_stale(frequency, latest, today),
                })
            })
            .collect()
    }

    /// The actuals of some measures over a span of months, with notes and provenance (the
    /// data-entry grid).
    pub async fn actuals_between(
        &self,
        map: MapId,
        from: Period,
        to: Period,
    ) -> StoreResult<Vec<Actual>> {
        let rows = sqlx::query(
            "SELECT a.* FROM actuals a JOIN measures m ON m.id = a.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1 AND a.period >= $2 AND a.period <= $3 ORDER BY a.period",
        )
        .bind(map.to_string())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(actual_from).collect()
    }

    /// The targets of a map's measures over a span of months (the target editor).
    pub async fn targets_between(
        &self,
        map: MapId,
        from: Period,
        to: Period,
    ) -> StoreResult<Vec<Target>> {
        let rows = sqlx::query(
            "SELECT t.* FROM targets t JOIN measures m ON m.id = t.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1 AND t.period >= $2 AND t.period <= $3 ORDER BY t.period",
        )
        .bind(map.to_string())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(target_from).collect()
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
}
