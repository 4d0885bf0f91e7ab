//! The initiative editor: name, description, owner, dates, budget and spend, status (with the
//! suggestion and its reasons, one click to take it), % complete typed in or earned by weighted
//! milestones, the milestones themselves (due date, owner, weight, done), and the objectives it
//! moves. Saved whole; closing and reopening are saves too.

use super::{save, status_word, PageState};
use crate::api::initiatives::InitiativeDraft;
use crate::domain::initiative::{self, ProgressMode};
use crate::domain::*;
use crate::i18n::*;
use leptos::prelude::*;

const STATUSES: [InitiativeStatus; 5] = [
    InitiativeStatus::NotStarted,
    InitiativeStatus::OnTrack,
    InitiativeStatus::AtRisk,
    InitiativeStatus::Late,
    InitiativeStatus::Done,
];

/// A number typed into a field, 0 when it is blank or not a number.
fn number(text: &str) -> f64 {
    text.trim().replace(',', ".").parse::<f64>().unwrap_or(0.0)
}

/// The editor of the page's draft (shown while `state.editing` holds one).
#[component]
pub fn Editor(state: PageState) -> impl IntoView {
    let locale = current_locale();
    let Some(start) = state.editing.get_untracked() else {
        return ().into_any();
    };
    let draft = RwSignal::new(start.clone());
    let is_new = !state.page.with_untracked(|p| {
        p.items
            .iter()
            .any(|c| c.summary.initiative.id == start.initiative.id)
    });
    let currency = state.page.with_untracked(|p| p.currency.clone());
    let today = state.page.with_untracked(|p| p.today);
    let closed = move || draft.with(|d| d.initiative.closed_on.is_some());
    let set = move |f: &dyn Fn(&mut Initiative)| draft.update(|d| f(&mut d.initiative));
    let heading = if is_new {
        td_string!(locale, initiatives.form.new_heading).to_string()
    } else {
        td_string!(
            locale,
            initiatives.form.edit_heading,
            name = &start.initiative.name
        )
        .to_string()
    };
    let submit = move |closing: Option<Option<chrono::NaiveDate>>| {
        let mut d = draft.get_untracked();
        if let Some(closed_on) = closing {
            d.initiative.closed_on = closed_on;
        }
        // The page shows the outcome (the new card, or why it failed); the form stays until
        // the save went through.
        save(state, d, move || state.editing.set(None));
    };
    let suggestion =
        move || draft.with(|d| initiative::suggest(&d.initiative, &d.milestones, today));
    let people = state.page.with_untracked(|p| p.people.clone());
    let people_for_milestones = people.clone();
    let objectives = state.page.with_untracked(|p| p.objectives.clone());
    view! {
        <section class="card initiative-editor" aria-labelledby="initiative-editor-heading">
            <div class="editor-head">
                <h2 id="initiative-editor-heading">{heading}</h2>
                <button class="icon" aria-label=td_string!(locale, initiatives.form.dismiss) on:click=move |_| state.editing.set(None)>"×"</button>
            </div>
            {move || draft.with(|d| d.initiative.closed_on).map(|day| view! {
                <p class="note">{td_string!(locale, initiatives.form.closed_on, date = format_date(locale, day)).to_string()}</p>
            })}
            <form on:submit=move |ev| { ev.prevent_default(); submit(None); }>
                <fieldset disabled=closed class="plain">
                    <div class="form-grid">
                        <label class="wide">{td_string!(locale, initiatives.form.name)}
                            <input name="name" required maxlength="200" prop:value=move || draft.with(|d| d.initiative.name.clone())
                                on:input=move |ev| { let v = event_target_value(&ev); set(&|i| i.name = v.clone()); }/>
                        </label>
                        <label class="wide">{td_string!(locale, initiatives.form.description)}
                            <textarea name="description" rows="2" maxlength="5000" prop:value=move || draft.with(|d| d.initiative.description.clone())
                                on:input=move |ev| { let v = event_target_value(&ev); set(&|i| i.description = v.clone()); }></textarea>
                        </label>
                        <label>{td_string!(locale, initiatives.form.owner)}
                            <select name="owner" on:change=move |ev| { let v = event_target_value(&ev); set(&|i| i.owner_id = v.parse().ok()); }>
                                <option value="" selected=move || draft.with(|d| d.initiative.owner_id.is_none())>{td_string!(locale, initiatives.form.no_owner)}</option>
                                {people.iter().map(|p| {
                                    let id = p.id;
                                    view! { <option value=id.to_string() selected=move || draft.with(|d| d.initiative.owner_id == Some(id))>{p.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>{td_string!(locale, initiatives.form.start)}
                            <input type="date" name="start" required prop:value=move || draft.with(|d| d.initiative.start_date.to_string())
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { set(&|i| i.start_date = v); } }/>
                        </label>
                        <label>{td_string!(locale, initiatives.form.end)}
                            <input type="date" name="end" required prop:value=move || draft.with(|d| d.initiative.end_date.to_string())
                                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { set(&|i| i.end_date = v); } }/>
                        </label>
                        <label>{td_string!(locale, initiatives.form.budget, currency = &currency).to_string()}
                            <input type="number" name="budget" min="0" step="any" inputmode="decimal" prop:value=move || draft.with(|d| d.initiative.budget.to_string())
                                on:change=move |ev| { let v = number(&event_target_value(&ev)); set(&|i| i.budget = v); }/>
                        </label>
                        <label>{td_string!(locale, initiatives.form.spend, currency = &currency).to_string()}
                            <input type="number" name="spend" min="0" step="any" inputmode="decimal" prop:value=move || draft.with(|d| d.initiative.spend.to_string())
                                on:change=move |ev| { let v = number(&event_target_value(&ev)); set(&|i| i.spend = v); }/>
                        </label>
                        <label>{td_string!(locale, initiatives.form.status)}
                            <select name="status" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(s) = STATUSES.iter().find(|s| s.as_str() == v) { let s = *s; set(&|i| i.status = s); }
                            }>
                                {STATUSES.iter().map(|s| {
                                    let s = *s;
                                    view! { <option value=s.as_str() selected=move || draft.with(|d| d.initiative.status == s)>{status_word(locale, s)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <fieldset class="segmented">
                            <legend>{td_string!(locale, initiatives.form.progress_mode)}</legend>
                            <label><input type="radio" name="progress_mode" prop:checked=move || draft.with(|d| d.initiative.progress_mode == ProgressMode::Typed)
                                on:change=move |_| set(&|i| i.progress_mode = ProgressMode::Typed)/>{td_string!(locale, initiatives.form.typed)}</label>
                            <label><input type="radio" name="progress_mode" prop:checked=move || draft.with(|d| d.initiative.progress_mode == ProgressMode::Milestones)
                                on:change=move |_| set(&|i| i.progress_mode = ProgressMode::Milestones)/>{td_string!(locale, initiatives.form.earned)}</label>
                        </fieldset>
                        {move || if draft.with(|d| d.initiative.progress_mode == ProgressMode::Typed) {
                            view! {
                                <label>{td_string!(locale, initiatives.form.percent)}
                                    <input type="number" name="percent" min="0" max="100" step="1" prop:value=move || draft.with(|d| d.initiative.percent_complete.to_string())
                                        on:change=move |ev| { let v = number(&event_target_value(&ev)).round().clamp(0.0, 100.0) as u8; set(&|i| i.percent_complete = v); }/>
                                </label>
                            }.into_any()
                        } else {
                            let pct = draft.with(|d| initiative::progress(&d.initiative, &d.milestones));
                            view! { <p class="earned">{td_string!(locale, initiatives.form.earned_value, pct = pct).to_string()}</p> }.into_any()
                        }}
                    </div>
                    <div class="suggestion" role="status">
                        {move || {
                            let s = suggestion();
                            let word = status_word(locale, s.status);
                            let differs = draft.with(|d| d.initiative.status != s.status);
                            view! {
                                <strong>{td_string!(locale, initiatives.form.suggested, status = word).to_string()}</strong>
                                <ul>{s.reasons.iter().map(|r| view! { <li>{r.text(locale)}</li> }).collect_view()}</ul>
                                {differs.then(|| view! {
                                    <button type="button" on:click=move |_| set(&|i| i.status = s.status)>{td_string!(locale, initiatives.form.use_suggestion)}</button>
                                })}
                            }
                        }}
                    </div>
                    <Milestones draft people=people_for_milestones today/>
                    <fieldset class="objective-picks">
                        <legend>{td_string!(locale, initiatives.form.objectives)}</legend>
                        {if objectives.is_empty() {
                            view! { <p class="muted">{td_string!(locale, initiatives.form.objectives_none)}</p> }.into_any()
                        } else {
                            objectives.iter().map(|o| {
                                let id = o.id;
                                view! {
                                    <label class="check">
                                        <input type="checkbox" prop:checked=move || draft.with(|d| d.initiative.objective_ids.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                set(&|i| {
                                                    i.objective_ids.retain(|x| *x != id);
                                                    if on { i.objective_ids.push(id); }
                                                });
                                            }/>
                                        <span class=format!("dot status-{}", o.status.as_str()) aria-hidden="true"></span>
                                        {o.title.clone()}<span class="muted small">" · "{o.map_name.clone()}</span>
                                    </label>
                                }
                            }).collect_view().into_any()
                        }}
                    </fieldset>
                </fieldset>
                <div class="form-actions">
                    {move || (!closed()).then(|| view! {
                        <button type="submit" class="primary">
                            {if is_new { td_string!(locale, initiatives.form.create) } else { td_string!(locale, initiatives.form.save) }}
                        </button>
                    })}
                    <button type="button" on:click=move |_| state.editing.set(None)>{td_string!(locale, initiatives.form.cancel)}</button>
                    {move || (!is_new).then(|| if closed() {
                        view! { <button type="button" on:click=move |_| submit(Some(None))>{td_string!(locale, initiatives.form.reopen)}</button> }.into_any()
                    } else {
                        view! { <button type="button" class="danger" on:click=move |_| submit(Some(Some(today)))>{td_string!(locale, initiatives.form.close)}</button> }.into_any()
                    })}
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// The draft's milestones: each with its name, due date, owner, weight and done, added and
/// removed in place.
#[component]
fn Milestones(
    draft: RwSignal<InitiativeDraft>,
    people: Vec<Person>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let locale = current_locale();
    let edit = move |id: MilestoneId, f: &dyn Fn(&mut Milestone)| {
        draft.update(|d| {
            if let Some(m) = d.milestones.iter_mut().find(|m| m.id == id) {
                f(m);
            }
        })
    };
    let add = move |_| {
        draft.update(|d| {
            let due = d
                .initiative
                .end_date
                .min(initiative::shift(today, 30))
                .max(d.initiative.start_date);
            d.milestones.push(Milestone::new(
                d.initiative.id,
                td_string!(locale, initiatives.milestone.new_name),
                due,
            ));
        })
    };
    view! {
        <fieldset class="milestones">
            <legend>{td_string!(locale, initiatives.milestone.heading)}</legend>
            {move || {
                let ms = draft.with(|d| d.milestones.clone());
                if ms.is_empty() {
                    return view! { <p class="muted">{td_string!(locale, initiatives.milestone.none)}</p> }.into_any();
                }
                let people = people.clone();
                view! {
                    <table class="milestone-table">
                        <thead><tr>
                            <th scope="col">{td_string!(locale, initiatives.milestone.name)}</th>
                            <th scope="col">{td_string!(locale, initiatives.milestone.due)}</th>
                            <th scope="col">{td_string!(locale, initiatives.milestone.owner)}</th>
                            <th scope="col">{td_string!(locale, initiatives.milestone.weight)}</th>
                            <th scope="col">{td_string!(locale, initiatives.milestone.done)}</th>
                            <th scope="col"><span class="visually-hidden">{td_string!(locale, initiatives.milestone.actions)}</span></th>
                        </tr></thead>
                        <tbody>
                            {ms.into_iter().map(|m| {
                                let id = m.id;
                                let name_label = td_string!(locale, initiatives.milestone.name).to_string();
                                let remove = td_string!(locale, initiatives.milestone.remove, name = &m.name).to_string();
                                let owner = m.owner_id;
                                view! {
                                    <tr data-milestone=id.to_string()>
                                        <td><input aria-label=name_label.clone() value=m.name.clone() maxlength="200"
                                            on:change=move |ev| { let v = event_target_value(&ev); edit(id, &|m| m.name = v.clone()); }/></td>
                                        <td><input type="date" aria-label=td_string!(locale, initiatives.milestone.due) value=m.due_date.to_string()
                                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { edit(id, &|m| m.due_date = v); } }/></td>
                                        <td><select aria-label=td_string!(locale, initiatives.milestone.owner)
                                            on:change=move |ev| { let v = event_target_value(&ev); edit(id, &|m| m.owner_id = v.parse().ok()); }>
                                            <option value="" selected=owner.is_none()>{td_string!(locale, initiatives.form.no_owner)}</option>
                                            {people.iter().map(|p| view! { <option value=p.id.to_string() selected=owner == Some(p.id)>{p.name.clone()}</option> }).collect_view()}
                                        </select></td>
                                        <td><input type="number" class="num" min="0" max="1000" step="any" aria-label=td_string!(locale, initiatives.milestone.weight)
                                            value=m.weight.to_string()
                                            on:change=move |ev| { let v = number(&event_target_value(&ev)); edit(id, &|m| m.weight = v); }/></td>
                                        <td><input type="checkbox" aria-label=td_string!(locale, initiatives.milestone.done) checked=m.done
                                            on:change=move |ev| { let v = event_target_checked(&ev); edit(id, &|m| m.done = v); }/></td>
                                        <td><button type="button" class="icon" aria-label=remove
                                            on:click=move |_| draft.update(|d| d.milestones.retain(|m| m.id != id))>"×"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <button type="button" on:click=add>{td_string!(locale, initiatives.milestone.add)}</button>
        </fieldset>
    }
}
