//! `/invite/<token>`: an invitee chooses their name and password and joins (then lands on the
//! home page, signed in). An unknown, expired or used link says which, with a way to sign in.

use crate::api::{invitation_details, AcceptInvitation};
use crate::domain::validation::MIN_PASSWORD;
use crate::i18n::*;
use crate::ui::widgets::LanguageMenu;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

crate::ui::widgets::route::lazy_view_route!(
    /// `/invite/:token`, a lazily loaded route: its code is a wasm chunk of its own.
    InviteRoute => InvitePage
);

/// The invitation page.
#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let details = Resource::new(token, invitation_details);
    view! {
        <Title text=t_string!(i18n, people.accept.title)/>
        <main class="signin">
            <section class="signin-card">
                <LanguageMenu/>
                <h1><span class="brand-mark" aria-hidden="true">"▲"</span>" "{t!(i18n, people.accept.heading)}</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let found = details.await;
                        crate::ui::mark_hydrated();
                        match found {
                            Ok(info) => view! { <JoinForm token=token() email=info.email name=info.name/> }.into_any(),
                            Err(e) => {
                                let locale = i18n.get_locale_untracked();
                                view! {
                                    <h2>{t!(i18n, people.accept.problem)}</h2>
                                    <p class="form-error" role="alert">{e.text(locale)}</p>
                                    <p><a href="/signin">{t!(i18n, people.accept.signin)}</a></p>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

/// Name, password and the password again.
#[component]
fn JoinForm(token: String, email: String, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let join = ServerAction::<AcceptInvitation>::new();
    let error = move || {
        join.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
    };
    let min = MIN_PASSWORD;
    view! {
        <p class="tagline">{td_string!(locale, people.accept.lead, email).to_string()}</p>
        <ActionForm action=join attr:aria-label=t_string!(i18n, people.accept.heading)>
            <input type="hidden" name="token" value=token/>
            <label for="join-name">{t!(i18n, people.accept.name)}</label>
            <input id="join-name" type="text" name="name" required maxlength="200" autocomplete="name" value=name/>
            <label for="join-password">{t!(i18n, people.accept.password)}</label>
            <input id="join-password" type="password" name="password" required minlength=min.to_string()
                autocomplete="new-password" aria-describedby="join-password-hint"/>
            <span id="join-password-hint" class="meta">{td_string!(locale, people.accept.password_hint, min).to_string()}</span>
            <label for="join-confirm">{t!(i18n, people.accept.confirm)}</label>
            <input id="join-confirm" type="password" name="confirm" required minlength=min.to_string() autocomplete="new-password"/>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || join.pending().get()>
                {move || if join.pending().get() { td_string!(locale, people.accept.joining) } else { td_string!(locale, people.accept.submit) }}
            </button>
        </ActionForm>
    }
}
