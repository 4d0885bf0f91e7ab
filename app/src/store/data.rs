//! Actuals and targets: the data path that writes them (validated, many rows a statement, an
//! audit row per measure) and the reads scores are computed from.

use super::*;
use crate::domain::scores::{Contribution, Reading, ScoreData, ScoreModel};
use crate::domain::*;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// How many levels of units below a map its contribution roll-ups reach.
pub const MAX_CASCADE_DEPTH: usize = 8;

fn actual_from(row: &AnyRow) -> StoreResult<Actual> {
    read_row! { row => Actual {
        parsed: measure_id, period, source;
        float: value;
        text: note, entered_at;
        opt_parsed: entered_by;
    } }
}

fn target_from(row: &AnyRow) -> StoreResult<Target> {
    read_row! { row => Target {
        parsed: measure_id, period;
        float: goal, red_flag;
    } }
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
    let before = targets_before(&mut *conn, &batch.targets).await?;
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
            "" => audit_detail(batch, *id, &before),
            via => format!("{via}: {}", audit_detail(batch, *id, &before)),
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
/// The goal and red flag each of `targets` replaces (absent where there was none), read
/// before they are written so the audit history can say "from … to …".
async fn targets_before(
    conn: &mut AnyConnection,
    targets: &[Target],
) -> StoreResult<HashMap<(MeasureId, Period), (f64, f64)>> {
    let mut out = HashMap::new();
    for chunk in targets.chunks(DATA_CHUNK) {
        let sql = in_list(
            "SELECT * FROM targets WHERE measure_id IN ({in})",
            chunk.len(),
        );
        let ids = chunk.iter().map(|t| t.measure_id);
        for t in select(&sql)
            .bind_all(ids)
            .all(&mut *conn, target_from)
            .await?
        {
            let wanted = chunk
                .iter()
                .any(|n| n.measure_id == t.measure_id && n.period == t.period);
            if wanted {
                out.insert((t.measure_id, t.period), (t.goal, t.red_flag));
            }
        }
    }
    Ok(out)
}

fn audit_detail(
    batch: &DataBatch,
    id: MeasureId,
    before: &HashMap<(MeasureId, Period), (f64, f64)>,
) -> String {
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
            .map(|t| {
                let was = match before.get(&(t.measure_id, t.period)) {
                    Some((goal, red)) => format!(" was {goal} (red flag {red})"),
                    None => String::new(),
                };
                format!(
                    "target {} = {} (red flag {}){was}",
                    t.period, t.goal, t.red_flag
                )
            }),
    );
    for (kind, cells) in [
        ("actual", &batch.clear_actuals),
        ("target", &batch.clear_targets),
    ] {
        let of_measure = cells.iter().filter(|c| c.measure_id == id);
        parts.extend(of_measure.map(|c| format!("{kind} {} cleared", c.period)));
    }
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
    let columns = ["value", "note", "entered_by", "entered_at", "source"];
    let cell = |a: &Actual| (a.measure_id, a.period);
    upsert_cells(conn, "actuals", &columns, rows, cell, bind_actual, progress).await
}

/// Binds an actual's key and [`upsert_actuals`]' columns.
fn bind_actual<'q>(q: Statement<'q>, a: &Actual) -> Statement<'q> {
    q.bind(a.measure_id)
        .bind(a.period)
        .bind_value(a.value)
        .bind(&a.note)
        .bind_value(a.entered_by.map(|u| u.to_string()))
        .bind(&a.entered_at)
        .bind(a.source.as_str())
}

/// Inserts or replaces targets, many rows per statement.
async fn upsert_targets(conn: &mut AnyConnection, rows: &[Target]) -> StoreResult<()> {
    let cell = |t: &Target| (t.measure_id, t.period);
    let columns = ["goal", "red_flag"];
    upsert_cells(conn, "targets", &columns, rows, cell, bind_target, &|_| {}).await
}

/// Binds a target's key and [`upsert_targets`]' columns.
fn bind_target<'q>(q: Statement<'q>, t: &Target) -> Statement<'q> {
    let q = q.bind(t.measure_id).bind(t.period);
    q.bind_value(t.goal).bind_value(t.red_flag)
}

/// Inserts or replaces rows of `table` (actuals or targets), keyed by measure and period, with
/// `columns` after the key, many rows per statement: `bind` binds a row's key and columns in
/// that order. Reports the rows written so far after each statement.
async fn upsert_cells<T: Clone>(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[T],
    cell: impl Fn(&T) -> (MeasureId, Period),
    bind: impl for<'q> Fn(Statement<'q>, &T) -> Statement<'q>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> StoreResult<()> {
    let rows = last_per_cell(rows, |r| {
        let (measure_id, period) = cell(r);
        MeasurePeriod { measure_id, period }
    });
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(DATA_CHUNK) {
        // `table` and `columns` come from the two callers above, never input.
        let sql = format!(
            "INSERT INTO {table} (measure_id, period, {}) VALUES {} \
             ON CONFLICT (measure_id, period) DO UPDATE SET {}",
            columns.join(", "),
            value_tuples(chunk.len(), columns.len() + 2),
            updates.join(", ")
        );
        let statement = chunk.iter().fold(change(&sql), &bind);
        statement.run(&mut *conn).await?;
        written += chunk.len();
        progress(written);
    }
    Ok(())
}

