//! Copies and yearly versions of a map, and how two versions differ.
//!
//! A copy is made like every other change of a map: a fresh map, then **one batch of edits**
//! ([`copy_ops`]) through the commit path, so live screens, the history and undo see it. The
//! copy names, per objective, the objective it carries on (`Objective::origin_id`); comparing
//! two versions ([`diff`]) pairs objectives by that lineage (then by an identical title), so a
//! reworded objective is told from a new one. The differences are the proposal diff's
//! [`Change`]s, so the map draws versions and proposals the same way.

use super::ids::*;
use super::model::*;
use super::ops::{set, EntityKind, Field, NewEntity, Op};
use super::period::Period;
use super::proposal::Change;
use std::collections::{HashMap, HashSet};

/// What a copy takes along besides the structure (perspectives, themes, objectives, arrows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyScope {
    /// The measures (their targets are data, carried over by the caller).
    pub measures: bool,
    /// The copy is for the same unit: vision, mission, values, owners and alignments stay with
    /// it (another unit has its own statement, people and parent).
    pub same_unit: bool,
}

/// The batch that makes a fresh map a copy, and the measures it copies (old → new), so the
/// caller can carry their targets.
#[derive(Clone, Debug, PartialEq)]
pub struct MapCopy {
    /// The one batch to commit on the fresh map.
    pub ops: Vec<Op>,
    /// Each copied measure: (the source's, the copy's).
    pub measures: Vec<(MeasureId, MeasureId)>,
}

/// The one batch that makes `fresh` (a new map with its default bands) a copy of `source`:
/// its bands (names, order, weights), themes, objectives where they stood (each naming its
/// origin), arrows with their hypotheses, and per `scope` the measures, the statement, the
/// owners and the alignments.
pub fn copy_ops(fresh: &MapDocument, source: &MapDocument, scope: CopyScope) -> MapCopy {
    let map = fresh.map.id;
    let mut ops = Vec::new();
    let bands = super::cascade::adopt_bands(fresh, &source.perspectives, &mut ops);
    for (p, band) in source.perspectives.iter().zip(&bands) {
        let own = fresh.perspectives.iter().find(|f| f.id == *band);
        if own.is_none_or(|own| own.weight != p.weight) {
            ops.push(set(
                EntityKind::Perspective,
                band.0,
                Field::Weight,
                p.weight,
            ));
        }
    }
    let owner = |id: Option<UserId>| id.filter(|_| scope.same_unit);

    let mut themes = HashMap::new();
    for (rank, t) in source.themes.iter().enumerate() {
        let copy = Theme {
            id: ThemeId::new(),
            map_id: map,
            rank: rank as i32,
            owner_id: owner(t.owner_id),
            ..t.clone()
        };
        themes.insert(t.id, copy.id);
        ops.push(Op::Create {
            item: NewEntity::Theme(copy),
        });
    }

    let mut objectives = HashMap::new();
    for o in &source.objectives {
        let rank = source
            .perspectives
            .iter()
            .position(|p| p.id == o.perspective_id)
            .unwrap_or(0);
        let Some(band) = bands.get(rank).or(bands.first()) else {
            continue;
        };
        let copy = Objective {
            id: ObjectiveId::new(),
            map_id: map,
            perspective_id: *band,
            theme_id: o.theme_id.and_then(|t| themes.get(&t).copied()),
            owner_id: owner(o.owner_id),
            origin_id: Some(o.id),
            ..o.clone()
        };
        objectives.insert(o.id, copy.id);
        ops.push(Op::Create {
            item: NewEntity::Objective(copy),
        });
    }

    for l in &source.links {
        if let (Some(from), Some(to)) = (objectives.get(&l.from_id), objectives.get(&l.to_id)) {
            ops.push(Op::Link {
                link: Link {
                    id: LinkId::new(),
                    map_id: map,
                    from_id: *from,
                    to_id: *to,
                    ..l.clone()
                },
            });
        }
    }

    let mut measures = Vec::new();
    for m in source.measures.iter().filter(|_| scope.measures) {
        let Some(objective) = objectives.get(&m.objective_id) else {
            continue;
        };
        let copy = Measure {
            id: MeasureId::new(),
            objective_id: *objective,
            data_owner_id: owner(m.data_owner_id),
            ..m.clone()
        };
        measures.push((m.id, copy.id));
        ops.push(Op::Create {
            item: NewEntity::Measure(copy),
        });
    }

    if scope.same_unit {
        for a in &source.alignments {
            if let Some(objective) = objectives.get(&a.unit_objective_id) {
                ops.push(Op::Align {
                    alignment: Alignment::new(*objective, a.parent_objective_id)
                        .with_note(a.note.clone()),
                });
            }
        }
        let statement = [
            (Field::Vision, &source.map.vision),
            (Field::Mission, &source.map.mission),
            (Field::Values, &source.map.values),
        ];
        for (field, text) in statement {
            if !text.is_empty() {
                ops.push(set(EntityKind::Map, map.0, field, text));
            }
        }
    }
    MapCopy { ops, measures }
}

