//! Initiatives through the API: a unit's initiatives page (each with its milestones, the status
//! its dates, milestones and spend suggest, and its flags; the red objectives no initiative
//! moves), and saving one whole (create, edit, reschedule, close, reopen) in one transaction.
//! The same functions in [`service`] serve the server functions and the REST API, so both
//! check the same rights: viewers of the unit read, editors write.

use super::ApiError;
use crate::domain::initiative::{Flag, Suggestion};
use crate::domain::*;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An initiative as its page shows it: summed up (owner's name, % complete as shown), with its
/// milestones, the status suggested today and why, and its flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InitiativeCard {
    pub summary: InitiativeSummary,
    pub milestones: Vec<Milestone>,
    pub suggestion: Suggestion,
    pub flags: Vec<Flag>,
}

impl InitiativeCard {
    /// The card of `summary` with `milestones` on `today`.
    pub fn new(summary: InitiativeSummary, milestones: Vec<Milestone>, today: NaiveDate) -> Self {
        let i = &summary.initiative;
        InitiativeCard {
            suggestion: initiative::suggest(i, &milestones, today),
            flags: initiative::flags(i, &milestones, today),
            summary,
            milestones,
        }
    }
}

/// An objective an initiative of the unit may move: on one of the unit's maps, with its status
/// in the map's latest reported month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ObjectiveChoice {
    pub id: ObjectiveId,
    pub title: String,
    pub map_id: MapId,
    pub map_name: String,
    pub status: scoring::Status,
}

/// A unit's initiatives page: the cards, what they may move and who may own them, the red
/// objectives that no open initiative moves, and what the caller may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InitiativesPage {
    pub unit: OrgUnit,
    /// The organisation's currency (ISO 4217).
    pub currency: String,
    /// The server's today, which flags and suggestions are computed for.
    pub today: NaiveDate,
    pub items: Vec<InitiativeCard>,
    /// The objectives of the unit's maps, map by map in map order.
    pub objectives: Vec<ObjectiveChoice>,
    /// The people with a role on the unit: who may own an initiative or a milestone.
    pub people: Vec<Person>,
    /// Red objectives that no open initiative moves.
    pub red_unmoved: Vec<ObjectiveId>,
    /// The caller may create and change initiatives here (editor or admin, not archived).
    pub may_edit: bool,
    /// The unit's newest active map (else its newest map): the page listens to its live
    /// channel for changes made elsewhere.
    pub live_map: Option<MapId>,
}

/// An initiative with its milestones, as a client writes it whole: created when its id is new,
/// else replaced (links and milestones too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InitiativeDraft {
    pub initiative: Initiative,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

/// A unit's initiatives with everything their page shows (viewers of the unit).
#[server(prefix = "/api", endpoint = "unit_initiatives", input = Json, output = super::TextJson)]
pub async fn unit_initiatives(unit_id: OrgUnitId) -> Result<InitiativesPage, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::page(&ctx.store, &access, unit_id).await
        }
        .await,
    )
}

/// Creates or replaces an initiative with its milestones (editors of its unit); its maps'
/// screens hear of it live.
#[server(prefix = "/api", endpoint = "save_initiative", input = Json, output = super::TextJson)]
pub async fn save_initiative(draft: InitiativeDraft) -> Result<InitiativeCard, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::save(&ctx.store, &*ctx.maps, &access, Some(user.id), draft).await
        }
        .await,
    )
}

