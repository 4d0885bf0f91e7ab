//! Map geometry shared by the SSR render, the browser canvas and tests: where bands, lanes and
//! boxes sit, how titles wrap, and how an arrow is routed so it does not run through other boxes.

use super::ids::PerspectiveId;
use super::model::{Objective, Perspective, Theme};

/// Width of the left gutter that carries perspective names.
pub const LABEL_WIDTH: f64 = 150.0;
/// Height of the top strip that carries theme names.
pub const HEADER_HEIGHT: f64 = 44.0;
/// Height of one perspective band.
pub const BAND_HEIGHT: f64 = 180.0;
/// Width of one theme lane (room for two boxes side by side).
pub const LANE_WIDTH: f64 = 420.0;
/// Objective box size.
pub const BOX_WIDTH: f64 = 180.0;
pub const BOX_HEIGHT: f64 = 76.0;
/// Characters per wrapped title line at the box font size, and lines shown.
pub const TITLE_CHARS_PER_LINE: usize = 21;
pub const TITLE_MAX_LINES: usize = 3;

/// A point in map coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle in map coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The rectangle grown by `m` on every side.
    pub fn inflate(self, m: f64) -> Rect {
        Rect {
            x: self.x - m,
            y: self.y - m,
            w: self.w + 2.0 * m,
            h: self.h + 2.0 * m,
        }
    }

    /// Whether the segment a–b passes through the rectangle's interior.
    pub fn hit_by_segment(self, a: Point, b: Point) -> bool {
        // Liang–Barsky clipping: the segment hits if some t in [0,1] lies inside the box.
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        let checks = [
            (-dx, a.x - self.x),
            (dx, self.x + self.w - a.x),
            (-dy, a.y - self.y),
            (dy, self.y + self.h - a.y),
        ];
        for (p, q) in checks {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
                if t0 >= t1 {
                    return false;
                }
            }
        }
        t1 - t0 > 1e-9
    }
}

/// The canvas frame of a map: how many bands and lanes, and its total size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub bands: usize,
    pub lanes: usize,
}

impl Frame {
    /// The frame for a map's perspectives and themes (at least one lane, so a map without themes
    /// still has room).
    pub fn of(perspectives: &[Perspective], themes: &[Theme]) -> Frame {
        Frame {
            bands: perspectives.len().max(1),
            lanes: themes.len().max(1),
        }
    }

    /// Total canvas width.
    pub fn width(self) -> f64 {
        LABEL_WIDTH + self.lanes as f64 * LANE_WIDTH
    }

    /// Total canvas height.
    pub fn height(self) -> f64 {
        HEADER_HEIGHT + self.bands as f64 * BAND_HEIGHT
    }

    /// The band rectangle at `rank` (0 = top).
    pub fn band(self, rank: usize) -> Rect {
        Rect {
            x: 0.0,
            y: HEADER_HEIGHT + rank as f64 * BAND_HEIGHT,
            w: self.width(),
            h: BAND_HEIGHT,
        }
    }

    /// The lane rectangle at `rank` (0 = left), below the header.
    pub fn lane(self, rank: usize) -> Rect {
        Rect {
            x: LABEL_WIDTH + rank as f64 * LANE_WIDTH,
            y: HEADER_HEIGHT,
            w: LANE_WIDTH,
            h: self.bands as f64 * BAND_HEIGHT,
        }
    }

    /// The centre of slot `slot` (0 or 1) of lane `lane` in band `band`: where auto-placement
    /// and the demo put boxes.
    pub fn slot_centre(self, band: usize, lane: usize, slot: usize) -> Point {
        let lane_rect = self.lane(lane);
        let band_rect = self.band(band);
        let quarter = LANE_WIDTH / 4.0;
        Point {
            x: lane_rect.x + quarter * (1.0 + 2.0 * slot.min(1) as f64),
            y: band_rect.y + BAND_HEIGHT / 2.0,
        }
    }

    /// The band index that contains `y`, clamped to the map.
    pub fn band_at(self, y: f64) -> usize {
        let i = ((y - HEADER_HEIGHT) / BAND_HEIGHT).floor();
        (i.max(0.0) as usize).min(self.bands - 1)
    }

