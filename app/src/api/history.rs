//! History and audit: the History view of an objective, measure, map, unit or person
//! (`item_history`), and the admins' audit page with its filters (`audit_log`) and CSV export.
//!
//! Rights: the history of an item is read by whoever may read the item (a viewer of its unit
//! or above); a person's history by that person or an admin of a top unit (the whole
//! organisation). The audit page shows an admin the rows of the units they administer (each
//! with everything below it); rows that belong to no unit (sign-ins, users, API tokens) only
//! to admins of a top unit.

use super::ApiError;
use crate::domain::history::{HistoryKind, HistoryPage};
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The filters of the audit page (and of its CSV download).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Rows by this person or about them.
    pub person: Option<UserId>,
    /// Rows of this unit and the units below it.
    pub unit: Option<OrgUnitId>,
    /// Rows about this kind of item (`objective`, `map`, `user`, `membership`…).
    pub kind: Option<String>,
    /// From this day (UTC, inclusive).
    pub from: Option<chrono::NaiveDate>,
    /// To this day (UTC, inclusive).
    pub to: Option<chrono::NaiveDate>,
    /// The page, from 0 (newest).
    #[serde(default)]
    pub page: usize,
}

impl AuditFilter {
    /// The query string of these filters (without the page), for links and the CSV download.
    pub fn query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(p) = self.person {
            parts.push(format!("person={p}"));
        }
        if let Some(u) = self.unit {
            parts.push(format!("unit={u}"));
        }
        if let Some(k) = self.kind.as_deref().filter(|k| is_kind(k)) {
            parts.push(format!("kind={k}"));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        parts.join("&")
    }
}

/// The kinds of item the audit page filters by, as stored.
pub const AUDIT_KINDS: [&str; 14] = [
    "objective",
    "measure",
    "map",
    "theme",
    "link",
    "alignment",
    "initiative",
    "org_unit",
    "user",
    "membership",
    "api_token",
    "dashboard",
    "display_link",
    "actual",
];

/// Whether `kind` is one of [`AUDIT_KINDS`].
pub fn is_kind(kind: &str) -> bool {
    AUDIT_KINDS.contains(&kind)
}

/// A unit the audit page may be filtered to, with its depth for indentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditUnit {
    pub id: OrgUnitId,
    pub name: String,
    pub depth: usize,
}

/// A page of the audit history and the choices of its filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub history: HistoryPage,
    /// The units the admin administers, in tree order.
    pub units: Vec<AuditUnit>,
    /// Everyone, by name (to filter by person).
    pub people: Vec<Person>,
}

/// The query of `GET /api/v1/history`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct HistoryQuery {
    /// What kind of item: `objective`, `measure`, `map`, `unit` or `user`.
    #[cfg_attr(feature = "ssr", param(example = "objective"))]
    pub kind: String,
    /// The item's id.
    pub id: String,
    /// The page, from 0 (newest); each holds up to 50 changes.
    pub page: Option<usize>,
}

/// One change in `GET /api/v1/history`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryItem {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who, by name (absent: the system, an API token, someone since removed).
    pub who: Option<String>,
    /// The kind of item the stored row is about (`objective`, `map`…).
    pub entity: String,
    /// That item's id.
    pub entity_id: String,
    /// The change as a sentence in the request's language ("Title: 'A' → 'B'").
    #[cfg_attr(
        feature = "ssr",
        schema(example = "Title: 'Grow revenue' → 'Grow revenue by 25 %'")
    )]
    pub text: String,
    /// The change as data: `change` names its kind (`field`, `created`, `link_added`…); a
    /// field change has `field`, `old` and `new` (`{"t": "text", "v": "…"}`).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub change: crate::domain::history::Change,
}

/// A page of `GET /api/v1/history`, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryList {
    pub entries: Vec<HistoryItem>,
    /// Whether older changes follow (ask for `page + 1`).
    pub more: bool,
}

impl HistoryList {
    /// A history page with each change's text in `locale`.
    pub fn of(page: HistoryPage, locale: crate::i18n::Locale) -> HistoryList {
        HistoryList {
            entries: page
                .entries
                .into_iter()
                .map(|e| HistoryItem {
                    text: e.change.text(locale),
                    at: e.at,
                    who: e.who,
                    entity: e.entity,
                    entity_id: e.entity_id,
                    change: e.change,
                })
                .collect(),
            more: page.more,
        }
    }
}

/// One page (`page`, from 0) of the history of an item: `kind` and `id` name it. Readable by
/// whoever may read the item; a person's history by themself or an admin of a top unit.
#[server(prefix = "/api", endpoint = "item_history", input = Json, output = super::TextJson)]
pub async fn item_history(
    kind: HistoryKind,
    id: uuid::Uuid,
    page: Option<usize>,
) -> Result<HistoryPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let scope = server::scope(&ctx.store, kind, id).await?;
            server::may_read(&ctx.store, &access, &scope).await?;
            server::page(&ctx.store, &scope, page.unwrap_or(0)).await
        }
        .await,
    )
}

