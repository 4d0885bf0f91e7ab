//! The edit protocol of the live map: operations on a [`MapDocument`], how they apply (with the
//! domain's validation deciding), their inverses (for per-user undo), and the messages browser
//! and server exchange over the WebSocket. Shared unchanged by both sides.
//!
//! The server is authoritative: it applies each `Mutate` in one order (one sequence per map),
//! fields are last-writer-wins in that order, new entities carry client-made ids, and a resent
//! `op_id` is acknowledged again but never applied twice.

use super::formula::{self, Formula};
use super::ids::*;
use super::layout;
use super::model::*;
use super::period::Period;
use super::validation::{self, ValidationError};
use super::workshop::{self, WorkshopError, WorkshopOp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped when a message changes incompatibly; the server refuses other versions.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest frame the server accepts.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// What kind of entity an op addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Map,
    Perspective,
    Theme,
    Objective,
    Link,
    Measure,
    /// A unit objective's alignment to a parent-map objective.
    Alignment,
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EntityKind::Map => "map",
            EntityKind::Perspective => "perspective",
            EntityKind::Theme => "theme",
            EntityKind::Objective => "objective",
            EntityKind::Link => "link",
            EntityKind::Measure => "measure",
            EntityKind::Alignment => "alignment",
        })
    }
}

/// A settable field. Which entity kinds have which fields is checked by [`apply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Objective title.
    Title,
    /// Objective description.
    Description,
    /// Objective owner (a user id or null).
    Owner,
    /// Objective perspective (a perspective id).
    Perspective,
    /// Objective theme (a theme id or null).
    Theme,
    /// Objective position: `{"x": …, "y": …}`.
    Position,
    /// Link hypothesis.
    Hypothesis,
    /// Which way a link expects its effect to move ("same" or "opposite").
    Direction,
    /// After how many months a link expects its effect (0–12, or null for any lag).
    Lag,
    /// Name of a map, perspective or theme.
    Name,
    /// Theme colour.
    Colour,
    /// Order of a perspective (0 = top) or theme (0 = left).
    Rank,
    /// Map vision.
    Vision,
    /// Map mission.
    Mission,
    /// Map values.
    Values,
    /// Roll-up weight of a perspective, objective or measure.
    Weight,
    /// How an objective combines its measures' scores.
    #[serde(rename = "rollup")]
    RollUp,
    /// Health-check rules switched off on a map (a list of rule ids).
    HealthOff,
    /// Measure definition.
    Definition,
    /// Measure unit.
    Unit,
    /// Measure decimals.
    Decimals,
    /// Measure reporting frequency.
    Frequency,
    /// Measure polarity.
    Polarity,
    /// Measure leading or lagging.
    Indicator,
    /// Measure data source.
    DataSource,
    /// Measure data owner (a user id or null).
    DataOwner,
    /// Measure baseline (a number or null).
    Baseline,
    /// Measure scoring type.
    Scoring,
    /// Measure period aggregation.
    Aggregation,
    /// Measure formula text.
    Formula,
    /// Measure missing-data policy.
    MissingData,
    /// A map's strategy period: `{"start": "YYYY-MM", "end": "YYYY-MM"}`.
    Period,
    /// A map's status: "draft", "active" or "archived".
    Status,
    /// An alignment's contribution note.
    Note,
    /// Whether a unit objective is deliberately local (supports nothing on the parent map).
    Local,
    /// Whether an objective's status counts the unit objectives aligned to it.
    UnitRollUp,
}

/// A new entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entity", rename_all = "snake_case")]
pub enum NewEntity {
    Objective(Objective),
    Theme(Theme),
    Perspective(Perspective),
    Measure(Measure),
}

/// One operation on a map document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Adds an objective, theme or perspective with a client-made id.
    Create { item: NewEntity },
    /// Sets one field; last writer (in server order) wins.
    Set {
        entity: EntityKind,
        id: Uuid,
        field: Field,
        value: serde_json::Value,
    },
    /// Removes an objective (and its links and measures), a measure, a theme (its objectives keep their place, without
    /// theme) or a perspective (only when empty).
    Delete { entity: EntityKind, id: Uuid },
    /// Adds a cause-and-effect link.
    Link { link: Link },
    /// Removes a link.
    Unlink { id: LinkId },
    /// Ties one of the map's objectives to a parent-map objective it supports.
    Align { alignment: Alignment },
    /// Removes an alignment.
    Unalign { id: AlignmentId },
    /// A change to the map's workshop (notes, clusters, the dot-vote, the timer). Who made it
    /// and when are set by the server when it takes the batch (a client's values are
    /// replaced); a relayed copy carries no actor and applies as relayed.
    Workshop {
        change: WorkshopOp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actor: Option<UserId>,
        #[serde(default)]
        at_ms: i64,
    },
}

/// Why an op cannot apply. Shown to the user whose edit was rolled back.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum OpError {
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("the {0} no longer exists (someone may have deleted it)")]
    Missing(EntityKind),
    #[error("an item with this id already exists")]
    Duplicate,
    /// The id of a new item is (or was) used on another map. Ids are never shared between
    /// maps, because history kept by id (a measure's targets and actuals) would follow them.
    #[error("this {0}'s id is already used on another map; create it again to get a new id")]
    IdTaken(EntityKind),
    #[error("{entity:?} has no field {field:?}")]
    NoSuchField { entity: EntityKind, field: Field },
    #[error("bad value for {field:?}: {reason}")]
    BadValue { field: Field, reason: String },
    #[error("the op belongs to another map")]
    WrongMap,
    #[error("a perspective with objectives cannot be deleted; move them first")]
    PerspectiveNotEmpty,
    #[error("a map keeps at least one perspective")]
    LastPerspective,
    /// The map is archived: nothing on it changes until its status is set back.
    #[error("this map is archived; set it to draft or active to change it")]
    MapArchived,
    /// A workshop op the workshop's rules refuse.
    #[error("{0}")]
    Workshop(WorkshopError),
}

impl EntityKind {
    /// The kind's name in `locale` ("measure", "Kennzahl").
    pub fn text(self, locale: crate::i18n::Locale) -> String {
        crate::error::thing_name(locale, &self.to_string())
    }
}

impl OpError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            OpError::Invalid(v) => v.text(locale),
            OpError::Missing(kind) => {
                let what = kind.text(locale);
                td_string!(locale, errors.op.missing, what).to_string()
            }
            OpError::Duplicate => td_string!(locale, errors.op.duplicate).to_string(),
            OpError::IdTaken(kind) => {
                let what = kind.text(locale);
                td_string!(locale, errors.op.id_taken, what).to_string()
            }
            OpError::NoSuchField { entity, field } => {
                let what = entity.text(locale);
                let field = format!("{field:?}");
                td_string!(locale, errors.op.no_such_field, what, field).to_string()
            }
            OpError::BadValue { field, reason } => {
                let field = format!("{field:?}");
                td_string!(locale, errors.op.bad_value, field, reason).to_string()
            }
            OpError::WrongMap => td_string!(locale, errors.op.wrong_map).to_string(),
            OpError::PerspectiveNotEmpty => {
                td_string!(locale, errors.op.perspective_not_empty).to_string()
            }
            OpError::LastPerspective => td_string!(locale, errors.op.last_perspective).to_string(),
            OpError::MapArchived => td_string!(locale, units.errors.map_archived).to_string(),
            OpError::Workshop(e) => e.text(locale),
        }
    }
}

impl From<ValidationError> for OpError {
    fn from(e: ValidationError) -> Self {
        OpError::Invalid(e)
    }
}

fn value_of<T: serde::de::DeserializeOwned>(
    field: Field,
    value: &serde_json::Value,
) -> Result<T, OpError> {
    serde_json::from_value(value.clone()).map_err(|e| OpError::BadValue {
        field,
        reason: e.to_string(),
    })
}

/// A position value as sent on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// Builds a `Set` op from a typed value.
pub fn set(entity: EntityKind, id: Uuid, field: Field, value: impl Serialize) -> Op {
    Op::Set {
        entity,
        id,
        field,
        value: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    }
}

impl MapDocument {
    fn objective_mut(&mut self, id: Uuid) -> Result<&mut Objective, OpError> {
        self.objectives
            .iter_mut()
            .find(|o| o.id.0 == id)
            .ok_or(OpError::Missing(EntityKind::Objective))
    }
}

