//! `/maps/:id/brainstorm`: workshop mode on a map. An editor starts a workshop and facilitates
//! it; everyone in the room writes sticky notes in the perspective bands, beside the objectives
//! already there. Notes stay private until the facilitator reveals them (the others see that a
//! note is being written, not what it says), are grouped by dropping one onto another (or with
//! "Group with"), dot-voted with hidden counts, ranked, and promoted to objectives of their band
//! in one step that undo takes back. One countdown on the server's clock runs for everyone,
//! with a soft chime at the end.
//!
//! It is a live page of the map: every step is an edit of the map (`Op::Workshop`) through the
//! edit protocol and the commit path, so it reaches every screen at once, survives a dropped
//! connection, and is audited; the rules and the privacy live in `domain::workshop`.

use crate::api::get_map;
use crate::domain::ops::{self, Op};
use crate::domain::workshop::{
    Group, Note, Target, Timer, TimerOp, Vote, Workshop, WorkshopOp, DEFAULT_VOTES, MAX_NOTE_CHARS,
    MAX_VOTES,
};
use crate::domain::{edits, MapDocument, MapId, NoteGroupId, NoteId, Perspective, UserId};
use crate::i18n::*;
use crate::live::{self, LiveMap};
use crate::ui::widgets::connection::{editor_text, ConnectionLabel, Look, Roster};
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::{map_crumbs, Page};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::{lazy_route, LazyRoute};

/// The page, a lazily loaded route: its code is a separate wasm chunk.
#[derive(Clone)]
pub struct BrainstormRoute {
    doc: Resource<Result<MapDocument, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for BrainstormRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        Self {
            doc: load(id, get_map),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.doc,
            td_string!(current_locale(), brainstorm.loading),
            Reload::ShowLoading,
            |d| view! { <BrainstormScreen doc=d/> }.into_any(),
        )
    }
}

/// What the page's parts share: the live map, and this browser's clock ticking each second.
#[derive(Clone, Copy)]
struct Room {
    live: LiveMap,
    /// Server time now (ms), moved on every second.
    now_ms: RwSignal<i64>,
}

impl Room {
    /// The workshop as this person may see it, if one runs.
    fn workshop(self) -> Option<Workshop> {
        self.live.doc.with(|d| d.workshop.clone())
    }

    /// Whether this person facilitates the running workshop.
    fn facilitating(self) -> bool {
        let me = self.live.user.get();
        self.live.doc.with(|d| {
            d.workshop
                .as_ref()
                .is_some_and(|w| Some(w.facilitator) == me)
        })
    }

    /// Takes a workshop step: shown here at once, sent to everyone; a refusal is the notice.
    fn step(self, change: WorkshopOp) {
        self.send(vec![Op::Workshop {
            change,
            actor: None,
            at_ms: 0,
        }]);
    }

    /// Sends a batch of edits of the map.
    fn send(self, ops: Vec<Op>) {
        if let Err(reason) = live::edit(self.live, ops) {
            self.live.notice.set(Some(reason));
        }
    }

    /// Puts a note or group on the map as an objective (one batch, one undo).
    fn promote(self, target: Target) {
        let made = self.live.doc.with(|d| edits::promote(d, target));
        if let Some((_, batch)) = made {
            self.send(batch);
        }
    }
}

