//! The cascade as one map sees it: which of its objectives support nothing on the parent unit's
//! maps, which parent objectives each may still support, and who supports its own objectives
//! from the units below. Pure, so the canvas badges, the side panel and the tests read the
//! same answers.

use super::ids::*;
use super::model::*;
use super::ops::Op;
use super::scoring::Status;
use super::validation::ValidationError;

/// The objectives of a unit map that support nothing on the parent unit's maps, in map order.
/// Empty on the top unit's maps, where alignment does not apply.
pub fn unaligned(doc: &MapDocument) -> Vec<ObjectiveId> {
    if !doc.map_is_unit() {
        return Vec::new();
    }
    doc.objectives
        .iter()
        .filter(|o| !o.local && !doc.alignments.iter().any(|a| a.unit_objective_id == o.id))
        .map(|o| o.id)
        .collect()
}

/// Whether one objective of a unit map supports nothing yet (what [`unaligned`] lists, asked of
/// one box without walking the whole map).
pub fn is_unaligned(doc: &MapDocument, objective: ObjectiveId) -> bool {
    doc.map_is_unit()
        && doc.objectives.iter().any(|o| o.id == objective && !o.local)
        && !doc
            .alignments
            .iter()
            .any(|a| a.unit_objective_id == objective)
}

/// The alignments of one unit objective, as the document shows them.
pub fn supports_of(doc: &MapDocument, objective: ObjectiveId) -> Vec<&AlignmentView> {
    doc.alignments
        .iter()
        .filter(|a| a.unit_objective_id == objective)
        .collect()
}

/// The alignments of one unit objective whose parent objective was deleted on the parent map
/// ("no longer exists" until that deletion is undone).
pub fn lost_of(doc: &MapDocument, objective: ObjectiveId) -> Vec<AlignmentView> {
    doc.lost_alignments
        .iter()
        .filter(|a| a.unit_objective_id == objective)
        .cloned()
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

/// The one batch that pulls a parent objective down into a unit map (the cascade workshop's
/// drag from the parent pane): a unit objective titled as the parent one, aligned to it. It
/// lands in the band under `at` when the drop point is on a band, otherwise in the band whose
/// perspective has the parent objective's perspective name (the first band when none has).
/// `None` when the unit map has no perspective or `parent` is not one of its parent objectives.
pub fn pull_down(
    unit: &MapDocument,
    parent: ObjectiveId,
    at: Option<super::layout::Point>,
) -> Option<(ObjectiveId, Vec<Op>)> {
    use super::layout::{Frame, Point, BAND_HEIGHT, LABEL_WIDTH};
    let source = unit.parent_objectives.iter().find(|p| p.id == parent)?;
    let frame = Frame::of(&unit.perspectives, &unit.themes);
    let on_band = at.filter(|p| p.y >= 0.0 && p.y < frame.height() && p.x >= LABEL_WIDTH);
    let point = on_band.unwrap_or_else(|| {
        let band = unit
            .perspectives
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(&source.perspective))
            .unwrap_or(0);
        Point {
            x: LABEL_WIDTH + 120.0,
            y: band as f64 * BAND_HEIGHT + BAND_HEIGHT / 2.0,
        }
    });
    let objective = Objective {
        title: source.title.clone(),
        ..super::edits::new_objective(unit, point)?
    };
    let id = objective.id;
    Some((
        id,
        vec![
            Op::Create {
                item: super::ops::NewEntity::Objective(objective),
            },
            align(id, parent),
        ],
    ))
}