/// Applies all `ops` or none: on error the document is unchanged.
pub fn apply_all(doc: &mut MapDocument, ops: &[Op]) -> Result<(), OpError> {
    let mut next = doc.clone();
    for op in ops {
        apply(&mut next, op)?;
    }
    *doc = next;
    Ok(())
}

/// [`apply_all`] as the server commits: each workshop op is filled in with what only the
/// server knows (the author, a note's privacy, what a reveal shows), so the op logged and
/// relayed is the one that applied.
pub fn apply_all_filled(doc: &mut MapDocument, ops: &mut [Op]) -> Result<(), OpError> {
    let mut next = doc.clone();
    for op in ops {
        match op {
            Op::Workshop {
                change,
                actor: Some(actor),
                at_ms,
            } => apply_workshop(&mut next, *actor, change, *at_ms)?,
            op => apply(&mut next, op)?,
        }
    }
    *doc = next;
    Ok(())
}

/// A workshop op by `actor` at server time `at_ms`, on the server's document.
fn apply_workshop(
    doc: &mut MapDocument,
    actor: UserId,
    change: &mut WorkshopOp,
    at_ms: i64,
) -> Result<(), OpError> {
    if doc.map.status == MapStatus::Archived {
        return Err(OpError::MapArchived);
    }
    let map_id = doc.map.id;
    workshop::apply_to(&mut doc.workshop, map_id, actor, change, at_ms).map_err(OpError::Workshop)
}

/// Stamps the workshop ops of a batch the server takes from `author` at server time `now_ms`:
/// who did it and when are the server's word, never the client's.
pub fn stamp_workshop_ops(ops: &mut [Op], author: UserId, now_ms: i64) {
    for op in ops {
        if let Op::Workshop { actor, at_ms, .. } = op {
            *actor = Some(author);
            *at_ms = now_ms;
        }
    }
}

/// A committed batch as `viewer` may receive it: workshop ops redacted for them
/// ([`WorkshopOp::seen_by`]) and stripped of their actor (so they apply as relayed), those they
/// may not see at all left out. Batches without workshop ops come back unchanged.
pub fn batch_seen_by(batch: &Committed, viewer: UserId) -> Committed {
    let ops = batch
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Workshop {
                change,
                actor,
                at_ms,
            } => {
                let actor = actor.unwrap_or(batch.author);
                change.seen_by(actor, viewer).map(|change| Op::Workshop {
                    change,
                    actor: None,
                    at_ms: *at_ms,
                })
            }
            other => Some(other.clone()),
        })
        .collect();
    Committed {
        ops,
        ..batch.clone()
    }
}

/// Whether a batch holds workshop ops (whose relay is redacted per person).
pub fn has_workshop_ops(ops: &[Op]) -> bool {
    ops.iter().any(|op| matches!(op, Op::Workshop { .. }))
}

/// Whether `op` sets a map's status: the one change an archived map takes (to bring it back).
pub fn sets_status(op: &Op) -> bool {
    matches!(
        op,
        Op::Set {
            entity: EntityKind::Map,
            field: Field::Status,
            ..
        }
    )
}

/// A map's strategy period, as a `Set` of [`Field::Period`] carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapPeriod {
    pub start: Period,
    pub end: Period,
}

/// Applies one op, validating the result with the domain rules. On error the document may be
/// partly changed; use [`apply_all`] for atomicity.
pub fn apply(doc: &mut MapDocument, op: &Op) -> Result<(), OpError> {
    if doc.map.status == MapStatus::Archived && !sets_status(op) {
        return Err(OpError::MapArchived);
    }
    match op {
        Op::Create { item } => create(doc, item),
        Op::Set {
            entity,
            id,
            field,
            value,
        } => set_field(doc, *entity, *id, *field, value),
        Op::Delete { entity, id } => delete(doc, *entity, *id),
        Op::Link { link } => {
            if doc.links.iter().any(|l| l.id == link.id) {
                return Err(OpError::Duplicate);
            }
            let map_of =
                |id: ObjectiveId| doc.objectives.iter().find(|o| o.id == id).map(|o| o.map_id);
            if link.map_id != doc.map.id {
                return Err(OpError::WrongMap);
            }
            if map_of(link.from_id).is_none() || map_of(link.to_id).is_none() {
                // Someone deleted an end meanwhile: say so rather than "not on this map".
                return Err(OpError::Missing(EntityKind::Objective));
            }
            validation::link(link, map_of(link.from_id), map_of(link.to_id), &doc.links)?;
            doc.links.push(link.clone());
            Ok(())
        }
        Op::Workshop {
            change,
            actor: Some(actor),
            at_ms,
        } => apply_workshop(doc, *actor, &mut change.clone(), *at_ms),
        Op::Workshop {
            change,
            actor: None,
            ..
        } => {
            let map_id = doc.map.id;
            workshop::apply_relayed_to(&mut doc.workshop, map_id, change);
            Ok(())
        }
        Op::Unlink { id } => {
            let before = doc.links.len();
            doc.links.retain(|l| l.id != *id);
            if doc.links.len() == before {
                return Err(OpError::Missing(EntityKind::Link));
            }
            Ok(())
        }
        Op::Align { alignment } => align(doc, alignment),
        Op::Unalign { id } => {
            let before = doc.alignments.len();
            doc.alignments.retain(|a| a.id != *id);
            if doc.alignments.len() == before {
                return Err(OpError::Missing(EntityKind::Alignment));
            }
            Ok(())
        }
    }
}

/// Adds an alignment of one of the map's objectives to an objective of the parent unit's maps
/// (as the document lists them in `parent_objectives`), with the domain's rules deciding.
fn align(doc: &mut MapDocument, a: &Alignment) -> Result<(), OpError> {
    if doc.alignments.iter().any(|x| x.id == a.id) {
        return Err(OpError::Duplicate);
    }
    if !doc.objectives.iter().any(|o| o.id == a.unit_objective_id) {
        return Err(OpError::Missing(EntityKind::Objective));
    }
    let parent = doc
        .parent_objectives
        .iter()
        .find(|p| p.id == a.parent_objective_id);
    let existing: Vec<Alignment> = doc
        .alignments
        .iter()
        .filter(|x| x.unit_objective_id == a.unit_objective_id)
        .map(AlignmentView::alignment)
        .collect();
    let Some(parent) = parent else {
        return Err(ValidationError::AlignmentNotToParent.into());
    };
    let mut a = a.clone();
    a.note = a.note.trim().to_string();
    validation::alignment(
        &a,
        doc.org_unit.id,
        doc.org_unit.parent_id,
        parent.org_unit_id,
        &existing,
    )?;
    doc.alignments.push(AlignmentView {
        id: a.id,
        unit_objective_id: a.unit_objective_id,
        parent_objective_id: a.parent_objective_id,
        parent_title: parent.title.clone(),
        note: a.note,
    });
    Ok(())
}

fn create(doc: &mut MapDocument, item: &NewEntity) -> Result<(), OpError> {
    match item {
        NewEntity::Objective(o) => {
            if o.map_id != doc.map.id {
                return Err(OpError::WrongMap);
            }
            if doc.objectives.iter().any(|x| x.id == o.id) {
                return Err(OpError::Duplicate);
            }
            validation::objective(o, &doc.perspectives, &doc.themes)?;
            doc.objectives
                .push(layout::placed_in_band(o, &doc.perspectives));
            // Created again with its id (undo): its alignments come back with it.
            let (back, still) = std::mem::take(&mut doc.deleted_alignments)
                .into_iter()
                .partition(|a| a.unit_objective_id == o.id);
            doc.deleted_alignments = still;
            doc.alignments.extend::<Vec<_>>(back);
        }
        NewEntity::Theme(t) => {
            if t.map_id != doc.map.id {
                return Err(OpError::WrongMap);
            }
            if doc.themes.iter().any(|x| x.id == t.id) {
                return Err(OpError::Duplicate);
            }
            validation::theme(t)?;
            doc.themes.push(t.clone());
            doc.themes.sort_by_key(|t| t.rank);
        }
        NewEntity::Perspective(p) => {
            if p.map_id != doc.map.id {
                return Err(OpError::WrongMap);
            }
            if doc.perspectives.iter().any(|x| x.id == p.id) {
                return Err(OpError::Duplicate);
            }
            validation::perspective(p)?;
            let bands = band_order(doc);
            doc.perspectives.push(p.clone());
            doc.perspectives.sort_by_key(|p| p.rank);
            follow_bands(doc, &bands);
        }
        NewEntity::Measure(m) => {
            if !doc.objectives.iter().any(|o| o.id == m.objective_id) {
                return Err(OpError::Missing(EntityKind::Objective));
            }
            if doc.measures.iter().any(|x| x.id == m.id) {
                return Err(OpError::Duplicate);
            }
            let mut m = m.clone();
            m.name = m.name.trim().to_string();
            check_measure(doc, &m)?;
            doc.measures.push(m);
        }
    }
    Ok(())
}

