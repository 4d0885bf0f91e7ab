//! Proposals on the map: the changes a unit proposes to its parent's map, drawn on that map as
//! a diff (new objectives and arrows in green, removed arrows struck through in red, reworded
//! titles as old → new); the parent's editors accept or decline them from the map page, and a
//! unit's editors who may not edit the parent compose them in the cascade workshop.

use super::state::MapState;
use crate::api::proposals::{decide_proposal, map_proposals, propose_change, Decision};
use crate::domain::edits;
use crate::domain::layout::{self, BOX_HEIGHT, BOX_WIDTH};
use crate::domain::ops::{self, EntityKind, Field, NewEntity, Op};
use crate::domain::proposal::{
    self, Change, ProposalDraft, ProposalList, ProposalStatus, ProposalView,
};
use crate::domain::{
    LinkId, MapDocument, MapId, Objective, ObjectiveId, PerspectiveId, ProposalId,
};
use crate::i18n::*;
use leptos::prelude::*;

/// The diff of the proposal shown on the canvas (`state.diff`), drawn over the map; the
/// proposal's list beside it says the same in words.
#[component]
pub fn DiffLayer(state: MapState) -> impl IntoView {
    move || {
        let changes = state.diff.get();
        if changes.is_empty() {
            return None;
        }
        Some(state.doc.with(|d| diff_drawing(d, &changes)))
    }
}

/// `changes` drawn over `doc` (in map coordinates): new objectives and arrows in green,
/// removed ones struck through in red, reworded titles as old → new. The proposal diff on the
/// live map and the version compare page draw with it.
pub fn diff_drawing(doc: &MapDocument, changes: &[Change]) -> AnyView {
    let added = added_objectives(changes);
    let find = |id: ObjectiveId| {
        doc.objectives
            .iter()
            .chain(added.iter())
            .find(|o| o.id == id)
            .cloned()
    };
    let arrow = |from: ObjectiveId, to: ObjectiveId| {
        let (from, to) = (find(from)?, find(to)?);
        Some(layout::route_arrow(&from, &to, &[]).svg_path())
    };
    let drawn = changes
        .iter()
        .filter_map(|c| match c {
            Change::Add { objective } => Some(boxed(objective, "diff-add", None)),
            Change::Reword {
                objective_id, to, ..
            } => find(*objective_id).map(|o| {
                let old = o.title.clone();
                boxed(
                    &Objective {
                        title: to.clone(),
                        ..o
                    },
                    "diff-reword",
                    Some(old),
                )
            }),
            Change::Remove { objective_id } => {
                find(*objective_id).map(|o| boxed(&o, "diff-remove", None))
            }
            Change::Link { link } => arrow(link.from_id, link.to_id).map(|d| {
                view! { <path class="diff-link" d=d marker-end="url(#arrow)"/> }.into_any()
            }),
            Change::Unlink { from_id, to_id, .. } => arrow(*from_id, *to_id)
                .map(|d| view! { <path class="diff-unlink" d=d/> }.into_any()),
        })
        .collect_view();
    view! { <g class="proposal-diff" aria-hidden="true">{drawn}</g> }.into_any()
}

/// An objective's box drawn as a change: new (green) or reworded (its old title struck
/// through above the new one).
fn boxed(o: &Objective, class: &'static str, old: Option<String>) -> AnyView {
    let r = layout::objective_box(o);
    let lines = layout::wrap_title(&o.title);
    let first_y = r.y + BOX_HEIGHT / 2.0 - 9.0 * (lines.len() as f64 - 1.0) + 5.0;
    let old = old.map(|t| {
        let shown: String = if t.chars().count() > 34 {
            format!("{}…", t.chars().take(33).collect::<String>())
        } else {
            t
        };
        view! { <text class="diff-old" x=r.x + BOX_WIDTH / 2.0 y=r.y - 8.0 text-anchor="middle">{shown}</text> }
    });
    let struck = (class == "diff-remove").then(|| {
        view! { <line class="diff-strike" x1=r.x + 6.0 y1=r.y + BOX_HEIGHT - 6.0 x2=r.x + BOX_WIDTH - 6.0 y2=r.y + 6.0/> }
    });
    view! {
        <g class=class>
            <rect x=r.x - 4.0 y=r.y - 4.0 width=BOX_WIDTH + 8.0 height=BOX_HEIGHT + 8.0 rx=12/>
            {struck}
            {old}
            <text class="diff-title" text-anchor="middle">
                {lines.into_iter().enumerate().map(|(j, l)| view! {
                    <tspan x=r.x + BOX_WIDTH / 2.0 y=first_y + 18.0 * j as f64>{l}</tspan>
                }).collect_view()}
            </text>
        </g>
    }
    .into_any()
}

