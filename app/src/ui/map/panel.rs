//! The side panel: edits the selected objective (title, description, owner, theme, perspective)
//! or arrow (hypothesis), and, with nothing selected, the map's perspectives and themes.

use super::canvas::run_edit;
use super::health::{findings, HealthPanel};
use super::measures::{MeasureEditor, MeasureList};
use super::state::{MapState, PanelTab, Selection};
use crate::domain::comment::CommentSubject;
use crate::domain::edits;
use crate::domain::hypothesis::{self, Direction};
use crate::domain::ops::{self, EntityKind, Field};
use crate::domain::scores::Subject;
use crate::domain::scoring::RollUp;
use crate::domain::{InitiativeId, LinkId, ObjectiveId, PerspectiveId, ThemeId, UserId};
use crate::i18n::*;
use crate::ui::widgets::comments::Comments;
use crate::ui::widgets::initiatives::InitiativeRow;
use crate::ui::widgets::status::StatusChip;
use leptos::prelude::*;

/// The column beside the canvas: the details of the selection, or the map health check.
#[component]
pub fn SidePanel(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let findings = findings(state);
    let tab = move |t: PanelTab, label: &'static str| {
        view! {
            <button type="button" role="tab" aria-selected=move || (state.tab.get() == t).to_string()
                class:active=move || state.tab.get() == t on:click=move |_| state.tab.set(t)>
                {move || if t == PanelTab::Health { format!("{label} ({})", findings.with(Vec::len)) } else { label.to_string() }}
            </button>
        }
    };
    view! {
        <div class="side-column">
            <div class="panel-tabs" role="tablist" aria-label=t_string!(i18n, map.panel.label)>
                {tab(PanelTab::Details, t_string!(i18n, map.panel.details))}
                {tab(PanelTab::Health, t_string!(i18n, map.panel.health))}
                {tab(PanelTab::History, t_string!(i18n, history.ui.tab))}
                {tab(PanelTab::Comments, t_string!(i18n, comments.heading))}
            </div>
            {move || match state.tab.get() {
                PanelTab::Details => view! { <SelectionPanel state=state/> }.into_any(),
                PanelTab::Health => view! {
                    <aside class="side-panel" aria-label=t_string!(i18n, map.panel.health_label)>
                        <HealthPanel state=state findings=findings/>
                    </aside>
                }.into_any(),
                PanelTab::History => view! { <super::history::HistoryPanel state=state/> }.into_any(),
                PanelTab::Comments => view! {
                    <aside class="side-panel" aria-label=t_string!(i18n, comments.heading)>
                        <SelectionComments state=state/>
                    </aside>
                }.into_any(),
            }}
        </div>
    }
}

/// The comment threads on the selected objective or measure (the same threads stay open while
/// the selection's details change).
#[component]
fn SelectionComments(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let subject = Memo::new(move |_| {
        let sel = state.selection.get();
        match (sel.measure, sel.objectives.as_slice()) {
            (Some(m), [_]) => Some(CommentSubject::Measure(m)),
            (None, [o]) if sel.link.is_none() => Some(CommentSubject::Objective(*o)),
            _ => None,
        }
    });
    move || match subject.get() {
        Some(s) => view! { <Comments subject=s changed=state.live.comments_rev/> }.into_any(),
        None => view! { <p class="muted">{t!(i18n, map.panel.comments_pick)}</p> }.into_any(),
    }
}

/// The details of whatever is selected.
#[component]
fn SelectionPanel(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let sel = state.selection.get();
        if let (Some(m), 1) = (sel.measure, sel.objectives.len()) {
            return view! { <MeasureEditor state=state id=m/> }.into_any();
        }
        if let Some(id) = sel.link {
            return view! { <LinkPanel state=state id=id/> }.into_any();
        }
        match sel.objectives.len() {
            0 => view! { <MapSettings state=state/> }.into_any(),
            1 => view! { <ObjectivePanel state=state id=sel.objectives[0]/> }.into_any(),
            n => view! {
                <aside class="side-panel" aria-label=t_string!(i18n, map.panel.selection)>
                    <h2>{t_string!(i18n, map.panel.selected, count = n).to_string()}</h2>
                    <Show when=move || state.can_edit.get()>
                        <p class="muted">{t!(i18n, map.panel.selected_hint)}</p>
                        <button class="danger" on:click=move |_| {
                            super::confirm::ask_delete(state, state.selection.with_untracked(|s| edits::delete(&s.objectives, s.link)));
                        }>{t!(i18n, map.panel.delete_selected)}</button>
                    </Show>
                </aside>
            }
            .into_any(),
        }
    }
}