/// The perspective whose band holds `y` (the nearest band when `y` is above or below them all):
/// a box dropped there belongs to it.
fn perspective_under(perspectives: &[Perspective], y: f64) -> Option<PerspectiveId> {
    let frame = layout::Frame {
        bands: perspectives.len().max(1),
        lanes: 1,
    };
    perspectives.get(frame.band_at(y)).map(|p| p.id)
}

/// `y` moved by as many bands as an objective moves from perspective `from` to `to` (kept when
/// either is unknown; validation refuses an unknown perspective).
fn moved_to_band(
    y: f64,
    from: PerspectiveId,
    to: PerspectiveId,
    perspectives: &[Perspective],
) -> f64 {
    match (
        layout::band_of(perspectives, from),
        layout::band_of(perspectives, to),
    ) {
        (Some(from), Some(to)) => y + (to as f64 - from as f64) * layout::BAND_HEIGHT,
        _ => y,
    }
}

/// The perspectives top first, as the bands are drawn now.
fn band_order(doc: &MapDocument) -> Vec<PerspectiveId> {
    doc.perspectives.iter().map(|p| p.id).collect()
}

/// After the bands were reordered, added or removed (`before` is their order until then), every
/// box moves with its perspective's band, so a position and a perspective never disagree.
fn follow_bands(doc: &mut MapDocument, before: &[PerspectiveId]) {
    for o in doc.objectives.iter_mut() {
        let from = before.iter().position(|p| *p == o.perspective_id);
        let to = layout::band_of(&doc.perspectives, o.perspective_id);
        if let (Some(from), Some(to)) = (from, to) {
            if from != to {
                o.y = layout::y_in_band(o.y + (to as f64 - from as f64) * layout::BAND_HEIGHT, to);
            }
        }
    }
}

/// A measure checked against the rest of its map: its own rules, a name no other measure of
/// the map has (formulas refer to measures by name), and a formula that reads only measures
/// of the map without a cycle.
fn check_measure(doc: &MapDocument, m: &Measure) -> Result<(), OpError> {
    validation::measure(m)?;
    if doc
        .measures
        .iter()
        .any(|x| x.id != m.id && x.name.eq_ignore_ascii_case(&m.name))
    {
        return Err(ValidationError::DuplicateMeasureName(m.name.clone()).into());
    }
    if m.data_source == DataSource::Formula {
        check_formula(doc, m)?;
    }
    Ok(())
}

/// A formula that parses, reads only measures of the map, and closes no dependency cycle.
fn check_formula(doc: &MapDocument, m: &Measure) -> Result<(), OpError> {
    use super::validation::FormulaProblem as P;
    let bad = |p: P| OpError::Invalid(ValidationError::BadFormula(p));
    let parsed = Formula::parse(&m.formula).map_err(|e| bad(P::Parse(e)))?;
    let references = parsed.references();
    let known =
        |name: &str| name == m.name || doc.measures.iter().any(|x| x.id != m.id && x.name == name);
    if let Some(unknown) = references.iter().find(|r| !known(r)) {
        return Err(bad(P::UnknownMeasure(unknown.clone())));
    }
    let mut graph: Vec<(String, Vec<String>)> = doc
        .measures
        .iter()
        .filter(|x| x.id != m.id && x.data_source == DataSource::Formula)
        .filter_map(|x| {
            Formula::parse(&x.formula)
                .ok()
                .map(|f| (x.name.clone(), f.references()))
        })
        .collect();
    graph.push((m.name.clone(), references));
    match formula::find_cycle(&graph) {
        Some(cycle) => Err(bad(P::Cycle(cycle))),
        None => Ok(()),
    }
}

/// Where the store keeps a field of an entity's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// One column holding the field's JSON value as it is: strings, ids and enum names as
    /// text, null as NULL, integers and numbers as such.
    Plain(&'static str),
    /// One text column holding the JSON text of the value (a list).
    JsonText(&'static str),
    /// One integer column that may be NULL (a null is bound as a missing integer, which
    /// PostgreSQL needs typed).
    OptInt(&'static str),
    /// An objective's placement: `x`, `y` and `perspective_id`, written together.
    Placement,
    /// The whole row is written again (a measure: a rename also rewrites other measures).
    Row,
    /// A map's period: `period_start` and `period_end`, written together.
    MapPeriod,
}

/// One settable field of an entity of type `E`: where it is stored, how it is read (as it would
/// be sent in a `Set`) and how a `Set` writes it (before the entity's validation).
pub struct FieldDef<E: 'static> {
    pub field: Field,
    pub column: Column,
    pub get: fn(&E) -> serde_json::Value,
    pub set: fn(&mut E, Field, &serde_json::Value) -> Result<(), OpError>,
}

fn json<T: Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap_or(serde_json::Value::Null)
}

/// A field read and written as it is.
macro_rules! plain {
    ($field:ident, $column:expr, $member:ident) => {
        FieldDef {
            field: Field::$field,
            column: $column,
            get: |e| json(&e.$member),
            set: |e, f, v| {
                e.$member = value_of(f, v)?;
                Ok(())
            },
        }
    };
}

/// A text field stored trimmed.
macro_rules! trimmed {
    ($field:ident, $column:expr, $member:ident) => {
        FieldDef {
            field: Field::$field,
            column: $column,
            get: |e| json(&e.$member),
            set: |e, f, v| {
                e.$member = value_of::<String>(f, v)?.trim().to_string();
                Ok(())
            },
        }
    };
}

/// The fields of an objective. The one table of them: `apply`, `current_value` and the store
/// all read it, so a field missing here is refused everywhere.
pub const OBJECTIVE_FIELDS: &[FieldDef<Objective>] = &[
    trimmed!(Title, Column::Plain("title"), title),
    plain!(Description, Column::Plain("description"), description),
    plain!(Owner, Column::Plain("owner_id"), owner_id),
    plain!(Perspective, Column::Placement, perspective_id),
    plain!(Theme, Column::Plain("theme_id"), theme_id),
    FieldDef {
        field: Field::Position,
        column: Column::Placement,
        get: |o| json(&Position { x: o.x, y: o.y }),
        set: |o, f, v| {
            let p: Position = value_of(f, v)?;
            o.x = p.x;
            o.y = p.y;
            Ok(())
        },
    },
    plain!(Weight, Column::Plain("weight"), weight),
    plain!(RollUp, Column::Plain("rollup"), rollup),
    plain!(Local, Column::Plain("local_only"), local),
    plain!(UnitRollUp, Column::Plain("unit_rollup"), unit_rollup),
];

/// The fields of a link.
pub const LINK_FIELDS: &[FieldDef<Link>] = &[
    plain!(Hypothesis, Column::Plain("hypothesis"), hypothesis),
    plain!(Direction, Column::Plain("direction"), direction),
    plain!(Lag, Column::OptInt("lag_months"), lag_months),
];

/// The fields of a theme.
pub const THEME_FIELDS: &[FieldDef<Theme>] = &[
    trimmed!(Name, Column::Plain("name"), name),
    plain!(Colour, Column::Plain("colour"), colour),
    plain!(Rank, Column::Plain("rank"), rank),
    plain!(Description, Column::Plain("description"), description),
    plain!(Owner, Column::Plain("owner_id"), owner_id),
];

/// The fields of a perspective.
pub const PERSPECTIVE_FIELDS: &[FieldDef<Perspective>] = &[
    trimmed!(Name, Column::Plain("name"), name),
    plain!(Rank, Column::Plain("rank"), rank),
    plain!(Weight, Column::Plain("weight"), weight),
];

