//! `/setup`: the first run. With no administrator yet, every page leads here: the organisation's
//! name, currency and language, and the first administrator's account.

use crate::api::SetUp;
use crate::domain::validation::MIN_PASSWORD;
use crate::i18n::*;
use crate::ui::widgets::LanguageMenu;
use leptos::prelude::*;
use leptos_meta::Title;

crate::ui::widgets::route::lazy_view_route!(
    /// `/setup`, a lazily loaded route: its code is a wasm chunk of its own.
    SetupRoute => SetupPage
);

/// The set-up form; on success the server signs the new administrator in and sends them home.
#[component]
pub fn SetupPage() -> impl IntoView {
    crate::ui::mark_hydrated();
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let set_up = ServerAction::<SetUp>::new();
    let error = move || {
        set_up
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
    };
    let min = MIN_PASSWORD.to_string();
    let language_name = |l: Locale| match l {
        Locale::en => td_string!(l, common.language.en),
        Locale::de => td_string!(l, common.language.de),
    };
    view! {
        <Title text=t_string!(i18n, setup.title)/>
        <main class="signin setup">
            <section class="signin-card setup-card">
                <LanguageMenu/>
                <h1><span class="brand-mark" aria-hidden="true">"▲"</span>" "{t!(i18n, setup.heading)}</h1>
                <p class="tagline">{t!(i18n, setup.intro)}</p>
                <ActionForm action=set_up attr:aria-label=t_string!(i18n, setup.form)>
                    <fieldset>
                        <legend><h2>{t!(i18n, setup.organisation_heading)}</h2></legend>
                        <label for="organisation">{t!(i18n, setup.organisation)}</label>
                        <input id="organisation" name="organisation" type="text" autocomplete="organization" required maxlength="200"/>
                        <label for="currency">{t!(i18n, setup.currency)}</label>
                        <input id="currency" name="currency" type="text" value=crate::domain::account::SUGGESTED_CURRENCY required minlength="3" maxlength="3" pattern="[A-Za-z]{3}" autocomplete="off"/>
                        <label for="language">{t!(i18n, setup.language)}</label>
                        <select id="language" name="language">
                            {LANGUAGES
                                .into_iter()
                                .map(|l| view! { <option value=l.tag() selected=l == locale lang=l.tag()>{language_name(l)}</option> })
                                .collect_view()}
                        </select>
                    </fieldset>
                    <fieldset>
                        <legend><h2>{t!(i18n, setup.admin_heading)}</h2></legend>
                        <label for="name">{t!(i18n, setup.name)}</label>
                        <input id="name" name="name" type="text" autocomplete="name" required maxlength="200"/>
                        <label for="email">{t!(i18n, setup.email)}</label>
                        <input id="email" name="email" type="email" autocomplete="username" required/>
                        <label for="password">{td_string!(locale, setup.password, min = min.clone()).to_string()}</label>
                        <input id="password" name="password" type="password" autocomplete="new-password" required minlength=MIN_PASSWORD.to_string()/>
                        <label for="confirm">{t!(i18n, setup.confirm)}</label>
                        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength=MIN_PASSWORD.to_string()/>
                    </fieldset>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert">{error}</p>
                    </Show>
                    <button type="submit" class="primary" disabled=move || set_up.pending().get()>
                        {move || if set_up.pending().get() { td_string!(locale, setup.submitting) } else { td_string!(locale, setup.submit) }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
