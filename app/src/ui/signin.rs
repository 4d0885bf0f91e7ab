//! The sign-in page.

use crate::api::SignIn;
use crate::i18n::*;
use crate::ui::widgets::LanguageMenu;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Email and password; on success the server sets the session cookie and redirects. The
/// language menu lets a visitor choose the language before signing in.
#[component]
pub fn SignInPage() -> impl IntoView {
    crate::ui::mark_hydrated();
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map();
    // Only a path on this site is passed on (the server checks it again).
    let next = move || crate::api::safe_next(query.read().get("next").as_deref());
    // Why the last attempt failed: the action's error once hydrated; without the bundle the
    // plain form comes back with the reason in the address (`?error=credentials`).
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
            .or_else(|| {
                let query = query.read();
                let wait = query.get("wait").and_then(|w| w.parse::<u64>().ok());
                query
                    .get("error")
                    .map(|reason| refusal_text(locale, &reason, wait))
            })
    };
    view! {
        <Title text=t_string!(i18n, signin.title)/>
        <main class="signin">
            <section class="signin-card">
                <LanguageMenu/>
                <h1><span class="brand-mark" aria-hidden="true">"▲"</span>" Cairn"</h1>
                <p class="tagline">{t!(i18n, signin.tagline)}</p>
                <ActionForm action=sign_in attr:aria-label=t_string!(i18n, signin.form)>
                    <label for="email">{t!(i18n, signin.email)}</label>
                    <input id="email" type="email" name="email" autocomplete="username" required autofocus/>
                    <label for="password">{t!(i18n, signin.password)}</label>
                    <input id="password" type="password" name="password" autocomplete="current-password" required/>
                    // An attribute, not a property: the page works before (and without) hydration.
                    <input type="hidden" name="next" value=next/>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert">{error}</p>
                    </Show>
                    <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { td_string!(locale, signin.signing_in) } else { td_string!(locale, signin.submit) }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}

/// The words for a refused plain-form sign-in, from the reason the server put in the address
/// (and, when throttled, the seconds to `wait`).
fn refusal_text(locale: Locale, reason: &str, wait: Option<u64>) -> String {
    match reason {
        "credentials" => crate::api::ApiError::BadCredentials.text(locale),
        "throttled" => crate::api::ApiError::TooManyAttempts {
            seconds: wait.unwrap_or(60),
        }
        .text(locale),
        "missing" => td_string!(locale, signin.missing).to_string(),
        _ => td_string!(locale, signin.failed).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_sign_in_is_explained_in_the_page_language() {
        assert_eq!(
            refusal_text(Locale::en, "credentials", None),
            "Wrong email or password."
        );
        assert_ne!(
            refusal_text(Locale::de, "credentials", None),
            refusal_text(Locale::en, "credentials", None)
        );
        assert_eq!(
            refusal_text(Locale::en, "throttled", Some(42)),
            "Too many attempts; try again in 42 s."
        );
        assert_ne!(
            refusal_text(Locale::de, "missing", None),
            refusal_text(Locale::de, "other", None)
        );
    }
}