/// The fields of a map.
pub const MAP_FIELDS: &[FieldDef<StrategyMap>] = &[
    trimmed!(Name, Column::Plain("name"), name),
    plain!(Vision, Column::Plain("vision"), vision),
    plain!(Mission, Column::Plain("mission"), mission),
    plain!(Values, Column::Plain("map_values"), values),
    plain!(HealthOff, Column::JsonText("health_off"), health_off),
    plain!(Status, Column::Plain("status"), status),
    FieldDef {
        field: Field::Period,
        column: Column::MapPeriod,
        get: |m| {
            json(&MapPeriod {
                start: m.period_start,
                end: m.period_end,
            })
        },
        set: |m, f, v| {
            let p: MapPeriod = value_of(f, v)?;
            m.period_start = p.start;
            m.period_end = p.end;
            Ok(())
        },
    },
];

/// The fields of a measure (stored by rewriting the row).
pub const MEASURE_FIELDS: &[FieldDef<Measure>] = &[
    trimmed!(Name, Column::Row, name),
    plain!(Definition, Column::Row, definition),
    trimmed!(Unit, Column::Row, unit),
    plain!(Decimals, Column::Row, decimals),
    plain!(Frequency, Column::Row, frequency),
    plain!(Polarity, Column::Row, polarity),
    plain!(Indicator, Column::Row, indicator),
    plain!(DataSource, Column::Row, data_source),
    plain!(DataOwner, Column::Row, data_owner_id),
    plain!(Baseline, Column::Row, baseline),
    plain!(Weight, Column::Row, weight),
    plain!(Scoring, Column::Row, scoring),
    plain!(Aggregation, Column::Row, aggregation),
    plain!(Formula, Column::Row, formula),
    plain!(MissingData, Column::Row, missing_data),
];

fn def<E>(table: &'static [FieldDef<E>], field: Field) -> Option<&'static FieldDef<E>> {
    table.iter().find(|d| d.field == field)
}

/// The fields of an alignment.
pub const ALIGNMENT_FIELDS: &[FieldDef<AlignmentView>] =
    &[trimmed!(Note, Column::Plain("note"), note)];

/// Every entity kind, in a fixed order.
pub const ENTITY_KINDS: [EntityKind; 7] = [
    EntityKind::Map,
    EntityKind::Perspective,
    EntityKind::Theme,
    EntityKind::Objective,
    EntityKind::Link,
    EntityKind::Measure,
    EntityKind::Alignment,
];

/// The settable fields of an entity kind and where each is stored, from its table.
pub fn fields_of(entity: EntityKind) -> Vec<(Field, Column)> {
    fn pairs<E>(table: &[FieldDef<E>]) -> Vec<(Field, Column)> {
        table.iter().map(|d| (d.field, d.column)).collect()
    }
    match entity {
        EntityKind::Objective => pairs(OBJECTIVE_FIELDS),
        EntityKind::Link => pairs(LINK_FIELDS),
        EntityKind::Theme => pairs(THEME_FIELDS),
        EntityKind::Perspective => pairs(PERSPECTIVE_FIELDS),
        EntityKind::Map => pairs(MAP_FIELDS),
        EntityKind::Measure => pairs(MEASURE_FIELDS),
        EntityKind::Alignment => pairs(ALIGNMENT_FIELDS),
    }
}

/// Where the store keeps `field` of `entity`; `None` when the entity has no such field.
pub fn column_of(entity: EntityKind, field: Field) -> Option<Column> {
    fields_of(entity)
        .into_iter()
        .find(|(f, _)| *f == field)
        .map(|(_, c)| c)
}

fn set_field(
    doc: &mut MapDocument,
    entity: EntityKind,
    id: Uuid,
    field: Field,
    value: &serde_json::Value,
) -> Result<(), OpError> {
    let no_field = || OpError::NoSuchField { entity, field };
    match entity {
        EntityKind::Objective => {
            let perspectives = doc.perspectives.clone();
            let themes = doc.themes.clone();
            let o = doc.objective_mut(id)?;
            let d = def(OBJECTIVE_FIELDS, field).ok_or_else(no_field)?;
            let mut next = o.clone();
            (d.set)(&mut next, field, value)?;
            match field {
                Field::Perspective => {
                    next.y =
                        moved_to_band(next.y, o.perspective_id, next.perspective_id, &perspectives);
                }
                Field::Position => {
                    if let Some(under) = perspective_under(&perspectives, next.y) {
                        next.perspective_id = under;
                    }
                }
                _ => {}
            }
            validation::objective(&next, &perspectives, &themes)?;
            if matches!(field, Field::Perspective | Field::Position) {
                next = layout::placed_in_band(&next, &perspectives);
            }
            *o = next;
        }
        EntityKind::Alignment => {
            let a = doc
                .alignments
                .iter_mut()
                .find(|a| a.id.0 == id)
                .ok_or(OpError::Missing(EntityKind::Alignment))?;
            let d = def(ALIGNMENT_FIELDS, field).ok_or_else(no_field)?;
            let mut next = a.clone();
            (d.set)(&mut next, field, value)?;
            validation::optional_text("Contribution note", &next.note, validation::MAX_TEXT)?;
            *a = next;
        }
        EntityKind::Link => {
            let l = doc
                .links
                .iter_mut()
                .find(|l| l.id.0 == id)
                .ok_or(OpError::Missing(EntityKind::Link))?;
            let d = def(LINK_FIELDS, field).ok_or_else(no_field)?;
            let mut next = l.clone();
            (d.set)(&mut next, field, value)?;
            validation::link_expectation(&next)?;
            *l = next;
        }
        EntityKind::Theme => {
            let t = doc
                .themes
                .iter_mut()
                .find(|t| t.id.0 == id)
                .ok_or(OpError::Missing(EntityKind::Theme))?;
            let d = def(THEME_FIELDS, field).ok_or_else(no_field)?;
            let mut next = t.clone();
            (d.set)(&mut next, field, value)?;
            validation::theme(&next)?;
            *t = next;
            doc.themes.sort_by_key(|t| t.rank);
        }
        EntityKind::Perspective => {
            let p = doc
                .perspectives
                .iter_mut()
                .find(|p| p.id.0 == id)
                .ok_or(OpError::Missing(EntityKind::Perspective))?;
            let d = def(PERSPECTIVE_FIELDS, field).ok_or_else(no_field)?;
            let mut next = p.clone();
            (d.set)(&mut next, field, value)?;
            validation::perspective(&next)?;
            *p = next;
            let bands = band_order(doc);
            doc.perspectives.sort_by_key(|p| p.rank);
            follow_bands(doc, &bands);
        }
        EntityKind::Map => {
            if doc.map.id.0 != id {
                return Err(OpError::WrongMap);
            }
            let d = def(MAP_FIELDS, field).ok_or_else(no_field)?;
            let mut next = doc.map.clone();
            (d.set)(&mut next, field, value)?;
            validation::strategy_map(&next)?;
            doc.map = next;
        }
        EntityKind::Measure => set_measure_field(doc, id, field, value)?,
    }
    Ok(())
}

/// Sets one field of a measure. A renamed measure keeps the formulas that read it working:
/// every reference to the old name is rewritten in the same op, on every replica alike.
fn set_measure_field(
    doc: &mut MapDocument,
    id: Uuid,
    field: Field,
    value: &serde_json::Value,
) -> Result<(), OpError> {
    let index = doc
        .measures
        .iter()
        .position(|m| m.id.0 == id)
        .ok_or(OpError::Missing(EntityKind::Measure))?;
    let d = def(MEASURE_FIELDS, field).ok_or(OpError::NoSuchField {
        entity: EntityKind::Measure,
        field,
    })?;
    let mut next = doc.measures[index].clone();
    (d.set)(&mut next, field, value)?;
    check_measure(doc, &next)?;
    let renamed = (next.name != doc.measures[index].name)
        .then(|| (doc.measures[index].name.clone(), next.name.clone()));
    doc.measures[index] = next;
    if let Some((old, new)) = renamed {
        rename_references(doc, &old, &new);
    }
    Ok(())
}

/// Rewrites formula references from `old` to `new` across the map.
fn rename_references(doc: &mut MapDocument, old: &str, new: &str) {
    for m in doc
        .measures
        .iter_mut()
        .filter(|m| m.data_source == DataSource::Formula)
    {
        if let Ok(f) = Formula::parse(&m.formula) {
            if f.references().iter().any(|r| r == old) {
                m.formula = f.rename(old, new).to_text();
            }
        }
    }
}

fn delete(doc: &mut MapDocument, entity: EntityKind, id: Uuid) -> Result<(), OpError> {
    match entity {
        EntityKind::Objective => {
            let before = doc.objectives.len();
            doc.objectives.retain(|o| o.id.0 != id);
            if doc.objectives.len() == before {
                return Err(OpError::Missing(EntityKind::Objective));
            }
            doc.links.retain(|l| l.from_id.0 != id && l.to_id.0 != id);
            // Kept aside, for undo to bring back with the objective.
            let (gone, kept) = std::mem::take(&mut doc.alignments)
                .into_iter()
                .partition(|a| a.unit_objective_id.0 == id);
            doc.alignments = kept;
            doc.deleted_alignments.extend::<Vec<_>>(gone);
            doc.measures.retain(|m| m.objective_id.0 != id);
        }
        EntityKind::Measure => {
            let before = doc.measures.len();
            doc.measures.retain(|m| m.id.0 != id);
            if doc.measures.len() == before {
                return Err(OpError::Missing(EntityKind::Measure));
            }
        }
        EntityKind::Link => {
            return apply(doc, &Op::Unlink { id: LinkId(id) });
        }
        EntityKind::Alignment => {
            return apply(
                doc,
                &Op::Unalign {
                    id: AlignmentId(id),
                },
            );
        }
        EntityKind::Theme => {
            let before = doc.themes.len();
            doc.themes.retain(|t| t.id.0 != id);
            if doc.themes.len() == before {
                return Err(OpError::Missing(EntityKind::Theme));
            }
            for o in doc
                .objectives
                .iter_mut()
                .filter(|o| o.theme_id.is_some_and(|t| t.0 == id))
            {
                o.theme_id = None;
            }
        }
        EntityKind::Perspective => {
            if !doc.perspectives.iter().any(|p| p.id.0 == id) {
                return Err(OpError::Missing(EntityKind::Perspective));
            }
            if doc.objectives.iter().any(|o| o.perspective_id.0 == id) {
                return Err(OpError::PerspectiveNotEmpty);
            }
            if doc.perspectives.len() == 1 {
                return Err(OpError::LastPerspective);
            }
            let bands = band_order(doc);
            doc.perspectives.retain(|p| p.id.0 != id);
            follow_bands(doc, &bands);
        }
        EntityKind::Map => {
            return Err(OpError::NoSuchField {
                entity,
                field: Field::Name,
            })
        }
    }
    Ok(())
}

/// What became of one batch of a commit group (see [`fold_group`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Applied; committed at this sequence.
    Accepted(i64),
    /// Its `op_id` was committed before (earlier, or earlier in the same group): acknowledged
    /// again with that original sequence, applied no second time.
    Duplicate(i64),
    /// The domain refused it; none of its ops applied, and the rest of the group is unaffected.
    Rejected(OpError),
}

