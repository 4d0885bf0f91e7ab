//! The bodies of the public REST API v1 (`/api/v1/…`): what programs send and receive. They are
//! defined once, here, and the OpenAPI document is generated from them (with `ssr`, where
//! `utoipa` describes them; the browser build never pulls `utoipa` in).

use crate::domain::scoring::Status;
use crate::domain::*;
use serde::{Deserialize, Serialize};

/// The most rows one `POST /api/v1/actuals` may carry.
pub const MAX_BATCH_ROWS: usize = 1000;
/// Requests one token may send at once before it is slowed down (per server instance).
pub const RATE_BURST: u32 = 120;
/// Requests per second one token may keep sending (per server instance).
pub const RATE_PER_SECOND: u32 = 20;

/// Every error of the REST API: a stable code to branch on, a sentence for people, and details
/// (bad rows with their index, bad fields, bad parameters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({
    "code": "validation_failed",
    "message": "2 of 3 rows are invalid; nothing was saved.",
    "details": [
        {"index": 1, "field": "period", "message": "\"2026-13\" is not a period; write it as YYYY-MM, e.g. 2026-03"},
        {"index": 2, "field": "measure_id", "message": "duplicates row 0 (same measure and period)"}
    ]
})))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// Empty unless there is something more specific to say.
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

/// The kind of an error; each has one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON of the documented shape, or a query parameter is malformed.
    BadRequest,
    /// 401: no token, a malformed `Authorization` header, an unknown or a revoked token.
    Unauthorized,
    /// 403: outside the token's scope, or a read-only token writing.
    Forbidden,
    /// 404: no such measure or map (or endpoint).
    NotFound,
    /// 405: the endpoint exists, but not with this method.
    MethodNotAllowed,
    /// 409: the change conflicts with the stored data.
    Conflict,
    /// 413: the body is larger than the server accepts.
    PayloadTooLarge,
    /// 422: well-formed, but some rows break the rules (see `details`).
    ValidationFailed,
    /// 429: too many requests with this token; retry after the `Retry-After` seconds.
    RateLimited,
    /// 500: the server failed; the message carries a reference for the logs.
    Internal,
}

impl ErrorCode {
    /// The HTTP status sent with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// One specific problem: the row (`index`, from 0) and/or field it is about, and what is wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Index of the row in the request's `actuals` array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The field or query parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// A strategy map the token can read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapInfo {
    pub id: MapId,
    #[cfg_attr(feature = "ssr", schema(example = "Northwind Strategy 2025–2027"))]
    pub name: String,
    pub org_unit_id: OrgUnitId,
    #[cfg_attr(feature = "ssr", schema(example = "Northwind Technology Services"))]
    pub org_unit_name: String,
    pub status: MapStatus,
    pub period_start: Period,
    pub period_end: Period,
}

/// `GET /api/v1/maps`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapList {
    pub maps: Vec<MapInfo>,
}

/// A measure (KPI) with where it sits and whether this token may post its actuals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureInfo {
    pub id: MeasureId,
    #[cfg_attr(feature = "ssr", schema(example = "Contract renewal rate"))]
    pub name: String,
    pub definition: String,
    /// Display unit: "%", "days", "€k"…
    #[cfg_attr(feature = "ssr", schema(example = "%"))]
    pub unit: String,
    pub decimals: u8,
    pub frequency: Frequency,
    pub polarity: Polarity,
    pub indicator: Indicator,
    /// `formula` measures are computed: their actuals cannot be posted.
    pub data_source: DataSource,
    pub objective_id: ObjectiveId,
    #[cfg_attr(feature = "ssr", schema(example = "Grow contract renewals to 85 %"))]
    pub objective_title: String,
    pub map_id: MapId,
    pub org_unit_id: OrgUnitId,
    /// This token may post actuals of this measure (read+write token, not a formula).
    pub writable: bool,
}

/// `GET /api/v1/measures`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureList {
    pub measures: Vec<MeasureInfo>,
}

/// Filters of `GET /api/v1/measures`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct MeasureFilter {
    /// Only the measures of this map.
    pub map_id: Option<MapId>,
    /// Only the measures on the maps of this org unit (not of the units below it).
    pub unit_id: Option<OrgUnitId>,
}

