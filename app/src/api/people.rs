//! People and roles, managed by admins: the list (with search), invitations (a single-use,
//! expiring link the admin copies; only its hash is stored), deactivation and reactivation, and
//! roles per org unit. Accepting an invitation is the one call here that needs no session.
//! Only admins of a unit (held there or inherited) manage roles on it; nobody removes the last
//! admin of the root unit (see [`crate::domain::people::keeps_root_admins`]).

use super::ApiError;
#[allow(unused_imports)]
use crate::domain::people::{Account, PeopleError};
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;

/// A person as the people page lists them: their account and every role granted to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub account: Account,
    /// (unit, role) granted directly; roles on units below follow by inheritance.
    pub grants: Vec<(OrgUnitId, Role)>,
}

/// An org unit the signed-in admin manages roles on, with its depth for indentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManagedUnit {
    pub unit: OrgUnit,
    pub depth: usize,
}

/// Everything the people page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeoplePage {
    /// The signed-in admin (who cannot deactivate themself).
    pub me: UserId,
    /// People matching the search who hold a role on a unit the admin manages, by name.
    pub people: Vec<PersonRow>,
    /// Units the admin manages, in tree order.
    pub managed: Vec<ManagedUnit>,
    /// Every unit (names and parents explain inherited roles).
    pub units: Vec<OrgUnit>,
}

/// A fresh invitation: the link is shown once and never again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationLink {
    pub user_id: UserId,
    pub email: String,
    /// The link went out by e-mail (mail is configured); the page still shows it once.
    pub mailed: bool,
    /// The link's path (`/invite/<token>`); the page puts its own origin in front.
    pub path: String,
    /// Seconds since the epoch.
    pub expires_at: i64,
}

/// What the invitation page shows before someone joins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub email: String,
    /// The name the inviter gave (may be empty).
    pub name: String,
}

/// The people the signed-in admin manages, filtered by `query` (words in name or email), with
/// the units they manage. Needs the admin role on some unit.
#[server(prefix = "/api", endpoint = "people_admin", output = super::TextJson)]
pub async fn people_admin(query: String) -> Result<PeoplePage, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user) = ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let units = ctx.store.org_units().await?;
            let managed = server::managed(&units, &access);
            if managed.is_empty() {
                return Err(ApiError::Forbidden(super::Refusal::People(
                    PeopleError::NeedAdmin,
                )));
            }
            let people = server::rows(&ctx.store, &units, &|u| {
                access.allows(u, Action::Administer)
            })
            .await?
            .into_iter()
            .filter(|p| people::matches_search(&query, &p.account.name, &p.account.email))
            .collect();
            Ok(PeoplePage {
                me: user.id,
                people,
                managed,
                units,
            })
        }
        .await,
    )
}

/// Invites `email` (with an optional `name`) as `role` on `org_unit_id` and returns the link,
/// once. Needs the admin role on that unit; an email whose account is active or deactivated
/// is refused. Where mail is configured the link also goes out by e-mail
/// ([`people::invitation_mail_text`]), queued in the invitation's transaction.
#[server(prefix = "/api", endpoint = "invite_person", output = super::TextJson)]
pub async fn invite_person(
    email: String,
    name: String,
    org_unit_id: OrgUnitId,
    role: Role,
) -> Result<InvitationLink, ApiError> {
    ssr::reply(
        async move {
            let (ctx, user, _) = ssr::require(org_unit_id, Action::Administer).await?;
            let invite = server::Invite {
                email: &email,
                name: &name,
                unit: org_unit_id,
                role,
            };
            server::invite(&ctx, Some(&user), &invite).await
        }
        .await,
    )
}

/// Sets `user_id`'s role on `org_unit_id` (`None` revokes it; roles inherited from above stay).
/// Needs the admin role on that unit; refused when it would leave the root unit without an
/// admin. The person's open sockets check their rights again at once.
#[server(prefix = "/api", endpoint = "set_person_role", output = super::TextJson)]
pub async fn set_person_role(
    user_id: UserId,
    org_unit_id: OrgUnitId,
    role: Option<Role>,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, actor, _) = ssr::require(org_unit_id, Action::Administer).await?;
            ctx.store.account(user_id).await?;
            let changed = ctx
                .store
                .set_role(user_id, org_unit_id, role, Some(actor.id))
                .await?
                .map_err(server::refused)?;
            if changed {
                tracing::info!(user = %user_id, unit = %org_unit_id, role = ?role, by = %actor.email, "role changed");
                ctx.access.access_changed(user_id).await;
            }
            Ok(())
        }
        .await,
    )
}

