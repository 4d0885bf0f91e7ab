//! Measures: their rows, where each sits (objective, map, unit), and who reports them.

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

/// Adds a measure to an objective.
pub async fn create_measure(
    conn: &mut AnyConnection,
    m: &Measure,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::measure(m)?;
    if find_objective(&mut *conn, m.objective_id).await?.is_none() {
        return Err(StoreError::NotFound("objective"));
    }
    insert_measure(&mut *conn, m).await?;
    audit(conn, actor, "create", "measure", m.id, &m.name).await
}

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

impl Store {
    /// Adds a measure in its own transaction.
    pub async fn create_measure(&self, m: &Measure, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_measure(tx, m, actor).await)
            .await
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

    /// The scope of each measure in `ids` (see [`measure_scopes`]).
    pub async fn measure_scopes(
        &self,
        ids: &[MeasureId],
    ) -> StoreResult<HashMap<MeasureId, MeasureScope>> {
        let mut conn = self.pool.acquire().await?;
        measure_scopes(&mut conn, ids).await
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
}