/// The objectives a list of changes adds.
fn added_objectives(changes: &[Change]) -> Vec<Objective> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Add { objective } => Some(objective.clone()),
            _ => None,
        })
        .collect()
}

/// One change in words as a proposal asks for it ("Add …"), with the titles it names as `doc`
/// (and the proposal's own new objectives) has them.
pub fn change_text(locale: Locale, doc: &MapDocument, changes: &[Change], c: &Change) -> String {
    change_words(locale, doc, changes, c, Phrasing::Proposed)
}

/// How a change is told: asked for (a proposal) or made (between two versions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrasing {
    Proposed,
    Made,
}

/// One change in words, asked for or made, with the titles it names as `doc` (and the changes'
/// own new objectives) has them.
pub fn change_words(
    locale: Locale,
    doc: &MapDocument,
    changes: &[Change],
    c: &Change,
    phrasing: Phrasing,
) -> String {
    let added = added_objectives(changes);
    let title = |id: ObjectiveId| {
        doc.objectives
            .iter()
            .chain(added.iter())
            .find(|o| o.id == id)
            .map(|o| o.title.clone())
            .unwrap_or_default()
    };
    let made = phrasing == Phrasing::Made;
    match c {
        Change::Add { objective } => {
            let perspective = doc
                .perspectives
                .iter()
                .find(|p| p.id == objective.perspective_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let title = &objective.title;
            match made {
                true => td_string!(locale, versions.change.add, title, perspective).to_string(),
                false => {
                    td_string!(locale, cascade.proposal.change_add, title, perspective).to_string()
                }
            }
        }
        Change::Reword { from, to, .. } => match made {
            true => td_string!(locale, versions.change.reword, from, to).to_string(),
            false => td_string!(locale, cascade.proposal.change_reword, from, to).to_string(),
        },
        Change::Remove { objective_id } => {
            let title = title(*objective_id);
            match made {
                true => td_string!(locale, versions.change.remove, title).to_string(),
                false => td_string!(locale, cascade.proposal.change_remove, title).to_string(),
            }
        }
        Change::Link { link } => {
            let (from, to) = (title(link.from_id), title(link.to_id));
            match made {
                true => td_string!(locale, versions.change.link, from, to).to_string(),
                false => td_string!(locale, cascade.proposal.change_link, from, to).to_string(),
            }
        }
        Change::Unlink { from_id, to_id, .. } => {
            let (from, to) = (title(*from_id), title(*to_id));
            match made {
                true => td_string!(locale, versions.change.unlink, from, to).to_string(),
                false => td_string!(locale, cascade.proposal.change_unlink, from, to).to_string(),
            }
        }
    }
}

/// A proposal's status in words, with who decided it.
fn status_text(locale: Locale, v: &ProposalView) -> String {
    let p = &v.proposal;
    let name = p.decided_by.clone().unwrap_or_default();
    match p.status {
        ProposalStatus::Open if v.stale.is_some() => {
            td_string!(locale, cascade.proposal.status_stale).to_string()
        }
        ProposalStatus::Open => td_string!(locale, cascade.proposal.status_open).to_string(),
        ProposalStatus::Accepted => {
            td_string!(locale, cascade.proposal.status_accepted, name).to_string()
        }
        ProposalStatus::Declined => {
            td_string!(locale, cascade.proposal.status_declined, name).to_string()
        }
    }
}

/// Loads `map`'s proposals into `list` (in the browser; the page renders without them).
fn load_list(map: MapId, list: RwSignal<Option<ProposalList>>, error: RwSignal<Option<String>>) {
    let locale = current_locale();
    leptos::task::spawn_local(async move {
        match map_proposals(map).await {
            Ok(l) => list.set(Some(l)),
            Err(e) => error.set(Some(e.text(locale))),
        }
    });
}

/// The proposals made to this map, for its editors on the map page: each with its reason and
/// changes, shown on the canvas on request, and accepted or declined there.
#[component]
pub fn Incoming(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let map = state.doc.with_untracked(|d| d.map.id);
    let list = RwSignal::new(None::<ProposalList>);
    let error = RwSignal::new(None::<String>);
    let shown = RwSignal::new(None::<ProposalId>);
    // Loaded at once, and again whenever the server says a proposal was made or decided.
    Effect::new(move |_| {
        state.proposals_rev.track();
        load_list(map, list, error);
    });
    // Once accepted, a proposal's changes are on the map itself.
    Effect::new(move |_| {
        let changes = shown.get().and_then(|id| {
            list.with(|l| {
                l.as_ref()?
                    .incoming
                    .iter()
                    .find(|v| v.proposal.id == id)
                    .map(|v| v.changes.clone())
            })
        });
        state.diff.set(changes.unwrap_or_default());
    });
    let decided = Callback::new(move |()| {
        shown.set(None);
        load_list(map, list, error);
    });
    move || {
        let l = list.get()?;
        if l.incoming.is_empty() {
            return None;
        }
        let (open, done): (Vec<_>, Vec<_>) = l
            .incoming
            .into_iter()
            .partition(|v| v.proposal.status == ProposalStatus::Open);
        let may_decide = l.may_decide;
        let count = open.len() as u64;
        let any_open = !open.is_empty();
        Some(view! {
            <section class="proposals" aria-labelledby="proposals-heading">
                <details open=any_open>
                    <summary>
                        <h2 id="proposals-heading">{td_string!(locale, cascade.proposal.incoming, count = count).to_string()}</h2>
                    </summary>
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <ul class="proposal-list">
                        {open.into_iter().map(|v| view! { <IncomingItem state=state view=v shown=shown may_decide=may_decide decided=decided/> }).collect_view()}
                    </ul>
                    {(!done.is_empty()).then(|| view! {
                        <details class="decided">
                            <summary>{td_string!(locale, cascade.proposal.decided_list, count = done.len() as u64).to_string()}</summary>
                            <ul class="proposal-list">
                                {done.iter().cloned().map(|v| view! { <OutcomeItem view=v/> }).collect_view()}
                            </ul>
                        </details>
                    })}
                </details>
            </section>
        })
    }
}

/// Who proposed it, for which unit and when, and why.
#[component]
fn ProposalHead(view: ProposalView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let p = &view.proposal;
    // The day it was made, as the reader writes dates (the stored time is RFC 3339, UTC).
    let day = p.created_at.get(..10).unwrap_or_default();
    let when = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| format_date(locale, d))
        .unwrap_or_else(|_| day.to_string());
    let head = td_string!(
        locale,
        cascade.proposal.by,
        author = &p.author_name,
        unit = &p.from_unit,
        date = when
    )
    .to_string();
    let status = status_text(locale, &view);
    view! {
        <p class="proposal-head">
            <strong>{head}</strong>
            <span class=format!("proposal-status {}", p.status.as_str())>{status}</span>
        </p>
        <blockquote class="proposal-reason">{p.reason.clone()}</blockquote>
    }
}