fn set(
    state: MapState,
    entity: EntityKind,
    id: uuid::Uuid,
    field: Field,
    value: impl serde::Serialize,
) {
    run_edit(state, vec![ops::set(entity, id, field, value)]);
}

#[component]
fn ObjectivePanel(state: MapState, id: ObjectiveId) -> impl IntoView {
    let i18n = use_i18n();
    let objective = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.objectives.iter().find(|o| o.id == id).cloned())
    });
    let ro = move || !state.can_edit.get();
    move || {
        let Some(o) = objective.get() else {
            return view! { <aside class="side-panel"></aside> }.into_any();
        };
        let people = state.people.get();
        let (themes, perspectives, drives, driven_by, is_unit) = state.doc.with(|d| {
            let title_of = |oid: ObjectiveId| d.objective_title(oid).unwrap_or_default();
            (
                d.themes.clone(),
                d.perspectives.clone(),
                d.links
                    .iter()
                    .filter(|l| l.from_id == id)
                    .map(|l| title_of(l.to_id))
                    .collect::<Vec<_>>(),
                d.links
                    .iter()
                    .filter(|l| l.to_id == id)
                    .map(|l| title_of(l.from_id))
                    .collect::<Vec<_>>(),
                d.map_is_unit(),
            )
        });
        let list = |items: Vec<String>, empty: &'static str| {
            if items.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! { <ul>{items.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }.into_any()
            }
        };
        let owner = o.owner_id.map(|u| u.to_string()).unwrap_or_default();
        let theme = o.theme_id.map(|t| t.to_string()).unwrap_or_default();
        let perspective = o.perspective_id.to_string();
        view! {
            <aside class="side-panel" aria-label=t_string!(i18n, map.objective.label)>
                <h2>{o.title.clone()}</h2>
                <label for="obj-title">{t!(i18n, map.objective.title)}</label>
                <input id="obj-title" prop:value=o.title.clone() disabled=ro maxlength="120"
                    on:change=move |ev| set(state, EntityKind::Objective, id.0, Field::Title, event_target_value(&ev))/>
                <label for="obj-description">{t!(i18n, map.objective.description)}</label>
                <textarea id="obj-description" rows="3" prop:value=o.description.clone() disabled=ro
                    on:change=move |ev| set(state, EntityKind::Objective, id.0, Field::Description, event_target_value(&ev))></textarea>
                <label for="obj-owner">{t!(i18n, map.objective.owner)}</label>
                <select id="obj-owner" disabled=ro on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set(state, EntityKind::Objective, id.0, Field::Owner, v.parse::<UserId>().ok());
                }>
                    <option value="" selected=owner.is_empty()>{t!(i18n, map.objective.no_owner)}</option>
                    {people.into_iter().map(|p| { let v = p.id.to_string(); view! { <option selected=v == owner value=v>{p.name}</option> } }).collect_view()}
                </select>
                <label for="obj-perspective">{t!(i18n, map.objective.perspective)}</label>
                <select id="obj-perspective" disabled=ro on:change=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<PerspectiveId>() {
                        set(state, EntityKind::Objective, id.0, Field::Perspective, p);
                    }
                }>
                    {perspectives.into_iter().map(|p| { let v = p.id.to_string(); view! { <option selected=v == perspective value=v>{p.name}</option> } }).collect_view()}
                </select>
                <label for="obj-theme">{t!(i18n, map.objective.theme)}</label>
                <select id="obj-theme" disabled=ro on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set(state, EntityKind::Objective, id.0, Field::Theme, v.parse::<ThemeId>().ok());
                }>
                    <option value="" selected=theme.is_empty()>{t!(i18n, map.objective.no_theme)}</option>
                    {themes.into_iter().map(|t| { let v = t.id.to_string(); view! { <option selected=v == theme value=v>{t.name}</option> } }).collect_view()}
                </select>
                <h3>{t!(i18n, map.objective.drives)}</h3>
                {list(drives, t_string!(i18n, map.objective.drives_none))}
                <h3>{t!(i18n, map.objective.driven_by)}</h3>
                {list(driven_by, t_string!(i18n, map.objective.driven_by_none))}
                {is_unit.then(|| view! { <super::cascade::SupportsSection state=state id=id/> })}
                <super::cascade::SupportedBySection state=state id=id/>
                <MeasureList state=state objective=id/>
                <ObjectiveInitiatives state=state id=id/>
                <h3>{t!(i18n, map.objective.score)}</h3>
                <p class="objective-score">
                    {move || state.scores.with(|s| s.as_ref().map(|s| s.objective(id))).map(|sc| view! {
                        <StatusChip score=sc label=t_string!(i18n, map.objective.status).to_string() on_why=Callback::new(move |_| state.why.set(Some(Subject::Objective(id))))/>
                    })}
                </p>
                <div class="field-row">
                    <div>
                        <label for="obj-weight">{t!(i18n, map.objective.weight)}</label>
                        <input id="obj-weight" type="number" min="0.0001" step="any" prop:value=o.weight.to_string() disabled=ro
                            on:change=move |ev| { match event_target_value(&ev).trim().parse::<f64>() {
                                Ok(w) => set(state, EntityKind::Objective, id.0, Field::Weight, w),
                                Err(_) => state.notice.set(Some(t_string!(i18n, map.objective.bad_weight).to_string())),
                            } }/>
                    </div>
                    <div>
                        <label for="obj-rollup">{t!(i18n, map.objective.rollup)}</label>
                        <select id="obj-rollup" disabled=ro on:change=move |ev| {
                            let r = if event_target_value(&ev) == "worst_child" { RollUp::WorstChild } else { RollUp::WeightedAverage };
                            set(state, EntityKind::Objective, id.0, Field::RollUp, r);
                        }>
                            <option value="weighted_average" selected=o.rollup == RollUp::WeightedAverage>{t!(i18n, map.objective.weighted_average)}</option>
                            <option value="worst_child" selected=o.rollup == RollUp::WorstChild>{t!(i18n, map.objective.worst_child)}</option>
                        </select>
                    </div>
                </div>
                <PanelActions state=state delete=t_string!(i18n, map.objective.delete)
                    on_delete=Callback::new(move |_| super::confirm::ask_delete(state, edits::delete(&[id], None)))/>
            </aside>
        }
        .into_any()
    }
}

