//! The audit history made readable: what each stored change *was* — "Title: 'Grow revenue' →
//! 'Grow revenue by 25 %'", an objective created, a link added, a target set — as typed data
//! ([`Change`]), translated only when shown ([`Change::text`]).
//!
//! Map edits are recorded when they commit: [`describe_batch`] steps a copy of the document
//! through the batch's ops and reads each field's value before and after, so the old value is
//! kept even though an op carries only the new one. Other audit rows (created, data entered,
//! sign-ins, role grants, token use) are read back from their stored detail by [`read_row`].
//! Pure: no I/O.

use super::ids::*;
use super::model::*;
use super::ops::{self, EntityKind, Field, NewEntity, Op, OpError};
use crate::i18n::{format_number, td_string, Locale};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most entries one history page holds.
pub const PAGE_SIZE: usize = 50;
/// The longest email of a failed sign-in that is kept (the rest is cut).
pub const MAX_TRIED_EMAIL: usize = 120;

/// A value before or after a change, as people read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Value {
    /// Nothing (no owner, no baseline, an empty text).
    Empty,
    /// A text, shown in quotes.
    Text(String),
    /// A number, shown with the reader's decimal mark.
    Number(f64),
    /// The name of something the field points to (a person, a perspective, a theme).
    Name(String),
    /// A word from a fixed list (a polarity, a frequency), shown as stored.
    Word(String),
}

/// One readable change. Names are the ones the item had when it changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// An item was created.
    Created { entity: String, name: String },
    /// An item was deleted.
    Deleted { entity: String, name: String },
    /// One field of an item changed.
    Field {
        entity: String,
        name: String,
        field: Field,
        old: Value,
        new: Value,
    },
    /// An objective was moved on the map.
    Moved { name: String },
    /// A cause-and-effect link was added.
    LinkAdded { from: String, to: String },
    /// A cause-and-effect link was removed.
    LinkRemoved { from: String, to: String },
    /// A unit objective was aligned to a parent-map objective it supports.
    Aligned { objective: String, parent: String },
    /// An alignment was removed.
    Unaligned { objective: String, parent: String },
    /// An actual was entered for a period.
    Actual { period: String, value: f64 },
    /// A target (goal and red flag) was set for a period; `old`: the goal and red flag it
    /// replaced, if there was one.
    Target {
        period: String,
        goal: f64,
        red_flag: f64,
        #[serde(default)]
        old: Option<(f64, f64)>,
    },
    /// An actual or a target of a period was cleared.
    Cleared { target: bool, period: String },
    /// A person got a role on a unit (`old`: the role they held there before).
    RoleGranted {
        role: String,
        old: Option<String>,
        person: String,
        unit: String,
    },
    /// Someone signed in.
    SignedIn,
    /// A sign-in failed; the email that was tried (never the password).
    SignInFailed { email: String },
    /// An API token was used (recorded at most once an hour per token).
    TokenUsed { name: String },
    /// Something was revoked (an API token, a display link).
    Revoked { entity: String },
    /// A step of the map's workshop (`step`: [`super::workshop::WorkshopOp::step`]); never what
    /// a note says or what anyone voted for.
    Workshop { step: String },
    /// A change this version cannot describe more precisely: its action, kind and detail.
    Other {
        action: String,
        entity: String,
        detail: String,
    },
}

/// A change and the ids of the items it concerns (the item, and for a link both ends).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub about: Vec<Uuid>,
    #[serde(flatten)]
    pub change: Change,
}

/// What the audit row of one map edit holds as its detail (JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditDetail {
    pub seq: i64,
    pub changes: Vec<Recorded>,
}

/// One line of a history as the History tab and the audit page show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who, by name (`None`: the system, an import without a person, or someone since removed).
    pub who: Option<String>,
    /// The kind of item the audit row is about (`objective`, `map`, `user`…).
    pub entity: String,
    /// The id of that item.
    pub entity_id: String,
    pub change: Change,
}

/// A page of history, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// Whether older entries follow (ask for the next page).
    pub more: bool,
}

/// The kinds of item with a History view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Objective,
    Measure,
    Map,
    Unit,
    User,
}

impl std::str::FromStr for HistoryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "objective" => Ok(HistoryKind::Objective),
            "measure" => Ok(HistoryKind::Measure),
            "map" => Ok(HistoryKind::Map),
            "unit" | "org_unit" => Ok(HistoryKind::Unit),
            "user" => Ok(HistoryKind::User),
            other => Err(format!("unknown kind \"{other}\"")),
        }
    }
}

/// Describes one batch of ops as they apply to `doc` (which ends as the document after them).
/// An op the domain refuses stops the description with its error (the batch was not committed).
pub fn describe_batch(doc: &mut MapDocument, batch: &[Op]) -> Result<Vec<Recorded>, OpError> {
    let mut out = Vec::new();
    for op in batch {
        out.extend(describe_op(doc, op)?);
    }
    Ok(out)
}

