//! The state of an open map page, as signals: the document being drawn (the live replica's
//! view), the connection, the people in the room, and this user's selection and viewport.

use crate::domain::hypothesis::{self, MapHypotheses};
use crate::domain::scores::{MapScores, ScoreData, ScoreModel, Subject};
use crate::domain::scoring::Span;
use crate::domain::{
    InitiativeSummary, LinkId, MapDocument, MapRights, MeasureId, ObjectiveId, Period, Person,
};
use leptos::prelude::*;
use std::sync::Arc;

pub use crate::live::{ConnStatus, LiveMap, View};

/// What is selected on the canvas.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Selection {
    pub objectives: Vec<ObjectiveId>,
    pub link: Option<LinkId>,
    /// A measure of the selected objective open in the side panel's editor.
    pub measure: Option<MeasureId>,
}

/// Which page of the side panel shows when nothing is being edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PanelTab {
    #[default]
    Details,
    Health,
    /// Who changed the selection (or the map) and when.
    History,
    /// The comment threads on the selected objective or measure.
    Comments,
}

/// Every signal of the map page, `Copy` so closures can share it: the live connection's own
/// (`live`, reached as `state.doc`, `state.status`… through `Deref`) and the page's.
#[derive(Clone, Copy)]
pub struct MapState {
    /// The signals the live connection drives (the document, the connection, the room).
    pub live: LiveMap,
    pub selection: RwSignal<Selection>,
    pub editing: RwSignal<Option<ObjectiveId>>,
    /// The map's targets and readings and the server's current month, once loaded.
    pub score_data: RwSignal<Option<(ScoreData, Period)>>,
    /// The month, quarter or year the statuses are shown for.
    pub span: RwSignal<Option<Span>>,
    /// Whether objectives are coloured by status.
    pub show_status: RwSignal<bool>,
    /// The score model of the current document and data (the same pure code the server uses),
    /// rebuilt whenever either changes; charts and "why" views read it.
    pub model: Memo<Option<Arc<ScoreModel>>>,
    /// Every score for `span`, recomputed whenever the model or the span changes.
    pub scores: Memo<Option<MapScores>>,
    /// Every arrow tested against the data (the same pure code as the Hypotheses page), so
    /// the marks on the arrows follow new data and changed expectations at once.
    pub hypotheses: Memo<Option<MapHypotheses>>,
    /// The initiatives moving this map's objectives (loaded once with the page).
    pub initiatives: RwSignal<Vec<InitiativeSummary>>,
    /// The organisation's currency (ISO 4217), in which the initiatives' money is shown.
    pub currency: RwSignal<Option<String>>,
    /// The status whose "why" is open.
    pub why: RwSignal<Option<Subject>>,
    /// The side panel's page.
    pub tab: RwSignal<PanelTab>,
    /// Everyone whose name the page knows, by name: the people the map names and, for those who
    /// may edit, who may be picked as an owner. The owner pickers list them.
    pub people: RwSignal<Vec<Person>>,
    /// What this user may do on the map by their role (edit it, enter its data), as the page
    /// loaded it: decides which links and hints show.
    pub rights: RwSignal<MapRights>,
    /// A delete waiting for the user to confirm it (see `confirm`).
    pub delete_request: RwSignal<Option<super::confirm::PendingDelete>>,
    /// Objectives drawn as partners of what is selected in the cascade workshop's other pane.
    pub partners: RwSignal<Vec<ObjectiveId>>,
    /// Whether this user's attention is in the workshop's other pane (shared with presence).
    pub elsewhere: RwSignal<bool>,
    /// A proposal's changes drawn over the map (see `proposals::DiffLayer`); empty: none.
    pub diff: RwSignal<Vec<crate::domain::proposal::Change>>,
}