/// The span of months of `GET /api/v1/measures/{id}/actuals`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ActualsFilter {
    /// First month, `YYYY-MM` (default: the earliest).
    #[cfg_attr(feature = "ssr", param(example = "2026-01"))]
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: the latest).
    #[cfg_attr(feature = "ssr", param(example = "2026-12"))]
    pub to: Option<String>,
}

/// A stored actual.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActualOut {
    pub period: Period,
    #[cfg_attr(feature = "ssr", schema(example = 84.5))]
    pub value: f64,
    pub note: String,
    /// How it arrived: `manual`, `import` or `api`.
    pub source: DataSource,
    /// When it was entered (RFC 3339).
    #[cfg_attr(feature = "ssr", schema(example = "2026-03-31T17:05:12.345Z"))]
    pub entered_at: String,
}

/// `GET /api/v1/measures/{id}/actuals`: oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActualList {
    pub measure_id: MeasureId,
    pub actuals: Vec<ActualOut>,
}

/// One actual to write: the measure, the month, the value and an optional note. A row for a
/// (measure, month) that already has an actual replaces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActualIn {
    pub measure_id: MeasureId,
    pub period: Period,
    /// A finite number.
    #[cfg_attr(feature = "ssr", schema(example = 84.5))]
    pub value: f64,
    /// At most 4,000 characters; omitted means empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(example = "From the ERP month-end close"))]
    pub note: Option<String>,
}

/// `POST /api/v1/actuals`: up to [`MAX_BATCH_ROWS`] rows, all written in one transaction or none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActualsBatch {
    pub actuals: Vec<ActualIn>,
}

/// What a posted row did to the stored actual.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// There was no actual for this measure and month.
    Created,
    /// The value or note changed.
    Updated,
    /// The same value and note were already stored (a resend).
    Unchanged,
}

/// The outcome of one posted row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowResult {
    /// Index of the row in the request.
    pub index: usize,
    pub measure_id: MeasureId,
    pub period: Period,
    pub status: RowStatus,
}

/// The answer to `POST /api/v1/actuals`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Maps whose scores were recomputed (open maps and dashboards redraw).
    pub maps_rescored: Vec<MapId>,
    pub rows: Vec<RowResult>,
}

/// The span of `GET /api/v1/maps/{id}/scores`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ScoresFilter {
    /// `month` (default), `quarter` or `year`.
    #[cfg_attr(feature = "ssr", param(example = "quarter"))]
    pub kind: Option<String>,
    /// A month inside the span, `YYYY-MM` (default: the current month).
    #[cfg_attr(feature = "ssr", param(example = "2026-03"))]
    pub period: Option<String>,
}

/// The months a score covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SpanInfo {
    /// `month`, `quarter` or `year`.
    #[cfg_attr(feature = "ssr", schema(example = "quarter"))]
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(example = "Q1 2026"))]
    pub label: String,
    pub from: Period,
    pub to: Period,
}

/// A perspective's or theme's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupScore {
    /// The perspective's or theme's id.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Uuid))]
    pub id: uuid::Uuid,
    pub name: String,
    /// 0–10, or null without data.
    pub score: Option<f64>,
    pub status: Status,
}

/// An objective's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ObjectiveScore {
    pub id: ObjectiveId,
    pub title: String,
    pub perspective_id: PerspectiveId,
    pub score: Option<f64>,
    pub status: Status,
}

/// A measure's figures and score for the span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureScoreInfo {
    pub id: MeasureId,
    pub name: String,
    pub objective_id: ObjectiveId,
    /// The span's actual (aggregated for quarters and years), or null.
    pub actual: Option<f64>,
    pub goal: Option<f64>,
    pub red_flag: Option<f64>,
    pub score: Option<f64>,
    pub status: Status,
    /// The latest month with a value, over the whole history.
    pub latest: Option<Period>,
    /// The data is overdue for the measure's frequency.
    pub stale: bool,
    /// Why a formula measure cannot be computed, if it cannot.
    pub error: Option<String>,
}

/// `GET /api/v1/maps/{id}/scores`: every score of a map for one span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapScoresInfo {
    pub map_id: MapId,
    pub map_name: String,
    pub span: SpanInfo,
    /// The whole map's score.
    pub score: Option<f64>,
    pub status: Status,
    pub perspectives: Vec<GroupScore>,
    pub themes: Vec<GroupScore>,
    pub objectives: Vec<ObjectiveScore>,
    pub measures: Vec<MeasureScoreInfo>,
}