/// The title of objective `id` in `doc`, or empty.
fn objective_title(doc: &MapDocument, id: ObjectiveId) -> String {
    doc.objectives
        .iter()
        .find(|o| o.id == id)
        .map(|o| o.title.clone())
        .unwrap_or_default()
}

/// The name of an item of `doc` as people know it (a title for objectives, a name otherwise).
fn item_name(doc: &MapDocument, entity: EntityKind, id: Uuid) -> String {
    match entity {
        EntityKind::Objective => objective_title(doc, ObjectiveId(id)),
        EntityKind::Measure => find_name(doc.measures.iter().map(|m| (m.id.0, &m.name)), id),
        EntityKind::Theme => find_name(doc.themes.iter().map(|t| (t.id.0, &t.name)), id),
        EntityKind::Perspective => {
            find_name(doc.perspectives.iter().map(|p| (p.id.0, &p.name)), id)
        }
        EntityKind::Map => doc.map.name.clone(),
        EntityKind::Link => doc
            .links
            .iter()
            .find(|l| l.id.0 == id)
            .map(|l| {
                format!(
                    "{} → {}",
                    objective_title(doc, l.from_id),
                    objective_title(doc, l.to_id)
                )
            })
            .unwrap_or_default(),
        EntityKind::Alignment => doc
            .alignments
            .iter()
            .find(|a| a.id.0 == id)
            .map(|a| {
                format!(
                    "{} → {}",
                    objective_title(doc, a.unit_objective_id),
                    a.parent_title
                )
            })
            .unwrap_or_default(),
    }
}

/// The title of parent-map objective `id` as the unit map's document knows it, or empty.
fn parent_title(doc: &MapDocument, id: ObjectiveId) -> String {
    doc.parent_objectives
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.title.clone())
        .unwrap_or_default()
}

