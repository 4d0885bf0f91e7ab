//! The installation itself: whether it is the demo, whether it was set up (an admin exists),
//! the first-run set-up of the organisation, and the organisation's default language.

use super::*;
use crate::domain::{OrgUnit, OrgUnitId, OrgUnitKind, Role, User, UserId};
use sqlx::AnyConnection;

/// Why the first-run set-up did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// An admin exists already (set up before, or by another request at the same moment).
    #[error("Cairn is already set up")]
    AlreadySetUp,
    /// The database refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the first-run set-up writes: the root unit and its admin.
#[derive(Clone, Debug)]
pub struct FirstRun<'a> {
    /// The organisation's name.
    pub organisation: &'a str,
    /// Its currency code (validated).
    pub currency: &'a str,
    /// Its default language tag.
    pub language: &'a str,
    /// The first admin (their email and name).
    pub admin: &'a User,
    /// The admin's password hash.
    pub password_hash: &'a str,
}

/// Marks the database as the demo (the demo loader calls this in its transaction).
pub async fn mark_demo(conn: &mut AnyConnection) -> StoreResult<()> {
    change("INSERT INTO installation (name, value) VALUES ('demo', '1')")
        .run(&mut *conn)
        .await?;
    Ok(())
}

/// Whether any admin exists, read on `on`.
async fn admin_exists<'c>(on: impl On<'c>) -> StoreResult<bool> {
    let found = select("SELECT user_id FROM memberships WHERE role = $1 LIMIT 1")
        .bind(Role::Admin.as_str())
        .optional(on, |r| text(r, "user_id"))
        .await?;
    Ok(found.is_some())
}

/// Creates the root unit (an enterprise with the organisation's name, currency and language)
/// and its first admin, in the caller's transaction. Refused when an admin exists: checked here,
/// and a second set-up racing this one fails on the `installation` row both insert.
pub async fn first_run(conn: &mut AnyConnection, run: &FirstRun<'_>) -> Result<(), SetupError> {
    if admin_exists(&mut *conn).await? {
        return Err(SetupError::AlreadySetUp);
    }
    change("INSERT INTO installation (name, value) VALUES ('set_up', $1)")
        .bind(now_text())
        .run(&mut *conn)
        .await
        .map_err(|e| match e.unique_as_conflict("set up") {
            StoreError::Conflict(_) => SetupError::AlreadySetUp,
            other => SetupError::Store(other),
        })?;
    create_user(conn, run.admin, run.password_hash).await?;
    let unit = OrgUnit {
        id: OrgUnitId::new(),
        parent_id: None,
        name: run.organisation.trim().to_string(),
        kind: OrgUnitKind::Enterprise,
        archived: false,
    };
    create_org_unit(conn, &unit, Some(run.admin.id)).await?;
    set_organisation_currency(conn, run.currency).await?;
    set_organisation_locale(conn, Some(run.language)).await?;
    grant_role(conn, run.admin.id, unit.id, Role::Admin).await?;
    Ok(())
}

/// Sets the organisation's default language (`None`: each browser's) on its root units.
pub async fn set_organisation_locale(
    conn: &mut AnyConnection,
    locale: Option<&str>,
) -> StoreResult<()> {
    change("UPDATE org_units SET locale = $1 WHERE parent_id IS NULL")
        .bind_value(locale.map(str::to_string))
        .run(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Whether the demo loader filled this database.
    pub async fn is_demo(&self) -> StoreResult<bool> {
        let found = select("SELECT value FROM installation WHERE name = 'demo'")
            .optional(&self.pool, |r| text(r, "value"))
            .await?;
        Ok(found.as_deref() == Some("1"))
    }

    /// Whether an admin exists (the installation is set up).
    pub async fn has_admin(&self) -> StoreResult<bool> {
        admin_exists(&self.pool).await
    }

    /// The first-run set-up in one transaction (see [`first_run`]).
    pub async fn first_run(&self, run: &FirstRun<'_>) -> Result<(), SetupError> {
        let mut tx = self.begin().await?;
        first_run(&mut tx, run).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The organisation's default language, if it chose one.
    pub async fn organisation_locale(&self) -> StoreResult<Option<String>> {
        select("SELECT locale FROM org_units WHERE parent_id IS NULL AND locale IS NOT NULL ORDER BY name")
            .optional(&self.pool, |r| opt_text(r, "locale"))
            .await
            .map(Option::flatten)
    }
}

impl Store {
    /// A person's password hash (to check their current password).
    pub async fn password_hash(&self, id: UserId) -> StoreResult<String> {
        select("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .one(&self.pool, |r| text(r, "password_hash"), "user")
            .await
    }

    /// Renames a person.
    pub async fn set_user_name(&self, id: UserId, name: &str) -> StoreResult<()> {
        crate::domain::validation::required_text(
            "Name",
            name,
            crate::domain::validation::MAX_NAME,
        )?;
        self.write(async |tx| {
            change("UPDATE users SET name = $1 WHERE id = $2")
                .bind(name.trim())
                .bind(id)
                .run_on_one(&mut *tx, "user")
                .await?;
            audit(tx, Some(id), "rename", "user", id, name.trim()).await
        })
        .await
    }

    /// Changes a person's password and rotates their sessions, in one transaction: every
    /// session of theirs ends and `session` (this browser's new one) begins.
    pub async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        session: &sessions::NewSession<'_>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            change("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(id)
                .run_on_one(&mut *tx, "user")
                .await?;
            sessions::delete_sessions_of(tx, id, None).await?;
            sessions::insert_session(tx, session).await?;
            audit(tx, Some(id), "change_password", "user", id, "").await
        })
        .await
    }
}