#[component]
fn BrainstormScreen(doc: MapDocument) -> impl IntoView {
    let locale = current_locale();
    let (map, unit) = (doc.map.clone(), doc.org_unit.clone());
    let room = Room {
        live: LiveMap::new(doc),
        now_ms: RwSignal::new(0),
    };
    let live = room.live;
    Effect::new(move |_| live::start(live));
    on_cleanup(move || live::stop(live));
    tick_every_second(room);
    let crumbs = map_crumbs(
        &unit.name,
        &map.name,
        map.id,
        Some((td_string!(locale, brainstorm.title), "brainstorm")),
    );
    let status = Signal::derive(move || editor_text(locale, live.status.get(), live.pending.get()));
    let map_id = map.id;
    let running = Memo::new(move |_| live.doc.with(|d| d.workshop.is_some()));
    view! {
        <Page title=format!("{} · {}", td_string!(locale, brainstorm.title), map.name) crumbs=crumbs class="page brainstorm-page">
            <div class="brainstorm-head">
                <div>
                    <h1>{move || td_string!(locale, brainstorm.heading, map = live.doc.with(|d| d.map.name.clone())).to_string()}</h1>
                    <p class="lead">{td_string!(locale, brainstorm.lead)}</p>
                </div>
                <div class="strategy-room">
                    <ConnectionLabel status=live.status text=status look=Look::Pill attr:role="status" attr:aria-live="polite"/>
                    <Roster peers=live.peers label=td_string!(locale, brainstorm.in_room)/>
                    <button class="button secondary" disabled=move || !live.can_undo.get() on:click=move |_| live::undo(live)>
                        {td_string!(locale, map.undo.undo)}
                    </button>
                    <A href=format!("/maps/{map_id}") attr:class="button secondary">{td_string!(locale, brainstorm.open_map)}</A>
                </div>
            </div>
            {move || live.notice.get().map(|text| view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button class="link-button" on:click=move |_| live.notice.set(None)>{td_string!(locale, map.page.dismiss)}</button>
                </div>
            })}
            {move || if running.get() {
                view! {
                    <Controls room=room/>
                    <Board room=room/>
                    <Ranking room=room/>
                }.into_any()
            } else {
                view! { <NotRunning room=room/> }.into_any()
            }}
        </Page>
    }
}

/// Moves the page's clock on every second (server time), once the page runs in the browser
/// (the server's render has no clock: countdowns appear with the first tick).
fn tick_every_second(room: Room) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let now = move || js_sys::Date::now() as i64 + room.live.clock_offset_ms.get_untracked();
        room.now_ms.set(now());
        let handle = set_interval_with_handle(
            move || room.now_ms.set(now()),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = room;
}

/// No workshop yet: what it is, and (for editors) the button that starts one.
#[component]
fn NotRunning(room: Room) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    view! {
        <section class="card brainstorm-start">
            <h2>{td_string!(locale, brainstorm.none_title)}</h2>
            <p>{td_string!(locale, brainstorm.none_text)}</p>
            {move || if live.can_edit.get() {
                view! {
                    <button class="button" on:click=move |_| room.step(WorkshopOp::Open { facilitator: live.user.get_untracked() })>
                        {td_string!(locale, brainstorm.start)}
                    </button>
                }.into_any()
            } else {
                view! { <p class="hint">{td_string!(locale, brainstorm.view_only)}</p> }.into_any()
            }}
        </section>
    }
}

/// The state everyone sees (who facilitates, what phase, the countdown) and the facilitator's
/// controls.
#[component]
fn Controls(room: Room) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let facilitator_name = move || {
        let w = room.workshop()?;
        let me = live.user.get();
        if Some(w.facilitator) == me {
            return Some(td_string!(locale, brainstorm.you_facilitate).to_string());
        }
        let name = live.peers.with(|p| {
            p.iter()
                .find(|p| p.user_id == w.facilitator)
                .map(|p| p.name.clone())
        });
        Some(match name {
            Some(name) => td_string!(locale, brainstorm.facilitated_by, name).to_string(),
            None => td_string!(locale, brainstorm.facilitator_away).to_string(),
        })
    };
    let phase = move || {
        let w = room.workshop()?;
        let me = live.user.get()?;
        Some(phase_text(locale, &w, me, room.now_ms.get()))
    };
    view! {
        <section class="card brainstorm-controls" aria-label=td_string!(locale, brainstorm.controls)>
            <div class="brainstorm-status">
                <p class="facilitator">{facilitator_name}</p>
                <p class="phase" role="status" aria-live="polite">{phase}</p>
                <Countdown room=room/>
            </div>
            {move || room.facilitating().then(|| view! { <FacilitatorTools room=room/> })}
        </section>
    }
}

