//! The map health check: the Balanced Scorecard method's rules of thumb for a good strategy map,
//! run against the live map so a panel beside it can say what to fix while the team edits.
//!
//! Each rule has a stable id ([`Rule::as_str`]) so a map can switch it off; [`check`] returns
//! every finding of the enabled rules in a stable order (by rule, then by where the item sits
//! on the map: perspectives top to bottom, objectives band by band and left to right, measures
//! under their objective). Measures count only when their objective is on the map.

use super::ids::*;
use super::model::*;
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// Fewest objectives of a good map: fewer leaves parts of the strategy unsaid.
pub const MIN_OBJECTIVES: usize = 12;
/// Most objectives of a good map: more no longer fits one page or one team's attention.
pub const MAX_OBJECTIVES: usize = 18;
/// Fewest objectives per perspective.
pub const MIN_PER_PERSPECTIVE: usize = 3;
/// Most objectives per perspective.
pub const MAX_PER_PERSPECTIVE: usize = 5;
/// Fewest objectives of a unit map: it carries part of the parent's strategy down, so 5–10 is
/// normal and the 12–18 rule would nag.
pub const UNIT_MIN_OBJECTIVES: usize = 5;
/// Most objectives of a unit map.
pub const UNIT_MAX_OBJECTIVES: usize = 10;
/// Fewest objectives per perspective on a unit map (a unit may contribute little to one).
pub const UNIT_MIN_PER_PERSPECTIVE: usize = 1;
/// Most objectives per perspective on a unit map.
pub const UNIT_MAX_PER_PERSPECTIVE: usize = 4;
/// Most measures per objective (the "rule of 2").
pub const MAX_MEASURES_PER_OBJECTIVE: usize = 2;
/// Most measures on one scorecard.
pub const MAX_SCORECARD_MEASURES: usize = 20;

/// What the rules look at; built from the live map document plus which measures have a target.
#[derive(Clone, Copy, Debug)]
pub struct HealthInput<'a> {
    pub perspectives: &'a [Perspective],
    pub objectives: &'a [Objective],
    pub links: &'a [Link],
    pub measures: &'a [Measure],
    pub measures_with_target: &'a HashSet<MeasureId>,
    /// On a unit map (one below the top), its alignments to the parent map: the size rules are
    /// scaled to a unit map and each objective should support the parent or be marked local.
    /// `None` on the top unit's maps.
    pub unit: Option<&'a [AlignmentView]>,
}

/// The size a good map has: 12–18 objectives and 3–5 per perspective, or on a unit map 5–10
/// and 1–4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub objectives: (usize, usize),
    pub per_perspective: (usize, usize),
}

impl Bounds {
    /// The bounds of a unit map (`unit`) or of the top unit's map.
    pub fn of(unit: bool) -> Bounds {
        if unit {
            Bounds {
                objectives: (UNIT_MIN_OBJECTIVES, UNIT_MAX_OBJECTIVES),
                per_perspective: (UNIT_MIN_PER_PERSPECTIVE, UNIT_MAX_PER_PERSPECTIVE),
            }
        } else {
            Bounds {
                objectives: (MIN_OBJECTIVES, MAX_OBJECTIVES),
                per_perspective: (MIN_PER_PERSPECTIVE, MAX_PER_PERSPECTIVE),
            }
        }
    }
}

/// One rule of the health check; each can be switched off per map by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ObjectiveCount,
    PerspectiveSize,
    MeasuresPerObjective,
    ScorecardSize,
    ObjectiveOwner,
    MeasureTarget,
    PathToTop,
    Driven,
    LeadingLagging,
    VerbTitle,
    /// On a unit map: every objective supports a parent objective or is marked local.
    SupportsParent,
}

impl Rule {
    /// Every rule, in the order findings are listed.
    pub const ALL: [Rule; 11] = [
        Rule::ObjectiveCount,
        Rule::PerspectiveSize,
        Rule::MeasuresPerObjective,
        Rule::ScorecardSize,
        Rule::ObjectiveOwner,
        Rule::MeasureTarget,
        Rule::PathToTop,
        Rule::Driven,
        Rule::LeadingLagging,
        Rule::VerbTitle,
        Rule::SupportsParent,
    ];

    /// Whether the rule means anything on a unit map (`unit`) or on the top unit's map: the
    /// parent rule only on unit maps.
    pub fn applies(self, unit: bool) -> bool {
        unit || self != Rule::SupportsParent
    }

    /// The stable id, stored with a map's switched-off rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ObjectiveCount => "objective_count",
            Rule::PerspectiveSize => "perspective_size",
            Rule::MeasuresPerObjective => "measures_per_objective",
            Rule::ScorecardSize => "scorecard_size",
            Rule::ObjectiveOwner => "objective_owner",
            Rule::MeasureTarget => "measure_target",
            Rule::PathToTop => "path_to_top",
            Rule::Driven => "driven",
            Rule::LeadingLagging => "leading_lagging",
            Rule::VerbTitle => "verb_title",
            Rule::SupportsParent => "supports_parent",
        }
    }

    /// A short name for the health panel and its switches, in `locale`, with the bounds of a
    /// unit map (`unit`) or of the top unit's.
    pub fn title(self, locale: Locale, unit: bool) -> String {
        let b = Bounds::of(unit);
        let ((min, max), (pmin, pmax)) = (b.objectives, b.per_perspective);
        match self {
            Rule::ObjectiveCount => {
                td_string!(locale, health.rule.objective_count.title, min, max).to_string()
            }
            Rule::PerspectiveSize => td_string!(
                locale,
                health.rule.perspective_size.title,
                min = pmin,
                max = pmax
            )
            .to_string(),
            Rule::MeasuresPerObjective => td_string!(
                locale,
                health.rule.measures_per_objective.title,
                max = MAX_MEASURES_PER_OBJECTIVE
            )
            .to_string(),
            Rule::ScorecardSize => td_string!(
                locale,
                health.rule.scorecard_size.title,
                max = MAX_SCORECARD_MEASURES
            )
            .to_string(),
            Rule::ObjectiveOwner => td_string!(locale, health.rule.objective_owner.title).into(),
            Rule::MeasureTarget => td_string!(locale, health.rule.measure_target.title).into(),
            Rule::PathToTop => td_string!(locale, health.rule.path_to_top.title).into(),
            Rule::Driven => td_string!(locale, health.rule.driven.title).into(),
            Rule::LeadingLagging => td_string!(locale, health.rule.leading_lagging.title).into(),
            Rule::VerbTitle => td_string!(locale, health.rule.verb_title.title).into(),
            Rule::SupportsParent => td_string!(locale, health.rule.supports_parent.title).into(),
        }
    }

    /// One sentence on why the rule matters, from the Balanced Scorecard method, in `locale`
    /// (for a unit map when `unit`).
    pub fn advice(self, locale: Locale, unit: bool) -> String {
        let (min, max) = Bounds::of(unit).objectives;
        match self {
            Rule::ObjectiveCount if unit => {
                td_string!(locale, health.rule.objective_count.unit_advice, min, max).to_string()
            }
            Rule::ObjectiveCount => {
                td_string!(locale, health.rule.objective_count.advice, min, max).to_string()
            }
            Rule::PerspectiveSize if unit => {
                td_string!(locale, health.rule.perspective_size.unit_advice).into()
            }
            Rule::PerspectiveSize => td_string!(locale, health.rule.perspective_size.advice).into(),
            Rule::MeasuresPerObjective => {
                td_string!(locale, health.rule.measures_per_objective.advice).into()
            }
            Rule::ScorecardSize => td_string!(locale, health.rule.scorecard_size.advice).into(),
            Rule::ObjectiveOwner => td_string!(locale, health.rule.objective_owner.advice).into(),
            Rule::MeasureTarget => td_string!(locale, health.rule.measure_target.advice).into(),
            Rule::PathToTop => td_string!(locale, health.rule.path_to_top.advice).into(),
            Rule::Driven => td_string!(locale, health.rule.driven.advice).into(),
            Rule::LeadingLagging => td_string!(locale, health.rule.leading_lagging.advice).into(),
            Rule::VerbTitle => td_string!(locale, health.rule.verb_title.advice).into(),
            Rule::SupportsParent => td_string!(locale, health.rule.supports_parent.advice).into(),
        }
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown health rule \"{s}\""))
    }
}

/// What a finding is about, so the panel can select it on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Item {
    Map,
    Perspective(PerspectiveId),
    Objective(ObjectiveId),
    Measure(MeasureId),
}

/// One thing to fix: which rule, on which item, in words that name the item (in the locale the
/// check ran in).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub item: Item,
    pub message: String,
}

