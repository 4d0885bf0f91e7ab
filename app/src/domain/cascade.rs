//! The cascade as one map sees it: which of its objectives support nothing on the parent unit's
//! maps, which parent objectives each may still support, and who supports its own objectives
//! from the units below. Pure, so the canvas badges, the side panel and the tests read the
//! same answers.

use super::ids::*;
use super::model::*;
use super::ops::Op;
use super::validation::ValidationError;

/// The objectives of a unit map that support nothing on the parent unit's maps, in map order.
/// Empty on the top unit's maps, where alignment does not apply.
pub fn unaligned(doc: &MapDocument) -> Vec<ObjectiveId> {
    if !doc.map_is_unit() {
        return Vec::new();
    }
    doc.objectives
        .iter()
        .filter(|o| !doc.alignments.iter().any(|a| a.unit_objective_id == o.id))
        .map(|o| o.id)
        .collect()
}

/// The alignments of one unit objective, as the document shows them.
pub fn supports_of(doc: &MapDocument, objective: ObjectiveId) -> Vec<&AlignmentView> {
    doc.alignments
        .iter()
        .filter(|a| a.unit_objective_id == objective)
        .collect()
}

/// The parent objectives `objective` does not support yet: what it may be aligned to next.
pub fn candidates(doc: &MapDocument, objective: ObjectiveId) -> Vec<&ParentObjective> {
    doc.parent_objectives
        .iter()
        .filter(|p| {
            !doc.alignments
                .iter()
                .any(|a| a.unit_objective_id == objective && a.parent_objective_id == p.id)
        })
        .collect()
}

/// The op that aligns `objective` to `parent` (a fresh alignment id, no note yet).
pub fn align(objective: ObjectiveId, parent: ObjectiveId) -> Op {
    Op::Align {
        alignment: Alignment::new(objective, parent),
    }
}

/// Who supports one objective of this map, grouped by unit (units by name, each with its
/// supporting objectives' titles).
#[derive(Clone, Debug, PartialEq)]
pub struct Support {
    pub unit_name: String,
    pub org_unit_id: OrgUnitId,
    /// (map, objective, title) of each supporting objective of that unit.
    pub objectives: Vec<(MapId, ObjectiveId, String)>,
}

/// The units supporting `objective` and the objectives through which they do, by unit name.
pub fn supported_by(doc: &MapDocument, objective: ObjectiveId) -> Vec<Support> {
    let mut out: Vec<Support> = Vec::new();
    for s in doc
        .supporters
        .iter()
        .filter(|s| s.parent_objective_id == objective)
    {
        let entry = (s.map_id, s.objective_id, s.objective_title.clone());
        match out.iter_mut().find(|u| u.org_unit_id == s.org_unit_id) {
            Some(u) => u.objectives.push(entry),
            None => out.push(Support {
                unit_name: s.unit_name.clone(),
                org_unit_id: s.org_unit_id,
                objectives: vec![entry],
            }),
        }
    }
    out.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
    out
}

/// Most objectives one cascade wizard pulls down at once (a unit map has 5–10; a generous cap
/// keeps one batch small).
pub const MAX_PICKS: usize = 40;

/// A parent objective picked in the wizard, with the unit's wording of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pick {
    pub parent_objective_id: ObjectiveId,
    pub title: String,
}