/// An alignment: an objective of a unit map supporting an objective of its parent unit's map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlignmentInfo {
    pub id: AlignmentId,
    /// The unit map's objective.
    pub unit_objective_id: ObjectiveId,
    #[cfg_attr(
        feature = "ssr",
        schema(example = "Renew every contract that comes due")
    )]
    pub unit_objective_title: String,
    /// The parent-map objective it supports.
    pub parent_objective_id: ObjectiveId,
    #[cfg_attr(feature = "ssr", schema(example = "Grow contract renewals to 85 %"))]
    pub parent_objective_title: String,
    /// How it contributes (may be empty).
    #[cfg_attr(feature = "ssr", schema(example = "Renewals are most of our revenue"))]
    pub note: String,
}

/// A unit objective of a child unit's map supporting one of this map's objectives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SupporterInfo {
    /// This map's objective.
    pub objective_id: ObjectiveId,
    pub org_unit_id: OrgUnitId,
    #[cfg_attr(feature = "ssr", schema(example = "Managed Services"))]
    pub org_unit_name: String,
    pub map_id: MapId,
    /// The supporting objective on the child unit's map.
    pub supporting_objective_id: ObjectiveId,
    #[cfg_attr(
        feature = "ssr",
        schema(example = "Renew every contract that comes due")
    )]
    pub supporting_objective_title: String,
}

/// `GET /api/v1/maps/{id}/alignments`: what the map's objectives support on the parent unit's
/// maps, and which child units' objectives support its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlignmentList {
    pub alignments: Vec<AlignmentInfo>,
    pub supporters: Vec<SupporterInfo>,
}

/// `POST /api/v1/maps/{id}/alignments`: align one of the map's objectives to a parent-map
/// objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAlignment {
    pub unit_objective_id: ObjectiveId,
    pub parent_objective_id: ObjectiveId,
    #[serde(default)]
    pub note: String,
}

/// `PATCH /api/v1/maps/{id}/alignments/{alignment}`: a new contribution note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlignmentPatch {
    pub note: String,
}

impl AlignmentList {
    /// The alignments and supporters a map document shows, as the API returns them.
    pub fn of(doc: &MapDocument) -> AlignmentList {
        let title = |id: ObjectiveId| {
            doc.objectives
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.title.clone())
                .unwrap_or_default()
        };
        AlignmentList {
            alignments: doc
                .alignments
                .iter()
                .map(|a| AlignmentInfo {
                    id: a.id,
                    unit_objective_id: a.unit_objective_id,
                    unit_objective_title: title(a.unit_objective_id),
                    parent_objective_id: a.parent_objective_id,
                    parent_objective_title: a.parent_title.clone(),
                    note: a.note.clone(),
                })
                .collect(),
            supporters: doc
                .supporters
                .iter()
                .map(|s| SupporterInfo {
                    objective_id: s.parent_objective_id,
                    org_unit_id: s.org_unit_id,
                    org_unit_name: s.unit_name.clone(),
                    map_id: s.map_id,
                    supporting_objective_id: s.objective_id,
                    supporting_objective_title: s.objective_title.clone(),
                })
                .collect(),
        }
    }
}

/// The month of `GET /api/v1/units/{id}/gaps`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct GapFilter {
    /// The month whose statuses colour the cells, `YYYY-MM` (default: the latest month with
    /// data on the unit's map).
    #[cfg_attr(feature = "ssr", param(example = "2026-03"))]
    pub period: Option<String>,
}

/// `GET /api/v1/maps/{id}/proposals`: changes proposed to the map by units below it, and
/// proposed from it to the parent unit's maps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalListInfo {
    /// Made to this map (all of them for its editors, else the caller's own).
    pub incoming: Vec<ProposalInfo>,
    /// Made from this map to maps the caller may view.
    pub outgoing: Vec<ProposalInfo>,
}

