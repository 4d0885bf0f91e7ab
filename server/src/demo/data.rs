//! The Northwind company as a pure description: the people and their roles, the org units, the
//! three maps with their objectives and links, the measures with two years of targets and actuals,
//! the initiatives and the alignments. No I/O: the unit tests check it against the domain rules.

use app::domain::layout::Frame;
use app::domain::{
    Actual, Alignment, DataSource, Frequency, Indicator, Initiative, InitiativeStatus, Link,
    MapStatus, Measure, Milestone, Objective, ObjectiveId, OrgUnit, OrgUnitId, OrgUnitKind, Period,
    Perspective, Polarity, Role, StrategyMap, Target, Theme, User, UserId,
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Credentials for the demo admin when CAIRN_ADMIN_EMAIL / CAIRN_ADMIN_PASSWORD are unset.
pub const DEMO_ADMIN_EMAIL: &str = "admin@northwind.example";
/// The password of every demo user (unless the admin password is configured).
pub const DEMO_PASSWORD: &str = "northwind-demo";

/// A pure description of the whole demo company (no I/O), so it can be unit-tested.
#[derive(Clone, Debug)]
pub struct DemoCompany {
    /// People with their roles per org unit; the admin comes first.
    pub users: Vec<(User, Vec<(OrgUnitId, Role)>)>,
    /// The enterprise first, then its business units.
    pub units: Vec<OrgUnit>,
    /// The currency its money is counted in (ISO 4217).
    pub currency: &'static str,
    /// The enterprise map first, then the business-unit maps.
    pub maps: Vec<DemoMap>,
    /// Measures of objectives on every map.
    pub measures: Vec<Measure>,
    /// Monthly (or quarter-end) targets of every measure.
    pub targets: Vec<Target>,
    /// Reported values of every measure, 24 months ending at `today`.
    pub actuals: Vec<Actual>,
    /// Funded projects of the enterprise.
    pub initiatives: Vec<Initiative>,
    /// Dated steps of the initiatives.
    pub milestones: Vec<Milestone>,
    /// Unit objectives tied to the enterprise objectives they support.
    pub alignments: Vec<Alignment>,
}

/// One strategy map of the demo with everything drawn on it.
#[derive(Clone, Debug)]
pub struct DemoMap {
    /// The map and its articulation.
    pub map: StrategyMap,
    /// The perspective bands, top first. `load` inserts them by name and rank, so the stored
    /// perspectives get fresh ids.
    pub perspectives: Vec<Perspective>,
    /// The theme lanes, left first.
    pub themes: Vec<Theme>,
    /// The objectives, placed in theme lanes and perspective bands.
    pub objectives: Vec<Objective>,
    /// Cause-and-effect links between the objectives.
    pub links: Vec<Link>,
}

// ---------------------------------------------------------------------------------------------
// People and org units
// ---------------------------------------------------------------------------------------------

/// The org units of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Enterprise,
    ManagedServices,
    Consulting,
}

struct PersonSpec {
    name: &'static str,
    /// Local part of the address at `northwind.example`; empty for the admin (configured).
    email: &'static str,
    grants: &'static [(Unit, Role)],
}

const ALEX: usize = 0;
const PRIYA: usize = 1;
const DANIEL: usize = 2;
const SOFIA: usize = 3;
const MARCUS: usize = 4;
const HANNAH: usize = 5;
const TOMAS: usize = 6;
const JORDAN: usize = 7;
const CASEY: usize = 8;

const DOMAIN: &str = "northwind.example";

const PEOPLE: [PersonSpec; 10] = [
    // Chief executive; signs in as the demo admin.
    PersonSpec {
        name: "Alex Morgan",
        email: "",
        grants: &[(Unit::Enterprise, Role::Admin)],
    },
    // Chief financial officer.
    PersonSpec {
        name: "Priya Raman",
        email: "priya.raman",
        grants: &[(Unit::Enterprise, Role::Editor)],
    },
    // Chief operating officer and head of delivery.
    PersonSpec {
        name: "Daniel Okafor",
        email: "daniel.okafor",
        grants: &[(Unit::Enterprise, Role::Editor)],
    },
    // Head of customer success.
    PersonSpec {
        name: "Sofia Lindqvist",
        email: "sofia.lindqvist",
        grants: &[(Unit::Enterprise, Role::Editor)],
    },
    // Head of people & learning.
    PersonSpec {
        name: "Marcus Chen",
        email: "marcus.chen",
        grants: &[(Unit::Enterprise, Role::Editor)],
    },
    // Head of Managed Services.
    PersonSpec {
        name: "Hannah Weber",
        email: "hannah.weber",
        grants: &[
            (Unit::Enterprise, Role::Viewer),
            (Unit::ManagedServices, Role::Editor),
        ],
    },
    // Head of Consulting.
    PersonSpec {
        name: "Tomás Alvarez",
        email: "tomas.alvarez",
        grants: &[
            (Unit::Enterprise, Role::Viewer),
            (Unit::Consulting, Role::Editor),
        ],
    },
    // Fixed accounts used by the end-to-end tests, one per role.
    PersonSpec {
        name: "Jordan Ellis",
        email: "editor",
        grants: &[(Unit::Enterprise, Role::Editor)],
    },
    PersonSpec {
        name: "Casey Brooks",
        email: "contributor",
        grants: &[(Unit::Enterprise, Role::Contributor)],
    },
    PersonSpec {
        name: "Robin Vale",
        email: "viewer",
        grants: &[(Unit::Enterprise, Role::Viewer)],
    },
];

// ---------------------------------------------------------------------------------------------
// Maps
// ---------------------------------------------------------------------------------------------

struct ObjectiveSpec {
    /// Key used by links, measures, initiatives and alignments.
    key: &'static str,
    /// Perspective band (0 = Financial, top) and theme lane (0 = left), and slot 0/1 in the lane.
    band: usize,
    lane: usize,
    slot: usize,
    title: &'static str,
    description: &'static str,
    owner: usize,
    /// The enterprise objective a unit objective supports.
    supports: Option<&'static str>,
}

struct MapSpec {
    unit: Unit,
    name: &'static str,
    vision: &'static str,
    mission: &'static str,
    values: &'static str,
    /// (name, colour, what it is about, owner).
    themes: &'static [(&'static str, &'static str, &'static str, usize)],
    objectives: &'static [ObjectiveSpec],
    /// (driver, driven, hypothesis).
    links: &'static [(&'static str, &'static str, &'static str)],
}

const fn obj(
    key: &'static str,
    (band, lane, slot): (usize, usize, usize),
    title: &'static str,
    description: &'static str,
    owner: usize,
    supports: Option<&'static str>,
) -> ObjectiveSpec {
    ObjectiveSpec {
        key,
        band,
        lane,
        slot,
        title,
        description,
        owner,
        supports,
    }
}