/// The rows of `table` (actuals or targets) of a map's measures for the months `span` holds
/// (first and last included), by period.
async fn cells_between<T>(
    store: &Store,
    table: &str,
    map: MapId,
    (from, to): (Period, Period),
    read: impl Read<T>,
) -> StoreResult<Vec<T>> {
    // `table` is "actuals" or "targets" from the callers above, never input.
    let sql = format!(
        "SELECT c.* FROM {table} c JOIN measures m ON m.id = c.measure_id \
         JOIN objectives o ON o.id = m.objective_id \
         WHERE o.map_id = $1 AND c.period >= $2 AND c.period <= $3 ORDER BY c.period"
    );
    let rows = select(&sql).bind(map).bind(from).bind(to);
    rows.all(&store.pool, read).await
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
            let sql = in_list(
                "SELECT * FROM actuals WHERE measure_id IN ({in})",
                chunk.len(),
            );
            for a in select(&sql)
                .bind_all(chunk)
                .all(&self.pool, actual_from)
                .await?
            {
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

    /// Every target and reading of a map's measures, and the scores of the unit objectives
    /// aligned to its objectives: what its scores are computed from.
    pub async fn score_data(&self, map: MapId) -> StoreResult<ScoreData> {
        let mut data = self.own_score_data(map).await?;
        data.contributions = self.contributions_to(map, 0).await?;
        Ok(data)
    }

    /// The objectives of active unit maps aligned to `map`'s objectives, each with its scores for every span
    /// of its own map's data, as that map shows them (its own contribution roll-ups included,
    /// down to [`MAX_CASCADE_DEPTH`] levels; units form a tree, so the cascade ends anyway).
    fn contributions_to(
        &self,
        map: MapId,
        depth: usize,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = StoreResult<Vec<Contribution>>> + Send + '_>,
    > {
        Box::pin(async move {
            if depth >= MAX_CASCADE_DEPTH {
                return Ok(Vec::new());
            }
            let supporters = {
                let mut conn = self.pool.acquire().await?;
                supporters_of(&mut conn, map).await?
            };
            let mut maps: Vec<MapId> = supporters.iter().map(|s| s.map_id).collect();
            maps.sort_unstable();
            maps.dedup();
            let today = super::current_period();
            let mut out = Vec::new();
            for child in maps {
                let doc = self.map_document(child).await?;
                // A draft (or archived) unit map does not move the map above it.
                if doc.map.status != MapStatus::Active {
                    continue;
                }
                let mut data = self.own_score_data(child).await?;
                data.contributions = self.contributions_to(child, depth + 1).await?;
                let model = ScoreModel::new(&doc, &data, today);
                let scored: Vec<_> = model.spans().into_iter().map(|s| model.span(s)).collect();
                for s in supporters.iter().filter(|s| s.map_id == child) {
                    let weight = doc
                        .objectives
                        .iter()
                        .find(|o| o.id == s.objective_id)
                        .map_or(1.0, |o| o.weight);
                    out.push(Contribution {
                        parent_objective_id: s.parent_objective_id,
                        unit_name: s.unit_name.clone(),
                        map_id: child,
                        objective_id: s.objective_id,
                        title: s.objective_title.clone(),
                        weight,
                        scores: scored
                            .iter()
                            .map(|ms| (ms.span, ms.objective(s.objective_id)))
                            .filter(|(_, score)| score.value.is_some())
                            .collect(),
                    });
                }
            }
            Ok(out)
        })
    }

    /// Every target and reading of a map's own measures.
    async fn own_score_data(&self, map: MapId) -> StoreResult<ScoreData> {
        let reading = |r: &AnyRow| {
            Ok(Reading {
                measure_id: parsed(r, "measure_id")?,
                period: parsed(r, "period")?,
                value: float(r, "value")?,
            })
        };
        let targets = select(
            "SELECT t.* FROM targets t JOIN measures m ON m.id = t.measure_id JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1",
        )
        .bind(map)
        .all(&self.pool, target_from)
        .await?;
        let readings = select(
            "SELECT a.measure_id, a.period, a.value FROM actuals a JOIN measures m ON m.id = a.measure_id \
             JOIN objectives o ON o.id = m.objective_id WHERE o.map_id = $1",
        )
        .bind(map)
        .all(&self.pool, reading)
        .await?;
        Ok(ScoreData {
            targets,
            readings,
            contributions: Vec::new(),
        })
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

    /// The actuals of a map's measures over a span of months, with notes and provenance (the
    /// data-entry grid).
    pub async fn actuals_between(
        &self,
        map: MapId,
        from: Period,
        to: Period,
    ) -> StoreResult<Vec<Actual>> {
        cells_between(self, "actuals", map, (from, to), actual_from).await
    }

    /// The targets of a map's measures over a span of months (the target editor).
    pub async fn targets_between(
        &self,
        map: MapId,
        from: Period,
        to: Period,
    ) -> StoreResult<Vec<Target>> {
        cells_between(self, "targets", map, (from, to), target_from).await
    }

    /// Records one actual in its own transaction.
    pub async fn record_actual(&self, a: &Actual) -> StoreResult<()> {
        self.write(async |tx| record_actual(tx, a).await).await
    }

    /// Every actual of a measure, oldest first.
    pub async fn actuals(&self, id: MeasureId) -> StoreResult<Vec<Actual>> {
        select("SELECT * FROM actuals WHERE measure_id = $1 ORDER BY period")
            .bind(id)
            .all(&self.pool, actual_from)
            .await
    }
}