/// Folds a group of queued batches into `doc` in queue order, exactly as if each had been
/// committed on its own: a batch whose `op_id` is in `known` (committed before) or appeared
/// earlier in the group is a duplicate; every other batch applies all or nothing against the
/// running document. Accepted batches take consecutive sequences after `doc.seq`, and
/// `doc.seq` ends at the last of them. This is the group-commit rule the server's committer
/// follows, kept pure so it can be property-tested against one-by-one commits.
pub fn fold_group<'a>(
    doc: &mut MapDocument,
    batches: impl IntoIterator<Item = (Uuid, &'a mut [Op])>,
    known: &std::collections::HashMap<Uuid, i64>,
) -> Vec<Verdict> {
    let mut in_group: std::collections::HashMap<Uuid, i64> = std::collections::HashMap::new();
    batches
        .into_iter()
        .map(|(op_id, ops)| {
            if let Some(&seq) = known.get(&op_id).or_else(|| in_group.get(&op_id)) {
                return Verdict::Duplicate(seq);
            }
            match apply_all_filled(doc, ops) {
                Ok(()) => {
                    doc.seq += 1;
                    in_group.insert(op_id, doc.seq);
                    Verdict::Accepted(doc.seq)
                }
                Err(e) => Verdict::Rejected(e),
            }
        })
        .collect()
}

/// The ops that undo `op`, computed against the document *before* `op` applied. Only meaningful
/// for an op that did apply (the replica records inverses of applied ops only); for a target
/// missing from `before` it returns an empty list.
pub fn inverse(before: &MapDocument, op: &Op) -> Vec<Op> {
    match op {
        Op::Create { item } => match item {
            NewEntity::Objective(o) => vec![Op::Delete {
                entity: EntityKind::Objective,
                id: o.id.0,
            }],
            NewEntity::Theme(t) => vec![Op::Delete {
                entity: EntityKind::Theme,
                id: t.id.0,
            }],
            NewEntity::Perspective(p) => vec![Op::Delete {
                entity: EntityKind::Perspective,
                id: p.id.0,
            }],
            NewEntity::Measure(m) => vec![Op::Delete {
                entity: EntityKind::Measure,
                id: m.id.0,
            }],
        },
        Op::Link { link } => vec![Op::Unlink { id: link.id }],
        Op::Unlink { id } => before
            .links
            .iter()
            .find(|l| l.id == *id)
            .map(|l| vec![Op::Link { link: l.clone() }])
            .unwrap_or_default(),
        Op::Align { alignment } => vec![Op::Unalign { id: alignment.id }],
        // A promotion is undone with the objective it made (the same batch); the rest of a
        // workshop is not undone but done again (a note deleted, a vote withdrawn).
        Op::Workshop {
            change: WorkshopOp::Promote { target, .. },
            ..
        } => vec![Op::Workshop {
            change: WorkshopOp::Unpromote { target: *target },
            actor: None,
            at_ms: 0,
        }],
        Op::Workshop { .. } => vec![],
        Op::Unalign { id } => before
            .alignments
            .iter()
            .find(|a| a.id == *id)
            .map(|a| {
                vec![Op::Align {
                    alignment: a.alignment(),
                }]
            })
            .unwrap_or_default(),
        Op::Set {
            entity, id, field, ..
        } => {
            let mut ops: Vec<Op> = current_value(before, *entity, *id, *field)
                .map(|value| Op::Set {
                    entity: *entity,
                    id: *id,
                    field: *field,
                    value,
                })
                .into_iter()
                .collect();
            // A perspective change moves the box into the new band: put it back exactly.
            if (*entity, *field) == (EntityKind::Objective, Field::Perspective) {
                ops.extend(
                    current_value(before, *entity, *id, Field::Position).map(|value| Op::Set {
                        entity: *entity,
                        id: *id,
                        field: Field::Position,
                        value,
                    }),
                );
            }
            ops
        }
        Op::Delete { entity, id } => match entity {
            EntityKind::Objective => {
                let Some(o) = before.objectives.iter().find(|o| o.id.0 == *id) else {
                    return vec![];
                };
                let mut ops = vec![Op::Create {
                    item: NewEntity::Objective(o.clone()),
                }];
                ops.extend(
                    before
                        .measures
                        .iter()
                        .filter(|m| m.objective_id.0 == *id)
                        .map(|m| Op::Create {
                            item: NewEntity::Measure(m.clone()),
                        }),
                );
                ops.extend(
                    before
                        .links
                        .iter()
                        .filter(|l| l.from_id.0 == *id || l.to_id.0 == *id)
                        .map(|l| Op::Link { link: l.clone() }),
                );
                ops
            }
            EntityKind::Link => inverse(before, &Op::Unlink { id: LinkId(*id) }),
            EntityKind::Alignment => inverse(
                before,
                &Op::Unalign {
                    id: AlignmentId(*id),
                },
            ),
            EntityKind::Theme => {
                let Some(t) = before.themes.iter().find(|t| t.id.0 == *id) else {
                    return vec![];
                };
                let mut ops = vec![Op::Create {
                    item: NewEntity::Theme(t.clone()),
                }];
                ops.extend(
                    before
                        .objectives
                        .iter()
                        .filter(|o| o.theme_id == Some(t.id))
                        .map(|o| set(EntityKind::Objective, o.id.0, Field::Theme, Some(t.id))),
                );
                ops
            }
            EntityKind::Perspective => before
                .perspectives
                .iter()
                .find(|p| p.id.0 == *id)
                .map(|p| {
                    vec![Op::Create {
                        item: NewEntity::Perspective(p.clone()),
                    }]
                })
                .unwrap_or_default(),
            EntityKind::Measure => before
                .measures
                .iter()
                .find(|m| m.id.0 == *id)
                .map(|m| {
                    vec![Op::Create {
                        item: NewEntity::Measure(m.clone()),
                    }]
                })
                .unwrap_or_default(),
            EntityKind::Map => vec![],
        },
    }
}

