//! The audit history (`audit_log`): one row for every change, written inside the change's
//! transaction, with the org unit it belongs to (so the audit page can show each admin the
//! units they administer); and the reads behind the History views and the audit page.

use super::*;
use crate::domain::{MapId, OrgUnitId, UserId};
use sqlx::AnyConnection;

/// Appends one entry to the audit history, inside the caller's transaction (one row of
/// [`audit_many`]). The row's org unit is looked up from the entity while it still exists.
pub async fn audit(
    conn: &mut AnyConnection,
    user: Option<crate::domain::UserId>,
    action: &'static str,
    entity: &'static str,
    entity_id: impl std::fmt::Display,
    detail: &str,
) -> StoreResult<()> {
    let entity_id = entity_id.to_string();
    let unit = unit_of_entity(&mut *conn, entity, &entity_id).await?;
    let entry = AuditEntry {
        user,
        action,
        entity,
        entity_id,
        detail: detail.to_string(),
        unit,
    };
    audit_many(conn, &[entry], &now_text()).await
}

/// The org unit an audited entity belongs to, if it belongs to one (and still exists).
async fn unit_of_entity(
    conn: &mut AnyConnection,
    entity: &str,
    id: &str,
) -> StoreResult<Option<OrgUnitId>> {
    let sql = match entity {
        "org_unit" => return Ok(id.parse().ok()),
        // A membership is "user@unit".
        "membership" => return Ok(id.split_once('@').and_then(|(_, u)| u.parse().ok())),
        "map" => "SELECT org_unit_id FROM maps WHERE id = $1",
        "objective" => {
            "SELECT m.org_unit_id FROM objectives o JOIN maps m ON m.id = o.map_id WHERE o.id = $1"
        }
        "measure" => {
            "SELECT m.org_unit_id FROM measures x JOIN objectives o ON o.id = x.objective_id \
             JOIN maps m ON m.id = o.map_id WHERE x.id = $1"
        }
        "theme" => "SELECT m.org_unit_id FROM themes t JOIN maps m ON m.id = t.map_id WHERE t.id = $1",
        "link" => "SELECT m.org_unit_id FROM links l JOIN maps m ON m.id = l.map_id WHERE l.id = $1",
        "alignment" => {
            "SELECT m.org_unit_id FROM alignments a JOIN objectives o ON o.id = a.unit_objective_id \
             JOIN maps m ON m.id = o.map_id WHERE a.id = $1"
        }
        "proposal" => "SELECT m.org_unit_id FROM proposals p JOIN maps m ON m.id = p.map_id WHERE p.id = $1",
        "initiative" => "SELECT org_unit_id FROM initiatives WHERE id = $1",
        "dashboard" => "SELECT org_unit_id FROM dashboards WHERE id = $1",
        "review" => "SELECT org_unit_id FROM reviews WHERE id = $1",
        "review_action" => "SELECT org_unit_id FROM review_actions WHERE id = $1",
        "display_link" => "SELECT org_unit_id FROM display_links WHERE id = $1",
        "survey" => "SELECT org_unit_id FROM surveys WHERE id = $1",
        _ => return Ok(None),
    };
    select(sql)
        .bind(id)
        .optional(&mut *conn, |r| opt_parsed(r, "org_unit_id"))
        .await
        .map(Option::flatten)
}

/// One row of the audit history: who did what to which entity, and a short account of it.
pub struct AuditEntry {
    pub user: Option<crate::domain::UserId>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub detail: String,
    /// The org unit the entity belongs to (`None`: sign-ins, users, API tokens).
    pub unit: Option<OrgUnitId>,
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
        "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, detail, unit_id) VALUES {}",
        value_tuples(entries.len(), 8)
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
            .bind(e.detail.clone())
            .bind(e.unit.map(|u| u.to_string()));
    }
    q.execute(conn).await?;
    Ok(())
}

/// How long one API token's use is recorded once: a program calling every second writes one
/// audit row an hour, not 3,600.
pub const TOKEN_USE_EVERY_SECONDS: i64 = 3600;

/// Which audit rows a read wants. Every condition given must hold; `about`, `edits_of` and
/// `person` select the rows *about* something (any of them may match).
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Rows whose entity is one of these ids.
    pub about: Vec<String>,
    /// Edits of this map that mention this id (an objective's or measure's changes ride in
    /// the map's edit rows).
    pub edits_of: Option<(MapId, uuid::Uuid)>,
    /// Rows by this person, or about them (their user, their roles).
    pub person: Option<UserId>,
    /// Only rows of these units (`None`: any unit).
    pub units: Option<Vec<OrgUnitId>>,
    /// With `units`: also rows that belong to no unit (sign-ins, users, tokens).
    pub unitless: bool,
    /// Only rows about this kind of entity (`objective`, `map`, `user`…).
    pub entity: Option<String>,
    /// Only rows at or after this time (RFC 3339 text or a date).
    pub from: Option<String>,
    /// Only rows before this time.
    pub before: Option<String>,
    /// Rows to skip (paging), and at most how many to read.
    pub offset: usize,
    pub limit: usize,
}

/// One stored audit row, with the name of who made it.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRow {
    pub at: String,
    pub user_id: Option<UserId>,
    pub who: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub unit_id: Option<OrgUnitId>,
}

