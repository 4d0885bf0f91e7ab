//! The map health check beside the canvas: the method's rules of thumb run live on the map as
//! the team edits. Each finding selects its item; each rule can be switched off for the map
//! (a live edit, so everyone's panel follows).

use super::canvas::run_edit;
use super::state::{MapState, Selection};
use crate::domain::edits;
use crate::domain::health::{self, Finding, HealthInput, Item, Rule};
use crate::domain::MeasureId;
use crate::i18n::*;
use leptos::prelude::*;
use std::collections::HashSet;

/// The rules switched off on this map.
fn disabled(state: MapState) -> Vec<Rule> {
    state.doc.with(|d| {
        d.map
            .health_off
            .iter()
            .filter_map(|r| r.parse::<Rule>().ok())
            .collect()
    })
}

/// Every finding of the enabled rules, recomputed whenever the map or its targets change. The
/// messages (and the verb check of objective titles) follow the page's language.
pub fn findings(state: MapState) -> Memo<Vec<Finding>> {
    let locale = current_locale();
    Memo::new(move |_| {
        let with_target: HashSet<MeasureId> = state.score_data.with(|d| {
            d.as_ref()
                .map(|(data, _)| data.targets.iter().map(|t| t.measure_id).collect())
                .unwrap_or_default()
        });
        let off = disabled(state);
        state.doc.with(|d| {
            health::check(
                locale,
                &HealthInput {
                    perspectives: &d.perspectives,
                    objectives: &d.objectives,
                    links: &d.links,
                    measures: &d.measures,
                    measures_with_target: &with_target,
                    unit: d.map_is_unit().then_some(d.alignments.as_slice()),
                },
                &off,
            )
        })
    })
}

/// Selects what a finding is about on the canvas or in the side panel.
fn reveal(state: MapState, item: Item) {
    match item {
        Item::Objective(id) => state.selection.set(Selection {
            objectives: vec![id],
            link: None,
            measure: None,
        }),
        Item::Measure(id) => {
            let objective = state.doc.with_untracked(|d| {
                d.measures
                    .iter()
                    .find(|m| m.id == id)
                    .map(|m| m.objective_id)
            });
            if let Some(o) = objective {
                state.selection.set(Selection {
                    objectives: vec![o],
                    link: None,
                    measure: Some(id),
                });
            }
        }
        Item::Perspective(_) | Item::Map => state.selection.set(Selection::default()),
    }
}

/// Switches a rule on or off for the map.
fn toggle(state: MapState, rule: Rule, on: bool) {
    let op = state
        .doc
        .with_untracked(|d| edits::set_health_rule(d, rule, on));
    run_edit(state, vec![op]);
}

/// The health panel.
#[component]
pub fn HealthPanel(state: MapState, findings: Memo<Vec<Finding>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let ro = move || !state.can_edit.get();
    let unit = state.doc.with_untracked(|d| d.map_is_unit());
    view! {
        <section class="health" aria-label=t_string!(i18n, health.panel.label)>
            {move || {
                let list = findings.get();
                if list.is_empty() {
                    return view! { <p class="health-ok">{t!(i18n, health.panel.all_ok)}</p> }.into_any();
                }
                view! {
                    <ul class="findings">
                        {list.into_iter().map(|f| {
                            let item = f.item;
                            view! {
                                <li>
                                    <button type="button" class="finding" title=f.rule.advice(locale, unit) on:click=move |_| reveal(state, item)>
                                        <span class="finding-rule">{f.rule.title(locale, unit)}</span>
                                        <span class="finding-message">{f.message.clone()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details class="health-rules">
                <summary>{t!(i18n, health.panel.rules)}</summary>
                <ul>
                    {Rule::ALL.into_iter().filter(|r| r.applies(unit)).map(|rule| {
                        let on = move || !disabled(state).contains(&rule);
                        view! {
                            <li>
                                <label title=rule.advice(locale, unit)>
                                    <input type="checkbox" prop:checked=on disabled=ro
                                        on:change=move |ev| toggle(state, rule, event_target_checked(&ev))/>
                                    {rule.title(locale, unit)}
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}
