//! A map's strategy as words (vision, mission, values, and the strategic themes with their
//! description and owner), for REST and integrations. The Strategy screen edits the same fields
//! live over the map's socket; a change sent here becomes edits of the map through the same
//! commit path, so open maps, the history and undo see it.

use super::ApiError;
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A map's strategy statements and themes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapStrategy {
    pub map_id: MapId,
    pub map_name: String,
    pub org_unit_id: OrgUnitId,
    pub vision: String,
    pub mission: String,
    /// One value a line.
    pub values: String,
    /// Left lane first.
    pub themes: Vec<ThemeStatement>,
}

/// A strategic theme as the Strategy screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThemeStatement {
    pub id: ThemeId,
    pub name: String,
    pub description: String,
    /// `#rrggbb`.
    pub colour: String,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    /// The objectives in its lane.
    pub objectives: usize,
}

/// A change to a map's strategy: each field given is changed, the others kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StrategyPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    /// Changes to existing themes (at most [`MAX_THEME_PATCHES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<ThemePatch>,
}

/// The most theme changes one patch may carry.
pub const MAX_THEME_PATCHES: usize = 50;

/// A change to one theme: each field given is changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThemePatch {
    pub id: ThemeId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// A person's id, or `null` for no owner; absent: unchanged.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, nullable))]
    pub owner_id: Option<Option<UserId>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

impl StrategyPatch {
    /// The edits that make `doc` as the patch says; a theme the map does not have is refused.
    pub fn ops(&self, doc: &MapDocument) -> Result<Vec<ops::Op>, ApiError> {
        use ops::{set, EntityKind, Field};
        if self.themes.len() > MAX_THEME_PATCHES {
            return Err(ApiError::from(
                crate::domain::validation::ValidationError::TooManyEntries {
                    field: "Themes".into(),
                    max: MAX_THEME_PATCHES,
                },
            ));
        }
        let id = doc.map.id.0;
        let mut out = Vec::new();
        for (field, text) in [
            (Field::Vision, &self.vision),
            (Field::Mission, &self.mission),
            (Field::Values, &self.values),
        ] {
            if let Some(text) = text {
                out.push(set(EntityKind::Map, id, field, text));
            }
        }
        for t in &self.themes {
            if !doc.themes.iter().any(|x| x.id == t.id) {
                return Err(ApiError::NotFound("theme".into()));
            }
            let theme = t.id.0;
            if let Some(name) = &t.name {
                out.push(set(EntityKind::Theme, theme, Field::Name, name));
            }
            if let Some(text) = &t.description {
                out.push(set(EntityKind::Theme, theme, Field::Description, text));
            }
            if let Some(colour) = &t.colour {
                out.push(set(EntityKind::Theme, theme, Field::Colour, colour));
            }
            if let Some(owner) = t.owner_id {
                out.push(set(EntityKind::Theme, theme, Field::Owner, owner));
            }
        }
        Ok(out)
    }
}

impl MapStrategy {
    /// The strategy `doc` states.
    pub fn of(doc: &MapDocument) -> MapStrategy {
        MapStrategy {
            map_id: doc.map.id,
            map_name: doc.map.name.clone(),
            org_unit_id: doc.map.org_unit_id,
            vision: doc.map.vision.clone(),
            mission: doc.map.mission.clone(),
            values: doc.map.values.clone(),
            themes: doc
                .themes
                .iter()
                .map(|t| ThemeStatement {
                    id: t.id,
                    name: t.name.clone(),
                    description: t.description.clone(),
                    colour: t.colour.clone(),
                    owner_id: t.owner_id,
                    owner_name: t
                        .owner_id
                        .and_then(|u| doc.person_name(u))
                        .map(str::to_string),
                    objectives: doc
                        .objectives
                        .iter()
                        .filter(|o| o.theme_id == Some(t.id))
                        .count(),
                })
                .collect(),
        }
    }
}

/// A map's strategy (viewers of its unit).
#[server(prefix = "/api", endpoint = "map_strategy", input = Json, output = super::TextJson)]
pub async fn strategy_of(map_id: MapId) -> Result<MapStrategy, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::of_map(&ctx.store, &access, map_id).await
        }
        .await,
    )
}

