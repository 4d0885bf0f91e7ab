//! `/admin/tokens`: admins create API tokens for programs (the secret is shown once, with a copy
//! button), see when each was last used, and revoke them.

use crate::api::{
    api_tokens, create_api_token, revoke_api_token, ApiError, NewToken, ScopeChoice, TokenAdmin,
    TokenRow,
};
use crate::domain::{ApiTokenId, OrgUnitId};
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use std::future::Future;

/// The token page: the secret of a token just created, the form, and the list.
#[component]
pub fn TokensPage() -> impl IntoView {
    // Bumped after every change so the list is read again.
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| api_tokens());
    let created: RwSignal<Option<NewToken>> = RwSignal::new(None);
    view! {
        <Title text="API tokens · Cairn"/>
        <TopBar crumbs=vec![("API tokens".to_string(), "/admin/tokens".to_string())]/>
        <main class="page tokens-page">
            <h1>"API tokens"</h1>
            <p class="lead">
                "Programs — an ERP job, a BI tool — use an API token to read measures and scores and to post actuals. "
                "Each token covers the org units you choose (and every unit below them). "
                <a href="/api/v1/docs" rel="external">"REST API documentation"</a>
            </p>
            {move || created.get().map(|n| view! { <SecretPanel new=n on_done=move || created.set(None)/> })}
            <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
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
    let access = if new.row.token.can_write {
        "read and write"
    } else {
        "read-only"
    };
    view! {
        <section class="secret-panel" aria-labelledby="secret-title">
            <h2 id="secret-title">"Copy the new token “" {new.row.token.name.clone()} "” now"</h2>
            <p>
                <strong>"You will not see it again."</strong>
                " Cairn keeps only a hash of it. Store it where the program keeps its secrets; if it is lost, revoke it and create another."
            </p>
            <label for="token-secret">"Token secret"</label>
            <div class="secret-row">
                <input id="token-secret" type="text" readonly prop:value=new.secret.clone() spellcheck="false" autocomplete="off"/>
                <button type="button" class="primary" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <p class="meta">{format!("Scope: {} · {access}", new.row.unit_names.join(", "))}</p>
            <button type="button" class="link-button" on:click=move |_| on_done()>"Done, I stored it"</button>
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

/// An action that calls the server with `call` and, once that succeeds, runs `done` with the
/// answer and bumps `version`, so the token list is read again.
fn changing<I, T, Fut>(
    version: RwSignal<u32>,
    call: impl Fn(I) -> Fut + Send + Sync + 'static,
    done: impl Fn(&T) + Copy + Send + Sync + 'static,
) -> Action<I, Result<T, ApiError>>
where
    I: Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    Action::new(move |input: &I| {
        let answer = call(input.clone());
        async move {
            let result = answer.await;
            if let Ok(value) = &result {
                done(value);
                version.update(|v| *v += 1);
            }
            result
        }
    })
}

/// Why an action's last run failed, if it did.
fn failure<I: 'static, T: Clone + Send + Sync + 'static>(
    action: Action<I, Result<T, ApiError>>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    }
}

/// Name, scope and access of a new token.
#[component]
fn NewTokenForm(
    units: Vec<ScopeChoice>,
    created: RwSignal<Option<NewToken>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen: RwSignal<Vec<OrgUnitId>> = RwSignal::new(match units.as_slice() {
        [only] => vec![only.unit.id],
        _ => Vec::new(),
    });
    let can_write = RwSignal::new(false);
    let create = changing(
        version,
        |(n, u, w): (String, Vec<OrgUnitId>, bool)| create_api_token(n, u, w),
        move |new: &NewToken| created.set(Some(new.clone())),
    );
    let error = failure(create);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch((name.get(), chosen.get(), can_write.get()));
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
        <form class="card token-form" aria-label="New API token" on:submit=submit>
            <h2>"New token"</h2>
            <label for="token-name">"Name"</label>
            <input
                id="token-name"
                type="text"
                required
                maxlength="200"
                placeholder="e.g. ERP month-end feed"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <fieldset>
                <legend>"Org units it may use"</legend>
                <ul class="scope-list">{checkboxes}</ul>
            </fieldset>
            <fieldset>
                <legend>"Access"</legend>
                <div class="choice">
                    <input type="radio" id="access-read" name="access" prop:checked=move || !can_write.get() on:change=move |_| can_write.set(false)/>
                    <label for="access-read">"Read-only"</label>
                </div>
                <div class="choice">
                    <input type="radio" id="access-write" name="access" prop:checked=move || can_write.get() on:change=move |_| can_write.set(true)/>
                    <label for="access-write">"Read and write (post actuals)"</label>
                </div>
            </fieldset>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create token" }}
            </button>
        </form>
    }
}

/// "2026-03-31T17:05:12.345Z" → "2026-03-31 17:05 UTC".
fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

/// The tokens the admin manages, each revocable after a confirmation.
#[component]
fn TokenList(tokens: Vec<TokenRow>, version: RwSignal<u32>) -> impl IntoView {
    if tokens.is_empty() {
        return view! {
            <section class="card token-list" aria-label="API tokens">
                <h2>"Tokens"</h2>
                <p class="empty">"No tokens yet."</p>
            </section>
        }
        .into_any();
    }
    let confirming: RwSignal<Option<ApiTokenId>> = RwSignal::new(None);
    let revoke = changing(version, revoke_api_token, move |_: &TokenRow| {
        confirming.set(None)
    });
    let error = failure(revoke);
    let rows = tokens
        .into_iter()
        .map(|row| {
            let t = row.token;
            let id = t.id;
            let name = t.name.clone();
            let status = match &t.revoked_at {
                Some(at) => format!("Revoked {}", when(at)),
                None => "Active".into(),
            };
            let live = t.revoked_at.is_none();
            let actions = live.then(|| {
                let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
                view! {
                    <Show
                        when=move || confirming.get() == Some(id)
                        fallback=move || view! {
                            <button type="button" class="danger" aria-label=format!("Revoke {n1}") on:click=move |_| confirming.set(Some(id))>"Revoke"</button>
                        }
                    >
                        <div class="confirm" role="alertdialog" aria-label=format!("Revoke {n2}?")>
                            <p>{format!("Revoke “{n3}”? Programs using it stop working at once.")}</p>
                            <button type="button" class="danger" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch(id); }>"Revoke token"</button>
                            <button type="button" class="link-button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        </div>
                    </Show>
                }
            });
            view! {
                <tr class=if live { "token-row" } else { "token-row revoked" }>
                    <th scope="row">{name.clone()}</th>
                    <td>{row.unit_names.join(", ")}</td>
                    <td>{if t.can_write { "Read and write" } else { "Read-only" }}</td>
                    <td>{when(&t.created_at)}<span class="by">{row.created_by_name.map(|n| format!("by {n}"))}</span></td>
                    <td>{t.last_used_at.as_deref().map(when).unwrap_or_else(|| "Never".into())}</td>
                    <td class=if live { "token-status active" } else { "token-status" }>{status}</td>
                    <td class="actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card token-list" aria-labelledby="token-list-title">
            <h2 id="token-list-title">"Tokens"</h2>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <table class="tokens" aria-label="API tokens">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Access"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}
