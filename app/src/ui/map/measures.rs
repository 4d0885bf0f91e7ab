//! Measures in the side panel: an objective's measures with their status, and the editor of one
//! measure's definition (name, unit, frequency, polarity, scoring, formula…). Every change is a
//! live edit, so the whole workshop sees it and can undo it.

use super::canvas::run_edit;
use super::state::{MapState, Selection};
use crate::domain::edits;
use crate::domain::formula::{Formula, MissingData};
use crate::domain::ops::{self, EntityKind, Field, Op};
use crate::domain::scores::Subject;
use crate::domain::scoring::{Aggregation, Band, ScoringType};
use crate::domain::{
    DataSource, Frequency, Indicator, Measure, MeasureId, ObjectiveId, Polarity, UserId,
};
use crate::i18n::*;
use crate::ui::widgets::chart::{ChartInput, MeasureChart};
use crate::ui::widgets::format_value;
use crate::ui::widgets::status::StatusChip;
use leptos::prelude::*;

fn set(state: MapState, id: MeasureId, field: Field, value: impl serde::Serialize) {
    run_edit(
        state,
        vec![ops::set(EntityKind::Measure, id.0, field, value)],
    );
}

/// The measures of an objective with their status for the chosen period; click one to edit it.
#[component]
pub fn MeasureList(state: MapState, objective: ObjectiveId) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let measures = Memo::new(move |_| {
        state.doc.with(|d| {
            d.measures
                .iter()
                .filter(|m| m.objective_id == objective)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let add = move |_| {
        add_measure(state, objective);
    };
    view! {
        <h3>{t!(i18n, map.measures.heading)}</h3>
        {move || {
            let list = measures.get();
            if list.is_empty() {
                let text = if state.can_edit.get() { t_string!(i18n, map.measures.none_edit) } else { t_string!(i18n, map.measures.none) };
                return view! { <p class="muted">{text}</p> }.into_any();
            }
            view! {
                <ul class="measure-list">
                    {list.into_iter().map(|m| {
                        let id = m.id;
                        let figures = move || state.scores.with(|s| s.as_ref().and_then(|s| s.measure(id).cloned()));
                        let fmt = {
                            let (d, u) = (m.decimals, m.unit.clone());
                            move |v: f64| format_value(locale, v, d, &u)
                        };
                        view! {
                            <li>
                                // Named by what it shows, after a hidden "Edit/View measure" that
                                // says what it does.
                                <button type="button" class="measure-item" on:click=move |_| state.selection.update(|s| s.measure = Some(id))>
                                    <span class="visually-hidden">{move || if state.can_edit.get() { t_string!(i18n, map.measures.edit) } else { t_string!(i18n, map.measures.view) }}</span>
                                    <span class="measure-name">{m.name.clone()}</span>" "
                                    <span class="measure-figures">{move || figures().map(|f| {
                                        let actual = f.actual.map(fmt.clone()).unwrap_or_else(|| td_string!(locale, map.measures.no_data).to_string());
                                        let target = f.goal.map(|g| td_string!(locale, map.measures.target, value = fmt(g)).to_string()).unwrap_or_default();
                                        let stale = if f.stale { td_string!(locale, map.measures.stale) } else { "" };
                                        format!("{actual}{target}{stale}")
                                    })}</span>
                                </button>
                                {move || figures().map(|f| view! {
                                    <StatusChip score=f.score label=td_string!(locale, map.measures.status, name = m.name.clone()).to_string()
                                        on_why=Callback::new(move |_| state.why.set(Some(Subject::Measure(id))))/>
                                })}
                                <MeasureChart input=chart_of(state, id) compact=true/>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <Show when=move || state.can_edit.get()>
            <button type="button" on:click=add>{t!(i18n, map.measures.add)}</button>
        </Show>
    }
}

/// Creates a measure on an objective (a live edit like any other) and opens it in the editor.
pub fn add_measure(state: MapState, objective: ObjectiveId) -> MeasureId {
    let (id, op) = state
        .doc
        .with_untracked(|d| edits::create_measure(d, objective));
    run_edit(state, vec![op]);
    state.selection.update(|s| {
        s.objectives = vec![objective];
        s.measure = Some(id);
    });
    id
}

/// A measure's chart on the map page: twelve months up to the chosen span, on to December.
fn chart_of(state: MapState, id: MeasureId) -> Memo<Option<ChartInput>> {
    Memo::new(move |_| {
        let last = state.span.get()?.bounds().1;
        let measure = state
            .doc
            .with(|d| d.measures.iter().find(|m| m.id == id).cloned())?;
        state
            .model
            .with(|m| ChartInput::of(m.as_ref()?, &measure, last))
    })
}

/// The editor of one measure's definition.
#[component]
pub fn MeasureEditor(state: MapState, id: MeasureId) -> impl IntoView {
    let i18n = use_i18n();
    let measure = Memo::new(move |_| {
        state
            .doc
            .with(|d| d.measures.iter().find(|m| m.id == id).cloned())
    });
    let ro = move || !state.can_edit.get();
    let back = move |_| state.selection.update(|s| s.measure = None);
    move || {
        let Some(m) = measure.get() else {
            return view! {
                <aside class="side-panel" aria-label=t_string!(i18n, map.measure.label)>
                    <p class="muted">{t!(i18n, map.measure.deleted)}</p>
                    <button class="link-button" on:click=back>{t!(i18n, map.measure.back_to_objective)}</button>
                </aside>
            }
            .into_any();
        };
        let people = state.people.get();
        let owner = m.data_owner_id.map(|u| u.to_string()).unwrap_or_default();
        let map_id = state.doc.with(|d| d.map.id);
        let status = move || {
            state
                .scores
                .with(|s| s.as_ref().and_then(|s| s.measure(id).cloned()))
        };
        let chip_label = t_string!(i18n, map.measures.status, name = m.name.clone()).to_string();
        view! {
            <aside class="side-panel measure-editor" aria-label=t_string!(i18n, map.measure.label)>
                <button type="button" class="link-button back" on:click=back>{t!(i18n, map.measure.back)}</button>
                <h2>{m.name.clone()}</h2>
                {move || status().map(|f| view! {
                    <p class="measure-status">
                        <StatusChip score=f.score label=chip_label.clone()
                            on_why=Callback::new(move |_| state.why.set(Some(Subject::Measure(id))))/>
                        {f.error.as_ref().map(|e| view! { <span class="form-error">{e.text(i18n.get_locale_untracked())}</span> })}
                        {f.stale.then(|| view! { <span class="stale-flag">{t!(i18n, map.measure.stale)}</span> })}
                    </p>
                })}
                <Show when=move || state.rights.get().enter_data>
                    <a class="small" href=format!("/maps/{map_id}/data")>{t!(i18n, map.measure.enter_data)}</a>
                </Show>
                <label for="m-name">{t!(i18n, map.measure.name)}</label>
                <input id="m-name" prop:value=m.name.clone() disabled=ro maxlength="200"
                    on:change=move |ev| set(state, id, Field::Name, event_target_value(&ev))/>
                <label for="m-definition">{t!(i18n, map.measure.definition)}</label>
                <textarea id="m-definition" rows="2" prop:value=m.definition.clone() disabled=ro
                    placeholder=t_string!(i18n, map.measure.definition_placeholder)
                    on:change=move |ev| set(state, id, Field::Definition, event_target_value(&ev))></textarea>
                <div class="field-row">
                    <div>
                        <label for="m-unit">{t!(i18n, map.measure.unit)}</label>
                        <input id="m-unit" prop:value=m.unit.clone() disabled=ro maxlength="20" placeholder=t_string!(i18n, map.measure.unit_placeholder)
                            on:change=move |ev| set(state, id, Field::Unit, event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="m-decimals">{t!(i18n, map.measure.decimals)}</label>
                        <input id="m-decimals" type="number" min="0" max="6" prop:value=m.decimals.to_string() disabled=ro
                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u8>() { set(state, id, Field::Decimals, v) } }/>
                    </div>
                </div>
                <div class="field-row">
                    <div>
                        <label for="m-frequency">{t!(i18n, map.measure.frequency)}</label>
                        {enum_select("m-frequency", ro, m.frequency.as_str(), &[("daily", t_string!(i18n, map.measure.daily)), ("weekly", t_string!(i18n, map.measure.weekly)), ("monthly", t_string!(i18n, map.measure.monthly)), ("quarterly", t_string!(i18n, map.measure.quarterly)), ("yearly", t_string!(i18n, map.measure.yearly))],
                            move |v| if let Ok(f) = v.parse::<Frequency>() { set(state, id, Field::Frequency, f) })}
                    </div>
                    <div>
                        <label for="m-indicator">{t!(i18n, map.measure.indicator)}</label>
                        {enum_select("m-indicator", ro, m.indicator.as_str(), &[("leading", t_string!(i18n, map.measure.leading)), ("lagging", t_string!(i18n, map.measure.lagging))],
                            move |v| if let Ok(f) = v.parse::<Indicator>() { set(state, id, Field::Indicator, f) })}
                    </div>
                </div>
                <label for="m-polarity">{t!(i18n, map.measure.polarity)}</label>
                {enum_select("m-polarity", ro, m.polarity.as_str(), &[("higher_is_better", t_string!(i18n, map.measure.higher_is_better)), ("lower_is_better", t_string!(i18n, map.measure.lower_is_better)), ("on_target", t_string!(i18n, map.measure.on_target))],
                    move |v| if let Ok(f) = v.parse::<Polarity>() { set(state, id, Field::Polarity, f) })}
                <label for="m-owner">{t!(i18n, map.measure.data_owner)}</label>
                <select id="m-owner" disabled=ro on:change=move |ev| {
                    set(state, id, Field::DataOwner, event_target_value(&ev).parse::<UserId>().ok());
                }>
                    <option value="" selected=owner.is_empty()>{t!(i18n, map.measure.nobody)}</option>
                    {people.into_iter().map(|p| { let v = p.id.to_string(); view! { <option selected=v == owner value=v>{p.name}</option> } }).collect_view()}
                </select>
                <div class="field-row">
                    <div>
                        <label for="m-baseline">{t!(i18n, map.measure.baseline)}</label>
                        <input id="m-baseline" type="number" step="any" prop:value=m.baseline.map(|b| b.to_string()).unwrap_or_default() disabled=ro
                            on:change=move |ev| {
                                let t = event_target_value(&ev);
                                let v = if t.trim().is_empty() { Some(None) } else { t.trim().parse::<f64>().ok().map(Some) };
                                match v {
                                    Some(b) => set(state, id, Field::Baseline, b),
                                    None => state.notice.set(Some(t_string!(i18n, map.measure.not_a_number, text = t.clone()).to_string())),
                                }
                            }/>
                    </div>
                    <div>
                        <label for="m-weight">{t!(i18n, map.measure.weight)}</label>
                        <input id="m-weight" type="number" min="0.0001" step="any" prop:value=m.weight.to_string() disabled=ro
                            on:change=move |ev| { match event_target_value(&ev).trim().parse::<f64>() {
                                Ok(w) => set(state, id, Field::Weight, w),
                                Err(_) => state.notice.set(Some(t_string!(i18n, map.objective.bad_weight).to_string())),
                            } }/>
                    </div>
                </div>
                <label for="m-aggregation">{t!(i18n, map.measure.aggregation)}</label>
                {enum_select("m-aggregation", ro, m.aggregation.as_str(), &[("last", t_string!(i18n, map.measure.last)), ("sum", t_string!(i18n, map.measure.sum)), ("average", t_string!(i18n, map.measure.average))],
                    move |v| if let Ok(f) = v.parse::<Aggregation>() { set(state, id, Field::Aggregation, f) })}
                <ScoringEditor state=state id=id scoring=m.scoring.clone() ro=Signal::derive(ro)/>
                <label for="m-source">{t!(i18n, map.measure.source)}</label>
                {enum_select("m-source", ro, m.data_source.as_str(), &[("manual", t_string!(i18n, map.measure.manual)), ("import", t_string!(i18n, map.measure.import)), ("api", t_string!(i18n, map.measure.api)), ("formula", t_string!(i18n, map.measure.formula_source))],
                    move |v| if let Ok(f) = v.parse::<DataSource>() { set_source(state, id, f) })}
                {(m.data_source == DataSource::Formula).then(|| view! { <FormulaEditor state=state measure=m.clone() ro=Signal::derive(ro)/> })}
                <div class="panel-actions">
                    <Show when=move || state.can_edit.get()>
                        <button class="danger" on:click=move |_| {
                            run_edit(state, vec![Op::Delete { entity: EntityKind::Measure, id: id.0 }]);
                            state.selection.update(|s: &mut Selection| s.measure = None);
                        }>{t!(i18n, map.measure.delete)}</button>
                    </Show>
                </div>
            </aside>
        }
        .into_any()
    }
}

/// Switches measure `id` to `source` (with a starting formula when it needs one).
fn set_source(state: MapState, id: MeasureId, source: DataSource) {
    let ops = state
        .doc
        .with_untracked(|d| edits::set_data_source(d, id, source));
    if !ops.is_empty() {
        run_edit(state, ops);
    }
}

/// A labelled select over a small enum's stored names.
fn enum_select(
    id: &'static str,
    ro: impl Fn() -> bool + Send + Sync + 'static,
    current: &'static str,
    options: &[(&'static str, &'static str)],
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <select id=id disabled=ro on:change=move |ev| on_pick(event_target_value(&ev))>
            {options.iter().map(|(v, label)| view! { <option value=*v selected=*v == current>{*label}</option> }).collect_view()}
        </select>
    }
}

/// The scoring type, and for custom scoring its bands.
#[component]
fn ScoringEditor(
    state: MapState,
    id: MeasureId,
    scoring: ScoringType,
    ro: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let kind = match &scoring {
        ScoringType::GoalRedFlag => "goal_red_flag",
        ScoringType::YesNo => "yes_no",
        ScoringType::GoalOnly => "goal_only",
        ScoringType::Stabilize => "stabilize",
        ScoringType::Custom { .. } => "custom",
    };
    let pick = move |v: String| {
        let next = match v.as_str() {
            "yes_no" => ScoringType::YesNo,
            "goal_only" => ScoringType::GoalOnly,
            "stabilize" => ScoringType::Stabilize,
            "custom" => ScoringType::Custom {
                bands: default_bands(locale),
            },
            _ => ScoringType::GoalRedFlag,
        };
        set(state, id, Field::Scoring, next);
    };
    let bands = match &scoring {
        ScoringType::Custom { bands } => Some(bands.clone()),
        _ => None,
    };
    view! {
        <label for="m-scoring">{t!(i18n, map.scoring.label)}</label>
        {enum_select("m-scoring", move || ro.get(), kind, &[
            ("goal_red_flag", t_string!(i18n, map.scoring.goal_red_flag)),
            ("yes_no", t_string!(i18n, map.scoring.yes_no)),
            ("goal_only", t_string!(i18n, map.scoring.goal_only)),
            ("stabilize", t_string!(i18n, map.scoring.stabilize)),
            ("custom", t_string!(i18n, map.scoring.custom)),
        ], pick)}
        <p class="hint small">{scoring_hint(locale, kind)}</p>
        {bands.map(|b| view! { <BandsEditor state=state id=id bands=b ro=ro/> })}
    }
}

fn scoring_hint(locale: Locale, kind: &str) -> &'static str {
    match kind {
        "yes_no" => td_string!(locale, map.scoring.hint_yes_no),
        "goal_only" => td_string!(locale, map.scoring.hint_goal_only),
        "stabilize" => td_string!(locale, map.scoring.hint_stabilize),
        "custom" => td_string!(locale, map.scoring.hint_custom),
        _ => td_string!(locale, map.scoring.hint_goal_red_flag),
    }
}

/// The bands a new custom scoring starts with, named in the language of the person who picks
/// it (the names are then the measure's own, like any other text typed on the map).
fn default_bands(locale: Locale) -> Vec<Band> {
    vec![
        Band {
            name: td_string!(locale, map.scoring.off_track).into(),
            colour: "#b91c1c".into(),
            from: 0.0,
            score: 2.0,
        },
        Band {
            name: td_string!(locale, map.scoring.at_risk).into(),
            colour: "#b45309".into(),
            from: 50.0,
            score: 5.0,
        },
        Band {
            name: td_string!(locale, map.scoring.on_track).into(),
            colour: "#15803d".into(),
            from: 80.0,
            score: 9.0,
        },
    ]
}

/// The bands of a custom scoring: name, colour, start and score per band.
#[component]
fn BandsEditor(
    state: MapState,
    id: MeasureId,
    bands: Vec<Band>,
    ro: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let save =
        move |bands: Vec<Band>| set(state, id, Field::Scoring, ScoringType::Custom { bands });
    let n = bands.len();
    let rows = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let edit = {
                let bands = bands.clone();
                move |f: &dyn Fn(&mut Band)| {
                    let mut next = bands.clone();
                    f(&mut next[i]);
                    save(next);
                }
            };
            let (e1, e2, e3, e4) = (edit.clone(), edit.clone(), edit.clone(), edit);
            let remove = {
                let bands = bands.clone();
                move |_| {
                    let mut next = bands.clone();
                    next.remove(i);
                    save(next);
                }
            };
            view! {
                <tr>
                    <td><input aria-label=td_string!(locale, map.scoring.band_name, n = i + 1).to_string() prop:value=b.name.clone() disabled=ro
                        on:change=move |ev| { let v = event_target_value(&ev); e1(&|b| b.name = v.clone()) }/></td>
                    <td><input type="color" aria-label=td_string!(locale, map.scoring.band_colour, n = i + 1).to_string() prop:value=b.colour.clone() disabled=ro
                        on:change=move |ev| { let v = event_target_value(&ev); e2(&|b| b.colour = v.clone()) }/></td>
                    <td><input type="number" step="any" aria-label=td_string!(locale, map.scoring.band_from, n = i + 1).to_string() prop:value=b.from.to_string() disabled=ro
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { e3(&|b| b.from = v) } }/></td>
                    <td><input type="number" step="any" min="0" max="10" aria-label=td_string!(locale, map.scoring.band_score, n = i + 1).to_string() prop:value=b.score.to_string() disabled=ro
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { e4(&|b| b.score = v) } }/></td>
                    <td><button type="button" aria-label=td_string!(locale, map.scoring.remove_band, n = i + 1).to_string() disabled=move || ro.get() || n <= 1 on:click=remove>"×"</button></td>
                </tr>
            }
        })
        .collect_view();
    let add = {
        let bands = bands.clone();
        move |_| {
            let mut next = bands.clone();
            let from = next.iter().map(|b| b.from).fold(0.0_f64, f64::max) + 10.0;
            next.push(Band {
                name: td_string!(locale, map.scoring.band_n, n = next.len() + 1).to_string(),
                colour: "#2563eb".into(),
                from,
                score: 10.0,
            });
            save(next);
        }
    };
    view! {
        <table class="bands">
            <thead><tr><th>{t!(i18n, map.scoring.band)}</th><th>{t!(i18n, map.scoring.colour)}</th><th>{t!(i18n, map.scoring.from)}</th><th>{t!(i18n, map.scoring.score)}</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <button type="button" disabled=move || ro.get() on:click=add>{t!(i18n, map.scoring.add_band)}</button>
    }
}

/// The formula of a formula measure: checked as you type (parse errors with their place,
/// unknown measures), saved on change, with the map's measures to insert.
#[component]
fn FormulaEditor(state: MapState, measure: Measure, ro: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = measure.id;
    let draft = RwSignal::new(measure.formula.clone());
    let others = state.doc.with_untracked(|d| {
        d.measures
            .iter()
            .filter(|m| m.id != id)
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
    });
    let known = StoredValue::new(others.clone());
    let problem = move || {
        let text = draft.get();
        match Formula::parse(&text) {
            Err(e) => Some(e.text(locale)),
            Ok(f) => f
                .references()
                .into_iter()
                .find(|r| !known.with_value(|k| k.contains(r)))
                .map(|r| td_string!(locale, map.formula.unknown, name = r).to_string()),
        }
    };
    let input = NodeRef::<leptos::html::Textarea>::new();
    let insert = move |name: String| {
        let token = format!("[{}]", name.replace(']', "]]"));
        draft.update(|d| {
            if !d.is_empty() && !d.ends_with(' ') {
                d.push(' ');
            }
            d.push_str(&token);
        });
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    };
    let save = move || {
        let text = draft.get_untracked();
        if problem().is_none() {
            set(state, id, Field::Formula, text);
        }
    };
    view! {
        <label for="m-formula">{t!(i18n, map.formula.label)}</label>
        <textarea id="m-formula" node_ref=input rows="3" prop:value=move || draft.get() disabled=move || ro.get()
            aria-invalid=move || problem().is_some().to_string() aria-describedby="m-formula-problem"
            placeholder=t_string!(i18n, map.formula.placeholder)
            on:input=move |ev| draft.set(event_target_value(&ev))
            on:change=move |_| save()></textarea>
        <p id="m-formula-problem" class=move || if problem().is_some() { "form-error" } else { "hint small" } role="status">
            {move || problem().unwrap_or_else(|| td_string!(locale, map.formula.help).to_string())}
        </p>
        <details class="insert-measure">
            <summary>{t!(i18n, map.formula.insert)}</summary>
            <ul>
                {others.into_iter().map(|n| {
                    let name = n.clone();
                    view! { <li><button type="button" class="link-button" disabled=move || ro.get() on:click=move |_| insert(name.clone())>{n}</button></li> }
                }).collect_view()}
            </ul>
        </details>
        <label for="m-missing">{t!(i18n, map.formula.missing)}</label>
        {enum_select("m-missing", move || ro.get(), measure.missing_data.as_str(), &[
            ("blank", t_string!(i18n, map.formula.blank)),
            ("zero", t_string!(i18n, map.formula.zero)),
            ("ignore", t_string!(i18n, map.formula.ignore)),
        ], move |v| if let Ok(f) = v.parse::<MissingData>() { set(state, id, Field::MissingData, f) })}
    }
}