    /// The lane index that contains `x`, clamped to the map.
    pub fn lane_at(self, x: f64) -> usize {
        let i = ((x - LABEL_WIDTH) / LANE_WIDTH).floor();
        (i.max(0.0) as usize).min(self.lanes - 1)
    }
}

/// Where a new box should go in `band` near `near_x`: the closest slot centre (then any x on a
/// 20px grid) whose box does not overlap an existing one, so new objectives never land on top
/// of others.
pub fn free_spot(frame: Frame, band: usize, near_x: f64, existing: &[Rect]) -> Point {
    let y = frame.band(band).y + BAND_HEIGHT / 2.0;
    let min_x = LABEL_WIDTH + BOX_WIDTH / 2.0 + 4.0;
    let max_x = frame.width() - BOX_WIDTH / 2.0 - 4.0;
    let free = |x: f64| {
        let candidate = Rect {
            x: x - BOX_WIDTH / 2.0,
            y: y - BOX_HEIGHT / 2.0,
            w: BOX_WIDTH,
            h: BOX_HEIGHT,
        }
        .inflate(6.0);
        !existing.iter().any(|r| overlaps(candidate, *r))
    };
    let mut candidates: Vec<f64> = (0..frame.lanes)
        .flat_map(|l| [0, 1].map(|s| frame.slot_centre(band, l, s).x))
        .collect();
    let mut x = min_x;
    while x <= max_x {
        candidates.push(x);
        x += 20.0;
    }
    candidates.sort_by(|a, b| (a - near_x).abs().total_cmp(&(b - near_x).abs()));
    let x = candidates
        .into_iter()
        .find(|x| free(*x))
        .unwrap_or(near_x.clamp(min_x, max_x));
    Point { x, y }
}

/// The band (0 = top) a perspective is drawn in: its place among the map's perspectives,
/// which are kept top first.
pub fn band_of(perspectives: &[Perspective], id: PerspectiveId) -> Option<usize> {
    perspectives.iter().position(|p| p.id == id)
}

/// The nearest y to `y` at which a box centre keeps the whole box inside band `band`.
pub fn y_in_band(y: f64, band: usize) -> f64 {
    let top = HEADER_HEIGHT + band as f64 * BAND_HEIGHT + BOX_HEIGHT / 2.0;
    let bottom = top + BAND_HEIGHT - BOX_HEIGHT;
    if y.is_nan() {
        top
    } else {
        y.clamp(top, bottom)
    }
}

/// `o` with its box moved (vertically, as little as possible) into its perspective's band, so
/// that where it is drawn and which perspective it belongs to never disagree. Unchanged when its
/// perspective is not among `perspectives` (validation refuses that).
pub fn placed_in_band(o: &Objective, perspectives: &[Perspective]) -> Objective {
    let mut placed = o.clone();
    if let Some(band) = band_of(perspectives, o.perspective_id) {
        placed.y = y_in_band(o.y, band);
    }
    placed
}

/// Whether two rectangles overlap.
pub fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// The box of an objective.
pub fn objective_box(o: &Objective) -> Rect {
    Rect {
        x: o.x - BOX_WIDTH / 2.0,
        y: o.y - BOX_HEIGHT / 2.0,
        w: BOX_WIDTH,
        h: BOX_HEIGHT,
    }
}

/// Characters per line of a perspective name in the left gutter.
pub const LABEL_CHARS_PER_LINE: usize = 13;

/// Wraps a title into at most [`TITLE_MAX_LINES`] lines of about [`TITLE_CHARS_PER_LINE`]
/// characters, breaking at spaces and ending with "…" when cut.
pub fn wrap_title(title: &str) -> Vec<String> {
    wrap_text(title, TITLE_CHARS_PER_LINE, TITLE_MAX_LINES)
}

/// Wraps `text` into at most `max_lines` lines of about `width` characters.
pub fn wrap_text(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            word.chars().take(width - 1).chain(['…']).collect()
        } else {
            word.to_string()
        };
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(width - 1).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    lines
}