/// The partners of a selected objective in the other pane of the cascade workshop: for a unit
/// objective, the parent objectives it supports; for a parent objective, the unit objectives
/// of `unit` that support it.
pub fn partners(unit: &MapDocument, selected: ObjectiveId) -> Vec<ObjectiveId> {
    let own = unit.objectives.iter().any(|o| o.id == selected);
    unit.alignments
        .iter()
        .filter_map(|a| match own {
            true => (a.unit_objective_id == selected).then_some(a.parent_objective_id),
            false => (a.parent_objective_id == selected).then_some(a.unit_objective_id),
        })
        .collect()
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

/// The ops that give `map` (a fresh map) the bands of `model`, names and order: its own bands
/// renamed rank by rank, missing ones added, extra (empty) ones removed; the band ids, top
/// first. How a cascaded map and a copy start.
pub fn adopt_bands(
    map: &MapDocument,
    model: &[Perspective],
    ops: &mut Vec<Op>,
) -> Vec<PerspectiveId> {
    use super::ops::{set, EntityKind, Field, NewEntity};
    let mut bands: Vec<PerspectiveId> = Vec::new();
    for (rank, p) in model.iter().enumerate() {
        match map.perspectives.get(rank) {
            Some(own) => {
                if own.name != p.name {
                    ops.push(set(EntityKind::Perspective, own.id.0, Field::Name, &p.name));
                }
                bands.push(own.id);
            }
            None => {
                let new = Perspective::new(map.map.id, p.name.clone(), rank as i32);
                bands.push(new.id);
                ops.push(Op::Create {
                    item: NewEntity::Perspective(new),
                });
            }
        }
    }
    for extra in map.perspectives.iter().skip(model.len()) {
        ops.push(Op::Delete {
            entity: EntityKind::Perspective,
            id: extra.id.0,
        });
    }
    bands
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
    use super::ops::NewEntity;
    if picks.len() > MAX_PICKS {
        return Err(ValidationError::OutOfRange {
            field: "Objectives picked".into(),
            min: 0.0,
            max: MAX_PICKS as f64,
        });
    }
    let map = unit.map.id;
    let mut ops = Vec::new();
    let bands = adopt_bands(unit, &parent.perspectives, &mut ops);
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

/// One child unit as the gap report reads it: the unit, its map for the period (none when it
/// has no active map covering it) and the status of each of that map's objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildMap {
    pub unit: OrgUnit,
    pub map: Option<MapDocument>,
    pub statuses: Vec<(ObjectiveId, Status)>,
}

/// A column of the matrix: a child unit and its map, if it has one for the period.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapColumn {
    pub org_unit_id: OrgUnitId,
    pub unit_name: String,
    pub map_id: Option<MapId>,
    pub map_name: Option<String>,
}

/// A child objective supporting a parent objective, with its status for the period.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Supporting {
    pub objective_id: ObjectiveId,
    pub title: String,
    pub status: Status,
}

/// One cell: the child objectives supporting a parent objective from one unit.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapCell {
    pub supporting: Vec<Supporting>,
}

impl GapCell {
    /// The worst status among the supporting objectives (red before amber before green; no
    /// data only when nothing else is known), none for an empty cell.
    pub fn status(&self) -> Option<Status> {
        let rank = |s: &Status| match s {
            Status::Red => 0,
            Status::Amber => 1,
            Status::Green => 2,
            Status::NoData => 3,
        };
        self.supporting.iter().map(|s| s.status).min_by_key(rank)
    }
}

/// A row of the matrix: a parent objective and one cell per child unit.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapRow {
    pub objective_id: ObjectiveId,
    pub title: String,
    pub perspective: String,
    pub cells: Vec<GapCell>,
}

/// A child objective that supports nothing on the parent map.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Orphan {
    pub org_unit_id: OrgUnitId,
    pub unit_name: String,
    pub map_id: MapId,
    pub objective_id: ObjectiveId,
    pub title: String,
}

/// The cascade of one map to the units below, for one period: the matrix (parent objectives
/// down, child units across) and the gaps to fix.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapReport {
    /// The month the statuses are for.
    pub period: super::Period,
    pub map_id: MapId,
    pub map_name: String,
    pub columns: Vec<GapColumn>,
    pub rows: Vec<GapRow>,
    /// Parent objectives no child supports.
    pub unsupported: Vec<ObjectiveId>,
    /// Child objectives that support nothing.
    pub orphans: Vec<Orphan>,
    /// Children without an active map for the period.
    pub without_map: Vec<OrgUnitId>,
    /// Parent objectives whose supporters are all red.
    pub only_red: Vec<ObjectiveId>,
}