/// The most years one refresh moves a map on (a guard against a reading far in the future).
const MAX_YEARS_ON: i32 = 50;

/// How many years the version after `map` moves on: the fewest whole years that put its start
/// after `latest`, the last month with data (none: one year). A 2025–2027 plan refreshed with
/// data up to November 2026 becomes 2027–2029; a 2026 map with data in 2026 becomes 2027.
pub fn years_on(map: &StrategyMap, latest: Option<Period>) -> i32 {
    let mut years = 1;
    if let Some(latest) = latest {
        while years < MAX_YEARS_ON && map.period_start.plus_months(12 * years) <= latest {
            years += 1;
        }
    }
    years
}

/// The period of the version `years` on from `map`: the same span, moved on.
pub fn next_period(map: &StrategyMap, years: i32) -> (Period, Period) {
    (
        map.period_start.plus_months(12 * years),
        map.period_end.plus_months(12 * years),
    )
}

/// The name of the version `years` on from `map`: each year of its period named in it moves
/// on ("Strategy 2026" → "Strategy 2027"); a name without its years gets the new period's years
/// in brackets.
pub fn next_name(map: &StrategyMap, years: i32) -> String {
    let own = map.period_start.year()..=map.period_end.year();
    let mut out = String::with_capacity(map.name.len() + 8);
    let mut shifted = false;
    let chars: Vec<char> = map.name.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let number: String = chars[i..i + digits].iter().collect();
        match number.parse::<i32>() {
            Ok(year) if digits == 4 && own.contains(&year) => {
                out.push_str(&(year + years).to_string());
                shifted = true;
            }
            _ => out.push_str(&number),
        }
        i += digits;
    }
    if shifted {
        return out;
    }
    let (start, end) = next_period(map, years);
    if start.year() == end.year() {
        format!("{} ({})", map.name.trim(), start.year())
    } else {
        format!("{} ({}–{})", map.name.trim(), start.year(), end.year())
    }
}

/// Two versions of a map compared.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VersionDiff {
    /// Every difference in the older version's terms: added objectives as the newer version
    /// has them (in the older version's band of the same name), added arrows with their ends
    /// matched to the older version's objectives. The list of changes, and the overlay drawn
    /// on the older map.
    pub changes: Vec<Change>,
    /// The objectives that carry on: (older, newer).
    pub kept: Vec<(ObjectiveId, ObjectiveId)>,
}

