//! Who may keep a live socket open. A signed-in socket (a map, a dashboard page) is opened for
//! one session and a role on one org unit; both are checked again while it is open — at once
//! when the bus says that person's access changed (a sign-out or a role change on any
//! instance), and every few seconds in any case (a session also expires by itself, and a role
//! may be changed behind the app's back) — and the socket closes, saying why, when they no
//! longer hold.

use app::auth;
use app::domain::{Action, OrgUnitId, Role, User, UserId};
use app::store::Store;
use std::time::Duration;

/// Ticks every `every` (how often an open socket checks its session and role even when nothing
/// was announced), the first time one period from now: the socket was just checked when it
/// opened.
pub fn recheck_timer(every: Duration) -> tokio::time::Interval {
    tokio::time::interval_at(tokio::time::Instant::now() + every, every)
}

/// Whose sockets must check their access now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessSignal {
    /// This person's (signed out, role changed).
    User(UserId),
    /// Everyone's: announcements may have been missed (the bus reconnected).
    Everyone,
}

/// Why a socket's access ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessEnded {
    /// The session was ended (signed out) or expired.
    SessionEnded,
    /// The person no longer has a role that lets them see what the socket shows.
    NoRole,
    /// The role still allows viewing but changed what the socket may do (edit or not): the
    /// client reconnects and is welcomed with its new rights.
    RoleChanged,
}

impl AccessEnded {
    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            AccessEnded::SessionEnded => {
                "Your session has ended (signed out or expired); sign in again."
            }
            AccessEnded::NoRole => "You no longer have a role that lets you see this.",
            AccessEnded::RoleChanged => {
                "Your role here changed; reconnecting with your new rights."
            }
        }
    }
}

/// What a signed-in socket was opened with, to check again while it is open.
#[derive(Clone, Debug)]
pub struct SessionGrant {
    token_hash: String,
    user: User,
    unit: OrgUnitId,
    /// Whether the socket may edit, when that matters (a map); `None` for view-only sockets.
    can_edit: Option<bool>,
}

impl SessionGrant {
    /// A grant for the session of `headers` (`None` without a session cookie), held by `user`
    /// with `role` on `unit`; `edit_matters` when the socket's rights depend on editing.
    pub fn new(
        headers: &axum::http::HeaderMap,
        user: User,
        unit: OrgUnitId,
        role: Role,
        edit_matters: bool,
    ) -> Option<SessionGrant> {
        let token = auth::session_token(headers)?;
        Some(SessionGrant {
            token_hash: auth::secret_hash(&token),
            user,
            unit,
            can_edit: edit_matters.then(|| role.allows(Action::Edit)),
        })
    }

    /// The person the socket is open for.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Whether `signal` asks this socket to check again.
    pub fn concerns(&self, signal: AccessSignal) -> bool {
        match signal {
            AccessSignal::User(id) => id == self.user.id,
            AccessSignal::Everyone => true,
        }
    }

    /// Checks the session and the role again. A database that does not answer is not a reason
    /// to close (the next check tries again).
    pub async fn recheck(&self, store: &Store) -> Result<(), AccessEnded> {
        match store
            .session_user(&self.token_hash, auth::now_seconds())
            .await
        {
            Ok(Some(u)) if u.id == self.user.id => {}
            Ok(_) => return Err(AccessEnded::SessionEnded),
            Err(e) => {
                tracing::warn!("could not check a socket's session: {e}");
                return Ok(());
            }
        }
        match auth::role_on(store, &self.user, self.unit).await {
            Ok(Some(role)) if role.allows(Action::View) => match self.can_edit {
                Some(could) if could != role.allows(Action::Edit) => Err(AccessEnded::RoleChanged),
                _ => Ok(()),
            },
            Ok(_) => Err(AccessEnded::NoRole),
            Err(e) => {
                tracing::warn!("could not check a socket's role: {e}");
                Ok(())
            }
        }
    }
}

/// The close frame of a socket whose access ended (code 1008, policy violation).
pub fn close_frame(ended: AccessEnded) -> axum::extract::ws::CloseFrame {
    axum::extract::ws::CloseFrame {
        code: axum::extract::ws::close_code::POLICY,
        reason: ended.message().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_concern_their_person_or_everyone() {
        let user = User {
            id: UserId::new(),
            email: "a@example.com".into(),
            name: "A".into(),
        };
        let mut headers = axum::http::HeaderMap::new();
        let grant = SessionGrant::new(&headers, user.clone(), OrgUnitId::new(), Role::Viewer, true);
        assert!(grant.is_none(), "no session cookie, no grant");
        headers.insert("cookie", "cairn_session=abc".parse().unwrap());
        let grant = SessionGrant::new(&headers, user.clone(), OrgUnitId::new(), Role::Viewer, true)
            .unwrap();
        assert!(grant.concerns(AccessSignal::User(user.id)));
        assert!(grant.concerns(AccessSignal::Everyone));
        assert!(!grant.concerns(AccessSignal::User(UserId::new())));
        assert_eq!(grant.can_edit, Some(false));
        // Reason texts fit a WebSocket close frame (at most 123 bytes).
        for ended in [
            AccessEnded::SessionEnded,
            AccessEnded::NoRole,
            AccessEnded::RoleChanged,
        ] {
            assert!(ended.message().len() <= 123, "{ended:?}");
        }
    }
}