/// The phase in words: private notes, a vote and the dots left, or the counts shown.
fn phase_text(locale: Locale, w: &Workshop, me: UserId, now_ms: i64) -> String {
    match &w.vote {
        Some(v) if v.revealed => td_string!(locale, brainstorm.phase_ranked).to_string(),
        Some(v) if v.ends_at_ms.is_some_and(|end| now_ms >= end) => {
            td_string!(locale, brainstorm.phase_vote_over).to_string()
        }
        Some(v) => {
            let used = v.ballots.iter().filter(|b| b.voter == me).count();
            let left = usize::from(v.per_person).saturating_sub(used);
            td_string!(locale, brainstorm.phase_voting, left).to_string()
        }
        None if !w.notes_revealed => td_string!(locale, brainstorm.phase_private).to_string(),
        None => td_string!(locale, brainstorm.phase_revealed).to_string(),
    }
}

/// The countdown on server time: the timer's, else a timed vote's; a chime when it reaches zero.
#[component]
fn Countdown(room: Room) -> impl IntoView {
    let locale = current_locale();
    let left = Memo::new(move |_| {
        let now = room.now_ms.get();
        if now == 0 {
            return None;
        }
        let w = room.workshop()?;
        w.timer.left_ms(now).or_else(|| {
            let vote = w.vote.as_ref().filter(|v| !v.revealed)?;
            Some((vote.ends_at_ms? - now).max(0))
        })
    });
    let paused = move || {
        room.workshop()
            .is_some_and(|w| matches!(w.timer, Timer::Paused { .. }))
    };
    // The chime sounds when a countdown this page saw running reaches zero.
    Effect::new(move |before: Option<Option<i64>>| {
        let now = left.get();
        if let (Some(Some(was)), Some(0)) = (before, now) {
            if was > 0 {
                chime();
            }
        }
        now
    });
    view! {
        {move || left.get().map(|ms| {
            let secs = (ms + 999) / 1000;
            let text = format!("{}:{:02}", secs / 60, secs % 60);
            let label = td_string!(locale, brainstorm.time_left, time = text.clone()).to_string();
            view! {
                <p class="countdown" class:done=ms == 0 class:paused=paused>
                    <span class="visually-hidden">{label}</span>
                    <span aria-hidden="true">{text}</span>
                    {paused().then(|| view! { <span class="tag">{td_string!(locale, brainstorm.paused)}</span> })}
                </p>
            }
        })}
    }
}

/// A soft two-note chime (Web Audio; silent where the browser allows no sound).
fn chime() {
    #[cfg(feature = "hydrate")]
    {
        let Ok(ctx) = web_sys::AudioContext::new() else {
            return;
        };
        let start = ctx.current_time();
        for (i, freq) in [660.0_f32, 880.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
            };
            let at = start + i as f64 * 0.35;
            osc.frequency().set_value(freq);
            let volume = gain.gain();
            volume.set_value(0.0);
            let _ = volume.linear_ramp_to_value_at_time(0.15, at + 0.05);
            let _ = volume.exponential_ramp_to_value_at_time(0.001, at + 0.9);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(at);
            let _ = osc.stop_with_when(at + 1.0);
        }
    }
}