/// The one batch that makes a fresh unit map (`unit`, with its default perspectives) the
/// start of a cascade from `parent`: the parent's perspectives (names and order), the themes
/// whose ids are in `themes` (as new lanes), and per pick a unit objective in the matching
/// band and lane, titled as the unit words it, aligned to the parent objective. One batch, so
/// one undo takes it all back.
pub fn seed(
    unit: &MapDocument,
    parent: &MapDocument,
    themes: &[ThemeId],
    picks: &[Pick],
) -> Result<Vec<Op>, ValidationError> {
    use super::ops::{set, EntityKind, Field, NewEntity};
    if picks.len() > MAX_PICKS {
        return Err(ValidationError::OutOfRange {
            field: "Objectives picked".into(),
            min: 0.0,
            max: MAX_PICKS as f64,
        });
    }
    let map = unit.map.id;
    let mut ops = Vec::new();
    // Bands: the unit's own perspectives renamed in the parent's order, extras added or removed.
    let mut bands: Vec<PerspectiveId> = Vec::new();
    for (rank, p) in parent.perspectives.iter().enumerate() {
        match unit.perspectives.get(rank) {
            Some(own) => {
                if own.name != p.name {
                    ops.push(set(EntityKind::Perspective, own.id.0, Field::Name, &p.name));
                }
                bands.push(own.id);
            }
            None => {
                let new = Perspective::new(map, p.name.clone(), rank as i32);
                bands.push(new.id);
                ops.push(Op::Create {
                    item: NewEntity::Perspective(new),
                });
            }
        }
    }
    for extra in unit.perspectives.iter().skip(parent.perspectives.len()) {
        ops.push(Op::Delete {
            entity: EntityKind::Perspective,
            id: extra.id.0,
        });
    }
    // Lanes: the chosen themes, in the parent's order.
    let mut lanes: Vec<(ThemeId, ThemeId)> = Vec::new();
    for t in parent.themes.iter().filter(|t| themes.contains(&t.id)) {
        let new = Theme::new(map, t.name.clone(), t.colour.clone(), lanes.len() as i32);
        lanes.push((t.id, new.id));
        ops.push(Op::Create {
            item: NewEntity::Theme(new),
        });
    }
    let frame = super::layout::Frame {
        bands: bands.len().max(1),
        lanes: lanes.len().max(1),
    };
    // Boxes: in the band of the parent objective's perspective, left to right per band.
    let mut placed: Vec<super::layout::Rect> = Vec::new();
    for pick in picks {
        let source = parent
            .objectives
            .iter()
            .find(|o| o.id == pick.parent_objective_id)
            .ok_or(ValidationError::AlignmentNotToParent)?;
        if !pick.title.trim().is_empty() {
            super::validation::required_text("Title", &pick.title, super::validation::MAX_TITLE)?;
        }
        let band = super::layout::band_of(&parent.perspectives, source.perspective_id)
            .unwrap_or(0)
            .min(bands.len().saturating_sub(1));
        let lane = source
            .theme_id
            .and_then(|t| lanes.iter().position(|(from, _)| *from == t));
        let near_x = frame.slot_centre(band, lane.unwrap_or(0), 0).x;
        let spot = super::layout::free_spot(frame, band, near_x, &placed);
        let title = if pick.title.trim().is_empty() {
            source.title.clone()
        } else {
            pick.title.trim().to_string()
        };
        let objective = Objective::new(map, bands[band], title)
            .with_theme(lane.map(|l| lanes[l].1))
            .with_position(spot.x, spot.y);
        placed.push(super::layout::objective_box(&objective));
        let id = objective.id;
        ops.push(Op::Create {
            item: NewEntity::Objective(objective),
        });
        ops.push(align(id, source.id));
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::services_doc;
    use crate::domain::ops::apply;

    #[test]
    fn an_objective_is_unaligned_until_it_supports_something() {
        let mut d = services_doc();
        let own = d.objectives[0].id;
        assert_eq!(unaligned(&d), vec![own]);
        assert_eq!(candidates(&d, own).len(), 2);
        let parent = d.parent_objectives[1].id;
        apply(&mut d, &align(own, parent)).unwrap();
        assert!(unaligned(&d).is_empty());
        let left: Vec<_> = candidates(&d, own).iter().map(|p| p.id).collect();
        assert_eq!(left, vec![d.parent_objectives[0].id]);
        assert_eq!(supports_of(&d, own)[0].parent_title, "Keep customers");
    }

    #[test]
    fn the_top_unit_s_objectives_are_never_called_unaligned() {
        let d = crate::domain::fixtures::acme_doc();
        let top = MapDocument {
            objectives: vec![Objective::new(d.map.id, d.perspectives[0].id, "Grow")],
            ..d
        };
        assert!(unaligned(&top).is_empty());
    }

    /// Acme's map as a parent: five perspectives (one more than the unit's four), two themes,
    /// three objectives.
    fn parent_doc() -> MapDocument {
        let mut d = crate::domain::fixtures::acme_doc();
        let map = d.map.id;
        d.perspectives[0].name = "Stakeholders".into();
        d.perspectives.push(Perspective::new(map, "Environment", 4));
        d.themes = vec![
            Theme::new(map, "Growth", "#16a34a", 0),
            Theme::new(map, "Efficiency", "#2563eb", 1),
        ];
        let p = |i: usize| d.perspectives[i].id;
        d.objectives = vec![
            Objective::new(map, p(0), "Grow revenue").with_theme(Some(d.themes[0].id)),
            Objective::new(map, p(2), "Streamline delivery").with_theme(Some(d.themes[1].id)),
            Objective::new(map, p(4), "Cut emissions"),
        ];
        d
    }

    #[test]
    fn a_seed_copies_bands_and_chosen_lanes_and_aligns_each_pick() {
        let parent = parent_doc();
        let mut unit = services_doc();
        unit.objectives.clear();
        unit.parent_objectives = parent
            .objectives
            .iter()
            .map(|o| ParentObjective {
                id: o.id,
                map_id: parent.map.id,
                org_unit_id: unit.org_unit.parent_id.unwrap(),
                title: o.title.clone(),
                perspective: String::new(),
            })
            .collect();
        let picks = vec![
            Pick {
                parent_objective_id: parent.objectives[1].id,
                title: "  Deliver services faster ".into(),
            },
            Pick {
                parent_objective_id: parent.objectives[2].id,
                title: String::new(),
            },
        ];
        let ops = seed(&unit, &parent, &[parent.themes[1].id], &picks).unwrap();
        let mut after = unit.clone();
        crate::domain::ops::apply_all(&mut after, &ops).unwrap();
        let names: Vec<_> = after.perspectives.iter().map(|p| p.name.as_str()).collect();
        let parent_names: Vec<_> = parent
            .perspectives
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, parent_names);
        let lanes: Vec<_> = after.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(lanes, ["Efficiency"]);
        let titles: Vec<_> = after.objectives.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(titles, ["Deliver services faster", "Cut emissions"]);
        // In the matching band and lane, and each aligned to what it came from.
        let band =
            |o: &Objective| crate::domain::layout::band_of(&after.perspectives, o.perspective_id);
        assert_eq!(band(&after.objectives[0]), Some(2));
        assert_eq!(band(&after.objectives[1]), Some(4));
        assert_eq!(after.objectives[0].theme_id, Some(after.themes[0].id));
        assert_eq!(after.objectives[1].theme_id, None);
        assert!(unaligned(&after).is_empty());
        assert_eq!(
            after.alignments[1].parent_objective_id,
            parent.objectives[2].id
        );
    }

    #[test]
    fn a_seed_refuses_strangers_and_too_many_picks() {
        let parent = parent_doc();
        let unit = services_doc();
        let stranger = Pick {
            parent_objective_id: ObjectiveId::new(),
            title: "x".into(),
        };
        assert_eq!(
            seed(&unit, &parent, &[], &[stranger]),
            Err(SeedError::NotOnParent)
        );
        let many: Vec<Pick> = (0..=MAX_PICKS)
            .map(|_| Pick {
                parent_objective_id: parent.objectives[0].id,
                title: "x".into(),
            })
            .collect();
        assert_eq!(
            seed(&unit, &parent, &[], &many),
            Err(SeedError::TooManyPicks)
        );
    }

    #[test]
    fn supporters_are_grouped_by_unit_in_name_order() {
        let mut d = crate::domain::fixtures::acme_doc();
        let target = ObjectiveId::new();
        let other = ObjectiveId::new();
        let (services, consulting) = (OrgUnitId::new(), OrgUnitId::new());
        let supporter = |parent, unit, name: &str, title: &str| Supporter {
            parent_objective_id: parent,
            org_unit_id: unit,
            unit_name: name.into(),
            map_id: MapId::new(),
            objective_id: ObjectiveId::new(),
            objective_title: title.into(),
        };
        d.supporters = vec![
            supporter(target, services, "Services", "Shorten onboarding"),
            supporter(target, consulting, "Consulting", "Win bigger deals"),
            supporter(target, services, "Services", "Renew early"),
            supporter(other, consulting, "Consulting", "Elsewhere"),
        ];
        let by = supported_by(&d, target);
        let names: Vec<_> = by.iter().map(|s| s.unit_name.as_str()).collect();
        assert_eq!(names, ["Consulting", "Services"]);
        let titles: Vec<_> = by[1].objectives.iter().map(|o| o.2.as_str()).collect();
        assert_eq!(titles, ["Shorten onboarding", "Renew early"]);
        assert!(supported_by(&d, ObjectiveId::new()).is_empty());
    }
}