/// One page of the audit history with `filter`, for an admin (see the module's rights).
#[server(prefix = "/api", endpoint = "audit_log", input = Json, output = super::TextJson)]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            server::audit_page(&ctx.store, &access, &filter).await
        }
        .await,
    )
}

/// The server side of history and audit, shared with the REST API and the CSV download.
#[cfg(feature = "ssr")]
pub mod server {
    use super::*;
    use crate::auth::Access;
    use crate::domain::history::{self, HistoryEntry, PAGE_SIZE};
    use crate::domain::Action;
    use crate::error::Refusal;
    use crate::store::{AuditQuery, AuditRow, Store};

    /// What a history reads: the rows, the item whose changes to keep from map edits, and
    /// who may read it.
    pub struct Scope {
        pub query: AuditQuery,
        pub item: Option<uuid::Uuid>,
        /// The unit whose viewers may read it; `None` for a person's history.
        pub unit: Option<OrgUnitId>,
        /// The person whose history it is.
        pub person: Option<UserId>,
    }

    /// The scope of the history of `kind` `id` (404 when there is no such item).
    pub async fn scope(
        store: &Store,
        kind: HistoryKind,
        id: uuid::Uuid,
    ) -> Result<Scope, ApiError> {
        let mut query = AuditQuery::default();
        let mut item = None;
        let mut person = None;
        let unit = match kind {
            HistoryKind::Objective => {
                let o = store.objective(ObjectiveId(id)).await?;
                let map = store.map(o.map_id).await?;
                query.about = vec![id.to_string()];
                query.edits_of = Some((map.id, id));
                item = Some(id);
                Some(map.org_unit_id)
            }
            HistoryKind::Measure => {
                let scopes = store.measure_scopes(&[MeasureId(id)]).await?;
                let s = scopes
                    .get(&MeasureId(id))
                    .ok_or_else(|| ApiError::NotFound("measure".into()))?;
                query.about = vec![id.to_string()];
                query.edits_of = Some((s.map_id, id));
                item = Some(id);
                Some(s.org_unit_id)
            }
            HistoryKind::Map => {
                let map = store.map(MapId(id)).await?;
                query.about = vec![id.to_string()];
                Some(map.org_unit_id)
            }
            HistoryKind::Unit => {
                let unit = store.org_unit(OrgUnitId(id)).await?;
                query.units = Some(vec![unit.id]);
                Some(unit.id)
            }
            HistoryKind::User => {
                let user = store.user(UserId(id)).await?;
                query.person = Some(user.id);
                person = Some(user.id);
                None
            }
        };
        Ok(Scope {
            query,
            item,
            unit,
            person,
        })
    }

    /// The top units (those without a parent).
    async fn roots(store: &Store) -> Result<Vec<OrgUnit>, ApiError> {
        Ok(store
            .org_units()
            .await?
            .into_iter()
            .filter(|u| u.parent_id.is_none())
            .collect())
    }

    /// Whether `access` administers a top unit: the whole organisation.
    pub async fn organisation_admin(store: &Store, access: &Access) -> Result<bool, ApiError> {
        Ok(roots(store)
            .await?
            .iter()
            .any(|u| access.allows(u.id, Action::Administer)))
    }

    /// A 403 unless `access` may read the history `scope` names.
    pub async fn may_read(store: &Store, access: &Access, scope: &Scope) -> Result<(), ApiError> {
        if let Some(unit) = scope.unit {
            if access.allows(unit, Action::View) {
                return Ok(());
            }
            let name = store.org_unit(unit).await.ok().map(|u| u.name);
            return Err(ApiError::Forbidden(Refusal::NeedRole {
                action: Action::View,
                unit: name,
                required: Role::Viewer,
                yours: access.role(unit),
            }));
        }
        let own = matches!(access.actor, crate::auth::Actor::User(me) if Some(me) == scope.person);
        if own || organisation_admin(store, access).await? {
            return Ok(());
        }
        let root = roots(store).await?.into_iter().next();
        Err(ApiError::Forbidden(Refusal::NeedRole {
            action: Action::Administer,
            unit: root.as_ref().map(|u| u.name.clone()),
            required: Role::Admin,
            yours: root.and_then(|u| access.role(u.id)),
        }))
    }

    /// Readable entries of stored rows (the changes of map edits about `item` only).
    pub fn entries(rows: Vec<AuditRow>, item: Option<uuid::Uuid>) -> Vec<HistoryEntry> {
        rows.into_iter()
            .flat_map(|r| {
                let changes = history::read_row(&r.action, &r.entity, &r.detail, item);
                changes.into_iter().map(move |change| HistoryEntry {
                    at: r.at.clone(),
                    who: r.who.clone(),
                    entity: r.entity.clone(),
                    entity_id: r.entity_id.clone(),
                    change,
                })
            })
            .collect()
    }

    /// Page `page` of the history `scope` names, newest first.
    pub async fn page(store: &Store, scope: &Scope, page: usize) -> Result<HistoryPage, ApiError> {
        let mut query = scope.query.clone();
        query.offset = page.saturating_mul(PAGE_SIZE);
        query.limit = PAGE_SIZE + 1;
        let mut rows = store.audit_rows(&query).await?;
        let more = rows.len() > PAGE_SIZE;
        rows.truncate(PAGE_SIZE);
        Ok(HistoryPage {
            entries: entries(rows, scope.item),
            more,
        })
    }