/// The facilitator's controls: reveal, the vote, the timer, the end.
#[component]
fn FacilitatorTools(room: Room) -> impl IntoView {
    let locale = current_locale();
    let workshop = move || room.workshop();
    let revealed = move || workshop().is_some_and(|w| w.notes_revealed);
    let vote_open = move || {
        workshop()
            .and_then(|w| w.vote)
            .is_some_and(|v: Vote| !v.revealed)
    };
    let votes = RwSignal::new(DEFAULT_VOTES.to_string());
    let several = RwSignal::new(false);
    let vote_minutes = RwSignal::new(String::new());
    let timer_minutes = RwSignal::new("5".to_string());
    let ending = RwSignal::new(false);
    let start_vote = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let per_person = votes.get_untracked().trim().parse::<u8>().unwrap_or(0);
        let seconds = minutes_to_seconds(&vote_minutes.get_untracked());
        room.step(WorkshopOp::StartVote {
            per_person,
            several_on_one: several.get_untracked(),
            seconds,
            ends_at_ms: None,
        });
    };
    let timer = move |op: TimerOp| {
        room.step(WorkshopOp::Timer {
            timer: op,
            state: None,
        })
    };
    let timer_state = move || workshop().map(|w| w.timer).unwrap_or_default();
    view! {
        <div class="facilitator-tools">
            <div class="tool">
                <h2>{td_string!(locale, brainstorm.notes_heading)}</h2>
                <button class="button" disabled=revealed
                    on:click=move |_| room.step(WorkshopOp::RevealNotes { notes: Vec::new() })>
                    {td_string!(locale, brainstorm.reveal_notes)}
                </button>
            </div>
            <form class="tool" on:submit=start_vote>
                <h2>{td_string!(locale, brainstorm.vote_heading)}</h2>
                <label>{td_string!(locale, brainstorm.votes_each)}
                    <input type="number" min="1" max=MAX_VOTES.to_string() required prop:value=votes
                        on:input=move |ev| votes.set(event_target_value(&ev))/>
                </label>
                <label>{td_string!(locale, brainstorm.vote_minutes)}
                    <input type="number" min="1" max="240" prop:value=vote_minutes placeholder=td_string!(locale, brainstorm.no_limit)
                        on:input=move |ev| vote_minutes.set(event_target_value(&ev))/>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=several on:change=move |ev| several.set(event_target_checked(&ev))/>
                    {td_string!(locale, brainstorm.several_on_one)}
                </label>
                <button class="button secondary" type="submit" disabled=move || !revealed()>{td_string!(locale, brainstorm.start_vote)}</button>
                <button class="button" type="button" disabled=move || !vote_open()
                    on:click=move |_| room.step(WorkshopOp::RevealVotes { ballots: Vec::new() })>
                    {td_string!(locale, brainstorm.reveal_votes)}
                </button>
            </form>
            <div class="tool">
                <h2>{td_string!(locale, brainstorm.timer_heading)}</h2>
                <label>{td_string!(locale, brainstorm.timer_minutes)}
                    <input type="number" min="1" max="240" prop:value=timer_minutes
                        on:input=move |ev| timer_minutes.set(event_target_value(&ev))/>
                </label>
                <div class="button-row">
                    <button class="button secondary" on:click=move |_| {
                        if let Some(seconds) = minutes_to_seconds(&timer_minutes.get_untracked()) {
                            timer(TimerOp::Start { seconds });
                        }
                    }>{td_string!(locale, brainstorm.timer_start)}</button>
                    {move || match timer_state() {
                        Timer::Running { .. } => view! {
                            <button class="button secondary" on:click=move |_| timer(TimerOp::Pause)>{td_string!(locale, brainstorm.timer_pause)}</button>
                        }.into_any(),
                        Timer::Paused { .. } => view! {
                            <button class="button secondary" on:click=move |_| timer(TimerOp::Resume)>{td_string!(locale, brainstorm.timer_resume)}</button>
                        }.into_any(),
                        Timer::Idle => ().into_any(),
                    }}
                    <button class="button secondary" disabled=move || timer_state() == Timer::Idle
                        on:click=move |_| timer(TimerOp::Extend { seconds: 60 })>{td_string!(locale, brainstorm.timer_extend)}</button>
                    <button class="button secondary" disabled=move || timer_state() == Timer::Idle
                        on:click=move |_| timer(TimerOp::Stop)>{td_string!(locale, brainstorm.timer_stop)}</button>
                </div>
            </div>
            <div class="tool">
                <h2>{td_string!(locale, brainstorm.end_heading)}</h2>
                {move || if ending.get() {
                    view! {
                        <p>{td_string!(locale, brainstorm.end_question)}</p>
                        <div class="button-row">
                            <button class="danger" on:click=move |_| { ending.set(false); room.step(WorkshopOp::Close); }>
                                {td_string!(locale, brainstorm.end_yes)}
                            </button>
                            <button class="button secondary" on:click=move |_| ending.set(false)>{td_string!(locale, brainstorm.cancel)}</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button class="button secondary" on:click=move |_| ending.set(true)>{td_string!(locale, brainstorm.end)}</button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

/// Whole minutes as seconds (`None` for an empty or bad field).
fn minutes_to_seconds(text: &str) -> Option<u32> {
    let minutes: f64 = text.trim().replace(',', ".").parse().ok()?;
    (minutes > 0.0).then(|| (minutes * 60.0).round() as u32)
}

/// The bands: each perspective with its objectives and the workshop's notes and groups.
#[component]
fn Board(room: Room) -> impl IntoView {
    let perspectives = Memo::new(move |_| room.live.doc.with(|d| d.perspectives.clone()));
    view! {
        <div class="brainstorm-board">
            <For each=move || perspectives.get() key=|p| (p.id, p.name.clone()) let:perspective>
                <Band room=room perspective=perspective/>
            </For>
        </div>
    }
}

/// What a band shows of the workshop: its groups and its notes outside groups, not promoted.
fn band_items(w: &Workshop, band: crate::domain::PerspectiveId) -> (Vec<Group>, Vec<Note>) {
    let groups = w
        .groups
        .iter()
        .filter(|g| g.perspective_id == band && g.promoted.is_none())
        .cloned()
        .collect();
    let loose = w
        .notes
        .iter()
        .filter(|n| n.perspective_id == band && n.group_id.is_none() && n.promoted.is_none())
        .cloned()
        .collect();
    (groups, loose)
}

/// One perspective band: the objectives on the map, the notes and groups, and a new note.
#[component]
fn Band(room: Room, perspective: Perspective) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let band = perspective.id;
    let objectives = move || {
        live.doc.with(|d| {
            d.objectives
                .iter()
                .filter(|o| o.perspective_id == band)
                .map(|o| o.title.clone())
                .collect::<Vec<_>>()
        })
    };
    let items = Memo::new(move |_| {
        live.doc
            .with(|d| d.workshop.as_ref().map(|w| band_items(w, band)))
            .unwrap_or_default()
    });
    let draft = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let Some(me) = live.user.get_untracked() else {
            return;
        };
        room.step(WorkshopOp::AddNote {
            note: Note {
                id: NoteId::new(),
                author: me,
                perspective_id: band,
                text,
                group_id: None,
                hidden: false,
                promoted: None,
            },
        });
        draft.set(String::new());
    };
    let heading_id = format!("band-{}", band.0);
    let labelled_by = heading_id.clone();
    let input_id = format!("new-note-{}", band.0);
    let name = perspective.name.clone();
    let band_name = name.clone();
    let new_note_label =
        td_string!(locale, brainstorm.new_note_in, band = name.clone()).to_string();
    view! {
        <section class="band-row" aria-labelledby=labelled_by data-band=band_name>
            <header>
                <h2 id=heading_id>{name}</h2>
                <ul class="band-objectives" aria-label=td_string!(locale, brainstorm.on_the_map)>
                    {move || objectives().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                </ul>
            </header>
            <div class="notes">
                <For each=move || items.get().0 key=|g| (g.id, g.title.clone()) let:group>
                    <GroupCard room=room group=group/>
                </For>
                <For each=move || items.get().1 key=|n| format!("{:?}", n) let:note>
                    <NoteCard room=room note=note/>
                </For>
            </div>
            {move || live.can_edit.get().then(|| view! {
                <form class="new-note" on:submit=add>
                    <label for=input_id.clone() class="visually-hidden">
                        {new_note_label.clone()}
                    </label>
                    <input id=input_id.clone() type="text" maxlength=MAX_NOTE_CHARS.to_string()
                        placeholder=td_string!(locale, brainstorm.new_note) prop:value=draft
                        on:input=move |ev| draft.set(event_target_value(&ev))/>
                    <button class="button secondary" type="submit">{td_string!(locale, brainstorm.add_note)}</button>
                </form>
            })}
        </section>
    }
}

/// The dots on `target`: this person's, and everyone's once the votes are revealed.
fn dots(w: &Workshop, target: Target, me: Option<UserId>) -> (usize, Option<usize>) {
    let Some(v) = w.vote.as_ref() else {
        return (0, None);
    };
    let on = v.ballots.iter().filter(|b| b.target == target);
    let mine = on.clone().filter(|b| Some(b.voter) == me).count();
    (mine, v.revealed.then(|| on.count()))
}

/// A group of notes: its title (editable), its notes, its dots, promote.
#[component]
fn GroupCard(room: Room, group: Group) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let id = group.id;
    let members = Memo::new(move |_| {
        live.doc.with(|d| {
            d.workshop
                .as_ref()
                .map(|w| w.members(id).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let title_id = format!("group-title-{}", id.0);
    let title = group.title.clone();
    view! {
        <article class="note-group" data-group=id.0.to_string()
            on:dragover=|ev| ev.prevent_default()
            on:drop=move |ev| drop_onto(room, ev, Target::Group(id))>
            <label for=title_id.clone() class="visually-hidden">{td_string!(locale, brainstorm.group_title)}</label>
            <input id=title_id class="group-title" type="text" value=title.clone() disabled=move || !live.can_edit.get()
                on:change=move |ev| room.step(WorkshopOp::TitleGroup { id, title: event_target_value(&ev) })/>
            <div class="group-notes">
                <For each=move || members.get() key=|n| format!("{:?}", n) let:note>
                    <NoteCard room=room note=note/>
                </For>
            </div>
            <ItemActions room=room target=Target::Group(id) label=title/>
        </article>
    }
}

/// One sticky note: its words (or that someone is writing), its author's colour, and what may
/// be done with it.
#[component]
fn NoteCard(room: Room, note: Note) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let id = note.id;
    let mine = move || live.user.get() == Some(note.author);
    let author = move || {
        live.peers.with(|p| {
            p.iter()
                .find(|p| p.user_id == note.author)
                .map(|p| p.name.clone())
        })
    };
    let colour = ops::peer_colour(note.author);
    let revealed = move || {
        live.doc
            .with(|d| d.workshop.as_ref().is_some_and(|w| w.notes_revealed))
    };
    let in_group = note.group_id.is_some();
    let text = note.text.clone();
    let words = if note.hidden {
        view! { <p class="note-text hidden-note">{td_string!(locale, brainstorm.private_note)}</p> }
            .into_any()
    } else {
        view! { <p class="note-text">{text.clone()}</p> }.into_any()
    };
    view! {
        <div class="sticky" class:hidden-sticky=note.hidden style=format!("--author:{colour}") data-note=id.0.to_string()
            draggable=move || (revealed() && live.can_edit.get()).to_string()
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &id.0.to_string());
                }
            }
            on:dragover=|ev| ev.prevent_default()
            on:drop=move |ev| drop_onto(room, ev, Target::Note(id))>
            {words}
            <p class="note-author">
                {move || author().unwrap_or_else(|| if mine() { td_string!(locale, brainstorm.you).to_string() } else { String::new() })}
            </p>
            <div class="note-actions">
                {move || (mine() || room.facilitating()).then(|| view! {
                    <button class="link-button" on:click=move |_| room.step(WorkshopOp::DeleteNote { id })>
                        {td_string!(locale, brainstorm.remove_note)}
                    </button>
                })}
                {move || (in_group && live.can_edit.get()).then(|| view! {
                    <button class="link-button" on:click=move |_| room.step(WorkshopOp::Ungroup { note: id })>
                        {td_string!(locale, brainstorm.ungroup)}
                    </button>
                })}
                {move || (revealed() && !in_group && live.can_edit.get()).then(|| view! { <GroupWith room=room note=id band=note.perspective_id/> })}
            </div>
            {(!in_group).then(|| view! { <ItemActions room=room target=Target::Note(id) label=text.clone()/> })}
        </div>
    }
}

/// A note dragged here: it joins `onto` (a group, or a new group with the note dropped on).
fn drop_onto(room: Room, ev: leptos::ev::DragEvent, onto: Target) {
    ev.prevent_default();
    // A note inside a group takes the drop; the group around it does not take it again.
    ev.stop_propagation();
    let dragged = ev
        .data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
        .map(NoteId);
    if let Some(note) = dragged.filter(|n| Target::Note(*n) != onto) {
        room.step(WorkshopOp::Cluster {
            note,
            onto,
            group: NoteGroupId::new(),
        });
    }
}

/// "Group with…": the keyboard's way to drop a note onto another note or group of its band.
#[component]
fn GroupWith(room: Room, note: NoteId, band: crate::domain::PerspectiveId) -> impl IntoView {
    let locale = current_locale();
    let choices = move || {
        room.live.doc.with(|d| {
            let Some(w) = d.workshop.as_ref() else {
                return Vec::new();
            };
            let (groups, loose) = band_items(w, band);
            groups
                .into_iter()
                .map(|g| (format!("g:{}", g.id.0), g.title))
                .chain(
                    loose
                        .into_iter()
                        .filter(|n| n.id != note)
                        .map(|n| (format!("n:{}", n.id.0), n.text)),
                )
                .collect::<Vec<_>>()
        })
    };
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let onto = match value.split_once(':') {
            Some(("g", id)) => id.parse().ok().map(|id| Target::Group(NoteGroupId(id))),
            Some(("n", id)) => id.parse().ok().map(|id| Target::Note(NoteId(id))),
            _ => None,
        };
        if let Some(onto) = onto {
            room.step(WorkshopOp::Cluster {
                note,
                onto,
                group: NoteGroupId::new(),
            });
        }
    };
    view! {
        {move || {
            let choices = choices();
            (!choices.is_empty()).then(|| view! {
                <select class="group-with" on:change=pick aria-label=td_string!(locale, brainstorm.group_with)>
                    <option value="" selected>{td_string!(locale, brainstorm.group_with)}</option>
                    {choices.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
            })
        }}
    }
}

/// Dots and promotion for a note or group.
#[component]
fn ItemActions(room: Room, target: Target, #[prop(into)] label: String) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let state = move || {
        let me = live.user.get();
        live.doc.with(|d| {
            d.workshop.as_ref().map(|w| {
                // Dots may go on it while the vote runs and this person has some left (one
                // each per item unless several are allowed).
                let voting = w.vote.as_ref().is_some_and(|v| {
                    let mine = v.ballots.iter().filter(|b| Some(b.voter) == me);
                    let here = mine.clone().filter(|b| b.target == target).count();
                    !v.revealed
                        && v.ends_at_ms.is_none_or(|end| room.now_ms.get() < end)
                        && mine.count() < usize::from(v.per_person)
                        && (v.several_on_one || here == 0)
                });
                let open = w.vote.as_ref().is_some_and(|v| !v.revealed);
                (dots(w, target, me), voting, open, w.notes_revealed)
            })
        })
    };
    let label_vote = td_string!(locale, brainstorm.vote_for, item = label.clone()).to_string();
    let label_back = td_string!(locale, brainstorm.unvote_for, item = label.clone()).to_string();
    let label_promote = td_string!(locale, brainstorm.promote_item, item = label).to_string();
    view! {
        {move || state().map(|((mine, all), voting, open, revealed)| {
            let (label_vote, label_back, label_promote) = (label_vote.clone(), label_back.clone(), label_promote.clone());
            view! {
                <div class="item-actions">
                    {all.map(|n| view! {
                        <span class="vote-count">{td_string!(locale, brainstorm.votes, count = n as u64).to_string()}</span>
                    })}
                    {(mine > 0).then(|| view! {
                        <span class="my-dots">
                            <span aria-hidden="true">{"●".repeat(mine)}</span>
                            <span class="visually-hidden">{td_string!(locale, brainstorm.my_dots, count = mine as u64).to_string()}</span>
                        </span>
                    })}
                    {(voting && live.can_edit.get()).then(|| view! {
                        <button class="button secondary small" aria-label=label_vote on:click=move |_| {
                            let voter = live.user.get_untracked();
                            room.step(WorkshopOp::Cast { target, voter });
                        }>{td_string!(locale, brainstorm.vote)}</button>
                    })}
                    {(open && mine > 0 && live.can_edit.get()).then(|| view! {
                        <button class="button secondary small" aria-label=label_back on:click=move |_| {
                            let voter = live.user.get_untracked();
                            room.step(WorkshopOp::Withdraw { target, voter });
                        }>{td_string!(locale, brainstorm.unvote)}</button>
                    })}
                    {(revealed && live.can_edit.get()).then(|| view! {
                        <button class="button secondary small" aria-label=label_promote on:click=move |_| room.promote(target)>
                            {td_string!(locale, brainstorm.promote)}
                        </button>
                    })}
                </div>
            }
        })}
    }
}

/// After the reveal: the notes and groups ranked by their dots, and what became objectives.
#[component]
fn Ranking(room: Room) -> impl IntoView {
    let locale = current_locale();
    let live = room.live;
    let ranked = move || {
        live.doc.with(|d| {
            let w = d.workshop.as_ref()?;
            w.vote.as_ref().filter(|v| v.revealed)?;
            let named = |t: Target| match t {
                Target::Note(id) => w.note(id).map(|n| n.text.clone()),
                Target::Group(id) => w
                    .groups
                    .iter()
                    .find(|g| g.id == id)
                    .map(|g| g.title.clone()),
            };
            Some(
                w.ranking()
                    .into_iter()
                    .filter_map(|(t, n)| Some((t, named(t)?, n.unwrap_or(0))))
                    .collect::<Vec<_>>(),
            )
        })
    };
    let promoted = move || {
        live.doc.with(|d| {
            let Some(w) = d.workshop.as_ref() else {
                return Vec::new();
            };
            let mut made: Vec<crate::domain::ObjectiveId> = w
                .groups
                .iter()
                .filter_map(|g| g.promoted)
                .chain(
                    w.notes
                        .iter()
                        .filter(|n| n.group_id.is_none())
                        .filter_map(|n| n.promoted),
                )
                .collect();
            made.dedup();
            made.into_iter()
                .filter_map(|id| d.objective_title(id))
                .collect::<Vec<_>>()
        })
    };
    view! {
        {move || ranked().map(|items| view! {
            <section class="card brainstorm-ranking" aria-labelledby="ranking-heading">
                <h2 id="ranking-heading">{td_string!(locale, brainstorm.ranking)}</h2>
                <ol>
                    {items.into_iter().map(|(target, name, n)| {
                        let label = name.clone();
                        view! {
                            <li>
                                <span class="rank-name">{name}</span>
                                <span class="vote-count">{td_string!(locale, brainstorm.votes, count = n as u64).to_string()}</span>
                                {live.can_edit.get().then(|| view! {
                                    <button class="button secondary small"
                                        aria-label=td_string!(locale, brainstorm.promote_item, item = label).to_string()
                                        on:click=move |_| room.promote(target)>{td_string!(locale, brainstorm.promote)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        })}
        {move || {
            let made = promoted();
            (!made.is_empty()).then(|| view! {
                <section class="card brainstorm-promoted" aria-labelledby="promoted-heading">
                    <h2 id="promoted-heading">{td_string!(locale, brainstorm.promoted)}</h2>
                    <ul>{made.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                </section>
            })
        }}
    }
}
