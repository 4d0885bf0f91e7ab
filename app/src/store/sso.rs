//! Single sign-on: the sign-ins started at the identity provider and not yet answered
//! (`oidc_logins`), the people it creates, and the audit of its sign-ins.

use super::*;
use crate::domain::{OrgUnitId, Role, User, UserId};

/// A sign-in started at the identity provider: what the answer is checked against. The state
/// and the browser's cookie value are kept as hashes ([`crate::auth::secret_hash`]).
#[derive(Clone, Debug, PartialEq)]
pub struct OidcLogin {
    /// Hash of the `state` sent to the provider (the row's key).
    pub state_hash: String,
    /// Hash of the cookie value the starting browser got: the answer must come to it.
    pub browser_hash: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier sent with the code.
    pub pkce_verifier: String,
    /// Where to go once signed in (a local path, checked before it is stored).
    pub next_path: String,
    /// Seconds since the epoch after which the answer is refused.
    pub expires_at: i64,
}

/// The password hash of a person created by single sign-on: not an argon2 hash, so no password
/// ever matches it (they sign in through the provider until a password is set).
pub const NO_PASSWORD: &str = "!sso";

fn oidc_login_from(row: &AnyRow) -> StoreResult<OidcLogin> {
    Ok(OidcLogin {
        state_hash: text(row, "state_hash")?,
        browser_hash: text(row, "browser_hash")?,
        nonce: text(row, "nonce")?,
        pkce_verifier: text(row, "pkce_verifier")?,
        next_path: text(row, "next_path")?,
        expires_at: int(row, "expires_at")?,
    })
}

impl Store {
    /// Keeps a started sign-in (and drops the ones that expired by `now`).
    pub async fn start_oidc_login(&self, login: &OidcLogin, now: i64) -> StoreResult<()> {
        self.write(async |tx| {
            change("DELETE FROM oidc_logins WHERE expires_at <= $1")
                .bind_value(now)
                .run(&mut *tx)
                .await?;
            change(
                "INSERT INTO oidc_logins (state_hash, browser_hash, nonce, pkce_verifier, \
                 next_path, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&login.state_hash)
            .bind(&login.browser_hash)
            .bind(&login.nonce)
            .bind(&login.pkce_verifier)
            .bind(&login.next_path)
            .bind(now_text())
            .bind_value(login.expires_at)
            .run(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// Takes the started sign-in of a state: it is deleted, so a state is answered once (of
    /// two instances taking it at once, one gets it). `None` when unknown, used or expired.
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
        now: i64,
    ) -> StoreResult<Option<OidcLogin>> {
        self.write(async |tx| {
            let found = select(
                "SELECT state_hash, browser_hash, nonce, pkce_verifier, next_path, expires_at \
                 FROM oidc_logins WHERE state_hash = $1",
            )
            .bind(state_hash)
            .optional(&mut *tx, oidc_login_from)
            .await?;
            let Some(login) = found else {
                return Ok(None);
            };
            let taken = change("DELETE FROM oidc_logins WHERE state_hash = $1")
                .bind(state_hash)
                .run(&mut *tx)
                .await?;
            Ok((taken == 1 && login.expires_at > now).then_some(login))
        })
        .await
    }

    /// Creates a person who signed in through the provider, with `role` on `unit`, in one
    /// transaction; they have no password ([`NO_PASSWORD`]).
    pub async fn create_sso_user(
        &self,
        user: &User,
        unit: OrgUnitId,
        role: Role,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            create_user(tx, user, NO_PASSWORD).await?;
            grant_role(tx, user.id, unit, role).await?;
            audit(
                tx,
                Some(user.id),
                "create_by_sso",
                "user",
                user.id,
                role.as_str(),
            )
            .await
        })
        .await
    }

    /// Audits a single sign-on: `action` is `sign_in` or `sign_in_refused`, about the user
    /// when known, else about the email the provider named (`subject`).
    pub async fn audit_sso(
        &self,
        user: Option<UserId>,
        action: &'static str,
        subject: &str,
        detail: &str,
    ) -> StoreResult<()> {
        self.write(async |tx| audit(tx, user, action, "user", subject, detail).await)
            .await
    }
}
