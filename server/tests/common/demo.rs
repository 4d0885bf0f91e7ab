//! The demo company (Northwind Technology Services), its maps and its people, read straight
//! from a store, and sessions made without the sign-in form (to keep tests fast).

use app::auth;
use app::domain::{MapDocument, OrgUnitId, Period, Role, User, UserId};
use app::store::Store;

/// The demo's company admin (Alex Morgan).
pub const ADMIN: &str = server::demo::DEMO_ADMIN_EMAIL;
/// An editor of the whole company.
pub const EDITOR: &str = "editor@northwind.example";
/// A contributor of the whole company.
pub const CONTRIBUTOR: &str = "contributor@northwind.example";
/// A viewer of the whole company who owns no measure (Robin Vale).
pub const VIEWER: &str = "viewer@northwind.example";
/// A viewer of the company who owns the data of some of its measures, and edits Consulting.
pub const TOMAS: &str = "tomas.alvarez@northwind.example";
/// Someone with no role anywhere, once `add_outsider` made them.
pub const OUTSIDER: &str = "outsider@example.com";

/// Loads the demo company as of October 2026 (the month most tests are written against).
pub async fn load_demo(store: &Store) {
    load_demo_at(store, "2026-10".parse().unwrap()).await;
}

/// Loads the demo company with `month` as its current month.
pub async fn load_demo_at(store: &Store, month: Period) {
    server::demo::load(
        store,
        server::demo::DEMO_ADMIN_EMAIL,
        server::demo::DEMO_PASSWORD,
        month,
    )
    .await
    .unwrap();
}

/// The first map whose name starts with `prefix` ("Northwind", "Consulting", "Managed").
pub async fn map_named(store: &Store, prefix: &str) -> MapDocument {
    let (_, summary) = store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(_, m)| m.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("the demo has a map named {prefix}…"));
    store.map_document(summary.id).await.unwrap()
}

/// The demo's enterprise map ("Northwind …").
pub async fn enterprise_map(store: &Store) -> MapDocument {
    map_named(store, "Northwind").await
}

/// The first map of the unit named `unit`.
pub async fn map_of_unit(store: &Store, unit: &str) -> MapDocument {
    let id = unit_id(store, unit).await;
    let (_, summary) = store
        .map_summaries()
        .await
        .unwrap()
        .into_iter()
        .find(|(u, _)| *u == id)
        .unwrap_or_else(|| panic!("{unit} has a map"));
    store.map_document(summary.id).await.unwrap()
}

/// The id of the org unit named `name`.
pub async fn unit_id(store: &Store, name: &str) -> OrgUnitId {
    let units = store.org_units().await.unwrap();
    units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
        .id
}

/// The user with `email`.
pub async fn user(store: &Store, email: &str) -> User {
    store
        .user_with_hash(email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
        .0
}

/// The id of the user with `email`.
pub async fn user_id(store: &Store, email: &str) -> UserId {
    user(store, email).await.id
}

/// A new user (who signs in only through `cookie_for`), with `role` on `unit` if given.
pub async fn add_user(
    store: &Store,
    email: &str,
    name: &str,
    role: Option<(OrgUnitId, Role)>,
) -> User {
    let user = User {
        id: UserId::new(),
        email: email.into(),
        name: name.into(),
    };
    store.create_user(&user, "x").await.unwrap();
    if let Some((unit, role)) = role {
        store.grant_role(user.id, unit, role).await.unwrap();
    }
    user
}

/// Makes `OUTSIDER`, someone with no role anywhere.
pub async fn add_outsider(store: &Store) -> User {
    add_user(store, OUTSIDER, "Out Sider", None).await
}

/// A session cookie for a user, valid for an hour.
pub async fn cookie_for(store: &Store, email: &str) -> String {
    let user = user_id(store, email).await;
    session_cookie(store, user, auth::now_seconds() + 3600).await
}

/// A session cookie for `user` that expires at `expires_at` (seconds since the epoch).
pub async fn session_cookie(store: &Store, user: UserId, expires_at: i64) -> String {
    let token = auth::random_secret();
    store
        .create_session(&auth::secret_hash(&token), user, expires_at)
        .await
        .unwrap();
    format!("{}={token}", auth::SESSION_COOKIE)
}
