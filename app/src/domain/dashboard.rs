//! Dashboards and display links: what a dashboard *is* (widgets placed on a 12-column grid, each
//! showing a map, a scorecard, a KPI, a chart or the initiatives of its unit), the rules its
//! layout obeys, the moves of the editor (keyboard-sized steps that never leave two widgets on
//! top of each other), the display link that shows dashboards on a meeting-room screen, and the
//! one bundle of data a dashboard page or a display loads in a single call.

use super::ids::*;
use super::model::*;
use super::period::Period;
use super::scores::{latest_reported, ScoreData};
use super::scoring::Span;
use super::validation::{required_text, ValidationError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Columns of the dashboard grid.
pub const GRID_COLUMNS: u8 = 12;
/// Rows a dashboard may use (a screen shows all of them at once).
pub const GRID_ROWS: u16 = 24;
/// The tallest a widget may be, in rows.
pub const MAX_WIDGET_ROWS: u8 = 12;
/// Widgets on one dashboard at most.
pub const MAX_WIDGETS: usize = 24;
/// Longest dashboard or display-link name.
pub const MAX_DASHBOARD_NAME: usize = 80;
/// Shortest and longest time one dashboard shows before a display rotates to the next.
pub const ROTATE_MIN_SECONDS: u32 = 5;
pub const ROTATE_MAX_SECONDS: u32 = 3600;
/// Dashboards one display link may rotate through.
pub const MAX_LINK_DASHBOARDS: usize = 12;

/// What a widget shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WidgetKind {
    /// A map, read-only, objectives coloured by status, perspective and map scores shown.
    StatusMap { map_id: MapId },
    /// The compact scorecard table of a map.
    Scorecard { map_id: MapId },
    /// One measure: value, target, status colour, sparkline, stale flag.
    Kpi {
        map_id: MapId,
        measure_id: MeasureId,
    },
    /// One measure's chart: actuals, targets, threshold bands, trend.
    Chart {
        map_id: MapId,
        measure_id: MeasureId,
    },
    /// The initiatives of the dashboard's unit: status, % complete, budget, next milestone.
    Initiatives,
}

impl WidgetKind {
    /// The map the widget reads, if any.
    pub fn map_id(&self) -> Option<MapId> {
        match self {
            WidgetKind::StatusMap { map_id }
            | WidgetKind::Scorecard { map_id }
            | WidgetKind::Kpi { map_id, .. }
            | WidgetKind::Chart { map_id, .. } => Some(*map_id),
            WidgetKind::Initiatives => None,
        }
    }

    /// The measure the widget shows, if any.
    pub fn measure_id(&self) -> Option<MeasureId> {
        match self {
            WidgetKind::Kpi { measure_id, .. } | WidgetKind::Chart { measure_id, .. } => {
                Some(*measure_id)
            }
            _ => None,
        }
    }

    /// The palette's name of the kind, in `locale`.
    pub fn text(&self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            WidgetKind::StatusMap { .. } => td_string!(locale, dashboard.widget_kind.status_map),
            WidgetKind::Scorecard { .. } => td_string!(locale, dashboard.widget_kind.scorecard),
            WidgetKind::Kpi { .. } => td_string!(locale, dashboard.widget_kind.kpi),
            WidgetKind::Chart { .. } => td_string!(locale, dashboard.widget_kind.chart),
            WidgetKind::Initiatives => td_string!(locale, dashboard.widget_kind.initiatives),
        }
    }

    /// English, for logs and exports: the palette's name of the kind.
    pub fn label(&self) -> &'static str {
        match self {
            WidgetKind::StatusMap { .. } => "Status map",
            WidgetKind::Scorecard { .. } => "Scorecard",
            WidgetKind::Kpi { .. } => "KPI tile",
            WidgetKind::Chart { .. } => "Measure chart",
            WidgetKind::Initiatives => "Initiatives",
        }
    }

    /// Width and height a new widget of this kind gets.
    pub fn default_size(&self) -> (u8, u8) {
        match self {
            WidgetKind::StatusMap { .. } => (8, 6),
            WidgetKind::Scorecard { .. } => (6, 6),
            WidgetKind::Kpi { .. } => (3, 3),
            WidgetKind::Chart { .. } => (6, 4),
            WidgetKind::Initiatives => (6, 4),
        }
    }

    /// The smallest width and height the kind stays readable at.
    pub fn min_size(&self) -> (u8, u8) {
        match self {
            WidgetKind::StatusMap { .. } => (4, 3),
            WidgetKind::Scorecard { .. } => (4, 3),
            WidgetKind::Kpi { .. } => (2, 2),
            WidgetKind::Chart { .. } => (3, 2),
            WidgetKind::Initiatives => (4, 2),
        }
    }
}