impl MapState {
    /// State around a freshly loaded document.
    pub fn new(doc: MapDocument) -> MapState {
        let people = doc.people.clone();
        let live = LiveMap::new(doc);
        let doc = live.doc;
        let score_data: RwSignal<Option<(ScoreData, Period)>> = RwSignal::new(None);
        let span: RwSignal<Option<Span>> = RwSignal::new(None);
        let model = Memo::new_with_compare(
            move |_| {
                score_data.with(|data| {
                    let (data, today) = data.as_ref()?;
                    Some(Arc::new(doc.with(|d| ScoreModel::new(d, data, *today))))
                })
            },
            |_, _| true,
        );
        let scores = Memo::new(move |_| {
            let span = span.get()?;
            model.with(|m| m.as_ref().map(|m| m.span(span)))
        });
        let hypotheses = Memo::new(move |_| {
            score_data.with(|data| {
                let (data, today) = data.as_ref()?;
                model.with(|m| {
                    m.as_ref()
                        .map(|m| doc.with(|d| hypothesis::test_map_with(d, m, data, *today)))
                })
            })
        });
        let selection = RwSignal::new(Selection::default());
        prune_selection(doc, selection);
        MapState {
            live,
            selection,
            editing: RwSignal::new(None),
            score_data,
            span,
            show_status: RwSignal::new(true),
            model,
            scores,
            hypotheses,
            initiatives: RwSignal::new(Vec::new()),
            currency: RwSignal::new(None),
            why: RwSignal::new(None),
            tab: RwSignal::new(PanelTab::Details),
            people: RwSignal::new(people),
            rights: RwSignal::new(MapRights::default()),
            delete_request: RwSignal::new(None),
            partners: RwSignal::new(Vec::new()),
            elsewhere: RwSignal::new(false),
            diff: RwSignal::new(Vec::new()),
        }
    }

    /// The same state shown read-only whatever the user's role (the parent map in the cascade
    /// workshop): the live connection never offers editing.
    pub fn view_only(self) -> MapState {
        MapState {
            live: LiveMap {
                view_only: true,
                ..self.live
            },
            ..self
        }
    }

    /// What this user shares about their place on this map: the pointer (`None` when it is
    /// off the canvas), the selection, the title being typed, the viewport and which pane has
    /// their attention.
    pub fn presence(
        &self,
        cursor: Option<crate::domain::layout::Point>,
    ) -> crate::domain::ops::PresenceState {
        crate::domain::ops::PresenceState {
            cursor: cursor.map(|p| crate::domain::ops::Position { x: p.x, y: p.y }),
            selection: self.selection.with_untracked(|s| s.objectives.clone()),
            editing: self.editing.get_untracked(),
            viewport: Some(
                self.doc
                    .with_untracked(|d| self.view.get_untracked().viewport(d)),
            ),
            elsewhere: self.elsewhere.get_untracked(),
            writing: None,
        }
    }

    /// The single selected objective, if exactly one is.
    pub fn selected_one(&self) -> Option<ObjectiveId> {
        self.selection
            .with(|s| (s.objectives.len() == 1).then(|| s.objectives[0]))
    }
}

/// Drops selected objectives and links that no longer exist (someone deleted them, or an undo
/// did) whenever the document changes.
fn prune_selection(doc: RwSignal<MapDocument>, selection: RwSignal<Selection>) {
    Effect::new(move |_| {
        let (ids, links): (Vec<ObjectiveId>, Vec<LinkId>) = doc.with(|d| {
            (
                d.objectives.iter().map(|o| o.id).collect(),
                d.links.iter().map(|l| l.id).collect(),
            )
        });
        let stale = selection.with_untracked(|sel| {
            sel.objectives.iter().any(|o| !ids.contains(o))
                || sel.link.is_some_and(|l| !links.contains(&l))
        });
        if stale {
            selection.update(|sel| {
                sel.objectives.retain(|o| ids.contains(o));
                sel.link = sel.link.filter(|l| links.contains(l));
            });
        }
    });
}

/// The live connection's signals read as the page's own (`state.doc`, `state.notice`…).
impl std::ops::Deref for MapState {
    type Target = LiveMap;

    fn deref(&self) -> &LiveMap {
        &self.live
    }
}

/// The live connection drives only the signals it owns; the page hands them over.
impl From<MapState> for LiveMap {
    fn from(s: MapState) -> LiveMap {
        s.live
    }
}