/// Ties an initiative to an objective of its unit's maps, or unties it (editors of the unit):
/// the objective panel's way to say which initiatives move it.
#[server(prefix = "/api", endpoint = "link_initiative", input = Json, output = super::TextJson)]
pub async fn link_initiative(
    initiative_id: InitiativeId,
    objective_id: ObjectiveId,
    linked: bool,
) -> Result<InitiativeCard, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            let mut initiative = ctx.store.initiative(initiative_id).await?;
            service::need_view(&ctx.store, &access, initiative.org_unit_id).await?;
            let milestones = ctx.store.milestones_of(initiative_id).await?;
            initiative.objective_ids.retain(|o| *o != objective_id);
            if linked {
                initiative.objective_ids.push(objective_id);
            }
            let draft = InitiativeDraft {
                initiative,
                milestones,
            };
            service::save(&ctx.store, &*ctx.maps, &access, Some(user.id), draft).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::api::Refusal;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::initiative::{Timeline, TimelineRow};
    use crate::domain::scores::{latest_reported, ScoreModel};
    use crate::domain::Action;
    use crate::store::{Store, StoreError};

    /// A 403 unless `access` may view `unit` (so that what exists elsewhere is not told).
    pub async fn need_view(
        store: &Store,
        access: &Access,
        unit: OrgUnitId,
    ) -> Result<(), ApiError> {
        need(store, access, unit, Action::View).await
    }

    /// The server's today (UTC).
    pub fn today() -> NaiveDate {
        chrono::Utc::now().date_naive()
    }

    /// The cards of a unit's initiatives on `today`.
    pub async fn cards(
        store: &Store,
        unit: OrgUnitId,
        today: NaiveDate,
    ) -> Result<Vec<InitiativeCard>, ApiError> {
        Ok(store
            .initiative_cards(unit)
            .await?
            .into_iter()
            .map(|(summary, milestones)| InitiativeCard::new(summary, milestones, today))
            .collect())
    }

    /// One initiative's card, if `access` may view its unit.
    pub async fn card(
        store: &Store,
        access: &Access,
        id: InitiativeId,
    ) -> Result<InitiativeCard, ApiError> {
        let i = store.initiative(id).await?;
        need(store, access, i.org_unit_id, Action::View).await?;
        cards(store, i.org_unit_id, today())
            .await?
            .into_iter()
            .find(|c| c.summary.initiative.id == id)
            .ok_or_else(|| ApiError::NotFound("initiative".into()))
    }

    /// The maps of a unit, newest period first.
    async fn unit_maps(store: &Store, unit: OrgUnitId) -> Result<Vec<MapSummary>, ApiError> {
        Ok(store
            .map_summaries()
            .await?
            .into_iter()
            .filter(|(u, _)| *u == unit)
            .map(|(_, m)| m)
            .collect())
    }

    /// A unit's open initiatives as its timeline draws them on `today`, grouped under the
    /// objectives of its maps in map order. The caller checks the right to view the unit.
    pub async fn timeline(
        store: &Store,
        unit: OrgUnitId,
        today: NaiveDate,
    ) -> Result<Timeline, ApiError> {
        let rows = store
            .initiative_cards(unit)
            .await?
            .into_iter()
            .filter(|(s, _)| s.initiative.closed_on.is_none())
            .map(|(s, milestones)| TimelineRow {
                initiative: s.initiative,
                owner: s.owner,
                milestones,
            })
            .collect();
        let mut objectives = Vec::new();
        for m in unit_maps(store, unit).await? {
            let doc = store.map_document(m.id).await?;
            objectives.extend(
                crate::domain::review::objectives_in_map_order(&doc)
                    .into_iter()
                    .map(|o| (o.id, o.title.clone())),
            );
        }
        Ok(Timeline {
            today,
            objectives,
            rows,
        })
    }

    /// Everything a unit's initiatives page shows, if `access` may view the unit.
    pub async fn page(
        store: &Store,
        access: &Access,
        unit_id: OrgUnitId,
    ) -> Result<InitiativesPage, ApiError> {
        let unit = store.org_unit(unit_id).await?;
        need(store, access, unit_id, Action::View).await?;
        let today = today();
        let items = cards(store, unit_id, today).await?;
        let maps = unit_maps(store, unit_id).await?;
        let mut objectives = Vec::new();
        for m in &maps {
            let doc = store.map_document(m.id).await?;
            let data = store.score_data(m.id).await?;
            let month = crate::store::current_period();
            let model = ScoreModel::new(&doc, &data, month);
            let scores = model.span(scoring::Span::Month {
                period: latest_reported(&data, month),
            });
            let mut in_order: Vec<&Objective> = doc.objectives.iter().collect();
            in_order.sort_by_key(|o| {
                let band = doc
                    .perspectives
                    .iter()
                    .position(|p| p.id == o.perspective_id);
                (band, (o.y * 1000.0) as i64, (o.x * 1000.0) as i64)
            });
            objectives.extend(in_order.into_iter().map(|o| ObjectiveChoice {
                id: o.id,
                title: o.title.clone(),
                map_id: m.id,
                map_name: m.name.clone(),
                status: scores.objective(o.id).status,
            }));
        }
        let red: Vec<ObjectiveId> = objectives
            .iter()
            .filter(|o| o.status == scoring::Status::Red)
            .map(|o| o.id)
            .collect();
        let all: Vec<Initiative> = items.iter().map(|c| c.summary.initiative.clone()).collect();
        let live_map = maps
            .iter()
            .find(|m| m.status == MapStatus::Active)
            .or(maps.first())
            .map(|m| m.id);
        Ok(InitiativesPage {
            currency: store.organisation_currency().await?,
            today,
            items,
            objectives,
            people: store.people_with_role_on(unit_id).await?,
            red_unmoved: initiative::red_without_initiative(&red, &all),
            may_edit: access.allows(unit_id, Action::Edit),
            live_map,
            unit,
        })
    }

    /// Creates or replaces an initiative with its milestones, by `actor`, after checking that
    /// `access` edits its unit (not archived), that an existing one stays in its unit and is
    /// open (or is being reopened), that every objective it moves is on one of the unit's maps
    /// and every owner has a role on the unit. Then the unit's maps' screens hear of it.
    pub async fn save(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        actor: Option<UserId>,
        draft: InitiativeDraft,
    ) -> Result<InitiativeCard, ApiError> {
        let InitiativeDraft {
            mut initiative,
            milestones,
        } = draft;
        let unit = initiative.org_unit_id;
        store.org_unit(unit).await?;
        need(store, access, unit, Action::Edit).await?;
        let existing = match store.initiative(initiative.id).await {
            Ok(i) => Some(i),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(old) = &existing {
            if old.org_unit_id != unit {
                return Err(ApiError::BadInput(Refusal::InitiativeMoved));
            }
            if old.closed_on.is_some() && initiative.closed_on.is_some() {
                return Err(ApiError::Conflict(Refusal::InitiativeClosed {
                    name: old.name.clone(),
                }));
            }
        }
        initiative.objective_ids.sort_unstable();
        initiative.objective_ids.dedup();
        initiative::validate(&initiative, &milestones)?;
        let units = store.units_of_objectives(&initiative.objective_ids).await?;
        if units.iter().any(|u| *u != unit) {
            return Err(ApiError::Invalid(ValidationError::ObjectiveOfAnotherUnit));
        }
        let people = store.people_with_role_on(unit).await?;
        let owners =
            std::iter::once(initiative.owner_id).chain(milestones.iter().map(|m| m.owner_id));
        for owner in owners.flatten() {
            if !people.iter().any(|p| p.id == owner) {
                return Err(ApiError::BadInput(Refusal::OwnerWithoutRole));
            }
        }
        match existing {
            Some(_) => {
                store
                    .save_initiative(&initiative, &milestones, actor)
                    .await?
            }
            None => {
                store
                    .create_initiative_with(&initiative, &milestones, actor)
                    .await?
            }
        }
        for m in unit_maps(store, unit).await? {
            maps.initiatives_changed(m.id).await;
        }
        card(store, access, initiative.id).await
    }
}