const ENTERPRISE_MAP: MapSpec = MapSpec {
    unit: Unit::Enterprise,
    name: "Northwind Strategy 2025–2027",
    vision: "By the end of 2027 Northwind is the technology services partner that mid-sized European companies \
             renew without a second thought: certified people and shared know-how delivering projects 30 % faster \
             at 99 % quality, clients who are 90 %+ satisfied and renew 85 % of their contracts, and a business \
             that grows revenue by 25 % at an 18 % operating margin.",
    mission: "We run, modernise and secure our clients' technology so they can focus on their own customers. We \
              deliver on time and right the first time, we share what we learn across every team, and we leave each \
              client better equipped than we found them.",
    values: "Client first: we earn the renewal every month, not in the month it is due.\n\
             Craft: certified skills, shared knowledge, work done right the first time.\n\
             Ownership: every objective, measure and promise has a name next to it.\n\
             Candour: we report red as red, and we act on it.",
    themes: &[
        ("Operational Excellence", "#2a9d8f", "Deliver faster and right the first time: certified people, shared know-how and \
          fewer handovers, so projects land 30 % sooner at 99 % quality.", 2),
        ("Client Intimacy", "#e9a23b", "Know each key account well enough to solve the next problem before it is asked \
          for, and earn the renewal every month.", 3),
        ("Growth & Innovation", "#7b6fd0", "Grow where we are strongest: new clients in our target sectors and new \
          services built from what our teams already do well.", 1),
    ],
    objectives: &[
        // Financial
        obj(
            "fin_revenue",
            (0, 2, 0),
            "Grow revenue by 25 %",
            "Grow annual revenue by a quarter over the strategy period, from renewals, deeper key accounts and new \
             clients in our target sectors.",
            PRIYA,
            None,
        ),
        obj(
            "fin_recurring",
            (0, 1, 1),
            "Increase recurring revenue share",
            "Make managed services and support subscriptions half of our revenue, so growth compounds instead of \
             restarting every year.",
            HANNAH,
            None,
        ),
        obj(
            "fin_margin",
            (0, 0, 1),
            "Improve profit margin to 18 %",
            "Lift operating margin from 12 % to 18 % by delivering faster, with less rework and fewer fixed-price \
             overruns.",
            PRIYA,
            None,
        ),
        // Customer
        obj(
            "cus_satisfaction",
            (1, 1, 0),
            "Increase client satisfaction to 90 %",
            "Nine in ten client contacts rate us 4 or 5 out of 5 after every project and every quarter of service.",
            SOFIA,
            None,
        ),
        obj(
            "cus_renewals",
            (1, 1, 1),
            "Grow contract renewals to 85 %",
            "Renew at least 85 % of contract value that comes due, by earning the renewal long before the date.",
            SOFIA,
            None,
        ),
        obj(
            "cus_new_clients",
            (1, 2, 0),
            "Win new clients in target sectors",
            "Win mid-sized clients in logistics, healthcare and professional services, where our packaged offerings \
             fit best.",
            TOMAS,
            None,
        ),
        obj(
            "cus_wallet",
            (1, 2, 1),
            "Expand our share of key accounts",
            "Bring more of our service lines to each of the top 20 accounts, as the partner they call first.",
            ALEX,
            None,
        ),
        // Internal Processes
        obj(
            "int_delivery_time",
            (2, 0, 0),
            "Reduce project delivery time by 30 %",
            "Cut the average time from kick-off to client acceptance by 30 % through a standard delivery method and \
             reuse of proven designs.",
            DANIEL,
            None,
        ),
        obj(
            "int_quality",
            (2, 0, 1),
            "Achieve 99 % first-time quality",
            "Have 99 % of deliverables accepted without rework, and stop defects reaching clients after acceptance.",
            DANIEL,
            None,
        ),
        obj(
            "int_accounts",
            (2, 1, 0),
            "Manage key accounts proactively",
            "Give every top-20 account an executive sponsor and a joint account plan reviewed with the client twice \
             a year.",
            SOFIA,
            None,
        ),
        obj(
            "int_offerings",
            (2, 2, 0),
            "Package repeatable service offerings",
            "Turn what we do again and again into fixed-scope offerings with a clear price, plan and outcome.",
            TOMAS,
            None,
        ),
        // Learning & Growth
        obj(
            "lg_certification",
            (3, 0, 0),
            "Develop a technical certification programme",
            "Certify every engineer and consultant in the Northwind delivery method, our core platforms and our \
             quality standards.",
            MARCUS,
            None,
        ),
        obj(
            "lg_knowledge",
            (3, 0, 1),
            "Implement knowledge management",
            "Capture designs, runbooks and lessons learned in one Knowledge Hub, and make reusing them part of every \
             project.",
            DANIEL,
            None,
        ),
        obj(
            "lg_client_skills",
            (3, 1, 0),
            "Strengthen consultative client skills",
            "Train account managers and senior consultants to understand the client's business, not only its \
             technology.",
            SOFIA,
            None,
        ),
        obj(
            "lg_talent",
            (3, 2, 1),
            "Retain and develop top talent",
            "Keep our best people with clear career paths, recognised expertise and work they are proud of.",
            MARCUS,
            None,
        ),
    ],
    links: &[
        (
            "lg_certification",
            "int_delivery_time",
            "Certified engineers follow the standard delivery method, so projects need fewer hand-offs and less rework.",
        ),
        (
            "lg_certification",
            "int_quality",
            "Certification against our quality standard makes first-time-right work the norm rather than the exception.",
        ),
        (
            "lg_knowledge",
            "int_delivery_time",
            "Reusing proven designs and runbooks from the Knowledge Hub cuts the time spent starting each project from scratch.",
        ),
        (
            "lg_knowledge",
            "int_quality",
            "Shared checklists and lessons learned stop the same defects from recurring on the next project.",
        ),
        (
            "lg_knowledge",
            "int_offerings",
            "Know-how captured from past engagements is the raw material for packaged, repeatable offerings.",
        ),
        (
            "lg_client_skills",
            "int_accounts",
            "Account managers who understand the client's business spot renewal risks and new needs early.",
        ),
        (
            "lg_talent",
            "int_offerings",
            "Experts who stay long enough to productise what they know build offerings clients want to buy.",
        ),
        (
            "int_delivery_time",
            "cus_satisfaction",
            "Clients judge us first on whether we deliver when we said we would; faster delivery lifts satisfaction.",
        ),
        (
            "int_quality",
            "cus_satisfaction",
            "Work that is right the first time avoids escalations, the biggest source of dissatisfied clients.",
        ),
        (
            "int_accounts",
            "cus_renewals",
            "Regular account reviews and joint plans surface problems long before the renewal date.",
        ),
        (
            "int_accounts",
            "cus_wallet",
            "A client who sees us as a partner brings us into more of its technology agenda.",
        ),
        (
            "int_offerings",
            "cus_new_clients",
            "Fixed-scope packaged offerings shorten the sales cycle and make us easy to buy from in new sectors.",
        ),
        (
            "cus_satisfaction",
            "cus_renewals",
            "Satisfied clients renew: every point of satisfaction should show in the renewal rate within a year.",
        ),
        (
            "cus_renewals",
            "fin_recurring",
            "Renewed managed-services contracts are recurring revenue by definition.",
        ),
        ("cus_renewals", "fin_revenue", "Keeping the clients we have is the cheapest revenue growth there is."),
        ("cus_new_clients", "fin_revenue", "New clients in target sectors add the growth that renewals alone cannot."),
        (
            "cus_wallet",
            "fin_revenue",
            "More service lines per key account grow revenue without the cost of winning new clients.",
        ),
        (
            "int_delivery_time",
            "fin_margin",
            "Shorter projects burn fewer hours against fixed fees, which flows straight into margin.",
        ),
        ("int_quality", "fin_margin", "Less rework and fewer service credits mean we keep more of every euro billed."),
    ],
};

