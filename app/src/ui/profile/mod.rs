//! `/profile`: the signed-in person's own account: their name, language and password, and the
//! sessions they have open (each can be signed out).

use crate::api::{my_profile, ChangePassword, EndSession, SetMyName};
use crate::domain::validation::MIN_PASSWORD;
use crate::domain::{Profile, SessionInfo};
use crate::i18n::*;
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

crate::ui::widgets::route::lazy_view_route!(
    /// `/profile`, a lazily loaded route: its code is a wasm chunk of its own.
    ProfileRoute => ProfilePage
);

/// The profile page: loads the profile, then its four sections.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    // Bumped after every change so the profile (and its session list) is read again.
    let version = RwSignal::new(0u32);
    let profile = Resource::new(move || version.get(), |_| my_profile());
    view! {
        <Title text=t_string!(i18n, profile.title)/>
        <TopBar crumbs=vec![(t_string!(i18n, profile.heading).to_string(), "/profile".to_string())]/>
        <main class="page profile-page">
            <h1>{t!(i18n, profile.heading)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, profile.loading)}</p> }>
                {move || Suspend::new(async move {
                    let loaded = profile.await;
                    crate::ui::mark_hydrated();
                    match loaded {
                        Ok(p) => view! { <ProfileView profile=p version/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// A form's answer: the error in the page's language, or `done` once it succeeded.
fn outcome<T>(
    value: impl Fn() -> Option<Result<T, crate::api::ApiError>> + Copy + Send + Sync + 'static,
    locale: Locale,
    done: &'static str,
) -> impl Fn() -> Option<(bool, String)> + Copy + Send + Sync + 'static {
    move || {
        value().map(|r| match r {
            Ok(_) => (true, done.to_string()),
            Err(e) => (false, e.text(locale)),
        })
    }
}

/// The loaded profile's sections.
#[component]
fn ProfileView(profile: Profile, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let rename = ServerAction::<SetMyName>::new();
    let password = ServerAction::<ChangePassword>::new();
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if matches!(password.value().get(), Some(Ok(()))) {
            version.update(|v| *v += 1);
        }
    });
    let renamed = outcome(
        move || rename.value().get(),
        locale,
        td_string!(locale, profile.saved),
    );
    let changed = outcome(
        move || password.value().get(),
        locale,
        td_string!(locale, profile.password_changed),
    );
    let min = MIN_PASSWORD.to_string();
    let chosen = profile.language.clone();
    let language_name = |l: Locale| match l {
        Locale::en => td_string!(l, common.language.en),
        Locale::de => td_string!(l, common.language.de),
    };
    view! {
        <section aria-labelledby="profile-name" class="profile-section">
            <h2 id="profile-name">{t!(i18n, profile.name_heading)}</h2>
            <ActionForm action=rename>
                <label for="profile-name-input">{t!(i18n, profile.name)}</label>
                <input id="profile-name-input" name="name" type="text" autocomplete="name" required maxlength="200" value=profile.name.clone()/>
                <button type="submit" class="primary">{t!(i18n, profile.save_name)}</button>
                <Answer answer=renamed/>
            </ActionForm>
            <p class="meta">{profile.email.clone()}</p>
        </section>
        <section aria-labelledby="profile-language" class="profile-section">
            <h2 id="profile-language">{t!(i18n, profile.language_heading)}</h2>
            <form method="post" action="/api/set_language">
                <label for="profile-language-select">{t!(i18n, profile.language)}</label>
                <select id="profile-language-select" name="lang">
                    <option value="" selected=chosen.is_none()>{t!(i18n, profile.language_browser)}</option>
                    {LANGUAGES
                        .into_iter()
                        .map(|l| view! { <option value=l.tag() selected=chosen.as_deref() == Some(l.tag()) lang=l.tag()>{language_name(l)}</option> })
                        .collect_view()}
                </select>
                <input type="hidden" name="next" value="/profile"/>
                <button type="submit" class="primary">{t!(i18n, profile.save_language)}</button>
            </form>
        </section>
        <section aria-labelledby="profile-password" class="profile-section">
            <h2 id="profile-password">{t!(i18n, profile.password_heading)}</h2>
            <p class="meta">{t!(i18n, profile.password_note)}</p>
            <ActionForm action=password>
                <label for="current-password">{t!(i18n, profile.current_password)}</label>
                <input id="current-password" name="current" type="password" autocomplete="current-password" required/>
                <label for="new-password">{td_string!(locale, profile.new_password, min = min.clone()).to_string()}</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength=MIN_PASSWORD.to_string()/>
                <label for="confirm-password">{t!(i18n, profile.confirm_password)}</label>
                <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required minlength=MIN_PASSWORD.to_string()/>
                <button type="submit" class="primary">{t!(i18n, profile.change_password)}</button>
                <Answer answer=changed/>
            </ActionForm>
        </section>
        <Sessions sessions=profile.sessions version/>
    }
}

/// A form's answer under it: a status message, or an alert for an error.
#[component]
fn Answer(
    answer: impl Fn() -> Option<(bool, String)> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        answer().map(|(ok, text)| {
            if ok {
                view! { <p class="form-ok" role="status">{text}</p> }.into_any()
            } else {
                view! { <p class="form-error" role="alert">{text}</p> }.into_any()
            }
        })
    }
}

/// "5 Mar 2026, 14:05 UTC" for seconds since the epoch.
fn moment(locale: Locale, seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| {
            format!(
                "{}, {} UTC",
                format_date(locale, t.date_naive()),
                t.format("%H:%M")
            )
        })
        .unwrap_or_default()
}

/// The same for an RFC 3339 time.
fn moment_text(locale: Locale, rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| moment(locale, t.timestamp()))
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The open sessions, each with a sign-out button.
#[component]
fn Sessions(sessions: Vec<SessionInfo>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let end = ServerAction::<EndSession>::new();
    let ended_current = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(end.value().get(), Some(Ok(()))) {
            if ended_current.get_untracked() {
                // This browser's own session ended: it is signed out.
                #[cfg(feature = "hydrate")]
                let _ = window().location().set_href("/signin");
            } else {
                version.update(|v| *v += 1);
            }
        }
    });
    let error = move || {
        end.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.text(locale))
    };
    let rows = sessions
        .into_iter()
        .map(|s| {
            let created = moment_text(locale, &s.created_at);
            let label = td_string!(locale, profile.sign_out_session_label, created = created.clone()).to_string();
            let browser = s
                .user_agent
                .clone()
                .unwrap_or_else(|| td_string!(locale, profile.unknown_browser).to_string());
            let current = s.current;
            view! {
                <tr class:current=current>
                    <td>{created}</td>
                    <td>{moment(locale, s.last_seen)}</td>
                    <td class="browser">{browser}
                        {current.then(|| view! { " " <strong class="badge">{t!(i18n, profile.this_session)}</strong> })}
                    </td>
                    <td>
                        <ActionForm action=end>
                            <input type="hidden" name="id" value=s.id.clone()/>
                            <button type="submit" class="link-button" aria-label=label on:click=move |_| ended_current.set(current)>{t!(i18n, profile.sign_out_session)}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="profile-sessions" class="profile-section">
            <h2 id="profile-sessions">{t!(i18n, profile.sessions_heading)}</h2>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <table class="sessions">
                <caption class="visually-hidden">{t!(i18n, profile.sessions_table)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, profile.created)}</th>
                        <th scope="col">{t!(i18n, profile.last_seen)}</th>
                        <th scope="col">{t!(i18n, profile.browser)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, profile.sign_out_session)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
