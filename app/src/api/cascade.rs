//! The cascade through the API: a map's alignments (what its objectives support on the parent
//! unit's maps) and supporters (child units' objectives aligned to its own), read, and
//! alignments made, noted and removed. Writes are ops committed through the map's one write
//! path (`MapWriter`), exactly as the canvas sends them, so live screens and the audit see them.

#[cfg(feature = "ssr")]
pub mod service {
    use crate::api::rest_types::{AlignmentInfo, AlignmentList, AlignmentPatch, NewAlignment};
    use crate::api::units::service::need;
    use crate::api::ApiError;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::domain::ops::{self, EntityKind, Field, Op};
    use crate::domain::*;
    use crate::store::Store;

    /// The map's alignments and supporters. Needs the view role on the map's unit; supporters
    /// from units outside `access` are left out.
    pub async fn alignments(
        store: &Store,
        access: &Access,
        map: MapId,
    ) -> Result<AlignmentList, ApiError> {
        let doc = store.map_document(map).await?;
        need(store, access, doc.org_unit.id, Action::View).await?;
        let mut list = AlignmentList::of(&doc);
        list.supporters
            .retain(|s| access.allows(s.org_unit_id, Action::View));
        Ok(list)
    }

    /// Commits `ops` on `map` as `author` after checking the edit role on the map's unit, and
    /// returns the map's alignments after them.
    async fn commit(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        ops: Vec<Op>,
    ) -> Result<AlignmentList, ApiError> {
        let unit = store.map(map).await?.org_unit_id;
        need(store, access, unit, Action::Edit).await?;
        maps.mutate(map, author, uuid::Uuid::now_v7(), ops).await?;
        alignments(store, access, map).await
    }

    /// Aligns one of `map`'s objectives to a parent-map objective (the domain checks that the
    /// objective is on `map` and the other on the parent unit's maps).
    pub async fn align(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        new: NewAlignment,
    ) -> Result<AlignmentInfo, ApiError> {
        let alignment =
            Alignment::new(new.unit_objective_id, new.parent_objective_id).with_note(new.note);
        let id = alignment.id;
        let list = commit(
            store,
            maps,
            access,
            author,
            map,
            vec![Op::Align { alignment }],
        )
        .await?;
        found(list, id)
    }

    /// A new contribution note for alignment `id` of `map`.
    pub async fn note(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        id: AlignmentId,
        patch: AlignmentPatch,
    ) -> Result<AlignmentInfo, ApiError> {
        let op = ops::set(EntityKind::Alignment, id.0, Field::Note, patch.note);
        let list = commit(store, maps, access, author, map, vec![op]).await?;
        found(list, id)
    }

    /// Removes alignment `id` of `map`.
    pub async fn unalign(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        map: MapId,
        id: AlignmentId,
    ) -> Result<(), ApiError> {
        commit(store, maps, access, author, map, vec![Op::Unalign { id }]).await?;
        Ok(())
    }

    fn found(list: AlignmentList, id: AlignmentId) -> Result<AlignmentInfo, ApiError> {
        list.alignments
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ApiError::NotFound("alignment".into()))
    }
}