/// The current value of a field, as it would be sent in a `Set`.
pub fn current_value(
    doc: &MapDocument,
    entity: EntityKind,
    id: Uuid,
    field: Field,
) -> Option<serde_json::Value> {
    fn read<E>(table: &'static [FieldDef<E>], e: &E, field: Field) -> Option<serde_json::Value> {
        def(table, field).map(|d| (d.get)(e))
    }
    match entity {
        EntityKind::Objective => {
            let o = doc.objectives.iter().find(|o| o.id.0 == id)?;
            read(OBJECTIVE_FIELDS, o, field)
        }
        EntityKind::Link => {
            let l = doc.links.iter().find(|l| l.id.0 == id)?;
            read(LINK_FIELDS, l, field)
        }
        EntityKind::Theme => {
            let t = doc.themes.iter().find(|t| t.id.0 == id)?;
            read(THEME_FIELDS, t, field)
        }
        EntityKind::Perspective => {
            let p = doc.perspectives.iter().find(|p| p.id.0 == id)?;
            read(PERSPECTIVE_FIELDS, p, field)
        }
        EntityKind::Map => read(MAP_FIELDS, &doc.map, field),
        EntityKind::Measure => {
            let m = doc.measures.iter().find(|m| m.id.0 == id)?;
            read(MEASURE_FIELDS, m, field)
        }
        EntityKind::Alignment => {
            let a = doc.alignments.iter().find(|a| a.id.0 == id)?;
            read(ALIGNMENT_FIELDS, a, field)
        }
    }
}

/// A committed batch as the server relays it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    pub seq: i64,
    pub op_id: Uuid,
    pub author: UserId,
    pub ops: Vec<Op>,
}

/// A viewport in map coordinates, for follow mode.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// What a client shares about itself; kept in memory only.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct PresenceState {
    pub cursor: Option<Position>,
    pub selection: Vec<ObjectiveId>,
    pub editing: Option<ObjectiveId>,
    pub viewport: Option<Viewport>,
    /// This person is working in the other pane of the same screen (the cascade workshop shows
    /// a parent map beside a unit map), so a facilitator sees which pane has their attention.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub elsewhere: bool,
    /// The statement this person is writing on the map's Strategy screen, so others see who is
    /// at which one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writing: Option<StrategyPart>,
}

/// A statement of the Strategy screen: the map's vision, mission or values, or one theme's
/// name, description and owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "part", content = "id", rename_all = "snake_case")]
pub enum StrategyPart {
    Vision,
    Mission,
    Values,
    Theme(ThemeId),
}

/// The most objectives a shared selection may name: a box may select a whole map, but never
/// more than one batch could move.
pub const MAX_PRESENCE_SELECTION: usize = 500;
/// How far from the map's origin a shared cursor or viewport may point (map units).
pub const MAX_PRESENCE_COORD: f64 = 1.0e6;
/// The largest shared zoom factor (relative to the whole map).
pub const MAX_PRESENCE_ZOOM: f64 = 1000.0;

impl Viewport {
    /// A viewport worth relaying: finite, within reach of the map, with a positive zoom.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validation::number_in(
            "viewport x",
            self.x,
            -MAX_PRESENCE_COORD,
            MAX_PRESENCE_COORD,
        )?;
        validation::number_in(
            "viewport y",
            self.y,
            -MAX_PRESENCE_COORD,
            MAX_PRESENCE_COORD,
        )?;
        validation::number_in("zoom", self.zoom, f64::MIN_POSITIVE, MAX_PRESENCE_ZOOM)
    }
}

impl PresenceState {
    /// Checked before the server keeps or relays it: a bounded selection and sane numbers, so
    /// a client cannot make every peer (and the server) hold large or absurd presences.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.selection.len() > MAX_PRESENCE_SELECTION {
            return Err(ValidationError::OutOfRange {
                field: "selected objectives".into(),
                min: 0.0,
                max: MAX_PRESENCE_SELECTION as f64,
            });
        }
        if let Some(c) = self.cursor {
            validation::number_in("cursor x", c.x, -MAX_PRESENCE_COORD, MAX_PRESENCE_COORD)?;
            validation::number_in("cursor y", c.y, -MAX_PRESENCE_COORD, MAX_PRESENCE_COORD)?;
        }
        match &self.viewport {
            Some(v) => v.validate(),
            None => Ok(()),
        }
    }
}

/// One person in the room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// One connection (a person may have several tabs).
    pub peer_id: Uuid,
    pub user_id: UserId,
    pub name: String,
    pub initials: String,
    /// `#rrggbb`, stable per user.
    pub colour: String,
    pub can_edit: bool,
    pub state: PresenceState,
}

/// How a client catches up after (re)connecting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CatchUp {
    /// The batches after the client's `last_seq`, in order.
    Ops { batches: Vec<Committed> },
    /// The whole document (first connect, or too far behind).
    Snapshot { doc: Box<MapDocument> },
}

/// Browser → server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    Hello {
        map_id: MapId,
        last_seq: Option<i64>,
        protocol_version: u32,
    },
    Mutate {
        op_id: Uuid,
        ops: Vec<Op>,
    },
    Presence {
        state: PresenceState,
    },
    /// Facilitator: ask everyone to jump to this viewport.
    Summon {
        viewport: Viewport,
        /// In the cascade workshop, where the other pane (the parent map) should show too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partner: Option<Viewport>,
    },
    Ping,
}

/// Server → browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    Welcome {
        seq: i64,
        catch_up: CatchUp,
        roster: Vec<Peer>,
        you: Uuid,
        can_edit: bool,
        /// The server's clock (ms since the epoch) as it sent this: a workshop's countdown runs
        /// on server time, so each screen corrects its own clock by the difference.
        #[serde(default)]
        server_ms: i64,
        /// The person this connection is signed in as (their workshop notes and dots).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_id: Option<UserId>,
    },
    Ack {
        op_id: Uuid,
        seq: i64,
    },
    Reject {
        op_id: Uuid,
        reason: String,
    },
    Ops {
        batch: Committed,
    },
    Presence {
        peer: Peer,
    },
    Left {
        peer_id: Uuid,
    },
    Summon {
        from: String,
        viewport: Viewport,
        /// The facilitator's view of the parent map's pane, for those in the cascade workshop.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partner: Option<Viewport>,
    },
    /// New data changed the map's scores: screens showing them re-read them.
    ScoresChanged {
        map_id: MapId,
    },
    /// A map of the parent or a child unit changed what this map's cascade shows (the
    /// alignments to its objectives, or the objectives its own may support): the client
    /// asks for a fresh snapshot, which carries both.
    CascadeChanged {
        map_id: MapId,
    },
    /// A proposal to or from this map was made or decided: screens listing them re-read them.
    ProposalsChanged {
        map_id: MapId,
    },
    /// An initiative of the map's unit was created or changed: screens listing them re-read them.
    InitiativesChanged {
        map_id: MapId,
    },
    /// A review of this map changed: its page re-reads it.
    ReviewsChanged {
        map_id: MapId,
    },
    /// A comment on an item of this map (or of its unit's initiatives, or its reviews) was
    /// written, changed or resolved: open comment panels re-read their threads.
    CommentsChanged {
        map_id: MapId,
    },
    /// The client is out of step (e.g. a gap in sequences): it should send `Hello` again.
    Resync,
    Pong,
    /// A bad frame; `fatal` means the server closes the connection.
    Error {
        message: String,
        fatal: bool,
    },
}