fn find_name<'a>(mut items: impl Iterator<Item = (Uuid, &'a String)>, id: Uuid) -> String {
    items
        .find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// A field's value in `doc` as people read it: ids named, JSON made plain.
fn readable(doc: &MapDocument, field: Field, value: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    let id = || value.as_str().and_then(|s| s.parse::<Uuid>().ok());
    match field {
        Field::Owner | Field::DataOwner => match id() {
            Some(id) => Value::Name(
                doc.people
                    .iter()
                    .find(|p| p.id.0 == id)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| id.to_string()),
            ),
            None => Value::Empty,
        },
        Field::Perspective => match id() {
            Some(id) => Value::Name(item_name(doc, EntityKind::Perspective, id)),
            None => Value::Empty,
        },
        Field::Theme => match id() {
            Some(id) => Value::Name(item_name(doc, EntityKind::Theme, id)),
            None => Value::Empty,
        },
        _ => match value {
            J::Null => Value::Empty,
            J::String(s) if s.is_empty() => Value::Empty,
            J::String(s) if is_word(field) => Value::Word(s.clone()),
            J::String(s) => Value::Text(s.clone()),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            J::Bool(b) => Value::Word(b.to_string()),
            J::Array(items) if items.is_empty() => Value::Empty,
            J::Array(items) => Value::Text(
                items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            other => Value::Text(other.to_string()),
        },
    }
}

/// Fields whose values come from a fixed list.
fn is_word(field: Field) -> bool {
    matches!(
        field,
        Field::RollUp
            | Field::Frequency
            | Field::Polarity
            | Field::Indicator
            | Field::DataSource
            | Field::Scoring
            | Field::Aggregation
            | Field::MissingData
            | Field::Colour
    )
}

/// Describes one op and applies it to `doc`.
fn describe_op(doc: &mut MapDocument, op: &Op) -> Result<Vec<Recorded>, OpError> {
    let mut out = Vec::new();
    match op {
        Op::Create { item } => {
            ops::apply(doc, op)?;
            let (entity, id, name) = match item {
                NewEntity::Objective(o) => (EntityKind::Objective, o.id.0, o.title.trim()),
                NewEntity::Theme(t) => (EntityKind::Theme, t.id.0, t.name.trim()),
                NewEntity::Perspective(p) => (EntityKind::Perspective, p.id.0, p.name.trim()),
                NewEntity::Measure(m) => (EntityKind::Measure, m.id.0, m.name.trim()),
            };
            let mut about = vec![id];
            if let NewEntity::Measure(m) = item {
                about.push(m.objective_id.0);
            }
            out.push(Recorded {
                about,
                change: Change::Created {
                    entity: entity.to_string(),
                    name: name.to_string(),
                },
            });
        }
        Op::Delete { entity, id } => {
            let name = item_name(doc, *entity, *id);
            let mut about = vec![*id];
            if *entity == EntityKind::Link {
                return describe_op(doc, &Op::Unlink { id: LinkId(*id) });
            }
            if *entity == EntityKind::Alignment {
                return describe_op(
                    doc,
                    &Op::Unalign {
                        id: AlignmentId(*id),
                    },
                );
            }
            if *entity == EntityKind::Measure {
                about.extend(
                    doc.measures
                        .iter()
                        .filter(|m| m.id.0 == *id)
                        .map(|m| m.objective_id.0),
                );
            }
            ops::apply(doc, op)?;
            out.push(Recorded {
                about,
                change: Change::Deleted {
                    entity: entity.to_string(),
                    name,
                },
            });
        }
        Op::Link { link } => {
            ops::apply(doc, op)?;
            out.push(Recorded {
                about: vec![link.id.0, link.from_id.0, link.to_id.0],
                change: Change::LinkAdded {
                    from: objective_title(doc, link.from_id),
                    to: objective_title(doc, link.to_id),
                },
            });
        }
        Op::Unlink { id } => {
            let link = doc.links.iter().find(|l| l.id == *id).cloned();
            ops::apply(doc, op)?;
            if let Some(l) = link {
                out.push(Recorded {
                    about: vec![l.id.0, l.from_id.0, l.to_id.0],
                    change: Change::LinkRemoved {
                        from: objective_title(doc, l.from_id),
                        to: objective_title(doc, l.to_id),
                    },
                });
            }
        }
        Op::Align { alignment } => {
            ops::apply(doc, op)?;
            out.push(Recorded {
                about: vec![alignment.id.0, alignment.unit_objective_id.0],
                change: Change::Aligned {
                    objective: objective_title(doc, alignment.unit_objective_id),
                    parent: parent_title(doc, alignment.parent_objective_id),
                },
            });
        }
        Op::Workshop { change, .. } => {
            ops::apply(doc, op)?;
            out.push(Recorded {
                about: Vec::new(),
                change: Change::Workshop {
                    step: change.step().to_string(),
                },
            });
        }
        Op::Unalign { id } => {
            let gone = doc.alignments.iter().find(|a| a.id == *id).cloned();
            ops::apply(doc, op)?;
            if let Some(a) = gone {
                out.push(Recorded {
                    about: vec![a.id.0, a.unit_objective_id.0],
                    change: Change::Unaligned {
                        objective: objective_title(doc, a.unit_objective_id),
                        parent: a.parent_title,
                    },
                });
            }
        }
        Op::Set {
            entity, id, field, ..
        } => {
            let name = item_name(doc, *entity, *id);
            let before = ops::current_value(doc, *entity, *id, *field);
            let old = before.as_ref().map(|v| readable(doc, *field, v));
            ops::apply(doc, op)?;
            let after = ops::current_value(doc, *entity, *id, *field);
            let new = after.as_ref().map(|v| readable(doc, *field, v));
            let mut about = vec![*id];
            if *entity == EntityKind::Measure {
                about.extend(
                    doc.measures
                        .iter()
                        .filter(|m| m.id.0 == *id)
                        .map(|m| m.objective_id.0),
                );
            }
            if *field == Field::Position {
                if before != after {
                    out.push(Recorded {
                        about,
                        change: Change::Moved { name },
                    });
                }
            } else if before != after {
                out.push(Recorded {
                    about,
                    change: Change::Field {
                        entity: entity.to_string(),
                        name,
                        field: *field,
                        old: old.unwrap_or(Value::Empty),
                        new: new.unwrap_or(Value::Empty),
                    },
                });
            }
        }
    }
    Ok(out)
}

/// The changes of a map edit's detail that concern `item` (all of them for `None`).
pub fn changes_about(detail: &EditDetail, item: Option<Uuid>) -> Vec<Change> {
    detail
        .changes
        .iter()
        .filter(|r| item.is_none_or(|id| r.about.contains(&id)))
        .map(|r| r.change.clone())
        .collect()
}

/// The detail of a role grant's audit row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrantDetail {
    pub role: String,
    pub old: Option<String>,
    pub person: String,
    pub unit: String,
}