/// An open proposal for the map's editors: its changes, "show on the map", accept and
/// decline (with a comment).
#[component]
fn IncomingItem(
    state: MapState,
    view: ProposalView,
    shown: RwSignal<Option<ProposalId>>,
    may_decide: bool,
    decided: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = view.proposal.id;
    let texts: Vec<String> = state.doc.with_untracked(|d| {
        view.changes
            .iter()
            .map(|c| change_text(locale, d, &view.changes, c))
            .collect()
    });
    let stale = view
        .stale
        .as_ref()
        .map(|e| td_string!(locale, cascade.proposal.stale, why = e.text(locale)).to_string());
    let comment = RwSignal::new(String::new());
    let declining = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let author = view.proposal.author_name.clone();
    let decide = move |accept: bool| {
        busy.set(true);
        let decision = Decision {
            accept,
            comment: comment.get_untracked(),
        };
        let author = author.clone();
        leptos::task::spawn_local(async move {
            match decide_proposal(id, decision).await {
                Ok(_) => {
                    let notice = if accept {
                        td_string!(locale, cascade.proposal.accepted_notice, name = author)
                            .to_string()
                    } else {
                        td_string!(locale, cascade.proposal.declined_notice).to_string()
                    };
                    state.notice.set(Some(notice));
                    decided.run(());
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    let decide_accept = decide.clone();
    let can_accept = stale.is_none();
    let comment_id = format!("decline-{id}");
    view! {
        <li class="proposal" data-id=id.to_string()>
            <ProposalHead view=view.clone()/>
            {stale.map(|s| view! { <p class="proposal-stale">{s}</p> })}
            <ul class="proposal-changes">
                {texts.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
            </ul>
            <div class="proposal-actions">
                {can_accept.then(|| view! {
                    <button aria-pressed=move || (shown.get() == Some(id)).to_string()
                        on:click=move |_| shown.update(|s| *s = if *s == Some(id) { None } else { Some(id) })>
                        {t!(i18n, cascade.proposal.show)}
                    </button>
                })}
                {may_decide.then(|| view! {
                    {can_accept.then(|| view! {
                        <button class="primary" disabled=move || busy.get() on:click=move |_| decide_accept(true)>{t!(i18n, cascade.proposal.accept)}</button>
                    })}
                    <button disabled=move || busy.get() aria-expanded=move || declining.get().to_string()
                        on:click=move |_| declining.update(|d| *d = !*d)>{t!(i18n, cascade.proposal.decline)}</button>
                })}
            </div>
            <Show when=move || declining.get()>
                <div class="proposal-decline">
                    <label for=comment_id.clone()>{t!(i18n, cascade.proposal.comment)}</label>
                    <textarea id=comment_id.clone() rows=2 placeholder=t_string!(i18n, cascade.proposal.comment_placeholder)
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <button disabled=move || busy.get() on:click={
                        let decide = decide.clone();
                        move |_| decide(false)
                    }>{t!(i18n, cascade.proposal.decline_with)}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </li>
    }
}

/// A decided (or the proposer's own) proposal: its status, who decided and their comment.
#[component]
fn OutcomeItem(view: ProposalView) -> impl IntoView {
    let comment = view.proposal.comment.clone();
    let id = view.proposal.id.to_string();
    view! {
        <li class="proposal" data-id=id>
            <ProposalHead view=view/>
            {(!comment.is_empty()).then(|| view! { <p class="proposal-comment">{comment}</p> })}
        </li>
    }
}

/// What a proposer is composing: one kind of change at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Add,
    Reword,
    Link,
    Unlink,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Add, Kind::Reword, Kind::Link, Kind::Unlink];

    fn key(self) -> &'static str {
        match self {
            Kind::Add => "add",
            Kind::Reword => "reword",
            Kind::Link => "link",
            Kind::Unlink => "unlink",
        }
    }

    fn text(self, locale: Locale) -> &'static str {
        match self {
            Kind::Add => td_string!(locale, cascade.proposal.kind_add),
            Kind::Reword => td_string!(locale, cascade.proposal.kind_reword),
            Kind::Link => td_string!(locale, cascade.proposal.kind_link),
            Kind::Unlink => td_string!(locale, cascade.proposal.kind_unlink),
        }
    }
}

/// The fields of the composer's form, as typed or picked.
#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<Kind>,
    band: RwSignal<String>,
    title: RwSignal<String>,
    objective: RwSignal<String>,
    to: RwSignal<String>,
    link: RwSignal<String>,
}

impl Form {
    fn new() -> Form {
        Form {
            kind: RwSignal::new(Kind::Add),
            band: RwSignal::new(String::new()),
            title: RwSignal::new(String::new()),
            objective: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            link: RwSignal::new(String::new()),
        }
    }

    /// The op the form describes on `doc` as `draft` leaves it, or `None` while incomplete.
    fn op(self, doc: &MapDocument, draft: &[Op]) -> Option<Op> {
        let title = self.title.get_untracked();
        let objective = self.objective.get_untracked().parse::<ObjectiveId>().ok();
        match self.kind.get_untracked() {
            Kind::Add => {
                let band = self.band.get_untracked().parse::<PerspectiveId>().ok()?;
                (!title.trim().is_empty()).then_some(())?;
                proposal::add_objective(doc, draft, band, &title)
            }
            Kind::Reword => Some(ops::set(
                EntityKind::Objective,
                objective?.0,
                Field::Title,
                title.trim(),
            )),
            Kind::Link => {
                let to = self.to.get_untracked().parse::<ObjectiveId>().ok()?;
                let trial = proposal::drafted(doc, draft);
                edits::link(&trial, objective?, to).map(|(_, op)| op)
            }
            Kind::Unlink => {
                let link = self.link.get_untracked().parse::<LinkId>().ok()?;
                Some(Op::Delete {
                    entity: EntityKind::Link,
                    id: link.0,
                })
            }
        }
    }
}

/// The workshop's "propose a change" box under the parent pane, for editors of the unit map
/// who may not edit the parent's: changes are collected into a draft drawn on the parent map as
/// they are added, then sent with a reason. Below, the unit's proposals and their outcome.
#[component]
pub fn Composer(parent: MapState, unit_map: MapId) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let draft = RwSignal::new(Vec::<Op>::new());
    let reason = RwSignal::new(String::new());
    let form = Form::new();
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let list = RwSignal::new(None::<ProposalList>);
    let list_error = RwSignal::new(None::<String>);
    let parent_map = parent.doc.with_untracked(|d| d.map.id);
    // The draft as the parent map is now: its changes drawn there, or why one stopped applying.
    let reviewed =
        Memo::new(move |_| draft.with(|ops| parent.doc.with(|d| proposal::review(d, ops))));
    Effect::new(move |_| parent.diff.set(reviewed.get().unwrap_or_default()));
    on_cleanup(move || parent.diff.set(Vec::new()));
    // The proposals' outcome: loaded at once, and again whenever the server says one to the
    // parent map was made or decided (this pane is in the parent map's room).
    Effect::new(move |_| {
        parent.proposals_rev.track();
        load_list(unit_map, list, list_error);
    });
    // Picking an objective on the parent map picks it in the form.
    Effect::new(move |_| {
        if let Some(id) = parent.selected_one() {
            form.objective.set(id.to_string());
            if form.kind.get_untracked() == Kind::Reword {
                let title = parent.doc.with_untracked(|d| d.objective_title(id));
                form.title.set(title.unwrap_or_default());
            }
        }
    });
    let add_change = move |_| {
        sent.set(None);
        let next = parent.doc.with_untracked(|d| {
            draft.with_untracked(|ops| {
                let op = form.op(d, ops)?;
                let mut next = ops.clone();
                next.push(op);
                Some(proposal::review(d, &next).map(|_| next))
            })
        });
        match next {
            None => error.set(Some(
                td_string!(locale, cascade.proposal.incomplete).to_string(),
            )),
            Some(Err(e)) => error.set(Some(e.text(locale))),
            Some(Ok(next)) => {
                error.set(None);
                draft.set(next);
                form.title.set(String::new());
            }
        }
    };
    let send = move |_| {
        let ops = draft.get_untracked();
        let text = reason.get_untracked();
        if let Err(e) = proposal::validate(&text, &ops) {
            error.set(Some(e.text(locale)));
            return;
        }
        busy.set(true);
        let proposal = ProposalDraft {
            map_id: parent_map,
            from_map_id: unit_map,
            reason: text,
            ops,
        };
        leptos::task::spawn_local(async move {
            match propose_change(proposal).await {
                Ok(_) => {
                    error.set(None);
                    draft.set(Vec::new());
                    reason.set(String::new());
                    sent.set(Some(td_string!(locale, cascade.proposal.sent).to_string()));
                    load_list(unit_map, list, list_error);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    let objectives = move |with_draft: bool| {
        parent.doc.with(|d| {
            let doc = if with_draft {
                draft.with(|ops| proposal::drafted(d, ops))
            } else {
                d.clone()
            };
            doc.objectives
                .iter()
                .map(|o| (o.id.to_string(), o.title.clone()))
                .collect::<Vec<_>>()
        })
    };
    let choose = move |options: Vec<(String, String)>,
                       value: RwSignal<String>,
                       id: &'static str,
                       label: String| {
        view! {
            <label for=id>{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{t!(i18n, cascade.proposal.pick)}</option>
                {options.into_iter().map(|(v, name)| view! { <option value=v.clone() selected=value.get_untracked() == v>{name}</option> }).collect_view()}
            </select>
        }
    };
    let fields = move || {
        match form.kind.get() {
        Kind::Add => {
            let bands = parent.doc.with(|d| {
                d.perspectives
                    .iter()
                    .map(|p| (p.id.to_string(), p.name.clone()))
                    .collect::<Vec<_>>()
            });
            view! {
                {choose(bands, form.band, "propose-band", t_string!(i18n, cascade.proposal.band).to_string())}
                <label for="propose-title">{t!(i18n, cascade.proposal.title)}</label>
                <input id="propose-title" prop:value=move || form.title.get() on:input=move |ev| form.title.set(event_target_value(&ev))/>
            }
            .into_any()
        }
        Kind::Reword => view! {
            {choose(objectives(false), form.objective, "propose-objective", t_string!(i18n, cascade.proposal.objective).to_string())}
            <label for="propose-title">{t!(i18n, cascade.proposal.new_title)}</label>
            <input id="propose-title" prop:value=move || form.title.get() on:input=move |ev| form.title.set(event_target_value(&ev))/>
        }
        .into_any(),
        Kind::Link => view! {
            {choose(objectives(true), form.objective, "propose-from", t_string!(i18n, cascade.proposal.from).to_string())}
            {choose(objectives(true), form.to, "propose-to", t_string!(i18n, cascade.proposal.to).to_string())}
        }
        .into_any(),
        Kind::Unlink => {
            let arrows = parent.doc.with(|d| {
                d.links
                    .iter()
                    .map(|l| {
                        let name = |id| d.objective_title(id).unwrap_or_default();
                        (l.id.to_string(), format!("{} → {}", name(l.from_id), name(l.to_id)))
                    })
                    .collect::<Vec<_>>()
            });
            choose(arrows, form.link, "propose-link", t_string!(i18n, cascade.proposal.arrow).to_string()).into_any()
        }
    }
    };
    let draft_items = move || {
        let changes = reviewed.get().unwrap_or_default();
        let texts: Vec<String> = parent.doc.with(|d| {
            changes
                .iter()
                .map(|c| change_text(locale, d, &changes, c))
                .collect()
        });
        if texts.is_empty() {
            return view! { <p class="empty">{t!(i18n, cascade.proposal.empty_draft)}</p> }
                .into_any();
        }
        view! {
            <ol class="proposal-changes">
                {texts.into_iter().enumerate().map(|(i, text)| view! {
                    <li>
                        <span>{text.clone()}</span>
                        <button class="link-button" aria-label=t_string!(i18n, cascade.proposal.remove_change, change = text)
                            on:click=move |_| draft.update(|ops| remove_change(ops, i))>"✕"</button>
                    </li>
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let outcomes = move || {
        let l = list.get()?;
        let items = if l.outgoing.is_empty() {
            view! { <p class="empty">{t!(i18n, cascade.proposal.none_yours)}</p> }.into_any()
        } else {
            view! {
                <ul class="proposal-list">
                    {l.outgoing.into_iter().map(|v| view! { <OutcomeItem view=v/> }).collect_view()}
                </ul>
            }
            .into_any()
        };
        Some(view! {
            <h3>{t!(i18n, cascade.proposal.yours)}</h3>
            {items}
        })
    };
    view! {
        <details class="propose">
            <summary>{t!(i18n, cascade.proposal.propose)}</summary>
            <p class="hint">{t!(i18n, cascade.proposal.lead)}</p>
            <div class="propose-form">
                <label for="propose-kind">{t!(i18n, cascade.proposal.kind)}</label>
                <select id="propose-kind" on:change=move |ev| {
                    let key = event_target_value(&ev);
                    if let Some(k) = Kind::ALL.into_iter().find(|k| k.key() == key) {
                        form.kind.set(k);
                        error.set(None);
                    }
                }>
                    {Kind::ALL.into_iter().map(|k| view! { <option value=k.key() selected=form.kind.get_untracked() == k>{k.text(locale)}</option> }).collect_view()}
                </select>
                {fields}
                <button on:click=add_change>{t!(i18n, cascade.proposal.add_change)}</button>
            </div>
            <h3>{t!(i18n, cascade.proposal.draft)}</h3>
            {draft_items}
            <label for="propose-reason">{t!(i18n, cascade.proposal.reason)}</label>
            <textarea id="propose-reason" rows=3 placeholder=t_string!(i18n, cascade.proposal.reason_placeholder)
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <button class="primary" disabled=move || busy.get() || draft.with(|d| d.is_empty()) on:click=send>
                {t!(i18n, cascade.proposal.send)}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || sent.get().map(|s| view! { <p class="saved" role="status">{s}</p> })}
            {move || list_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {outcomes}
        </details>
    }
}

/// Takes change `i` out of a draft; taking out a new objective takes its arrows with it.
fn remove_change(ops: &mut Vec<Op>, i: usize) {
    if i >= ops.len() {
        return;
    }
    let removed = ops.remove(i);
    if let Op::Create {
        item: NewEntity::Objective(o),
    } = removed
    {
        ops.retain(
            |op| !matches!(op, Op::Link { link } if link.from_id == o.id || link.to_id == o.id),
        );
    }
}
