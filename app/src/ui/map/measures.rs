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
        <h3>"Measures"</h3>
        {move || {
            let list = measures.get();
            if list.is_empty() {
                let text = if state.can_edit.get() { "No measure yet: how will you know this objective is achieved?" } else { "No measure yet." };
                return view! { <p class="muted">{text}</p> }.into_any();
            }
            view! {
                <ul class="measure-list">
                    {list.into_iter().map(|m| {
                        let id = m.id;
                        let figures = move || state.scores.with(|s| s.as_ref().and_then(|s| s.measure(id).cloned()));
                        let fmt = {
                            let (d, u) = (m.decimals, m.unit.clone());
                            move |v: f64| format_value(crate::i18n::current_locale(), v, d, &u)
                        };
                        view! {
                            <li>
                                // Named by what it shows, after a hidden "Edit/View measure" that
                                // says what it does.
                                <button type="button" class="measure-item" on:click=move |_| state.selection.update(|s| s.measure = Some(id))>
                                    <span class="visually-hidden">{move || if state.can_edit.get() { "Edit measure " } else { "View measure " }}</span>
                                    <span class="measure-name">{m.name.clone()}</span>" "
                                    <span class="measure-figures">{move || figures().map(|f| {
                                        let actual = f.actual.map(fmt.clone()).unwrap_or_else(|| "no data".into());
                                        let target = f.goal.map(|g| format!(" / target {}", fmt(g))).unwrap_or_default();
                                        let stale = if f.stale { " · stale" } else { "" };
                                        format!("{actual}{target}{stale}")
                                    })}</span>
                                </button>
                                {move || figures().map(|f| view! {
                                    <StatusChip score=f.score label=format!("{} status", m.name)
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
            <button type="button" on:click=add>"+ Measure"</button>
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
                <aside class="side-panel" aria-label="Measure details">
                    <p class="muted">"This measure was deleted."</p>
                    <button class="link-button" on:click=back>"Back to the objective"</button>
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
        let chip_label = format!("{} status", m.name);
        view! {
            <aside class="side-panel measure-editor" aria-label="Measure details">
                <button type="button" class="link-button back" on:click=back>"← Objective"</button>
                <h2>{m.name.clone()}</h2>
                {move || status().map(|f| view! {
                    <p class="measure-status">
                        <StatusChip score=f.score label=chip_label.clone()
                            on_why=Callback::new(move |_| state.why.set(Some(Subject::Measure(id))))/>
                        {f.error.clone().map(|e| view! { <span class="form-error">{e}</span> })}
                        {f.stale.then(|| view! { <span class="stale-flag">"Stale: new data is overdue"</span> })}
                    </p>
                })}
                <Show when=move || state.rights.get().enter_data>
                    <a class="small" href=format!("/maps/{map_id}/data")>"Enter data →"</a>
                </Show>
                <label for="m-name">"Name"</label>
                <input id="m-name" prop:value=m.name.clone() disabled=ro maxlength="200"
                    on:change=move |ev| set(state, id, Field::Name, event_target_value(&ev))/>
                <label for="m-definition">"Definition"</label>
                <textarea id="m-definition" rows="2" prop:value=m.definition.clone() disabled=ro
                    placeholder="What exactly is counted, and how"
                    on:change=move |ev| set(state, id, Field::Definition, event_target_value(&ev))></textarea>
                <div class="field-row">
                    <div>
                        <label for="m-unit">"Unit"</label>
                        <input id="m-unit" prop:value=m.unit.clone() disabled=ro maxlength="20" placeholder="%, days, €k"
                            on:change=move |ev| set(state, id, Field::Unit, event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="m-decimals">"Decimals"</label>
                        <input id="m-decimals" type="number" min="0" max="6" prop:value=m.decimals.to_string() disabled=ro
                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u8>() { set(state, id, Field::Decimals, v) } }/>
                    </div>
                </div>
                <div class="field-row">
                    <div>
                        <label for="m-frequency">"Frequency"</label>
                        {enum_select("m-frequency", ro, m.frequency.as_str(), &[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")],
                            move |v| if let Ok(f) = v.parse::<Frequency>() { set(state, id, Field::Frequency, f) })}
                    </div>
                    <div>
                        <label for="m-indicator">"Leading or lagging"</label>
                        {enum_select("m-indicator", ro, m.indicator.as_str(), &[("leading", "Leading (predicts)"), ("lagging", "Lagging (confirms)")],
                            move |v| if let Ok(f) = v.parse::<Indicator>() { set(state, id, Field::Indicator, f) })}
                    </div>
                </div>
                <label for="m-polarity">"Polarity"</label>
                {enum_select("m-polarity", ro, m.polarity.as_str(), &[("higher_is_better", "Higher is better"), ("lower_is_better", "Lower is better"), ("on_target", "On target (a band)")],
                    move |v| if let Ok(f) = v.parse::<Polarity>() { set(state, id, Field::Polarity, f) })}
                <label for="m-owner">"Data owner"</label>
                <select id="m-owner" disabled=ro on:change=move |ev| {
                    set(state, id, Field::DataOwner, event_target_value(&ev).parse::<UserId>().ok());
                }>
                    <option value="" selected=owner.is_empty()>"Nobody yet"</option>
                    {people.into_iter().map(|p| { let v = p.id.to_string(); view! { <option selected=v == owner value=v>{p.name}</option> } }).collect_view()}
                </select>
                <div class="field-row">
                    <div>
                        <label for="m-baseline">"Baseline"</label>
                        <input id="m-baseline" type="number" step="any" prop:value=m.baseline.map(|b| b.to_string()).unwrap_or_default() disabled=ro
                            on:change=move |ev| {
                                let t = event_target_value(&ev);
                                let v = if t.trim().is_empty() { Some(None) } else { t.trim().parse::<f64>().ok().map(Some) };
                                match v {
                                    Some(b) => set(state, id, Field::Baseline, b),
                                    None => state.notice.set(Some(format!("“{t}” is not a number."))),
                                }
                            }/>
                    </div>
                    <div>
                        <label for="m-weight">"Weight"</label>
                        <input id="m-weight" type="number" min="0.0001" step="any" prop:value=m.weight.to_string() disabled=ro
                            on:change=move |ev| { match event_target_value(&ev).trim().parse::<f64>() {
                                Ok(w) => set(state, id, Field::Weight, w),
                                Err(_) => state.notice.set(Some("The weight must be a number above 0.".into())),
                            } }/>
                    </div>
                </div>
                <label for="m-aggregation">"Quarter and year figures"</label>
                {enum_select("m-aggregation", ro, m.aggregation.as_str(), &[("last", "Latest month (stocks, rates at period end)"), ("sum", "Sum of the months (flows)"), ("average", "Average of the months (rates)")],
                    move |v| if let Ok(f) = v.parse::<Aggregation>() { set(state, id, Field::Aggregation, f) })}
                <ScoringEditor state=state id=id scoring=m.scoring.clone() ro=Signal::derive(ro)/>
                <label for="m-source">"Data source"</label>
                {enum_select("m-source", ro, m.data_source.as_str(), &[("manual", "Manual entry"), ("import", "CSV / Excel import"), ("api", "API feed"), ("formula", "Formula over other measures")],
                    move |v| if let Ok(f) = v.parse::<DataSource>() { set_source(state, id, f) })}
                {(m.data_source == DataSource::Formula).then(|| view! { <FormulaEditor state=state measure=m.clone() ro=Signal::derive(ro)/> })}
                <div class="panel-actions">
                    <Show when=move || state.can_edit.get()>
                        <button class="danger" on:click=move |_| {
                            run_edit(state, vec![Op::Delete { entity: EntityKind::Measure, id: id.0 }]);
                            state.selection.update(|s: &mut Selection| s.measure = None);
                        }>"Delete measure"</button>
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
                bands: default_bands(),
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
        <label for="m-scoring">"Scoring"</label>
        {enum_select("m-scoring", move || ro.get(), kind, &[
            ("goal_red_flag", "Goal / red flag (linear)"),
            ("yes_no", "Yes / no"),
            ("goal_only", "Goal only (met or not)"),
            ("stabilize", "Stabilize (best at the goal)"),
            ("custom", "Custom bands"),
        ], pick)}
        <p class="hint small">{scoring_hint(kind)}</p>
        {bands.map(|b| view! { <BandsEditor state=state id=id bands=b ro=ro/> })}
    }
}

fn scoring_hint(kind: &str) -> &'static str {
    match kind {
        "yes_no" => "Enter 1 for yes and 0 for no; meeting the wish scores 10, else 0.",
        "goal_only" => "10 at or beyond the goal, 0 short of it.",
        "stabilize" => "10 at the goal, falling to 3.33 at the red flag's distance on either side.",
        "custom" => "Each band covers the actuals from its start up to the next band's start.",
        _ => "The red flag scores 3.33 and the goal 6.67, linear between and beyond (0–10). For lower-is-better, set the goal below the red flag.",
    }
}

fn default_bands() -> Vec<Band> {
    vec![
        Band {
            name: "Off track".into(),
            colour: "#b91c1c".into(),
            from: 0.0,
            score: 2.0,
        },
        Band {
            name: "At risk".into(),
            colour: "#b45309".into(),
            from: 50.0,
            score: 5.0,
        },
        Band {
            name: "On track".into(),
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
                    <td><input aria-label=format!("Band {} name", i + 1) prop:value=b.name.clone() disabled=ro
                        on:change=move |ev| { let v = event_target_value(&ev); e1(&|b| b.name = v.clone()) }/></td>
                    <td><input type="color" aria-label=format!("Band {} colour", i + 1) prop:value=b.colour.clone() disabled=ro
                        on:change=move |ev| { let v = event_target_value(&ev); e2(&|b| b.colour = v.clone()) }/></td>
                    <td><input type="number" step="any" aria-label=format!("Band {} starts at", i + 1) prop:value=b.from.to_string() disabled=ro
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { e3(&|b| b.from = v) } }/></td>
                    <td><input type="number" step="any" min="0" max="10" aria-label=format!("Band {} score", i + 1) prop:value=b.score.to_string() disabled=ro
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { e4(&|b| b.score = v) } }/></td>
                    <td><button type="button" aria-label=format!("Remove band {}", i + 1) disabled=move || ro.get() || n <= 1 on:click=remove>"×"</button></td>
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
                name: format!("Band {}", next.len() + 1),
                colour: "#2563eb".into(),
                from,
                score: 10.0,
            });
            save(next);
        }
    };
    view! {
        <table class="bands">
            <thead><tr><th>"Band"</th><th>"Colour"</th><th>"From"</th><th>"Score"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <button type="button" disabled=move || ro.get() on:click=add>"+ Band"</button>
    }
}

/// The formula of a formula measure: checked as you type (parse errors with their place,
/// unknown measures), saved on change, with the map's measures to insert.
#[component]
fn FormulaEditor(state: MapState, measure: Measure, ro: Signal<bool>) -> impl IntoView {
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
            Err(e) => Some(e.to_string()),
            Ok(f) => f
                .references()
                .into_iter()
                .find(|r| !known.with_value(|k| k.contains(r)))
                .map(|r| format!("No measure on this map is called [{r}]")),
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
        <label for="m-formula">"Formula"</label>
        <textarea id="m-formula" node_ref=input rows="3" prop:value=move || draft.get() disabled=move || ro.get()
            aria-invalid=move || problem().is_some().to_string() aria-describedby="m-formula-problem"
            placeholder="[Gross profit] / [Revenue] * 100"
            on:input=move |ev| draft.set(event_target_value(&ev))
            on:change=move |_| save()></textarea>
        <p id="m-formula-problem" class=move || if problem().is_some() { "form-error" } else { "hint small" } role="status">
            {move || problem().unwrap_or_else(|| "+ − × ÷, parentheses, min(), max(), abs(), round(); measures in [square brackets].".into())}
        </p>
        <details class="insert-measure">
            <summary>"Insert a measure"</summary>
            <ul>
                {others.into_iter().map(|n| {
                    let name = n.clone();
                    view! { <li><button type="button" class="link-button" disabled=move || ro.get() on:click=move |_| insert(name.clone())>{n}</button></li> }
                }).collect_view()}
            </ul>
        </details>
        <label for="m-missing">"When an input has no value"</label>
        {enum_select("m-missing", move || ro.get(), measure.missing_data.as_str(), &[
            ("blank", "Leave the result blank"),
            ("zero", "Count missing inputs as zero"),
            ("ignore", "Skip missing inputs"),
        ], move |v| if let Ok(f) = v.parse::<MissingData>() { set(state, id, Field::MissingData, f) })}
    }
}
