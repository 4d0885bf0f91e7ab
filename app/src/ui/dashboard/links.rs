//! Display links of a unit, for its admins: create one (its address is shown once, with a copy
//! button), see where each points and when a screen last opened it, revoke one after a
//! confirmation.

use crate::api::{
    create_display_link, revoke_display_link, DashboardSummary, DisplayLinkRow, NewDisplayLink,
};
use crate::domain::dashboard::{ROTATE_MAX_SECONDS, ROTATE_MIN_SECONDS};
use crate::domain::{DashboardId, DisplayLinkId, OrgUnitId};
use leptos::prelude::*;

/// The display-links section of a unit's dashboards page.
#[component]
pub fn DisplayLinks(
    unit: OrgUnitId,
    dashboards: Vec<DashboardSummary>,
    links: Vec<DisplayLinkRow>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let created = RwSignal::new(None::<NewDisplayLink>);
    view! {
        <section class="display-links" aria-labelledby="display-links-title">
            <h2 id="display-links-title">"Display links"</h2>
            <p class="hint">"A display link opens dashboards full-screen on a meeting-room screen, without signing in. Anyone with the address can see them: revoke a link you no longer use."</p>
            {move || created.get().map(|n| view! { <SecretPanel new=n on_done=move || { created.set(None); version.update(|v| *v += 1); }/> })}
            <NewLinkForm unit=unit dashboards=dashboards created=created/>
            <LinkList links=links version=version/>
        </section>
    }
}

/// The address of a link just created: shown once, with copy and open.
#[component]
fn SecretPanel(new: NewDisplayLink, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let url = {
        #[cfg(feature = "hydrate")]
        {
            let origin = window().location().origin().unwrap_or_default();
            format!("{origin}{}", new.path)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            new.path.clone()
        }
    };
    let copied = RwSignal::new(false);
    let to_copy = url.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&to_copy);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_copy;
        copied.set(true);
    };
    view! {
        <div class="secret-panel" role="dialog" aria-labelledby="secret-title">
            <h3 id="secret-title">{format!("Display link “{}” created", new.link.name)}</h3>
            <p>"Copy the address now: it is shown only this once (Cairn keeps only a fingerprint of it)."</p>
            <div class="secret-row">
                <input readonly aria-label="Display link address" value=url.clone() on:focus=|ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
                <button type="button" class="primary" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
                <a class="button secondary" href=url target="_blank" rel="noopener noreferrer">"Open"</a>
            </div>
            <button type="button" class="link-button" on:click=move |_| on_done()>"Done"</button>
        </div>
    }
}

#[component]
fn NewLinkForm(
    unit: OrgUnitId,
    dashboards: Vec<DashboardSummary>,
    created: RwSignal<Option<NewDisplayLink>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<DashboardId>::new());
    let seconds = RwSignal::new("30".to_string());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(rotate) = seconds.get_untracked().trim().parse::<u32>() else {
            error.set(Some("Seconds per dashboard must be a whole number.".into()));
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match create_display_link(unit, name.get_untracked(), chosen.get_untracked(), rotate)
                .await
            {
                Ok(n) => {
                    created.set(Some(n));
                    name.set(String::new());
                    chosen.set(Vec::new());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    if dashboards.is_empty() {
        return view! { <p class="muted">"Create a dashboard first; a display link shows dashboards."</p> }.into_any();
    }
    view! {
        <form class="link-form" on:submit=submit aria-label="New display link">
            <h3>"New display link"</h3>
            <label for="link-name">"Screen name"</label>
            <input id="link-name" maxlength="80" required placeholder="Board room screen" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <fieldset>
                <legend>"Dashboards, in rotation order"</legend>
                {dashboards.into_iter().map(|d| {
                    let id = d.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } });
                                }/>
                            {d.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label for="link-seconds">"Seconds per dashboard"</label>
            <input id="link-seconds" type="number" min=ROTATE_MIN_SECONDS max=ROTATE_MAX_SECONDS prop:value=move || seconds.get()
                on:input=move |ev| seconds.set(event_target_value(&ev))/>
            <button type="submit" class="primary" disabled=move || busy.get()>"Create display link"</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
    .into_any()
}

/// "2026-11-25 17:20" from an RFC 3339 time.
fn when(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

#[component]
fn LinkList(links: Vec<DisplayLinkRow>, version: RwSignal<u32>) -> impl IntoView {
    if links.is_empty() {
        return view! { <p class="empty">"No display links yet."</p> }.into_any();
    }
    let confirming = RwSignal::new(None::<DisplayLinkId>);
    let error = RwSignal::new(None::<String>);
    let revoke = move |id: DisplayLinkId| {
        leptos::task::spawn_local(async move {
            match revoke_display_link(id).await {
                Ok(_) => {
                    confirming.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <table class="link-table" aria-label="Display links">
            <thead><tr><th scope="col">"Screen"</th><th scope="col">"Dashboards"</th><th scope="col">"Rotation"</th><th scope="col">"Created"</th><th scope="col">"Last seen"</th><th scope="col">"State"</th><th></th></tr></thead>
            <tbody>
                {links.into_iter().map(|row| {
                    let id = row.link.id;
                    let name = row.link.name.clone();
                    let (n1, n2) = (name.clone(), name.clone());
                    let revoked = row.link.revoked_at.clone();
                    view! {
                        <tr class:revoked=revoked.is_some()>
                            <th scope="row">{name.clone()}</th>
                            <td>{row.dashboard_names.join(", ")}</td>
                            <td>{format!("{} s", row.link.rotate_seconds)}</td>
                            <td>{when(&row.link.created_at)}</td>
                            <td>{row.link.last_seen_at.as_deref().map(when).unwrap_or_else(|| "never".into())}</td>
                            <td>{revoked.as_deref().map(|r| format!("Revoked {}", when(r))).unwrap_or_else(|| "Active".into())}</td>
                            <td>
                                {revoked.is_none().then(|| view! {
                                    <Show when=move || confirming.get() == Some(id)
                                        fallback=move || view! { <button type="button" class="danger" aria-label=format!("Revoke {n1}") on:click=move |_| confirming.set(Some(id))>"Revoke"</button> }>
                                        <span class="confirm" role="alertdialog" aria-label=format!("Revoke {n2}?")>
                                            "Screens showing it go dark. "
                                            <button type="button" class="danger" on:click=move |_| revoke(id)>"Yes, revoke"</button>
                                            <button type="button" class="link-button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                                        </span>
                                    </Show>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