fn audit_row(r: &AnyRow) -> StoreResult<AuditRow> {
    Ok(AuditRow {
        at: text(r, "at")?,
        user_id: opt_parsed(r, "user_id")?,
        who: opt_text(r, "who")?,
        action: text(r, "action")?,
        entity: text(r, "entity")?,
        entity_id: text(r, "entity_id")?,
        detail: text(r, "detail")?,
        unit_id: opt_parsed(r, "unit_id")?,
    })
}

impl Store {
    /// The audit rows `q` selects, newest first.
    pub async fn audit_rows(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRow>> {
        let mut params: Vec<String> = Vec::new();
        let next = |value: String, params: &mut Vec<String>| {
            params.push(value);
            format!("${}", params.len())
        };
        let mut about: Vec<String> = Vec::new();
        for id in &q.about {
            about.push(format!("a.entity_id = {}", next(id.clone(), &mut params)));
        }
        if let Some((map, id)) = q.edits_of {
            let map = next(map.to_string(), &mut params);
            let like = next(format!("%{id}%"), &mut params);
            about.push(format!(
                "(a.entity = 'map' AND a.entity_id = {map} AND a.action = 'edit' AND a.detail LIKE {like})"
            ));
        }
        if let Some(person) = q.person {
            let p = next(person.to_string(), &mut params);
            let roles = next(format!("{person}@%"), &mut params);
            about.push(format!(
                "a.user_id = {p} OR a.entity_id = {p} OR a.entity_id LIKE {roles}"
            ));
        }
        let mut wheres: Vec<String> = Vec::new();
        if !about.is_empty() {
            wheres.push(format!("({})", about.join(" OR ")));
        }
        if let Some(units) = &q.units {
            let mut any: Vec<String> = Vec::new();
            if !units.is_empty() {
                let marks: Vec<String> = units
                    .iter()
                    .map(|u| next(u.to_string(), &mut params))
                    .collect();
                any.push(format!("a.unit_id IN ({})", marks.join(", ")));
            }
            if q.unitless {
                any.push("a.unit_id IS NULL".into());
            }
            if any.is_empty() {
                return Ok(Vec::new());
            }
            wheres.push(format!("({})", any.join(" OR ")));
        }
        if let Some(entity) = &q.entity {
            wheres.push(format!("a.entity = {}", next(entity.clone(), &mut params)));
        }
        if let Some(from) = &q.from {
            wheres.push(format!("a.at >= {}", next(from.clone(), &mut params)));
        }
        if let Some(before) = &q.before {
            wheres.push(format!("a.at < {}", next(before.clone(), &mut params)));
        }
        let filter = if wheres.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wheres.join(" AND "))
        };
        // The numbers are ours, never input text.
        let sql = format!(
            "SELECT a.at, a.user_id, u.name AS who, a.action, a.entity, a.entity_id, a.detail, a.unit_id \
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id {filter} \
             ORDER BY a.at DESC, a.id DESC LIMIT {} OFFSET {}",
            q.limit, q.offset
        );
        select(&sql)
            .bind_all(params)
            .all(&self.pool, audit_row)
            .await
    }

    /// Records a sign-in: a successful one (`user`), or a failed one with the email tried
    /// (cut to [`crate::domain::history::MAX_TRIED_EMAIL`] characters; never the password).
    pub async fn record_sign_in(
        &self,
        user: Option<UserId>,
        email: &str,
        succeeded: bool,
    ) -> StoreResult<()> {
        let email: String = email
            .trim()
            .chars()
            .take(crate::domain::history::MAX_TRIED_EMAIL)
            .collect();
        let (action, detail) = if succeeded {
            ("sign_in", String::new())
        } else {
            ("sign_in_failed", email)
        };
        let entry = AuditEntry {
            user: if succeeded { user } else { None },
            action,
            entity: "user",
            entity_id: user.map(|u| u.to_string()).unwrap_or_default(),
            detail,
            unit: None,
        };
        let mut conn = self.pool.acquire().await?;
        audit_many(&mut conn, &[entry], &now_text()).await
    }

    /// Records that the API token `id` (named `name`) was used, unless that was recorded within
    /// the last [`TOKEN_USE_EVERY_SECONDS`]. Called only when the token's `last_used_at` moved
    /// (at most once a minute), so a busy token costs one read a minute and one row an hour.
    pub async fn record_token_use(
        &self,
        id: crate::domain::ApiTokenId,
        name: &str,
    ) -> StoreResult<()> {
        let since = (chrono::Utc::now() - chrono::Duration::seconds(TOKEN_USE_EVERY_SECONDS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let recent = select(
            "SELECT 1 AS one FROM audit_log WHERE entity_id = $1 AND action = 'use' AND at >= $2",
        )
        .bind(id)
        .bind(since)
        .optional(&self.pool, |_: &AnyRow| Ok(()))
        .await?;
        if recent.is_some() {
            return Ok(());
        }
        let entry = AuditEntry {
            user: None,
            action: "use",
            entity: "api_token",
            entity_id: id.to_string(),
            detail: name.to_string(),
            unit: None,
        };
        let mut conn = self.pool.acquire().await?;
        audit_many(&mut conn, &[entry], &now_text()).await
    }
}
