//! `/admin/people`: admins invite colleagues (the single-use link is shown once, with a copy
//! button), search the people they manage, grant, change or revoke roles per org unit (seeing
//! what each person inherits from a unit above, and from where), and deactivate or reactivate
//! accounts. `/invite/<token>` (in [`invite`]) is where an invitee joins.

pub mod invite;

use crate::api::{
    invite_person, people_admin, set_person_active, set_person_role, InvitationLink, ManagedUnit,
    PeoplePage as PeopleData, PersonRow,
};
use crate::domain::people::{self, UserStatus};
use crate::domain::{OrgUnit, OrgUnitId, Role, UserId};
use crate::i18n::*;
use crate::ui::widgets::actions::{changing, failure};
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;

crate::ui::widgets::route::lazy_view_route!(
    /// `/admin/people`, a lazily loaded route: its code is a wasm chunk of its own.
    PeopleRoute => PeoplePage
);

/// The people page: the link of an invitation just made, the invite form, and the list.
#[component]
pub fn PeoplePage() -> impl IntoView {
    // Bumped after every change so the list is read again.
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| people_admin(String::new()));
    let link: RwSignal<Option<InvitationLink>> = RwSignal::new(None);
    let query = RwSignal::new(String::new());
    let open: RwSignal<Option<UserId>> = RwSignal::new(None);
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, people.title)/>
        <TopBar crumbs=vec![(t_string!(i18n, people.heading).to_string(), "/admin/people".to_string())]/>
        <main class="page tokens-page people-page">
            <h1>{t!(i18n, people.heading)}</h1>
            <p class="lead">{t!(i18n, people.lead)}</p>
            {move || link.get().map(|l| view! { <LinkPanel link=l on_done=move || link.set(None)/> })}
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, people.loading)}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await;
                    crate::ui::mark_hydrated();
                    match data {
                        Ok(page) => view! { <PeopleView page link version query open/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The link of an invitation just made: shown once, with a copy button.
#[component]
fn LinkPanel(link: InvitationLink, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let copied = RwSignal::new(false);
    let url = RwSignal::new(link.path.clone());
    // The page's own origin in front of the path, once in the browser.
    #[cfg(feature = "hydrate")]
    {
        if let Ok(origin) = window().location().origin() {
            url.set(format!("{origin}{}", link.path));
        }
    }
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let _ = window()
                .navigator()
                .clipboard()
                .write_text(&url.get_untracked());
            if let Some(input) = document()
                .get_element_by_id("invitation-link")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.select();
            }
        }
        copied.set(true);
    };
    let date = chrono::DateTime::from_timestamp(link.expires_at, 0)
        .map(|t| format_date(locale, t.date_naive()))
        .unwrap_or_default();
    view! {
        <section class="secret-panel" aria-labelledby="link-title">
            <h2 id="link-title">{td_string!(locale, people.link.heading, email = &link.email).to_string()}</h2>
            <p>
                <strong>{if link.mailed {
                    td_string!(locale, people.link.mailed, email = &link.email).to_string()
                } else {
                    td_string!(locale, people.link.once).to_string()
                }}</strong>
                " "{td_string!(locale, people.link.expires, date).to_string()}
            </p>
            <label for="invitation-link">{t!(i18n, people.link.label)}</label>
            <div class="secret-row">
                <input id="invitation-link" type="text" readonly prop:value=move || url.get() spellcheck="false" autocomplete="off"/>
                <button type="button" class="primary" on:click=copy>
                    {move || if copied.get() { td_string!(locale, people.link.copied) } else { td_string!(locale, people.link.copy) }}
                </button>
            </div>
            <button type="button" class="link-button" on:click=move |_| on_done()>{t!(i18n, people.link.done)}</button>
        </section>
    }
}

