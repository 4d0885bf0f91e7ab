//! Typed identifiers. Every entity gets its own id type so an objective id can never be passed
//! where a measure id is expected; all are UUIDs so clients can mint ids for new entities.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUID v7), so ids sort roughly by creation.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        /// In the REST API's OpenAPI document an id is a UUID string.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                uuid_schema(stringify!($name))
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}
    )*};
}

id_type!(
    /// An org unit: enterprise, business unit or function.
    OrgUnitId,
    /// A strategy map (one per org unit and strategy period).
    MapId,
    /// A perspective band on a map.
    PerspectiveId,
    /// A strategic theme lane on a map.
    ThemeId,
    /// An objective on a map.
    ObjectiveId,
    /// A cause-and-effect link between two objectives.
    LinkId,
    /// A measure (KPI) of an objective.
    MeasureId,
    /// An initiative that moves objectives.
    InitiativeId,
    /// A milestone of an initiative.
    MilestoneId,
    /// A user account.
    UserId,
    /// An alignment of a unit objective to the parent objective it supports.
    AlignmentId,
    /// A change proposed to a parent map by an editor of a unit below it.
    ProposalId,
    /// An API token (REST API v1).
    ApiTokenId,
    /// An uploaded file being imported (a short-lived server session).
    ImportId,
    /// A dashboard: widgets on a grid, composed for an org unit.
    DashboardId,
    /// A widget on a dashboard (its place in the layout JSON).
    WidgetId,
    /// A display link: a secret address that shows dashboards on a meeting-room screen.
    DisplayLinkId,
    /// A strategy review: a unit's meeting on its map, and the frozen record it leaves.
    ReviewId,
    /// An item on a review's agenda.
    ReviewItemId,
    /// A decision taken in a review.
    DecisionId,
    /// An action item: who does what by when, tracked until done.
    ActionItemId,
    /// A comment on an objective, measure, initiative or review item (first of a thread, or a reply).
    CommentId,
    /// A line in someone's inbox: a mention of them, or a reply in their thread.
    NotificationId,
    /// A readiness survey of an org unit.
    SurveyId,
    /// A person a survey was sent to (never tied to their answers).
    RespondentId,
    /// A sticky note of a map's workshop, made by its author's browser.
    NoteId,
    /// A group of workshop notes dragged onto each other.
    NoteGroupId,
);

/// The OpenAPI schema of an id type: a UUID string, described by the type's name.
#[cfg(feature = "ssr")]
fn uuid_schema(name: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let what = name.trim_end_matches("Id");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .description(Some(format!("Id of a {what} (UUID).")))
        .examples([serde_json::json!("0193a5c4-7f1e-7b2a-9c3d-1e2f3a4b5c6d")])
        .into()
}
