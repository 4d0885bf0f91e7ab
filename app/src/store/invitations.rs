//! Invitations: single-use, expiring links to join (stored as the SHA-256 of the link's token,
//! never the token), each for an invited account and the role it was invited with.

use super::*;
use crate::domain::people::{self, Account, Invitation, PeopleError, UserStatus};
use crate::domain::{OrgUnitId, Role, User, UserId};
use sqlx::AnyConnection;

/// An invitation row joined with its account (`i.*`, `u.email`, `u.name`).
fn invitation_from(r: &AnyRow) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: parsed(r, "id")?,
        user_id: parsed(r, "user_id")?,
        email: text(r, "email")?,
        name: text(r, "name")?,
        org_unit_id: parsed(r, "org_unit_id")?,
        role: parsed(r, "role")?,
        invited_by: opt_parsed(r, "invited_by")?,
        expires_at: int(r, "expires_at")?,
        used: opt_text(r, "used_at")?.is_some(),
    })
}

const INVITATION_SELECT: &str = "SELECT i.id, i.user_id, u.email, u.name, i.org_unit_id, i.role, \
     i.invited_by, i.expires_at, i.used_at FROM invitations i JOIN users u ON u.id = i.user_id";

/// What an invitation asks for: who, with which role where, by whom, and until when.
pub struct NewInvitation<'a> {
    pub email: &'a str,
    /// The name the inviter gave; empty when they gave none.
    pub name: &'a str,
    pub unit: OrgUnitId,
    pub role: Role,
    pub actor: Option<UserId>,
    /// SHA-256 of the link's token ([`crate::auth::secret_hash`]).
    pub token_hash: &'a str,
    /// Seconds since the epoch.
    pub expires_at: i64,
    /// The e-mail that carries the link (subject, body), queued in the same transaction when
    /// mail is configured; `None`: the admin passes the link on.
    pub mail: Option<(&'a str, &'a str)>,
}

/// The account an invitation is for: a new invited account, or the one already waiting for an
/// earlier invitation (whose unused links stop working). Refuses active and deactivated ones.
async fn invited_account(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
) -> StoreResult<Result<UserId, PeopleError>> {
    let existing: Option<Account> =
        select("SELECT id, email, name, status FROM users WHERE email = $1")
            .bind(normalise_email(email))
            .optional(&mut *conn, account_from)
            .await?;
    let email = normalise_email(email);
    match existing {
        Some(a) if a.status == UserStatus::Active => Ok(Err(PeopleError::AlreadyActive { email })),
        Some(a) if a.status == UserStatus::Deactivated => {
            Ok(Err(PeopleError::AlreadyDeactivated { email }))
        }
        Some(a) => {
            change("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL")
                .bind(a.id)
                .run(&mut *conn)
                .await?;
            if !name.trim().is_empty() {
                change("UPDATE users SET name = $1 WHERE id = $2")
                    .bind(name.trim())
                    .bind(a.id)
                    .run(&mut *conn)
                    .await?;
            }
            Ok(Ok(a.id))
        }
        None => {
            let fallback = email.split('@').next().unwrap_or_default().to_string();
            let user = User {
                id: UserId::new(),
                name: if name.trim().is_empty() {
                    fallback
                } else {
                    name.trim().to_string()
                },
                email,
            };
            create_invited_user(conn, &user).await?;
            Ok(Ok(user.id))
        }
    }
}