/// A widget placed on the grid: columns `x..x+w` (0-based), rows `y..y+h`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    pub id: WidgetId,
    pub kind: WidgetKind,
    pub x: u8,
    pub y: u16,
    pub w: u8,
    pub h: u8,
}

impl Widget {
    /// A widget of `kind` at its default size, on the first free place of `others`.
    pub fn new_placed(kind: WidgetKind, others: &[Widget]) -> Widget {
        let (w, h) = kind.default_size();
        let (x, y) = free_place(others, w, h);
        Widget {
            id: WidgetId::new(),
            kind,
            x,
            y,
            w,
            h,
        }
    }

    fn bottom(&self) -> u16 {
        self.y + u16::from(self.h)
    }

    /// Whether two widgets cover a common cell.
    pub fn overlaps(&self, other: &Widget) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Which kind of span a dashboard reports on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    #[default]
    Month,
    Quarter,
    Year,
}

impl SpanKind {
    /// The name [`Span::of_kind`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Month => "month",
            SpanKind::Quarter => "quarter",
            SpanKind::Year => "year",
        }
    }

    /// The span of this kind holding `p`.
    pub fn span_of(self, p: Period) -> Span {
        Span::of_kind(self.as_str(), p)
    }
}

impl std::str::FromStr for SpanKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "month" => Ok(SpanKind::Month),
            "quarter" => Ok(SpanKind::Quarter),
            "year" => Ok(SpanKind::Year),
            other => Err(format!("unknown span kind \"{other}\"")),
        }
    }
}

/// A dashboard of an org unit. Several per unit; who made and last changed it is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub id: DashboardId,
    pub org_unit_id: OrgUnitId,
    pub name: String,
    /// Month, quarter or year: the span its widgets report on (the latest one with data).
    pub span_kind: SpanKind,
    pub widgets: Vec<Widget>,
    pub created_by: Option<UserId>,
    pub created_at: String,
    pub updated_by: Option<UserId>,
    pub updated_at: String,
}

