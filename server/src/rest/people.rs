//! `/api/v1/people`: the people with roles on the units in the token's scope, and invitations
//! for tokens that administer their scope (the answer carries the single-use link, once).

use super::error::RestError;
use super::params::id_of;
use super::{Caller, RestResult, TokenRefusals};
use crate::AppState;
use app::api::people::{server, PersonRow};
use app::api::rest_types::*;
use app::domain::org::ancestry;
use app::domain::people::UserStatus;
use app::domain::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A role someone holds on an org unit (and every unit below it).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleGrant {
    pub org_unit_id: OrgUnitId,
    pub org_unit_name: String,
    /// `viewer`, `contributor`, `editor` or `admin`.
    #[schema(value_type = String, example = "editor")]
    pub role: Role,
}

/// A person, their account status and the roles granted to them on units the token reads (or
/// above them, where the roles are inherited from).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonInfo {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub status: UserStatus,
    pub roles: Vec<RoleGrant>,
}

/// The people with a role on the units in scope, by name.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PeopleList {
    pub people: Vec<PersonInfo>,
}

/// Who to invite, and with which role where.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InvitationRequest {
    pub email: String,
    /// Optional; the invitee chooses their name when they join.
    #[serde(default)]
    pub name: String,
    pub org_unit_id: OrgUnitId,
    /// `viewer`, `contributor`, `editor` or `admin`.
    #[schema(value_type = String, example = "contributor")]
    pub role: Role,
}

/// A new invitation. The link works once, until it expires; it is never shown again.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InvitationCreated {
    pub user_id: UserId,
    pub email: String,
    /// The full link to send to the invitee.
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The link also went out by e-mail (an SMTP server is configured).
    pub mailed: bool,
}

/// The people of the units `caller` reads, each with the grants that explain their roles there.
async fn people_in_scope(state: &AppState, caller: &Caller) -> Result<Vec<PersonInfo>, RestError> {
    let units = state.store.org_units().await?;
    let parents: HashMap<OrgUnitId, Option<OrgUnitId>> =
        units.iter().map(|u| (u.id, u.parent_id)).collect();
    let readable = |u: OrgUnitId| caller.access.allows(u, Action::View);
    let rows = server::rows(&state.store, &units, &readable).await?;
    // Grants on a readable unit or on a unit above one (where a role there is inherited from).
    let shown: Vec<OrgUnitId> = units
        .iter()
        .filter(|u| {
            units
                .iter()
                .filter(|r| readable(r.id))
                .any(|r| ancestry(r.id, &parents).contains(&u.id))
        })
        .map(|u| u.id)
        .collect();
    let name_of = |id: OrgUnitId| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|PersonRow { account, grants }| PersonInfo {
            id: account.id,
            name: account.name,
            email: account.email,
            status: account.status,
            roles: grants
                .into_iter()
                .filter(|(unit, _)| shown.contains(unit))
                .map(|(unit, role)| RoleGrant {
                    org_unit_id: unit,
                    org_unit_name: name_of(unit),
                    role,
                })
                .collect(),
        })
        .collect())
}

/// List the people with a role (granted or inherited) on the units in the token's scope.
#[utoipa::path(
    get, path = "/api/v1/people", tag = "people",
    responses(
        (status = 200, description = "The people, by name.", body = PeopleList),
        TokenRefusals,
    )
)]
pub async fn list_people(State(state): State<AppState>, caller: Caller) -> RestResult<PeopleList> {
    let people = people_in_scope(&state, &caller).await?;
    Ok(Json(PeopleList { people }))
}

/// One person with a role on the units in the token's scope.
#[utoipa::path(
    get, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = String, Path, description = "The person's id (a UUID).")),
    responses(
        (status = 200, description = "The person.", body = PersonInfo),
        (status = 400, description = "The id is not a UUID.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The person has no role in the token's scope.", body = ErrorBody),
        (status = 404, description = "No such person.", body = ErrorBody),
    )
)]
pub async fn get_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> RestResult<PersonInfo> {
    let id: UserId = id_of(&id, "person")?;
    state.store.account(id).await?;
    people_in_scope(&state, &caller)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(Json)
        .ok_or_else(|| {
            RestError::new(
                ErrorCode::Forbidden,
                format!(
                    "This person has no role in the scope of the API token “{}”.",
                    caller.token.name
                ),
            )
        })
}

/// Invite someone with a role on an org unit; needs a token that administers that unit. The
/// answer carries the invitation link (single use, expires after 7 days), only this once.
#[utoipa::path(
    post, path = "/api/v1/people/invitations", tag = "people",
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "The invitation and its link.", body = InvitationCreated),
        (status = 400, description = "The body is not the JSON described.", body = ErrorBody),
        TokenRefusals,
        (status = 403, description = "The token does not administer the unit.", body = ErrorBody),
        (status = 404, description = "No such org unit.", body = ErrorBody),
        (status = 409, description = "The email belongs to an active or deactivated account.", body = ErrorBody),
        (status = 422, description = "The email or name is not valid.", body = ErrorBody),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Json<InvitationRequest>, JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<InvitationCreated>), RestError> {
    let Json(request) = body.map_err(|e| {
        RestError::new(
            ErrorCode::BadRequest,
            format!("The body is not a valid invitation: {}", e.body_text()),
        )
    })?;
    state.store.org_unit(request.org_unit_id).await?;
    if !caller
        .access
        .allows(request.org_unit_id, Action::Administer)
    {
        return Err(RestError::new(
            ErrorCode::Forbidden,
            format!(
                "The API token “{}” does not administer this org unit; inviting people needs a token created with the admin access.",
                caller.token.name
            ),
        ));
    }
    let invite = server::Invite {
        email: &request.email,
        name: &request.name,
        unit: request.org_unit_id,
        role: request.role,
    };
    let link = server::invite(&state.server_context(), None, &invite).await?;
    let origin = match &state.public_origin {
        Some(origin) => origin.to_string(),
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = if state.secure_cookies {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        }
    };
    let expires_at = chrono::DateTime::from_timestamp(link.expires_at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    Ok((
        axum::http::StatusCode::CREATED,
        Json(InvitationCreated {
            user_id: link.user_id,
            email: link.email,
            url: format!("{origin}{}", link.path),
            expires_at,
            mailed: link.mailed,
        }),
    ))
}