/// The gap report of `parent` (the unit's map) over its `children`, rows in map order (top
/// perspective first), columns by unit name.
pub fn gap_report(parent: &MapDocument, children: &[ChildMap], period: super::Period) -> GapReport {
    let mut children: Vec<&ChildMap> = children.iter().collect();
    children.sort_by(|a, b| a.unit.name.cmp(&b.unit.name));
    let perspective_name = |id: PerspectiveId| {
        parent
            .perspectives
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let mut objectives: Vec<&Objective> = parent.objectives.iter().collect();
    objectives.sort_by(|a, b| {
        let band = |o: &Objective| super::layout::band_of(&parent.perspectives, o.perspective_id);
        band(a).cmp(&band(b)).then(a.x.total_cmp(&b.x))
    });
    let status_in = |child: &ChildMap, id: ObjectiveId| {
        child
            .statuses
            .iter()
            .find(|(o, _)| *o == id)
            .map_or(Status::NoData, |(_, s)| *s)
    };
    let rows: Vec<GapRow> = objectives
        .iter()
        .map(|o| GapRow {
            objective_id: o.id,
            title: o.title.clone(),
            perspective: perspective_name(o.perspective_id),
            cells: children
                .iter()
                .map(|child| GapCell {
                    supporting: child
                        .map
                        .iter()
                        .flat_map(|m| {
                            m.alignments
                                .iter()
                                .filter(|a| a.parent_objective_id == o.id)
                                .filter_map(|a| {
                                    let o = m
                                        .objectives
                                        .iter()
                                        .find(|x| x.id == a.unit_objective_id)?;
                                    Some(Supporting {
                                        objective_id: o.id,
                                        title: o.title.clone(),
                                        status: status_in(child, o.id),
                                    })
                                })
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let unsupported = rows
        .iter()
        .filter(|r| r.cells.iter().all(|c| c.supporting.is_empty()))
        .map(|r| r.objective_id)
        .collect();
    let only_red = rows
        .iter()
        .filter(|r| {
            let all: Vec<Status> = r
                .cells
                .iter()
                .flat_map(|c| c.supporting.iter().map(|s| s.status))
                .collect();
            !all.is_empty() && all.iter().all(|s| *s == Status::Red)
        })
        .map(|r| r.objective_id)
        .collect();
    let orphans = children
        .iter()
        .flat_map(|child| {
            child.map.iter().flat_map(move |m| {
                let parent_ids: Vec<ObjectiveId> = parent.objectives.iter().map(|o| o.id).collect();
                m.objectives
                    .iter()
                    // An objective marked local supports nothing on purpose.
                    .filter(|o| !o.local)
                    .filter(move |o| {
                        !m.alignments.iter().any(|a| {
                            a.unit_objective_id == o.id
                                && parent_ids.contains(&a.parent_objective_id)
                        })
                    })
                    .map(move |o| Orphan {
                        org_unit_id: child.unit.id,
                        unit_name: child.unit.name.clone(),
                        map_id: m.map.id,
                        objective_id: o.id,
                        title: o.title.clone(),
                    })
            })
        })
        .collect();
    GapReport {
        period,
        map_id: parent.map.id,
        map_name: parent.map.name.clone(),
        columns: children
            .iter()
            .map(|c| GapColumn {
                org_unit_id: c.unit.id,
                unit_name: c.unit.name.clone(),
                map_id: c.map.as_ref().map(|m| m.map.id),
                map_name: c.map.as_ref().map(|m| m.map.name.clone()),
            })
            .collect(),
        without_map: children
            .iter()
            .filter(|c| c.map.is_none())
            .map(|c| c.unit.id)
            .collect(),
        rows,
        unsupported,
        orphans,
        only_red,
    }
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
        assert!(is_unaligned(&d, own));
        assert_eq!(candidates(&d, own).len(), 2);
        let parent = d.parent_objectives[1].id;
        apply(&mut d, &align(own, parent)).unwrap();
        assert!(unaligned(&d).is_empty());
        assert!(!is_unaligned(&d, own));
        // One marked local needs no parent objective.
        let mine = Objective::new(d.map.id, d.perspectives[0].id, "Our own").with_local(true);
        d.objectives.push(mine.clone());
        assert!(unaligned(&d).is_empty());
        assert!(!is_unaligned(&d, mine.id));
        let left: Vec<_> = candidates(&d, own).iter().map(|p| p.id).collect();
        assert_eq!(left, vec![d.parent_objectives[0].id]);
        assert_eq!(supports_of(&d, own)[0].parent_title, "Keep customers");
    }

    #[test]
    fn pulling_a_parent_objective_down_creates_an_aligned_objective_in_one_batch() {
        use crate::domain::layout::{Point, BAND_HEIGHT};
        let mut d = services_doc();
        let keep = d.parent_objectives[1].id;
        // Dropped on the third band: lands there, titled as the parent objective.
        let at = Point {
            x: 400.0,
            y: 2.5 * BAND_HEIGHT,
        };
        let (id, ops) = pull_down(&d, keep, Some(at)).unwrap();
        assert_eq!(ops.len(), 2);
        for op in &ops {
            apply(&mut d, op).unwrap();
        }
        let made = d.objectives.iter().find(|o| o.id == id).unwrap();
        assert_eq!(made.title, "Keep customers");
        assert_eq!(made.perspective_id, d.perspectives[2].id);
        assert_eq!(partners(&d, id), vec![keep]);
        assert_eq!(partners(&d, keep), vec![id]);
        // Dropped off the bands: the band named as the parent objective's perspective.
        let grow = d.parent_objectives[0].id;
        let (id, ops) = pull_down(&d, grow, Some(Point { x: 10.0, y: -50.0 })).unwrap();
        apply(&mut d, &ops[0]).unwrap();
        let made = d.objectives.iter().find(|o| o.id == id).unwrap();
        let financial = d
            .perspectives
            .iter()
            .find(|p| p.name == "Financial")
            .unwrap();
        assert_eq!(made.perspective_id, financial.id);
        // Only the unit's parent objectives can be pulled down.
        assert!(pull_down(&d, d.objectives[0].id, None).is_none());
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
            Err(ValidationError::AlignmentNotToParent)
        );
        let long = Pick {
            parent_objective_id: parent.objectives[0].id,
            title: "x".repeat(crate::domain::validation::MAX_TITLE + 1),
        };
        assert!(matches!(
            seed(&unit, &parent, &[], &[long]),
            Err(ValidationError::TooLong { .. })
        ));
        let many: Vec<Pick> = (0..=MAX_PICKS)
            .map(|_| Pick {
                parent_objective_id: parent.objectives[0].id,
                title: "x".into(),
            })
            .collect();
        assert!(matches!(
            seed(&unit, &parent, &[], &many),
            Err(ValidationError::OutOfRange { .. })
        ));
    }

    #[test]
    fn the_gap_report_finds_every_kind_of_gap() {
        let parent = parent_doc();
        let (grow, streamline, emissions) = (
            parent.objectives[0].id,
            parent.objectives[1].id,
            parent.objectives[2].id,
        );
        // Services: one objective on grow (red), one on streamline (green), one orphan.
        let mut services = services_doc();
        let sm = services.map.id;
        let p = services.perspectives[0].id;
        services.objectives = vec![
            Objective::new(sm, p, "Sell more"),
            Objective::new(sm, p, "Deliver leaner"),
            Objective::new(sm, p, "Our own thing"),
            // Marked local: supports nothing on purpose, so it is no gap.
            Objective::new(sm, p, "Our chosen own thing").with_local(true),
        ];
        let view = |o: &Objective, parent: ObjectiveId| AlignmentView {
            id: AlignmentId::new(),
            unit_objective_id: o.id,
            parent_objective_id: parent,
            parent_title: String::new(),
            note: String::new(),
        };
        services.alignments = vec![
            view(&services.objectives[0], grow),
            view(&services.objectives[1], streamline),
        ];
        let statuses = vec![
            (services.objectives[0].id, Status::Red),
            (services.objectives[1].id, Status::Green),
        ];
        let child = |name: &str, map: Option<MapDocument>, statuses| ChildMap {
            unit: OrgUnit::new(Some(parent.org_unit.id), name, OrgUnitKind::BusinessUnit),
            map,
            statuses,
        };
        let children = vec![
            child("Services", Some(services.clone()), statuses),
            child("Applications", None, vec![]),
        ];
        let month = crate::domain::Period::new(2026, 3).unwrap();
        let report = gap_report(&parent, &children, month);
        assert_eq!(report.period, month);
        let names: Vec<_> = report
            .columns
            .iter()
            .map(|c| c.unit_name.as_str())
            .collect();
        assert_eq!(names, ["Applications", "Services"], "by name");
        let rows: Vec<_> = report.rows.iter().map(|r| r.objective_id).collect();
        assert_eq!(rows, [grow, streamline, emissions], "top perspective first");
        assert_eq!(report.rows[0].cells[1].supporting.len(), 1);
        assert_eq!(report.rows[0].cells[1].status(), Some(Status::Red));
        assert_eq!(report.rows[0].cells[0].status(), None);
        assert_eq!(report.unsupported, [emissions]);
        assert_eq!(report.only_red, [grow]);
        assert_eq!(report.without_map, [children[1].unit.id]);
        let orphans: Vec<_> = report.orphans.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(orphans, ["Our own thing"]);
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
