//! `/admin/tokens`: admins create API tokens for programs (the secret is shown once, with a copy
//! button), see when each was last used, and revoke them.

use crate::api::{
    api_tokens, create_api_token, revoke_api_token, NewToken, ScopeChoice, TokenAdmin, TokenRow,
};
use crate::domain::{ApiTokenId, OrgUnitId};
use crate::i18n::*;
use crate::ui::widgets::actions::{changing, failure};
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

crate::ui::widgets::route::lazy_view_route!(
    /// `/admin/tokens`, a lazily loaded route: its code is a wasm chunk of its own.
    TokensRoute => TokensPage
);

/// The token page: the secret of a token just created, the form, and the list.
#[component]
pub fn TokensPage() -> impl IntoView {
    // Bumped after every change so the list is read again.
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| api_tokens());
    let created: RwSignal<Option<NewToken>> = RwSignal::new(None);
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, admin.title)/>
        <TopBar crumbs=vec![(t_string!(i18n, admin.heading).to_string(), "/admin/tokens".to_string())]/>
        <main class="page tokens-page">
            <h1>{t!(i18n, admin.heading)}</h1>
            <p class="lead">
                {t!(i18n, admin.lead)}" "
                {t!(i18n, admin.lead_scope)}" "
                <a href="/api/v1/docs" rel="external">{t!(i18n, admin.docs)}</a>
            </p>
            {move || created.get().map(|n| view! { <SecretPanel new=n on_done=move || created.set(None)/> })}
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, admin.loading)}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await;
                    crate::ui::mark_hydrated();
                    match data {
                        Ok(admin) => view! { <TokenAdminView admin created version/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The secret of a token just created: shown once, with a copy button.
#[component]
fn SecretPanel(new: NewToken, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let copied = RwSignal::new(false);
    let secret = new.secret.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let _ = window().navigator().clipboard().write_text(&secret);
            if let Some(input) = document()
                .get_element_by_id("token-secret")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.select();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &secret;
        copied.set(true);
    };
    let access = if new.row.token.can_administer {
        td_string!(locale, people.token_access.admin_lower)
    } else if new.row.token.can_write {
        td_string!(locale, admin.access.read_write_lower)
    } else {
        td_string!(locale, admin.access.read_only_lower)
    };
    view! {
        <section class="secret-panel" aria-labelledby="secret-title">
            <h2 id="secret-title">{td_string!(locale, admin.secret.heading, name = &new.row.token.name).to_string()}</h2>
            <p>
                <strong>{t!(i18n, admin.secret.once)}</strong>
                " "{t!(i18n, admin.secret.hash)}
            </p>
            <label for="token-secret">{t!(i18n, admin.secret.label)}</label>
            <div class="secret-row">
                <input id="token-secret" type="text" readonly prop:value=new.secret.clone() spellcheck="false" autocomplete="off"/>
                <button type="button" class="primary" on:click=copy>
                    {move || if copied.get() { td_string!(locale, admin.secret.copied) } else { td_string!(locale, admin.secret.copy) }}
                </button>
            </div>
            <p class="meta">{td_string!(locale, admin.secret.scope, units = new.row.unit_names.join(", "), access).to_string()}</p>
            <button type="button" class="link-button" on:click=move |_| on_done()>{t!(i18n, admin.secret.done)}</button>
        </section>
    }
}

/// The form and the list, once loaded.
#[component]
fn TokenAdminView(
    admin: TokenAdmin,
    created: RwSignal<Option<NewToken>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let TokenAdmin { tokens, units } = admin;
    view! {
        <div class="tokens-layout">
            <NewTokenForm units created version/>
            <TokenList tokens version/>
        </div>
    }
}

/// Name, scope and access of a new token.
#[component]
fn NewTokenForm(
    units: Vec<ScopeChoice>,
    created: RwSignal<Option<NewToken>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let name = RwSignal::new(String::new());
    let chosen: RwSignal<Vec<OrgUnitId>> = RwSignal::new(match units.as_slice() {
        [only] => vec![only.unit.id],
        _ => Vec::new(),
    });
    let can_write = RwSignal::new(false);
    let can_administer = RwSignal::new(false);
    let create = changing(
        version,
        |(n, u, w, a): (String, Vec<OrgUnitId>, bool, bool)| create_api_token(n, u, w, a),
        move |new: &NewToken| created.set(Some(new.clone())),
    );
    let error = failure(locale, create);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch((
            name.get(),
            chosen.get(),
            can_write.get(),
            can_administer.get(),
        ));
    };
    let checkboxes = units
        .into_iter()
        .map(|c| {
            let id = c.unit.id;
            let input_id = format!("scope-{id}");
            view! {
                <li style=format!("padding-left: {}rem", c.depth as f32 * 1.25)>
                    <input
                        type="checkbox"
                        id=input_id.clone()
                        prop:checked=move || chosen.with(|u| u.contains(&id))
                        on:change=move |_| chosen.update(|u| {
                            if let Some(i) = u.iter().position(|x| *x == id) {
                                u.remove(i);
                            } else {
                                u.push(id);
                            }
                        })
                    />
                    <label for=input_id>{c.unit.name.clone()}</label>
                </li>
            }
        })
        .collect_view();
    view! {
        <form class="card token-form" aria-label=t_string!(i18n, admin.form.label) on:submit=submit>
            <h2>{t!(i18n, admin.form.heading)}</h2>
            <label for="token-name">{t!(i18n, admin.form.name)}</label>
            <input
                id="token-name"
                type="text"
                required
                maxlength="200"
                placeholder=t_string!(i18n, admin.form.placeholder)
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <fieldset>
                <legend>{t!(i18n, admin.form.units)}</legend>
                <ul class="scope-list">{checkboxes}</ul>
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, admin.form.access)}</legend>
                <div class="choice">
                    <input type="radio" id="access-read" name="access" prop:checked=move || !can_write.get() && !can_administer.get() on:change=move |_| { can_write.set(false); can_administer.set(false); }/>
                    <label for="access-read">{t!(i18n, admin.access.read_only)}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="access-write" name="access" prop:checked=move || can_write.get() && !can_administer.get() on:change=move |_| { can_write.set(true); can_administer.set(false); }/>
                    <label for="access-write">{t!(i18n, admin.access.read_write_post)}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="access-admin" name="access" prop:checked=move || can_administer.get() on:change=move |_| { can_write.set(true); can_administer.set(true); }/>
                    <label for="access-admin">{t!(i18n, people.token_access.admin_invite)}</label>
                </div>
            </fieldset>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { td_string!(locale, admin.form.creating) } else { td_string!(locale, admin.form.create) }}
            </button>
        </form>
    }
}

