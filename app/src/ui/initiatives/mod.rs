//! `/units/:id/initiatives`, a lazily loaded route: a unit's initiatives as a timeline and a
//! table (status in words and colour, % complete, spend against budget, flags), the red
//! objectives no initiative moves, and the editor that creates, changes, closes and reopens
//! them with their milestones and objectives. Changes made elsewhere arrive live through the
//! unit's map channel.

mod editor;
mod timeline;

use crate::api::initiatives::{
    save_initiative, unit_initiatives, InitiativeDraft, InitiativesPage,
};
use crate::domain::comment::CommentSubject;
use crate::domain::initiative;
use crate::domain::scoring::Status;
use crate::domain::*;
use crate::i18n::*;
use crate::live::LiveMap;
use crate::ui::widgets::comments::Comments;
use crate::ui::widgets::initiatives::initiative_status;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

/// The page's shared signals, `Copy` so closures can share them.
#[derive(Clone, Copy)]
pub struct PageState {
    pub page: RwSignal<InitiativesPage>,
    /// Closed initiatives are shown too.
    pub show_closed: RwSignal<bool>,
    /// The initiative being edited (a new one while it has no card yet).
    pub editing: RwSignal<Option<InitiativeDraft>>,
    /// The last move on the timeline, which the note offers to undo: (what it was, the note).
    pub undo: RwSignal<Option<(InitiativeDraft, String)>>,
    /// Why the last save failed.
    pub error: RwSignal<Option<String>>,
    /// Bumped by the live channel when an initiative of the unit changed elsewhere.
    pub changed: RwSignal<u64>,
    /// The initiative whose comment threads are open below the table.
    pub discussing: RwSignal<Option<InitiativeId>>,
    /// Bumped by the live channel when a comment on the unit's initiatives changed.
    pub comments_changed: RwSignal<u64>,
}

/// The route: the page's data loads while its code chunk is fetched.
#[derive(Clone)]
pub struct InitiativesRoute {
    data: Resource<Result<InitiativesPage, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for InitiativesRoute {
    fn data() -> Self {
        let id = id_param::<OrgUnitId>("org unit");
        Self {
            data: load(id, unit_initiatives),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.data,
            td_string!(current_locale(), initiatives.page.loading),
            Reload::KeepPage,
            |page| view! { <InitiativesScreen page/> }.into_any(),
        )
    }
}

/// An initiative status in words, in `locale`.
pub fn status_word(locale: Locale, s: InitiativeStatus) -> &'static str {
    initiative_status(locale, s).1
}

/// An initiative status as a traffic light, for its colour.
pub fn status_light(s: InitiativeStatus) -> Status {
    initiative_status(Locale::en, s).0
}

/// The draft that edits `card`'s initiative.
fn draft_of(card: &crate::api::initiatives::InitiativeCard) -> InitiativeDraft {
    let mut initiative = card.summary.initiative.clone();
    // The summary shows earned progress; the draft keeps what was typed when that is the mode.
    if initiative.progress_mode == initiative::ProgressMode::Milestones {
        initiative.percent_complete = 0;
    }
    InitiativeDraft {
        initiative,
        milestones: card.milestones.clone(),
    }
}

/// Saves `draft` and puts its new card in the page; `then` runs with the saved draft's previous
/// state on success.
fn save(state: PageState, draft: InitiativeDraft, then: impl FnOnce() + 'static) {
    let locale = current_locale();
    state.error.set(None);
    leptos::task::spawn_local(async move {
        match save_initiative(draft).await {
            Ok(card) => {
                state.page.update(|p| {
                    match p
                        .items
                        .iter_mut()
                        .find(|c| c.summary.initiative.id == card.summary.initiative.id)
                    {
                        Some(c) => *c = card,
                        None => p.items.push(card),
                    }
                    p.items
                        .sort_by(|a, b| a.summary.initiative.name.cmp(&b.summary.initiative.name));
                });
                then();
                refresh(state);
            }
            Err(e) => state.error.set(Some(e.text(locale))),
        }
    });
}

