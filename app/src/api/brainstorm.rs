//! A map's workshop (sticky notes, clusters, the dot-vote, the timer) for REST and integrations.
//! Screens take part over the map's socket; a change sent here is the same `Op::Workshop` edits
//! through the same commit path, so open maps hear it at once, the audit records it, and each
//! person is told only what they may see (others' words until the reveal, nobody's dots until
//! the votes are revealed).

use crate::domain::workshop::{Workshop, WorkshopOp};
use serde::{Deserialize, Serialize};

/// The workshop on a map as the caller may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorkshopState {
    /// The map's edit sequence this state reflects.
    pub seq: i64,
    /// The server's clock (ms since the epoch): a running timer or vote ends at a time on it.
    pub server_ms: i64,
    /// `null` when no workshop runs. Otherwise: `facilitator`, `notes_revealed`, `notes` (each
    /// with `id`, `author`, `perspective_id`, `text`, `group_id`, and `hidden: true` with an
    /// empty text for someone else's note before the reveal), `groups`, `vote` (`per_person`,
    /// `several_on_one`, `ends_at_ms`, `revealed`, and only the caller's own `ballots` until the
    /// reveal) and `timer` (`idle`, `running` with `ends_at_ms`, or `paused` with `left_ms`).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub workshop: Option<Workshop>,
}

/// Workshop steps to take, in order, as one batch (all or none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorkshopChanges {
    /// Each step is an object with `op`: `open`; `close`; `add_note` (`note`: `id`,
    /// `perspective_id`, `text`); `edit_note` (`id`, `text`); `move_note` (`id`,
    /// `perspective_id`); `delete_note` (`id`); `reveal_notes`; `cluster` (`note`, `onto`:
    /// `{"kind":"note"|"group","id":…}`, `group`: the id of a group it founds); `ungroup`
    /// (`note`); `title_group` (`id`, `title`); `start_vote` (`per_person`, `several_on_one`,
    /// `seconds` or null); `cast` and `withdraw` (`target`); `reveal_votes`; `timer` (`timer`:
    /// `{"do":"start"|"extend","seconds":…}`, `{"do":"pause"|"resume"|"stop"}`); `unpromote`
    /// (`target`); `promote` (`target`): the note or group becomes an objective in its band
    /// (its words the title, a group's notes the description), made in the same batch.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub ops: Vec<WorkshopOp>,
}

/// The most workshop steps one REST call takes.
pub const MAX_CHANGES: usize = 100;

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::api::ApiError;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::edits;
    use crate::domain::ops::{Op, OpError};
    use crate::domain::workshop::WorkshopError;
    use crate::domain::{Action, MapId, UserId};
    use crate::store::Store;

    /// The workshop on map `id` as `viewer` may see it (no person behind the caller: as anyone
    /// who wrote nothing), if `access` may view its unit.
    pub async fn state(
        store: &Store,
        access: &Access,
        viewer: Option<UserId>,
        id: MapId,
        server_ms: i64,
    ) -> Result<WorkshopState, ApiError> {
        let doc = store.live_document(id).await?;
        need(store, access, doc.org_unit.id, Action::View).await?;
        let viewer = viewer.unwrap_or(UserId(uuid::Uuid::nil()));
        Ok(WorkshopState {
            seq: doc.seq,
            server_ms,
            workshop: doc.workshop.map(|w| w.view_for(viewer)),
        })
    }

    /// Takes `changes` on map `id` as one batch by `author`, if `access` edits its unit; the
    /// workshop as `author` now sees it.
    pub async fn change(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        id: MapId,
        changes: WorkshopChanges,
        server_ms: i64,
    ) -> Result<WorkshopState, ApiError> {
        let map = store.map(id).await?;
        need(store, access, map.org_unit_id, Action::Edit).await?;
        if changes.ops.is_empty() || changes.ops.len() > MAX_CHANGES {
            return Err(ApiError::BadInput(crate::api::Refusal::WorkshopBatch {
                max: MAX_CHANGES,
            }));
        }
        let mut ops = Vec::with_capacity(changes.ops.len());
        let mut doc = None;
        for change in changes.ops {
            match change {
                // The objective is made from the workshop as the server holds it.
                WorkshopOp::Promote { target, .. } => {
                    if doc.is_none() {
                        doc = Some(store.live_document(id).await?);
                    }
                    let made = doc.as_ref().and_then(|d| edits::promote(d, target));
                    let (_, promoted) = made.ok_or(ApiError::BadInput(crate::api::Refusal::Op(
                        OpError::Workshop(WorkshopError::NoNote),
                    )))?;
                    ops.extend(promoted);
                }
                change => ops.push(Op::Workshop {
                    change,
                    actor: None,
                    at_ms: 0,
                }),
            }
        }
        maps.mutate(id, author, uuid::Uuid::now_v7(), ops).await?;
        state(store, access, Some(author), id, server_ms).await
    }
}
