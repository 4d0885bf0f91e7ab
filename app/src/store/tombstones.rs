//! What a deleted objective takes with it, kept so that undo brings it back exactly.
//!
//! Deleting an objective removes, by `ON DELETE CASCADE`, rows of other tables that reference
//! it. Undo re-creates the objective with its id, its measures and links from the ops it sends
//! (`ops::inverse`), but those ops do not carry everything: an initiative's link to the
//! objective, alignments in both directions (also those of another unit's map), the order of
//! its measures. So the commit path, in the transaction that deletes an objective, captures
//! those rows in `objective_tombstones` ([`capture`]), and when an objective is created with an
//! id that has a tombstone it restores them ([`restore`], [`restore_columns`]).
//!
//! [`DEPENDENTS`] is the one list of such tables: a table added later that references objectives
//! goes there (a store test checks the schema's foreign keys against it).

use super::*;
use crate::domain::*;
use serde_json::{Map, Value};
use sqlx::AnyConnection;

/// A captured column and how it is read and written.
#[derive(Clone, Copy, Debug)]
pub enum Column {
    Text(&'static str),
    Int(&'static str),
}

impl Column {
    /// The column's name.
    pub fn name(self) -> &'static str {
        match self {
            Column::Text(n) | Column::Int(n) => n,
        }
    }

    fn read(self, row: &AnyRow) -> StoreResult<Value> {
        Ok(match self {
            Column::Text(n) => opt_text(row, n)?.map_or(Value::Null, Value::String),
            Column::Int(n) => row
                .try_get::<Option<i64>, _>(n)?
                .map_or(Value::Null, Value::from),
        })
    }

    fn bind<'q>(
        self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        data: &Map<String, Value>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let value = data.get(self.name()).unwrap_or(&Value::Null);
        match self {
            Column::Text(_) => q.bind(value.as_str().map(str::to_string)),
            Column::Int(_) => q.bind(value.as_i64()),
        }
    }
}

/// How a captured row comes back when its objective is created again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Return {
    /// Inserted again once every objective it names exists; while another one it names is
    /// still deleted it waits in that objective's tombstone; a row whose other references are
    /// gone for good is dropped.
    Row,
    /// The row is re-created by an op of the undo (a measure's `Create`); the captured columns,
    /// which the op does not carry, are written over it.
    Columns,
}

/// A table whose rows go with a deleted objective and must come back with it.
#[derive(Debug)]
pub struct Dependent {
    pub table: &'static str,
    /// The columns that identify a row.
    pub key: &'static [Column],
    /// The other captured columns.
    pub columns: &'static [Column],
    /// The columns naming objectives: a row goes when the objective one of them names is deleted.
    pub objectives: &'static [&'static str],
    /// Other columns referencing rows (column, table with an `id` key) that may be gone for
    /// good when the objective comes back.
    pub references: &'static [(&'static str, &'static str)],
    pub comes_back: Return,
}

/// Every table whose rows a deleted objective takes with it (by `ON DELETE CASCADE`) and that
/// the undo ops do not carry in full. Links are not here: the undo ops carry them whole.
pub const DEPENDENTS: &[Dependent] = &[
    Dependent {
        table: "initiative_objectives",
        key: &[Column::Text("initiative_id"), Column::Text("objective_id")],
        columns: &[],
        objectives: &["objective_id"],
        references: &[("initiative_id", "initiatives")],
        comes_back: Return::Row,
    },
    Dependent {
        table: "alignments",
        key: &[Column::Text("id")],
        columns: &[
            Column::Text("unit_objective_id"),
            Column::Text("parent_objective_id"),
            Column::Text("note"),
        ],
        objectives: &["unit_objective_id", "parent_objective_id"],
        references: &[],
        comes_back: Return::Row,
    },
    Dependent {
        table: "measures",
        key: &[Column::Text("id")],
        columns: &[Column::Int("sort_order")],
        objectives: &["objective_id"],
        references: &[],
        comes_back: Return::Columns,
    },
];

fn dependent(table: &str) -> Option<&'static Dependent> {
    DEPENDENTS.iter().find(|d| d.table == table)
}