/// Reads one stored audit row back as readable changes: a map edit (`edit`, JSON detail) gives
/// those of its changes that concern `item` (all for `None`); every other row gives one change.
/// A row of an older format still reads, as [`Change::Other`].
pub fn read_row(action: &str, entity: &str, detail: &str, item: Option<Uuid>) -> Vec<Change> {
    let other = || Change::Other {
        action: action.to_string(),
        entity: entity.to_string(),
        detail: detail.to_string(),
    };
    match action {
        "edit" => match serde_json::from_str::<EditDetail>(detail) {
            Ok(d) => changes_about(&d, item),
            Err(_) => vec![other()],
        },
        "create" => vec![Change::Created {
            entity: entity.to_string(),
            name: detail.to_string(),
        }],
        "delete" => vec![Change::Deleted {
            entity: entity.to_string(),
            name: detail.to_string(),
        }],
        "revoke" => vec![Change::Revoked {
            entity: entity.to_string(),
        }],
        "data" => read_data(detail).unwrap_or_else(|| vec![other()]),
        "grant" => match serde_json::from_str::<GrantDetail>(detail) {
            Ok(g) => vec![Change::RoleGranted {
                role: g.role,
                old: g.old,
                person: g.person,
                unit: g.unit,
            }],
            Err(_) => vec![other()],
        },
        "sign_in" => vec![Change::SignedIn],
        "sign_in_failed" => vec![Change::SignInFailed {
            email: detail.to_string(),
        }],
        "use" => vec![Change::TokenUsed {
            name: detail.to_string(),
        }],
        _ => vec![other()],
    }
}

/// The entries of a data row's detail ("actual 2024-03 = 12.5; target 2024-03 = 20 (red flag
/// 15); actual 2024-02 cleared"), or `None` when it is not in that form. A leading
/// "API token …: " (who wrote it) is skipped; "… and N more" is dropped.
pub fn read_data(detail: &str) -> Option<Vec<Change>> {
    let body = match detail.find(": ") {
        Some(i) if !detail.starts_with("actual ") && !detail.starts_with("target ") => {
            &detail[i + 2..]
        }
        _ => detail,
    };
    let mut out = Vec::new();
    for part in body.split("; ") {
        if part.starts_with('…') {
            continue;
        }
        let (kind, rest) = part.split_once(' ')?;
        let target = match kind {
            "actual" => false,
            "target" => true,
            _ => return None,
        };
        if let Some(period) = rest.strip_suffix(" cleared") {
            out.push(Change::Cleared {
                target,
                period: period.to_string(),
            });
            continue;
        }
        let (period, value) = rest.split_once(" = ")?;
        if target {
            // "20 (red flag 15)", then " was 18 (red flag 12)" when it replaced one.
            let (now, was) = match value.split_once(") was ") {
                Some((now, was)) => (format!("{now})"), Some(was)),
                None => (value.to_string(), None),
            };
            let pair = |text: &str| -> Option<(f64, f64)> {
                let (goal, red) = text.split_once(" (red flag ")?;
                let red = red.strip_suffix(')')?;
                Some((goal.parse().ok()?, red.parse().ok()?))
            };
            let (goal, red_flag) = pair(&now)?;
            let old = match was {
                Some(was) => Some(pair(was)?),
                None => None,
            };
            out.push(Change::Target {
                period: period.to_string(),
                goal,
                red_flag,
                old,
            });
        } else {
            out.push(Change::Actual {
                period: period.to_string(),
                value: value.parse().ok()?,
            });
        }
    }
    Some(out)
}

/// A number as the reader writes it: up to 4 decimals, trailing zeros dropped.
pub fn number_text(locale: Locale, n: f64) -> String {
    let decimals = (0..=4u8)
        .find(|d| {
            let scale = 10f64.powi(i32::from(*d));
            ((n * scale).round() - n * scale).abs() < 1e-9
        })
        .unwrap_or(4);
    format_number(locale, n, decimals)
}

impl Value {
    /// The value in `locale`: texts in quotes, numbers with the locale's marks, nothing as "(none)".
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Value::Empty => td_string!(locale, history.value.empty).to_string(),
            Value::Text(s) => format!("'{s}'"),
            Value::Number(n) => number_text(locale, *n),
            Value::Name(s) | Value::Word(s) => s.clone(),
        }
    }
}

/// The name of a kind of item in `locale` ("objective", "Ziel").
pub fn entity_text(locale: Locale, entity: &str) -> String {
    match entity {
        "org_unit" => crate::error::thing_name(locale, "org unit"),
        "api_token" => crate::error::thing_name(locale, "API token"),
        "display_link" => crate::error::thing_name(locale, "display link"),
        "membership" => td_string!(locale, history.thing.membership).to_string(),
        other => crate::error::thing_name(locale, other),
    }
}

