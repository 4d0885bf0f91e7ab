//! Measures: their rows, where each sits (objective, map, unit), and who reports them.

use super::*;
use crate::domain::*;
use sqlx::AnyConnection;
use std::collections::HashMap;

fn measure_from(row: &AnyRow) -> StoreResult<Measure> {
    read_row! { row => Measure {
        parsed: id, objective_id, frequency, polarity, indicator, data_source, aggregation;
        parsed: missing_data;
        text: name, definition, unit, formula;
        small: decimals;
        opt_parsed: data_owner_id;
        opt_float: baseline;
        float: weight;
        json: scoring;
    } }
}

/// The measures of a map's objectives, in display order.
pub async fn measures_of(conn: &mut AnyConnection, map: MapId) -> StoreResult<Vec<Measure>> {
    select(
        "SELECT m.* FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE o.map_id = $1 \
         ORDER BY m.sort_order, m.name",
    )
    .bind(map)
    .all(conn, measure_from)
    .await
}

/// The scoring type as stored (JSON text).
fn scoring_text(m: &Measure) -> StoreResult<String> {
    serde_json::to_string(&m.scoring).map_err(|_| StoreError::Corrupt("scoring"))
}

/// The columns a measure's fields are kept in, in the order [`bind_measure`] binds them (`id`
/// first, then `objective_id`).
const MEASURE_COLUMNS: [&str; 17] = [
    "id",
    "objective_id",
    "name",
    "definition",
    "unit",
    "decimals",
    "frequency",
    "polarity",
    "indicator",
    "data_source",
    "data_owner_id",
    "baseline",
    "weight",
    "scoring",
    "aggregation",
    "formula",
    "missing_data",
];

/// Binds every field of `m` after `q`'s parameters, in [`MEASURE_COLUMNS`] order.
fn bind_measure<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    m: &'q Measure,
) -> StoreResult<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    Ok(q.bind(m.id.to_string())
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
        .bind(m.missing_data.as_str()))
}

/// Inserts an (already validated) measure row, after the objective's other measures.
pub(crate) async fn insert_measure(conn: &mut AnyConnection, m: &Measure) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO measures ({}, sort_order) VALUES ({}, \
         (SELECT COUNT(*) FROM measures WHERE objective_id = $2))",
        MEASURE_COLUMNS.join(", "),
        marks(1, MEASURE_COLUMNS.len())
    );
    bind_measure(sqlx::query(&sql), m)?
        .execute(&mut *conn)
        .await?;
    let map = select("SELECT map_id FROM objectives WHERE id = $1")
        .bind(m.objective_id)
        .one(&mut *conn, |r| parsed(r, "map_id"), "objective")
        .await?;
    super::entity_ids::claim(conn, m.id.0, map).await
}

/// Writes every field of an (already validated) measure over its row.
pub(crate) async fn update_measure(conn: &mut AnyConnection, m: &Measure) -> StoreResult<()> {
    let sets: Vec<String> = (MEASURE_COLUMNS.iter().enumerate().skip(1))
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    let sql = format!("UPDATE measures SET {} WHERE id = $1", sets.join(", "));
    bind_measure(sqlx::query(&sql), m)?.execute(conn).await?;
    Ok(())
}

/// Adds a measure to an objective.
pub async fn create_measure(
    conn: &mut AnyConnection,
    m: &Measure,
    actor: Option<UserId>,
) -> StoreResult<()> {
    validation::measure(m)?;
    objective_in(&mut *conn, m.objective_id).await?;
    insert_measure(&mut *conn, m).await?;
    audit(conn, actor, "create", "measure", m.id, &m.name).await
}

/// The map a measure belongs to (through its objective), read on `on`.
pub(crate) async fn map_of_measure<'c>(on: impl On<'c>, id: MeasureId) -> StoreResult<MapId> {
    select("SELECT o.map_id FROM measures m JOIN objectives o ON o.id = m.objective_id WHERE m.id = $1")
        .bind(id)
        .one(on, |r| parsed(r, "map_id"), "measure")
        .await
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
    /// The map's name and its unit's (for refusals).
    pub map_name: String,
    pub unit_name: String,
    /// The map is archived: its data is read-only.
    pub map_archived: bool,
}

/// A measure with the objective, map and org unit it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedMeasure {
    pub measure: Measure,
    pub map_id: MapId,
    pub org_unit_id: OrgUnitId,
    pub objective_title: String,
}