const MANAGED_SERVICES_MAP: MapSpec = MapSpec {
    unit: Unit::ManagedServices,
    name: "Managed Services Plan 2025–2027",
    vision: "The managed-services provider our clients never have to think about: always on, quickly fixed, \
             renewed every time.",
    mission: "We keep our clients' platforms available, secure and up to date, and we resolve what breaks before it \
              hurts their business.",
    values: "Reliability first. Fix the cause, not only the symptom. Tell the client before they tell us.",
    themes: &[
        ("Service Reliability", "#3d8fb8", "Always on and quickly fixed: fewer incidents, and causes removed rather \
          than symptoms.", 5),
        ("Account Growth", "#e07a5f", "Turn reliable service into more of each client's platform.", 5),
    ],
    objectives: &[
        obj(
            "ms_recurring",
            (0, 1, 0),
            "Grow recurring managed-services revenue",
            "Grow contracted monthly service revenue through renewals and add-on services for existing clients.",
            HANNAH,
            Some("fin_recurring"),
        ),
        obj(
            "ms_satisfaction",
            (1, 0, 1),
            "Raise service-desk satisfaction",
            "Every client contact leaves the service desk satisfied, measured ticket by ticket.",
            HANNAH,
            Some("cus_satisfaction"),
        ),
        obj(
            "ms_renewals",
            (1, 1, 0),
            "Renew every contract that comes due",
            "Start each renewal conversation six months ahead with a service review and an improvement plan.",
            JORDAN,
            Some("cus_renewals"),
        ),
        obj(
            "ms_resolution",
            (2, 0, 0),
            "Cut incident resolution time",
            "Resolve priority-2 incidents faster with runbooks from the Knowledge Hub and clear escalation paths.",
            HANNAH,
            Some("int_delivery_time"),
        ),
        obj(
            "ms_availability",
            (2, 0, 1),
            "Hold 99.9 % service availability",
            "Keep every managed platform available 99.9 % of the time through monitoring, patching and capacity \
             planning.",
            HANNAH,
            Some("int_quality"),
        ),
        obj(
            "ms_certify",
            (3, 0, 0),
            "Certify every engineer on core platforms",
            "Every service engineer holds the Northwind certification for the platforms they support.",
            MARCUS,
            Some("lg_certification"),
        ),
    ],
    links: &[
        ("ms_certify", "ms_resolution", "Certified engineers diagnose incidents faster and escalate less."),
        ("ms_certify", "ms_availability", "Engineers who know the platform patch and tune it before it fails."),
        ("ms_resolution", "ms_satisfaction", "A quick fix is what a client remembers about the service desk."),
        ("ms_availability", "ms_satisfaction", "Outages are the first thing clients mention in a service review."),
        ("ms_satisfaction", "ms_renewals", "Clients happy with daily service renew without a tender."),
        ("ms_renewals", "ms_recurring", "Every renewed contract keeps its monthly fee in the recurring base."),
    ],
};

const CONSULTING_MAP: MapSpec = MapSpec {
    unit: Unit::Consulting,
    name: "Consulting Plan 2025–2027",
    vision: "The consulting practice clients choose for predictable, fast, well-packaged technology projects.",
    mission: "We design and deliver transformation projects with proven methods and reusable assets, on time and \
              on budget.",
    values: "Reuse before reinventing. Promise what we can deliver. Leave the client able to run it.",
    themes: &[
        ("Delivery Excellence", "#52a36b", "Predictable projects from proven methods and reusable assets.", 6),
        ("Practice Growth", "#c0587e", "Win the next project from the last one, in the sectors we know.", 6),
    ],
    objectives: &[
        obj(
            "co_fees",
            (0, 1, 0),
            "Grow consulting fee income",
            "Grow fee income from projects by winning in target sectors and selling packaged offerings.",
            TOMAS,
            Some("fin_revenue"),
        ),
        obj(
            "co_satisfaction",
            (1, 0, 1),
            "Lift project client satisfaction",
            "Every project closes with a client who would hire us again.",
            TOMAS,
            Some("cus_satisfaction"),
        ),
        obj(
            "co_wins",
            (1, 1, 0),
            "Win projects in our target sectors",
            "Focus bids on logistics, healthcare and professional services, where we have references.",
            TOMAS,
            Some("cus_new_clients"),
        ),
        obj(
            "co_speed",
            (2, 0, 0),
            "Deliver projects 30 % faster",
            "Shorten project duration with the standard delivery method and reusable designs.",
            DANIEL,
            Some("int_delivery_time"),
        ),
        obj(
            "co_packages",
            (2, 1, 1),
            "Turn repeat work into packaged offerings",
            "Package our most frequent projects as fixed-scope offerings with a price list.",
            TOMAS,
            Some("int_offerings"),
        ),
        obj(
            "co_reuse",
            (3, 0, 1),
            "Reuse knowledge from every engagement",
            "Publish the reusable parts of each project to the Knowledge Hub at close-out.",
            DANIEL,
            Some("lg_knowledge"),
        ),
    ],
    links: &[
        ("co_reuse", "co_speed", "Starting from a proven design saves weeks on every project."),
        ("co_reuse", "co_packages", "Assets reused three times are candidates for a packaged offering."),
        ("co_speed", "co_satisfaction", "Projects that finish when promised leave clients satisfied."),
        ("co_packages", "co_wins", "A clear scope and price make it easier for a new client to say yes."),
        ("co_satisfaction", "co_fees", "Satisfied clients come back with the next project."),
        ("co_wins", "co_fees", "New projects in target sectors grow fee income."),
    ],
};

// ---------------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------------

struct MeasureSpec {
    key: &'static str,
    objective: &'static str,
    name: &'static str,
    definition: &'static str,
    unit: &'static str,
    decimals: u8,
    frequency: Frequency,
    polarity: Polarity,
    indicator: Indicator,
    owner: usize,
    baseline: f64,
    /// The strategic target, reached at the end of the target horizon (12 months after today).
    target: f64,
    /// Distance from goal to red flag.
    tolerance: f64,
    /// Where the actual sits at today, in tolerances on the bad side of the goal:
    /// below 0 is green, 0–1 amber, above 1 red.
    form: f64,
    weight: f64,
}

use Frequency::{Monthly, Quarterly};
use Indicator::{Lagging, Leading};
use Polarity::{HigherIsBetter as Higher, LowerIsBetter as Lower};

const GREEN: f64 = -0.8;
const AMBER: f64 = 0.5;
const RED: f64 = 1.6;