/// Deactivates (`active` false) or reactivates an account. Deactivating ends all its sessions
/// and closes its open sockets on every instance at once; its API tokens stop working. Needs
/// the admin role on every unit the person holds a role on (on a root unit for someone with
/// none); nobody deactivates themself or the last admin of the root unit.
#[server(prefix = "/api", endpoint = "set_person_active", output = super::TextJson)]
pub async fn set_person_active(user_id: UserId, active: bool) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, actor) = ssr::require_user().await?;
            server::require_admin_of_person(&ctx.store, &actor, user_id).await?;
            if !active && user_id == actor.id {
                return Err(server::refused(PeopleError::DeactivateSelf));
            }
            let changed = ctx
                .store
                .set_active(user_id, active, Some(actor.id))
                .await?
                .map_err(server::refused)?;
            if changed {
                tracing::info!(user = %user_id, active, by = %actor.email, "account status changed");
                if !active {
                    ctx.access.access_changed(user_id).await;
                }
            }
            Ok(())
        }
        .await,
    )
}

/// Who an invitation link is for; a 410 with the reason when it is unknown, expired or used.
/// Needs no session.
#[server(prefix = "/api", endpoint = "invitation_details", output = super::TextJson)]
pub async fn invitation_details(token: String) -> Result<InvitationInfo, ApiError> {
    ssr::reply(
        async move {
            let ctx = ssr::context()?;
            let invitation = server::usable_invitation(&ctx.store, &token).await?;
            Ok(InvitationInfo {
                email: invitation.email,
                name: invitation.name,
            })
        }
        .await,
    )
}

/// Joins through an invitation: sets the name and password (typed twice, at least
/// [`validation::MIN_PASSWORD`] characters), uses up the link, signs in and goes home. Needs no
/// session; an unknown, expired or used link is a 410 with the reason.
#[server(prefix = "/api", endpoint = "accept_invitation", output = super::TextJson)]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
    confirm: String,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            use crate::auth;
            let ctx = ssr::context()?;
            server::usable_invitation(&ctx.store, &token).await?;
            validation::required_text("Name", &name, validation::MAX_NAME)?;
            crate::domain::account::new_password(&password, &confirm)
                .map_err(super::profile::account_error)?;
            let hash = auth::hash_password_off_thread(password).await?;
            let user = ctx
                .store
                .accept_invitation(
                    &auth::secret_hash(&token),
                    &name,
                    &hash,
                    auth::now_seconds(),
                )
                .await?
                .map_err(|e| ApiError::Gone(super::Refusal::People(e)))?;
            let session = ssr::start_session(&ctx, user.id, None).await?;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie =
                http::HeaderValue::from_str(&auth::session_cookie(&session, ctx.secure_cookies))
                    .map_err(ApiError::internal)?;
            response.append_header(http::header::SET_COOKIE, cookie);
            tracing::info!(user = %user.email, "joined through an invitation");
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// What the server functions and the REST API share: listing people, inviting, and the rights
/// checks.
#[cfg(feature = "ssr")]
pub mod server {
    use super::*;
    use crate::auth::Access;
    use crate::context::ServerContext;
    use crate::domain::User;
    use crate::store::{NewInvitation, Store};

