//! The board feed: the read-only live protocol of a board of dashboards, shared by browser and
//! server. Two kinds of screen subscribe to it: a **display** (the meeting-room screen a display
//! link opens, at `/ws/display/{secret}`; "display" in Cairn means only that) and a signed-in
//! dashboard page (`/ws/dashboards/{id}`).
//!
//! JSON over a WebSocket. On connect (and on every reconnect) the server sends the whole board
//! (`welcome`); afterwards only what changed: `data` carries the cells of a map's actuals and
//! targets that changed (a [`DataDelta`], applied in order, each cell set to its latest value so a
//! repeated or stale delta is corrected by the next one), `map` the map's new document after an
//! edit. `gone` says the link was revoked or never existed (or the dashboard was deleted); the
//! screen then stops reconnecting. The client only ever sends `ping`.

use super::dashboard::Board;
use super::ids::{DashboardId, DisplayLinkId, MapId};
use super::model::{MapDocument, MeasurePeriod, Target};
use super::scores::{Reading, ScoreData};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The display link's own settings, as the screen needs them. A signed-in dashboard page uses
/// the same live subscription without a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedInfo {
    /// The link the screen opened; `None` on a signed-in dashboard page.
    pub link_id: Option<DisplayLinkId>,
    pub name: String,
    /// Seconds per dashboard when it rotates through several.
    pub rotate_seconds: u32,
}

/// What a feed's screen shows: its settings and the board of its dashboards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedView {
    pub info: FeedInfo,
    pub board: Board,
}

/// Why a display link shows nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoneReason {
    /// An admin revoked it (HTTP 410).
    Revoked,
    /// No link has this secret (HTTP 404).
    Unknown,
    /// The dashboard a signed-in page watches was deleted.
    Deleted,
    /// The admin who made the link no longer administers its unit (or left), so the link
    /// shows nothing more (HTTP 410).
    Withdrawn,
}

impl GoneReason {
    /// The screen's heading for it, in `locale`.
    pub fn title(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            GoneReason::Revoked => td_string!(locale, display.gone.revoked.title),
            GoneReason::Unknown => td_string!(locale, display.gone.unknown.title),
            GoneReason::Deleted => td_string!(locale, display.gone.deleted.title),
            GoneReason::Withdrawn => td_string!(locale, display.gone.withdrawn.title),
        }
    }

    /// What the screen says, in `locale`, readable from across the room.
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            GoneReason::Revoked => td_string!(locale, display.gone.revoked.message),
            GoneReason::Unknown => td_string!(locale, display.gone.unknown.message),
            GoneReason::Deleted => td_string!(locale, display.gone.deleted.message),
            GoneReason::Withdrawn => td_string!(locale, display.gone.withdrawn.message),
        }
    }

    /// The reason a refusal's message names (the server sends the message as the error).
    pub fn of_message(message: &str) -> Option<GoneReason> {
        [
            GoneReason::Revoked,
            GoneReason::Unknown,
            GoneReason::Deleted,
            GoneReason::Withdrawn,
        ]
        .into_iter()
        .find(|r| r.message() == message)
    }

    /// English, for logs and the wire: the message the server sends with a refusal, by which
    /// [`GoneReason::of_message`] knows the reason again. Screens show [`GoneReason::text`].
    pub fn message(self) -> &'static str {
        self.text(crate::i18n::Locale::en)
    }
}

/// What display screens must hear about besides data: a link revoked (its screens show "link
/// revoked" and close) or a dashboard saved or deleted (its screens reload the board). Travels
/// between server instances on the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedEvent {
    Revoked {
        link_id: DisplayLinkId,
    },
    DashboardChanged {
        dashboard_id: DashboardId,
    },
    /// An initiative of the map's unit changed: boards showing the map greet their screens anew.
    InitiativesChanged {
        map_id: MapId,
    },
}

/// Server → display.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedMsg {
    /// Everything, now: sent on connect, after a dashboard was edited, and after a lag.
    Welcome {
        view: Box<FeedView>,
    },
    /// New actuals or targets on a map.
    Data {
        map_id: MapId,
        delta: DataDelta,
    },
    /// A map was edited (renamed objectives, new measures, weights…): its new document.
    Map {
        doc: Box<MapDocument>,
    },
    /// The link is revoked or unknown; the connection closes.
    Gone {
        reason: GoneReason,
        message: String,
    },
    Pong,
}