const MEASURES: &[MeasureSpec] = &[
    MeasureSpec {
        key: "m_rev_growth",
        objective: "fin_revenue",
        name: "Revenue growth (year on year)",
        definition: "Revenue of the last 12 months against the 12 months before, in per cent.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: PRIYA,
        baseline: 8.0,
        target: 25.0,
        tolerance: 4.0,
        form: AMBER,
        weight: 2.0,
    },
    MeasureSpec {
        key: "m_margin",
        objective: "fin_margin",
        name: "Operating margin",
        definition: "Operating profit as a share of revenue for the month, after allocated overheads.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: PRIYA,
        baseline: 12.0,
        target: 18.0,
        tolerance: 1.5,
        form: RED,
        weight: 2.0,
    },
    MeasureSpec {
        key: "m_recurring",
        objective: "fin_recurring",
        name: "Recurring revenue share",
        definition: "Managed-services and support subscription revenue as a share of total revenue for the month.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: PRIYA,
        baseline: 38.0,
        target: 50.0,
        tolerance: 3.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_csat",
        objective: "cus_satisfaction",
        name: "Client satisfaction (CSAT)",
        definition: "Share of surveyed client contacts rating us 4 or 5 out of 5, from project close-out and \
                     service-desk surveys in the month.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: CASEY,
        baseline: 78.0,
        target: 90.0,
        tolerance: 4.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_nps",
        objective: "cus_satisfaction",
        name: "Net Promoter Score",
        definition: "Promoters minus detractors among key-account decision makers, from the quarterly relationship \
                     survey.",
        unit: "score",
        decimals: 0,
        frequency: Quarterly,
        polarity: Higher,
        indicator: Lagging,
        owner: SOFIA,
        baseline: 22.0,
        target: 40.0,
        tolerance: 6.0,
        form: AMBER,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_renewal",
        objective: "cus_renewals",
        name: "Contract renewal rate",
        definition: "Contract value renewed as a share of contract value that came up for renewal in the last 12 \
                     months.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: SOFIA,
        baseline: 72.0,
        target: 85.0,
        tolerance: 4.0,
        form: AMBER,
        weight: 2.0,
    },
    MeasureSpec {
        key: "m_new_clients",
        objective: "cus_new_clients",
        name: "New clients won",
        definition: "Clients in the target sectors signing their first contract with us in the last three months.",
        unit: "clients",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: TOMAS,
        baseline: 3.0,
        target: 6.0,
        tolerance: 2.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_win_rate",
        objective: "cus_new_clients",
        name: "Proposal win rate",
        definition: "Proposals won as a share of proposals decided in the last six months.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: TOMAS,
        baseline: 28.0,
        target: 40.0,
        tolerance: 4.0,
        form: RED,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_wallet",
        objective: "cus_wallet",
        name: "Service lines per key account",
        definition: "Average number of our six service lines bought by each of the top 20 accounts.",
        unit: "lines",
        decimals: 2,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: ALEX,
        baseline: 2.1,
        target: 3.0,
        tolerance: 0.3,
        form: AMBER,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_delivery_days",
        objective: "int_delivery_time",
        name: "Average project delivery time",
        definition: "Working days from kick-off to client acceptance, averaged over the projects accepted in the \
                     month.",
        unit: "days",
        decimals: 0,
        frequency: Monthly,
        polarity: Lower,
        indicator: Lagging,
        owner: DANIEL,
        baseline: 120.0,
        target: 84.0,
        tolerance: 8.0,
        form: AMBER,
        weight: 2.0,
    },
    MeasureSpec {
        key: "m_on_time",
        objective: "int_delivery_time",
        name: "Milestones delivered on time",
        definition: "Share of client-facing milestones accepted on or before the committed date.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: CASEY,
        baseline: 74.0,
        target: 92.0,
        tolerance: 5.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_first_time_right",
        objective: "int_quality",
        name: "First-time-right deliverables",
        definition: "Deliverables accepted by the client without rework, as a share of all deliverables accepted in \
                     the month.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: DANIEL,
        baseline: 93.0,
        target: 99.0,
        tolerance: 1.5,
        form: -0.6,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_defects",
        objective: "int_quality",
        name: "Defect escape rate",
        definition: "Defects reported by clients after acceptance, per 100 deliverables accepted in the month.",
        unit: "per 100",
        decimals: 1,
        frequency: Monthly,
        polarity: Lower,
        indicator: Leading,
        owner: JORDAN,
        baseline: 4.5,
        target: 1.0,
        tolerance: 0.8,
        form: RED,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_account_plans",
        objective: "int_accounts",
        name: "Key accounts with a joint account plan",
        definition: "Share of the top 20 accounts with a joint account plan reviewed with the client in the last six \
                     months.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: SOFIA,
        baseline: 30.0,
        target: 100.0,
        tolerance: 10.0,
        form: -0.7,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_packaged",
        objective: "int_offerings",
        name: "Revenue from packaged offerings",
        definition: "Revenue from fixed-scope packaged offerings as a share of total revenue, trailing three months.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: TOMAS,
        baseline: 5.0,
        target: 20.0,
        tolerance: 3.0,
        form: RED,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_certified",
        objective: "lg_certification",
        name: "Certified delivery staff",
        definition: "Share of delivery staff holding the Northwind delivery certification at the level their role \
                     requires.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: MARCUS,
        baseline: 35.0,
        target: 80.0,
        tolerance: 6.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_reuse",
        objective: "lg_knowledge",
        name: "Projects reusing Knowledge Hub assets",
        definition: "Share of projects closed in the month that reused at least one published Knowledge Hub asset.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: DANIEL,
        baseline: 10.0,
        target: 70.0,
        tolerance: 8.0,
        form: AMBER,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_consultative",
        objective: "lg_client_skills",
        name: "Account managers trained in consultative selling",
        definition: "Share of account managers and senior consultants who completed the consultative selling \
                     programme.",
        unit: "%",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Leading,
        owner: MARCUS,
        baseline: 20.0,
        target: 90.0,
        tolerance: 10.0,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_turnover",
        objective: "lg_talent",
        name: "Voluntary staff turnover",
        definition: "Voluntary leavers in the last 12 months as a share of average headcount.",
        unit: "%",
        decimals: 1,
        frequency: Monthly,
        polarity: Lower,
        indicator: Lagging,
        owner: MARCUS,
        baseline: 18.0,
        target: 10.0,
        tolerance: 2.0,
        form: -0.7,
        weight: 1.0,
    },
    MeasureSpec {
        key: "m_engagement",
        objective: "lg_talent",
        name: "Employee engagement index",
        definition: "Average score of the quarterly employee pulse survey, on a 0–100 scale.",
        unit: "score",
        decimals: 0,
        frequency: Quarterly,
        polarity: Higher,
        indicator: Leading,
        owner: MARCUS,
        baseline: 64.0,
        target: 75.0,
        tolerance: 3.0,
        form: AMBER,
        weight: 1.0,
    },
    // Business units
    MeasureSpec {
        key: "ms_m_resolution",
        objective: "ms_resolution",
        name: "Mean time to resolve P2 incidents",
        definition: "Business hours from logging to resolution, averaged over priority-2 incidents closed in the \
                     month.",
        unit: "hours",
        decimals: 1,
        frequency: Monthly,
        polarity: Lower,
        indicator: Leading,
        owner: HANNAH,
        baseline: 9.5,
        target: 6.0,
        tolerance: 1.5,
        form: GREEN,
        weight: 1.0,
    },
    MeasureSpec {
        key: "ms_m_availability",
        objective: "ms_availability",
        name: "Service availability",
        definition: "Minutes managed platforms were available as a share of contracted service minutes in the month.",
        unit: "%",
        decimals: 2,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: HANNAH,
        baseline: 99.6,
        target: 99.9,
        tolerance: 0.2,
        form: AMBER,
        weight: 1.0,
    },
    MeasureSpec {
        key: "co_m_fees",
        objective: "co_fees",
        name: "Consulting fee income",
        definition: "Fees invoiced for consulting projects in the month.",
        unit: "€k",
        decimals: 0,
        frequency: Monthly,
        polarity: Higher,
        indicator: Lagging,
        owner: TOMAS,
        baseline: 820.0,
        target: 1025.0,
        tolerance: 60.0,
        form: -0.6,
        weight: 1.0,
    },
    MeasureSpec {
        key: "co_m_duration",
        objective: "co_speed",
        name: "Average project duration",
        definition: "Working days from kick-off to acceptance, averaged over consulting projects closed in the month.",
        unit: "days",
        decimals: 0,
        frequency: Monthly,
        polarity: Lower,
        indicator: Lagging,
        owner: TOMAS,
        baseline: 112.0,
        target: 78.0,
        tolerance: 8.0,
        form: RED,
        weight: 1.0,
    },
];

