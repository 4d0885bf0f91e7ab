//! `/maps/:id/strategy`: the strategy written down before the map is drawn (Phase 0): vision,
//! mission, values, and the strategic themes (the map's lanes) with a description and an owner.
//! It is a live page of the map: it joins the map's room, every change is an edit of the map
//! through the edit protocol (so the canvas, other Strategy pages, the history and undo see
//! it), and presence shows who is here and which statement each is writing.

use crate::api::{get_map, owner_candidates};
use crate::domain::ops::{self, EntityKind, Field, Peer, PresenceState, StrategyPart};
use crate::domain::{edits, MapDocument, MapId, Person, Theme, UserId};
use crate::i18n::*;
use crate::live::{self, LiveMap};
use crate::ui::widgets::connection::{editor_text, ConnectionLabel, Look, Roster};
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::{map_crumbs, Page};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::{lazy_route, LazyRoute};

/// How long typing pauses before the text is sent to everyone.
const TYPING_PAUSE_MS: u64 = 700;

/// The page, a lazily loaded route: its code is a separate wasm chunk.
#[derive(Clone)]
pub struct StrategyRoute {
    doc: Resource<Result<MapDocument, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for StrategyRoute {
    fn data() -> Self {
        let id = id_param::<MapId>("map");
        Self {
            doc: load(id, get_map),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.doc,
            td_string!(current_locale(), strategy.loading),
            Reload::ShowLoading,
            |d| view! { <StrategyScreen doc=d/> }.into_any(),
        )
    }
}

/// What the page shares between its parts: the live map and the statement this user writes.
#[derive(Clone, Copy)]
struct Room {
    live: LiveMap,
    writing: RwSignal<Option<StrategyPart>>,
    /// Everyone whose name the page knows: the people the map names and, for editors, those
    /// who may own a theme.
    people: RwSignal<Vec<Person>>,
}

impl Room {
    /// The others in the room writing `part` now.
    fn writers(self, part: StrategyPart) -> Vec<Peer> {
        let me = self.live.me.get();
        self.live.peers.with(|peers| {
            peers
                .iter()
                .filter(|p| p.state.writing == Some(part) && Some(p.peer_id) != me)
                .cloned()
                .collect()
        })
    }

    /// Applies `op` here and sends it; a refusal shows as the page's notice.
    fn edit(self, op: ops::Op) {
        if let Err(reason) = live::edit(self.live, vec![op]) {
            self.live.notice.set(Some(reason));
        }
    }
}

#[component]
fn StrategyScreen(doc: MapDocument) -> impl IntoView {
    let locale = current_locale();
    let (map, unit) = (doc.map.clone(), doc.org_unit.clone());
    let room = Room {
        people: RwSignal::new(doc.people.clone()),
        live: LiveMap::new(doc),
        writing: RwSignal::new(None),
    };
    let live = room.live;
    Effect::new(move |_| live::start(live));
    on_cleanup(move || live::stop(live));
    Effect::new(move |_| {
        let writing = room.writing.get();
        live::presence(
            live,
            PresenceState {
                writing,
                ..PresenceState::default()
            },
        );
    });
    load_owner_candidates(room, map.id);
    let crumbs = map_crumbs(
        &unit.name,
        &map.name,
        map.id,
        Some((td_string!(locale, strategy.title), "strategy")),
    );
    let status = Signal::derive(move || editor_text(locale, live.status.get(), live.pending.get()));
    let map_id = map.id;
    view! {
        <Page title=format!("{} · {}", td_string!(locale, strategy.title), map.name) crumbs=crumbs class="page strategy-page">
            <div class="strategy-head">
                <div>
                    <h1>{move || td_string!(locale, strategy.heading, map = live.doc.with(|d| d.map.name.clone())).to_string()}</h1>
                    <p class="lead">{td_string!(locale, strategy.lead)}</p>
                </div>
                <div class="strategy-room">
                    <ConnectionLabel status=live.status text=status look=Look::Pill attr:role="status" attr:aria-live="polite"/>
                    <Roster peers=live.peers label=td_string!(locale, strategy.in_room)/>
                    <A href=format!("/maps/{map_id}") attr:class="button">{td_string!(locale, strategy.open_map)}</A>
                </div>
            </div>
            {move || live.notice.get().map(|text| view! {
                <div class="notice" role="alert">
                    <span>{text}</span>
                    <button class="link-button" on:click=move |_| live.notice.set(None)>{td_string!(locale, map.page.dismiss)}</button>
                </div>
            })}
            {move || (live.status.get() == live::ConnStatus::Live && !live.can_edit.get()).then(|| view! {
                <p class="hint">{td_string!(locale, strategy.view_only)}</p>
            })}
            <div class="statements">
                <MapStatement room=room part=StrategyPart::Vision field=Field::Vision
                    label=td_string!(locale, strategy.vision) hint=td_string!(locale, strategy.vision_hint) rows=3/>
                <MapStatement room=room part=StrategyPart::Mission field=Field::Mission
                    label=td_string!(locale, strategy.mission) hint=td_string!(locale, strategy.mission_hint) rows=4/>
                <MapStatement room=room part=StrategyPart::Values field=Field::Values
                    label=td_string!(locale, strategy.values) hint=td_string!(locale, strategy.values_hint) rows=5/>
            </div>
            <Themes room=room/>
        </Page>
    }
}

/// "Ana is writing here", for each other person at `part`.
#[component]
fn Writers(room: Room, part: StrategyPart) -> impl IntoView {
    let locale = current_locale();
    view! {
        <p class="writers" aria-live="polite">
            {move || room.writers(part).into_iter().map(|p| view! {
                <span class="writer" style=format!("border-color:{}", p.colour)>
                    <span class="avatar small" style=format!("background:{}", p.colour) aria-hidden="true">{p.initials.clone()}</span>
                    {td_string!(locale, strategy.writing, name = p.name.clone()).to_string()}
                </span>
            }).collect_view()}
        </p>
    }
}

/// One of the map's statements (vision, mission, values) as a shared text.
#[component]
fn MapStatement(
    room: Room,
    part: StrategyPart,
    field: Field,
    label: &'static str,
    hint: &'static str,
    rows: u32,
) -> impl IntoView {
    let current = Signal::derive(move || {
        room.live.doc.with(|d| match field {
            Field::Vision => d.map.vision.clone(),
            Field::Mission => d.map.mission.clone(),
            _ => d.map.values.clone(),
        })
    });
    let id = room.live.doc.with_untracked(|d| d.map.id.0);
    let dom_id = format!("statement-{}", field_name(field));
    let hint_id = format!("{dom_id}-hint");
    view! {
        <section class="card statement" data-part=field_name(field)>
            <h2><label for=dom_id.clone()>{label}</label></h2>
            <p class="hint" id=hint_id.clone()>{hint}</p>
            <SharedText room=room part=part entity=EntityKind::Map id=id field=field current=current
                dom_id=dom_id described_by=hint_id rows=rows/>
            <Writers room=room part=part/>
        </section>
    }
}

/// The stable name of a statement field, for ids and test hooks.
fn field_name(field: Field) -> &'static str {
    match field {
        Field::Vision => "vision",
        Field::Mission => "mission",
        Field::Values => "values",
        Field::Name => "name",
        _ => "description",
    }
}

