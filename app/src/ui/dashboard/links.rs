//! Display links of a unit, for its admins: create one (its address is shown once, with a copy
//! button), see where each points and when a screen last opened it, revoke one after a
//! confirmation.

use crate::api::{
    create_display_link, revoke_display_link, DashboardSummary, DisplayLinkRow, NewDisplayLink,
};
use crate::domain::dashboard::{ROTATE_MAX_SECONDS, ROTATE_MIN_SECONDS};
use crate::domain::{DashboardId, DisplayLinkId, OrgUnitId};
use crate::i18n::*;
use leptos::prelude::*;

/// The display-links section of a unit's dashboards page.
#[component]
pub fn DisplayLinks(
    unit: OrgUnitId,
    dashboards: Vec<DashboardSummary>,
    links: Vec<DisplayLinkRow>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let created = RwSignal::new(None::<NewDisplayLink>);
    view! {
        <section class="display-links" aria-labelledby="display-links-title">
            <h2 id="display-links-title">{t!(i18n, dashboard.links.heading)}</h2>
            <p class="hint">{t!(i18n, dashboard.links.hint)}</p>
            {move || created.get().map(|n| view! { <SecretPanel new=n on_done=move || { created.set(None); version.update(|v| *v += 1); }/> })}
            <NewLinkForm unit=unit dashboards=dashboards created=created/>
            <LinkList links=links version=version/>
        </section>
    }
}

/// The address of a link just created: shown once, with copy and open.
#[component]
fn SecretPanel(new: NewDisplayLink, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
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
            <h3 id="secret-title">{td_string!(locale, dashboard.links.created, name = &new.link.name).to_string()}</h3>
            <p>{t!(i18n, dashboard.links.copy_now)}</p>
            <div class="secret-row">
                <input readonly aria-label=t_string!(i18n, dashboard.links.address) value=url.clone() on:focus=|ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
                <button type="button" class="primary" on:click=copy>{move || if copied.get() { td_string!(locale, dashboard.links.copied) } else { td_string!(locale, dashboard.links.copy) }}</button>
                <a class="button secondary" href=url target="_blank" rel="noopener noreferrer">{t!(i18n, dashboard.links.open)}</a>
            </div>
            <button type="button" class="link-button" on:click=move |_| on_done()>{t!(i18n, dashboard.links.done)}</button>
        </div>
    }
}

#[component]
fn NewLinkForm(
    unit: OrgUnitId,
    dashboards: Vec<DashboardSummary>,
    created: RwSignal<Option<NewDisplayLink>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<DashboardId>::new());
    let seconds = RwSignal::new("30".to_string());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(rotate) = seconds.get_untracked().trim().parse::<u32>() else {
            error.set(Some(
                td_string!(locale, dashboard.links.whole_seconds).into(),
            ));
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
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    if dashboards.is_empty() {
        return view! { <p class="muted">{t!(i18n, dashboard.links.need_dashboard)}</p> }
            .into_any();
    }
    view! {
        <form class="link-form" on:submit=submit aria-label=t_string!(i18n, dashboard.links.form_label)>
            <h3>{t!(i18n, dashboard.links.form_label)}</h3>
            <label for="link-name">{t!(i18n, dashboard.links.screen_name)}</label>
            <input id="link-name" maxlength="80" required placeholder=t_string!(i18n, dashboard.links.placeholder) prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{t!(i18n, dashboard.links.order)}</legend>
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
            <label for="link-seconds">{t!(i18n, dashboard.links.seconds)}</label>
            <input id="link-seconds" type="number" min=ROTATE_MIN_SECONDS max=ROTATE_MAX_SECONDS prop:value=move || seconds.get()
                on:input=move |ev| seconds.set(event_target_value(&ev))/>
            <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, dashboard.links.create)}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
    .into_any()
}

/// "25 Nov 2026 17:20" / "25. November 2026, 17:20" from an RFC 3339 time.
fn when(locale: Locale, rfc3339: &str) -> String {
    let date = rfc3339
        .get(..10)
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    match (date, rfc3339.get(11..16)) {
        (Some(date), Some(time)) => td_string!(
            locale,
            dashboard.links.when,
            date = format_date(locale, date),
            time
        )
        .to_string(),
        _ => rfc3339.to_string(),
    }
}

#[component]
fn LinkList(links: Vec<DisplayLinkRow>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if links.is_empty() {
        return view! { <p class="empty">{t!(i18n, dashboard.links.empty)}</p> }.into_any();
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
                Err(e) => error.set(Some(e.text(locale))),
            }
        });
    };
    view! {
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <table class="link-table" aria-label=t_string!(i18n, dashboard.links.table)>
            <thead><tr><th scope="col">{t!(i18n, dashboard.links.col.screen)}</th><th scope="col">{t!(i18n, dashboard.links.col.dashboards)}</th><th scope="col">{t!(i18n, dashboard.links.col.rotation)}</th><th scope="col">{t!(i18n, dashboard.links.col.created)}</th><th scope="col">{t!(i18n, dashboard.links.col.last_seen)}</th><th scope="col">{t!(i18n, dashboard.links.col.state)}</th><th></th></tr></thead>
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
                            <td>{td_string!(locale, dashboard.links.rotation_seconds, seconds = format_number(locale, f64::from(row.link.rotate_seconds), 0)).to_string()}</td>
                            <td>{when(locale, &row.link.created_at)}</td>
                            <td>{row.link.last_seen_at.as_deref().map(|t| when(locale, t)).unwrap_or_else(|| td_string!(locale, dashboard.links.never).into())}</td>
                            <td>{revoked.as_deref().map(|r| td_string!(locale, dashboard.links.revoked, when = when(locale, r)).to_string()).unwrap_or_else(|| td_string!(locale, dashboard.links.active).into())}</td>
                            <td>
                                {revoked.is_none().then(|| view! {
                                    <Show when=move || confirming.get() == Some(id)
                                        fallback=move || view! { <button type="button" class="danger" aria-label=td_string!(locale, dashboard.links.revoke_named, name = &n1).to_string() on:click=move |_| confirming.set(Some(id))>{td_string!(locale, dashboard.links.revoke)}</button> }>
                                        <span class="confirm" role="alertdialog" aria-label=td_string!(locale, dashboard.links.confirm_label, name = &n2).to_string()>
                                            {td_string!(locale, dashboard.links.go_dark)}" "
                                            <button type="button" class="danger" on:click=move |_| revoke(id)>{td_string!(locale, dashboard.links.yes_revoke)}</button>
                                            <button type="button" class="link-button" on:click=move |_| confirming.set(None)>{td_string!(locale, dashboard.links.cancel)}</button>
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