/// A routed arrow: a polyline from the driver's edge to the driven objective's edge.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowRoute {
    pub points: Vec<Point>,
}

impl ArrowRoute {
    /// The SVG path data (`M … L …`).
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        for (i, p) in self.points.iter().enumerate() {
            d.push_str(if i == 0 { "M" } else { " L" });
            d.push_str(&format!("{:.1} {:.1}", p.x, p.y));
        }
        d
    }

    /// The point halfway along the arrow (where a mark on it sits).
    pub fn middle(&self) -> Option<Point> {
        let length = |s: &[Point]| ((s[1].x - s[0].x).powi(2) + (s[1].y - s[0].y).powi(2)).sqrt();
        let total: f64 = self.points.windows(2).map(length).sum();
        let mut left = total / 2.0;
        for s in self.points.windows(2) {
            let l = length(s);
            if l >= left && l > 0.0 {
                let t = left / l;
                return Some(Point {
                    x: s[0].x + (s[1].x - s[0].x) * t,
                    y: s[0].y + (s[1].y - s[0].y) * t,
                });
            }
            left -= l;
        }
        self.points.first().copied()
    }

    /// Whether any segment runs through one of `boxes`.
    pub fn crosses_any(&self, boxes: &[Rect]) -> bool {
        self.points
            .windows(2)
            .any(|s| boxes.iter().any(|b| b.hit_by_segment(s[0], s[1])))
    }
}

/// The route of a link on its map, around every other box: what the editable canvas and the
/// read-only status map both draw. `None` when an end is missing.
pub fn link_route(
    doc: &super::model::MapDocument,
    link: &super::model::Link,
) -> Option<ArrowRoute> {
    let from = doc.objectives.iter().find(|o| o.id == link.from_id)?;
    let to = doc.objectives.iter().find(|o| o.id == link.to_id)?;
    let obstacles: Vec<Rect> = doc
        .objectives
        .iter()
        .filter(|o| o.id != from.id && o.id != to.id)
        .map(objective_box)
        .collect();
    Some(route_arrow(from, to, &obstacles))
}