impl VersionDiff {
    /// What the older version lost or had reworded, drawn on the older map: removed
    /// objectives, reworded titles, removed arrows.
    pub fn on_older(&self) -> Vec<Change> {
        self.changes
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    Change::Remove { .. } | Change::Reword { .. } | Change::Unlink { .. }
                )
            })
            .cloned()
            .collect()
    }

    /// What the newer version added or reworded, in the newer version's terms, drawn on the
    /// newer map: added objectives and arrows, reworded titles.
    pub fn on_newer(&self, newer: &MapDocument) -> Vec<Change> {
        let to_newer: HashMap<ObjectiveId, ObjectiveId> = self.kept.iter().copied().collect();
        let newer_id = |id: ObjectiveId| to_newer.get(&id).copied().unwrap_or(id);
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::Add { objective } => newer
                    .objectives
                    .iter()
                    .find(|o| o.id == objective.id)
                    .map(|o| Change::Add {
                        objective: o.clone(),
                    }),
                Change::Reword {
                    objective_id,
                    from,
                    to,
                } => Some(Change::Reword {
                    objective_id: newer_id(*objective_id),
                    from: from.clone(),
                    to: to.clone(),
                }),
                Change::Link { link } => Some(Change::Link {
                    link: Link {
                        from_id: newer_id(link.from_id),
                        to_id: newer_id(link.to_id),
                        ..link.clone()
                    },
                }),
                _ => None,
            })
            .collect()
    }
}

/// A title as two versions are matched by: case and surrounding space do not count.
fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// Pairs each objective of `new` with the one of `old` it carries on: by lineage first
/// (`origin_id`), then by an identical title among those left (each at most once).
fn pair_objectives(old: &MapDocument, new: &MapDocument) -> Vec<(ObjectiveId, ObjectiveId)> {
    let mut pairs = Vec::new();
    let mut taken_old = HashSet::new();
    let mut taken_new = HashSet::new();
    for n in &new.objectives {
        if let Some(o) = n
            .origin_id
            .filter(|origin| old.objectives.iter().any(|o| o.id == *origin))
            .filter(|origin| !taken_old.contains(origin))
        {
            taken_old.insert(o);
            taken_new.insert(n.id);
            pairs.push((o, n.id));
        }
    }
    for n in new.objectives.iter().filter(|n| !taken_new.contains(&n.id)) {
        let key = title_key(&n.title);
        if let Some(o) = old
            .objectives
            .iter()
            .find(|o| !taken_old.contains(&o.id) && title_key(&o.title) == key)
        {
            taken_old.insert(o.id);
            pairs.push((o.id, n.id));
        }
    }
    pairs
}

/// The differences from `old` to `new` (two versions of a unit's map, or any two maps):
/// objectives reworded, added and removed, then arrows added and removed, each in map order.
pub fn diff(old: &MapDocument, new: &MapDocument) -> VersionDiff {
    let kept = pair_objectives(old, new);
    let to_old: HashMap<ObjectiveId, ObjectiveId> = kept.iter().map(|(o, n)| (*n, *o)).collect();
    let kept_old: HashSet<ObjectiveId> = kept.iter().map(|(o, _)| *o).collect();
    let mut changes = Vec::new();

    for o in &old.objectives {
        let Some((_, n)) = kept.iter().find(|(k, _)| *k == o.id) else {
            continue;
        };
        let Some(n) = new.objectives.iter().find(|x| x.id == *n) else {
            continue;
        };
        if o.title.trim() != n.title.trim() {
            changes.push(Change::Reword {
                objective_id: o.id,
                from: o.title.clone(),
                to: n.title.clone(),
            });
        }
    }
    for n in new
        .objectives
        .iter()
        .filter(|n| !to_old.contains_key(&n.id))
    {
        changes.push(Change::Add {
            objective: Objective {
                perspective_id: older_band(old, new, n.perspective_id),
                ..n.clone()
            },
        });
    }
    for o in old.objectives.iter().filter(|o| !kept_old.contains(&o.id)) {
        changes.push(Change::Remove { objective_id: o.id });
    }

    let in_old_terms = |id: ObjectiveId| to_old.get(&id).copied().unwrap_or(id);
    let old_arrows: HashSet<(ObjectiveId, ObjectiveId)> =
        old.links.iter().map(|l| (l.from_id, l.to_id)).collect();
    let new_arrows: HashSet<(ObjectiveId, ObjectiveId)> = new
        .links
        .iter()
        .map(|l| (in_old_terms(l.from_id), in_old_terms(l.to_id)))
        .collect();
    for l in &new.links {
        let ends = (in_old_terms(l.from_id), in_old_terms(l.to_id));
        if !old_arrows.contains(&ends) {
            changes.push(Change::Link {
                link: Link {
                    from_id: ends.0,
                    to_id: ends.1,
                    ..l.clone()
                },
            });
        }
    }
    for l in &old.links {
        if !new_arrows.contains(&(l.from_id, l.to_id)) {
            changes.push(Change::Unlink {
                link_id: l.id,
                from_id: l.from_id,
                to_id: l.to_id,
            });
        }
    }
    VersionDiff { changes, kept }
}