/// Display → server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedClientMsg {
    Ping,
}

/// The cells of a map's data that changed: readings and targets set to new values, and those
/// removed. Applying it sets each cell to the value it names, so it is idempotent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataDelta {
    pub readings: Vec<Reading>,
    pub removed_readings: Vec<MeasurePeriod>,
    pub targets: Vec<Target>,
    pub removed_targets: Vec<MeasurePeriod>,
}

fn cell(m: super::ids::MeasureId, p: super::period::Period) -> MeasurePeriod {
    MeasurePeriod {
        measure_id: m,
        period: p,
    }
}

impl DataDelta {
    /// What turns `old` into `new`.
    pub fn between(old: &ScoreData, new: &ScoreData) -> DataDelta {
        let old_readings: HashMap<MeasurePeriod, f64> = old
            .readings
            .iter()
            .map(|r| (cell(r.measure_id, r.period), r.value))
            .collect();
        let new_readings: HashMap<MeasurePeriod, f64> = new
            .readings
            .iter()
            .map(|r| (cell(r.measure_id, r.period), r.value))
            .collect();
        let old_targets: HashMap<MeasurePeriod, (f64, f64)> = old
            .targets
            .iter()
            .map(|t| (cell(t.measure_id, t.period), (t.goal, t.red_flag)))
            .collect();
        let new_targets: HashMap<MeasurePeriod, (f64, f64)> = new
            .targets
            .iter()
            .map(|t| (cell(t.measure_id, t.period), (t.goal, t.red_flag)))
            .collect();
        DataDelta {
            readings: new
                .readings
                .iter()
                .filter(|r| {
                    old_readings
                        .get(&cell(r.measure_id, r.period))
                        .is_none_or(|v| v.to_bits() != r.value.to_bits())
                })
                .copied()
                .collect(),
            removed_readings: old
                .readings
                .iter()
                .map(|r| cell(r.measure_id, r.period))
                .filter(|c| !new_readings.contains_key(c))
                .collect(),
            targets: new
                .targets
                .iter()
                .filter(|t| {
                    old_targets
                        .get(&cell(t.measure_id, t.period))
                        .is_none_or(|(g, r)| {
                            g.to_bits() != t.goal.to_bits() || r.to_bits() != t.red_flag.to_bits()
                        })
                })
                .cloned()
                .collect(),
            removed_targets: old
                .targets
                .iter()
                .map(|t| cell(t.measure_id, t.period))
                .filter(|c| !new_targets.contains_key(c))
                .collect(),
        }
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.readings.is_empty()
            && self.removed_readings.is_empty()
            && self.targets.is_empty()
            && self.removed_targets.is_empty()
    }

    /// The number of cells it sets or removes (what a display counts as applied updates).
    pub fn cells(&self) -> usize {
        self.readings.len()
            + self.removed_readings.len()
            + self.targets.len()
            + self.removed_targets.len()
    }