/// A stable, pleasant colour for a user's cursor, avatar and workshop notes: dark enough for
/// white initials on it (at least 4.5:1).
pub fn peer_colour(user: UserId) -> String {
    const PALETTE: [&str; 10] = [
        "#be123c", "#1d4ed8", "#15803d", "#b45309", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f",
        "#c2410c", "#4338ca",
    ];
    let n = user.0.as_bytes().iter().fold(0usize, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(usize::from(*b))
    });
    PALETTE[n % PALETTE.len()].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::layout::{Frame, BAND_HEIGHT, BOX_HEIGHT, HEADER_HEIGHT};

    /// A map with the four default perspectives (top first) and one Customer objective in the
    /// middle of its band.
    fn doc() -> MapDocument {
        let doc = crate::domain::fixtures::acme_doc();
        let customer = Objective::new(doc.map.id, doc.perspectives[1].id, "Delight customers")
            .with_position(400.0, middle(1));
        MapDocument {
            objectives: vec![customer],
            ..doc
        }
    }

    fn middle(band: usize) -> f64 {
        HEADER_HEIGHT + BAND_HEIGHT * (band as f64 + 0.5)
    }

    /// The band each objective is drawn in equals its perspective's band.
    fn agree(doc: &MapDocument) -> bool {
        let frame = Frame::of(&doc.perspectives, &doc.themes);
        doc.objectives.iter().all(|o| {
            let band = layout::band_of(&doc.perspectives, o.perspective_id);
            let inside = frame.band(band.unwrap_or(0));
            band == Some(frame.band_at(o.y))
                && o.y - BOX_HEIGHT / 2.0 >= inside.y
                && o.y + BOX_HEIGHT / 2.0 <= inside.y + inside.h
        })
    }

    fn position(id: ObjectiveId, x: f64, y: f64) -> Op {
        set(
            EntityKind::Objective,
            id.0,
            Field::Position,
            Position { x, y },
        )
    }

    #[test]
    fn a_new_objective_drawn_in_another_band_is_placed_in_its_own() {
        let mut d = doc();
        let mut o = d.objectives[0].clone();
        o.id = ObjectiveId::new();
        o.y = middle(3); // a Customer objective in the Learning & Growth band
        apply(
            &mut d,
            &Op::Create {
                item: NewEntity::Objective(o.clone()),
            },
        )
        .unwrap();
        let placed = d.objectives.iter().find(|x| x.id == o.id).unwrap();
        assert_eq!(placed.perspective_id, d.perspectives[1].id);
        assert_eq!(placed.x, o.x);
        assert!(agree(&d));
    }

    #[test]
    fn a_move_into_another_band_takes_the_objective_to_that_perspective() {
        let mut d = doc();
        let id = d.objectives[0].id;
        apply(&mut d, &position(id, 500.0, middle(3) + 10.0)).unwrap();
        let o = &d.objectives[0];
        assert_eq!(o.perspective_id, d.perspectives[3].id);
        assert_eq!(
            (o.x, o.y),
            (500.0, middle(3) + 10.0),
            "dropped where the user let go"
        );
        // Above every band, or with the box sticking out of it: the nearest band, wholly inside.
        apply(&mut d, &position(id, 500.0, -50.0)).unwrap();
        assert_eq!(d.objectives[0].perspective_id, d.perspectives[0].id);
        apply(
            &mut d,
            &position(id, 500.0, HEADER_HEIGHT + 2.0 * BAND_HEIGHT + 1.0),
        )
        .unwrap();
        assert_eq!(d.objectives[0].perspective_id, d.perspectives[2].id);
        assert!(agree(&d));
    }

    #[test]
    fn the_canvas_drop_into_another_band_lands_where_dropped() {
        // The canvas sends the position and the new perspective together.
        let mut d = doc();
        let id = d.objectives[0].id;
        let learning = d.perspectives[3].id;
        let drop = [
            position(id, 520.0, middle(3) - 20.0),
            set(EntityKind::Objective, id.0, Field::Perspective, learning),
        ];
        apply_all(&mut d, &drop).unwrap();
        let o = &d.objectives[0];
        assert_eq!(
            (o.perspective_id, o.x, o.y),
            (learning, 520.0, middle(3) - 20.0)
        );
    }

    #[test]
    fn a_perspective_change_moves_the_box_and_undo_puts_it_back() {
        let mut d = doc();
        let before = d.clone();
        let id = d.objectives[0].id;
        let op = set(
            EntityKind::Objective,
            id.0,
            Field::Perspective,
            d.perspectives[0].id,
        );
        let undo = inverse(&d, &op);
        apply(&mut d, &op).unwrap();
        assert_eq!(d.objectives[0].y, middle(0), "same place in the new band");
        assert!(agree(&d));
        apply_all(&mut d, &undo).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn boxes_move_with_their_band_when_bands_change() {
        let mut d = doc();
        let (financial, customer) = (d.perspectives[0].id, d.perspectives[1].id);
        // Swap Financial and Customer.
        apply_all(
            &mut d,
            &[
                set(EntityKind::Perspective, financial.0, Field::Rank, 1),
                set(EntityKind::Perspective, customer.0, Field::Rank, 0),
            ],
        )
        .unwrap();
        assert_eq!(d.perspectives[0].id, customer);
        assert_eq!(d.objectives[0].y, middle(0));
        assert!(agree(&d));
        // A new band on top pushes every box down one band; deleting it brings them back.
        let top = Perspective::new(d.map.id, "Mission", -1);
        apply(
            &mut d,
            &Op::Create {
                item: NewEntity::Perspective(top.clone()),
            },
        )
        .unwrap();
        assert_eq!(d.objectives[0].y, middle(1));
        assert!(agree(&d));
        apply(
            &mut d,
            &Op::Delete {
                entity: EntityKind::Perspective,
                id: top.id.0,
            },
        )
        .unwrap();
        assert_eq!(d.objectives[0].y, middle(0));
        assert!(agree(&d));
    }
    #[test]
    fn a_map_is_renamed_given_a_period_and_a_status_by_ops_and_undone() {
        let mut doc = doc();
        let id = doc.map.id.0;
        let (start, end) = (
            crate::domain::Period::new(2027, 1).unwrap(),
            crate::domain::Period::new(2029, 12).unwrap(),
        );
        let before = doc.clone();
        let ops = [
            set(EntityKind::Map, id, Field::Name, "  Plan 2027  "),
            set(EntityKind::Map, id, Field::Period, MapPeriod { start, end }),
            set(EntityKind::Map, id, Field::Status, MapStatus::Active),
        ];
        let undo: Vec<Op> = ops
            .iter()
            .rev()
            .flat_map(|op| {
                let mut at = before.clone();
                apply_all(&mut at, &ops[..ops.iter().position(|o| o == op).unwrap()]).unwrap();
                inverse(&at, op)
            })
            .collect();
        apply_all(&mut doc, &ops).unwrap();
        assert_eq!(doc.map.name, "Plan 2027");
        assert_eq!((doc.map.period_start, doc.map.period_end), (start, end));
        assert_eq!(doc.map.status, MapStatus::Active);
        apply_all(&mut doc, &undo).unwrap();
        assert_eq!(doc.map, before.map);
    }

    #[test]
    fn a_reversed_period_or_an_unknown_status_is_refused() {
        let mut doc = doc();
        let id = doc.map.id.0;
        let reversed = MapPeriod {
            start: crate::domain::Period::new(2027, 1).unwrap(),
            end: crate::domain::Period::new(2026, 12).unwrap(),
        };
        let before = doc.clone();
        assert_eq!(
            apply(&mut doc, &set(EntityKind::Map, id, Field::Period, reversed)),
            Err(OpError::Invalid(ValidationError::PeriodReversed))
        );
        assert!(matches!(
            apply(
                &mut doc,
                &set(EntityKind::Map, id, Field::Status, "retired")
            ),
            Err(OpError::BadValue { .. })
        ));
        assert_eq!(doc, before);
    }

    #[test]
    fn an_archived_map_takes_only_a_status_change() {
        let mut doc = doc();
        let id = doc.map.id.0;
        apply(
            &mut doc,
            &set(EntityKind::Map, id, Field::Status, MapStatus::Archived),
        )
        .unwrap();
        let objective = doc.objectives[0].id.0;
        for op in [
            set(EntityKind::Map, id, Field::Name, "Renamed"),
            set(EntityKind::Objective, objective, Field::Title, "Changed"),
            Op::Delete {
                entity: EntityKind::Objective,
                id: objective,
            },
        ] {
            assert_eq!(apply(&mut doc, &op), Err(OpError::MapArchived), "{op:?}");
        }
        apply(
            &mut doc,
            &set(EntityKind::Map, id, Field::Status, MapStatus::Draft),
        )
        .unwrap();
        apply(&mut doc, &set(EntityKind::Map, id, Field::Name, "Renamed")).unwrap();
        assert_eq!(doc.map.name, "Renamed");
    }
}