/// Every finding of the enabled rules, in a stable order (by rule, then by the item's position on
/// the map), with messages in `locale`. Objective titles are checked for a verb in that language
/// too: the map page passes the viewer's page language (a map's titles are not tagged with the
/// language they were written in).
pub fn check(locale: Locale, input: &HealthInput, disabled: &[Rule]) -> Vec<Finding> {
    let map = View::new(input, locale);
    Rule::ALL
        .into_iter()
        .filter(|r| !disabled.contains(r))
        .flat_map(|rule| {
            let found: Vec<(Item, String)> = match rule {
                Rule::ObjectiveCount => objective_count(&map),
                Rule::PerspectiveSize => perspective_size(&map),
                Rule::MeasuresPerObjective => measures_per_objective(&map),
                Rule::ScorecardSize => scorecard_size(&map),
                Rule::ObjectiveOwner => objective_owner(&map),
                Rule::MeasureTarget => measure_target(&map, input.measures_with_target),
                Rule::PathToTop => path_to_top(&map),
                Rule::Driven => driven(&map),
                Rule::LeadingLagging => leading_lagging(&map),
                Rule::VerbTitle => verb_title(&map),
                Rule::SupportsParent => supports_parent(&map),
            };
            found.into_iter().map(move |(item, message)| Finding {
                rule,
                item,
                message,
            })
        })
        .collect()
}

/// The input arranged the way the rules read it: everything in map order.
struct View<'a> {
    /// Top band first.
    perspectives: Vec<&'a Perspective>,
    /// Band by band (objectives in an unknown perspective last), then left to right.
    objectives: Vec<&'a Objective>,
    /// Links whose two ends are distinct objectives on the map.
    links: Vec<&'a Link>,
    /// The measures of each objective on the map, in input order.
    measures_of: HashMap<ObjectiveId, Vec<&'a Measure>>,
    /// The rank of each perspective.
    rank_of: HashMap<PerspectiveId, i32>,
    /// The language of the messages (and of the verb check).
    locale: Locale,
    /// A unit map's alignments (`None` on the top unit's maps).
    unit: Option<&'a [AlignmentView]>,
    /// The size bounds for this kind of map.
    bounds: Bounds,
}