/// Routes an arrow from `from` to `to`, avoiding `obstacles` (the other boxes) when it can:
/// first a straight line between facing edges, then elbow routes through the gap between bands
/// or beside the boxes. Falls back to the straight line when nothing is clear.
pub fn route_arrow(from: &Objective, to: &Objective, obstacles: &[Rect]) -> ArrowRoute {
    let (a, b) = (objective_box(from), objective_box(to));
    let clearance: Vec<Rect> = obstacles.iter().map(|r| r.inflate(4.0)).collect();
    let candidates = candidate_routes(a, b);
    candidates
        .iter()
        .find(|r| !r.crosses_any(&clearance))
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

fn candidate_routes(a: Rect, b: Rect) -> Vec<ArrowRoute> {
    let (acx, acy) = (a.x + a.w / 2.0, a.y + a.h / 2.0);
    let (bcx, bcy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
    let p = |x: f64, y: f64| Point { x, y };
    if (acy - bcy).abs() < a.h {
        // Same band: side to side, or over the top when something sits between.
        let (sx, ex) = if bcx > acx {
            (a.x + a.w, b.x)
        } else {
            (a.x, b.x + b.w)
        };
        let above = a.y.min(b.y) - 18.0;
        return vec![
            ArrowRoute {
                points: vec![p(sx, acy), p(ex, bcy)],
            },
            ArrowRoute {
                points: vec![p(acx, a.y), p(acx, above), p(bcx, above), p(bcx, b.y)],
            },
        ];
    }
    let upward = bcy < acy;
    let (start_y, end_y) = if upward {
        (a.y, b.y + b.h)
    } else {
        (a.y + a.h, b.y)
    };
    // Horizontal runs in the gap next to the target's band or next to the source's band.
    let gap_near_target = if upward {
        b.y + b.h + (BAND_HEIGHT - BOX_HEIGHT) / 2.0
    } else {
        b.y - (BAND_HEIGHT - BOX_HEIGHT) / 2.0
    };
    let gap_near_source = if upward {
        a.y - (BAND_HEIGHT - BOX_HEIGHT) / 2.0
    } else {
        a.y + a.h + (BAND_HEIGHT - BOX_HEIGHT) / 2.0
    };
    let mut routes = vec![
        ArrowRoute {
            points: vec![p(acx, start_y), p(bcx, end_y)],
        },
        ArrowRoute {
            points: vec![
                p(acx, start_y),
                p(acx, gap_near_target),
                p(bcx, gap_near_target),
                p(bcx, end_y),
            ],
        },
        ArrowRoute {
            points: vec![
                p(acx, start_y),
                p(acx, gap_near_source),
                p(bcx, gap_near_source),
                p(bcx, end_y),
            ],
        },
    ];
    // Side channels: run up beside the boxes, in the middle of the gap between slots.
    for side in [-1.0, 1.0] {
        let channel = acx + side * (BOX_WIDTH / 2.0 + 15.0);
        routes.push(ArrowRoute {
            points: vec![
                p(acx, start_y),
                p(acx, gap_near_source),
                p(channel, gap_near_source),
                p(channel, gap_near_target),
                p(bcx, gap_near_target),
                p(bcx, end_y),
            ],
        });
    }
    routes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::*;

    fn obj(x: f64, y: f64) -> Objective {
        Objective::new(MapId::new(), PerspectiveId::new(), "t").with_position(x, y)
    }

    #[test]
    fn wraps_titles_at_word_boundaries() {
        assert_eq!(
            wrap_title("Increase contract renewals"),
            vec!["Increase contract", "renewals"]
        );
        assert_eq!(wrap_title(""), Vec::<String>::new());
        let long = wrap_title("Build a world class knowledge management capability across every single delivery team we have");
        assert_eq!(long.len(), TITLE_MAX_LINES);
        assert!(long.last().unwrap().ends_with('…'));
        assert!(long
            .iter()
            .all(|l| l.chars().count() <= TITLE_CHARS_PER_LINE));
    }

    #[test]
    fn segment_box_intersection() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let p = |x, y| Point { x, y };
        assert!(r.hit_by_segment(p(-5.0, 5.0), p(15.0, 5.0)));
        assert!(!r.hit_by_segment(p(-5.0, 15.0), p(15.0, 15.0)));
        assert!(!r.hit_by_segment(p(-5.0, -5.0), p(-1.0, 20.0)));
        assert!(r.hit_by_segment(p(5.0, 5.0), p(5.0, 6.0)));
    }

    #[test]
    fn frame_geometry() {
        let f = Frame { bands: 4, lanes: 3 };
        assert_eq!(f.band_at(HEADER_HEIGHT + 10.0), 0);
        assert_eq!(f.band_at(HEADER_HEIGHT + 3.5 * BAND_HEIGHT), 3);
        assert_eq!(f.band_at(1e6), 3);
        assert_eq!(f.lane_at(0.0), 0);
        assert_eq!(f.lane_at(LABEL_WIDTH + 2.5 * LANE_WIDTH), 2);
        let c = f.slot_centre(1, 2, 1);
        assert_eq!(f.band_at(c.y), 1);
        assert_eq!(f.lane_at(c.x), 2);
    }

    #[test]
    fn a_box_is_placed_wholly_inside_its_band() {
        let band = |b: usize| Frame { bands: 4, lanes: 1 }.band(b);
        for b in 0..4 {
            let r = band(b);
            for y in [-1e9, 0.0, r.y, r.y + 90.0, r.y + r.h, 1e9, f64::NAN] {
                let placed = y_in_band(y, b);
                assert!(
                    placed - BOX_HEIGHT / 2.0 >= r.y && placed + BOX_HEIGHT / 2.0 <= r.y + r.h,
                    "{y} in band {b} became {placed}"
                );
            }
            // A box already inside stays where it is.
            assert_eq!(y_in_band(r.y + 90.0, b), r.y + 90.0);
        }
    }

    #[test]
    fn an_objective_is_moved_into_its_perspectives_band() {
        let map = MapId::new();
        let perspectives: Vec<Perspective> = ["Financial", "Customer", "Learning"]
            .iter()
            .enumerate()
            .map(|(i, name)| Perspective::new(map, *name, i as i32))
            .collect();
        let frame = Frame::of(&perspectives, &[]);
        // A Customer objective drawn in the Learning band.
        let mut o = obj(400.0, frame.band(2).y + 90.0);
        o.perspective_id = perspectives[1].id;
        let placed = placed_in_band(&o, &perspectives);
        assert_eq!(frame.band_at(placed.y), 1);
        assert_eq!(placed.x, o.x);
        assert_eq!(band_of(&perspectives, perspectives[2].id), Some(2));
        // An unknown perspective is left to validation.
        o.perspective_id = PerspectiveId::new();
        assert_eq!(placed_in_band(&o, &perspectives), o);
    }

    #[test]
    fn new_boxes_avoid_existing_ones() {
        let f = Frame { bands: 2, lanes: 2 };
        let taken = f.slot_centre(0, 0, 0);
        let existing = [objective_box(&obj(taken.x, taken.y))];
        let p = free_spot(f, 0, taken.x, &existing);
        assert_eq!(f.band_at(p.y), 0);
        assert!(!overlaps(objective_box(&obj(p.x, p.y)), existing[0]));
        assert_eq!(
            free_spot(f, 1, taken.x, &existing).x,
            taken.x,
            "another band is free at that x"
        );
    }

    #[test]
    fn arrow_goes_around_a_box_in_the_way() {
        let f = Frame { bands: 3, lanes: 1 };
        let c0 = f.slot_centre(2, 0, 0);
        let c2 = f.slot_centre(0, 0, 0);
        let mid = f.slot_centre(1, 0, 0);
        let (from, to, blocker) = (obj(c0.x, c0.y), obj(c2.x, c2.y), obj(mid.x, mid.y));
        let obstacles = [objective_box(&blocker)];
        let route = route_arrow(&from, &to, &obstacles);
        assert!(!route.crosses_any(&obstacles), "{route:?}");
        assert!(route.points.first().unwrap().y > route.points.last().unwrap().y);
        // With nothing in the way the arrow is straight.
        assert_eq!(route_arrow(&from, &to, &[]).points.len(), 2);
    }
}

/// Whether segments a–b and c–d cross (proper intersection, shared end points excluded).
fn segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let orient =
        |p: Point, q: Point, r: Point| (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Link crossings when every link is drawn centre to centre: the quantity auto-layout reduces.
pub fn crossing_count(
    positions: &std::collections::HashMap<super::ids::ObjectiveId, Point>,
    links: &[super::model::Link],
) -> usize {
    let segs: Vec<(Point, Point)> = links
        .iter()
        .filter_map(|l| Some((*positions.get(&l.from_id)?, *positions.get(&l.to_id)?)))
        .collect();
    let mut n = 0;
    for i in 0..segs.len() {
        for j in i + 1..segs.len() {
            if segs_share_end(segs[i], segs[j]) {
                continue;
            }
            if segments_cross(segs[i].0, segs[i].1, segs[j].0, segs[j].1) {
                n += 1;
            }
        }
    }
    n
}

fn segs_share_end(a: (Point, Point), b: (Point, Point)) -> bool {
    let same = |p: Point, q: Point| (p.x - q.x).abs() < 1e-6 && (p.y - q.y).abs() < 1e-6;
    same(a.0, b.0) || same(a.0, b.1) || same(a.1, b.0) || same(a.1, b.1)
}

/// Arranges every objective in its perspective band and theme lane (objectives without a theme
/// go to the lane with room nearest their neighbours), ordered within each band by the average
/// position of the objectives they link to (barycentre sweeps down and up), which keeps link
/// crossings few. Each band–lane cell holds up to four boxes (two rows of two) without overlap.
pub fn auto_layout(doc: &super::model::MapDocument) -> Vec<(super::ids::ObjectiveId, Point)> {
    use super::ids::ObjectiveId;
    use std::collections::HashMap;
    let frame = Frame::of(&doc.perspectives, &doc.themes);
    let band_of: HashMap<_, usize> = doc
        .perspectives
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let lane_of_theme: HashMap<_, usize> = doc
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i))
        .collect();
    let mut neighbours: HashMap<ObjectiveId, Vec<ObjectiveId>> = HashMap::new();
    for l in &doc.links {
        neighbours.entry(l.from_id).or_default().push(l.to_id);
        neighbours.entry(l.to_id).or_default().push(l.from_id);
    }
    // Start from current x; lanes fixed by theme, unthemed assigned by current x.
    let mut x: HashMap<ObjectiveId, f64> = doc.objectives.iter().map(|o| (o.id, o.x)).collect();
    let lane_for = |o: &super::model::Objective, x: f64| match o
        .theme_id
        .and_then(|t| lane_of_theme.get(&t))
    {
        Some(l) => *l,
        None => frame.lane_at(x),
    };
    let mut placed: HashMap<ObjectiveId, Point> = HashMap::new();
    for _sweep in 0..4 {
        placed.clear();
        for band in 0..frame.bands {
            let mut in_band: Vec<&super::model::Objective> = doc
                .objectives
                .iter()
                .filter(|o| band_of.get(&o.perspective_id).copied().unwrap_or(0) == band)
                .collect();
            // Barycentre of linked objectives' current x (own x when unlinked).
            let bary = |o: &super::model::Objective| {
                let ns = neighbours.get(&o.id).map(Vec::as_slice).unwrap_or_default();
                let xs: Vec<f64> = ns.iter().filter_map(|n| x.get(n)).copied().collect();
                if xs.is_empty() {
                    x.get(&o.id).copied().unwrap_or(o.x)
                } else {
                    xs.iter().sum::<f64>() / xs.len() as f64
                }
            };
            in_band.sort_by(|a, b| bary(a).total_cmp(&bary(b)).then(a.id.cmp(&b.id)));
            let mut cells: Vec<Vec<ObjectiveId>> = vec![Vec::new(); frame.lanes];
            for o in &in_band {
                let mut lane = lane_for(o, bary(o));
                if o.theme_id.is_none() && cells[lane].len() >= 4 {
                    // Unthemed: the nearest lane with room.
                    if let Some(free) = (0..frame.lanes)
                        .filter(|l| cells[*l].len() < 4)
                        .min_by_key(|l| l.abs_diff(lane))
                    {
                        lane = free;
                    }
                }
                cells[lane].push(o.id);
            }
            for (lane, ids) in cells.iter().enumerate() {
                for (k, p) in cell_positions(frame, band, lane, ids.len())
                    .into_iter()
                    .enumerate()
                {
                    placed.insert(ids[k], p);
                }
            }
        }
        for (id, p) in &placed {
            x.insert(*id, p.x);
        }
    }
    let mut out: Vec<_> = placed.into_iter().collect();
    out.sort_by_key(|(id, _)| *id);
    out
}