/// The key and the captured columns of a row of `d`.
fn all_columns(d: &Dependent) -> impl Iterator<Item = Column> + '_ {
    d.key.iter().chain(d.columns).copied()
}

fn row_key(d: &Dependent, data: &Map<String, Value>) -> String {
    d.key
        .iter()
        .map(|c| match data.get(c.name()) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key and captured columns of a row of `d`, as kept in a tombstone.
fn captured(d: &Dependent, row: &AnyRow) -> StoreResult<Map<String, Value>> {
    all_columns(d)
        .map(|c| Ok((c.name().to_string(), c.read(row)?)))
        .collect()
}

/// A tombstone's `row_data`: the captured columns of one row.
fn row_data(row: &AnyRow) -> StoreResult<Map<String, Value>> {
    match serde_json::from_str(&text(row, "row_data")?) {
        Ok(Value::Object(data)) => Ok(data),
        _ => Err(StoreError::Corrupt("row_data")),
    }
}

/// `column = $n` for each of `columns`, numbered from `first`, joined by `separator`.
fn assignments(columns: &[Column], first: usize, separator: &str) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = ${}", c.name(), first + i))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Keeps every row that deleting objective `id` is about to take with it, inside the caller's
/// transaction (just before the delete). A row kept before is kept again as it is now.
pub(crate) async fn capture(conn: &mut AnyConnection, id: ObjectiveId) -> StoreResult<()> {
    for d in DEPENDENTS {
        let names: Vec<&str> = all_columns(d).map(Column::name).collect();
        let naming: Vec<String> = d.objectives.iter().map(|c| format!("{c} = $1")).collect();
        // Table and column names come from `DEPENDENTS`, never from input.
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            names.join(", "),
            d.table,
            naming.join(" OR ")
        );
        let rows = select(&sql).bind(id).all(&mut *conn, |r| captured(d, r));
        for data in rows.await? {
            keep(&mut *conn, id, d, &data).await?;
        }
    }
    Ok(())
}

/// Keeps what the undo of deleting one row of `table` (a measure on its own) will not carry, in
/// the tombstone of the objective the row belongs to, inside the caller's transaction (just
/// before the delete). Nothing for a table whose rows come back whole.
pub(crate) async fn capture_own(
    conn: &mut AnyConnection,
    table: &str,
    id: uuid::Uuid,
) -> StoreResult<()> {
    let Some(d) = dependent(table).filter(|d| d.comes_back == Return::Columns) else {
        return Ok(());
    };
    let (Some(owner), [key]) = (d.objectives.first(), d.key) else {
        return Ok(());
    };
    let names: Vec<&str> = all_columns(d).map(Column::name).collect();
    // Names come from `DEPENDENTS`, never from input.
    let sql = format!(
        "SELECT {owner}, {} FROM {} WHERE {} = $1",
        names.join(", "),
        d.table,
        key.name()
    );
    let read = |r: &AnyRow| Ok((parsed::<ObjectiveId>(r, owner)?, captured(d, r)?));
    let row = select(&sql).bind(id).optional(&mut *conn, read).await?;
    if let Some((objective, data)) = row {
        keep(conn, objective, d, &data).await?;
    }
    Ok(())
}

/// Stores one captured row in objective `id`'s tombstone (over an older copy of it).
async fn keep(
    conn: &mut AnyConnection,
    id: ObjectiveId,
    d: &Dependent,
    data: &Map<String, Value>,
) -> StoreResult<()> {
    let text = Value::Object(data.clone()).to_string();
    sqlx::query(
        "INSERT INTO objective_tombstones (objective_id, dependent, row_key, row_data) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (objective_id, dependent, row_key) DO UPDATE SET row_data = excluded.row_data",
    )
    .bind(id.to_string())
    .bind(d.table)
    .bind(row_key(d, data))
    .bind(text)
    .execute(conn)
    .await?;
    Ok(())
}

/// One captured row, read back.
struct Kept {
    dependent: &'static Dependent,
    key: String,
    data: Map<String, Value>,
}

/// The rows kept in objective `id`'s tombstone that come back as `comes_back`.
async fn kept(
    conn: &mut AnyConnection,
    id: ObjectiveId,
    comes_back: Return,
) -> StoreResult<Vec<Kept>> {
    let rows = sqlx::query(
        "SELECT dependent, row_key, row_data FROM objective_tombstones WHERE objective_id = $1 \
         ORDER BY dependent, row_key",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let Some(d) = dependent(&text(row, "dependent")?) else {
            // A table no longer listed: nothing can restore it.
            continue;
        };
        if d.comes_back != comes_back {
            continue;
        }
        out.push(Kept {
            dependent: d,
            key: text(row, "row_key")?,
            data: row_data(row)?,
        });
    }
    Ok(out)
}

async fn forget(conn: &mut AnyConnection, id: ObjectiveId, k: &Kept) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM objective_tombstones WHERE objective_id = $1 AND dependent = $2 AND row_key = $3",
    )
    .bind(id.to_string())
    .bind(k.dependent.table)
    .bind(&k.key)
    .execute(conn)
    .await?;
    Ok(())
}