/// Measures with where each sits (see [`placed_from`]); a `WHERE` and an order follow.
const PLACED_MEASURES: &str =
    "SELECT m.*, o.map_id, o.title AS objective_title, p.org_unit_id FROM measures m \
     JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id";

/// A row of [`PLACED_MEASURES`].
fn placed_from(row: &AnyRow) -> StoreResult<PlacedMeasure> {
    Ok(PlacedMeasure {
        measure: measure_from(row)?,
        map_id: parsed(row, "map_id")?,
        org_unit_id: parsed(row, "org_unit_id")?,
        objective_title: text(row, "objective_title")?,
    })
}

/// The scope of each measure in `ids` (unknown ids are simply absent).
pub async fn measure_scopes(
    conn: &mut AnyConnection,
    ids: &[MeasureId],
) -> StoreResult<HashMap<MeasureId, MeasureScope>> {
    let scope = |r: &AnyRow| {
        let source: DataSource = parsed(r, "data_source")?;
        let scope = MeasureScope {
            name: text(r, "name")?,
            map_id: parsed(r, "map_id")?,
            org_unit_id: parsed(r, "org_unit_id")?,
            data_owner_id: opt_parsed(r, "data_owner_id")?,
            computed: source == DataSource::Formula,
            map_name: text(r, "map_name")?,
            unit_name: text(r, "unit_name")?,
            map_archived: parsed::<MapStatus>(r, "map_status")? == MapStatus::Archived,
        };
        Ok((parsed(r, "id")?, scope))
    };
    let mut out = HashMap::new();
    for chunk in ids.chunks(DATA_CHUNK) {
        let sql = in_list(
            "SELECT m.id, m.name, m.data_source, m.data_owner_id, o.map_id, p.org_unit_id, \
             p.name AS map_name, p.status AS map_status, u.name AS unit_name FROM measures m \
             JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id \
             JOIN org_units u ON u.id = p.org_unit_id WHERE m.id IN ({in})",
            chunk.len(),
        );
        out.extend(select(&sql).bind_all(chunk).all(&mut *conn, scope).await?);
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
        let order = "ORDER BY p.name, m.sort_order, m.name";
        match map {
            Some(map) => {
                let sql = format!("{PLACED_MEASURES} WHERE o.map_id = $1 {order}");
                let rows = select(&sql).bind(map);
                rows.all(&self.pool, placed_from).await
            }
            None => {
                let sql = format!("{PLACED_MEASURES} {order}");
                select(&sql).all(&self.pool, placed_from).await
            }
        }
    }

    /// One measure with where it sits.
    pub async fn placed_measure(&self, id: MeasureId) -> StoreResult<PlacedMeasure> {
        let sql = format!("{PLACED_MEASURES} WHERE m.id = $1");
        let row = select(&sql).bind(id);
        row.one(&self.pool, placed_from, "measure").await
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
        let owned = |r: &AnyRow| {
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
        };
        select(
            "SELECT m.id, m.name, m.frequency, o.map_id, p.name AS map_name,              (SELECT MAX(a.period) FROM actuals a WHERE a.measure_id = m.id AND a.period <= $2) AS latest              FROM measures m JOIN objectives o ON o.id = m.objective_id JOIN maps p ON p.id = o.map_id              WHERE m.data_owner_id = $1 AND m.data_source <> 'formula' AND p.status <> 'archived'              ORDER BY p.name, m.name",
        )
        .bind(owner)
        .bind(today)
        .all(&self.pool, owned)
        .await
    }

    /// Whether `user` is the data owner of a measure on `map`: what lets a person without an
    /// editing role enter that map's data. One small query, where the whole map was read before.
    pub async fn owns_data_on(&self, map: MapId, user: UserId) -> StoreResult<bool> {
        let owned = select(
            "SELECT m.id FROM measures m JOIN objectives o ON o.id = m.objective_id \
             WHERE o.map_id = $1 AND m.data_owner_id = $2 LIMIT 1",
        )
        .bind(map)
        .bind(user)
        .optional(&self.pool, |_| Ok(()))
        .await?;
        Ok(owned.is_some())
    }

    /// One measure.
    pub async fn measure(&self, id: MeasureId) -> StoreResult<Measure> {
        select("SELECT * FROM measures WHERE id = $1")
            .bind(id)
            .one(&self.pool, measure_from, "measure")
            .await
    }

    /// The map a measure belongs to (through its objective).
    pub async fn map_of_measure(&self, id: MeasureId) -> StoreResult<MapId> {
        map_of_measure(&self.pool, id).await
    }
}
