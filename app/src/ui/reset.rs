//! Resetting a forgotten password: `/reset` asks for the e-mail address and always gives the
//! same answer; the e-mailed link `/reset/{secret}` asks for the new password twice. Both pages
//! are open without a session, and work as plain forms before the bundle loads.

use crate::api::{RequestPasswordReset, ResetPassword};
use crate::i18n::*;
use crate::ui::widgets::LanguageMenu;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

crate::ui::widgets::route::lazy_view_route!(
    /// `/reset`, a lazily loaded route: its code is a wasm chunk of its own.
    ResetRequestRoute => ResetRequestPage
);

/// The form that asks for the address; after sending it says a link is on its way (whether or
/// not the address is registered).
#[component]
pub fn ResetRequestPage() -> impl IntoView {
    crate::ui::mark_hydrated();
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let request = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let error = move || {
        request
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
    };
    view! {
        <Title text=t_string!(i18n, mail.reset.title)/>
        <main class="signin">
            <section class="signin-card">
                <LanguageMenu/>
                <h1>{t!(i18n, mail.reset.heading)}</h1>
                <Show
                    when=sent
                    fallback=move || view! {
                        <p class="tagline">{t!(i18n, mail.reset.intro)}</p>
                        <ActionForm action=request attr:aria-label=t_string!(i18n, mail.reset.form)>
                            <label for="reset-email">{t!(i18n, mail.reset.email)}</label>
                            <input id="reset-email" type="email" name="email" autocomplete="username" required autofocus/>
                            <Show when=move || error().is_some()>
                                <p class="form-error" role="alert">{error}</p>
                            </Show>
                            <button type="submit" class="primary" disabled=move || request.pending().get()>
                                {move || if request.pending().get() { td_string!(locale, mail.reset.sending) } else { td_string!(locale, mail.reset.submit) }}
                            </button>
                        </ActionForm>
                    }
                >
                    <p class="notice-ok" role="status">{t!(i18n, mail.reset.sent)}</p>
                </Show>
                <p><a href="/signin">{t!(i18n, mail.reset.back)}</a></p>
            </section>
        </main>
    }
}

crate::ui::widgets::route::lazy_view_route!(
    /// `/reset/:token`, a lazily loaded route: its code is a wasm chunk of its own.
    ResetPasswordRoute => ResetPasswordPage
);

/// The page of an e-mailed link: the new password twice, or why the link no longer works.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let usable = Resource::new(token, crate::api::reset_link_usable);
    let reset = ServerAction::<ResetPassword>::new();
    let error = move || {
        reset
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
    };
    let min = crate::domain::validation::MIN_PASSWORD;
    view! {
        <Title text=t_string!(i18n, mail.reset.new_title)/>
        <main class="signin">
            <section class="signin-card">
                <LanguageMenu/>
                <h1>{t!(i18n, mail.reset.new_heading)}</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let ok = usable.await.unwrap_or(false);
                        crate::ui::mark_hydrated();
                        if ok {
                            view! {
                                <ActionForm action=reset attr:aria-label=td_string!(locale, mail.reset.new_form)>
                                    <input type="hidden" name="token" value=token/>
                                    <label for="new-password">{td_string!(locale, mail.reset.password)}</label>
                                    <input id="new-password" type="password" name="password" autocomplete="new-password"
                                        minlength=min required aria-describedby="password-hint"/>
                                    <p id="password-hint" class="meta">{td_string!(locale, mail.reset.min, min)}</p>
                                    <label for="confirm-password">{td_string!(locale, mail.reset.confirm)}</label>
                                    <input id="confirm-password" type="password" name="confirm" autocomplete="new-password"
                                        minlength=min required/>
                                    <Show when=move || error().is_some()>
                                        <p class="form-error" role="alert">{error}</p>
                                    </Show>
                                    <button type="submit" class="primary" disabled=move || reset.pending().get()>
                                        {move || if reset.pending().get() { td_string!(locale, mail.reset.saving) } else { td_string!(locale, mail.reset.save) }}
                                    </button>
                                </ActionForm>
                            }.into_any()
                        } else {
                            view! {
                                <p class="form-error" role="alert">{td_string!(locale, mail.reset.invalid)}</p>
                                <p><a href="/reset">{td_string!(locale, mail.reset.request_new)}</a></p>
                            }.into_any()
                        }
                    })}
                </Suspense>
                <p><a href="/signin">{t!(i18n, mail.reset.back)}</a></p>
            </section>
        </main>
    }
}