async fn exists(conn: &mut AnyConnection, table: &str, id: &str) -> StoreResult<bool> {
    // `table` comes from `DEPENDENTS` or is "objectives", never from input.
    let sql = format!("SELECT 1 AS found FROM {table} WHERE id = $1");
    let row = select(&sql).bind(id).optional(conn, |_| Ok(())).await?;
    Ok(row.is_some())
}

/// Where a kept row goes when its objective comes back.
enum Fate {
    Insert,
    /// Another objective it names is deleted: it waits in that one's tombstone.
    Wait(ObjectiveId),
    /// Something it references is gone for good.
    Drop,
}

async fn fate(conn: &mut AnyConnection, id: ObjectiveId, k: &Kept) -> StoreResult<Fate> {
    for column in k.dependent.objectives {
        let Some(other) = k.data.get(*column).and_then(Value::as_str) else {
            return Ok(Fate::Drop);
        };
        if other != id.to_string() && !exists(&mut *conn, "objectives", other).await? {
            return Ok(match other.parse() {
                Ok(other) => Fate::Wait(other),
                Err(_) => Fate::Drop,
            });
        }
    }
    for (column, table) in k.dependent.references {
        let Some(other) = k.data.get(*column).and_then(Value::as_str) else {
            return Ok(Fate::Drop);
        };
        if !exists(&mut *conn, table, other).await? {
            return Ok(Fate::Drop);
        }
    }
    Ok(Fate::Insert)
}

/// Brings back what objective `id` took with it when it was deleted, now that it was created
/// again with that id (undo), inside the caller's transaction. The tombstone is used up.
pub(crate) async fn restore(conn: &mut AnyConnection, id: ObjectiveId) -> StoreResult<()> {
    for k in kept(&mut *conn, id, Return::Row).await? {
        match fate(&mut *conn, id, &k).await? {
            Fate::Insert => insert(&mut *conn, &k).await?,
            Fate::Wait(other) => keep(&mut *conn, other, k.dependent, &k.data).await?,
            Fate::Drop => {}
        }
        forget(&mut *conn, id, &k).await?;
    }
    Ok(())
}