#[cfg(test)]
mod presence_tests {
    use super::*;

    fn viewport(x: f64, y: f64, zoom: f64) -> Viewport {
        Viewport { x, y, zoom }
    }

    #[test]
    fn an_ordinary_presence_is_valid() {
        let state = PresenceState {
            cursor: Some(Position { x: 420.0, y: -35.5 }),
            selection: (0..MAX_PRESENCE_SELECTION)
                .map(|_| ObjectiveId::new())
                .collect(),
            editing: Some(ObjectiveId::new()),
            viewport: Some(viewport(-10.0, -10.0, 1.5)),
            elsewhere: true,
            writing: Some(StrategyPart::Theme(ThemeId::new())),
        };
        assert_eq!(state.validate(), Ok(()));
        assert_eq!(PresenceState::default().validate(), Ok(()));
    }

    #[test]
    fn a_long_selection_is_refused() {
        let state = PresenceState {
            selection: (0..=MAX_PRESENCE_SELECTION)
                .map(|_| ObjectiveId::new())
                .collect(),
            ..PresenceState::default()
        };
        let err = state.validate().unwrap_err();
        assert!(err.to_string().contains("selected objectives"), "{err}");
    }

    #[test]
    fn absurd_numbers_are_refused() {
        for (cursor, view) in [
            (
                Some(Position {
                    x: f64::NAN,
                    y: 0.0,
                }),
                None,
            ),
            (
                Some(Position {
                    x: 0.0,
                    y: f64::INFINITY,
                }),
                None,
            ),
            (Some(Position { x: 2.0e6, y: 0.0 }), None),
            (None, Some(viewport(0.0, 0.0, 0.0))),
            (None, Some(viewport(0.0, 0.0, -1.0))),
            (None, Some(viewport(0.0, 0.0, 1.0e9))),
            (None, Some(viewport(-1.0e7, 0.0, 1.0))),
            (None, Some(viewport(0.0, f64::NAN, 1.0))),
        ] {
            let state = PresenceState {
                cursor,
                viewport: view,
                ..PresenceState::default()
            };
            assert!(state.validate().is_err(), "{state:?}");
        }
        assert!(viewport(0.0, 0.0, 0.0).validate().is_err());
        assert_eq!(viewport(5.0, 6.0, 1.5).validate(), Ok(()));
    }

    mod alignment {
        use super::*;
        use crate::domain::fixtures::services_doc;

        fn align(doc: &MapDocument, parent: usize) -> Alignment {
            Alignment::new(doc.objectives[0].id, doc.parent_objectives[parent].id)
        }

        #[test]
        fn a_unit_objective_aligns_to_what_the_parent_unit_s_maps_hold() {
            let mut d = services_doc();
            let a = align(&d, 1).with_note("  Faster onboarding keeps customers ");
            apply(
                &mut d,
                &Op::Align {
                    alignment: a.clone(),
                },
            )
            .unwrap();
            assert_eq!(d.alignments.len(), 1);
            let shown = &d.alignments[0];
            assert_eq!(shown.parent_title, "Keep customers");
            assert_eq!(shown.note, "Faster onboarding keeps customers", "trimmed");
            // The same pair again, or the same id: refused, nothing changes.
            let again = Alignment::new(a.unit_objective_id, a.parent_objective_id);
            assert_eq!(
                apply(&mut d, &Op::Align { alignment: again }),
                Err(OpError::Invalid(ValidationError::DuplicateAlignment))
            );
            assert_eq!(
                apply(&mut d, &Op::Align { alignment: a }),
                Err(OpError::Duplicate)
            );
            assert_eq!(d.alignments.len(), 1);
        }

        #[test]
        fn an_alignment_to_anything_but_the_parent_unit_s_maps_is_refused() {
            let mut d = services_doc();
            let elsewhere = Alignment::new(d.objectives[0].id, ObjectiveId::new());
            assert_eq!(
                apply(
                    &mut d,
                    &Op::Align {
                        alignment: elsewhere
                    }
                ),
                Err(OpError::Invalid(ValidationError::AlignmentNotToParent))
            );
            // A parent objective the list names but whose unit is not the parent.
            let mut wrong_unit = d.clone();
            wrong_unit.parent_objectives[0].org_unit_id = OrgUnitId::new();
            let a = align(&wrong_unit, 0);
            assert_eq!(
                apply(&mut wrong_unit, &Op::Align { alignment: a }),
                Err(OpError::Invalid(ValidationError::AlignmentNotToParent))
            );
            // An objective that is not on this map.
            let stranger = Alignment::new(ObjectiveId::new(), d.parent_objectives[0].id);
            assert_eq!(
                apply(
                    &mut d,
                    &Op::Align {
                        alignment: stranger
                    }
                ),
                Err(OpError::Missing(EntityKind::Objective))
            );
            // The top unit's map supports nothing.
            let acme = crate::domain::fixtures::acme_doc();
            let mut top = MapDocument {
                objectives: vec![Objective::new(acme.map.id, acme.perspectives[0].id, "Grow")],
                ..acme
            };
            top.parent_objectives = d.parent_objectives.clone();
            let a = Alignment::new(top.objectives[0].id, d.parent_objectives[0].id);
            assert_eq!(
                apply(&mut top, &Op::Align { alignment: a }),
                Err(OpError::Invalid(ValidationError::AlignmentNotToParent))
            );
            assert!(d.alignments.is_empty() && top.alignments.is_empty());
        }

        #[test]
        fn align_unalign_and_the_note_undo_exactly() {
            let start = services_doc();
            let a = align(&start, 0).with_note("Upsell");
            let mut d = start.clone();
            let made = Op::Align {
                alignment: a.clone(),
            };
            let undo_made = inverse(&d, &made);
            apply(&mut d, &made).unwrap();
            assert_eq!(undo_made, vec![Op::Unalign { id: a.id }]);

            let before_note = d.clone();
            let note = set(
                EntityKind::Alignment,
                a.id.0,
                Field::Note,
                "Upsell managed services",
            );
            let undo_note = inverse(&d, &note);
            apply(&mut d, &note).unwrap();
            assert_eq!(d.alignments[0].note, "Upsell managed services");
            apply_all(&mut d, &undo_note).unwrap();
            assert_eq!(d, before_note);

            let removed = Op::Delete {
                entity: EntityKind::Alignment,
                id: a.id.0,
            };
            let undo_removed = inverse(&d, &removed);
            apply(&mut d, &removed).unwrap();
            assert!(d.alignments.is_empty());
            apply_all(&mut d, &undo_removed).unwrap();
            assert_eq!(d, before_note, "back with its id and note");

            apply_all(&mut d, &undo_made).unwrap();
            assert_eq!(d, start);
            assert_eq!(
                apply(&mut d, &Op::Unalign { id: a.id }),
                Err(OpError::Missing(EntityKind::Alignment))
            );
        }

        #[test]
        fn a_deleted_objective_takes_its_alignments_and_undo_brings_them_back() {
            let mut d = services_doc();
            let a = align(&d, 1);
            apply(&mut d, &Op::Align { alignment: a }).unwrap();
            let aligned = d.clone();
            let id = d.objectives[0].id;
            let delete = Op::Delete {
                entity: EntityKind::Objective,
                id: id.0,
            };
            let undo = inverse(&d, &delete);
            apply(&mut d, &delete).unwrap();
            assert!(d.alignments.is_empty());
            assert_eq!(d.deleted_alignments.len(), 1);
            apply_all(&mut d, &undo).unwrap();
            assert_eq!(d.alignments, aligned.alignments);
            assert!(d.deleted_alignments.is_empty());
        }

        #[test]
        fn a_note_too_long_is_refused() {
            let mut d = services_doc();
            let a = align(&d, 0);
            apply(
                &mut d,
                &Op::Align {
                    alignment: a.clone(),
                },
            )
            .unwrap();
            let long = "x".repeat(validation::MAX_TEXT + 1);
            assert!(matches!(
                apply(
                    &mut d,
                    &set(EntityKind::Alignment, a.id.0, Field::Note, long.clone())
                ),
                Err(OpError::Invalid(ValidationError::TooLong { .. }))
            ));
            let b = Alignment::new(a.unit_objective_id, d.parent_objectives[1].id).with_note(long);
            assert!(apply(&mut d, &Op::Align { alignment: b }).is_err());
            assert_eq!(d.alignments.len(), 1);
        }
    }
}
