//! The sign-in page.

use crate::api::{sign_in_methods, sso_start_address, SignIn, SignInSettings};
use crate::i18n::*;
use crate::ui::widgets::LanguageMenu;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Email and password, and the single sign-on button when the organisation has an identity
/// provider (only the button when password sign-in is off); on success the server sets the
/// session cookie and redirects. The button is a plain link, so it works without the browser
/// bundle like the form does. The language menu lets a visitor choose the language before
/// signing in.
#[component]
pub fn SignInPage() -> impl IntoView {
    crate::ui::mark_hydrated();
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let sign_in = ServerAction::<SignIn>::new();
    let methods = Resource::new(|| (), |_| sign_in_methods());
    let query = use_query_map();
    // Only a path on this site is passed on (the server checks it again).
    let next = move || crate::api::safe_next(query.read().get("next").as_deref());
    // Why the last attempt failed: the action's error once hydrated; without the bundle the
    // plain form (and a refused single sign-on) comes back with the reason in the address
    // (`?error=credentials`).
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
    let password_form = move || {
        view! {
            <ActionForm action=sign_in attr:aria-label=t_string!(i18n, signin.form)>
                <label for="email">{t!(i18n, signin.email)}</label>
                <input id="email" type="email" name="email" autocomplete="username" required autofocus/>
                <label for="password">{t!(i18n, signin.password)}</label>
                <input id="password" type="password" name="password" autocomplete="current-password" required/>
                // An attribute, not a property: the page works before (and without) hydration.
                <input type="hidden" name="next" value=next/>
                <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { td_string!(locale, signin.signing_in) } else { td_string!(locale, signin.submit) }}
                </button>
            </ActionForm>
        }
    };
    let ways_in = move || {
        let methods = methods.get()?.unwrap_or_else(|_| SignInSettings {
            password: true,
            ..SignInSettings::default()
        });
        let sso = methods.sso.then(|| {
            let label = methods
                .sso_label
                .clone()
                .unwrap_or_else(|| td_string!(locale, sso.button).to_string());
            view! {
                <a class="button sso-button" href=move || sso_start_address(&next())>{label}</a>
                {if methods.password {
                    view! { <p class="signin-or">{t!(i18n, sso.or)}</p> }.into_any()
                } else {
                    view! { <p class="signin-or">{t!(i18n, sso.only)}</p> }.into_any()
                }}
            }
        });
        Some(view! {
            {sso}
            {methods.password.then(password_form)}
        })
    };
    view! {
        <Title text=t_string!(i18n, signin.title)/>
        <main class="signin">
            <section class="signin-card">
                <LanguageMenu/>
                <h1><span class="brand-mark" aria-hidden="true">"▲"</span>" Cairn"</h1>
                <p class="tagline">{t!(i18n, signin.tagline)}</p>
                <Show when=move || error().is_some()>
                    <p class="form-error" role="alert">{error}</p>
                </Show>
                <Suspense fallback=|| ()>{ways_in}</Suspense>
                <p class="signin-forgot"><a href="/reset">{t!(i18n, mail.reset.forgot)}</a></p>
            </section>
        </main>
    }
}

/// The words for a refused plain-form sign-in, from the reason the server put in the address
/// (and, when throttled, the seconds to `wait`).
fn refusal_text(locale: Locale, reason: &str, wait: Option<u64>) -> String {
    if let Some(refusal) = crate::domain::sso::SsoRefusal::from_code(reason) {
        return refusal.text(locale);
    }
    match reason {
        "credentials" => crate::api::ApiError::BadCredentials.text(locale),
        "password_off" => td_string!(locale, sso.password_off).to_string(),
        "throttled" => crate::api::ApiError::TooManyAttempts {
            seconds: wait.unwrap_or(60),
        }
        .text(locale),
        "missing" => td_string!(locale, signin.missing).to_string(),
        "deactivated" => td_string!(locale, people.signin_deactivated).to_string(),
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
        assert_eq!(
            refusal_text(Locale::en, "sso_unverified", None),
            crate::domain::sso::SsoRefusal::Unverified.text(Locale::en)
        );
        assert_ne!(
            refusal_text(Locale::de, "password_off", None),
            refusal_text(Locale::de, "other", None)
        );
    }
}
