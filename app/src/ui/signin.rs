//! The sign-in page.

use crate::api::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Email and password; on success the server sets the session cookie and redirects.
#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map();
    // Only a path on this site is passed on (the server checks it again).
    let next = move || crate::api::safe_next(query.read().get("next").as_deref());
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Sign in · Cairn"/>
        <main class="signin">
            <section class="signin-card">
                <h1><span class="brand-mark" aria-hidden="true">"▲"</span>" Cairn"</h1>
                <p class="tagline">"Strategy maps, scorecards and reviews for leadership teams."</p>
                <ActionForm action=sign_in attr:aria-label="Sign in">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="username" required autofocus/>
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password" autocomplete="current-password" required/>
                    <input type="hidden" name="next" prop:value=next/>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert">{error}</p>
                    </Show>
                    <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