/// Changes a map's strategy (editors of its unit), through the map's edit protocol.
#[server(prefix = "/api", endpoint = "update_strategy", input = Json, output = super::TextJson)]
pub async fn change_strategy(map_id: MapId, patch: StrategyPatch) -> Result<MapStrategy, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let access = crate::auth::Access::of_user(&ctx.store, &user).await?;
            service::update(&ctx.store, &*ctx.maps, &access, user.id, map_id, patch).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::api::units::service::need;
    use crate::auth::Access;
    use crate::context::MapWriter;
    use crate::store::Store;

    /// The strategy of map `id`, if `access` may view its unit.
    pub async fn of_map(
        store: &Store,
        access: &Access,
        id: MapId,
    ) -> Result<MapStrategy, ApiError> {
        let doc = store.map_document(id).await?;
        need(store, access, doc.org_unit.id, crate::domain::Action::View).await?;
        Ok(MapStrategy::of(&doc))
    }

    /// Applies `patch` to map `id` as one batch of edits by `author`, if `access` edits its
    /// unit; a theme owner must be someone with a role on the unit.
    pub async fn update(
        store: &Store,
        maps: &dyn MapWriter,
        access: &Access,
        author: UserId,
        id: MapId,
        patch: StrategyPatch,
    ) -> Result<MapStrategy, ApiError> {
        let doc = store.map_document(id).await?;
        need(store, access, doc.org_unit.id, crate::domain::Action::Edit).await?;
        let owners: Vec<UserId> = patch
            .themes
            .iter()
            .filter_map(|t| t.owner_id.flatten())
            .collect();
        if !owners.is_empty() {
            let people = store.people_with_role_on(doc.org_unit.id).await?;
            if owners.iter().any(|o| !people.iter().any(|p| p.id == *o)) {
                return Err(ApiError::BadInput(crate::api::Refusal::OwnerWithoutRole));
            }
        }
        let ops = patch.ops(&doc)?;
        if !ops.is_empty() {
            maps.mutate(id, author, uuid::Uuid::now_v7(), ops).await?;
        }
        of_map(store, access, id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ops::apply_all;

    #[test]
    fn a_strategy_patch_sets_what_it_names_and_keeps_the_rest() {
        let mut doc = crate::domain::fixtures::acme_doc();
        doc.themes = vec![Theme::new(doc.map.id, "Grow", "#2563eb", 0)];
        doc.map.values = "Candour".into();
        let theme = doc.themes[0].id;
        let owner = UserId::new();
        let patch: StrategyPatch = serde_json::from_value(serde_json::json!({
            "vision": "The first name in regional logistics",
            "themes": [{ "id": theme, "description": "Win the mid-market", "owner_id": owner }]
        }))
        .unwrap();
        let ops = patch.ops(&doc).unwrap();
        apply_all(&mut doc, &ops).unwrap();
        assert_eq!(doc.map.vision, "The first name in regional logistics");
        assert_eq!(doc.map.values, "Candour", "values not named stay");
        assert_eq!(doc.themes[0].description, "Win the mid-market");
        assert_eq!(doc.themes[0].owner_id, Some(owner));
        // `null` clears the owner; an absent owner is left alone.
        let clear: StrategyPatch = serde_json::from_value(
            serde_json::json!({ "themes": [{ "id": theme, "owner_id": null }] }),
        )
        .unwrap();
        let ops = clear.ops(&doc).unwrap();
        apply_all(&mut doc, &ops).unwrap();
        assert_eq!(doc.themes[0].owner_id, None);
        let keep: StrategyPatch = serde_json::from_value(
            serde_json::json!({ "themes": [{ "id": theme, "name": "Grow share" }] }),
        )
        .unwrap();
        assert_eq!(keep.ops(&doc).unwrap().len(), 1);
        // A theme of another map is refused before anything is written.
        let stranger = StrategyPatch {
            themes: vec![ThemePatch {
                id: ThemeId::new(),
                ..ThemePatch::default()
            }],
            ..StrategyPatch::default()
        };
        assert!(matches!(stranger.ops(&doc), Err(ApiError::NotFound(_))));
        assert_eq!(MapStrategy::of(&doc).themes[0].name, "Grow");
    }
}