/// A role's name starting with a capital ("Editor"; German nouns already have one).
fn role_title(locale: Locale, role: Role) -> String {
    let name = role.text(locale);
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The unit names by id.
fn names(units: &[OrgUnit]) -> HashMap<OrgUnitId, String> {
    units.iter().map(|u| (u.id, u.name.clone())).collect()
}

/// The form and the list, once loaded.
#[component]
fn PeopleView(
    page: PeopleData,
    link: RwSignal<Option<InvitationLink>>,
    version: RwSignal<u32>,
    query: RwSignal<String>,
    open: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let PeopleData {
        me,
        people,
        managed,
        units,
    } = page;
    view! {
        <div class="tokens-layout">
            <InviteForm managed=managed.clone() link version/>
            <PeopleList people me managed units version query open/>
        </div>
    }
}

/// Email, optional name, unit and role of a new invitation.
#[component]
fn InviteForm(
    managed: Vec<ManagedUnit>,
    link: RwSignal<Option<InvitationLink>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new(managed.first().map(|m| m.unit.id));
    let role = RwSignal::new(Role::Viewer);
    let invite = changing(
        version,
        |(e, n, u, r): (String, String, OrgUnitId, Role)| invite_person(e, n, u, r),
        move |l: &InvitationLink| link.set(Some(l.clone())),
    );
    let error = failure(locale, invite);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(u) = unit.get() {
            invite.dispatch((email.get(), name.get(), u, role.get()));
        }
    };
    let unit_options = managed
        .into_iter()
        .map(|m| {
            let id = m.unit.id;
            let indent = "\u{2003}".repeat(m.depth);
            view! { <option value=id.to_string() selected=move || unit.get() == Some(id)>{format!("{indent}{}", m.unit.name)}</option> }
        })
        .collect_view();
    let role_options = Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{role_title(locale, r)}</option> })
        .collect_view();
    view! {
        <form class="card token-form invite-form" aria-label=t_string!(i18n, people.invite.label) on:submit=submit>
            <h2>{t!(i18n, people.invite.heading)}</h2>
            <label for="invite-email">{t!(i18n, people.invite.email)}</label>
            <input id="invite-email" type="email" required maxlength="200" autocomplete="off"
                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="invite-name">{t!(i18n, people.invite.name)}</label>
            <input id="invite-name" type="text" maxlength="200" autocomplete="off"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="invite-unit">{t!(i18n, people.invite.unit)}</label>
            <select id="invite-unit" on:change=move |ev| unit.set(event_target_value(&ev).parse().ok())>{unit_options}</select>
            <label for="invite-role">{t!(i18n, people.invite.role)}</label>
            <select id="invite-role" on:change=move |ev| {
                if let Ok(r) = event_target_value(&ev).parse() { role.set(r) }
            }>{role_options}</select>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || invite.pending().get()>
                {move || if invite.pending().get() { td_string!(locale, people.invite.sending) } else { td_string!(locale, people.invite.submit) }}
            </button>
        </form>
    }
}

/// The search box and the people matching it, each with their roles and actions.
#[component]
fn PeopleList(
    people: Vec<PersonRow>,
    me: UserId,
    managed: Vec<ManagedUnit>,
    units: Vec<OrgUnit>,
    version: RwSignal<u32>,
    query: RwSignal<String>,
    open: RwSignal<Option<UserId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let unit_names = names(&units);
    let confirming: RwSignal<Option<UserId>> = RwSignal::new(None);
    let activate = changing(
        version,
        |(u, active): (UserId, bool)| set_person_active(u, active),
        move |_: &()| confirming.set(None),
    );
    let error = failure(locale, activate);
    let managed = StoredValue::new(managed);
    let units = StoredValue::new(units);
    let rows = people
        .into_iter()
        .map(|row| {
            let account = row.account.clone();
            let id = account.id;
            let (name, email) = (account.name.clone(), account.email.clone());
            let shown = move || people::matches_search(&query.get(), &name, &email);
            let roles = if row.grants.is_empty() {
                td_string!(locale, people.list.no_roles).to_string()
            } else {
                row.grants
                    .iter()
                    .map(|(unit, role)| {
                        let unit = unit_names.get(unit).cloned().unwrap_or_default();
                        td_string!(locale, people.list.role_on, role = role_title(locale, *role), unit).to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let n = account.name.clone();
            let status_action = match account.status {
                UserStatus::Deactivated => view! {
                    <button type="button" aria-label=td_string!(locale, people.list.reactivate_named, name = &n).to_string()
                        disabled=move || activate.pending().get()
                        on:click=move |_| { activate.dispatch((id, true)); }>{td_string!(locale, people.list.reactivate)}</button>
                }.into_any(),
                _ if id == me => ().into_any(),
                _ => {
                    let (n1, n2, n3) = (n.clone(), n.clone(), n.clone());
                    view! {
                        <Show when=move || confirming.get() == Some(id)
                            fallback=move || view! {
                                <button type="button" class="danger" aria-label=td_string!(locale, people.list.deactivate_named, name = &n1).to_string()
                                    on:click=move |_| confirming.set(Some(id))>{td_string!(locale, people.list.deactivate)}</button>
                            }>
                            <div class="confirm" role="alertdialog" aria-label=td_string!(locale, people.list.confirm_label, name = &n2).to_string()>
                                <p>{td_string!(locale, people.list.confirm, name = &n3).to_string()}</p>
                                <button type="button" class="danger" disabled=move || activate.pending().get()
                                    on:click=move |_| { activate.dispatch((id, false)); }>{td_string!(locale, people.list.deactivate)}</button>
                                <button type="button" class="link-button" on:click=move |_| confirming.set(None)>{td_string!(locale, people.list.cancel)}</button>
                            </div>
                        </Show>
                    }.into_any()
                }
            };
            let panel_id = format!("roles-{id}");
            let n4 = n.clone();
            let row_for_panel = StoredValue::new(row.clone());
            view! {
                <tbody class="person" style:display=move || if shown() { "" } else { "none" }>
                    <tr class=if account.status == UserStatus::Deactivated { "person-row revoked" } else { "person-row" }>
                        <th scope="row">{account.name.clone()}{(id == me).then(|| format!(" {}", td_string!(locale, people.list.you)))}</th>
                        <td>{account.email.clone()}</td>
                        <td class=format!("person-status {}", account.status.as_str())>{account.status.text(locale)}</td>
                        <td>{roles}</td>
                        <td class="actions">
                            <button type="button" aria-expanded=move || (open.get() == Some(id)).to_string() aria-controls=panel_id.clone()
                                aria-label=td_string!(locale, people.list.roles_named, name = &n4).to_string()
                                on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>
                                {td_string!(locale, people.list.roles_button)}
                            </button>
                            " "{status_action}
                            " "<a href=format!("/admin/audit?person={id}") class="secondary-link"
                                aria-label=td_string!(locale, people.list.history_named, name = &n).to_string()>{td_string!(locale, people.list.history)}</a>
                        </td>
                    </tr>
                    <Show when=move || open.get() == Some(id)>
                        <tr class="role-panel-row">
                            <td colspan="5" id=panel_id.clone()>
                                <RolePanel row=row_for_panel.get_value() managed=managed.get_value() units=units.get_value() version/>
                            </td>
                        </tr>
                    </Show>
                </tbody>
            }
        })
        .collect_view();
    view! {
        <section class="card token-list people-list" aria-labelledby="people-list-title">
            <h2 id="people-list-title">{t!(i18n, people.list.heading)}</h2>
            <label for="people-search">{t!(i18n, people.search.label)}</label>
            <input id="people-search" type="search" maxlength="200" placeholder=t_string!(i18n, people.search.placeholder)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <table class="tokens people" aria-label=t_string!(i18n, people.list.label)>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, people.list.col.name)}</th>
                        <th scope="col">{t!(i18n, people.list.col.email)}</th>
                        <th scope="col">{t!(i18n, people.list.col.status)}</th>
                        <th scope="col">{t!(i18n, people.list.col.roles)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, people.list.col.actions)}</span></th>
                    </tr>
                </thead>
                {rows}
            </table>
        </section>
    }
}

