//! Actuals and targets: the data path that writes them (validated, many rows a statement, an
//! audit row per measure) and the reads scores are computed from.

use super::*;
use crate::domain::scores::{Reading, ScoreData, ScoreModel};
use crate::domain::*;
use sqlx::AnyConnection;
use std::collections::HashMap;

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

/// Sets (inserts or replaces) the target of a measure for one period: a batch of one through
/// [`write_data`], the one path that writes targets.
pub async fn set_target(conn: &mut AnyConnection, t: &Target) -> StoreResult<()> {
    let batch = DataBatch {
        targets: vec![t.clone()],
        ..DataBatch::default()
    };
    write_data(conn, &batch, None).await.map(|_| ())
}

/// Records (inserts or replaces) the actual of a measure for one period, by whoever it names as
/// having entered it: a batch of one through [`write_data`], the one path that writes actuals.
pub async fn record_actual(conn: &mut AnyConnection, a: &Actual) -> StoreResult<()> {
    let batch = DataBatch {
        actuals: vec![a.clone()],
        ..DataBatch::default()
    };
    write_data(conn, &batch, a.entered_by).await.map(|_| ())
}

/// Rows per multi-row statement when writing data (7 parameters a row stays far below the
/// parameter limits of both databases).
pub(crate) const DATA_CHUNK: usize = 200;

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
        audit(&mut *conn, actor, "data", "measure", id, &detail).await?;
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

impl Store {
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
        self.write(async |tx| write_data_as(tx, batch, actor, via, progress).await)
            .await
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
        self.write(async |tx| record_actual(tx, a).await).await
    }

    /// Every actual of a measure, oldest first.
    pub async fn actuals(&self, id: MeasureId) -> StoreResult<Vec<Actual>> {
        let rows = sqlx::query("SELECT * FROM actuals WHERE measure_id = $1 ORDER BY period")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(actual_from).collect()
    }
}