impl Store {
    /// Invites someone in one transaction: their account (invited, no password), the role on
    /// the unit, the invitation and an audit row. Refused (nothing changed) for an email whose
    /// account is active or deactivated.
    pub async fn invite(
        &self,
        new: &NewInvitation<'_>,
    ) -> StoreResult<Result<Invitation, PeopleError>> {
        self.write(async |tx| {
            select("SELECT id FROM org_units WHERE id = $1")
                .bind(new.unit)
                .exists(&mut *tx, "org unit")
                .await?;
            let user = match invited_account(tx, new.email, new.name).await? {
                Ok(user) => user,
                Err(refused) => return Ok(Err(refused)),
            };
            grant_role_by(tx, new.actor, user, new.unit, new.role).await?;
            let id = uuid::Uuid::now_v7();
            change(
                "INSERT INTO invitations (id, token_hash, user_id, org_unit_id, role, invited_by, created_at, expires_at, used_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
            )
            .bind(id)
            .bind(new.token_hash)
            .bind(user)
            .bind(new.unit)
            .bind(new.role.as_str())
            .bind_value(new.actor.map(|u| u.to_string()))
            .bind(now_text())
            .bind_value(new.expires_at)
            .run(&mut *tx)
            .await?;
            // The role it grants is audited by its own row (`grant`).
            let email = normalise_email(new.email);
            audit(tx, new.actor, "invite", "user", user, &email).await?;
            if let Some((subject, body)) = new.mail {
                enqueue_mail(tx, &normalise_email(new.email), subject, body).await?;
            }
            let invitation = select(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
                .bind(id)
                .one(&mut *tx, invitation_from, "invitation")
                .await?;
            Ok(Ok(invitation))
        })
        .await
    }

    /// Completes the invitation of the invited account `user` by single sign-on (the provider
    /// vouched for its email): the account becomes active and its open links stop working, in
    /// one transaction. An account that is no longer invited is left as it is.
    pub async fn join_by_sso(&self, user: UserId) -> StoreResult<()> {
        self.write(async |tx| {
            let joined = change("UPDATE users SET status = $1 WHERE id = $2 AND status = $3")
                .bind(UserStatus::Active)
                .bind(user)
                .bind(UserStatus::Invited)
                .run(&mut *tx)
                .await?;
            if joined == 0 {
                return Ok(());
            }
            change("UPDATE invitations SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(now_text())
                .bind(user)
                .run(&mut *tx)
                .await?;
            audit(tx, Some(user), "activate", "user", user, "single sign-on").await
        })
        .await
    }

    /// The invitation whose token hashes to `token_hash`, used or not, if any.
    pub async fn invitation(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        select(&format!("{INVITATION_SELECT} WHERE i.token_hash = $1"))
            .bind(token_hash)
            .optional(&self.pool, invitation_from)
            .await
    }

    /// Accepts an invitation at `now` in one transaction: marks it used, sets the account's
    /// name and password and makes it active. Refused (nothing changed) when the link is
    /// unknown, expired or used, or the account was deactivated meanwhile.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<Result<User, PeopleError>> {
        self.write(async |tx| {
            let found = select(&format!("{INVITATION_SELECT} WHERE i.token_hash = $1"))
                .bind(token_hash)
                .optional(&mut *tx, invitation_from)
                .await?;
            let Some(invitation) = found else {
                return Ok(Err(PeopleError::InvitationUnknown));
            };
            if let Err(refused) =
                people::invitation_usable(invitation.expires_at, invitation.used, now)
            {
                return Ok(Err(refused));
            }
            let status: UserStatus = select("SELECT status FROM users WHERE id = $1")
                .bind(invitation.user_id)
                .one(&mut *tx, |r| parsed(r, "status"), "user")
                .await?;
            match status {
                UserStatus::Deactivated => return Ok(Err(PeopleError::AccountDeactivated)),
                UserStatus::Active => return Ok(Err(PeopleError::InvitationUsed)),
                UserStatus::Invited => {}
            }
            let taken =
                change("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                    .bind(now_text())
                    .bind(invitation.id)
                    .run(&mut *tx)
                    .await?;
            if taken == 0 {
                return Ok(Err(PeopleError::InvitationUsed));
            }
            let user = User {
                id: invitation.user_id,
                email: invitation.email.clone(),
                name: name.trim().to_string(),
            };
            crate::domain::validation::user(&user)?;
            change("UPDATE users SET name = $1, password_hash = $2, status = $3 WHERE id = $4")
                .bind(&user.name)
                .bind(password_hash)
                .bind(UserStatus::Active)
                .bind(user.id)
                .run(&mut *tx)
                .await?;
            audit(
                tx,
                Some(user.id),
                "accept",
                "invitation",
                invitation.id,
                &user.email,
            )
            .await?;
            Ok(Ok(user))
        })
        .await
    }
}