/// One person's roles on every unit the admin manages: the role granted there (to change or
/// revoke) and the role inherited from a unit above, naming that unit.
#[component]
fn RolePanel(
    row: PersonRow,
    managed: Vec<ManagedUnit>,
    units: Vec<OrgUnit>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let parents: HashMap<OrgUnitId, Option<OrgUnitId>> =
        units.iter().map(|u| (u.id, u.parent_id)).collect();
    let unit_names = names(&units);
    let user = row.account.id;
    let person = row.account.name.clone();
    let set = changing(
        version,
        move |(u, r): (OrgUnitId, Option<Role>)| set_person_role(user, u, r),
        |_: &()| {},
    );
    let error = failure(locale, set);
    let lines = managed
        .into_iter()
        .map(|m| {
            let unit = m.unit.id;
            let granted = row.grants.iter().find(|(u, _)| *u == unit).map(|(_, r)| *r);
            let inherited = people::role_from_above(unit, &parents, &row.grants)
                .map(|s| {
                    let from = unit_names.get(&s.unit).cloned().unwrap_or_default();
                    td_string!(locale, people.roles.from, role = role_title(locale, s.role), unit = from).to_string()
                })
                .unwrap_or_else(|| td_string!(locale, people.roles.nothing).to_string());
            let select_id = format!("role-{user}-{unit}");
            let label = td_string!(locale, people.roles.select_label, name = &person, unit = &m.unit.name).to_string();
            let options = Role::ALL
                .into_iter()
                .map(|r| view! { <option value=r.as_str() selected=granted == Some(r)>{role_title(locale, r)}</option> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" style=format!("padding-left: {}rem", 0.55 + m.depth as f32 * 1.25)>
                        <label for=select_id.clone()>{m.unit.name.clone()}</label>
                    </th>
                    <td>
                        <select id=select_id aria-label=label disabled=move || set.pending().get()
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                set.dispatch((unit, value.parse().ok()));
                            }>
                            <option value="" selected=granted.is_none()>{td_string!(locale, people.roles.none)}</option>
                            {options}
                        </select>
                    </td>
                    <td>{inherited}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="role-panel" aria-label=td_string!(locale, people.roles.heading, name = &row.account.name).to_string()>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{error}</p>
            </Show>
            <table class="tokens roles">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, people.roles.col_unit)}</th>
                        <th scope="col">{t!(i18n, people.roles.col_role)}</th>
                        <th scope="col">{t!(i18n, people.roles.col_inherited)}</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </section>
    }
}
