//! Server functions: authorise → validate (domain) → store → return. Their bodies run only on
//! the server; the browser gets typed stubs that call `/api/<name>`.

pub mod brainstorm;
pub mod cascade;
mod codec;
pub mod comments;
mod dashboards;
pub mod history;
pub mod hypotheses;
mod imports;
pub mod initiatives;
mod mail;
mod maps;
mod measures;
pub mod people;
mod profile;
pub mod proposals;
pub mod rest_types;
pub mod reviews;
mod session;
mod setup;
pub mod strategy;
pub mod surveys;
mod tokens;
pub mod units;
pub mod versions;

pub use crate::error::{ApiError, Refusal};
pub use codec::{TextJson, TextJsonEncoding};
pub use dashboards::*;
pub use history::{audit_log, item_history, AuditFilter, AuditPage, AuditUnit};
pub use imports::*;
pub use mail::*;
pub use maps::*;
pub use measures::*;
pub use people::{
    accept_invitation, invitation_details, invite_person, people_admin, set_person_active,
    set_person_role, AcceptInvitation, InvitationInfo, InvitationLink, InvitePerson, ManagedUnit,
    PeoplePage, PersonRow, SetPersonActive, SetPersonRole,
};
pub use profile::*;
pub use session::*;
pub use setup::*;
pub use tokens::*;
pub use units::*;

