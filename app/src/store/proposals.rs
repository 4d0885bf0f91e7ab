//! Proposals: changes proposed to a parent map by editors of a unit below it, kept with their
//! ops (the edit protocol's JSON) and their decision. Accepting one commits its ops through the
//! map's write path (not here); the store keeps the record.

use super::*;
use crate::domain::proposal::{Proposal, ProposalStatus};
use crate::domain::*;

const PROPOSAL_SELECT: &str = "SELECT p.id, p.map_id, p.from_map_id, p.author_id, \
     a.name AS author_name, fu.name AS from_unit, p.reason, p.ops, p.status, p.created_at, d.name AS decided_by, \
     p.decided_at, p.comment FROM proposals p JOIN users a ON a.id = p.author_id \
     JOIN maps fm ON fm.id = p.from_map_id JOIN org_units fu ON fu.id = fm.org_unit_id \
     LEFT JOIN users d ON d.id = p.decided_by";

/// A proposal row joined with its author's and decider's names.
fn proposal_from(row: &AnyRow) -> StoreResult<Proposal> {
    read_row! { row => Proposal {
        parsed: id, map_id, from_map_id, author_id, status;
        text: author_name, from_unit, reason, created_at, comment;
        json: ops;
        opt_text: decided_by, decided_at;
    } }
}

impl Store {
    /// Keeps a new open proposal, with an audit row for its author.
    pub async fn create_proposal(&self, p: &Proposal) -> StoreResult<()> {
        let ops = serde_json::to_string(&p.ops).map_err(|_| StoreError::Corrupt("ops"))?;
        self.write(async |tx| {
            change(
                "INSERT INTO proposals (id, map_id, from_map_id, author_id, reason, ops, status, created_at, comment) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '')",
            )
            .bind(p.id)
            .bind(p.map_id)
            .bind(p.from_map_id)
            .bind(p.author_id)
            .bind(p.reason.trim())
            .bind(&ops)
            .bind(ProposalStatus::Open.as_str())
            .bind(&p.created_at)
            .run(&mut *tx)
            .await?;
            audit(tx, Some(p.author_id), "propose", "proposal", p.id, &p.reason).await
        })
        .await
    }

    /// One proposal.
    pub async fn proposal(&self, id: ProposalId) -> StoreResult<Proposal> {
        select(&format!("{PROPOSAL_SELECT} WHERE p.id = $1"))
            .bind(id)
            .one(&self.pool, proposal_from, "proposal")
            .await
    }

    /// The proposals made to `map`, open ones first, newest first.
    pub async fn proposals_to(&self, map: MapId) -> StoreResult<Vec<Proposal>> {
        self.proposals_where("p.map_id = $1", map).await
    }

    /// The proposals made from unit map `map` to its parent unit's maps, newest first.
    pub async fn proposals_from(&self, map: MapId) -> StoreResult<Vec<Proposal>> {
        self.proposals_where("p.from_map_id = $1", map).await
    }

    async fn proposals_where(&self, filter: &str, map: MapId) -> StoreResult<Vec<Proposal>> {
        let sql = format!(
            "{PROPOSAL_SELECT} WHERE {filter} \
             ORDER BY CASE WHEN p.status = 'open' THEN 0 ELSE 1 END, p.created_at DESC, p.id"
        );
        select(&sql).bind(map).all(&self.pool, proposal_from).await
    }

    /// Records the decision on an open proposal (accepted or declined by `by`, with `comment`)
    /// with an audit row; `false` when it was no longer open (someone decided first).
    pub async fn decide_proposal(
        &self,
        id: ProposalId,
        status: ProposalStatus,
        by: UserId,
        comment: &str,
    ) -> StoreResult<bool> {
        self.write(async |tx| {
            let changed = change(
                "UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, comment = $5 \
                 WHERE id = $1 AND status = 'open'",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(by)
            .bind(now_text())
            .bind(comment.trim())
            .run(&mut *tx)
            .await?;
            if changed == 0 {
                return Ok(false);
            }
            let action = match status {
                ProposalStatus::Accepted => "accept",
                _ => "decline",
            };
            audit(tx, Some(by), action, "proposal", id, comment.trim()).await?;
            Ok(true)
        })
        .await
    }
}