/// Short notes on some actuals: (measure key, months before today, note).
const NOTES: &[(&str, i32, &str)] = &[
    (
        "m_margin",
        0,
        "Two fixed-price migrations overran; subcontractor spend 11 % over plan.",
    ),
    (
        "m_margin",
        3,
        "Includes the one-off cost of the office move.",
    ),
    (
        "m_csat",
        5,
        "Survey now sent at every project close-out; response rate up to 48 %.",
    ),
    (
        "m_renewal",
        1,
        "Lost the Baltic Freight renewal on price; three renewals signed early.",
    ),
    (
        "m_win_rate",
        0,
        "Five public-sector bids lost to offshore pricing.",
    ),
    (
        "m_defects",
        0,
        "Still twice the plan; escapes traced to the new release pipeline, root-cause review booked.",
    ),
    (
        "m_delivery_days",
        7,
        "Knowledge Hub pilot teams included from this month.",
    ),
    (
        "m_packaged",
        2,
        "Packaged cloud-migration offer launched six weeks late.",
    ),
    ("m_certified", 10, "First cohort of 24 engineers certified."),
    (
        "m_turnover",
        14,
        "Includes six leavers who moved with the divested hosting contract.",
    ),
    (
        "m_account_plans",
        4,
        "All top-10 accounts now have a reviewed joint plan.",
    ),
    (
        "co_m_duration",
        0,
        "Three large programmes in closure push the average up.",
    ),
];

/// Months of actuals ending at today.
const ACTUAL_MONTHS: i32 = 24;
/// Months of targets after today.
const FUTURE_TARGET_MONTHS: i32 = 12;

// ---------------------------------------------------------------------------------------------
// Initiatives
// ---------------------------------------------------------------------------------------------

struct InitiativeSpec {
    name: &'static str,
    description: &'static str,
    owner: usize,
    /// Start and end, in months relative to today.
    start: i32,
    end: i32,
    budget: f64,
    spend: f64,
    status: InitiativeStatus,
    percent_complete: u8,
    objectives: &'static [&'static str],
    /// (name, due month relative to today, done).
    milestones: &'static [(&'static str, i32, bool)],
}

const INITIATIVES: &[InitiativeSpec] = &[
    InitiativeSpec {
        name: "Delivery Certification Programme",
        description: "A three-level certification in the Northwind delivery method, our core platforms and our \
                      quality standards for every engineer and consultant, assessed by senior staff.",
        owner: MARCUS,
        start: -15,
        end: 6,
        budget: 420_000.0,
        spend: 268_500.0,
        status: InitiativeStatus::OnTrack,
        percent_complete: 64,
        objectives: &["lg_certification", "int_quality", "int_delivery_time"],
        milestones: &[
            ("Curriculum and assessor panel agreed", -12, true),
            ("First cohort of 24 engineers certified", -10, true),
            ("80 % of delivery staff certified", 6, false),
        ],
    },
    InitiativeSpec {
        name: "Knowledge Hub rollout",
        description: "One searchable home for designs, runbooks and lessons learned, with reuse recorded at every \
                      project close-out.",
        owner: DANIEL,
        start: -11,
        end: 7,
        budget: 310_000.0,
        spend: 214_000.0,
        status: InitiativeStatus::AtRisk,
        percent_complete: 46,
        objectives: &["lg_knowledge", "int_delivery_time", "int_offerings"],
        milestones: &[
            ("Platform selected and piloted with two teams", -8, true),
            ("Top 200 delivery assets migrated and tagged", -1, false),
            ("Asset reuse recorded at every project close-out", 5, false),
        ],
    },
    InitiativeSpec {
        name: "Key Account Renewal Drive",
        description: "An executive sponsor, a joint account plan and a renewal risk review for each of the top 20 \
                      accounts.",
        owner: SOFIA,
        start: -8,
        end: 4,
        budget: 180_000.0,
        spend: 97_000.0,
        status: InitiativeStatus::OnTrack,
        percent_complete: 58,
        objectives: &["int_accounts", "cus_renewals", "cus_wallet"],
        milestones: &[
            ("Executive sponsor named for each top-20 account", -6, true),
            ("Joint account plans reviewed with every top-20 client", -2, true),
            ("Renewal risk review of all contracts due within 12 months", 3, false),
        ],
    },
];

// ---------------------------------------------------------------------------------------------
// Building the company
// ---------------------------------------------------------------------------------------------

/// The demo's business unit without a map yet, to cascade the enterprise map to.
pub const CASCADE_NEXT_UNIT: &str = "Cloud Platforms";

/// Builds the company; `today` is the last month with actuals (24 months of actuals end there).
pub fn company(admin_email: &str, today: Period) -> DemoCompany {
    let enterprise = OrgUnit::new(
        None,
        "Northwind Technology Services",
        OrgUnitKind::Enterprise,
    );
    let managed = OrgUnit::new(
        Some(enterprise.id),
        "Managed Services",
        OrgUnitKind::BusinessUnit,
    );
    let consulting = OrgUnit::new(Some(enterprise.id), "Consulting", OrgUnitKind::BusinessUnit);
    // A business unit whose map is still to be cascaded from the enterprise map: a newcomer
    // tries the cascade workshop on it at once.
    let cloud = OrgUnit::new(
        Some(enterprise.id),
        CASCADE_NEXT_UNIT,
        OrgUnitKind::BusinessUnit,
    );
    let unit_id = |u: Unit| match u {
        Unit::Enterprise => enterprise.id,
        Unit::ManagedServices => managed.id,
        Unit::Consulting => consulting.id,
    };

    let (users, people) = build_people(admin_email, &unit_id);
    let person = |i: usize| people.get(i).copied();

    let mut keys: HashMap<&'static str, ObjectiveId> = HashMap::new();
    let mut maps = Vec::new();
    let mut alignments = Vec::new();
    for spec in [&ENTERPRISE_MAP, &MANAGED_SERVICES_MAP, &CONSULTING_MAP] {
        let demo_map = build_map(spec, unit_id(spec.unit), today, &person, &mut keys);
        maps.push(demo_map);
    }
    for spec in [&MANAGED_SERVICES_MAP, &CONSULTING_MAP] {
        for o in spec.objectives {
            if let (Some(unit_objective), Some(parent)) =
                (keys.get(o.key), o.supports.and_then(|k| keys.get(k)))
            {
                alignments.push(Alignment::new(*unit_objective, *parent));
            }
        }
    }

    let mut measures = Vec::new();
    let mut targets = Vec::new();
    let mut actuals = Vec::new();
    for (index, spec) in MEASURES.iter().enumerate() {
        let Some(objective_id) = keys.get(spec.objective).copied() else {
            continue;
        };
        let measure = Measure::new(objective_id, spec.name)
            .with_definition(spec.definition)
            .with_unit(spec.unit, spec.decimals)
            .with_frequency(spec.frequency)
            .with_polarity(spec.polarity)
            .with_indicator(spec.indicator)
            .with_owner(person(spec.owner))
            .with_baseline(spec.baseline)
            .with_weight(spec.weight);
        let (t, a) = series(spec, index, &measure, today);
        targets.extend(t);
        actuals.extend(a);
        measures.push(measure);
    }

    let mut initiatives = Vec::new();
    let mut milestones = Vec::new();
    for spec in INITIATIVES {
        let initiative = Initiative::new(
            enterprise.id,
            spec.name,
            first_day(today.plus_months(spec.start)),
            last_day(today.plus_months(spec.end)),
        )
        .with_description(spec.description)
        .with_owner(person(spec.owner))
        .with_budget(spec.budget, spec.spend)
        .with_progress(spec.status, spec.percent_complete)
        .with_objectives(
            spec.objectives
                .iter()
                .filter_map(|k| keys.get(k).copied())
                .collect(),
        );
        let id = initiative.id;
        initiatives.push(initiative);
        for (name, due, done) in spec.milestones {
            milestones.push(
                Milestone::new(id, *name, mid_month(today.plus_months(*due))).with_done(*done),
            );
        }
    }

    DemoCompany {
        users,
        units: vec![enterprise, managed, consulting, cloud],
        currency: "EUR",
        maps,
        measures,
        targets,
        actuals,
        initiatives,
        milestones,
        alignments,
    }
}