/// A field's label in `locale` ("Title", "Titel").
pub fn field_text(locale: Locale, field: Field) -> String {
    match field {
        Field::Title => td_string!(locale, history.field.title),
        Field::Description => td_string!(locale, history.field.description),
        Field::Owner => td_string!(locale, history.field.owner),
        Field::Perspective => td_string!(locale, history.field.perspective),
        Field::Theme => td_string!(locale, history.field.theme),
        Field::Position => td_string!(locale, history.field.position),
        Field::Hypothesis => td_string!(locale, history.field.hypothesis),
        Field::Direction => td_string!(locale, history.field.direction),
        Field::Lag => td_string!(locale, history.field.lag),
        Field::Name => td_string!(locale, history.field.name),
        Field::Colour => td_string!(locale, history.field.colour),
        Field::Rank => td_string!(locale, history.field.rank),
        Field::Vision => td_string!(locale, history.field.vision),
        Field::Mission => td_string!(locale, history.field.mission),
        Field::Values => td_string!(locale, history.field.values),
        Field::Weight => td_string!(locale, history.field.weight),
        Field::RollUp => td_string!(locale, history.field.rollup),
        Field::Local => td_string!(locale, history.field.local),
        Field::UnitRollUp => td_string!(locale, history.field.unit_rollup),
        Field::HealthOff => td_string!(locale, history.field.health_off),
        Field::Definition => td_string!(locale, history.field.definition),
        Field::Unit => td_string!(locale, history.field.unit),
        Field::Decimals => td_string!(locale, history.field.decimals),
        Field::Frequency => td_string!(locale, history.field.frequency),
        Field::Polarity => td_string!(locale, history.field.polarity),
        Field::Indicator => td_string!(locale, history.field.indicator),
        Field::DataSource => td_string!(locale, history.field.data_source),
        Field::DataOwner => td_string!(locale, history.field.data_owner),
        Field::Baseline => td_string!(locale, history.field.baseline),
        Field::Scoring => td_string!(locale, history.field.scoring),
        Field::Aggregation => td_string!(locale, history.field.aggregation),
        Field::Formula => td_string!(locale, history.field.formula),
        Field::MissingData => td_string!(locale, history.field.missing_data),
        Field::Period => td_string!(locale, history.field.period),
        Field::Status => td_string!(locale, history.field.status),
        Field::Note => td_string!(locale, history.field.note),
    }
    .to_string()
}

/// A workshop step as the history says it ("added a workshop note").
fn workshop_step_text(locale: Locale, step: &str) -> String {
    match step {
        "opened" => td_string!(locale, history.workshop.opened),
        "closed" => td_string!(locale, history.workshop.closed),
        "note_added" => td_string!(locale, history.workshop.note_added),
        "note_edited" => td_string!(locale, history.workshop.note_edited),
        "note_moved" => td_string!(locale, history.workshop.note_moved),
        "note_deleted" => td_string!(locale, history.workshop.note_deleted),
        "notes_revealed" => td_string!(locale, history.workshop.notes_revealed),
        "clustered" => td_string!(locale, history.workshop.clustered),
        "ungrouped" => td_string!(locale, history.workshop.ungrouped),
        "group_titled" => td_string!(locale, history.workshop.group_titled),
        "vote_started" => td_string!(locale, history.workshop.vote_started),
        "voted" => td_string!(locale, history.workshop.voted),
        "vote_withdrawn" => td_string!(locale, history.workshop.vote_withdrawn),
        "votes_revealed" => td_string!(locale, history.workshop.votes_revealed),
        "timer" => td_string!(locale, history.workshop.timer),
        "promoted" => td_string!(locale, history.workshop.promoted),
        "unpromoted" => td_string!(locale, history.workshop.unpromoted),
        _ => td_string!(locale, history.workshop.other),
    }
    .to_string()
}

impl Change {
    /// The name of the item changed, when the change carries one (the CSV's item column).
    pub fn subject(&self) -> Option<&str> {
        match self {
            Change::Created { name, .. }
            | Change::Deleted { name, .. }
            | Change::Field { name, .. }
            | Change::Moved { name } => Some(name),
            Change::TokenUsed { name } => Some(name),
            Change::RoleGranted { person, .. } => Some(person),
            Change::SignInFailed { email } => Some(email),
            _ => None,
        }
    }