/// One proposal: who, why, its status and decision, and (while open) what it changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalInfo {
    pub id: ProposalId,
    /// The map it would change.
    pub map_id: MapId,
    /// The unit map it was made from.
    pub from_map_id: MapId,
    pub author_id: UserId,
    pub author_name: String,
    /// The name of the unit it came from.
    pub from_unit_name: String,
    pub reason: String,
    /// `open`, `accepted` or `declined`.
    pub status: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: String,
    /// While open: its changes to the map as it is now (empty when stale or decided).
    pub changes: Vec<ProposalChangeInfo>,
    /// While open: why it no longer applies, when it does not.
    pub stale: Option<String>,
}

/// One change of a proposal, or between two versions of a map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProposalChangeInfo {
    /// `add` (a new objective), `reword` (an objective's title), `remove` (an objective, between
    /// versions), `link` or `unlink` (an arrow).
    pub kind: String,
    /// The objective added or reworded.
    pub objective_id: Option<ObjectiveId>,
    /// The new objective's perspective.
    pub perspective_id: Option<PerspectiveId>,
    /// The title before a reword.
    pub previous_title: Option<String>,
    /// The new objective's title, or the title after a reword.
    pub title: Option<String>,
    /// The arrow's ends ("from drives to").
    pub from_id: Option<ObjectiveId>,
    pub to_id: Option<ObjectiveId>,
}

/// Two versions of a unit's map compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionCompareInfo {
    pub older_map_id: MapId,
    pub newer_map_id: MapId,
    /// The changes from the older to the newer version, in the older version's terms: a
    /// reworded or removed objective and a removed arrow name the older version's objectives;
    /// an added objective is the newer version's; an added arrow names the older version's
    /// objectives where they carry on, else the newer version's added ones.
    pub changes: Vec<ProposalChangeInfo>,
}

impl From<crate::api::versions::ComparedVersions> for VersionCompareInfo {
    fn from(c: crate::api::versions::ComparedVersions) -> Self {
        VersionCompareInfo {
            older_map_id: c.older.map.id,
            newer_map_id: c.newer.map.id,
            changes: c.diff.changes.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<crate::domain::proposal::ProposalList> for ProposalListInfo {
    fn from(list: crate::domain::proposal::ProposalList) -> Self {
        ProposalListInfo {
            incoming: list.incoming.into_iter().map(Into::into).collect(),
            outgoing: list.outgoing.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<crate::domain::proposal::ProposalView> for ProposalInfo {
    fn from(v: crate::domain::proposal::ProposalView) -> Self {
        let p = v.proposal;
        ProposalInfo {
            id: p.id,
            map_id: p.map_id,
            from_map_id: p.from_map_id,
            author_id: p.author_id,
            author_name: p.author_name,
            from_unit_name: p.from_unit,
            reason: p.reason,
            status: p.status.as_str().to_string(),
            created_at: p.created_at,
            decided_by: p.decided_by,
            decided_at: p.decided_at,
            comment: p.comment,
            changes: v.changes.into_iter().map(Into::into).collect(),
            stale: v.stale.map(|e| e.to_string()),
        }
    }
}

impl From<crate::domain::proposal::Change> for ProposalChangeInfo {
    fn from(c: crate::domain::proposal::Change) -> Self {
        use crate::domain::proposal::Change;
        let empty = ProposalChangeInfo {
            kind: String::new(),
            objective_id: None,
            perspective_id: None,
            previous_title: None,
            title: None,
            from_id: None,
            to_id: None,
        };
        match c {
            Change::Add { objective } => ProposalChangeInfo {
                kind: "add".into(),
                objective_id: Some(objective.id),
                perspective_id: Some(objective.perspective_id),
                title: Some(objective.title),
                ..empty
            },
            Change::Reword {
                objective_id,
                from,
                to,
            } => ProposalChangeInfo {
                kind: "reword".into(),
                objective_id: Some(objective_id),
                previous_title: Some(from),
                title: Some(to),
                ..empty
            },
            Change::Remove { objective_id } => ProposalChangeInfo {
                kind: "remove".into(),
                objective_id: Some(objective_id),
                ..empty
            },
            Change::Link { link } => ProposalChangeInfo {
                kind: "link".into(),
                from_id: Some(link.from_id),
                to_id: Some(link.to_id),
                ..empty
            },
            Change::Unlink { from_id, to_id, .. } => ProposalChangeInfo {
                kind: "unlink".into(),
                from_id: Some(from_id),
                to_id: Some(to_id),
                ..empty
            },
        }
    }
}
