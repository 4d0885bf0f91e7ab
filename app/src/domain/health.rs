//! The map health check: the Balanced Scorecard method's rules of thumb for a good strategy map,
//! run against the live map so a panel beside it can say what to fix while the team edits.
//!
//! Each rule has a stable id ([`Rule::as_str`]) so a map can switch it off; [`check`] returns
//! every finding of the enabled rules in a stable order (by rule, then by where the item sits
//! on the map: perspectives top to bottom, objectives band by band and left to right, measures
//! under their objective). Measures count only when their objective is on the map.

use super::ids::*;
use super::model::*;
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
}

impl Rule {
    /// Every rule, in the order findings are listed.
    pub const ALL: [Rule; 10] = [
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
    ];

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
        }
    }

    /// A short name for the health panel and its switches.
    pub fn title(self) -> &'static str {
        match self {
            Rule::ObjectiveCount => "12–18 objectives",
            Rule::PerspectiveSize => "3–5 objectives per perspective",
            Rule::MeasuresPerObjective => "1–2 measures per objective",
            Rule::ScorecardSize => "At most 20 measures",
            Rule::ObjectiveOwner => "Every objective has an owner",
            Rule::MeasureTarget => "Every measure has a target",
            Rule::PathToTop => "No dead ends",
            Rule::Driven => "No orphans",
            Rule::LeadingLagging => "Leading and lagging measures",
            Rule::VerbTitle => "Objectives start with a verb",
        }
    }

    /// One sentence on why the rule matters, from the Balanced Scorecard method.
    pub fn advice(self) -> &'static str {
        match self {
            Rule::ObjectiveCount => {
                "A strategy map of 12–18 objectives fits on one page: fewer leaves parts of the strategy unsaid, more loses focus."
            }
            Rule::PerspectiveSize => {
                "Three to five objectives per perspective keep the map balanced, so no perspective is neglected or overloaded."
            }
            Rule::MeasuresPerObjective => {
                "An objective without a measure cannot be managed, and more than two (the rule of 2) dilutes attention."
            }
            Rule::ScorecardSize => {
                "A scorecard of about 20 measures or fewer can be reviewed in one meeting; more turns it into a KPI spreadsheet."
            }
            Rule::ObjectiveOwner => {
                "An objective with one accountable owner gets acted on; one owned by everybody is owned by nobody."
            }
            Rule::MeasureTarget => {
                "Without a target a measure cannot be scored, so nobody can tell whether it is on track."
            }
            Rule::PathToTop => {
                "Every objective should drive, through cause-and-effect links, a result in the top perspective; a dead end is not strategic."
            }
            Rule::Driven => {
                "An objective that nothing drives is a wish without a plan: link the capabilities and processes that will achieve it."
            }
            Rule::LeadingLagging => {
                "Lagging measures confirm results after the fact, leading measures predict them in time to act; a scorecard needs both."
            }
            Rule::VerbTitle => {
                "An objective is an action phrase (“Increase contract renewals”): it says what must change, not just what is watched."
            }
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

/// One thing to fix: which rule, on which item, in words that name the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub item: Item,
    pub message: String,
}

/// Every finding of the enabled rules, in a stable order (by rule, then by the item's position on the map).
pub fn check(input: &HealthInput, disabled: &[Rule]) -> Vec<Finding> {
    let map = View::new(input);
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
}