    /// The change as a sentence in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            Change::Created { entity, name } if name.is_empty() => {
                let what = entity_text(locale, entity);
                td_string!(locale, history.change.created_unnamed, what).to_string()
            }
            Change::Created { entity, name } => {
                let what = entity_text(locale, entity);
                td_string!(locale, history.change.created, what, name).to_string()
            }
            Change::Deleted { entity, name } => {
                let what = entity_text(locale, entity);
                td_string!(locale, history.change.deleted, what, name).to_string()
            }
            Change::Field {
                field, old, new, ..
            } => {
                let field = field_text(locale, *field);
                let old = old.text(locale);
                let new = new.text(locale);
                td_string!(locale, history.change.field, field, old, new).to_string()
            }
            Change::Moved { name } => td_string!(locale, history.change.moved, name).to_string(),
            Change::LinkAdded { from, to } => {
                td_string!(locale, history.change.link_added, from, to).to_string()
            }
            Change::LinkRemoved { from, to } => {
                td_string!(locale, history.change.link_removed, from, to).to_string()
            }
            Change::Aligned { objective, parent } => {
                td_string!(locale, history.change.aligned, objective, parent).to_string()
            }
            Change::Unaligned { objective, parent } => {
                td_string!(locale, history.change.unaligned, objective, parent).to_string()
            }
            Change::Workshop { step } => workshop_step_text(locale, step),
            Change::Actual { period, value } => {
                let value = number_text(locale, *value);
                td_string!(locale, history.change.actual, period, value).to_string()
            }
            Change::Target {
                period,
                goal,
                red_flag,
                old,
            } => {
                let goal = number_text(locale, *goal);
                let red_flag = number_text(locale, *red_flag);
                match old {
                    Some((old_goal, old_red)) => {
                        let old_goal = number_text(locale, *old_goal);
                        let old_red = number_text(locale, *old_red);
                        td_string!(
                            locale,
                            history.change.target_changed,
                            period,
                            old_goal,
                            old_red,
                            goal,
                            red_flag
                        )
                        .to_string()
                    }
                    None => td_string!(locale, history.change.target, period, goal, red_flag)
                        .to_string(),
                }
            }
            Change::Cleared { target, period } => {
                if *target {
                    td_string!(locale, history.change.target_cleared, period).to_string()
                } else {
                    td_string!(locale, history.change.actual_cleared, period).to_string()
                }
            }
            Change::RoleGranted {
                role,
                old,
                person,
                unit,
            } => {
                let role = role_text(locale, role);
                match old {
                    Some(old) => {
                        let old = role_text(locale, old);
                        td_string!(locale, history.change.role_changed, person, unit, old, role)
                            .to_string()
                    }
                    None => td_string!(locale, history.change.role_granted, person, unit, role)
                        .to_string(),
                }
            }
            Change::SignedIn => td_string!(locale, history.change.signed_in).to_string(),
            Change::SignInFailed { email } => {
                td_string!(locale, history.change.sign_in_failed, email).to_string()
            }
            Change::TokenUsed { name } => {
                td_string!(locale, history.change.token_used, name).to_string()
            }
            Change::Revoked { entity } => {
                let what = entity_text(locale, entity);
                td_string!(locale, history.change.revoked, what).to_string()
            }
            Change::Other {
                action,
                entity,
                detail,
            } => {
                let what = entity_text(locale, entity);
                let detail = detail_text(locale, action, detail);
                match action_text(locale, action) {
                    Some(verb) if detail.is_empty() => {
                        td_string!(locale, history.change.action, verb, what).to_string()
                    }
                    Some(verb) => {
                        td_string!(locale, history.change.action_detail, verb, what, detail)
                            .to_string()
                    }
                    None => {
                        td_string!(locale, history.change.other, action, what, detail).to_string()
                    }
                }
            }
        }
    }
}

/// What an audit action did, as a verb in `locale` ("Renamed", "Umbenannt"); `None` for an
/// action this version does not know (shown as stored).
fn action_text(locale: Locale, action: &str) -> Option<String> {
    let verb = match action {
        "update" => td_string!(locale, history.action.update),
        "rename" => td_string!(locale, history.action.rename),
        "set_kind" => td_string!(locale, history.action.set_kind),
        "move" => td_string!(locale, history.action.move_to),
        "archive" => td_string!(locale, history.action.archive),
        "unarchive" => td_string!(locale, history.action.unarchive),
        "activate" => td_string!(locale, history.action.activate),
        "deactivate" => td_string!(locale, history.action.deactivate),
        "invite" => td_string!(locale, history.action.invite),
        "accept" => td_string!(locale, history.action.accept),
        "propose" => td_string!(locale, history.action.propose),
        "decline" => td_string!(locale, history.action.decline),
        "change_password" => td_string!(locale, history.action.change_password),
        "create_by_sso" => td_string!(locale, history.action.create_by_sso),
        "sign_in_refused" => td_string!(locale, history.action.sign_in_refused),
        "password_reset" => td_string!(locale, history.action.password_reset),
        "set_reminders" => td_string!(locale, history.action.set_reminders),
        "close" => td_string!(locale, history.action.close),
        "reopen" => td_string!(locale, history.action.reopen),
        "renew_link" => td_string!(locale, history.action.renew_link),
        _ => return None,
    };
    Some(verb.to_string())
}

/// An audit row's detail as shown: a unit kind's change ("business_unit → team") in words, a
/// role in words, reminder settings ("3/1/7") as a sentence, anything else (names, addresses)
/// as stored.
fn detail_text(locale: Locale, action: &str, detail: &str) -> String {
    let kind = |k: &str| {
        k.trim()
            .parse::<super::OrgUnitKind>()
            .map(|k| k.text(locale).to_string())
            .unwrap_or_else(|_| k.trim().to_string())
    };
    match (action, detail.split_once(" → ")) {
        ("set_kind", Some((old, new))) => format!("{} → {}", kind(old), kind(new)),
        ("create_by_sso", _) => role_text(locale, detail),
        ("set_reminders", _) => match detail.split('/').collect::<Vec<_>>()[..] {
            [before, after, escalate] => {
                td_string!(locale, history.reminders, before, after, escalate).to_string()
            }
            _ => detail.to_string(),
        },
        _ => detail.to_string(),
    }
}

