//! The cascade as one map sees it: which of its objectives support nothing on the parent unit's
//! maps, which parent objectives each may still support, and who supports its own objectives
//! from the units below. Pure, so the canvas badges, the side panel and the tests read the
//! same answers.

use super::ids::*;
use super::model::*;
use super::ops::Op;

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
