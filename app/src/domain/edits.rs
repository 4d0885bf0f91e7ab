//! The edits the map editor makes, as plain values: which objective a pointer is over, and the
//! ops (or batches of ops) that create, move, link, reorder and delete what is on a map. The
//! canvas and the side panel only read the pointer and the selection and send what these build,
//! so what an edit *is* is decided (and tested) here, without signals or a browser.

use super::health::Rule;
use super::ids::*;
use super::layout::{self, Frame, Point, Rect, BOX_HEIGHT, BOX_WIDTH, HEADER_HEIGHT, LABEL_WIDTH};
use super::model::*;
use super::ops::{self, EntityKind, Field, NewEntity, Op, Position};
use uuid::Uuid;

impl MapDocument {
    /// The title of one of the map's objectives (arrows and panels name their ends by it).
    pub fn objective_title(&self, id: ObjectiveId) -> Option<String> {
        self.objectives
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.title.clone())
    }
}

/// The topmost objective whose box contains `p`.
pub fn objective_at(doc: &MapDocument, p: Point) -> Option<ObjectiveId> {
    doc.objectives
        .iter()
        .rev()
        .find(|o| {
            let r = layout::objective_box(o);
            p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h
        })
        .map(|o| o.id)
}

/// The objectives whose centre lies in the rectangle spanned by `a` and `b` (a marquee).
pub fn objectives_within(doc: &MapDocument, a: Point, b: Point) -> Vec<ObjectiveId> {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    doc.objectives
        .iter()
        .filter(|o| o.x >= x0 && o.x <= x1 && o.y >= y0 && o.y <= y1)
        .map(|o| o.id)
        .collect()
}

/// The ops that move `ids` by `(dx, dy)` (kept on the canvas), changing perspective and theme
/// where they land in another band or lane.
pub fn move_objectives(doc: &MapDocument, ids: &[ObjectiveId], dx: f64, dy: f64) -> Vec<Op> {
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    let mut out = Vec::new();
    for o in doc.objectives.iter().filter(|o| ids.contains(&o.id)) {
        let x = (o.x + dx).clamp(
            LABEL_WIDTH + BOX_WIDTH / 2.0,
            frame.width() - BOX_WIDTH / 2.0,
        );
        let y = (o.y + dy).clamp(
            HEADER_HEIGHT + BOX_HEIGHT / 2.0,
            frame.height() - BOX_HEIGHT / 2.0,
        );
        out.push(place(o.id, Point { x, y }));
        if let Some(p) = doc.perspectives.get(frame.band_at(y)) {
            if p.id != o.perspective_id {
                out.push(ops::set(
                    EntityKind::Objective,
                    o.id.0,
                    Field::Perspective,
                    p.id,
                ));
            }
        }
        if !doc.themes.is_empty() {
            let lane = doc.themes.get(frame.lane_at(x)).map(|t| t.id);
            if lane.is_some() && lane != o.theme_id {
                out.push(ops::set(EntityKind::Objective, o.id.0, Field::Theme, lane));
            }
        }
    }
    out
}

/// The op that puts objective `id` at `p`.
fn place(id: ObjectiveId, p: Point) -> Op {
    ops::set(
        EntityKind::Objective,
        id.0,
        Field::Position,
        Position { x: p.x, y: p.y },
    )
}

/// One batch that moves every objective to its auto-layout place (only those that move).
pub fn auto_layout(doc: &MapDocument) -> Vec<Op> {
    layout::auto_layout(doc)
        .into_iter()
        .filter(|(id, p)| {
            doc.objectives
                .iter()
                .any(|o| o.id == *id && ((o.x - p.x).abs() > 0.5 || (o.y - p.y).abs() > 0.5))
        })
        .map(|(id, p)| place(id, p))
        .collect()
}

/// A new objective near `p`: in the band under it (with that band's perspective), on a free
/// spot, in the lane it lands in. `None` when the map has no perspective.
pub fn new_objective(doc: &MapDocument, p: Point) -> Option<Objective> {
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    let band = frame.band_at(p.y);
    let perspective = doc.perspectives.get(band)?;
    let boxes: Vec<Rect> = doc.objectives.iter().map(layout::objective_box).collect();
    let p = layout::free_spot(frame, band, p.x, &boxes);
    let theme = doc.themes.get(frame.lane_at(p.x)).map(|t| t.id);
    let objective = Objective::new(doc.map.id, perspective.id, "New objective");
    Some(objective.with_position(p.x, p.y).with_theme(theme))
}