    /// Sets every named cell of `data` to its new value (adding or removing cells).
    pub fn apply(&self, data: &mut ScoreData) {
        if self.is_empty() {
            return;
        }
        let gone_r: HashSet<MeasurePeriod> = self
            .removed_readings
            .iter()
            .copied()
            .chain(self.readings.iter().map(|r| cell(r.measure_id, r.period)))
            .collect();
        data.readings
            .retain(|r| !gone_r.contains(&cell(r.measure_id, r.period)));
        data.readings.extend(self.readings.iter().copied());
        let gone_t: HashSet<MeasurePeriod> = self
            .removed_targets
            .iter()
            .copied()
            .chain(self.targets.iter().map(|t| cell(t.measure_id, t.period)))
            .collect();
        data.targets
            .retain(|t| !gone_t.contains(&cell(t.measure_id, t.period)));
        data.targets.extend(self.targets.iter().cloned());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gone_screens_speak_the_page_language() {
        use crate::i18n::Locale::{de, en};
        assert_eq!(GoneReason::Revoked.title(de), "Link widerrufen");
        assert_eq!(GoneReason::Revoked.title(en), "Link revoked");
        assert!(GoneReason::Unknown
            .text(de)
            .starts_with("Diesen Display-Link gibt es nicht"));
        for r in [
            GoneReason::Revoked,
            GoneReason::Unknown,
            GoneReason::Deleted,
            GoneReason::Withdrawn,
        ] {
            assert_eq!(GoneReason::of_message(r.message()), Some(r));
            assert_eq!(r.message(), r.text(en));
        }
    }

    use super::*;
    use crate::domain::{MeasureId, Period};

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn sorted(mut d: ScoreData) -> ScoreData {
        d.readings.sort_by_key(|a| (a.measure_id, a.period));
        d.targets.sort_by_key(|a| (a.measure_id, a.period));
        d
    }

    fn data(m: MeasureId, readings: &[(&str, f64)], targets: &[(&str, f64, f64)]) -> ScoreData {
        ScoreData {
            readings: readings
                .iter()
                .map(|(q, v)| Reading {
                    measure_id: m,
                    period: p(q),
                    value: *v,
                })
                .collect(),
            targets: targets
                .iter()
                .map(|(q, g, r)| Target {
                    measure_id: m,
                    period: p(q),
                    goal: *g,
                    red_flag: *r,
                })
                .collect(),
            ..ScoreData::default()
        }
    }

    #[test]
    fn a_delta_turns_old_into_new_and_names_only_changes() {
        let m = MeasureId::new();
        let old = data(
            m,
            &[("2026-01", 1.0), ("2026-02", 2.0), ("2026-03", 3.0)],
            &[("2026-01", 5.0, 1.0)],
        );
        let new = data(
            m,
            &[("2026-01", 1.0), ("2026-02", 20.0), ("2026-04", 4.0)],
            &[("2026-01", 6.0, 1.0), ("2026-02", 5.0, 1.0)],
        );
        let delta = DataDelta::between(&old, &new);
        assert_eq!(delta.readings.len(), 2, "changed February, new April");
        assert_eq!(delta.removed_readings, vec![cell(m, p("2026-03"))]);
        assert_eq!(delta.targets.len(), 2);
        assert!(delta.removed_targets.is_empty());
        assert_eq!(delta.cells(), 5);
        let mut patched = old.clone();
        delta.apply(&mut patched);
        assert_eq!(sorted(patched.clone()), sorted(new.clone()));
        // Idempotent: applying again changes nothing; no change gives an empty delta.
        delta.apply(&mut patched);
        assert_eq!(sorted(patched), sorted(new.clone()));
        assert!(DataDelta::between(&new, &new).is_empty());
    }

    #[test]
    fn a_stale_delta_is_corrected_by_the_next_one() {
        // The screen got a newer board first, then an older delta, then the newer delta.
        let m = MeasureId::new();
        let s0 = data(m, &[("2026-01", 1.0)], &[]);
        let s1 = data(m, &[("2026-01", 2.0)], &[]);
        let s2 = data(m, &[("2026-01", 3.0)], &[]);
        let mut screen = s2.clone();
        DataDelta::between(&s0, &s1).apply(&mut screen);
        DataDelta::between(&s1, &s2).apply(&mut screen);
        assert_eq!(screen, s2);
    }

    #[test]
    fn messages_are_tagged_json() {
        let msg = FeedMsg::Gone {
            reason: GoneReason::Revoked,
            message: GoneReason::Revoked.message().into(),
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert!(
            json.contains(r#""type":"gone""#) && json.contains(r#""reason":"revoked""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<FeedMsg>(&json).unwrap(), msg);
        assert_eq!(
            serde_json::to_string(&FeedClientMsg::Ping).unwrap(),
            r#"{"type":"ping"}"#
        );
    }

    #[test]
    fn a_withdrawn_link_is_not_called_revoked() {
        let reason = GoneReason::of_message(GoneReason::Withdrawn.message());
        assert_eq!(reason, Some(GoneReason::Withdrawn));
        assert_eq!(
            GoneReason::Withdrawn.title(crate::i18n::Locale::en),
            "Link withdrawn"
        );
        assert_eq!(GoneReason::of_message("something else"), None);
    }
}