    /// The audit query of `filter` for `access`: only units it administers (403 when it
    /// administers none, or the filter's unit is not one of them).
    pub async fn audit_query(
        store: &Store,
        access: &Access,
        filter: &AuditFilter,
    ) -> Result<(AuditQuery, Vec<AuditUnit>), ApiError> {
        let units = store.org_units().await?;
        let administered: Vec<AuditUnit> = org::tree_order(&units)
            .into_iter()
            .filter(|(u, _)| access.allows(u.id, Action::Administer))
            .map(|(u, depth)| AuditUnit {
                id: u.id,
                name: u.name.clone(),
                depth,
            })
            .collect();
        let refuse = |unit: Option<&OrgUnit>| {
            ApiError::Forbidden(Refusal::NeedRole {
                action: Action::Administer,
                unit: unit.map(|u| u.name.clone()),
                required: Role::Admin,
                yours: unit.and_then(|u| access.role(u.id)),
            })
        };
        if administered.is_empty() {
            return Err(refuse(None));
        }
        let mut query = AuditQuery::default();
        match filter.unit {
            Some(unit) => {
                let Some(found) = units.iter().find(|u| u.id == unit) else {
                    return Err(ApiError::NotFound("org unit".into()));
                };
                if !access.allows(unit, Action::Administer) {
                    return Err(refuse(Some(found)));
                }
                query.units = Some(org_subtree(&units, unit));
            }
            None => {
                query.units = Some(administered.iter().map(|u| u.id).collect());
                query.unitless = organisation_admin(store, access).await?;
            }
        }
        query.person = filter.person;
        query.entity = filter.kind.clone().filter(|k| is_kind(k));
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(ApiError::Invalid(ValidationError::DatesReversed));
            }
        }
        query.from = filter.from.map(|d| d.to_string());
        query.before = filter.to.and_then(|d| d.succ_opt()).map(|d| d.to_string());
        Ok((query, administered))
    }

    /// `unit` and every unit below it.
    fn org_subtree(units: &[OrgUnit], unit: OrgUnitId) -> Vec<OrgUnitId> {
        let mut out = vec![unit];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(
                units
                    .iter()
                    .filter(|u| u.parent_id == Some(parent))
                    .map(|u| u.id),
            );
            i += 1;
        }
        out
    }

    /// The audit page for `access` with `filter`.
    pub async fn audit_page(
        store: &Store,
        access: &Access,
        filter: &AuditFilter,
    ) -> Result<AuditPage, ApiError> {
        let (mut query, units) = audit_query(store, access, filter).await?;
        query.offset = filter.page.saturating_mul(PAGE_SIZE);
        query.limit = PAGE_SIZE + 1;
        let mut rows = store.audit_rows(&query).await?;
        let more = rows.len() > PAGE_SIZE;
        rows.truncate(PAGE_SIZE);
        let people = store.users().await?.iter().map(User::person).collect();
        Ok(AuditPage {
            history: HistoryPage {
                entries: entries(rows, None),
                more,
            },
            units,
            people,
        })
    }

    /// The most rows one CSV download holds.
    pub const MAX_CSV_ROWS: usize = 10_000;

    /// The audit history with `filter` (every page, up to [`MAX_CSV_ROWS`]) as CSV in
    /// `locale`: when, who, kind, item name, item id, what. Every text cell is neutralised against
    /// spreadsheet formulas.
    pub async fn audit_csv(
        store: &Store,
        access: &Access,
        filter: &AuditFilter,
        locale: crate::i18n::Locale,
    ) -> Result<String, ApiError> {
        use crate::domain::csv_safe::neutralise;
        use crate::i18n::td_string;
        let (mut query, _) = audit_query(store, access, filter).await?;
        query.limit = MAX_CSV_ROWS;
        let rows = store.audit_rows(&query).await?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            td_string!(locale, history.ui.when).to_string(),
            td_string!(locale, history.ui.who).to_string(),
            td_string!(locale, history.audit.kind).to_string(),
            td_string!(locale, history.ui.item).to_string(),
            td_string!(locale, history.ui.id).to_string(),
            td_string!(locale, history.ui.what).to_string(),
        ];
        out.write_record(&header).map_err(ApiError::internal)?;
        let system = td_string!(locale, history.ui.system).to_string();
        for e in entries(rows, None) {
            let who = e.who.clone().unwrap_or_else(|| system.clone());
            let what = e.change.text(locale);
            let kind = history::entity_text(locale, &e.entity);
            let cells = [
                e.at.as_str(),
                who.as_str(),
                kind.as_str(),
                e.change.subject().unwrap_or_default(),
                e.entity_id.as_str(),
                what.as_str(),
            ];
            out.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
                .map_err(ApiError::internal)?;
        }
        let bytes = out.into_inner().map_err(ApiError::internal)?;
        String::from_utf8(bytes).map_err(ApiError::internal)
    }
}