/// Reads the page again (flags, gaps and cards as the server now sees them).
fn refresh(state: PageState) {
    let unit = state.page.with_untracked(|p| p.unit.id);
    leptos::task::spawn_local(async move {
        if let Ok(page) = unit_initiatives(unit).await {
            state.page.set(page);
        }
    });
}

/// Moves an initiative (or one of its milestones) by `days` and saves it; the note it leaves
/// offers to undo the move.
pub fn reschedule(state: PageState, id: InitiativeId, milestone: Option<MilestoneId>, days: i64) {
    let locale = current_locale();
    let Some(card) = state.page.with_untracked(|p| {
        p.items
            .iter()
            .find(|c| c.summary.initiative.id == id)
            .cloned()
    }) else {
        return;
    };
    let before = draft_of(&card);
    let mut after = before.clone();
    let note = match milestone {
        None => {
            let i = &mut after.initiative;
            i.start_date = initiative::shift(i.start_date, days);
            i.end_date = initiative::shift(i.end_date, days);
            for m in &mut after.milestones {
                m.due_date = initiative::shift(m.due_date, days);
            }
            td_string!(
                locale,
                initiatives.timeline.moved,
                name = &i.name,
                start = format_date(locale, i.start_date),
                end = format_date(locale, i.end_date)
            )
            .to_string()
        }
        Some(mid) => {
            let Some(m) = after.milestones.iter_mut().find(|m| m.id == mid) else {
                return;
            };
            m.due_date = initiative::shift(m.due_date, days);
            td_string!(
                locale,
                initiatives.timeline.milestone_moved,
                name = &m.name,
                date = format_date(locale, m.due_date)
            )
            .to_string()
        }
    };
    save(state, after, move || state.undo.set(Some((before, note))));
}

/// The page of one unit's initiatives.
#[component]
fn InitiativesScreen(page: InitiativesPage) -> impl IntoView {
    let locale = current_locale();
    let unit = page.unit.clone();
    let live_map = page.live_map;
    let state = PageState {
        page: RwSignal::new(page),
        show_closed: RwSignal::new(false),
        editing: RwSignal::new(None),
        undo: RwSignal::new(None),
        error: RwSignal::new(None),
        changed: RwSignal::new(0),
        discussing: RwSignal::new(deep_linked_discussion()),
        comments_changed: RwSignal::new(0),
    };
    listen(state, live_map);
    let title = td_string!(locale, initiatives.page.title, unit = &unit.name).to_string();
    let new_initiative = move |_| {
        let today = state.page.with_untracked(|p| p.today);
        let end = initiative::shift(today, 180);
        let mut i = Initiative::new(unit.id, "", today, end);
        i.status = InitiativeStatus::NotStarted;
        state.editing.set(Some(InitiativeDraft {
            initiative: i,
            milestones: Vec::new(),
        }));
    };
    view! {
        <Title text=title/>
        <TopBar crumbs=vec![(unit.name.clone(), "/".to_string())]/>
        <main class="page initiatives-page">
            <div class="page-head">
                <div>
                    <h1>{td_string!(locale, initiatives.page.heading)}" · "{unit.name.clone()}</h1>
                    <p class="lead">{td_string!(locale, initiatives.page.lead, unit = &unit.name).to_string()}</p>
                </div>
                <div class="actions">
                    <label class="check"><input type="checkbox" prop:checked=move || state.show_closed.get()
                        on:change=move |ev| state.show_closed.set(event_target_checked(&ev))/>
                        {td_string!(locale, initiatives.page.show_closed)}</label>
                    {move || state.page.with(|p| p.may_edit).then(|| view! {
                        <button class="primary" on:click=new_initiative>{td_string!(locale, initiatives.page.new)}</button>
                    })}
                </div>
            </div>
            {move || (!state.page.with(|p| p.may_edit)).then(|| view! {
                <p class="muted">{td_string!(locale, initiatives.page.read_only, unit = state.page.with_untracked(|p| p.unit.name.clone())).to_string()}</p>
            })}
            <UndoNote state/>
            {move || state.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || state.editing.get().is_some().then(|| view! { <editor::Editor state/> })}
            <timeline::Timeline state/>
            <InitiativeTable state/>
            <Discussion state/>
            <Gaps state/>
        </main>
    }
}