async fn insert(conn: &mut AnyConnection, k: &Kept) -> StoreResult<()> {
    let d = k.dependent;
    let names: Vec<&str> = all_columns(d).map(Column::name).collect();
    // Someone may have made the same row again meanwhile (an alignment of the same pair):
    // theirs stays.
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING",
        d.table,
        names.join(", "),
        marks(1, names.len())
    );
    let mut q = sqlx::query(&sql);
    for c in all_columns(d) {
        q = c.bind(q, &k.data);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Writes the kept columns over a row of `table` that an op just re-created (a measure of
/// objective `objective`, as undo sends them), and uses them up.
pub(crate) async fn restore_columns(
    conn: &mut AnyConnection,
    objective: ObjectiveId,
    table: &str,
    key: &str,
) -> StoreResult<()> {
    let Some(k) = kept(&mut *conn, objective, Return::Columns)
        .await?
        .into_iter()
        .find(|k| k.dependent.table == table && k.key == key)
    else {
        return Ok(());
    };
    let d = k.dependent;
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        d.table,
        assignments(d.columns, 1, ", "),
        assignments(d.key, d.columns.len() + 1, " AND ")
    );
    let mut q = sqlx::query(&sql);
    for c in d.columns.iter().chain(d.key) {
        q = c.bind(q, &k.data);
    }
    q.execute(&mut *conn).await?;
    forget(conn, objective, &k).await
}

/// The alignments of a map's deleted objectives (as the unit side), as the map document shows
/// them (`MapDocument::deleted_alignments`): those whose parent objective still exists.
pub(crate) async fn deleted_alignments(
    conn: &mut AnyConnection,
    map: MapId,
) -> StoreResult<Vec<AlignmentView>> {
    let kept = |r: &AnyRow| Ok((parsed::<ObjectiveId>(r, "objective_id")?, row_data(r)?));
    let rows = select(
        "SELECT t.objective_id, t.row_data FROM objective_tombstones t \
         JOIN map_entity_ids e ON e.id = t.objective_id \
         WHERE t.dependent = 'alignments' AND e.map_id = $1 ORDER BY t.row_key",
    )
    .bind(map)
    .all(&mut *conn, kept)
    .await?;
    let mut out = Vec::new();
    for (deleted, data) in rows {
        let (id, unit, parent, note) = kept_alignment(&data)?;
        if unit != deleted {
            continue;
        }
        let title = select("SELECT title FROM objectives WHERE id = $1")
            .bind(parent)
            .optional(&mut *conn, |r| text(r, "title"))
            .await?;
        if let Some(parent_title) = title {
            out.push(AlignmentView {
                id,
                unit_objective_id: unit,
                parent_objective_id: parent,
                parent_title,
                note,
            });
        }
    }
    Ok(out)
}

/// An alignment kept in a tombstone: its id, unit and parent objectives and note.
fn kept_alignment(
    data: &Map<String, Value>,
) -> StoreResult<(AlignmentId, ObjectiveId, ObjectiveId, String)> {
    let id_in = |column: &str| data.get(column).and_then(Value::as_str);
    let objective = |column: &str| id_in(column).and_then(|s| s.parse::<ObjectiveId>().ok());
    let (Some(unit), Some(parent)) = (
        objective("unit_objective_id"),
        objective("parent_objective_id"),
    ) else {
        return Err(StoreError::Corrupt("row_data"));
    };
    let Some(id) = id_in("id").and_then(|s| s.parse::<AlignmentId>().ok()) else {
        return Err(StoreError::Corrupt("row_data"));
    };
    // Rows kept before alignments had notes have none.
    let note = id_in("note").unwrap_or_default().to_string();
    Ok((id, unit, parent, note))
}

/// The alignments of `objectives` (a map's) whose parent objective was deleted on a map of the
/// parent unit (`MapDocument::lost_alignments`): kept in that objective's tombstone, so undoing
/// the deletion brings them back. Their parent title went with the objective.
pub(crate) async fn lost_alignments(
    conn: &mut AnyConnection,
    objectives: &[Objective],
    unit: &OrgUnit,
) -> StoreResult<Vec<AlignmentView>> {
    let Some(parent_unit) = unit.parent_id else {
        return Ok(Vec::new());
    };
    let kept = |r: &AnyRow| Ok((parsed::<ObjectiveId>(r, "objective_id")?, row_data(r)?));
    let rows = select(
        "SELECT t.objective_id, t.row_data FROM objective_tombstones t \
         JOIN map_entity_ids e ON e.id = t.objective_id JOIN maps m ON m.id = e.map_id \
         WHERE t.dependent = 'alignments' AND m.org_unit_id = $1 ORDER BY t.row_key",
    )
    .bind(parent_unit)
    .all(&mut *conn, kept)
    .await?;
    let mut out = Vec::new();
    for (deleted, data) in rows {
        let (id, unit_objective, parent, note) = kept_alignment(&data)?;
        if parent != deleted {
            continue;
        }
        if objectives.iter().any(|o| o.id == unit_objective) {
            out.push(AlignmentView {
                id,
                unit_objective_id: unit_objective,
                parent_objective_id: parent,
                parent_title: String::new(),
                note,
            });
        }
    }
    Ok(out)
}