    /// Who is invited, where, as what (from the page or the REST API).
    pub struct Invite<'a> {
        pub email: &'a str,
        /// The name the inviter gave; empty when none.
        pub name: &'a str,
        pub unit: OrgUnitId,
        pub role: Role,
    }

    /// A refusal by the people rules: a 409 (the request is fine, the state forbids it).
    pub fn refused(e: PeopleError) -> ApiError {
        ApiError::Conflict(crate::error::Refusal::People(e))
    }

    /// The units `access` administers, in tree order with their depth.
    pub fn managed(units: &[OrgUnit], access: &Access) -> Vec<ManagedUnit> {
        org::tree_order(units)
            .into_iter()
            .filter(|(u, _)| access.allows(u.id, Action::Administer))
            .map(|(u, depth)| ManagedUnit {
                unit: u.clone(),
                depth,
            })
            .collect()
    }

    /// Every person with a role (held or inherited) on a unit `manages` accepts, with their
    /// grants, by name. Whoever manages every unit sees everyone, also people without a role.
    pub async fn rows(
        store: &Store,
        units: &[OrgUnit],
        manages: &(dyn Fn(OrgUnitId) -> bool + Sync),
    ) -> Result<Vec<PersonRow>, ApiError> {
        let parents = units.iter().map(|u| (u.id, u.parent_id)).collect();
        let ids: Vec<OrgUnitId> = units.iter().map(|u| u.id).collect();
        let everything = ids.iter().all(|u| manages(*u));
        let grants = store.all_grants().await?;
        Ok(store
            .accounts()
            .await?
            .into_iter()
            .map(|account| {
                let own = grants
                    .iter()
                    .filter(|(u, _, _)| *u == account.id)
                    .map(|(_, unit, role)| (*unit, *role))
                    .collect();
                PersonRow {
                    account,
                    grants: own,
                }
            })
            .filter(|p| everything || people::visible_to(&p.grants, &ids, &parents, manages))
            .collect())
    }

    /// Checks an invitation and creates it: the email is validated, the account must not be
    /// active or deactivated, and the link's token is random (only its hash is stored).
    pub async fn invite(
        ctx: &ServerContext,
        actor: Option<&User>,
        invite: &Invite<'_>,
    ) -> Result<InvitationLink, ApiError> {
        validation::email(invite.email)?;
        validation::optional_text("Name", invite.name, validation::MAX_NAME)?;
        let token = crate::auth::random_secret();
        let path = format!("/invite/{token}");
        let expires_at = crate::auth::now_seconds() + people::INVITATION_DAYS * 24 * 3600;
        let mail = match ctx.mail.configured {
            true => Some(invitation_mail(ctx, actor, invite.name, &path).await?),
            false => None,
        };
        let invitation = ctx
            .store
            .invite(&NewInvitation {
                email: invite.email,
                name: invite.name,
                unit: invite.unit,
                role: invite.role,
                actor: actor.map(|a| a.id),
                token_hash: &crate::auth::secret_hash(&token),
                expires_at,
                mail: mail.as_ref().map(|m| (m.subject.as_str(), m.body.as_str())),
            })
            .await?
            .map_err(refused)?;
        tracing::info!(email = %invitation.email, unit = %invite.unit, role = %invite.role, mailed = mail.is_some(), "invited someone");
        Ok(InvitationLink {
            user_id: invitation.user_id,
            email: invitation.email,
            mailed: mail.is_some(),
            path,
            expires_at,
        })
    }

    /// The invitation e-mail for the link `path`, in the organisation's language (the invitee
    /// has chosen none yet), signed by the inviter (or the organisation, for an API token).
    async fn invitation_mail(
        ctx: &ServerContext,
        actor: Option<&User>,
        invitee: &str,
        path: &str,
    ) -> Result<people::MailText, ApiError> {
        let org = ctx.store.organisation_name().await?;
        let locale = ctx
            .store
            .organisation_locale()
            .await?
            .as_deref()
            .and_then(crate::i18n::parse_locale)
            .unwrap_or(crate::i18n::Locale::en);
        let inviter = actor.map_or(org.as_str(), |a| a.name.as_str());
        let link = format!("{}{path}", ctx.mail.base_url);
        Ok(people::invitation_mail_text(
            locale,
            invitee.trim(),
            inviter,
            &org,
            &link,
        ))
    }

    /// The invitation of `token` while it may be accepted; a 410 naming why not otherwise.
    pub async fn usable_invitation(
        store: &Store,
        token: &str,
    ) -> Result<people::Invitation, ApiError> {
        let gone = |e| ApiError::Gone(crate::error::Refusal::People(e));
        let token = token.trim();
        if token.is_empty() || token.len() > 128 {
            return Err(gone(PeopleError::InvitationUnknown));
        }
        let invitation = store
            .invitation(&crate::auth::secret_hash(token))
            .await?
            .ok_or(gone(PeopleError::InvitationUnknown))?;
        people::invitation_usable(
            invitation.expires_at,
            invitation.used,
            crate::auth::now_seconds(),
        )
        .map_err(gone)?;
        if store.is_deactivated(invitation.user_id).await? {
            return Err(gone(PeopleError::AccountDeactivated));
        }
        Ok(invitation)
    }

    /// Refuses unless `actor` administers every unit `user` holds a role on (a root unit when
    /// they hold none): account-wide changes need rights over all of the person.
    pub async fn require_admin_of_person(
        store: &Store,
        actor: &User,
        user: UserId,
    ) -> Result<(), ApiError> {
        store.account(user).await?;
        let mut units: Vec<OrgUnitId> = store
            .grants_of(user)
            .await?
            .into_iter()
            .map(|(_, unit, _)| unit)
            .collect();
        if units.is_empty() {
            let all = store.org_units().await?;
            units = all
                .iter()
                .filter(|u| u.parent_id.is_none())
                .map(|u| u.id)
                .collect();
        }
        for unit in units {
            crate::auth::authorize(store, actor, unit, Action::Administer).await?;
        }
        Ok(())
    }
}