/// Listens to the unit's live map channel (read-only) and reads the page again when an
/// initiative of the unit changes elsewhere.
fn listen(state: PageState, map: Option<MapId>) {
    let Some(map) = map else { return };
    let live = RwSignal::new(None::<LiveMap>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(doc) = crate::api::get_map(map).await {
                let l = LiveMap {
                    view_only: true,
                    ..LiveMap::new(doc)
                };
                crate::live::start(l);
                live.set(Some(l));
            }
        });
    });
    Effect::new(move |seen: Option<u64>| {
        let rev = live.get().map_or(0, |l| l.comments_rev.get());
        if seen.is_some_and(|s| s != rev) {
            state.comments_changed.update(|c| *c += 1);
        }
        rev
    });
    Effect::new(move |seen: Option<u64>| {
        let rev = live.get().map_or(0, |l| l.initiatives_rev.get());
        if seen.is_some_and(|s| s != rev) {
            state.changed.update(|c| *c += 1);
            refresh(state);
        }
        rev
    });
    on_cleanup(move || {
        if let Some(l) = live.get_untracked() {
            crate::live::stop(l);
        }
    });
}

/// The note after a move on the timeline, with its undo.
#[component]
fn UndoNote(state: PageState) -> impl IntoView {
    let locale = current_locale();
    move || {
        state.undo.get().map(|(before, note)| {
            view! {
                <div class="note undo-note" role="status">
                    <span>{note}</span>
                    <button on:click=move |_| {
                        let before = before.clone();
                        state.undo.set(None);
                        save(state, before, || ());
                    }>{td_string!(locale, initiatives.timeline.undo)}</button>
                </div>
            }
        })
    }
}