/// "2026-03-31T17:05:12.345Z" → "31 Mar 2026 17:05 UTC" / "31. März 2026, 17:05 UTC".
fn when(locale: Locale, rfc3339: &str) -> String {
    let day = rfc3339
        .get(..10)
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    match (day, rfc3339.get(11..16)) {
        (Some(day), Some(time)) => {
            td_string!(locale, admin.when, date = format_date(locale, day), time).to_string()
        }
        _ => rfc3339.to_string(),
    }
}

/// The tokens the admin manages, each revocable after a confirmation.
#[component]
fn TokenList(tokens: Vec<TokenRow>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if tokens.is_empty() {
        return view! {
            <section class="card token-list" aria-label=t_string!(i18n, admin.list.label)>
                <h2>{t!(i18n, admin.list.heading)}</h2>
                <p class="empty">{t!(i18n, admin.list.empty)}</p>
            </section>
        }
        .into_any();
    }
    let confirming: RwSignal<Option<ApiTokenId>> = RwSignal::new(None);
    let revoke = changing(version, revoke_api_token, move |_: &TokenRow| {
        confirming.set(None)
    });
    let error = failure(locale, revoke);
    let rows = tokens
        .into_iter()
        .map(|row| {
            let t = row.token;
            let id = t.id;
            let name = t.name.clone();
            let status = match &t.revoked_at {
                Some(at) => td_string!(locale, admin.list.revoked, when = when(locale, at)).to_string(),
                None => td_string!(locale, admin.list.active).into(),
            };
            let live = t.revoked_at.is_none();
            let actions = live.then(|| {
                let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
                view! {
                    <Show
                        when=move || confirming.get() == Some(id)
                        fallback=move || view! {
                            <button type="button" class="danger" aria-label=td_string!(locale, admin.list.revoke_named, name = &n1).to_string() on:click=move |_| confirming.set(Some(id))>{td_string!(locale, admin.list.revoke)}</button>
                        }
                    >
                        <div class="confirm" role="alertdialog" aria-label=td_string!(locale, admin.list.confirm_label, name = &n2).to_string()>
                            <p>{td_string!(locale, admin.list.confirm, name = &n3).to_string()}</p>
                            <button type="button" class="danger" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch(id); }>{td_string!(locale, admin.list.revoke_token)}</button>
                            <button type="button" class="link-button" on:click=move |_| confirming.set(None)>{td_string!(locale, admin.list.cancel)}</button>
                        </div>
                    </Show>
                }
            });
            view! {
                <tr class=if live { "token-row" } else { "token-row revoked" }>
                    <th scope="row">{name.clone()}</th>
                    <td>{row.unit_names.join(", ")}</td>
                    <td>{if t.can_administer { td_string!(locale, people.token_access.admin) } else if t.can_write { td_string!(locale, admin.access.read_write) } else { td_string!(locale, admin.access.read_only) }}</td>
                    <td>{when(locale, &t.created_at)}<span class="by">{row.created_by_name.map(|n| td_string!(locale, admin.list.by, name = n).to_string())}</span></td>
                    <td>{t.last_used_at.as_deref().map(|at| when(locale, at)).unwrap_or_else(|| td_string!(locale, admin.list.never).into())}</td>
                    <td class=if live { "token-status active" } else { "token-status" }>{status}</td>
                    <td class="actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card token-list" aria-labelledby="token-list-title">
            <h2 id="token-list-title">{t!(i18n, admin.list.heading)}</h2>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <table class="tokens" aria-label=t_string!(i18n, admin.list.label)>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, admin.list.col.name)}</th>
                        <th scope="col">{t!(i18n, admin.list.col.scope)}</th>
                        <th scope="col">{t!(i18n, admin.list.col.access)}</th>
                        <th scope="col">{t!(i18n, admin.list.col.created)}</th>
                        <th scope="col">{t!(i18n, admin.list.col.last_used)}</th>
                        <th scope="col">{t!(i18n, admin.list.col.status)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, admin.list.col.actions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}