impl<'a> View<'a> {
    fn new(input: &HealthInput<'a>, locale: Locale) -> View<'a> {
        // An id listed twice counts once, where it is first listed.
        let mut seen = HashSet::new();
        let mut perspectives: Vec<&Perspective> = input
            .perspectives
            .iter()
            .filter(|p| seen.insert(p.id))
            .collect();
        perspectives.sort_by_key(|p| p.rank); // stable: equal ranks keep input order
        let rank_of: HashMap<PerspectiveId, i32> =
            perspectives.iter().map(|p| (p.id, p.rank)).collect();
        let mut objectives: Vec<&Objective> = input.objectives.iter().collect();
        let band = |o: &Objective| rank_of.get(&o.perspective_id).copied();
        objectives.sort_by(|a, b| {
            let by_band = match (band(a), band(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_band.then(a.x.total_cmp(&b.x)).then(a.y.total_cmp(&b.y))
        });
        let on_map: HashSet<ObjectiveId> = objectives.iter().map(|o| o.id).collect();
        let links = input
            .links
            .iter()
            .filter(|l| l.from_id != l.to_id)
            .filter(|l| on_map.contains(&l.from_id) && on_map.contains(&l.to_id))
            .collect();
        let mut measures_of: HashMap<ObjectiveId, Vec<&Measure>> = HashMap::new();
        for m in input
            .measures
            .iter()
            .filter(|m| on_map.contains(&m.objective_id))
        {
            measures_of.entry(m.objective_id).or_default().push(m);
        }
        View {
            perspectives,
            objectives,
            links,
            measures_of,
            rank_of,
            locale,
            unit: input.unit,
            bounds: Bounds::of(input.unit.is_some()),
        }
    }

    /// Distinct objectives in map order (an id listed twice counts once, where it first sits).
    fn objectives(&self) -> impl Iterator<Item = &'a Objective> + '_ {
        let mut seen = HashSet::new();
        self.objectives
            .iter()
            .copied()
            .filter(move |o| seen.insert(o.id))
    }

    fn measures(&self, o: &Objective) -> &[&'a Measure] {
        self.measures_of
            .get(&o.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every measure on the map, objective by objective in map order.
    fn all_measures(&self) -> impl Iterator<Item = &'a Measure> + '_ {
        self.objectives()
            .flat_map(|o| self.measures(o).iter().copied())
    }

    fn rank(&self, o: &Objective) -> Option<i32> {
        self.rank_of.get(&o.perspective_id).copied()
    }

    fn in_perspective<'s>(
        &'s self,
        p: &'s Perspective,
    ) -> impl Iterator<Item = &'a Objective> + 's {
        self.objectives().filter(move |o| o.perspective_id == p.id)
    }
}

/// `“name”` (German `„name“`), with a stand-in for a blank one.
fn quoted(locale: Locale, name: &str) -> String {
    let name = name.trim();
    let name = if name.is_empty() {
        td_string!(locale, health.untitled)
    } else {
        name
    };
    td_string!(locale, health.quoted, name).to_string()
}

/// "no objectives", "1 objective", "2 objectives".
fn objectives(locale: Locale, n: usize) -> String {
    td_string!(locale, health.objectives, count = n as u64).to_string()
}

/// "no measures", "1 measure", "2 measures".
fn measures(locale: Locale, n: usize) -> String {
    td_string!(locale, health.measures, count = n as u64).to_string()
}

fn objective_count(map: &View) -> Vec<(Item, String)> {
    let n = map.objectives().count();
    let (min, max) = map.bounds.objectives;
    if (min..=max).contains(&n) {
        return vec![];
    }
    let l = map.locale;
    vec![(
        Item::Map,
        td_string!(
            l,
            health.message.objective_count,
            objectives = objectives(l, n),
            min = min,
            max = max
        )
        .to_string(),
    )]
}

fn perspective_size(map: &View) -> Vec<(Item, String)> {
    let l = map.locale;
    let (min, max) = map.bounds.per_perspective;
    map.perspectives
        .iter()
        .filter_map(|p| {
            let n = map.in_perspective(p).count();
            (!(min..=max).contains(&n)).then(|| {
                (
                    Item::Perspective(p.id),
                    td_string!(
                        l,
                        health.message.perspective_size,
                        name = quoted(l, &p.name),
                        objectives = objectives(l, n),
                        min = min,
                        max = max
                    )
                    .to_string(),
                )
            })
        })
        .collect()
}

/// On a unit map, each objective that supports nothing on the parent map and is not marked
/// local.
fn supports_parent(map: &View) -> Vec<(Item, String)> {
    let Some(alignments) = map.unit else {
        return vec![];
    };
    let l = map.locale;
    map.objectives()
        .filter(|o| !o.local && !alignments.iter().any(|a| a.unit_objective_id == o.id))
        .map(|o| {
            (
                Item::Objective(o.id),
                td_string!(
                    l,
                    health.message.supports_nothing,
                    name = quoted(l, &o.title)
                )
                .to_string(),
            )
        })
        .collect()
}

fn measures_per_objective(map: &View) -> Vec<(Item, String)> {
    let l = map.locale;
    map.objectives()
        .filter_map(|o| {
            let n = map.measures(o).len();
            let message = if n == 0 {
                td_string!(l, health.message.no_measure, name = quoted(l, &o.title)).to_string()
            } else if n > MAX_MEASURES_PER_OBJECTIVE {
                td_string!(
                    l,
                    health.message.too_many_measures,
                    name = quoted(l, &o.title),
                    measures = measures(l, n)
                )
                .to_string()
            } else {
                return None;
            };
            Some((Item::Objective(o.id), message))
        })
        .collect()
}

fn scorecard_size(map: &View) -> Vec<(Item, String)> {
    let n = map.all_measures().count();
    if n <= MAX_SCORECARD_MEASURES {
        return vec![];
    }
    vec![(
        Item::Map,
        td_string!(
            map.locale,
            health.message.scorecard_size,
            measures = measures(map.locale, n),
            max = MAX_SCORECARD_MEASURES
        )
        .to_string(),
    )]
}

fn objective_owner(map: &View) -> Vec<(Item, String)> {
    map.objectives()
        .filter(|o| o.owner_id.is_none())
        .map(|o| {
            (
                Item::Objective(o.id),
                td_string!(
                    map.locale,
                    health.message.no_owner,
                    name = quoted(map.locale, &o.title)
                )
                .to_string(),
            )
        })
        .collect()
}

fn measure_target(map: &View, with_target: &HashSet<MeasureId>) -> Vec<(Item, String)> {
    let mut seen = HashSet::new();
    map.all_measures()
        .filter(|m| seen.insert(m.id) && !with_target.contains(&m.id))
        .map(|m| {
            (
                Item::Measure(m.id),
                td_string!(
                    map.locale,
                    health.message.no_target,
                    name = quoted(map.locale, &m.name)
                )
                .to_string(),
            )
        })
        .collect()
}

/// Objectives outside the top perspective from which no chain of links leads up into it.
fn path_to_top(map: &View) -> Vec<(Item, String)> {
    let Some(top) = map.perspectives.first() else {
        return vec![];
    };
    // Walk the links backwards from the top band: whatever is reached drives something there.
    let mut drivers: HashMap<ObjectiveId, Vec<ObjectiveId>> = HashMap::new();
    for l in &map.links {
        drivers.entry(l.to_id).or_default().push(l.from_id);
    }
    let mut reaches: HashSet<ObjectiveId> = map
        .objectives()
        .filter(|o| map.rank(o) == Some(top.rank))
        .map(|o| o.id)
        .collect();
    let mut todo: Vec<ObjectiveId> = reaches.iter().copied().collect();
    while let Some(id) = todo.pop() {
        for from in drivers.get(&id).into_iter().flatten() {
            // Each objective is queued at most once, so a cycle of links ends the walk.
            if reaches.insert(*from) {
                todo.push(*from);
            }
        }
    }
    map.objectives()
        .filter(|o| !reaches.contains(&o.id))
        .map(|o| {
            (
                Item::Objective(o.id),
                td_string!(
                    map.locale,
                    health.message.no_path,
                    name = quoted(map.locale, &o.title),
                    top = quoted(map.locale, &top.name)
                )
                .to_string(),
            )
        })
        .collect()
}

/// Objectives with no incoming link, outside the bottom perspective (whose objectives are roots).
fn driven(map: &View) -> Vec<(Item, String)> {
    let bottom = map.perspectives.last().map(|p| p.rank);
    let driven: HashSet<ObjectiveId> = map.links.iter().map(|l| l.to_id).collect();
    map.objectives()
        .filter(|o| !driven.contains(&o.id) && (bottom.is_none() || map.rank(o) != bottom))
        .map(|o| {
            (
                Item::Objective(o.id),
                td_string!(
                    map.locale,
                    health.message.not_driven,
                    name = quoted(map.locale, &o.title)
                )
                .to_string(),
            )
        })
        .collect()
}

fn leading_lagging(map: &View) -> Vec<(Item, String)> {
    let l = map.locale;
    let mut out = Vec::new();
    let all: Vec<&Measure> = map.all_measures().collect();
    let leading = all
        .iter()
        .filter(|m| m.indicator == Indicator::Leading)
        .count();
    if !all.is_empty() && leading * 3 < all.len() {
        out.push((
            Item::Map,
            td_string!(
                l,
                health.message.few_leading,
                leading,
                measures = measures(l, all.len())
            )
            .to_string(),
        ));
    }
    for (band, p) in map.perspectives.iter().enumerate() {
        let kinds: Vec<Indicator> = map
            .in_perspective(p)
            .flat_map(|o| map.measures(o).iter().map(|m| m.indicator))
            .collect();
        if kinds.len() < 2 {
            continue;
        }
        let name = quoted(l, &p.name);
        let message = if kinds.iter().all(|k| *k == Indicator::Leading) {
            td_string!(l, health.message.only_leading, name).to_string()
        } else if band > 0 && kinds.iter().all(|k| *k == Indicator::Lagging) {
            // The top perspective states outcomes: lagging measures there are the method's norm.
            td_string!(l, health.message.only_lagging, name).to_string()
        } else {
            continue;
        };
        out.push((Item::Perspective(p.id), message));
    }
    out
}

fn verb_title(map: &View) -> Vec<(Item, String)> {
    map.objectives()
        .filter(|o| !starts_with_verb(map.locale, &o.title))
        .map(|o| {
            let message = if o.title.trim().is_empty() {
                td_string!(map.locale, health.message.no_title).to_string()
            } else {
                td_string!(
                    map.locale,
                    health.message.no_verb,
                    name = quoted(map.locale, &o.title)
                )
                .to_string()
            };
            (Item::Objective(o.id), message)
        })
        .collect()
}

/// Verbs that commonly open an objective on a strategy map, lower case, sorted (binary search).
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "accelerate", "achieve", "acquire", "adapt", "add", "adjust", "adopt", "advance", "advocate",
    "align", "amplify", "anticipate", "apply", "assure", "attain", "attract", "augment", "automate",
    "avoid", "balance", "be", "become", "boost", "bring", "broaden", "build", "capture",
    "centralise", "centralize", "champion", "change", "clarify", "close", "collaborate", "combine",
    "commercialise", "commercialize", "commit", "communicate", "compete", "complete", "comply",
    "connect", "consolidate", "continue", "contribute", "control", "convert", "coordinate",
    "create", "cross-sell", "cultivate", "cut", "decrease", "deepen", "defend", "define", "deliver",
    "demonstrate", "deploy", "design", "develop", "differentiate", "digitalise", "digitalize",
    "digitise", "digitize", "diversify", "do", "double", "drive", "earn", "educate", "eliminate",
    "embed", "embrace", "empower", "enable", "encourage", "energise", "energize", "engage",
    "engineer", "enhance", "enlarge", "enrich", "ensure", "enter", "equip", "establish", "evolve",
    "exceed", "excel", "execute", "expand", "exploit", "extend", "facilitate", "focus", "foster",
    "fund", "gain", "generate", "get", "give", "go", "grow", "halve", "harmonise", "harmonize",
    "harness", "help", "hire", "identify", "implement", "improve", "incentivise", "incentivize",
    "increase", "influence", "inform", "innovate", "inspire", "instil", "instill", "integrate",
    "introduce", "invest", "involve", "keep", "know", "launch", "lead", "learn", "leverage", "lift",
    "limit", "listen", "localise", "localize", "lower", "maintain", "make", "manage", "master",
    "maximise", "maximize", "measure", "meet", "migrate", "minimise", "minimize", "mitigate",
    "mobilise", "mobilize", "modernise", "modernize", "monetise", "monetize", "monitor", "motivate",
    "move", "negotiate", "nurture", "obtain", "offer", "onboard", "open", "operate", "optimise", "optimize",
    "orchestrate", "outperform", "outsource", "overhaul", "own", "package", "partner", "penetrate", "perform",
    "personalise", "personalize", "pilot", "plan", "position", "prepare", "preserve", "prevent",
    "prioritise", "prioritize", "produce", "professionalise", "professionalize", "promote",
    "protect", "provide", "pursue", "raise", "re-engineer", "reach", "realise", "realize",
    "rebuild", "recognise", "recognize", "recruit", "redesign", "reduce", "reengineer", "refine",
    "refocus", "regain", "reinforce", "reinvent", "relaunch", "remove", "renew", "replace",
    "reposition", "reskill", "resolve", "respond", "restructure", "retain", "rethink", "revitalise",
    "revitalize", "reward", "safeguard", "save", "scale", "secure", "seize", "sell", "serve",
    "shape", "share", "shift", "shorten", "simplify", "solve", "speed", "stabilise", "stabilize",
    "standardise", "standardize", "start", "stop", "streamline", "strengthen", "succeed", "support",
    "sustain", "tailor", "take", "target", "track", "train", "transform", "triple", "understand",
    "unify", "unlock", "upgrade", "upsell", "upskill", "use", "utilise", "utilize", "validate",
    "widen", "win",
];

/// Words with a verb-like ending ("-ise", "-ize", "-ify", "-ate") that are seldom verbs.
#[rustfmt::skip]
const NOT_VERBS: &[&str] = &[
    "accurate", "adequate", "appropriate", "candidate", "certificate", "climate", "concise",
    "corporate", "enterprise", "estate", "expertise", "franchise", "immediate", "merchandise",
    "noise", "otherwise", "precise", "premise", "private", "prize", "senate", "state", "template",
    "ultimate",
];

/// German strategy verbs, lower case, sorted (binary search): the infinitives that open (or, in
/// the usual German word order, close) objectives on strategy maps, and the du-imperatives of
/// the most common of them ("Steigere", "Verbessere", "Baue … aus", "Stelle … sicher"; the
/// Sie-imperative is the infinitive). Built by hand for Cairn from the verbs of the German
/// Balanced Scorecard literature and example maps (finance: steigern, senken, sichern; customer:
/// gewinnen, binden, begeistern; processes: optimieren, beschleunigen, digitalisieren; learning:
/// qualifizieren, befähigen, weiterbilden) plus their separable forms (ausbauen, einführen,
/// sicherstellen). Verbs the ending rules of [`is_german_verb`] would reject (those ending in
/// -igen, -sten, -enden, -innen, -eren…) must be listed here.
#[rustfmt::skip]
const GERMAN_VERBS: &[&str] = &[
    "abbauen", "ablösen", "abschließen", "absichern", "anbieten", "anpassen", "ansprechen",
    "anwenden", "anwerben", "aufbauen", "aufstellen", "ausbauen", "ausbilden", "ausrichten",
    "ausschöpfen", "ausweiten", "auswerten", "automatisiere", "automatisieren", "baue", "bauen",
    "beenden", "befähige", "befähigen", "begeistere", "begeistern", "begleiten", "beherrschen",
    "beraten", "bereinigen", "berücksichtigen", "beschleunige", "beschleunigen", "beseitigen",
    "betreuen", "bewahren", "bewerten", "biete", "bieten", "binde", "binden", "bleibe", "bleiben",
    "bündeln", "digitalisiere", "digitalisieren", "durchdringen", "durchführen", "einbinden",
    "einführen", "einhalten", "einsetzen", "einsparen", "einstellen", "eliminieren", "entlasten",
    "entwickele", "entwickeln", "entwickle", "erfassen", "erfüllen", "ergänzen", "erhalten",
    "erhöhe", "erhöhen", "erleichtern", "ermitteln", "ermöglichen", "erneuere", "erneuern",
    "erobern", "erreiche", "erreichen", "erschließe", "erschließen", "erweitere", "erweitern",
    "erzeugen", "erzielen", "etabliere", "etablieren", "festige", "festigen", "finden",
    "fokussieren", "fortbilden", "fördere", "fördern", "führe", "generieren", "gestalte",
    "gestalten", "gewinne", "gewinnen", "gewährleiste", "gewährleisten", "gründen", "halbiere",
    "halbieren", "halte", "halten", "heben", "helfen", "identifizieren", "implementieren",
    "integriere", "integrieren", "intensivieren", "investieren", "klären", "kommunizieren",
    "konsolidiere", "konsolidieren", "kontrollieren", "kooperieren", "kürze", "kürzen", "leben",
    "leisten", "lerne", "lernen", "liefere", "liefern", "lösen", "mache", "machen", "managen",
    "maximieren", "messen", "mindern", "minimieren", "modernisiere", "modernisieren", "motiviere",
    "motivieren", "nutze", "nutzen", "optimiere", "optimieren", "pflege", "pflegen", "planen",
    "positionieren", "priorisieren", "professionalisiere", "professionalisieren", "qualifiziere",
    "qualifizieren", "realisieren", "reduziere", "reduzieren", "rekrutieren", "schaffe",
    "schaffen", "schließen", "schule", "schulen", "schärfen", "schützen", "senke", "senken",
    "setze", "sichere", "sichern", "sicherstellen", "sparen", "stabilisieren", "standardisiere",
    "standardisieren", "steigere", "steigern", "steigre", "stelle", "steuere", "steuern",
    "straffen", "stärke", "stärken", "transformieren", "umgestalten", "umsetzen", "umstellen",
    "unterstützen", "verankere", "verankern", "verbessere", "verbessern", "verbessre", "verbinden",
    "verbreitern", "verdoppele", "verdoppeln", "verdopple", "verdreifachen", "vereinfache",
    "vereinfachen", "vergrößern", "verhindern", "verkaufen", "verkürze", "verkürzen", "verlängern",
    "vermarkten", "vermeide", "vermeiden", "vermindern", "vermitteln", "vernetze", "vernetzen",
    "verringere", "verringern", "verringre", "verstetigen", "verstärken", "vertiefe", "vertiefen",
    "verwenden", "verwerten", "verändern", "vollenden", "vorantreiben", "vorbereiten", "wachse",
    "wachsen", "wahren", "wandeln", "weiterbilden", "weiterentwickeln", "werde", "werden",
    "zentralisieren", "zertifizieren", "zusammenarbeiten", "ändere", "ändern", "öffnen",
    "überarbeiten", "übertreffen", "überwachen", "überzeugen",
];

/// Common German nouns and determiners ending in -en/-ern/-eln, which a title often starts with
/// ("Kunden …", "Neuen Märkten …"): the ending rule does not take them for verbs. Compared with
/// the word's end, so compounds count too ("Neukunden", "Betriebskosten", "Kundendaten"). Words
/// that are as often verbs ("Zahlen", "Regeln", "Stellen") are left out.
#[rustfmt::skip]
const GERMAN_NOT_VERBS: &[&str] = &[
    "abläufen", "allen", "alten", "anlagen", "bereichen", "besten", "daten", "diesen", "eigenen",
    "einen", "eltern", "erlösen", "ersten", "erträgen", "fachkräften", "feldern", "flächen",
    "frauen", "geschäften", "großen", "grundlagen", "guten", "hohen", "händlern", "ideen", "ihren",
    "jahren", "jeden", "kanälen", "kindern", "klaren", "kleinen", "kosten", "kräften", "kunden",
    "lieferanten", "ländern", "maßnahmen", "menschen", "milliarden", "mitarbeitenden",
    "mitgliedern", "mitteln", "monaten", "männern", "märkten", "neuen", "offenen", "partnern",
    "preisen", "produkten", "projekten", "prozessen", "rahmen", "risiken", "schulden", "segmenten",
    "standorten", "starken", "stunden", "systemen", "tagen", "talenten", "themen", "umsätzen",
    "unseren", "unternehmen", "verfahren", "vertrauen", "verträgen", "wettbewerbern", "wissen",
    "wochen", "zeiten", "zufriedenen",
];

/// Endings of German nouns and declined adjectives that end in -en but are not verbs: plural
/// nouns ("Lösungen", "Einheiten", "Möglichkeiten", "Partnerschaften", "Innovationen",
/// "Qualitäten", "Ergebnissen", "Mitarbeitenden", "Kundinnen", "Strategien", "Lieferanten",
/// "Segmenten") and adjectives ("Digitalen", "Nachhaltigen", "Wirtschaftlichen",
/// "Strategischen", "Schnellen", "Innovativen", "Besseren", "Besten").
const GERMAN_NOUN_ENDINGS: &[&str] = &[
    "ungen", "heiten", "keiten", "schaften", "ionen", "täten", "nissen", "enden", "innen", "ien",
    "anten", "enten", "ischen", "lichen", "igen", "alen", "ellen", "iven", "eren", "sten",
];

/// Characters ignored around a word: ASCII punctuation and typographic quotes, dashes, bullets.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || "“”„‘’‚«»‹›–—•…·".contains(c)
}

/// The words of a title without the punctuation around them.
fn words(title: &str) -> impl Iterator<Item = &str> {
    title
        .split_whitespace()
        .map(|w| w.trim_matches(is_punctuation))
        .filter(|w| !w.is_empty())
}

/// Whether a title says what must change with a verb, as an objective should ("Increase
/// contract renewals", "Umsatz steigern"), in the language `locale`.
///
/// Looks at the first word, ignoring punctuation around it and a leading objective code such as
/// "F1" or "2.".
///
/// English: case-insensitive (ASCII). A word passes when it is in the curated list [`VERBS`]
/// (the strategy verbs of Balanced Scorecard example maps, British and American spellings), when
/// its last hyphenated part is ("Re-engineer", "Co-create"), or when it has a verb-like ending
/// ("Digitise", "Automate", "Simplify") and is not one of the [`NOT_VERBS`].
///
/// German: the first word passes when it is in [`GERMAN_VERBS`] (infinitives and imperatives:
/// "Steigern", "Verbessere", "Sicherstellen"), or when it ends like an infinitive (-ieren, -ern,
/// -eln, -en) and is neither one of the [`GERMAN_NOT_VERBS`] ("Kunden", "Kosten") nor ends like
/// a plural noun or a declined adjective ([`GERMAN_NOUN_ENDINGS`]). Because German puts the
/// infinitive last ("Kundenzufriedenheit erhöhen" is the usual form of an objective), a title
/// whose last word is a lower-case infinitive passes too: German capitalises nouns, so a
/// lower-case last word ending in -en, -ern or -eln is a verb.
///
/// Exposed for the title editor's hint.
pub fn starts_with_verb(locale: Locale, title: &str) -> bool {
    let mut all = words(title);
    let first = match all.next() {
        Some(code) if code.chars().any(|c| c.is_ascii_digit()) => all.next(),
        other => other,
    };
    let Some(word) = first else {
        return false;
    };
    match locale {
        Locale::en => {
            let word = word.to_ascii_lowercase();
            is_verb(&word) || word.rsplit_once('-').is_some_and(|(_, last)| is_verb(last))
        }
        Locale::de => {
            let lower = german_lower(word);
            let leading = is_german_verb(&lower)
                || lower
                    .rsplit_once('-')
                    .is_some_and(|(_, last)| is_german_verb(last));
            leading || words(title).last().is_some_and(is_trailing_infinitive)
        }
    }
}

/// A lower-case word that is a listed verb or looks like one.
fn is_verb(word: &str) -> bool {
    if VERBS.binary_search(&word).is_ok() {
        return true;
    }
    let verb_like = ["ise", "ize", "ify", "ate"]
        .iter()
        .any(|end| word.len() >= 5 && word.ends_with(end));
    verb_like && word.bytes().all(|b| b.is_ascii_lowercase()) && !NOT_VERBS.contains(&word)
}

/// Lower case for German words: ASCII and the umlauts (so the browser bundle needs no Unicode
/// case tables).
fn german_lower(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'Ä' => 'ä',
            'Ö' => 'ö',
            'Ü' => 'ü',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A lower-case German word that is a listed verb or ends like an infinitive without being a
/// listed noun or ending like a plural noun or an adjective.
fn is_german_verb(word: &str) -> bool {
    if GERMAN_VERBS.binary_search(&word).is_ok() {
        return true;
    }
    if word.chars().count() < 5 || !word.chars().all(is_german_letter) {
        return false;
    }
    if GERMAN_NOT_VERBS.iter().any(|n| word.ends_with(n)) {
        return false;
    }
    if word.ends_with("ieren") {
        return true;
    }
    ["ern", "eln", "en"].iter().any(|end| word.ends_with(end))
        && !GERMAN_NOUN_ENDINGS.iter().any(|end| word.ends_with(end))
}

/// A letter of a German word (ASCII, umlauts, ß), without Unicode tables.
fn is_german_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || "äöüßÄÖÜ".contains(c)
}

/// A German title's last word as an infinitive ("… steigern"): lower case (not a noun) and a
/// listed verb or ending in -en, -ern or -eln.
fn is_trailing_infinitive(word: &str) -> bool {
    if !word
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || "äöü".contains(c))
    {
        return false;
    }
    let word = german_lower(word);
    GERMAN_VERBS.binary_search(&word.as_str()).is_ok()
        || (word.chars().count() >= 4
            && word.chars().all(is_german_letter)
            && ["en", "ern", "eln"].iter().any(|end| word.ends_with(end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Each entity as these tests build it (the model's constructors fill in the rest).
    fn perspective(name: &str, rank: i32) -> Perspective {
        Perspective::new(MapId::default(), name, rank)
    }

    fn objective(p: &Perspective, title: &str, x: f64) -> Objective {
        Objective::new(p.map_id, p.id, title)
            .with_owner(Some(UserId::new()))
            .with_position(x, 0.0)
    }

    fn measure(o: &Objective, name: &str, indicator: Indicator) -> Measure {
        Measure::new(o.id, name)
            .with_unit("%", 0)
            .with_indicator(indicator)
    }

    fn link(from: &Objective, to: &Objective) -> Link {
        Link::new(from.map_id, from.id, to.id)
    }

    /// A map under test, owned so tests can change any part before checking.
    #[derive(Clone, Debug, Default)]
    struct Map {
        perspectives: Vec<Perspective>,
        objectives: Vec<Objective>,
        links: Vec<Link>,
        measures: Vec<Measure>,
        targets: HashSet<MeasureId>,
        /// The language of the check (English unless a test says otherwise).
        locale: Locale,
        /// Set on a unit map: its alignments.
        unit: Option<Vec<AlignmentView>>,
    }

    impl Map {
        fn check(&self, disabled: &[Rule]) -> Vec<Finding> {
            let input = HealthInput {
                perspectives: &self.perspectives,
                objectives: &self.objectives,
                links: &self.links,
                measures: &self.measures,
                measures_with_target: &self.targets,
                unit: self.unit.as_deref(),
            };
            check(self.locale, &input, disabled)
        }

        /// The findings of one rule only.
        fn of(&self, rule: Rule) -> Vec<Finding> {
            let others: Vec<Rule> = Rule::ALL.into_iter().filter(|r| *r != rule).collect();
            let found = self.check(&others);
            assert!(found.iter().all(|f| f.rule == rule));
            found
        }

        fn messages(&self, rule: Rule) -> Vec<String> {
            self.of(rule).into_iter().map(|f| f.message).collect()
        }

        fn add_perspective(&mut self, name: &str, rank: i32) -> usize {
            self.perspectives.push(perspective(name, rank));
            self.perspectives.len() - 1
        }

        /// Adds an objective to the right of the others in its band.
        fn add_objective(&mut self, p: usize, title: &str) -> usize {
            let x = self.objectives.len() as f64 * 100.0;
            self.objectives
                .push(objective(&self.perspectives[p], title, x));
            self.objectives.len() - 1
        }

        fn add_measure(&mut self, o: usize, indicator: Indicator) -> usize {
            let name = format!("Measure {}", self.measures.len() + 1);
            let m = measure(&self.objectives[o], &name, indicator);
            self.targets.insert(m.id);
            self.measures.push(m);
            self.measures.len() - 1
        }

        fn add_link(&mut self, from: usize, to: usize) {
            self.links
                .push(link(&self.objectives[from], &self.objectives[to]));
        }

        fn objective_id(&self, o: usize) -> Item {
            Item::Objective(self.objectives[o].id)
        }

        /// Indices of the objectives in perspective `p`, in input order.
        fn band(&self, p: usize) -> Vec<usize> {
            let id = self.perspectives[p].id;
            (0..self.objectives.len())
                .filter(|&i| self.objectives[i].perspective_id == id)
                .collect()
        }
    }

    /// The example company's map: 14 objectives in 4 perspectives (3, 4, 4, 3), each owned,
    /// named with a verb, with one measure with a target (leading and lagging alternating), and
    /// linked band to band so every objective sits on a path to the top and is driven.
    fn healthy() -> Map {
        let mut m = Map::default();
        let bands: [(&str, &[&str]); 4] = [
            (
                "Financial",
                &["Grow revenue", "Improve margin", "Reduce cost to serve"],
            ),
            (
                "Customer",
                &[
                    "Increase client satisfaction",
                    "Increase contract renewals",
                    "Win new clients",
                    "Deepen key accounts",
                ],
            ),
            (
                "Internal Processes",
                &[
                    "Reduce delivery time",
                    "Improve delivery quality",
                    "Streamline onboarding",
                    "Innovate service offers",
                ],
            ),
            (
                "Learning & Growth",
                &[
                    "Certify consultants",
                    "Build knowledge management",
                    "Retain key talent",
                ],
            ),
        ];
        for (rank, (name, titles)) in bands.iter().enumerate() {
            let p = m.add_perspective(name, rank as i32);
            for (i, t) in titles.iter().enumerate() {
                let o = m.add_objective(p, t);
                let kind = if i % 2 == 0 {
                    Indicator::Leading
                } else {
                    Indicator::Lagging
                };
                m.add_measure(o, kind);
            }
        }
        for p in 1..4 {
            let (below, above) = (m.band(p), m.band(p - 1));
            for (i, &o) in below.iter().enumerate() {
                m.add_link(o, above[i % above.len()]);
            }
            for &o in above.iter().skip(below.len()) {
                m.add_link(below[0], o);
            }
        }
        m
    }

    /// A map with one perspective holding `n` objectives.
    fn with_objectives(n: usize) -> Map {
        let mut m = Map::default();
        let p = m.add_perspective("Financial", 0);
        for i in 0..n {
            m.add_objective(p, &format!("Grow line {i}"));
        }
        m
    }

    #[test]
    fn a_healthy_map_has_no_findings() {
        assert_eq!(healthy().check(&[]), vec![]);
    }

    #[test]
    fn objective_count_between_12_and_18() {
        for (n, fires) in [(0, true), (11, true), (12, false), (18, false), (19, true)] {
            let found = with_objectives(n).of(Rule::ObjectiveCount);
            assert_eq!(found.len(), usize::from(fires), "{n} objectives");
            assert!(found.iter().all(|f| f.item == Item::Map));
        }
        assert_eq!(
            with_objectives(11).messages(Rule::ObjectiveCount),
            ["The map has 11 objectives; aim for 12–18."]
        );
        assert_eq!(
            with_objectives(19).messages(Rule::ObjectiveCount),
            ["The map has 19 objectives; aim for 12–18."]
        );
        assert_eq!(
            with_objectives(0).messages(Rule::ObjectiveCount),
            ["The map has no objectives; aim for 12–18."]
        );
    }

    #[test]
    fn perspective_size_between_3_and_5() {
        for (n, fires) in [(0, true), (2, true), (3, false), (5, false), (6, true)] {
            let found = with_objectives(n).of(Rule::PerspectiveSize);
            assert_eq!(found.len(), usize::from(fires), "{n} objectives");
        }
        let mut m = healthy();
        // Customer loses two objectives (to Financial): 2 in Customer, 5 in Financial.
        let customer = m.band(1);
        for &o in &customer[..2] {
            m.objectives[o].perspective_id = m.perspectives[0].id;
        }
        assert_eq!(
            m.messages(Rule::PerspectiveSize),
            ["“Customer” has 2 objectives; aim for 3–5."]
        );
        assert_eq!(
            m.of(Rule::PerspectiveSize)[0].item,
            Item::Perspective(m.perspectives[1].id)
        );
        // One more makes Financial too big: one finding per perspective, top band first.
        m.objectives[customer[2]].perspective_id = m.perspectives[0].id;
        assert_eq!(
            m.messages(Rule::PerspectiveSize),
            [
                "“Financial” has 6 objectives; aim for 3–5.",
                "“Customer” has 1 objective; aim for 3–5."
            ]
        );
    }

    /// `m` as a unit map: each objective aligned to some parent objective.
    fn as_unit(mut m: Map) -> Map {
        let aligned = m
            .objectives
            .iter()
            .map(|o| AlignmentView {
                id: AlignmentId::new(),
                unit_objective_id: o.id,
                parent_objective_id: ObjectiveId::new(),
                parent_title: "Grow".into(),
                note: String::new(),
            })
            .collect();
        m.unit = Some(aligned);
        m
    }

    #[test]
    fn a_unit_map_of_5_to_10_objectives_is_normal() {
        for (n, fires) in [(4, true), (5, false), (10, false), (11, true)] {
            let found = as_unit(with_objectives(n)).of(Rule::ObjectiveCount);
            assert_eq!(found.len(), usize::from(fires), "{n} objectives");
        }
        assert_eq!(
            as_unit(with_objectives(12)).messages(Rule::ObjectiveCount),
            ["The map has 12 objectives; aim for 5–10."]
        );
        // One or two in a perspective is fine on a unit map; none or five is not.
        for (n, fires) in [(0, true), (1, false), (4, false), (5, true)] {
            let found = as_unit(with_objectives(n)).of(Rule::PerspectiveSize);
            assert_eq!(found.len(), usize::from(fires), "{n} objectives");
        }
    }

    #[test]
    fn each_unit_objective_supports_the_parent_or_is_local() {
        // The top unit's map has no parent: the rule says nothing there.
        assert!(healthy().of(Rule::SupportsParent).is_empty());
        assert!(!Rule::SupportsParent.applies(false) && Rule::SupportsParent.applies(true));
        let mut m = as_unit(with_objectives(6));
        assert!(m.of(Rule::SupportsParent).is_empty());
        // One loses its alignment, another is marked local: only the first is a finding.
        let (lost, local) = (m.objectives[1].id, m.objectives[2].id);
        if let Some(a) = m.unit.as_mut() {
            a.retain(|a| a.unit_objective_id != lost && a.unit_objective_id != local);
        }
        m.objectives[2].local = true;
        let found = m.of(Rule::SupportsParent);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].item, Item::Objective(lost));
        assert_eq!(
            found[0].message,
            "“Grow line 1” supports nothing on the parent map; align it, or mark it local to this unit."
        );
    }

    #[test]
    fn one_or_two_measures_per_objective() {
        let mut m = healthy();
        let grow = 0; // "Grow revenue" has 1 measure
        assert_eq!(m.of(Rule::MeasuresPerObjective), vec![]);
        m.add_measure(grow, Indicator::Lagging); // 2
        assert_eq!(m.of(Rule::MeasuresPerObjective), vec![]);
        m.add_measure(grow, Indicator::Lagging); // 3
        assert_eq!(
            m.messages(Rule::MeasuresPerObjective),
            ["“Grow revenue” has 3 measures; keep to one or two (the rule of 2)."]
        );
        m.measures
            .retain(|x| x.objective_id != m.objectives[grow].id); // 0
        assert_eq!(
            m.messages(Rule::MeasuresPerObjective),
            ["“Grow revenue” has no measure; give it one or two."]
        );
        assert_eq!(
            m.of(Rule::MeasuresPerObjective)[0].item,
            m.objective_id(grow)
        );
    }

    #[test]
    fn at_most_20_measures_on_the_scorecard() {
        let mut m = healthy(); // 14 measures
        for i in 0..6 {
            m.add_measure(i, Indicator::Leading);
        }
        assert_eq!(m.of(Rule::ScorecardSize), vec![]); // 20
        m.add_measure(7, Indicator::Leading);
        assert_eq!(
            m.messages(Rule::ScorecardSize),
            ["The scorecard has 21 measures; keep it to 20 or fewer."]
        );
        assert_eq!(m.of(Rule::ScorecardSize)[0].item, Item::Map);
        // Measures of objectives not on the map do not count.
        m.measures.last_mut().unwrap().objective_id = ObjectiveId::new();
        assert_eq!(m.of(Rule::ScorecardSize), vec![]);
    }

    #[test]
    fn every_objective_has_an_owner() {
        let mut m = healthy();
        m.objectives[4].owner_id = None;
        assert_eq!(
            m.messages(Rule::ObjectiveOwner),
            ["“Increase contract renewals” has no owner."]
        );
        assert_eq!(m.of(Rule::ObjectiveOwner)[0].item, m.objective_id(4));
    }

    #[test]
    fn every_measure_has_a_target() {
        let mut m = healthy();
        m.measures[2].name = "Cost to serve".into();
        let id = m.measures[2].id;
        m.targets.remove(&id);
        assert_eq!(
            m.messages(Rule::MeasureTarget),
            ["“Cost to serve” has no target."]
        );
        assert_eq!(m.of(Rule::MeasureTarget)[0].item, Item::Measure(id));
    }

    #[test]
    fn path_to_top_through_several_hops() {
        let mut m = Map::default();
        let f = m.add_perspective("Financial", 0);
        let c = m.add_perspective("Customer", 1);
        let i = m.add_perspective("Internal", 2);
        let l = m.add_perspective("Learning", 3);
        let grow = m.add_objective(f, "Grow revenue");
        let retain = m.add_objective(c, "Retain clients");
        let deliver = m.add_objective(i, "Deliver faster");
        let train = m.add_objective(l, "Train staff");
        m.add_link(train, deliver);
        m.add_link(deliver, retain);
        m.add_link(retain, grow);
        assert_eq!(m.of(Rule::PathToTop), vec![]);
        // Cut the top hop: everything below it is a dead end, the top objective is fine.
        m.links.pop();
        assert_eq!(
            m.messages(Rule::PathToTop),
            [
                "“Retain clients” has no path up to “Financial”; link it to an objective it drives.",
                "“Deliver faster” has no path up to “Financial”; link it to an objective it drives.",
                "“Train staff” has no path up to “Financial”; link it to an objective it drives.",
            ]
        );
        // A cycle that never reaches the top ends the walk and is reported.
        m.add_link(retain, deliver);
        m.add_link(deliver, train);
        assert_eq!(m.of(Rule::PathToTop).len(), 3);
        // Going up through a cycle is fine.
        m.add_link(retain, grow);
        assert_eq!(m.of(Rule::PathToTop), vec![]);
        // Links may go sideways or downwards on the way up.
        let sideways = m.add_objective(l, "Build skills");
        m.add_link(sideways, train);
        assert_eq!(m.of(Rule::PathToTop), vec![]);
    }

    #[test]
    fn top_is_the_lowest_rank_whatever_the_input_order() {
        let mut m = Map::default();
        let low = m.add_perspective("Learning", 3);
        let top = m.add_perspective("Customer", 1); // no rank 0: a band was deleted
        m.add_objective(top, "Serve members");
        m.add_objective(low, "Train volunteers");
        assert_eq!(
            m.messages(Rule::PathToTop),
            ["“Train volunteers” has no path up to “Customer”; link it to an objective it drives."]
        );
        assert_eq!(
            m.messages(Rule::Driven),
            ["Nothing drives “Serve members”; link the objective below that causes it."]
        );
    }

    #[test]
    fn driven_except_the_bottom_perspective() {
        let mut m = healthy();
        assert_eq!(m.of(Rule::Driven), vec![]);
        // "Improve margin" loses its driver.
        let margin = 1;
        let margin_id = m.objectives[margin].id;
        m.links.retain(|l| l.to_id != margin_id);
        assert_eq!(
            m.messages(Rule::Driven),
            ["Nothing drives “Improve margin”; link the objective below that causes it."]
        );
        // A self-link does not count (the store refuses them anyway).
        m.add_link(margin, margin);
        assert_eq!(m.of(Rule::Driven).len(), 1);
        // Nothing drives the bottom band, and that is fine.
        let bottom: Vec<ObjectiveId> = m.band(3).iter().map(|&o| m.objectives[o].id).collect();
        assert!(m.links.iter().all(|l| !bottom.contains(&l.to_id)));
        // A link from an objective that is not on the map does not count.
        let mut ghost = m.objectives[0].clone();
        ghost.id = ObjectiveId::new();
        m.links.push(link(&ghost, &m.objectives[margin]));
        assert_eq!(m.of(Rule::Driven).len(), 1);
    }

    #[test]
    fn leading_and_lagging_balance() {
        let mut m = healthy();
        assert_eq!(m.of(Rule::LeadingLagging), vec![]);
        // Financial measures all lagging: the norm for the top perspective's outcomes.
        for o in m.band(0) {
            let oid = m.objectives[o].id;
            for x in m.measures.iter_mut().filter(|x| x.objective_id == oid) {
                x.indicator = Indicator::Lagging;
            }
        }
        assert_eq!(m.of(Rule::LeadingLagging), vec![]);
        // Internal processes all lagging: nothing predicts them.
        for o in m.band(2) {
            let oid = m.objectives[o].id;
            for x in m.measures.iter_mut().filter(|x| x.objective_id == oid) {
                x.indicator = Indicator::Lagging;
            }
        }
        let expected = format!(
            "{} has only lagging measures; add a leading one that predicts them.",
            quoted(Locale::en, &m.perspectives[2].name)
        );
        assert!(m.messages(Rule::LeadingLagging).contains(&expected));
        assert!(m
            .of(Rule::LeadingLagging)
            .iter()
            .all(|f| f.item != Item::Perspective(m.perspectives[0].id)));
        // Customer measures all leading.
        for o in m.band(1) {
            let oid = m.objectives[o].id;
            for x in m.measures.iter_mut().filter(|x| x.objective_id == oid) {
                x.indicator = Indicator::Leading;
            }
        }
        assert_eq!(
            m.of(Rule::LeadingLagging)
                .into_iter()
                .find(|f| f.item == Item::Perspective(m.perspectives[1].id))
                .unwrap(),
            Finding {
                rule: Rule::LeadingLagging,
                item: Item::Perspective(m.perspectives[1].id),
                message: "“Customer” has only leading measures; add a lagging one that confirms the result.".into()
            }
        );
        // A perspective with a single measure is not judged.
        let mut one = Map::default();
        let p = one.add_perspective("Financial", 0);
        let o = one.add_objective(p, "Grow revenue");
        one.add_measure(o, Indicator::Leading);
        assert_eq!(one.of(Rule::LeadingLagging), vec![]);
    }

    #[test]
    fn a_third_of_the_measures_leading() {
        // 12 measures in 4 perspectives of 3 objectives; `leading` of them leading.
        let map = |leading: usize| {
            let mut m = Map::default();
            for rank in 0..4 {
                let p = m.add_perspective(&format!("P{rank}"), rank);
                for _ in 0..3 {
                    m.add_objective(p, "Grow");
                }
            }
            let kinds = (0..12).map(|i| {
                // Spread the leading ones one per perspective first, then fill up.
                let order = [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11];
                let rank = order.iter().position(|&x| x == i).unwrap_or(0);
                if rank < leading {
                    Indicator::Leading
                } else {
                    Indicator::Lagging
                }
            });
            for (o, k) in kinds.enumerate() {
                m.add_measure(o, k);
            }
            m
        };
        // 3 leading (one each in P0–P2, so P3 is all lagging too): the map finding comes first.
        assert_eq!(
            map(3).messages(Rule::LeadingLagging),
            [
                "Only 3 of 12 measures are leading; aim for at least a third.",
                "“P3” has only lagging measures; add a leading one that predicts them."
            ]
        );
        assert_eq!(map(3).of(Rule::LeadingLagging)[0].item, Item::Map);
        assert_eq!(map(4).of(Rule::LeadingLagging), vec![]);
        assert_eq!(Map::default().of(Rule::LeadingLagging), vec![]);
    }

    #[test]
    fn verbs() {
        for ok in [
            "Increase contract renewals",
            "Grow contract renewals to 85 %",
            "Optimise delivery",
            "optimize delivery",
            "  increase x",
            "Be the partner of choice",
            "Re-engineer delivery",
            "Co-create offers with clients",
            "Cross-sell managed services",
            "“Reduce” churn",
            "F1: Grow revenue",
            "2. Retain key talent",
            "Digitise onboarding",
            "Automate billing",
            "Certify consultants",
            "INCREASE MARGIN",
            "Win!",
        ] {
            assert!(
                starts_with_verb(Locale::en, ok),
                "{ok:?} starts with a verb"
            );
        }
        for not in [
            "Customer satisfaction",
            "Contract renewals",
            "Revenue growth",
            "Corporate governance",
            "Enterprise value",
            "Private clients",
            "State of the art delivery",
            "E-commerce channel",
            "3 new markets",
            "",
            "  ",
            "—",
            "Élargir l'offre",
        ] {
            assert!(
                !starts_with_verb(Locale::en, not),
                "{not:?} does not start with a verb"
            );
        }
    }

    #[test]
    fn german_verbs() {
        for ok in [
            "Steigern der Vertragsverlängerungen",
            "Senken der Prozesskosten",
            "Verbessere die Lieferqualität",
            "Reduzieren Sie die Durchlaufzeit",
            "Ausbauen des Partnernetzes",
            "Sicherstellen der Liquidität",
            "Stelle die Qualität sicher",
            "Baue den Vertrieb aus",
            "Optimieren der Beschaffung",
            "Harmonisieren der Abläufe",
            "Erweitern des Angebots",
            "Wandeln des Geschäftsmodells",
            "Beschleunigen der Auslieferung",
            "Gewinnen neuer Kunden",
            "F1: Steigern des Umsatzes",
            "„Senken“ der Kosten",
            "STEIGERN DES UMSATZES",
            "Öffnen neuer Märkte",
            "Weiter-entwickeln der Führungskräfte",
            // The usual German order: the infinitive last.
            "Umsatz steigern",
            "Kundenzufriedenheit erhöhen",
            "Neue Märkte erschließen",
            "Prozesskosten um 10 % senken.",
            "Vertrieb digital ausbauen",
            "Liquidität jederzeit sicherstellen",
        ] {
            assert!(starts_with_verb(Locale::de, ok), "{ok:?} names an action");
        }
        for not in [
            "Kunden",
            "Kundenzufriedenheit",
            "Daten und Analysen",
            "Kosten im Griff",
            "Prozessen mit Qualität",
            "Zeiten der Auslieferung",
            "Einheiten im Verbund",
            "Mitarbeitenden als Stärke",
            "Neukunden im Mittelstand",
            "Betriebskosten",
            "Lösungen für den Mittelstand",
            "Digitalen Vertrieb",
            "Nachhaltigen Wachstum",
            "Innovationen",
            "Möglichkeiten der Automatisierung",
            "Partnerschaften in der Region",
            "Unternehmen der Zukunft",
            "Zufriedenheit der Kunden",
            "Qualität",
            "3 neue Märkte",
            "",
            "  ",
            "—",
            // English verbs are not German ones (the check follows the page's language).
            "Increase contract renewals",
        ] {
            assert!(
                !starts_with_verb(Locale::de, not),
                "{not:?} names no action"
            );
        }
        // And the other way round: a German title is no English one.
        assert!(!starts_with_verb(Locale::en, "Umsatz steigern"));
    }

    #[test]
    fn german_verb_lists_are_sorted_and_lower_case() {
        for list in [GERMAN_VERBS, GERMAN_NOT_VERBS] {
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "sorted, no duplicates"
            );
            assert!(list.iter().all(|v| v
                .chars()
                .all(|c| c.is_ascii_lowercase() || "äöüß".contains(c))));
        }
        assert!(GERMAN_VERBS.len() >= 200);
        // No listed verb is taken for a noun, and no listed noun is a listed verb.
        assert!(GERMAN_NOT_VERBS
            .iter()
            .all(|n| GERMAN_VERBS.binary_search(n).is_err()));
        for v in [
            "sicherstellen",
            "steigern",
            "verbessere",
            "reduzieren",
            "ausbauen",
            "senken",
        ] {
            assert!(GERMAN_VERBS.binary_search(&v).is_ok(), "{v}");
        }
    }

    #[test]
    fn german_messages() {
        let de = |mut m: Map| {
            m.locale = Locale::de;
            m
        };
        assert_eq!(
            de(with_objectives(11)).messages(Rule::ObjectiveCount),
            ["Die Strategy Map hat 11 Ziele; empfohlen sind 12–18."]
        );
        assert_eq!(
            de(with_objectives(0)).messages(Rule::ObjectiveCount),
            ["Die Strategy Map hat keine Ziele; empfohlen sind 12–18."]
        );
        let mut one = de(with_objectives(1));
        one.perspectives[0].name = "Finanzen".into();
        assert_eq!(
            one.messages(Rule::PerspectiveSize),
            ["„Finanzen“ hat 1 Ziel; empfohlen sind 3–5."]
        );
        let mut m = de(healthy());
        m.objectives[0].title = "Umsatz steigern".into();
        m.objectives[4].owner_id = None;
        m.objectives[4].title = "Kundenzufriedenheit".into();
        m.objectives[6].title = " ".into();
        m.measures[2].name = "Kosten je Kunde".into();
        let id = m.measures[2].id;
        m.targets.remove(&id);
        assert_eq!(
            m.messages(Rule::ObjectiveOwner),
            ["„Kundenzufriedenheit“ hat keine verantwortliche Person."]
        );
        assert_eq!(
            m.messages(Rule::MeasureTarget),
            ["„Kosten je Kunde“ hat keine Zielvorgabe."]
        );
        // The titles of the example map are English: in German only the translated one passes.
        let verbs = m.messages(Rule::VerbTitle);
        assert!(verbs.contains(&"Ein Ziel hat keinen Titel; benennen Sie es mit einer Handlung, z. B. „Umsatz steigern“.".to_string()));
        assert!(verbs.contains(&"„Kundenzufriedenheit“ nennt keine Handlung; sagen Sie mit einem Verb, was sich ändern muss, z. B. „Umsatz steigern“.".to_string()));
        assert!(!verbs.iter().any(|v| v.contains("„Umsatz steigern“ nennt")));
        let grow = 0;
        m.add_measure(grow, Indicator::Lagging);
        m.add_measure(grow, Indicator::Lagging);
        assert_eq!(
            m.messages(Rule::MeasuresPerObjective),
            ["„Umsatz steigern“ hat 3 Kennzahlen; beschränken Sie sich auf eine oder zwei (die Zweierregel)."]
        );
        m.measures
            .retain(|x| x.objective_id != m.objectives[grow].id);
        assert_eq!(
            m.messages(Rule::MeasuresPerObjective),
            ["„Umsatz steigern“ hat keine Kennzahl; geben Sie dem Ziel eine oder zwei."]
        );
        let mut big = de(healthy());
        for i in 0..7 {
            big.add_measure(i, Indicator::Leading);
        }
        assert_eq!(
            big.messages(Rule::ScorecardSize),
            ["Die Scorecard hat 21 Kennzahlen; beschränken Sie sie auf höchstens 20."]
        );
        let mut top = de(Map::default());
        let f = top.add_perspective("Finanzen", 0);
        let l = top.add_perspective("Lernen", 1);
        top.add_objective(f, "Umsatz steigern");
        let below = top.add_objective(l, "Wissen teilen");
        assert_eq!(
            top.messages(Rule::PathToTop),
            ["„Wissen teilen“ führt zu keinem Ziel in „Finanzen“; verknüpfen Sie es mit einem Ziel, das es bewirkt."]
        );
        assert_eq!(
            top.messages(Rule::Driven),
            ["Nichts treibt „Umsatz steigern“ voran; verknüpfen Sie das Ziel darunter, das es bewirkt."]
        );
        top.objectives[below].title = String::new();
        assert_eq!(
            top.messages(Rule::PathToTop),
            ["„(ohne Titel)“ führt zu keinem Ziel in „Finanzen“; verknüpfen Sie es mit einem Ziel, das es bewirkt."]
        );
        let mut mix = de(Map::default());
        let p = mix.add_perspective("Kunden", 0);
        let q = mix.add_perspective("Prozesse", 1);
        for (band, kind) in [(p, Indicator::Leading), (q, Indicator::Lagging)] {
            for _ in 0..2 {
                let o = mix.add_objective(band, "Wachsen");
                mix.add_measure(o, kind);
            }
        }
        assert_eq!(
            mix.messages(Rule::LeadingLagging),
            [
                "„Kunden“ hat nur Frühindikatoren; ergänzen Sie einen Spätindikator, der das Ergebnis bestätigt.",
                "„Prozesse“ hat nur Spätindikatoren; ergänzen Sie einen Frühindikator, der sie vorhersagt."
            ]
        );
        mix.measures[1].indicator = Indicator::Lagging;
        assert_eq!(
            mix.messages(Rule::LeadingLagging)[0],
            "Nur 1 von 4 Kennzahlen sind Frühindikatoren; empfohlen ist mindestens ein Drittel."
        );
    }

    #[test]
    fn german_rule_names() {
        assert_eq!(Rule::ObjectiveCount.title(Locale::de, false), "12–18 Ziele");
        assert_eq!(Rule::ObjectiveCount.title(Locale::de, true), "5–10 Ziele");
        assert_eq!(
            Rule::PerspectiveSize.title(Locale::de, false),
            "3–5 Ziele je Perspektive"
        );
        assert_eq!(
            Rule::ScorecardSize.title(Locale::de, false),
            "Höchstens 20 Kennzahlen"
        );
        assert_eq!(
            Rule::ObjectiveCount.title(Locale::en, false),
            "12–18 objectives"
        );
        for unit in [false, true] {
            for r in Rule::ALL {
                let (de, en) = (r.title(Locale::de, unit), r.title(Locale::en, unit));
                assert_ne!(de, en, "{r:?}");
                assert_ne!(r.advice(Locale::de, unit), r.advice(Locale::en, unit));
                assert!(r.advice(Locale::de, unit).ends_with('.'));
            }
        }
        assert_ne!(
            Rule::ObjectiveCount.advice(Locale::en, true),
            Rule::ObjectiveCount.advice(Locale::en, false)
        );
    }

    #[test]
    fn verb_title_findings() {
        let mut m = healthy();
        m.objectives[4].title = "Client satisfaction".into();
        m.objectives[6].title = " ".into();
        assert_eq!(
            m.messages(Rule::VerbTitle),
            [
                "“Client satisfaction” does not start with a verb; say what must change, e.g. “Increase …”.",
                "An objective has no title; name it with an action, e.g. “Increase …”.",
            ]
        );
    }

    #[test]
    fn verb_list_is_sorted_generous_and_lower_case() {
        assert!(
            VERBS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(VERBS.len() >= 120);
        assert!(VERBS
            .iter()
            .all(|v| v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
        assert!(NOT_VERBS.iter().all(|w| VERBS.binary_search(w).is_err()));
    }

    #[test]
    fn disabled_rules_produce_nothing() {
        let mut m = with_objectives(2);
        m.objectives[0].owner_id = None;
        let all = m.check(&[]);
        let rules: HashSet<Rule> = all.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&Rule::ObjectiveOwner) && rules.contains(&Rule::ObjectiveCount));
        assert_eq!(m.check(&Rule::ALL), vec![]);
        let without_owner = m.check(&[Rule::ObjectiveOwner]);
        assert!(without_owner.iter().all(|f| f.rule != Rule::ObjectiveOwner));
        assert_eq!(
            without_owner,
            all.into_iter()
                .filter(|f| f.rule != Rule::ObjectiveOwner)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn findings_are_ordered_by_rule_then_map_position() {
        let mut m = healthy();
        for o in &mut m.objectives {
            o.owner_id = None;
        }
        // Shuffle the input: the order of findings follows the map, not the input.
        m.objectives.reverse();
        m.perspectives.reverse();
        let found = m.check(&[]);
        let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
        let mut sorted = rules.clone();
        sorted.sort();
        assert_eq!(rules, sorted);
        let owners: Vec<String> = healthy()
            .objectives
            .iter()
            .map(|o| format!("{} has no owner.", quoted(Locale::en, &o.title)))
            .collect();
        assert_eq!(m.messages(Rule::ObjectiveOwner), owners);
    }

    #[test]
    fn rule_names_and_serde() {
        for r in Rule::ALL {
            assert_eq!(r.as_str().parse::<Rule>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
            assert!(
                !r.title(Locale::en, false).is_empty()
                    && r.advice(Locale::en, false).ends_with('.')
            );
        }
        assert!("dead_end".parse::<Rule>().is_err());
        let id = ObjectiveId::new();
        assert_eq!(
            serde_json::to_string(&Item::Objective(id)).unwrap(),
            format!("{{\"kind\":\"objective\",\"id\":\"{id}\"}}")
        );
        assert_eq!(
            serde_json::to_string(&Item::Map).unwrap(),
            "{\"kind\":\"map\"}"
        );
        assert_eq!(
            serde_json::from_str::<Item>("{\"kind\":\"map\"}").unwrap(),
            Item::Map
        );
    }

    /// Random maps, including links and measures that point at nothing, duplicate ranks,
    /// self-links and objectives in unknown perspectives.
    fn arb_map() -> impl Strategy<Value = Map> {
        (
            proptest::collection::vec(-2i32..5, 0..6),
            proptest::collection::vec(
                (0usize..8, "\\PC{0,12}", any::<bool>(), -1e3f64..1e3),
                0..25,
            ),
            proptest::collection::vec((0usize..30, 0usize..30), 0..40),
            proptest::collection::vec((0usize..30, any::<bool>(), any::<bool>()), 0..30),
        )
            .prop_map(|(ranks, objectives, links, measures)| {
                let mut m = Map::default();
                for (i, r) in ranks.into_iter().enumerate() {
                    m.add_perspective(&format!("P{i}"), r);
                }
                for (p, title, owned, x) in objectives {
                    let mut o = match m.perspectives.get(p) {
                        Some(p) => objective(p, &title, x),
                        None => objective(&perspective("gone", 0), &title, x),
                    };
                    if !owned {
                        o.owner_id = None;
                    }
                    m.objectives.push(o);
                }
                let ghost = objective(&perspective("gone", 0), "Ghost", 0.0);
                let pick = |m: &Map, i: usize| m.objectives.get(i).unwrap_or(&ghost).clone();
                for (a, b) in links {
                    let l = link(&pick(&m, a), &pick(&m, b));
                    m.links.push(l);
                }
                for (o, leading, target) in measures {
                    let kind = if leading {
                        Indicator::Leading
                    } else {
                        Indicator::Lagging
                    };
                    let x = measure(&pick(&m, o), "M", kind);
                    if target {
                        m.targets.insert(x.id);
                    }
                    m.measures.push(x);
                }
                m
            })
    }

    proptest! {
        #[test]
        fn check_never_panics_and_names_only_real_items(m in arb_map(), off in proptest::collection::vec(0usize..10, 0..4)) {
            let disabled: Vec<Rule> = off.into_iter().map(|i| Rule::ALL[i]).collect();
            let found = m.check(&disabled);
            for f in &found {
                prop_assert!(!disabled.contains(&f.rule));
                let exists = match f.item {
                    Item::Map => true,
                    Item::Perspective(id) => m.perspectives.iter().any(|p| p.id == id),
                    Item::Objective(id) => m.objectives.iter().any(|o| o.id == id),
                    Item::Measure(id) => m.measures.iter().any(|x| x.id == id),
                };
                prop_assert!(exists, "{:?}", f);
                prop_assert!(!f.message.is_empty());
            }
            let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
            prop_assert!(rules.windows(2).all(|w| w[0] <= w[1]));
            // Stable: the same input gives the same findings.
            prop_assert_eq!(m.check(&disabled), found);
        }

        #[test]
        fn verb_check_never_panics(title in "\\PC{0,30}") {
            let _ = starts_with_verb(Locale::en, &title);
            let _ = starts_with_verb(Locale::de, &title);
        }
    }
}