/// The table of initiatives: status in words, % complete, dates, spend against budget, flags.
#[component]
fn InitiativeTable(state: PageState) -> impl IntoView {
    let locale = current_locale();
    move || {
        let page = state.page.get();
        let currency = page.currency.clone();
        let shown: Vec<_> = page
            .items
            .iter()
            .filter(|c| state.show_closed.get() || c.summary.initiative.closed_on.is_none())
            .cloned()
            .collect();
        if shown.is_empty() {
            return view! {
                <section class="card">
                    <p>{td_string!(locale, initiatives.page.none)}</p>
                    {page.may_edit.then(|| view! { <p class="muted">{td_string!(locale, initiatives.page.none_edit)}</p> })}
                </section>
            }
            .into_any();
        }
        let rows = shown
            .into_iter()
            .map(|card| {
                let i = card.summary.initiative.clone();
                let light = status_light(i.status);
                let pct = i.percent_complete.min(100);
                let money = format!(
                    "{} / {}",
                    format_money(locale, i.spend, &currency),
                    format_money(locale, i.budget, &currency)
                );
                let flags: Vec<String> = card.flags.iter().map(|f| f.text(locale)).collect();
                let edit_label = td_string!(locale, initiatives.table.edit, name = &i.name).to_string();
                let open = card.clone();
                let over_budget = i.spend > i.budget;
                view! {
                    <tr data-initiative=i.id.to_string() class:closed=i.closed_on.is_some()>
                        <th scope="row">
                            <button class="as-link" aria-label=edit_label on:click=move |_| state.editing.set(Some(draft_of(&open)))>{i.name.clone()}</button>
                            {i.closed_on.map(|d| view! { <span class="muted small">" · "{td_string!(locale, initiatives.table.closed, date = format_date(locale, d)).to_string()}</span> })}
                        </th>
                        <td>{card.summary.owner.clone().unwrap_or_default()}</td>
                        <td><span class=format!("status-chip status-{}", light.as_str()) data-status=light.as_str()>{status_word(locale, i.status)}</span></td>
                        <td>
                            <div class="progress" role="progressbar" aria-valuenow=pct aria-valuemin="0" aria-valuemax="100"
                                aria-label=td_string!(locale, common.initiatives.complete, name = &i.name).to_string()>
                                <div class="progress-bar" style=format!("width: {pct}%")></div>
                            </div>
                            <span class="num">{format!("{pct} %")}</span>
                        </td>
                        <td>{td_string!(locale, initiatives.table.dates_value, start = format_date(locale, i.start_date), end = format_date(locale, i.end_date)).to_string()}</td>
                        <td class:over-budget=over_budget>{money}</td>
                        <td>
                            {flags.into_iter().map(|f| view! { <span class="flag">"⚑ "{f}</span> }).collect_view()}
                        </td>
                        <td>
                            <button type="button" class="link-button" aria-pressed=move || (state.discussing.get() == Some(i.id)).to_string()
                                aria-label=td_string!(locale, initiatives.table.comments_of, name = &i.name).to_string()
                                on:click=move |_| state.discussing.update(|d| *d = if *d == Some(i.id) { None } else { Some(i.id) })>
                                {td_string!(locale, comments.heading)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let caption =
            td_string!(locale, initiatives.table.caption, unit = &page.unit.name).to_string();
        view! {
            <section class="card">
                <div class="table-wrap">
                    <table class="initiative-table">
                        <caption>{caption}</caption>
                        <thead><tr>
                            <th scope="col">{td_string!(locale, initiatives.table.name)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.owner)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.status)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.progress)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.dates)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.money)}</th>
                            <th scope="col">{td_string!(locale, initiatives.table.flags)}</th>
                            <th scope="col">{td_string!(locale, comments.heading)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
        .into_any()
    }
}

/// The initiative a link asked to discuss (`?initiative=…&comments=1`, as inbox links are).
fn deep_linked_discussion() -> Option<InitiativeId> {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    if query.get("comments").as_deref() != Some("1") {
        return None;
    }
    query.get("initiative").and_then(|i| i.parse().ok())
}

/// The comment threads on the initiative chosen in the table, live.
#[component]
fn Discussion(state: PageState) -> impl IntoView {
    let locale = current_locale();
    move || {
        let id = state.discussing.get()?;
        let name = state.page.with_untracked(|p| {
            p.items
                .iter()
                .find(|c| c.summary.initiative.id == id)
                .map(|c| c.summary.initiative.name.clone())
        })?;
        Some(view! {
            <section class="card discussion" aria-labelledby="discussion-heading">
                <div class="discussion-head">
                    <h2 id="discussion-heading">{name}</h2>
                    <button type="button" class="link-button" on:click=move |_| state.discussing.set(None)>{td_string!(locale, comments.cancel)}</button>
                </div>
                <Comments subject=CommentSubject::Initiative(id) changed=state.comments_changed/>
            </section>
        })
    }
}

/// The red objectives no open initiative moves, each a link to it on its map.
#[component]
fn Gaps(state: PageState) -> impl IntoView {
    let locale = current_locale();
    move || {
        let page = state.page.get();
        let gaps: Vec<_> = page
            .objectives
            .iter()
            .filter(|o| page.red_unmoved.contains(&o.id))
            .cloned()
            .collect();
        view! {
            <section class="card gap-list initiative-gaps">
                <h2>{td_string!(locale, initiatives.page.gaps)}</h2>
                {if gaps.is_empty() {
                    view! { <p class="muted">{td_string!(locale, initiatives.page.gaps_none)}</p> }.into_any()
                } else {
                    view! { <ul>{gaps.into_iter().map(|o| view! {
                        <li><span class="status-chip status-red" data-status="red">{td_string!(locale, status.red)}</span>" "
                            <a href=format!("/maps/{}?objective={}", o.map_id, o.id)>{o.title}</a>
                            <span class="muted small">" · "{o.map_name}</span></li>
                    }).collect_view()}</ul> }.into_any()
                }}
            </section>
        }
    }
}
