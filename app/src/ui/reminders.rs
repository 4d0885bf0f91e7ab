//! Reminders: `/units/{id}/reminders`, where a unit's admins set when data owners are reminded
//! (everyone with a role there may read it), and the home page's "E-mail me reminders" switch.

use crate::api::{
    my_reminders, unit_reminders, SaveUnitReminders, SetMyReminders, UnitReminderSettings,
};
use crate::domain::OrgUnitId;
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::Page;
use leptos::prelude::*;

crate::ui::widgets::route::lazy_view_route!(
    /// `/units/:id/reminders`, a lazily loaded route: its code is a wasm chunk of its own.
    UnitRemindersRoute => UnitRemindersPage
);

/// The reminder settings of one unit.
#[component]
pub fn UnitRemindersPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param::<OrgUnitId>("unit");
    let data = load(id, unit_reminders);
    item_page(
        data,
        "…",
        Reload::ShowLoading,
        move |r: UnitReminderSettings| {
            let locale = i18n.get_locale_untracked();
            let unit = r.unit.name.clone();
            let title = td_string!(locale, mail.reminders.title).to_string();
            let crumbs = vec![
                (
                    td_string!(locale, mail.reminders.home).to_string(),
                    "/".to_string(),
                ),
                (
                    td_string!(locale, mail.reminders.link).to_string(),
                    format!("/units/{}/reminders", r.unit.id),
                ),
            ];
            view! {
                <Page title crumbs class="page reminders-page">
                    <h1>{td_string!(locale, mail.reminders.heading, unit = &unit).to_string()}</h1>
                    <p class="lead">{td_string!(locale, mail.reminders.intro)}</p>
                    {(!r.mail_configured).then(|| view! {
                        <p class="notice-line" role="note">{td_string!(locale, mail.not_configured)}</p>
                    })}
                    <SettingsForm reminders=r.clone()/>
                </Page>
            }
            .into_any()
        },
    )
}

/// The three numbers, editable for the unit's admins and read-only for everyone else.
#[component]
fn SettingsForm(reminders: UnitReminderSettings) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let save = ServerAction::<SaveUnitReminders>::new();
    let s = reminders.settings;
    let read_only = !reminders.may_edit;
    let outcome = move || {
        save.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice-ok" role="status">{td_string!(locale, mail.reminders.saved)}</p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.text(locale)}</p> }.into_any(),
        })
    };
    let max = crate::domain::reminders::MAX_REMINDER_DAYS;
    view! {
        <ActionForm action=save attr:aria-label=td_string!(locale, mail.reminders.form) attr:class="reminder-form">
            <input type="hidden" name="unit" value=reminders.unit.id.to_string()/>
            <label for="days-before">{td_string!(locale, mail.reminders.days_before)}</label>
            <input id="days-before" name="days_before" type="number" min="0" max=max required
                value=s.days_before.to_string() disabled=read_only/>
            <label for="days-after">{td_string!(locale, mail.reminders.days_after)}</label>
            <input id="days-after" name="days_after" type="number" min="0" max=max required
                value=s.days_after.to_string() disabled=read_only/>
            <label for="escalate-after">{td_string!(locale, mail.reminders.escalate_after)}</label>
            <input id="escalate-after" name="escalate_after" type="number" min="0" max=max required
                value=s.escalate_after.to_string() disabled=read_only/>
            {if read_only {
                view! { <p class="meta">{td_string!(locale, mail.reminders.read_only)}</p> }.into_any()
            } else {
                view! {
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { td_string!(locale, mail.reminders.saving) } else { td_string!(locale, mail.reminders.save) }}
                    </button>
                }.into_any()
            }}
            {outcome}
        </ActionForm>
    }
}

/// "E-mail me reminders": the signed-in person's switch, a plain form (the home page works
/// without the browser bundle).
#[component]
pub fn ReminderToggle() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let mine = Resource::new(|| (), |_| my_reminders());
    let set = ServerAction::<SetMyReminders>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mine = mine.await.ok()?;
                let error = move || set.value().get().and_then(|r| r.err()).map(|e| e.text(locale));
                Some(view! {
                    <ActionForm action=set attr:class="reminder-toggle" attr:aria-label=td_string!(locale, mail.reminders.opt_in)>
                        <input id="email-reminders" type="checkbox" name="on" value="true" checked=mine.on
                            aria-describedby="email-reminders-hint"/>
                        " "
                        <label for="email-reminders">{td_string!(locale, mail.reminders.opt_in)}</label>
                        " "
                        <span id="email-reminders-hint" class="meta">{td_string!(locale, mail.reminders.opt_hint)}</span>
                        " "
                        <button type="submit" class="secondary">{td_string!(locale, mail.reminders.save)}</button>
                        {(!mine.mail_configured).then(|| view! {
                            <p class="meta">{td_string!(locale, mail.not_configured)}</p>
                        })}
                        <Show when=move || error().is_some()>
                            <p class="form-error" role="alert">{error}</p>
                        </Show>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}