/// A text shared through the edit protocol: typed here, it is sent after a short pause and when
/// the field is left; changed by someone else, it follows unless this user is typing in it.
#[component]
fn SharedText(
    room: Room,
    part: StrategyPart,
    entity: EntityKind,
    id: uuid::Uuid,
    field: Field,
    current: Signal<String>,
    dom_id: String,
    #[prop(optional, into)] described_by: Option<String>,
    #[prop(optional, into)] aria_label: Option<String>,
    /// One line (a name) instead of a text area.
    #[prop(optional)]
    single_line: bool,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let draft = RwSignal::new(current.get_untracked());
    let focused = RwSignal::new(false);
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    Effect::new(move |_| {
        let now = current.get();
        if !focused.get_untracked() {
            draft.set(now);
        }
    });
    let send = move || {
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        timer.set_value(None);
        let text = draft.get_untracked();
        if text != current.get_untracked() {
            room.edit(ops::set(entity, id, field, text));
        }
    };
    let typed = move |ev: leptos::ev::Event| {
        draft.set(event_target_value(&ev));
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let handle =
            set_timeout_with_handle(send, std::time::Duration::from_millis(TYPING_PAUSE_MS));
        timer.set_value(handle.ok());
    };
    let enter = move |_| {
        focused.set(true);
        room.writing.set(Some(part));
    };
    let leave = move |_| {
        focused.set(false);
        send();
        room.writing.update(|w| {
            if *w == Some(part) {
                *w = None;
            }
        });
    };
    let read_only = move || !room.live.can_edit.get();
    if single_line {
        view! {
            <input id=dom_id aria-label=aria_label aria-describedby=described_by maxlength="120"
                prop:value=move || draft.get() readonly=read_only
                on:input=typed on:focus=enter on:blur=leave/>
        }
        .into_any()
    } else {
        view! {
            <textarea id=dom_id aria-label=aria_label aria-describedby=described_by rows=rows maxlength="4000"
                prop:value=move || draft.get() readonly=read_only
                on:input=typed on:focus=enter on:blur=leave></textarea>
        }
        .into_any()
    }
}