/// The initiatives moving an objective: status, % complete, spend against budget, next milestone.
#[component]
fn ObjectiveInitiatives(state: MapState, id: ObjectiveId) -> impl IntoView {
    let i18n = use_i18n();
    let list = Memo::new(move |_| {
        state.initiatives.with(|all| {
            all.iter()
                .filter(|s| s.initiative.objective_ids.contains(&id))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <h3>{t!(i18n, map.objective.initiatives)}</h3>
        {move || {
            let items = list.get();
            if items.is_empty() {
                return view! { <p class="muted">{t!(i18n, map.objective.initiatives_none)}</p> }.into_any();
            }
            view! {
                <table class="initiatives compact" aria-label=t_string!(i18n, map.objective.initiatives_label)>
                    <tbody>{items.into_iter().map(|s| match state.currency.get_untracked() {
                        Some(currency) => view! { <InitiativeRow summary=s currency=currency/> }.into_any(),
                        None => view! { <InitiativeRow summary=s/> }.into_any(),
                    }).collect_view()}</tbody>
                </table>
            }
            .into_any()
        }}
        {move || state.can_edit.get().then(|| view! { <InitiativeLinks state id/> })}
        <p class="small"><a href=move || format!("/units/{}/initiatives", state.doc.with(|d| d.map.org_unit_id))>{t!(i18n, map.objective.initiatives_all)}</a></p>
    }
}

/// Editors tie the unit's other initiatives to the objective, or untie those that move it.
#[component]
fn InitiativeLinks(state: MapState, id: ObjectiveId) -> impl IntoView {
    let locale = current_locale();
    let pick = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let change = move |initiative: InitiativeId, linked: bool| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match crate::api::initiatives::link_initiative(initiative, id, linked).await {
                Ok(_) => {
                    pick.set(String::new());
                    super::load_initiatives_now(state);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        });
    };
    let split = Memo::new(move |_| {
        state.initiatives.with(|all| {
            let (linked, other): (Vec<_>, Vec<_>) = all
                .iter()
                .map(|s| {
                    (
                        s.initiative.id,
                        s.initiative.name.clone(),
                        s.initiative.objective_ids.contains(&id),
                    )
                })
                .partition(|(_, _, on)| *on);
            (linked, other)
        })
    });
    view! {
        <div class="initiative-links">
            <ul class="unlink-list">
                {move || split.get().0.into_iter().map(|(iid, name, _)| {
                    let label = td_string!(locale, map.objective.initiative_unlink, name = &name).to_string();
                    view! { <li><button class="link-button" on:click=move |_| change(iid, false)>{label}</button></li> }
                }).collect_view()}
            </ul>
            {move || {
                let others = split.get().1;
                (!others.is_empty()).then(|| view! {
                    <div class="link-initiative">
                        <label for="link-initiative">{td_string!(locale, map.objective.initiative_pick)}</label>
                        <select id="link-initiative" prop:value=move || pick.get() on:change=move |ev| pick.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {others.into_iter().map(|(iid, name, _)| view! { <option value=iid.to_string()>{name}</option> }).collect_view()}
                        </select>
                        <button disabled=move || pick.with(String::is_empty) on:click=move |_| {
                            if let Ok(iid) = pick.get_untracked().parse() {
                                change(iid, true);
                            }
                        }>{td_string!(locale, map.objective.initiative_link)}</button>
                    </div>
                })
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}

#[component]
fn LinkPanel(state: MapState, id: LinkId) -> impl IntoView {
    let i18n = use_i18n();
    let link = Memo::new(move |_| {
        state.doc.with(|d| {
            let l = d.links.iter().find(|l| l.id == id)?;
            let title = |o: ObjectiveId| d.objective_title(o).unwrap_or_default();
            Some((
                title(l.from_id),
                title(l.to_id),
                l.hypothesis.clone(),
                l.direction,
                l.lag_months,
            ))
        })
    });
    let tested = Memo::new(move |_| {
        state.hypotheses.with(|h| {
            h.as_ref()
                .and_then(|h| h.links.iter().find(|l| l.link_id == id).cloned())
        })
    });
    let map_id = state.doc.with_untracked(|d| d.map.id);
    move || {
        let Some((from, to, hypothesis, direction, lag)) = link.get() else {
            return view! { <aside class="side-panel"></aside> }.into_any();
        };
        let locale = i18n.get_locale_untracked();
        let lag_value = lag.map(|l| l.to_string()).unwrap_or_default();
        view! {
            <aside class="side-panel" aria-label=t_string!(i18n, map.link.label)>
                <h2>{t!(i18n, map.link.heading)}</h2>
                <p><strong>{from}</strong>{t!(i18n, map.link.drives)}<strong>{to}</strong></p>
                <label for="link-hypothesis">{t!(i18n, map.link.hypothesis)}</label>
                <textarea id="link-hypothesis" rows="4" prop:value=hypothesis disabled=move || !state.can_edit.get()
                    placeholder=move || state.can_edit.get().then_some(t_string!(i18n, map.link.hypothesis_placeholder))
                    on:change=move |ev| set(state, EntityKind::Link, id.0, Field::Hypothesis, event_target_value(&ev))></textarea>
                <div class="link-expectation">
                    <label for="link-direction">{t!(i18n, hypotheses.panel.direction)}</label>
                    <select id="link-direction" disabled=move || !state.can_edit.get() on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse::<Direction>() {
                            set(state, EntityKind::Link, id.0, Field::Direction, d);
                        }
                    }>
                        {Direction::ALL.into_iter().map(|d| view! {
                            <option value=d.as_str() selected=d == direction>{d.text(locale)}</option>
                        }).collect_view()}
                    </select>
                    <label for="link-lag">{t!(i18n, hypotheses.panel.lag)}</label>
                    <select id="link-lag" disabled=move || !state.can_edit.get() on:change=move |ev| {
                        set(state, EntityKind::Link, id.0, Field::Lag, event_target_value(&ev).parse::<u8>().ok());
                    }>
                        <option value="" selected=lag.is_none()>{t!(i18n, hypotheses.panel.any_lag)}</option>
                        {(0..=hypothesis::MAX_LAG).map(|l| view! {
                            <option value=l.to_string() selected=l.to_string() == lag_value>
                                {td_string!(locale, hypotheses.after, count = u64::from(l)).to_string()}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <section class="link-tested" aria-label=t_string!(i18n, hypotheses.panel.tested)>
                    <h3>{t!(i18n, hypotheses.panel.tested)}</h3>
                    {move || tested.get().map(|h| view! {
                        <p><crate::ui::hypotheses::VerdictChip verdict=h.test.verdict/></p>
                        <p class="muted">{h.finding(locale)}</p>
                    })}
                    <a href=format!("/maps/{map_id}/hypotheses")>{t!(i18n, hypotheses.panel.all)}</a>
                </section>
                <PanelActions state=state delete=t_string!(i18n, map.link.delete) on_delete=Callback::new(move |_| {
                    run_edit(state, edits::delete(&[], Some(id)));
                    state.selection.set(Selection::default());
                })/>
            </aside>
        }
        .into_any()
    }
}

/// The foot of a details panel: the delete button (for those who may edit) and Close.
#[component]
fn PanelActions(state: MapState, delete: &'static str, on_delete: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="panel-actions">
            <Show when=move || state.can_edit.get()>
                <button class="danger" on:click=move |_| on_delete.run(())>{delete}</button>
            </Show>
            <button class="link-button" on:click=move |_| state.selection.set(Selection::default())>{t!(i18n, map.panel.close)}</button>
        </div>
    }
}

/// With nothing selected: rename and reorder perspectives; add, rename and recolour themes.
#[component]
fn MapSettings(state: MapState) -> impl IntoView {
    let i18n = use_i18n();
    let ro = move || !state.can_edit.get();
    let swap_ranks = move |entity: EntityKind, a: (uuid::Uuid, i32), b: (uuid::Uuid, i32)| {
        run_edit(state, edits::swap_ranks(entity, a, b));
    };
    let add_theme = move |_| run_edit(state, vec![state.doc.with_untracked(edits::new_theme)]);
    move || {
        let (perspectives, themes) = state
            .doc
            .with(|d| (d.perspectives.clone(), d.themes.clone()));
        let n = perspectives.len();
        let m = themes.len();
        let p_ranks: Vec<_> = perspectives.iter().map(|p| (p.id.0, p.rank)).collect();
        let t_ranks: Vec<_> = themes.iter().map(|t| (t.id.0, t.rank)).collect();
        view! {
            <aside class="side-panel" aria-labelledby="map-settings-heading">
                <h2 id="map-settings-heading">{t!(i18n, map.settings.label)}</h2>
                <Show when=move || state.can_edit.get()>
                    <p class="hint">{t!(i18n, map.settings.hint)}</p>
                </Show>
                <h3>{t!(i18n, map.settings.perspectives)}</h3>
                <ul class="settings-list">
                    {perspectives.into_iter().enumerate().map(|(i, p)| {
                        let pid = p.id.0;
                        let (pr, up, down) = (p_ranks.clone(), i > 0, i + 1 < n);
                        let pr2 = pr.clone();
                        view! {
                            <li>
                                <input aria-label=t_string!(i18n, map.settings.perspective_name, n = i + 1).to_string() prop:value=p.name.clone() disabled=ro
                                    on:change=move |ev| set(state, EntityKind::Perspective, pid, Field::Name, event_target_value(&ev))/>
                                <button aria-label=t_string!(i18n, map.settings.move_up) disabled=move || ro() || !up on:click=move |_| swap_ranks(EntityKind::Perspective, pr[i], pr[i - 1])>"↑"</button>
                                <button aria-label=t_string!(i18n, map.settings.move_down) disabled=move || ro() || !down on:click=move |_| swap_ranks(EntityKind::Perspective, pr2[i], pr2[i + 1])>"↓"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h3>{t!(i18n, map.settings.themes)}</h3>
                <ul class="settings-list">
                    {themes.into_iter().enumerate().map(|(i, t)| {
                        let tid = t.id.0;
                        let (tr, left, right) = (t_ranks.clone(), i > 0, i + 1 < m);
                        let tr2 = tr.clone();
                        view! {
                            <li>
                                <input type="color" aria-label=t_string!(i18n, map.settings.theme_colour, name = t.name.clone()).to_string() prop:value=t.colour.clone() disabled=ro
                                    on:change=move |ev| set(state, EntityKind::Theme, tid, Field::Colour, event_target_value(&ev))/>
                                <input aria-label=t_string!(i18n, map.settings.theme_name, n = i + 1).to_string() prop:value=t.name.clone() disabled=ro
                                    on:change=move |ev| set(state, EntityKind::Theme, tid, Field::Name, event_target_value(&ev))/>
                                <button aria-label=t_string!(i18n, map.settings.move_left) disabled=move || ro() || !left on:click=move |_| swap_ranks(EntityKind::Theme, tr[i], tr[i - 1])>"←"</button>
                                <button aria-label=t_string!(i18n, map.settings.move_right) disabled=move || ro() || !right on:click=move |_| swap_ranks(EntityKind::Theme, tr2[i], tr2[i + 1])>"→"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || state.can_edit.get()>
                    <button on:click=add_theme>{t!(i18n, map.settings.add_theme)}</button>
                </Show>
            </aside>
        }
        .into_any()
    }
}