/// Server-side helpers shared by the server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::ApiError;
    use crate::auth;
    use crate::context::ServerContext;
    use crate::domain::dashboard::{Dashboard, DisplayLink};
    use crate::domain::ops::{Committed, Op};
    use crate::domain::{
        Action, DashboardId, DisplayLinkId, MapDocument, MapId, ObjectiveId, OrgUnit, OrgUnitId,
        Role, StrategyMap, User, UserId,
    };
    use crate::store::{Store, StoreResult};
    use leptos::prelude::{provide_context, use_context};
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::{Arc, Mutex};

    /// Sends an error with its HTTP status (403, 404, 422…) instead of a blanket 500; also sets
    /// the status of a page whose data failed to load during server rendering.
    pub fn reply<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(e) = &result {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(e.status());
            }
        }
        result
    }

    /// The server context (store, settings) of this request.
    pub fn context() -> Result<ServerContext, ApiError> {
        use_context::<ServerContext>()
            .ok_or_else(|| ApiError::internal("ServerContext missing from Leptos context"))
    }

    /// The language to answer `user` in: their stored choice, else the request's cookie and
    /// `Accept-Language` (English outside a request).
    pub async fn locale(ctx: &ServerContext, user: &User) -> crate::i18n::Locale {
        match use_context::<http::request::Parts>() {
            Some(parts) => auth::request_locale(&ctx.store, Some(user), &parts.headers).await,
            None => auth::request_locale(&ctx.store, Some(user), &http::HeaderMap::new()).await,
        }
    }

    /// The signed-in user, or `Unauthenticated`. The session is read once per request: later
    /// calls (a server function that loads an item, then checks rights on its unit) reuse it.
    pub async fn require_user() -> Result<(ServerContext, User), ApiError> {
        let ctx = context()?;
        let user = signed_in(|| async {
            let parts = use_context::<http::request::Parts>()
                .ok_or_else(|| ApiError::internal("request parts missing from Leptos context"))?;
            auth::user_from_headers(&ctx.store, &parts.headers).await
        })
        .await?;
        Ok((ctx, user))
    }

    /// The user a request signed in as, kept in the request's Leptos context once looked up.
    #[derive(Clone)]
    struct SignedIn(User);

    /// The roles read during one page render, by unit: the page's data (the map, its rights,
    /// the top bar) is loaded by several server functions that each check the same unit.
    /// Kept for the render only, so a role changed meanwhile counts from the next request.
    #[derive(Clone, Default)]
    struct HeldRoles(Arc<Mutex<HashMap<OrgUnitId, auth::HeldRole>>>);

    /// Called by the page handler before a render, with the user it has already looked up from
    /// the session: every server function the render calls reuses that user instead of reading
    /// the session again, and reads a unit's role once for all of them.
    pub fn begin_page_render(user: Option<User>) {
        if let Some(user) = user {
            provide_context(SignedIn(user));
        }
        provide_context(HeldRoles::default());
    }

    /// `user`'s role on `unit` (held, and whether the unit is frozen): from the render's memo
    /// when a page render read it already, else from the store.
    async fn held_role(
        store: &Store,
        user: &User,
        unit: OrgUnitId,
    ) -> Result<auth::HeldRole, ApiError> {
        let Some(HeldRoles(memo)) = use_context::<HeldRoles>() else {
            return auth::held_role_on(store, user, unit).await;
        };
        let known = memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&unit)
            .copied();
        if let Some(held) = known {
            return Ok(held);
        }
        let held = auth::held_role_on(store, user, unit).await?;
        memo.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(unit, held);
        Ok(held)
    }

    /// [`auth::authorize`] through the render's memo of roles ([`held_role`]).
    async fn authorize(
        store: &Store,
        user: &User,
        unit: OrgUnitId,
        action: Action,
    ) -> Result<Role, ApiError> {
        let held = held_role(store, user, unit).await?;
        auth::authorize_held(store, unit, action, held).await
    }

    /// The request's signed-in user: from the context when already looked up, else from
    /// `lookup` (kept for the rest of the request). A visitor is `Unauthenticated`, each time.
    async fn signed_in<F>(lookup: impl FnOnce() -> F) -> Result<User, ApiError>
    where
        F: std::future::Future<Output = Result<Option<User>, ApiError>>,
    {
        if let Some(SignedIn(user)) = use_context::<SignedIn>() {
            return Ok(user);
        }
        let user = lookup().await?.ok_or(ApiError::Unauthenticated)?;
        provide_context(SignedIn(user.clone()));
        Ok(user)
    }

    /// Tells the client to retry after `seconds` (`Retry-After`), with a refusal for too many
    /// attempts.
    pub fn retry_after(seconds: u64) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(value) = http::HeaderValue::from_str(&seconds.to_string()) {
                response.insert_header(http::header::RETRY_AFTER, value);
            }
        }
    }

    /// Starts a session for `user` in this browser, replacing `previous` (the browser's old
    /// session, if any: a sign-in always gets a new token); returns the new token for the cookie.
    pub async fn start_session(
        ctx: &ServerContext,
        user: UserId,
        previous: Option<&str>,
    ) -> Result<String, ApiError> {
        let agent = user_agent();
        let start = auth::SessionStart {
            idle_seconds: ctx.session_idle,
            user_agent: agent.as_deref(),
            replaces: previous,
        };
        auth::start_session(&ctx.store, user, &start).await
    }

    /// The request's `User-Agent`, if it sent one.
    pub fn user_agent() -> Option<String> {
        use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
    }

    /// The signed-in user, allowed to perform `action` on `unit`, or a 401/403.
    pub async fn require(
        unit: OrgUnitId,
        action: Action,
    ) -> Result<(ServerContext, User, Role), ApiError> {
        let (ctx, user) = require_user().await?;
        let role = authorize(&ctx.store, &user, unit, action).await?;
        Ok((ctx, user, role))
    }

    /// The signed-in user, allowed to perform `action` on the unit of the item `id` names,
    /// with that item: an unknown item is a 404 before any 403. What most server functions
    /// start with.
    pub async fn require_on<I: UnitItemId>(
        id: I,
        action: Action,
    ) -> Result<(ServerContext, User, Role, I::Item), ApiError> {
        let (ctx, user) = require_user().await?;
        let item = id.load(&ctx.store).await?;
        let role = authorize(&ctx.store, &user, I::unit_of(&item), action).await?;
        Ok((ctx, user, role, item))
    }

    /// The id of something that belongs to an org unit, which [`require_on`] loads and
    /// authorises on that unit.
    pub trait UnitItemId: Send {
        /// What the id names.
        type Item: Send;
        /// Reads the item (`NotFound` when there is none).
        fn load(self, store: &Store) -> impl Future<Output = StoreResult<Self::Item>> + Send;
        /// The unit the item belongs to.
        fn unit_of(item: &Self::Item) -> OrgUnitId;
    }

    /// Implements [`UnitItemId`] for ids whose item the store reads with `load` and whose unit
    /// is the item's field `unit`.
    macro_rules! unit_items {
        ($($id:ty => $item:ty: $load:ident, $unit:ident;)+) => {$(
            impl UnitItemId for $id {
                type Item = $item;
                fn load(self, store: &Store) -> impl Future<Output = StoreResult<$item>> + Send {
                    store.$load(self)
                }
                fn unit_of(item: &$item) -> OrgUnitId {
                    item.$unit
                }
            }
        )+};
    }

    unit_items! {
        MapId => StrategyMap: map, org_unit_id;
        DashboardId => Dashboard: dashboard, org_unit_id;
        DisplayLinkId => DisplayLink: display_link, org_unit_id;
        OrgUnitId => OrgUnit: org_unit, id;
    }

    /// Commits one op on a map by `author` through the live write path, so every open map sees
    /// it at once.
    pub async fn commit_op(
        ctx: &ServerContext,
        map: MapId,
        author: UserId,
        op: Op,
    ) -> Result<Committed, ApiError> {
        let op_id = uuid::Uuid::now_v7();
        ctx.maps.mutate(map, author, op_id, vec![op]).await
    }

    /// The title of objective `id` of `doc` (empty when it is not there): how catalogues name
    /// the objective a measure belongs to.
    pub fn objective_title(doc: &MapDocument, id: ObjectiveId) -> String {
        doc.objectives
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.title.clone())
            .unwrap_or_default()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use leptos::prelude::Owner;
        use std::sync::atomic::{AtomicUsize, Ordering};

        /// Runs `check` with a fresh request owner current, as a server function runs.
        fn in_request(check: impl std::future::Future<Output = ()>) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            Owner::new().with(|| runtime.block_on(check));
        }

        #[test]
        fn the_session_is_read_once_per_request() {
            let user = User {
                id: crate::domain::UserId::new(),
                email: "ada@example.com".into(),
                name: "Ada".into(),
            };
            let lookups = AtomicUsize::new(0);
            in_request(async {
                for _ in 0..3 {
                    let found = signed_in(|| async {
                        lookups.fetch_add(1, Ordering::SeqCst);
                        Ok(Some(user.clone()))
                    })
                    .await;
                    assert_eq!(found.unwrap(), user);
                }
            });
            assert_eq!(lookups.load(Ordering::SeqCst), 1);
            // The next request reads it again.
            in_request(async {
                signed_in(|| async {
                    lookups.fetch_add(1, Ordering::SeqCst);
                    Ok(Some(user.clone()))
                })
                .await
                .unwrap();
            });
            assert_eq!(lookups.load(Ordering::SeqCst), 2);
        }

        #[test]
        fn a_visitor_is_refused_every_time() {
            let lookups = AtomicUsize::new(0);
            in_request(async {
                for _ in 0..2 {
                    let found = signed_in(|| async {
                        lookups.fetch_add(1, Ordering::SeqCst);
                        Ok(None)
                    })
                    .await;
                    assert!(matches!(found, Err(ApiError::Unauthenticated)));
                }
            });
            assert_eq!(lookups.load(Ordering::SeqCst), 2);
        }
    }
}