type Users = Vec<(User, Vec<(OrgUnitId, Role)>)>;

/// The people with their grants, and the user id standing for each entry of [`PEOPLE`]. A person
/// whose address is the configured admin address is folded into the admin.
fn build_people(admin_email: &str, unit_id: &dyn Fn(Unit) -> OrgUnitId) -> (Users, Vec<UserId>) {
    let admin_email = admin_email.trim();
    let mut users: Users = Vec::new();
    let mut ids = Vec::new();
    let mut admin_id = None;
    for spec in &PEOPLE {
        let email = if spec.email.is_empty() {
            admin_email.to_string()
        } else {
            format!("{}@{DOMAIN}", spec.email)
        };
        if let Some(admin) = admin_id.filter(|_| email.eq_ignore_ascii_case(admin_email)) {
            ids.push(admin);
            continue;
        }
        let user = User {
            id: UserId::new(),
            email,
            name: spec.name.into(),
        };
        admin_id.get_or_insert(user.id);
        ids.push(user.id);
        users.push((
            user,
            spec.grants.iter().map(|(u, r)| (unit_id(*u), *r)).collect(),
        ));
    }
    (users, ids)
}

fn build_map(
    spec: &MapSpec,
    org_unit_id: OrgUnitId,
    today: Period,
    person: &dyn Fn(usize) -> Option<UserId>,
    keys: &mut HashMap<&'static str, ObjectiveId>,
) -> DemoMap {
    let map = StrategyMap::new(
        org_unit_id,
        spec.name,
        // Both literals are valid months; `today` only stands in to avoid a panic path.
        Period::new(2025, 1).unwrap_or(today),
        Period::new(2027, 12).unwrap_or(today),
    )
    .with_status(MapStatus::Active)
    .with_articulation(
        collapse_spaces(spec.vision),
        collapse_spaces(spec.mission),
        spec.values,
    );
    let perspectives = Perspective::defaults(map.id);
    let themes: Vec<Theme> = spec
        .themes
        .iter()
        .zip(0..)
        .map(|((name, colour, description, owner), rank)| {
            let mut theme = Theme::new(map.id, *name, *colour, rank);
            theme.description = collapse_spaces(description);
            theme.owner_id = person(*owner);
            theme
        })
        .collect();
    let frame = Frame::of(&perspectives, &themes);
    let mut objectives = Vec::new();
    for o in spec.objectives {
        let (Some(perspective), theme) = (perspectives.get(o.band), themes.get(o.lane)) else {
            continue;
        };
        let centre = frame.slot_centre(o.band, o.lane, o.slot);
        let objective = Objective::new(map.id, perspective.id, o.title)
            .with_theme(theme.map(|t| t.id))
            .with_description(collapse_spaces(o.description))
            .with_owner(person(o.owner))
            .with_position(centre.x, centre.y);
        keys.insert(o.key, objective.id);
        objectives.push(objective);
    }
    let links = spec
        .links
        .iter()
        .filter_map(|(from, to, hypothesis)| {
            Some(
                Link::new(map.id, *keys.get(from)?, *keys.get(to)?)
                    .with_hypothesis(*hypothesis)
                    .with_lag(expected_lag(from, to)),
            )
        })
        .collect();
    DemoMap {
        map,
        perspectives,
        themes,
        objectives,
        links,
    }
}

/// The targets and actuals of one measure: targets over the 24 months of actuals and the next 12,
/// ramping from the baseline to the strategic target; actuals following the goal with the
/// measure's designed form (how far behind or ahead it drifts) and deterministic noise.
fn series(
    spec: &MeasureSpec,
    index: usize,
    measure: &Measure,
    today: Period,
) -> (Vec<Target>, Vec<Actual>) {
    let first = today.plus_months(1 - ACTUAL_MONTHS);
    let horizon = ACTUAL_MONTHS + FUTURE_TARGET_MONTHS - 1;
    let due = |p: Period| spec.frequency != Quarterly || p.month().is_multiple_of(3);
    // Positive `dir` means higher is better.
    let dir = if spec.polarity == Lower { -1.0 } else { 1.0 };
    let scale = 10f64.powi(i32::from(spec.decimals));
    let round = |v: f64| (v * scale).round() / scale;
    let goal_at = |k: i32| {
        round(spec.baseline + (spec.target - spec.baseline) * f64::from(k) / f64::from(horizon))
    };

    let mut targets = Vec::new();
    let mut actuals = Vec::new();
    for k in 0..=horizon {
        let period = first.plus_months(k);
        if !due(period) {
            continue;
        }
        let goal = goal_at(k);
        targets.push(Target {
            measure_id: measure.id,
            period,
            goal,
            red_flag: round(goal - dir * spec.tolerance),
        });
        if k >= ACTUAL_MONTHS {
            continue;
        }
        let progress = f64::from(k) / f64::from(ACTUAL_MONTHS - 1);
        let deviation = spec.form * progress.powf(1.5) + 0.3 * wobble(spec, index, k);
        let mut value = round(goal - dir * deviation * spec.tolerance);
        if spec.unit == "%" {
            value = value.clamp(0.0, 100.0);
        }
        value = value.max(0.0);
        let months_ago = ACTUAL_MONTHS - 1 - k;
        let note = NOTES
            .iter()
            .find(|(key, ago, _)| *key == spec.key && *ago == months_ago)
            .map(|(_, _, note)| (*note).to_string())
            .unwrap_or_default();
        let entered = period.plus_months(1);
        actuals.push(Actual {
            measure_id: measure.id,
            period,
            value,
            note,
            entered_by: measure.data_owner_id,
            entered_at: format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:00Z",
                entered.year(),
                entered.month(),
                2 + (index + k as usize) % 4,
                8 + (index % 3),
                (index * 7 + k as usize * 13) % 60
            ),
            source: DataSource::Manual,
        });
    }
    (targets, actuals)
}

/// An arrow whose data was made to test it: the effect objective's measures wobble as the cause
/// objective's did `lag` months earlier, the same way (`sign` 1) or the opposite way (−1).
struct Echo {
    cause: &'static str,
    effect: &'static str,
    lag: i32,
    sign: f64,
}

/// The demo's tested arrows (`domain::hypothesis`): knowledge management shortens delivery two
/// months on, as its arrow says (supported); certification is followed by *worse* first-time
/// quality a month on, against its arrow (contradicted).
const ECHOES: &[Echo] = &[
    Echo {
        cause: "lg_knowledge",
        effect: "int_delivery_time",
        lag: 2,
        sign: 1.0,
    },
    Echo {
        cause: "lg_certification",
        effect: "int_quality",
        lag: 1,
        sign: -1.0,
    },
];

/// The expectation the demo states on the arrow from `from` to `to`: an echoed arrow expects
/// more → more after its lag; the others state none.
fn expected_lag(from: &str, to: &str) -> Option<u8> {
    ECHOES
        .iter()
        .find(|e| e.cause == from && e.effect == to)
        .and_then(|e| u8::try_from(e.lag).ok())
}