/// The op that creates a new objective near `p` (see [`new_objective`]), with its id.
pub fn create_objective(doc: &MapDocument, p: Point) -> Option<(ObjectiveId, Op)> {
    let o = new_objective(doc, p)?;
    Some((
        o.id,
        Op::Create {
            item: NewEntity::Objective(o),
        },
    ))
}

/// The batch that puts a workshop note or group on the map as an objective: the objective
/// (its words as the title, a group's notes as the description, on a free spot of its band)
/// and the workshop's record of it, so one undo takes both back. `None` when no workshop runs,
/// the note or group is gone, or its words are hidden from this copy.
pub fn promote(
    doc: &MapDocument,
    target: super::workshop::Target,
) -> Option<(ObjectiveId, Vec<Op>)> {
    let (perspective, title, description) = doc.workshop.as_ref()?.promotion(target)?;
    if title.trim().is_empty() {
        return None;
    }
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    let band = doc.perspectives.iter().position(|p| p.id == perspective)?;
    let boxes: Vec<Rect> = doc.objectives.iter().map(layout::objective_box).collect();
    let p = layout::free_spot(frame, band, LABEL_WIDTH + BOX_WIDTH, &boxes);
    let theme = doc.themes.get(frame.lane_at(p.x)).map(|t| t.id);
    let title: String = title.chars().take(super::validation::MAX_TITLE).collect();
    let description: String = description
        .chars()
        .take(super::validation::MAX_TEXT)
        .collect();
    let objective = Objective::new(doc.map.id, perspective, title)
        .with_position(p.x, p.y)
        .with_theme(theme)
        .with_description(description);
    let id = objective.id;
    let promoted = Op::Workshop {
        change: super::workshop::WorkshopOp::Promote {
            target,
            objective: id,
        },
        actor: None,
        at_ms: 0,
    };
    Some((
        id,
        vec![
            Op::Create {
                item: NewEntity::Objective(objective),
            },
            promoted,
        ],
    ))
}

/// The op that links `from` to `to` ("from drives to"), with the new link's id. `None` for a
/// link from an objective to itself.
pub fn link(doc: &MapDocument, from: ObjectiveId, to: ObjectiveId) -> Option<(LinkId, Op)> {
    if from == to {
        return None;
    }
    let link = Link::new(doc.map.id, from, to);
    Some((link.id, Op::Link { link }))
}

/// The ops that delete `objectives` (the server takes their links and measures with them) and
/// the arrow `link`.
pub fn delete(objectives: &[ObjectiveId], link: Option<LinkId>) -> Vec<Op> {
    objectives
        .iter()
        .map(|id| Op::Delete {
            entity: EntityKind::Objective,
            id: id.0,
        })
        .chain(link.map(|id| Op::Unlink { id }))
        .collect()
}

/// The batch that swaps the ranks of two perspectives or two themes (`(id, rank)` each), so
/// moving one up or down is one undoable edit.
pub fn swap_ranks(entity: EntityKind, a: (Uuid, i32), b: (Uuid, i32)) -> Vec<Op> {
    vec![
        ops::set(entity, a.0, Field::Rank, b.1),
        ops::set(entity, b.0, Field::Rank, a.1),
    ]
}

/// The op that adds a theme as the rightmost lane, named after its place.
pub fn new_theme(doc: &MapDocument) -> Op {
    let name = format!("Theme {}", doc.themes.len() + 1);
    let rank = doc.themes.iter().map(|t| t.rank + 1).max().unwrap_or(0);
    Op::Create {
        item: NewEntity::Theme(Theme::new(doc.map.id, name, "#0ea5e9", rank)),
    }
}

/// A name for a new measure that no measure on the map has yet ("New measure 3").
pub fn new_measure_name(doc: &MapDocument) -> String {
    (1..)
        .map(|n| format!("New measure {n}"))
        .find(|n| !doc.measures.iter().any(|m| m.name.eq_ignore_ascii_case(n)))
        .unwrap_or_else(|| "New measure".into())
}