/// A role's name in `locale`, or the stored word when it is not a role.
fn role_text(locale: Locale, role: &str) -> String {
    match role.parse::<super::Role>() {
        Ok(r) => crate::error::role_name(locale, r),
        Err(_) => role.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::set;

    /// Acme's map with two objectives in the bottom perspective and one person.
    fn doc_with_objective() -> (MapDocument, Objective) {
        let mut doc = crate::domain::fixtures::acme_doc();
        let p = doc.perspectives[3].id;
        for title in ["Grow revenue", "Delight clients"] {
            let o = Objective::new(doc.map.id, p, title);
            ops::apply(
                &mut doc,
                &Op::Create {
                    item: NewEntity::Objective(o),
                },
            )
            .unwrap();
        }
        doc.people.push(Person {
            id: UserId::new(),
            name: "Ada Lovelace".into(),
        });
        let o = doc.objectives[0].clone();
        (doc, o)
    }

    #[test]
    fn a_rename_keeps_the_old_and_the_new_title() {
        let (mut doc, o) = doc_with_objective();
        let op = set(
            EntityKind::Objective,
            o.id.0,
            Field::Title,
            "  Grow revenue by 25 %",
        );
        let changes = describe_batch(&mut doc, &[op]).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].about, vec![o.id.0]);
        let Change::Field { old, new, .. } = &changes[0].change else {
            panic!("{changes:?}")
        };
        assert_eq!(old, &Value::Text(o.title.clone()));
        assert_eq!(
            new,
            &Value::Text("Grow revenue by 25 %".into()),
            "trimmed as stored"
        );
        let en = changes[0].change.text(Locale::en);
        assert_eq!(en, format!("Title: '{}' → 'Grow revenue by 25 %'", o.title));
        let de = changes[0].change.text(Locale::de);
        assert!(de.starts_with("Titel: '"), "{de}");
    }

    #[test]
    fn a_batch_reads_each_old_value_after_the_ops_before_it() {
        let (mut doc, o) = doc_with_objective();
        let ops = [
            set(EntityKind::Objective, o.id.0, Field::Title, "A"),
            set(EntityKind::Objective, o.id.0, Field::Title, "B"),
        ];
        let changes = describe_batch(&mut doc, &ops).unwrap();
        let texts: Vec<String> = changes.iter().map(|c| c.change.text(Locale::en)).collect();
        assert_eq!(texts[1], "Title: 'A' → 'B'");
        assert_eq!(doc.objectives[0].title, "B", "the document moved on");
    }

    #[test]
    fn owners_and_perspectives_are_named_and_unchanged_sets_say_nothing() {
        let (mut doc, o) = doc_with_objective();
        let person = doc.people[0].clone();
        let other = doc
            .perspectives
            .iter()
            .find(|p| p.id != o.perspective_id)
            .unwrap()
            .clone();
        let ops = [
            set(EntityKind::Objective, o.id.0, Field::Owner, Some(person.id)),
            set(EntityKind::Objective, o.id.0, Field::Perspective, other.id),
            set(
                EntityKind::Objective,
                o.id.0,
                Field::Description,
                o.description.clone(),
            ),
        ];
        let changes = describe_batch(&mut doc, &ops).unwrap();
        assert_eq!(changes.len(), 2, "{changes:?}");
        let Change::Field { new, .. } = &changes[0].change else {
            panic!()
        };
        assert_eq!(new, &Value::Name(person.name.clone()));
        let Change::Field { new, .. } = &changes[1].change else {
            panic!()
        };
        assert_eq!(new, &Value::Name(other.name.clone()));
    }

    #[test]
    fn creates_deletes_moves_and_links_read_as_sentences() {
        let (mut doc, o) = doc_with_objective();
        let other = doc.objectives[1].clone();
        let link = Link {
            id: LinkId(Uuid::now_v7()),
            map_id: doc.map.id,
            from_id: o.id,
            to_id: other.id,
            hypothesis: String::new(),
            direction: Default::default(),
            lag_months: None,
        };
        let existing: Vec<Op> = doc
            .links
            .iter()
            .filter(|l| {
                (l.from_id == o.id && l.to_id == other.id)
                    || (l.from_id == other.id && l.to_id == o.id)
            })
            .map(|l| Op::Unlink { id: l.id })
            .collect();
        describe_batch(&mut doc, &existing).unwrap();
        let ops = [
            Op::Link { link: link.clone() },
            ops::set(
                EntityKind::Objective,
                o.id.0,
                Field::Position,
                ops::Position {
                    x: o.x + 200.0,
                    y: o.y,
                },
            ),
            Op::Delete {
                entity: EntityKind::Objective,
                id: other.id.0,
            },
        ];
        let changes = describe_batch(&mut doc, &ops).unwrap();
        let texts: Vec<String> = changes.iter().map(|c| c.change.text(Locale::en)).collect();
        assert_eq!(
            texts,
            vec![
                format!("Link added: {} → {}", o.title, other.title),
                format!("Moved {} on the map", o.title),
                format!("Deleted objective '{}'", other.title),
            ]
        );
        assert!(
            changes[0].about.contains(&other.id.0),
            "both ends see the link"
        );
    }

    #[test]
    fn numbers_follow_the_locale() {
        let c = Change::Field {
            entity: "measure".into(),
            name: "Revenue".into(),
            field: Field::Baseline,
            old: Value::Number(1234.5),
            new: Value::Empty,
        };
        assert_eq!(c.text(Locale::en), "Baseline: 1,234.5 → (none)");
        assert_eq!(c.text(Locale::de), "Ausgangswert: 1.234,5 → (leer)");
    }

    #[test]
    fn stored_rows_read_back() {
        let data = read_row(
            "data",
            "measure",
            "API token “ERP”: actual 2024-03 = 12.5; target 2024-03 = 20 (red flag 15); target 2024-04 = 1250.5 (red flag 900) was 1000 (red flag 800); actual 2024-02 cleared; … and 3 more",
            None,
        );
        assert_eq!(
            data,
            vec![
                Change::Actual {
                    period: "2024-03".into(),
                    value: 12.5
                },
                Change::Target {
                    period: "2024-03".into(),
                    goal: 20.0,
                    red_flag: 15.0,
                    old: None,
                },
                Change::Target {
                    period: "2024-04".into(),
                    goal: 1250.5,
                    red_flag: 900.0,
                    old: Some((1000.0, 800.0)),
                },
                Change::Cleared {
                    target: false,
                    period: "2024-02".into()
                },
            ]
        );
        assert_eq!(
            data[1].text(Locale::de),
            "Zielwert 2024-03: 20 (rote Schwelle 15)"
        );
        assert_eq!(
            data[2].text(Locale::de),
            "Zielwert 2024-04: 1.000 (rote Schwelle 800) → 1.250,5 (rote Schwelle 900)"
        );
        let legacy = read_row("edit", "map", "seq 5: 6 op(s)", None);
        assert!(matches!(legacy[0], Change::Other { .. }));
        let grant = serde_json::to_string(&GrantDetail {
            role: "editor".into(),
            old: Some("viewer".into()),
            person: "Ada".into(),
            unit: "Sales".into(),
        })
        .unwrap();
        assert_eq!(
            read_row("grant", "membership", &grant, None)[0].text(Locale::en),
            "Ada on Sales: viewer → editor"
        );
        assert_eq!(
            read_row("sign_in_failed", "user", "eve@example.com", None)[0].text(Locale::en),
            "Failed sign-in as eve@example.com"
        );
    }

    #[test]
    fn an_edit_row_gives_only_the_changes_about_the_item() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let detail = EditDetail {
            seq: 3,
            changes: vec![
                Recorded {
                    about: vec![a],
                    change: Change::Moved { name: "A".into() },
                },
                Recorded {
                    about: vec![b],
                    change: Change::Moved { name: "B".into() },
                },
            ],
        };
        let text = serde_json::to_string(&detail).unwrap();
        assert_eq!(read_row("edit", "map", &text, Some(b)).len(), 1);
        assert_eq!(read_row("edit", "map", &text, None).len(), 2);
    }

    #[test]
    fn other_audit_rows_read_in_the_readers_language() {
        let kind = &read_row("set_kind", "org_unit", "business_unit → team", None)[0];
        assert_eq!(
            kind.text(Locale::en),
            "Changed the kind of org unit: Business unit → Team"
        );
        assert!(
            kind.text(Locale::de).contains("in der Art geändert"),
            "{}",
            kind.text(Locale::de)
        );
        let reminders = &read_row("set_reminders", "org_unit", "5/2/10", None)[0];
        assert_eq!(
            reminders.text(Locale::en),
            "Changed the reminders of org unit: 5 days before the deadline, 2 after, escalate after 10"
        );
        let sso = &read_row("create_by_sso", "user", "viewer", None)[0];
        assert!(
            !sso.text(Locale::de).contains("viewer"),
            "{}",
            sso.text(Locale::de)
        );
        // An action this version does not know still shows what was stored.
        let alignment = &read_row("create", "alignment", "", None)[0];
        assert_eq!(alignment.text(Locale::en), "Created alignment");
        let unknown = &read_row("teleport", "map", "far away", None)[0];
        assert!(unknown.text(Locale::en).contains("teleport"));
    }
}