impl<'a> View<'a> {
    fn new(input: &HealthInput<'a>) -> View<'a> {
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

/// `“name”`, with a stand-in for a blank one.
fn quoted(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "“(untitled)”".to_string()
    } else {
        format!("“{name}”")
    }
}

/// "no objectives", "1 objective", "2 objectives".
fn count(n: usize, noun: &str) -> String {
    match n {
        0 => format!("no {noun}s"),
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

fn objective_count(map: &View) -> Vec<(Item, String)> {
    let n = map.objectives().count();
    if (MIN_OBJECTIVES..=MAX_OBJECTIVES).contains(&n) {
        return vec![];
    }
    vec![(
        Item::Map,
        format!(
            "The map has {}; aim for {MIN_OBJECTIVES}–{MAX_OBJECTIVES}.",
            count(n, "objective")
        ),
    )]
}

fn perspective_size(map: &View) -> Vec<(Item, String)> {
    map.perspectives
        .iter()
        .filter_map(|p| {
            let n = map.in_perspective(p).count();
            (!(MIN_PER_PERSPECTIVE..=MAX_PER_PERSPECTIVE).contains(&n)).then(|| {
                (
                    Item::Perspective(p.id),
                    format!(
                        "{} has {}; aim for {MIN_PER_PERSPECTIVE}–{MAX_PER_PERSPECTIVE}.",
                        quoted(&p.name),
                        count(n, "objective")
                    ),
                )
            })
        })
        .collect()
}

fn measures_per_objective(map: &View) -> Vec<(Item, String)> {
    map.objectives()
        .filter_map(|o| {
            let n = map.measures(o).len();
            let message = if n == 0 {
                format!("{} has no measure; give it one or two.", quoted(&o.title))
            } else if n > MAX_MEASURES_PER_OBJECTIVE {
                format!(
                    "{} has {n} measures; keep to one or two (the rule of 2).",
                    quoted(&o.title)
                )
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
        format!("The scorecard has {n} measures; keep it to {MAX_SCORECARD_MEASURES} or fewer."),
    )]
}

fn objective_owner(map: &View) -> Vec<(Item, String)> {
    map.objectives()
        .filter(|o| o.owner_id.is_none())
        .map(|o| {
            (
                Item::Objective(o.id),
                format!("{} has no owner.", quoted(&o.title)),
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
                format!("{} has no target.", quoted(&m.name)),
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
                format!(
                    "{} has no path up to {}; link it to an objective it drives.",
                    quoted(&o.title),
                    quoted(&top.name)
                ),
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
                format!(
                    "Nothing drives {}; link the objective below that causes it.",
                    quoted(&o.title)
                ),
            )
        })
        .collect()
}

fn leading_lagging(map: &View) -> Vec<(Item, String)> {
    let mut out = Vec::new();
    let all: Vec<&Measure> = map.all_measures().collect();
    let leading = all
        .iter()
        .filter(|m| m.indicator == Indicator::Leading)
        .count();
    if !all.is_empty() && leading * 3 < all.len() {
        out.push((
            Item::Map,
            format!(
                "Only {leading} of {} are leading; aim for at least a third.",
                count(all.len(), "measure")
            ),
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
        let message = if kinds.iter().all(|k| *k == Indicator::Leading) {
            "only leading measures; add a lagging one that confirms the result"
        } else if band > 0 && kinds.iter().all(|k| *k == Indicator::Lagging) {
            // The top perspective states outcomes: lagging measures there are the method's norm.
            "only lagging measures; add a leading one that predicts them"
        } else {
            continue;
        };
        out.push((
            Item::Perspective(p.id),
            format!("{} has {message}.", quoted(&p.name)),
        ));
    }
    out
}

fn verb_title(map: &View) -> Vec<(Item, String)> {
    map.objectives()
        .filter(|o| !starts_with_verb(&o.title))
        .map(|o| {
            let message = if o.title.trim().is_empty() {
                "An objective has no title; name it with an action, e.g. “Increase …”.".to_string()
            } else {
                format!(
                    "{} does not start with a verb; say what must change, e.g. “Increase …”.",
                    quoted(&o.title)
                )
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

/// Characters ignored around a word: ASCII punctuation and typographic quotes, dashes, bullets.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || "“”‘’«»‹›–—•…·".contains(c)
}

/// Whether a title opens with a verb, as an objective should ("Increase contract renewals").
/// Looks at the first word, ASCII case-insensitively, ignoring punctuation around it and a
/// leading objective code such as "F1" or "2.". A word passes when it is in a curated list of
/// strategy verbs, when its last hyphenated part is ("Re-engineer", "Co-create"), or when it has
/// a verb-like ending ("Digitise", "Automate", "Simplify"). Exposed for the title editor's hint.
pub fn starts_with_verb(title: &str) -> bool {
    let mut words = title
        .split_whitespace()
        .map(|w| w.trim_matches(is_punctuation))
        .filter(|w| !w.is_empty());
    let first = match words.next() {
        Some(code) if code.chars().any(|c| c.is_ascii_digit()) => words.next(),
        other => other,
    };
    let Some(word) = first else {
        return false;
    };
    let word = word.to_ascii_lowercase();
    is_verb(&word) || word.rsplit_once('-').is_some_and(|(_, last)| is_verb(last))
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
    }

    impl Map {
        fn check(&self, disabled: &[Rule]) -> Vec<Finding> {
            let input = HealthInput {
                perspectives: &self.perspectives,
                objectives: &self.objectives,
                links: &self.links,
                measures: &self.measures,
                measures_with_target: &self.targets,
            };
            check(&input, disabled)
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
            quoted(&m.perspectives[2].name)
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
            assert!(starts_with_verb(ok), "{ok:?} starts with a verb");
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
            assert!(!starts_with_verb(not), "{not:?} does not start with a verb");
        }
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
            .map(|o| format!("{} has no owner.", quoted(&o.title)))
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
            assert!(!r.title().is_empty() && r.advice().ends_with('.'));
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
            let _ = starts_with_verb(&title);
        }
    }
}