impl Dashboard {
    /// The maps its widgets read, each once, in widget order.
    pub fn map_ids(&self) -> Vec<MapId> {
        let mut out: Vec<MapId> = Vec::new();
        for id in self.widgets.iter().filter_map(|w| w.kind.map_id()) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// The rows the layout uses (at least one), so a screen can fit them all.
    pub fn rows(&self) -> u16 {
        self.widgets
            .iter()
            .map(Widget::bottom)
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

/// A dashboard's name and layout are acceptable: a name, at most [`MAX_WIDGETS`] widgets with
/// distinct ids, each inside the grid, at least its kind's minimum size, none overlapping.
pub fn validate_dashboard(d: &Dashboard) -> Result<(), ValidationError> {
    required_text("name", &d.name, MAX_DASHBOARD_NAME)?;
    validate_layout(&d.widgets)
}

/// The layout rules of [`validate_dashboard`].
pub fn validate_layout(widgets: &[Widget]) -> Result<(), ValidationError> {
    use crate::domain::validation::LayoutProblem as P;
    let bad = |m: P| Err(ValidationError::BadLayout(m));
    if widgets.len() > MAX_WIDGETS {
        return bad(P::TooMany {
            max: MAX_WIDGETS,
            count: widgets.len(),
        });
    }
    for (i, w) in widgets.iter().enumerate() {
        let (min_w, min_h) = w.kind.min_size();
        let name = w.kind.label().to_string();
        if w.w < min_w || w.h < min_h {
            return bad(P::TooSmall {
                name,
                columns: min_w,
                rows: min_h,
            });
        }
        if w.x + w.w > GRID_COLUMNS || w.w > GRID_COLUMNS {
            return bad(P::PastColumn {
                name,
                column: GRID_COLUMNS,
            });
        }
        if w.h > MAX_WIDGET_ROWS || w.bottom() > GRID_ROWS {
            return bad(P::PastRow {
                name,
                row: GRID_ROWS,
            });
        }
        for other in &widgets[..i] {
            if other.id == w.id {
                return bad(P::SameId);
            }
            if other.overlaps(w) {
                return bad(P::Overlap {
                    name,
                    other: other.kind.label().to_string(),
                });
            }
        }
    }
    Ok(())
}

/// The first place (top to bottom, left to right) where a `w` × `h` widget fits beside
/// `widgets`; below everything when the grid is full.
pub fn free_place(widgets: &[Widget], w: u8, h: u8) -> (u8, u16) {
    let w = w.clamp(1, GRID_COLUMNS);
    let probe = |x: u8, y: u16| Widget {
        id: WidgetId(uuid::Uuid::nil()),
        kind: WidgetKind::Initiatives,
        x,
        y,
        w,
        h,
    };
    for y in 0..GRID_ROWS.saturating_sub(u16::from(h)) + 1 {
        for x in 0..=GRID_COLUMNS - w {
            let p = probe(x, y);
            if !widgets.iter().any(|o| o.overlaps(&p)) {
                return (x, y);
            }
        }
    }
    (0, widgets.iter().map(Widget::bottom).max().unwrap_or(0))
}

/// Moves widget `id` by `dx` columns and `dy` rows (kept inside the grid); widgets it lands on
/// are pushed down below it, so the layout never overlaps.
pub fn move_widget(widgets: &mut [Widget], id: WidgetId, dx: i32, dy: i32) {
    let Some(i) = widgets.iter().position(|w| w.id == id) else {
        return;
    };
    let w = &mut widgets[i];
    w.x = (i32::from(w.x) + dx).clamp(0, i32::from(GRID_COLUMNS - w.w)) as u8;
    let max_y = i32::from(GRID_ROWS) - i32::from(w.h);
    w.y = (i32::from(w.y) + dy).clamp(0, max_y.max(0)) as u16;
    push_down(widgets, i);
}

/// Resizes widget `id` by `dw` columns and `dh` rows, within its kind's minimum and the grid;
/// widgets it grows into are pushed down.
pub fn resize_widget(widgets: &mut [Widget], id: WidgetId, dw: i32, dh: i32) {
    let Some(i) = widgets.iter().position(|w| w.id == id) else {
        return;
    };
    let w = &mut widgets[i];
    let (min_w, min_h) = w.kind.min_size();
    w.w = (i32::from(w.w) + dw).clamp(i32::from(min_w), i32::from(GRID_COLUMNS - w.x)) as u8;
    let max_h = i32::from(MAX_WIDGET_ROWS).min(i32::from(GRID_ROWS) - i32::from(w.y));
    w.h = (i32::from(w.h) + dh).clamp(i32::from(min_h), max_h.max(i32::from(min_h))) as u8;
    push_down(widgets, i);
}

/// Pushes every widget overlapping widget `fixed` down below it, then settles what those
/// pushes overlap in turn (top first). Terminates: each push moves a widget strictly down.
fn push_down(widgets: &mut [Widget], fixed: usize) {
    let mut queue = vec![fixed];
    let mut guard = 0;
    while let Some(f) = queue.pop() {
        guard += 1;
        if guard > 10_000 {
            return;
        }
        let anchor = widgets[f].clone();
        let mut moved: Vec<usize> = Vec::new();
        for (j, other) in widgets.iter_mut().enumerate() {
            if j != f && j != fixed && other.overlaps(&anchor) {
                other.y = anchor.bottom();
                moved.push(j);
            }
        }
        moved.sort_by_key(|j| std::cmp::Reverse(widgets[*j].y));
        queue.extend(moved);
    }
}

/// A display link: the secret address of a meeting-room screen. The secret is never stored,
/// only its hash; revoking keeps the row (and its history) and stops every screen showing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisplayLink {
    pub id: DisplayLinkId,
    pub org_unit_id: OrgUnitId,
    pub name: String,
    /// The dashboards it shows, in rotation order.
    pub dashboard_ids: Vec<DashboardId>,
    /// Seconds each dashboard shows before the next (ignored with one dashboard).
    pub rotate_seconds: u32,
    pub created_by: Option<UserId>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// When a screen last opened it.
    pub last_seen_at: Option<String>,
}

/// A display link's settings are acceptable: a name, 1–12 distinct dashboards, a rotation of
/// 5 s to an hour.
pub fn validate_display_link(l: &DisplayLink) -> Result<(), ValidationError> {
    required_text("name", &l.name, MAX_DASHBOARD_NAME)?;
    use crate::domain::validation::DisplayLinkProblem as P;
    let bad = |m: P| Err(ValidationError::BadDisplayLink(m));
    if l.dashboard_ids.is_empty() || l.dashboard_ids.len() > MAX_LINK_DASHBOARDS {
        return bad(P::Dashboards {
            max: MAX_LINK_DASHBOARDS,
        });
    }
    for (i, d) in l.dashboard_ids.iter().enumerate() {
        if l.dashboard_ids[..i].contains(d) {
            return bad(P::Twice);
        }
    }
    if !(ROTATE_MIN_SECONDS..=ROTATE_MAX_SECONDS).contains(&l.rotate_seconds) {
        return bad(P::Rotate {
            min: ROTATE_MIN_SECONDS,
            max: ROTATE_MAX_SECONDS,
        });
    }
    Ok(())
}

/// One map's document and data, as a dashboard computes its scores from them in the browser
/// (the same pure score model the server uses).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardMap {
    pub doc: MapDocument,
    pub data: ScoreData,
}

/// Everything one or more dashboards show, loaded in one call: the dashboards, each map their
/// widgets read (once), the initiatives of their units, and the server's month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// The unit shown in the corner (a display link's unit, or the dashboard's).
    pub unit: OrgUnit,
    pub dashboards: Vec<Dashboard>,
    pub maps: Vec<BoardMap>,
    pub initiatives: Vec<InitiativeSummary>,
    pub today: Period,
    /// The organisation's currency (ISO 4217), in which the initiatives' money is shown.
    #[serde(default = "default_currency")]
    pub currency: String,
}