/// The op that creates a fresh measure on `objective`, named so it is unique on the map, with
/// its id.
pub fn create_measure(doc: &MapDocument, objective: ObjectiveId) -> (MeasureId, Op) {
    let measure = Measure::new(objective, new_measure_name(doc));
    (
        measure.id,
        Op::Create {
            item: NewEntity::Measure(measure),
        },
    )
}

/// The ops that switch measure `id` to `source`. A formula measure needs a formula (one without
/// is refused): it keeps the one it had, or gets a starting example over another measure in the
/// same batch. Empty when the measure is gone.
pub fn set_data_source(doc: &MapDocument, id: MeasureId, source: DataSource) -> Vec<Op> {
    let Some(measure) = doc.measures.iter().find(|m| m.id == id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if source == DataSource::Formula && measure.formula.trim().is_empty() {
        let example = doc
            .measures
            .iter()
            .find(|m| m.id != id && m.data_source != DataSource::Formula)
            .map(|m| format!("[{}] * 1", m.name.replace(']', "]]")))
            .unwrap_or_else(|| "0".into());
        out.push(ops::set(EntityKind::Measure, id.0, Field::Formula, example));
    }
    out.push(ops::set(
        EntityKind::Measure,
        id.0,
        Field::DataSource,
        source,
    ));
    out
}

/// The op that switches health rule `rule` on or off for the map (the map keeps the sorted
/// list of the rules it switched off).
pub fn set_health_rule(doc: &MapDocument, rule: Rule, on: bool) -> Op {
    let mut off = doc.map.health_off.clone();
    off.retain(|r| r != rule.as_str());
    if !on {
        off.push(rule.as_str().to_string());
        off.sort();
    }
    ops::set(EntityKind::Map, doc.map.id.0, Field::HealthOff, off)
}

/// The objectives in reading order (top to bottom, then left to right): the order Tab walks.
pub fn reading_order(doc: &MapDocument) -> Vec<ObjectiveId> {
    let mut placed: Vec<_> = doc.objectives.iter().map(|o| (o.y, o.x, o.id)).collect();
    placed.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    placed.into_iter().map(|(_, _, id)| id).collect()
}

/// Where Tab (or Shift+Tab when `back`) goes among `n` objectives from `current`: the next one,
/// the first one when none is selected, or `None` past either end, so focus leaves the canvas
/// instead of being trapped in it.
pub fn tab_step(n: usize, current: Option<usize>, back: bool) -> Option<usize> {
    match (current, back) {
        _ if n == 0 => None,
        (None, false) => Some(0),
        (None, true) => Some(n - 1),
        (Some(i), false) => (i + 1 < n).then_some(i + 1),
        (Some(i), true) => i.checked_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;
    use crate::domain::layout::{BAND_HEIGHT, LANE_WIDTH};
    use crate::domain::ops::apply_all;

    /// The four default perspectives and two themes, with objectives created through
    /// [`create_objective`] at `spots` and applied as the server would.
    fn map_with(spots: &[Point]) -> MapDocument {
        let mut doc = fixtures::acme_doc();
        doc.themes = vec![
            Theme::new(doc.map.id, "Growth", "#0ea5e9", 0),
            Theme::new(doc.map.id, "Efficiency", "#f97316", 1),
        ];
        for p in spots {
            let (_, op) = create_objective(&doc, *p).expect("a band under the point");
            apply_all(&mut doc, &[op]).expect("a valid new objective");
        }
        doc
    }

    /// The middle of band `band` (0 = top), `x` across.
    fn in_band(band: usize, x: f64) -> Point {
        Point {
            x,
            y: HEADER_HEIGHT + BAND_HEIGHT * (band as f64 + 0.5),
        }
    }

    fn ids(doc: &MapDocument) -> Vec<ObjectiveId> {
        doc.objectives.iter().map(|o| o.id).collect()
    }

    #[test]
    fn a_new_objective_takes_the_band_and_lane_under_the_pointer() {
        let doc = map_with(&[]);
        let second_lane = LABEL_WIDTH + LANE_WIDTH * 1.5;
        let (id, op) = create_objective(&doc, in_band(2, second_lane)).expect("a band");
        let Op::Create {
            item: NewEntity::Objective(o),
        } = op
        else {
            panic!("not a create: {op:?}");
        };
        assert_eq!(o.id, id);
        assert_eq!(o.map_id, doc.map.id);
        assert_eq!(o.perspective_id, doc.perspectives[2].id);
        assert_eq!(o.theme_id, Some(doc.themes[1].id));
        assert_eq!(o.title, "New objective");
        let frame = Frame::of(&doc.perspectives, &doc.themes);
        let band = frame.band(2);
        assert!(o.y - BOX_HEIGHT / 2.0 >= band.y && o.y + BOX_HEIGHT / 2.0 <= band.y + band.h);
    }

    #[test]
    fn new_objectives_at_one_spot_do_not_overlap() {
        let doc = map_with(&[in_band(1, 400.0), in_band(1, 400.0), in_band(1, 400.0)]);
        let boxes: Vec<Rect> = doc.objectives.iter().map(layout::objective_box).collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.x + a.w <= b.x || b.x + b.w <= a.x;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        assert!(doc
            .objectives
            .iter()
            .all(|o| o.perspective_id == doc.perspectives[1].id));
    }

    #[test]
    fn a_map_without_perspectives_gets_no_objective() {
        let (map, unit) = fixtures::acme();
        let doc = MapDocument::new(map, unit);
        assert_eq!(create_objective(&doc, in_band(0, 400.0)), None);
    }

    #[test]
    fn moving_within_a_band_sets_only_the_position() {
        let doc = map_with(&[in_band(0, 300.0)]);
        let o = &doc.objectives[0];
        let ops = move_objectives(&doc, &[o.id], 10.0, 5.0);
        assert_eq!(
            ops,
            vec![place(
                o.id,
                Point {
                    x: o.x + 10.0,
                    y: o.y + 5.0
                }
            )]
        );
    }

    #[test]
    fn moving_into_another_band_and_lane_changes_perspective_and_theme() {
        let doc = map_with(&[in_band(0, 300.0)]);
        let o = &doc.objectives[0];
        let ops = move_objectives(&doc, &[o.id], LANE_WIDTH, BAND_HEIGHT * 2.0);
        let to = Point {
            x: o.x + LANE_WIDTH,
            y: o.y + BAND_HEIGHT * 2.0,
        };
        assert_eq!(
            ops,
            vec![
                place(o.id, to),
                ops::set(
                    EntityKind::Objective,
                    o.id.0,
                    Field::Perspective,
                    doc.perspectives[2].id
                ),
                ops::set(
                    EntityKind::Objective,
                    o.id.0,
                    Field::Theme,
                    Some(doc.themes[1].id)
                ),
            ]
        );
        let mut moved = doc.clone();
        apply_all(&mut moved, &ops).expect("a valid move");
        assert_eq!(moved.objectives[0].perspective_id, doc.perspectives[2].id);
    }

    #[test]
    fn a_move_stays_on_the_canvas_and_leaves_others_alone() {
        let doc = map_with(&[in_band(0, 300.0), in_band(3, 300.0)]);
        let first = doc.objectives[0].id;
        let ops = move_objectives(&doc, &[first], -10_000.0, -10_000.0);
        let frame_top = HEADER_HEIGHT + BOX_HEIGHT / 2.0;
        let frame_left = LABEL_WIDTH + BOX_WIDTH / 2.0;
        assert_eq!(
            ops,
            vec![place(
                first,
                Point {
                    x: frame_left,
                    y: frame_top
                }
            )]
        );
    }

    #[test]
    fn auto_layout_moves_only_what_is_out_of_place_in_one_batch() {
        let mut doc = map_with(&[in_band(0, 300.0), in_band(1, 300.0)]);
        let placed = layout::auto_layout(&doc);
        let all: Vec<Op> = placed.iter().map(|(id, p)| place(*id, *p)).collect();
        apply_all(&mut doc, &all).expect("valid places");
        assert_eq!(auto_layout(&doc), vec![]);
        let stray = doc.objectives[0].id;
        let nudge = move_objectives(&doc, &[stray], 40.0, 0.0);
        apply_all(&mut doc, &nudge).expect("a move");
        let batch = auto_layout(&doc);
        assert_eq!(batch.len(), 1);
        assert!(matches!(batch[0], Op::Set { id, field: Field::Position, .. } if id == stray.0));
    }

    #[test]
    fn a_link_joins_two_objectives_of_the_map_and_never_one_to_itself() {
        let doc = map_with(&[in_band(3, 300.0), in_band(2, 300.0)]);
        let [from, to] = [doc.objectives[0].id, doc.objectives[1].id];
        assert_eq!(link(&doc, from, from), None);
        let (id, op) = link(&doc, from, to).expect("two objectives");
        let Op::Link { link: l } = &op else {
            panic!("not a link: {op:?}");
        };
        assert_eq!(
            (l.id, l.map_id, l.from_id, l.to_id),
            (id, doc.map.id, from, to)
        );
        assert!(l.hypothesis.is_empty());
        let mut linked = doc.clone();
        apply_all(&mut linked, &[op]).expect("a valid link");
        assert_eq!(linked.links.len(), 1);
    }

    #[test]
    fn deleting_a_selection_deletes_its_objectives_then_its_arrow() {
        let doc = map_with(&[in_band(0, 300.0), in_band(1, 300.0)]);
        let (link_id, _) = link(&doc, doc.objectives[1].id, doc.objectives[0].id).expect("a link");
        let ops = delete(&ids(&doc), Some(link_id));
        let objective = |o: &Objective| Op::Delete {
            entity: EntityKind::Objective,
            id: o.id.0,
        };
        assert_eq!(
            ops,
            vec![
                objective(&doc.objectives[0]),
                objective(&doc.objectives[1]),
                Op::Unlink { id: link_id },
            ]
        );
        assert_eq!(delete(&[], None), vec![]);
    }

    #[test]
    fn the_pointer_finds_the_objective_under_it_and_the_marquee_those_inside() {
        let doc = map_with(&[in_band(0, 300.0), in_band(2, 300.0)]);
        let [a, b] = [&doc.objectives[0], &doc.objectives[1]];
        assert_eq!(objective_at(&doc, Point { x: a.x, y: a.y }), Some(a.id));
        assert_eq!(objective_at(&doc, Point { x: 1.0, y: 1.0 }), None);
        let around_a = objectives_within(
            &doc,
            Point {
                x: a.x + 5.0,
                y: a.y + 5.0,
            },
            Point {
                x: a.x - 5.0,
                y: a.y - 5.0,
            },
        );
        assert_eq!(around_a, vec![a.id]);
        let both = objectives_within(&doc, Point { x: 0.0, y: 0.0 }, Point { x: b.x, y: b.y });
        assert_eq!(both, ids(&doc));
        assert_eq!(doc.objective_title(b.id).as_deref(), Some("New objective"));
    }

    #[test]
    fn swapping_ranks_is_one_batch_of_two_sets() {
        let doc = map_with(&[]);
        let [top, second] = [&doc.perspectives[0], &doc.perspectives[1]];
        let ops = swap_ranks(
            EntityKind::Perspective,
            (top.id.0, top.rank),
            (second.id.0, second.rank),
        );
        let mut swapped = doc.clone();
        apply_all(&mut swapped, &ops).expect("a valid swap");
        let rank_of = |id: PerspectiveId| {
            swapped
                .perspectives
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.rank)
        };
        assert_eq!((rank_of(top.id), rank_of(second.id)), (Some(1), Some(0)));
    }

    #[test]
    fn a_new_theme_is_the_rightmost_lane() {
        let doc = map_with(&[]);
        let Op::Create {
            item: NewEntity::Theme(t),
        } = new_theme(&doc)
        else {
            panic!("not a theme");
        };
        assert_eq!(
            (t.name.as_str(), t.rank, t.map_id),
            ("Theme 3", 2, doc.map.id)
        );
    }

    /// Adds a measure named `name` to the map's first objective.
    fn add_measure(doc: &mut MapDocument, name: &str) -> MeasureId {
        let measure = Measure::new(doc.objectives[0].id, name);
        let id = measure.id;
        let item = NewEntity::Measure(measure);
        apply_all(doc, &[Op::Create { item }]).expect("a new measure");
        id
    }

    #[test]
    fn a_new_measure_is_created_on_its_objective_with_a_free_name() {
        let mut doc = map_with(&[in_band(1, 300.0)]);
        add_measure(&mut doc, "New measure 1");
        let objective = doc.objectives[0].id;
        let (id, op) = create_measure(&doc, objective);
        apply_all(&mut doc, &[op]).expect("a valid measure");
        let created = doc.measures.iter().find(|m| m.id == id).expect("created");
        assert_eq!(
            (created.objective_id, created.name.as_str()),
            (objective, "New measure 2")
        );
    }

    #[test]
    fn new_measures_get_names_not_taken_on_the_map() {
        let mut doc = map_with(&[in_band(1, 300.0)]);
        assert_eq!(new_measure_name(&doc), "New measure 1");
        add_measure(&mut doc, "new MEASURE 1");
        add_measure(&mut doc, "New measure 3");
        assert_eq!(new_measure_name(&doc), "New measure 2");
    }

    #[test]
    fn switching_to_a_formula_brings_a_starting_formula_in_the_same_batch() {
        let mut doc = map_with(&[in_band(1, 300.0)]);
        let first = add_measure(&mut doc, "Revenue [EUR]");
        let second = add_measure(&mut doc, "Margin");
        let ops = set_data_source(&doc, second, DataSource::Formula);
        assert_eq!(
            ops,
            vec![
                ops::set(
                    EntityKind::Measure,
                    second.0,
                    Field::Formula,
                    "[Revenue [EUR]]] * 1"
                ),
                ops::set(
                    EntityKind::Measure,
                    second.0,
                    Field::DataSource,
                    DataSource::Formula
                ),
            ]
        );
        apply_all(&mut doc, &ops).expect("a valid formula measure");
        assert_eq!(
            set_data_source(&doc, first, DataSource::Import),
            vec![ops::set(
                EntityKind::Measure,
                first.0,
                Field::DataSource,
                DataSource::Import
            )]
        );
        assert_eq!(
            set_data_source(&doc, MeasureId::new(), DataSource::Manual),
            vec![]
        );
    }

    #[test]
    fn health_rules_switched_off_are_kept_sorted() {
        let mut doc = map_with(&[]);
        let mut switch = |rule: Rule, on: bool| {
            let op = set_health_rule(&doc, rule, on);
            apply_all(&mut doc, &[op]).expect("a valid switch");
            doc.map.health_off.clone()
        };
        switch(Rule::ScorecardSize, false);
        let mut expected = vec![Rule::ScorecardSize.as_str(), Rule::ObjectiveCount.as_str()];
        expected.sort();
        assert_eq!(switch(Rule::ObjectiveCount, false), expected);
        assert_eq!(
            switch(Rule::ObjectiveCount, true),
            [Rule::ScorecardSize.as_str()]
        );
    }

    #[test]
    fn tab_walks_the_objectives_and_leaves_at_either_end() {
        assert_eq!(tab_step(3, None, false), Some(0));
        assert_eq!(tab_step(3, None, true), Some(2));
        assert_eq!(tab_step(3, Some(0), false), Some(1));
        assert_eq!(tab_step(3, Some(2), false), None);
        assert_eq!(tab_step(3, Some(0), true), None);
        assert_eq!(tab_step(3, Some(2), true), Some(1));
        assert_eq!(tab_step(0, None, false), None);
    }

    #[test]
    fn reading_order_is_top_to_bottom_then_left_to_right() {
        let doc = crate::domain::fixtures::acme_doc();
        let order = reading_order(&doc);
        assert_eq!(order.len(), doc.objectives.len());
        let at = |id| {
            doc.objectives
                .iter()
                .find(|o| o.id == id)
                .map(|o| (o.y, o.x))
                .unwrap()
        };
        for pair in order.windows(2) {
            assert!(
                at(pair[0]) <= at(pair[1]),
                "{:?} before {:?}",
                at(pair[0]),
                at(pair[1])
            );
        }
    }
}