/// Editors may pick any person with a role on the map's unit as a theme's owner.
fn load_owner_candidates(room: Room, map: MapId) {
    let loaded = StoredValue::new(false);
    Effect::new(move |_| {
        if !room.live.can_edit.get() || loaded.get_value() {
            return;
        }
        loaded.set_value(true);
        leptos::task::spawn_local(async move {
            if let Ok(people) = owner_candidates(map).await {
                room.people.update(|known| {
                    Person::merge(known, &people);
                });
            }
        });
    });
    // Names the document learns (a theme's new owner) join the list.
    Effect::new(move |_| {
        let people = room.live.doc.with(|d| d.people.clone());
        room.people.update(|known| {
            Person::merge(known, &people);
        });
    });
}

/// The strategic themes: each with its colour, name, owner and description, and how many
/// objectives it holds on the map.
#[component]
fn Themes(room: Room) -> impl IntoView {
    let locale = current_locale();
    let ids = move || {
        room.live
            .doc
            .with(|d| d.themes.iter().map(|t| t.id).collect::<Vec<_>>())
    };
    let add = move |_| room.edit(room.live.doc.with_untracked(edits::new_theme));
    view! {
        <section class="themes" aria-labelledby="themes-heading">
            <h2 id="themes-heading">{td_string!(locale, strategy.themes)}</h2>
            <p class="hint">{td_string!(locale, strategy.themes_hint)}</p>
            {move || ids().is_empty().then(|| view! { <p class="muted">{td_string!(locale, strategy.no_themes)}</p> })}
            <ol class="theme-cards">
                <For each=ids key=|id| *id let:id>
                    <ThemeCard room=room id=id/>
                </For>
            </ol>
            <Show when=move || room.live.can_edit.get()>
                <button on:click=add>{td_string!(locale, strategy.add_theme)}</button>
            </Show>
        </section>
    }
}

/// One theme's card.
#[component]
fn ThemeCard(room: Room, id: crate::domain::ThemeId) -> impl IntoView {
    let locale = current_locale();
    let theme = Memo::new(move |_| {
        room.live
            .doc
            .with(|d| d.themes.iter().find(|t| t.id == id).cloned())
    });
    let read = move |f: fn(&Theme) -> String| {
        Signal::derive(move || theme.with(|t| t.as_ref().map(f).unwrap_or_default()))
    };
    let name = read(|t| t.name.clone());
    let colour = read(|t| t.colour.clone());
    let number = room.live.doc.with_untracked(|d| {
        d.themes
            .iter()
            .position(|t| t.id == id)
            .map_or(0, |n| n + 1)
    });
    let objectives = move || {
        room.live.doc.with(|d| {
            d.objectives
                .iter()
                .filter(|o| o.theme_id == Some(id))
                .count()
        })
    };
    let owner = move || {
        theme.with(|t| {
            t.as_ref()
                .and_then(|t| t.owner_id)
                .map(|u| u.to_string())
                .unwrap_or_default()
        })
    };
    let part = StrategyPart::Theme(id);
    let read_only = move || !room.live.can_edit.get();
    let base = format!("theme-{id}");
    view! {
        <li class="card theme-card" data-theme=id.to_string() style=move || format!("border-top-color:{}", colour.get())>
            <div class="theme-line">
                <input type="color" prop:value=move || colour.get() disabled=read_only
                    aria-label=move || td_string!(locale, strategy.theme_colour, name = name.get()).to_string()
                    on:change=move |ev| room.edit(ops::set(EntityKind::Theme, id.0, Field::Colour, event_target_value(&ev)))/>
                <SharedText room=room part=part entity=EntityKind::Theme id=id.0 field=Field::Name current=name
                    dom_id=format!("{base}-name") single_line=true
                    aria_label=td_string!(locale, strategy.theme_name, n = number).to_string()/>
                <span class="meta">{move || td_string!(locale, strategy.objectives, count = objectives() as u64).to_string()}</span>
            </div>
            <label>
                <span class="sub-label">{move || td_string!(locale, strategy.theme_owner, name = name.get()).to_string()}</span>
                <select disabled=read_only on:change=move |ev| {
                    let owner = event_target_value(&ev).parse::<UserId>().ok();
                    room.edit(ops::set(EntityKind::Theme, id.0, Field::Owner, owner));
                }>
                    <option value="" selected=move || owner().is_empty()>{td_string!(locale, strategy.no_owner)}</option>
                    {move || room.people.get().into_iter().map(|p| {
                        let v = p.id.to_string();
                        let chosen = v.clone();
                        view! { <option value=v selected=move || owner() == chosen>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label for=format!("{base}-description") class="sub-label">
                {move || td_string!(locale, strategy.theme_description, name = name.get()).to_string()}
            </label>
            <SharedText room=room part=part entity=EntityKind::Theme id=id.0 field=Field::Description
                current=read(|t| t.description.clone()) dom_id=format!("{base}-description") rows=3/>
            <Writers room=room part=part/>
        </li>
    }
}
