//! Map geometry shared by the SSR render, the browser canvas and tests: where bands, lanes and
//! boxes sit, how titles wrap, and how an arrow is routed so it does not run through other boxes.

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

    /// Whether any segment runs through one of `boxes`.
    pub fn crosses_any(&self, boxes: &[Rect]) -> bool {
        self.points
            .windows(2)
            .any(|s| boxes.iter().any(|b| b.hit_by_segment(s[0], s[1])))
    }
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
        Objective {
            id: ObjectiveId::new(),
            map_id: MapId::new(),
            perspective_id: PerspectiveId::new(),
            theme_id: None,
            title: "t".into(),
            description: String::new(),
            owner_id: None,
            x,
            y,
        }
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