/// Box centres for `n` boxes in one band–lane cell, left to right (two rows beyond two).
fn cell_positions(frame: Frame, band: usize, lane: usize, n: usize) -> Vec<Point> {
    let centre_y = frame.band(band).y + BAND_HEIGHT / 2.0;
    match n {
        0 => vec![],
        1 => {
            let a = frame.slot_centre(band, lane, 0);
            let b = frame.slot_centre(band, lane, 1);
            vec![Point {
                x: (a.x + b.x) / 2.0,
                y: centre_y,
            }]
        }
        2 => vec![
            frame.slot_centre(band, lane, 0),
            frame.slot_centre(band, lane, 1),
        ],
        _ => {
            let cols = n.div_ceil(2);
            let lane_rect = frame.lane(lane);
            let row_offset = (BOX_HEIGHT / 2.0 + 6.0).min(BAND_HEIGHT / 4.0);
            (0..n)
                .map(|k| {
                    let (col, row) = (k / 2, k % 2);
                    let step = LANE_WIDTH / cols as f64;
                    let stagger = if row == 1 { row_offset } else { -row_offset };
                    Point {
                        x: lane_rect.x + step * (col as f64 + 0.5),
                        y: centre_y + stagger,
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod auto_layout_tests {
    use super::*;
    use crate::domain::model::*;
    use std::collections::HashMap;

    fn doc_with(n_per_band: usize) -> MapDocument {
        let doc = crate::domain::fixtures::acme_doc();
        let map_id = doc.map.id;
        let themes: Vec<Theme> = (0..2)
            .map(|i| Theme::new(map_id, format!("T{i}"), "#123456", i))
            .collect();
        let mut objectives = Vec::new();
        for (b, p) in doc.perspectives.iter().enumerate() {
            for k in 0..n_per_band {
                objectives.push(
                    Objective::new(map_id, p.id, format!("O{b}{k}"))
                        .with_theme((k % 3 != 2).then(|| themes[k % 2].id))
                        // Scrambled: everything piled in one corner.
                        .with_position(200.0 + (k * 37 % 5) as f64, 60.0),
                );
            }
        }
        // Links between consecutive bands, crossing on purpose.
        let mut links = Vec::new();
        for b in 0..3 {
            for k in 0..n_per_band {
                let from = objectives[(b + 1) * n_per_band + k].id;
                let to = objectives[b * n_per_band + (n_per_band - 1 - k)].id;
                links.push(Link::new(map_id, from, to));
            }
        }
        MapDocument {
            themes,
            objectives,
            links,
            ..doc
        }
    }

    #[test]
    fn every_objective_lands_in_its_band_and_lane_without_overlap() {
        let doc = doc_with(4);
        let frame = Frame::of(&doc.perspectives, &doc.themes);
        let placed: HashMap<_, _> = auto_layout(&doc).into_iter().collect();
        assert_eq!(placed.len(), doc.objectives.len());
        for o in &doc.objectives {
            let p = placed[&o.id];
            let band = doc
                .perspectives
                .iter()
                .position(|x| x.id == o.perspective_id)
                .unwrap();
            assert_eq!(frame.band_at(p.y), band, "{}", o.title);
            if let Some(t) = o.theme_id {
                assert_eq!(doc.themes[frame.lane_at(p.x)].id, t, "{}", o.title);
            }
        }
        let boxes: Vec<Rect> = placed
            .values()
            .map(|p| Rect {
                x: p.x - BOX_WIDTH / 2.0,
                y: p.y - BOX_HEIGHT / 2.0,
                w: BOX_WIDTH,
                h: BOX_HEIGHT,
            })
            .collect();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                assert!(!overlaps(boxes[i], boxes[j]), "boxes {i} and {j} overlap");
            }
        }
    }

    #[test]
    fn layout_has_no_more_crossings_than_a_naive_order() {
        let doc = doc_with(4);
        let placed: HashMap<_, _> = auto_layout(&doc).into_iter().collect();
        // Naive: keep the input order inside each cell.
        let frame = Frame::of(&doc.perspectives, &doc.themes);
        let mut naive = HashMap::new();
        for (b, p) in doc.perspectives.iter().enumerate() {
            let in_band: Vec<_> = doc
                .objectives
                .iter()
                .filter(|o| o.perspective_id == p.id)
                .collect();
            for (k, o) in in_band.iter().enumerate() {
                naive.insert(
                    o.id,
                    Point {
                        x: LABEL_WIDTH + 100.0 + 190.0 * k as f64,
                        y: frame.band(b).y + BAND_HEIGHT / 2.0,
                    },
                );
            }
        }
        let after = crossing_count(&placed, &doc.links);
        let before = crossing_count(&naive, &doc.links);
        assert!(
            after <= before,
            "auto-layout {after} crossings, naive {before}"
        );
        // Stable: laying out a laid-out map changes nothing.
        let mut again = doc.clone();
        for o in &mut again.objectives {
            let p = placed[&o.id];
            o.x = p.x;
            o.y = p.y;
        }
        let second: HashMap<_, _> = auto_layout(&again).into_iter().collect();
        assert_eq!(crossing_count(&second, &doc.links), after);
    }
}