/// A measure's month-`k` wobble around its designed path, in [-1, 1]: its own noise, the
/// shared noise of a cause objective's measures, or an effect's echo of its cause's.
fn wobble(spec: &MeasureSpec, index: usize, k: i32) -> f64 {
    let shared = |objective: &str, k: i32| {
        let seed = objective
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
        noise(seed.wrapping_add((k + 100) as u64))
    };
    if let Some(e) = ECHOES.iter().find(|e| e.effect == spec.objective) {
        e.sign * shared(e.cause, k - e.lag)
    } else if ECHOES.iter().any(|e| e.cause == spec.objective) {
        shared(spec.objective, k)
    } else {
        noise(index as u64 * 1009 + k as u64)
    }
}

/// A deterministic pseudo-random number in [-1, 1] (SplitMix64 of the seed).
fn noise(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

fn date(p: Period, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(p.year(), u32::from(p.month()), day).unwrap_or_default()
}

fn first_day(p: Period) -> NaiveDate {
    date(p, 1)
}

fn mid_month(p: Period) -> NaiveDate {
    date(p, 15)
}

fn last_day(p: Period) -> NaiveDate {
    first_day(p.plus_months(1))
        .pred_opt()
        .unwrap_or_else(|| first_day(p))
}

/// Joins the lines of an indented string literal continuation into single spaces.
fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use app::domain::layout::{objective_box, route_arrow};
    use app::domain::validation;
    use app::domain::{MapId, DEFAULT_PERSPECTIVES};
    use std::collections::HashSet;

    /// The month the demo's tests take as "today".
    pub(in crate::demo) fn today() -> Period {
        Period::new(2026, 3).unwrap()
    }

    /// The company as planned for [`today`].
    pub(in crate::demo) fn demo() -> DemoCompany {
        company(DEMO_ADMIN_EMAIL, today())
    }

    #[test]
    fn company_passes_every_domain_rule() {
        let c = demo();
        for (u, grants) in &c.users {
            validation::user(u).unwrap();
            assert!(!grants.is_empty(), "{} has no role", u.name);
        }
        let emails: HashSet<String> = c
            .users
            .iter()
            .map(|(u, _)| u.email.to_lowercase())
            .collect();
        assert_eq!(emails.len(), c.users.len(), "emails are unique");
        let admin = &c.users[0];
        assert_eq!(
            (admin.0.name.as_str(), admin.0.email.as_str()),
            ("Alex Morgan", DEMO_ADMIN_EMAIL)
        );
        assert_eq!(admin.1, vec![(c.units[0].id, Role::Admin)]);
        for (email, role) in [
            ("editor@northwind.example", Role::Editor),
            ("contributor@northwind.example", Role::Contributor),
            ("viewer@northwind.example", Role::Viewer),
        ] {
            let (_, grants) = c.users.iter().find(|(u, _)| u.email == email).unwrap();
            assert_eq!(grants, &vec![(c.units[0].id, role)], "{email}");
        }
        assert!(c.users.len() >= 8);

        let parents: HashMap<OrgUnitId, Option<OrgUnitId>> =
            c.units.iter().map(|u| (u.id, u.parent_id)).collect();
        for u in &c.units {
            validation::org_unit(u, &parents).unwrap();
        }
        assert_eq!(c.units.len(), 4);
        assert_eq!(c.units[0].kind, OrgUnitKind::Enterprise);
        // The last one has no map yet: it waits to be cascaded.
        assert_eq!(c.units[3].name, CASCADE_NEXT_UNIT);
        assert!(!c.maps.iter().any(|m| m.map.org_unit_id == c.units[3].id));
        assert!(c.units[1..]
            .iter()
            .all(|u| u.kind == OrgUnitKind::BusinessUnit && u.parent_id == Some(c.units[0].id)));

        let map_of: HashMap<ObjectiveId, MapId> = c
            .maps
            .iter()
            .flat_map(|m| m.objectives.iter().map(|o| (o.id, o.map_id)))
            .collect();
        let unit_of_map: HashMap<MapId, OrgUnitId> = c
            .maps
            .iter()
            .map(|m| (m.map.id, m.map.org_unit_id))
            .collect();
        for dm in &c.maps {
            validation::strategy_map(&dm.map).unwrap();
            assert_eq!(dm.map.status, MapStatus::Active);
            assert_eq!(
                (
                    dm.map.period_start.to_string(),
                    dm.map.period_end.to_string()
                ),
                ("2025-01".into(), "2027-12".into())
            );
            let names: Vec<&str> = dm.perspectives.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, DEFAULT_PERSPECTIVES.to_vec());
            for p in &dm.perspectives {
                validation::perspective(p).unwrap();
            }
            for t in &dm.themes {
                validation::theme(t).unwrap();
            }
            let colours: HashSet<&str> = dm.themes.iter().map(|t| t.colour.as_str()).collect();
            assert_eq!(colours.len(), dm.themes.len(), "distinct theme colours");
            for o in &dm.objectives {
                validation::objective(o, &dm.perspectives, &dm.themes).unwrap();
                assert!(
                    o.owner_id.is_some() && !o.description.is_empty(),
                    "{}",
                    o.title
                );
            }
            for (i, l) in dm.links.iter().enumerate() {
                validation::link(
                    l,
                    map_of.get(&l.from_id).copied(),
                    map_of.get(&l.to_id).copied(),
                    &dm.links[..i],
                )
                .unwrap();
                assert!(!l.hypothesis.is_empty());
            }
            // Every objective is on a path up to the top perspective.
            let top = dm.perspectives[0].id;
            for o in &dm.objectives {
                let mut current = vec![o.id];
                let mut seen = HashSet::new();
                let mut reaches_top = false;
                while let Some(id) = current.pop() {
                    if !seen.insert(id) {
                        continue;
                    }
                    let here = dm.objectives.iter().find(|x| x.id == id).unwrap();
                    reaches_top |= here.perspective_id == top;
                    current.extend(dm.links.iter().filter(|l| l.from_id == id).map(|l| l.to_id));
                }
                assert!(reaches_top, "{} has no path to the top", o.title);
            }
        }

        let enterprise = &c.maps[0];
        assert_eq!(enterprise.map.name, "Northwind Strategy 2025–2027");
        assert!((12..=18).contains(&enterprise.objectives.len()));
        assert_eq!(enterprise.themes.len(), 3);
        assert!((16..=20).contains(&enterprise.links.len()));
        for p in &enterprise.perspectives {
            let n = enterprise
                .objectives
                .iter()
                .filter(|o| o.perspective_id == p.id)
                .count();
            assert!((3..=4).contains(&n), "{} has {n} objectives", p.name);
        }
        assert_eq!(c.maps.len(), 3);
        for dm in &c.maps[1..] {
            assert!((5..=6).contains(&dm.objectives.len()));
            assert!((1..=2).contains(&dm.themes.len()));
            assert!(dm.links.len() >= 3);
            for o in &dm.objectives {
                let aligned: Vec<&Alignment> = c
                    .alignments
                    .iter()
                    .filter(|a| a.unit_objective_id == o.id)
                    .collect();
                assert!(!aligned.is_empty(), "{} supports nothing", o.title);
                for a in aligned {
                    assert_eq!(map_of.get(&a.parent_objective_id), Some(&enterprise.map.id));
                }
            }
        }
        for (i, a) in c.alignments.iter().enumerate() {
            let unit = unit_of_map[&map_of[&a.unit_objective_id]];
            let parent_unit = unit_of_map[&map_of[&a.parent_objective_id]];
            validation::alignment(a, unit, parents[&unit], parent_unit, &c.alignments[..i])
                .unwrap();
        }

        let enterprise_measures: Vec<&Measure> = c
            .measures
            .iter()
            .filter(|m| map_of.get(&m.objective_id) == Some(&enterprise.map.id))
            .collect();
        assert!(
            (18..=22).contains(&enterprise_measures.len()),
            "{}",
            enterprise_measures.len()
        );
        for o in &enterprise.objectives {
            let n = c.measures.iter().filter(|m| m.objective_id == o.id).count();
            assert!((1..=2).contains(&n), "{} has {n} measures", o.title);
        }
        for dm in &c.maps[1..] {
            assert!(c
                .measures
                .iter()
                .any(|m| map_of.get(&m.objective_id) == Some(&dm.map.id)));
        }
        for m in &c.measures {
            validation::measure(m).unwrap();
            assert!(map_of.contains_key(&m.objective_id));
            assert!(m.data_owner_id.is_some());
            let actuals: Vec<&Actual> = c.actuals.iter().filter(|a| a.measure_id == m.id).collect();
            let targets: Vec<&Target> = c.targets.iter().filter(|t| t.measure_id == m.id).collect();
            match m.frequency {
                Frequency::Monthly => {
                    assert_eq!(actuals.len(), 24, "{}", m.name);
                    assert_eq!(targets.len(), 36, "{}", m.name);
                }
                Frequency::Quarterly => {
                    assert_eq!(actuals.len(), 8, "{}", m.name);
                    assert_eq!(targets.len(), 12, "{}", m.name);
                    assert!(actuals.iter().all(|a| a.period.month().is_multiple_of(3)));
                }
                other => panic!("unexpected frequency {other:?}"),
            }
            // 2026-03 is a quarter end, so quarterly measures also report in it.
            assert_eq!(actuals.iter().map(|a| a.period).max(), Some(today()));
            for a in &actuals {
                assert!(
                    targets.iter().any(|t| t.period == a.period),
                    "{} has no target in {}",
                    m.name,
                    a.period
                );
            }
            for t in &targets {
                validation::target(t).unwrap();
                match m.polarity {
                    Polarity::LowerIsBetter => assert!(t.goal < t.red_flag, "{}", m.name),
                    _ => assert!(t.goal > t.red_flag, "{}", m.name),
                }
            }
        }
        assert!(c
            .measures
            .iter()
            .any(|m| m.polarity == Polarity::LowerIsBetter));
        assert!(c.measures.iter().any(|m| m.weight > 1.0));
        for a in &c.actuals {
            validation::actual(a).unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(&a.entered_at).is_ok(),
                "{}",
                a.entered_at
            );
            assert!(
                a.entered_at > format!("{}-", a.period),
                "entered after the period"
            );
        }
        assert!(c.actuals.iter().any(|a| !a.note.is_empty()));
        assert!(c.actuals.iter().filter(|a| !a.note.is_empty()).count() < c.actuals.len() / 10);

        assert_eq!(c.initiatives.len(), 3);
        let objective_ids: HashSet<ObjectiveId> =
            enterprise.objectives.iter().map(|o| o.id).collect();
        for i in &c.initiatives {
            validation::initiative(i).unwrap();
            assert!((1..=3).contains(&i.objective_ids.len()));
            assert!(i.objective_ids.iter().all(|o| objective_ids.contains(o)));
            let n = c
                .milestones
                .iter()
                .filter(|m| m.initiative_id == i.id)
                .count();
            assert!((2..=3).contains(&n));
        }
        for m in &c.milestones {
            validation::milestone(m).unwrap();
        }
    }

    #[test]
    fn a_configured_admin_address_replaces_the_demo_one() {
        let c = company("Editor@Northwind.example", today());
        assert_eq!(c.users[0].0.email, "Editor@Northwind.example");
        assert_eq!(
            c.users
                .iter()
                .filter(|(u, _)| u.email.eq_ignore_ascii_case("editor@northwind.example"))
                .count(),
            1
        );
        let ids: HashSet<UserId> = c.users.iter().map(|(u, _)| u.id).collect();
        for dm in &c.maps {
            assert!(dm
                .objectives
                .iter()
                .all(|o| o.owner_id.is_some_and(|u| ids.contains(&u))));
        }
    }

    #[test]
    fn links_are_routed_around_every_other_box_and_boxes_do_not_overlap() {
        let c = demo();
        for dm in &c.maps {
            for (i, a) in dm.objectives.iter().enumerate() {
                for b in &dm.objectives[i + 1..] {
                    let (ra, rb) = (objective_box(a).inflate(4.0), objective_box(b).inflate(4.0));
                    let overlap = ra.x < rb.x + rb.w
                        && rb.x < ra.x + ra.w
                        && ra.y < rb.y + rb.h
                        && rb.y < ra.y + ra.h;
                    assert!(!overlap, "{} overlaps {}", a.title, b.title);
                }
            }
            for l in &dm.links {
                let from = dm.objectives.iter().find(|o| o.id == l.from_id).unwrap();
                let to = dm.objectives.iter().find(|o| o.id == l.to_id).unwrap();
                let obstacles: Vec<_> = dm
                    .objectives
                    .iter()
                    .filter(|o| o.id != from.id && o.id != to.id)
                    .map(objective_box)
                    .collect();
                let route = route_arrow(from, to, &obstacles);
                assert!(
                    !route.crosses_any(&obstacles),
                    "{} -> {} crosses a box: {route:?}",
                    from.title,
                    to.title
                );
                let band = |o: &Objective| {
                    dm.perspectives
                        .iter()
                        .find(|p| p.id == o.perspective_id)
                        .unwrap()
                        .rank
                };
                assert!(
                    band(from) >= band(to),
                    "{} -> {} points downward",
                    from.title,
                    to.title
                );
            }
        }
    }

    #[derive(Debug, PartialEq, Eq, Hash, Clone, Copy)]
    enum Status {
        Green,
        Amber,
        Red,
    }

    fn status(m: &Measure, a: &Actual, t: &Target) -> Status {
        let better = |x: f64, y: f64| {
            if m.polarity == Polarity::LowerIsBetter {
                x <= y
            } else {
                x >= y
            }
        };
        if better(a.value, t.goal) {
            Status::Green
        } else if better(a.value, t.red_flag) {
            Status::Amber
        } else {
            Status::Red
        }
    }

    #[test]
    fn today_shows_a_mix_of_green_amber_and_red() {
        for today in [
            today(),
            Period::new(2025, 12).unwrap(),
            Period::new(2027, 7).unwrap(),
        ] {
            let c = company(DEMO_ADMIN_EMAIL, today);
            let mut counts: HashMap<Status, usize> = HashMap::new();
            for m in &c.measures {
                let latest = c
                    .actuals
                    .iter()
                    .filter(|a| a.measure_id == m.id)
                    .max_by_key(|a| a.period)
                    .unwrap();
                let target = c
                    .targets
                    .iter()
                    .find(|t| t.measure_id == m.id && t.period == latest.period)
                    .unwrap();
                *counts.entry(status(m, latest, target)).or_default() += 1;
            }
            assert!(
                counts.get(&Status::Green).copied().unwrap_or(0) >= 5,
                "{counts:?}"
            );
            assert!(
                counts.get(&Status::Amber).copied().unwrap_or(0) >= 3,
                "{counts:?}"
            );
            assert!(
                counts.get(&Status::Red).copied().unwrap_or(0) >= 2,
                "{counts:?}"
            );
        }
    }
}