/// The currency of a board sent before boards carried one.
fn default_currency() -> String {
    "EUR".to_string()
}

impl Board {
    /// One map's document and data.
    pub fn map(&self, id: MapId) -> Option<&BoardMap> {
        self.maps.iter().find(|m| m.doc.map.id == id)
    }

    /// The latest month with data on any of the board's maps (up to today): what a dashboard
    /// shows unless a period is picked.
    pub fn latest_period(&self) -> Period {
        self.maps
            .iter()
            .map(|m| latest_reported(&m.data, self.today))
            .max()
            .unwrap_or(self.today)
    }
}

/// The units whose maps a dashboard of `unit` may show: the unit itself and the units above
/// it (the strategy it serves), never a sibling's or one below. The walk stops at a cycle.
pub fn source_units(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Vec<OrgUnitId> {
    super::org::ancestry(unit, parents)
}

/// Whether a board of `dashboards` may show map `map`, which belongs to `map_unit`: a dashboard
/// with a widget on it belongs to that unit or to a unit below it. A board leaves any other map
/// out, so a widget pointed at a sibling unit's map shows nothing of it.
pub fn may_show_map(
    dashboards: &[Dashboard],
    map: MapId,
    map_unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> bool {
    dashboards
        .iter()
        .filter(|d| d.map_ids().contains(&map))
        .any(|d| source_units(d.org_unit_id, parents).contains(&map_unit))
}

/// Every map the dashboards read, each once.
pub fn board_map_ids(dashboards: &[Dashboard]) -> Vec<MapId> {
    let mut out: Vec<MapId> = Vec::new();
    for id in dashboards.iter().flat_map(Dashboard::map_ids) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn widget_kinds_are_named_in_the_page_language() {
        use crate::i18n::Locale::{de, en};
        assert_eq!(
            WidgetKind::Kpi {
                map_id: MapId::new(),
                measure_id: MeasureId::new()
            }
            .text(de),
            "KPI-Kachel"
        );
        assert_eq!(WidgetKind::Initiatives.text(de), "Initiativen");
        assert_eq!(
            WidgetKind::Initiatives.text(en),
            WidgetKind::Initiatives.label()
        );
    }

    use super::*;

    fn widget(kind: WidgetKind, x: u8, y: u16, w: u8, h: u8) -> Widget {
        Widget {
            id: WidgetId::new(),
            kind,
            x,
            y,
            w,
            h,
        }
    }

    fn kpi() -> WidgetKind {
        WidgetKind::Kpi {
            map_id: MapId::new(),
            measure_id: MeasureId::new(),
        }
    }

    fn dashboard(widgets: Vec<Widget>) -> Dashboard {
        Dashboard {
            id: DashboardId::new(),
            org_unit_id: OrgUnitId::new(),
            name: "Monthly review".into(),
            span_kind: SpanKind::Month,
            widgets,
            created_by: None,
            created_at: String::new(),
            updated_by: None,
            updated_at: String::new(),
        }
    }

    fn no_overlaps(ws: &[Widget]) -> bool {
        ws.iter()
            .enumerate()
            .all(|(i, a)| ws[..i].iter().all(|b| !a.overlaps(b)))
    }

    #[test]
    fn widget_kinds_round_trip_as_tagged_json() {
        let w = widget(kpi(), 0, 0, 3, 3);
        let json = serde_json::to_string(&w).unwrap();
        assert!(json.contains(r#""type":"kpi""#), "{json}");
        assert_eq!(serde_json::from_str::<Widget>(&json).unwrap(), w);
        let i: WidgetKind = serde_json::from_str(r#"{"type":"initiatives"}"#).unwrap();
        assert_eq!(i, WidgetKind::Initiatives);
    }

    #[test]
    fn layouts_must_fit_the_grid_without_overlaps() {
        let ok = dashboard(vec![
            widget(kpi(), 0, 0, 3, 3),
            widget(kpi(), 3, 0, 3, 3),
            widget(WidgetKind::Initiatives, 0, 3, 12, 4),
        ]);
        assert_eq!(validate_dashboard(&ok), Ok(()));
        assert_eq!(ok.rows(), 7);

        let mut unnamed = ok.clone();
        unnamed.name = "  ".into();
        assert!(matches!(
            validate_dashboard(&unnamed),
            Err(ValidationError::Empty { .. })
        ));

        let overlap = dashboard(vec![widget(kpi(), 0, 0, 3, 3), widget(kpi(), 2, 2, 3, 3)]);
        let err = validate_dashboard(&overlap).unwrap_err().to_string();
        assert!(err.contains("overlaps"), "{err}");

        let wide = dashboard(vec![widget(kpi(), 10, 0, 3, 3)]);
        assert!(validate_dashboard(&wide)
            .unwrap_err()
            .to_string()
            .contains("column 12"));
        let tiny = dashboard(vec![widget(kpi(), 0, 0, 1, 1)]);
        assert!(validate_dashboard(&tiny)
            .unwrap_err()
            .to_string()
            .contains("at least"));
        let low = dashboard(vec![widget(kpi(), 0, GRID_ROWS - 1, 3, 3)]);
        assert!(validate_dashboard(&low).is_err());
        let many = dashboard(
            (0..=MAX_WIDGETS as u16)
                .map(|i| widget(kpi(), 0, i, 3, 3))
                .collect(),
        );
        assert!(validate_dashboard(&many)
            .unwrap_err()
            .to_string()
            .contains("at most"));
        let a = widget(kpi(), 0, 0, 3, 3);
        let mut b = widget(kpi(), 6, 0, 3, 3);
        b.id = a.id;
        assert!(validate_dashboard(&dashboard(vec![a, b])).is_err());
    }

    #[test]
    fn new_widgets_take_the_first_free_place() {
        let mut ws = vec![widget(kpi(), 0, 0, 3, 3)];
        let next = Widget::new_placed(kpi(), &ws);
        assert_eq!((next.x, next.y), (3, 0));
        ws.push(next);
        let map = Widget::new_placed(
            WidgetKind::StatusMap {
                map_id: MapId::new(),
            },
            &ws,
        );
        assert_eq!(
            (map.x, map.y),
            (0, 3),
            "8 columns do not fit beside two tiles"
        );
        ws.push(map);
        assert!(no_overlaps(&ws));
        assert_eq!(validate_layout(&ws), Ok(()));
    }

    #[test]
    fn moving_onto_a_widget_pushes_it_down() {
        let a = widget(kpi(), 0, 0, 3, 3);
        let b = widget(kpi(), 3, 0, 3, 3);
        let c = widget(kpi(), 3, 3, 3, 3);
        let mut ws = vec![a.clone(), b.clone(), c.clone()];
        move_widget(&mut ws, a.id, 3, 0);
        assert_eq!((ws[0].x, ws[0].y), (3, 0));
        assert_eq!(ws[1].y, 3, "b pushed below a");
        assert_eq!(ws[2].y, 6, "c pushed below b in turn");
        assert!(no_overlaps(&ws));
        // Moves stay in the grid.
        move_widget(&mut ws, a.id, 50, -50);
        assert_eq!((ws[0].x, ws[0].y), (GRID_COLUMNS - 3, 0));
        assert!(no_overlaps(&ws));
        assert_eq!(validate_layout(&ws), Ok(()));
    }

    #[test]
    fn resizing_respects_minimums_and_the_grid() {
        let a = widget(kpi(), 0, 0, 3, 3);
        let b = widget(kpi(), 3, 0, 3, 3);
        let mut ws = vec![a.clone(), b];
        resize_widget(&mut ws, a.id, 1, 0);
        assert_eq!(ws[0].w, 4);
        assert_eq!(ws[1].y, 3, "the neighbour it grew into moved down");
        resize_widget(&mut ws, a.id, -10, -10);
        assert_eq!((ws[0].w, ws[0].h), (2, 2), "the kind's minimum");
        resize_widget(&mut ws, a.id, 50, 50);
        assert_eq!((ws[0].w, ws[0].h), (GRID_COLUMNS, MAX_WIDGET_ROWS));
        assert!(no_overlaps(&ws));
    }

    #[test]
    fn display_links_need_dashboards_and_a_sane_rotation() {
        let link = DisplayLink {
            id: DisplayLinkId::new(),
            org_unit_id: OrgUnitId::new(),
            name: "Board room".into(),
            dashboard_ids: vec![DashboardId::new()],
            rotate_seconds: 30,
            created_by: None,
            created_at: String::new(),
            revoked_at: None,
            last_seen_at: None,
        };
        assert_eq!(validate_display_link(&link), Ok(()));
        let mut none = link.clone();
        none.dashboard_ids.clear();
        assert!(validate_display_link(&none).is_err());
        let mut twice = link.clone();
        twice.dashboard_ids.push(link.dashboard_ids[0]);
        assert!(validate_display_link(&twice)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let mut fast = link.clone();
        fast.rotate_seconds = 1;
        assert!(validate_display_link(&fast).is_err());
    }

    #[test]
    fn a_board_reads_each_map_once() {
        let m1 = MapId::new();
        let m2 = MapId::new();
        let d1 = dashboard(vec![
            widget(WidgetKind::StatusMap { map_id: m1 }, 0, 0, 8, 6),
            widget(WidgetKind::Scorecard { map_id: m1 }, 0, 6, 6, 6),
            widget(WidgetKind::Initiatives, 6, 6, 6, 4),
        ]);
        let d2 = dashboard(vec![widget(
            WidgetKind::Scorecard { map_id: m2 },
            0,
            0,
            6,
            6,
        )]);
        assert_eq!(d1.map_ids(), vec![m1]);
        assert_eq!(board_map_ids(&[d1, d2]), vec![m1, m2]);
    }

    #[test]
    fn a_dashboard_shows_maps_of_its_unit_and_the_units_above_only() {
        // Company → Services → {Consulting, Managed Services}; Consulting → Team.
        let [company, services, consulting, managed, team] = [(); 5].map(|_| OrgUnitId::new());
        let parents: HashMap<OrgUnitId, Option<OrgUnitId>> = [
            (company, None),
            (services, Some(company)),
            (consulting, Some(services)),
            (managed, Some(services)),
            (team, Some(consulting)),
        ]
        .into();
        assert_eq!(
            source_units(consulting, &parents),
            vec![consulting, services, company]
        );
        let map = MapId::new();
        let mut d = dashboard(vec![widget(
            WidgetKind::StatusMap { map_id: map },
            0,
            0,
            8,
            6,
        )]);
        d.org_unit_id = consulting;
        let boards = [d];
        for (unit, shown) in [
            (consulting, true),
            (services, true),
            (company, true),
            (managed, false),
            (team, false),
        ] {
            assert_eq!(may_show_map(&boards, map, unit, &parents), shown);
        }
        // A map no widget reads is never shown.
        assert!(!may_show_map(&boards, MapId::new(), consulting, &parents));
        // A cycle in the tree (which validation forbids) ends the walk.
        let looped: HashMap<OrgUnitId, Option<OrgUnitId>> =
            [(company, Some(services)), (services, Some(company))].into();
        assert_eq!(source_units(company, &looped), vec![company, services]);
    }
}
