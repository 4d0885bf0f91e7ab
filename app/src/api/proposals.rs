//! Proposals through the API: a unit map's editors propose a change to the parent unit's map
//! (a small batch of ops with a reason); that map's editors accept it (committed through the
//! map's one write path as one batch, credited to the proposer) or decline it with a comment.

use crate::api::ApiError;
use crate::domain::proposal::{ProposalDraft, ProposalList, ProposalView};
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What a parent map's editor decides on a proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub accept: bool,
    /// Required to decline (the proposer is told why); optional to accept.
    pub comment: String,
}

/// Sends a proposal (editors of the unit map it comes from who may view the parent map).
#[server(prefix = "/api", endpoint = "propose_change", input = Json, output = super::TextJson)]
pub async fn propose_change(draft: ProposalDraft) -> Result<ProposalView, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::propose(&ctx.store, &*ctx.maps, &access, user.id, draft).await
        }
        .await,
    )
}

/// The proposals made to `map_id` and from it (viewers of the map's unit; see
/// [`ProposalList`] for who sees which).
#[server(prefix = "/api", endpoint = "map_proposals", input = Json, output = super::TextJson)]
pub async fn map_proposals(map_id: MapId) -> Result<ProposalList, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::list(&ctx.store, &access, Some(user.id), map_id).await
        }
        .await,
    )
}

/// Accepts or declines an open proposal (editors of the map it would change).
#[server(prefix = "/api", endpoint = "decide_proposal", input = Json, output = super::TextJson)]
pub async fn decide_proposal(id: ProposalId, decision: Decision) -> Result<ProposalView, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::decide(&ctx.store, &*ctx.maps, &access, user.id, id, decision).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::Decision;
    use crate::api::units::service::need;
    use crate::api::{ApiError, Refusal};
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::proposal::{self, *};
    use crate::domain::*;
    use crate::store::Store;

    /// Keeps `draft` as an open proposal by `author` after checking that they edit the unit
    /// map it comes from, may view the map it goes to, that this map is the parent unit's, and
    /// that its changes apply to that map as it is now.
    pub async fn propose(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        draft: ProposalDraft,
    ) -> Result<ProposalView, ApiError> {
        let from = store.map(draft.from_map_id).await?;
        need(store, access, from.org_unit_id, Action::Edit).await?;
        let target = store.map_document(draft.map_id).await?;
        need(store, access, target.org_unit.id, Action::View).await?;
        if target.map.status == MapStatus::Archived {
            return Err(ApiError::Conflict(Refusal::MapArchived {
                map: target.map.name.clone(),
            }));
        }
        let from_unit = store.org_unit(from.org_unit_id).await?;
        if from_unit.parent_id != Some(target.org_unit.id) {
            return Err(ApiError::Invalid(ValidationError::ProposalNotToParent));
        }
        proposal::validate(&draft.reason, &draft.ops)?;
        proposal::review(&target, &draft.ops)?;
        let made = Proposal {
            id: ProposalId::new(),
            map_id: draft.map_id,
            from_map_id: draft.from_map_id,
            author_id: author,
            author_name: String::new(),
            from_unit: String::new(),
            reason: draft.reason.trim().to_string(),
            ops: draft.ops,
            status: ProposalStatus::Open,
            created_at: crate::store::now_text(),
            decided_by: None,
            decided_at: None,
            comment: String::new(),
        };
        store.create_proposal(&made).await?;
        maps.proposals_changed(made.map_id).await;
        maps.proposals_changed(made.from_map_id).await;
        let kept = store.proposal(made.id).await?;
        Ok(ProposalView::of(&target, kept))
    }

    /// The proposals of `map` for `user`: made to it (all for its editors, else their own),
    /// and made from it (for viewers of its unit, those to maps they may view), each read
    /// against the map it would change.
    pub async fn list(
        store: &Store,
        access: &Access,
        user: Option<UserId>,
        map: MapId,
    ) -> Result<ProposalList, ApiError> {
        let doc = store.map_document(map).await?;
        need(store, access, doc.org_unit.id, Action::View).await?;
        let may_decide = access.allows(doc.org_unit.id, Action::Edit);
        let incoming = store
            .proposals_to(map)
            .await?
            .into_iter()
            .filter(|p| may_decide || Some(p.author_id) == user)
            .map(|p| ProposalView::of(&doc, p))
            .collect();
        let mut outgoing = Vec::new();
        let mut targets: Vec<MapDocument> = Vec::new();
        for p in store.proposals_from(map).await? {
            if !targets.iter().any(|t| t.map.id == p.map_id) {
                targets.push(store.map_document(p.map_id).await?);
            }
            let Some(target) = targets.iter().find(|t| t.map.id == p.map_id) else {
                continue;
            };
            if access.allows(target.org_unit.id, Action::View) {
                outgoing.push(ProposalView::of(target, p));
            }
        }
        Ok(ProposalList {
            incoming,
            outgoing,
            may_decide,
        })
    }

    /// Accepts (commits its ops as one batch through `maps`, credited to the proposer, then
    /// records the decision) or declines (a comment is required) proposal `id`, for editors
    /// of the map it would change. A decided proposal, or one that no longer applies, is
    /// refused and nothing changes.
    pub async fn decide(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        by: UserId,
        id: ProposalId,
        decision: Decision,
    ) -> Result<ProposalView, ApiError> {
        let p = store.proposal(id).await?;
        let target = store.map(p.map_id).await?;
        need(store, access, target.org_unit_id, Action::Edit).await?;
        if p.status != ProposalStatus::Open {
            return Err(ApiError::Conflict(Refusal::ProposalDecided));
        }
        if decision.accept {
            validation::optional_text("Comment", &decision.comment, MAX_REASON)?;
        } else {
            validation::required_text("Comment", &decision.comment, MAX_REASON)?;
        }
        let status = if decision.accept {
            let doc = store.map_document(p.map_id).await?;
            proposal::review(&doc, &p.ops)
                .map_err(|e| ApiError::Conflict(Refusal::ProposalStale(e)))?;
            // The proposal's id as the batch id: accepting twice never applies it twice.
            maps.mutate(p.map_id, p.author_id, p.id.0, p.ops.clone())
                .await?;
            ProposalStatus::Accepted
        } else {
            ProposalStatus::Declined
        };
        if !store
            .decide_proposal(id, status, by, &decision.comment)
            .await?
        {
            return Err(ApiError::Conflict(Refusal::ProposalDecided));
        }
        maps.proposals_changed(p.map_id).await;
        maps.proposals_changed(p.from_map_id).await;
        let doc = store.map_document(p.map_id).await?;
        Ok(ProposalView::of(&doc, store.proposal(id).await?))
    }
}
