//! The audit history (`audit_log`): one row for every change, written inside the change's
//! transaction.

use super::*;
use sqlx::AnyConnection;

/// Appends one entry to the audit history, inside the caller's transaction (one row of
/// [`audit_many`]).
pub async fn audit(
    conn: &mut AnyConnection,
    user: Option<crate::domain::UserId>,
    action: &'static str,
    entity: &'static str,
    entity_id: impl std::fmt::Display,
    detail: &str,
) -> StoreResult<()> {
    let entry = AuditEntry {
        user,
        action,
        entity,
        entity_id: entity_id.to_string(),
        detail: detail.to_string(),
    };
    audit_many(conn, &[entry], &now_text()).await
}

/// One row of the audit history: who did what to which entity, and a short account of it.
pub struct AuditEntry {
    pub user: Option<crate::domain::UserId>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub detail: String,
}

/// Appends several audit entries in one statement, inside the caller's transaction (a commit
/// group writes one per batch).
pub async fn audit_many(
    conn: &mut AnyConnection,
    entries: &[AuditEntry],
    at: &str,
) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, detail) VALUES {}",
        value_tuples(entries.len(), 7)
    );
    let mut q = sqlx::query(&sql);
    for e in entries {
        q = q
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(at.to_string())
            .bind(e.user.map(|u| u.to_string()))
            .bind(e.action)
            .bind(e.entity)
            .bind(e.entity_id.clone())
            .bind(e.detail.clone());
    }
    q.execute(conn).await?;
    Ok(())
}