/// The band of `old` matching `new`'s band `band`: the one of the same name, else the one at
/// the same rank, else the band itself (the older map has fewer bands).
fn older_band(old: &MapDocument, new: &MapDocument, band: PerspectiveId) -> PerspectiveId {
    let Some((rank, p)) = new
        .perspectives
        .iter()
        .enumerate()
        .find(|(_, p)| p.id == band)
    else {
        return band;
    };
    old.perspectives
        .iter()
        .find(|o| o.name == p.name)
        .or_else(|| old.perspectives.get(rank))
        .map(|o| o.id)
        .unwrap_or(band)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::acme_doc;
    use crate::domain::ops::apply_all;

    /// Acme's map with three objectives (two arrows between them), two measures, a theme and a
    /// statement.
    fn source() -> MapDocument {
        let mut d = acme_doc();
        let top = d.perspectives[0].id;
        let bottom = d.perspectives[3].id;
        let theme = Theme::new(d.map.id, "Growth", "#22aa66", 0);
        let grow = Objective::new(d.map.id, top, "Grow revenue")
            .with_theme(Some(theme.id))
            .with_position(300.0, 120.0);
        let keep = Objective::new(d.map.id, top, "Keep customers").with_position(600.0, 120.0);
        let skills = Objective::new(d.map.id, bottom, "Build skills").with_position(300.0, 700.0);
        let revenue = Measure::new(grow.id, "Revenue");
        let churn = Measure::new(keep.id, "Churn");
        let ops = vec![
            Op::Create {
                item: NewEntity::Theme(theme),
            },
            Op::Create {
                item: NewEntity::Objective(grow.clone()),
            },
            Op::Create {
                item: NewEntity::Objective(keep.clone()),
            },
            Op::Create {
                item: NewEntity::Objective(skills.clone()),
            },
            Op::Link {
                link: Link::new(d.map.id, skills.id, grow.id).with_hypothesis("Skill sells"),
            },
            Op::Link {
                link: Link::new(d.map.id, keep.id, grow.id),
            },
            Op::Create {
                item: NewEntity::Measure(revenue),
            },
            Op::Create {
                item: NewEntity::Measure(churn),
            },
            set(EntityKind::Map, d.map.id.0, Field::Vision, "Everywhere"),
            set(EntityKind::Perspective, top.0, Field::Weight, 2.0),
        ];
        apply_all(&mut d, &ops).unwrap();
        d
    }

    /// A new, empty map of the same unit, as the store creates it.
    fn fresh(source: &MapDocument) -> MapDocument {
        let map = StrategyMap::new(
            source.org_unit.id,
            "Next",
            source.map.period_start.plus_months(12),
            source.map.period_end.plus_months(12),
        );
        MapDocument {
            perspectives: Perspective::defaults(map.id),
            ..MapDocument::new(map, source.org_unit.clone())
        }
    }

    fn copied(scope: CopyScope) -> (MapDocument, MapDocument, MapCopy) {
        let source = source();
        let mut copy = fresh(&source);
        let made = copy_ops(&copy, &source, scope);
        apply_all(&mut copy, &made.ops).expect("a copy's batch applies to the fresh map");
        (source, copy, made)
    }

    #[test]
    fn a_copy_has_the_structure_with_fresh_ids_and_its_lineage() {
        let (source, copy, made) = copied(CopyScope {
            measures: true,
            same_unit: true,
        });
        assert_eq!(copy.objectives.len(), 3);
        assert_eq!(copy.links.len(), 2);
        assert_eq!(copy.themes.len(), 1);
        assert_eq!(copy.measures.len(), 2);
        assert_eq!(made.measures.len(), 2);
        assert_eq!(copy.map.vision, "Everywhere");
        assert_eq!(copy.perspectives[0].weight, 2.0);
        for o in &copy.objectives {
            assert_eq!(o.map_id, copy.map.id);
            assert!(source.objectives.iter().all(|s| s.id != o.id), "fresh ids");
            let origin = source
                .objectives
                .iter()
                .find(|s| Some(s.id) == o.origin_id)
                .expect("each copy names its origin");
            assert_eq!(
                (origin.title.as_str(), origin.x, origin.y),
                (o.title.as_str(), o.x, o.y)
            );
        }
        let grow = copy
            .objectives
            .iter()
            .find(|o| o.title == "Grow revenue")
            .unwrap();
        assert_eq!(grow.theme_id, Some(copy.themes[0].id), "in the copied lane");
        let hypothesis = copy
            .links
            .iter()
            .find(|l| l.to_id == grow.id && !l.hypothesis.is_empty());
        assert_eq!(
            hypothesis.map(|l| l.hypothesis.as_str()),
            Some("Skill sells")
        );
        let revenue = copy.measures.iter().find(|m| m.name == "Revenue").unwrap();
        assert_eq!(revenue.objective_id, grow.id);
        assert!(
            diff(&source, &copy).changes.is_empty(),
            "a copy differs in nothing"
        );
    }

    #[test]
    fn a_copy_for_another_unit_leaves_measures_statement_and_owners_out_when_asked() {
        let (_, copy, made) = copied(CopyScope {
            measures: false,
            same_unit: false,
        });
        assert_eq!(copy.objectives.len(), 3);
        assert!(copy.measures.is_empty() && made.measures.is_empty());
        assert_eq!(copy.map.vision, "");
    }

    #[test]
    fn the_diff_tells_reworded_from_added_and_removed() {
        let (source, mut copy, _) = copied(CopyScope {
            measures: false,
            same_unit: true,
        });
        let find =
            |d: &MapDocument, t: &str| d.objectives.iter().find(|o| o.title == t).unwrap().clone();
        let keep = find(&copy, "Keep customers");
        let skills = find(&copy, "Build skills");
        let grow = find(&copy, "Grow revenue");
        let arrow = copy.links.iter().find(|l| l.from_id == keep.id).unwrap().id;
        let new = Objective::new(copy.map.id, copy.perspectives[1].id, "Delight users")
            .with_position(400.0, 300.0);
        let new_link = Link::new(copy.map.id, new.id, grow.id);
        apply_all(
            &mut copy,
            &[
                set(
                    EntityKind::Objective,
                    keep.id.0,
                    Field::Title,
                    "Keep our best customers",
                ),
                Op::Delete {
                    entity: EntityKind::Objective,
                    id: skills.id.0,
                },
                Op::Unlink { id: arrow },
                Op::Create {
                    item: NewEntity::Objective(new.clone()),
                },
                Op::Link { link: new_link },
            ],
        )
        .unwrap();
        let d = diff(&source, &copy);
        let old = |t: &str| find(&source, t).id;
        assert_eq!(
            d.changes,
            vec![
                Change::Reword {
                    objective_id: old("Keep customers"),
                    from: "Keep customers".into(),
                    to: "Keep our best customers".into()
                },
                Change::Add {
                    objective: Objective {
                        perspective_id: source.perspectives[1].id,
                        ..copy
                            .objectives
                            .iter()
                            .find(|o| o.id == new.id)
                            .unwrap()
                            .clone()
                    }
                },
                Change::Remove {
                    objective_id: old("Build skills")
                },
                Change::Link {
                    link: Link {
                        from_id: new.id,
                        to_id: old("Grow revenue"),
                        ..copy
                            .links
                            .iter()
                            .find(|l| l.from_id == new.id)
                            .unwrap()
                            .clone()
                    }
                },
                Change::Unlink {
                    link_id: source
                        .links
                        .iter()
                        .find(|l| l.from_id == old("Build skills"))
                        .unwrap()
                        .id,
                    from_id: old("Build skills"),
                    to_id: old("Grow revenue"),
                },
                Change::Unlink {
                    link_id: source
                        .links
                        .iter()
                        .find(|l| l.from_id == old("Keep customers"))
                        .unwrap()
                        .id,
                    from_id: old("Keep customers"),
                    to_id: old("Grow revenue"),
                },
            ]
        );
        assert_eq!(d.kept.len(), 2);
        let newer = d.on_newer(&copy);
        assert!(newer.contains(&Change::Reword {
            objective_id: keep.id,
            from: "Keep customers".into(),
            to: "Keep our best customers".into()
        }));
        assert!(newer
            .iter()
            .any(|c| matches!(c, Change::Link { link } if link.to_id == grow.id)));
        assert_eq!(
            d.on_older().len(),
            4,
            "reworded, removed and two arrows gone"
        );
    }

    #[test]
    fn maps_without_lineage_are_paired_by_title() {
        let source = source();
        let mut other = fresh(&source);
        let title_only = Objective::new(other.map.id, other.perspectives[0].id, " grow REVENUE ");
        apply_all(
            &mut other,
            &[Op::Create {
                item: NewEntity::Objective(title_only),
            }],
        )
        .unwrap();
        let d = diff(&source, &other);
        assert_eq!(d.kept.len(), 1);
        assert_eq!(
            d.changes
                .iter()
                .filter(|c| matches!(c, Change::Remove { .. }))
                .count(),
            2
        );
    }

    #[test]
    fn the_next_version_moves_the_period_and_the_years_in_its_name_on() {
        let p = |s: &str| s.parse::<Period>().unwrap();
        let map = |name: &str, from: &str, to: &str| {
            StrategyMap::new(OrgUnitId::new(), name, p(from), p(to))
        };
        let one = map("Northwind strategy 2026", "2026-01", "2026-12");
        assert_eq!(years_on(&one, None), 1);
        assert_eq!(years_on(&one, Some(p("2026-11"))), 1);
        assert_eq!(next_period(&one, 1), (p("2027-01"), p("2027-12")));
        assert_eq!(next_name(&one, 1), "Northwind strategy 2027");
        let rolling = map("Plan 2025–2027 (rev 12)", "2025-01", "2027-12");
        let years = years_on(&rolling, Some(p("2026-11")));
        assert_eq!(years, 2, "data into 2026: the next version starts in 2027");
        assert_eq!(next_period(&rolling, years), (p("2027-01"), p("2029-12")));
        assert_eq!(next_name(&rolling, years), "Plan 2027–2029 (rev 12)");
        let fiscal = map("FY plan", "2025-04", "2026-03");
        assert_eq!(years_on(&fiscal, Some(p("2026-03"))), 1);
        assert_eq!(years_on(&fiscal, Some(p("2026-04"))), 2);
        assert_eq!(
            next_name(&map("Sales map", "2026-01", "2026-12"), 1),
            "Sales map (2027)"
        );
        assert_eq!(
            next_name(&map("Sales 1999", "2026-01", "2027-12"), 1),
            "Sales 1999 (2027–2028)"
        );
        assert_eq!(years_on(&one, Some(p("2199-12"))), MAX_YEARS_ON);
    }
}
