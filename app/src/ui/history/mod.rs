//! `/admin/audit`: the audit history for admins — every change, sign-in, role grant and API
//! token use in the units they administer, newest first, filtered by person, unit, kind and
//! days, paged, and downloadable as CSV with the same filters. The filters live in the address
//! (`/admin/audit?unit=<id>`, `?person=<id>`), so other pages can link to a unit's or a
//! person's history, and the form works without the browser bundle.

use crate::api::history::{AuditFilter, AUDIT_KINDS};
use crate::api::{audit_log, AuditPage};
use crate::domain::history::{entity_text, HistoryEntry};
use crate::i18n::*;
use crate::ui::widgets::history::when;
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The filters in the page's address (anything malformed is left out).
fn filter_of(get: impl Fn(&str) -> Option<String>) -> AuditFilter {
    AuditFilter {
        person: get("person").and_then(|v| v.parse().ok()),
        unit: get("unit").and_then(|v| v.parse().ok()),
        kind: get("kind").filter(|k| crate::api::history::is_kind(k)),
        from: get("from").and_then(|v| v.parse().ok()),
        to: get("to").and_then(|v| v.parse().ok()),
        page: get("page").and_then(|v| v.parse().ok()).unwrap_or(0),
    }
}

/// The address of the audit page with `filter`.
fn page_address(filter: &AuditFilter, page: usize) -> String {
    let query = filter.query();
    match (query.is_empty(), page) {
        (true, 0) => "/admin/audit".into(),
        (true, p) => format!("/admin/audit?page={p}"),
        (false, 0) => format!("/admin/audit?{query}"),
        (false, p) => format!("/admin/audit?{query}&page={p}"),
    }
}

crate::ui::widgets::route::lazy_view_route!(
    /// `/admin/audit`, a lazily loaded route: its code is a wasm chunk of its own.
    AuditLogRoute => AuditLogPage
);

/// The audit page.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(|q| filter_of(|k| q.get(k))));
    let data = Resource::new(move || filter.get(), audit_log);
    view! {
        <Title text=t_string!(i18n, history.audit.title)/>
        <TopBar crumbs=vec![(t_string!(i18n, history.audit.heading).to_string(), "/admin/audit".to_string())]/>
        <main class="page audit-page">
            <h1>{t!(i18n, history.audit.heading)}</h1>
            <p class="lead">{t!(i18n, history.audit.lead)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, history.audit.loading)}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await;
                    crate::ui::mark_hydrated();
                    match data {
                        Ok(page) => view! { <AuditView page filter=filter.get_untracked()/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The filters, the entries and the paging, once loaded.
#[component]
fn AuditView(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let any = td_string!(locale, history.audit.any).to_string();
    let selected = |on: bool| on.then_some("selected");
    let person_options = page
        .people
        .iter()
        .map(|p| {
            let on = filter.person == Some(p.id);
            view! { <option value=p.id.to_string() selected=selected(on)>{p.name.clone()}</option> }
        })
        .collect_view();
    let unit_options = page
        .units
        .iter()
        .map(|u| {
            let on = filter.unit == Some(u.id);
            let label = format!("{}{}", "\u{a0}\u{a0}".repeat(u.depth), u.name);
            view! { <option value=u.id.to_string() selected=selected(on)>{label}</option> }
        })
        .collect_view();
    let kind_options = AUDIT_KINDS
        .iter()
        .map(|k| {
            let on = filter.kind.as_deref() == Some(*k);
            view! { <option value=*k selected=selected(on)>{entity_text(locale, k)}</option> }
        })
        .collect_view();
    let csv = match filter.query() {
        q if q.is_empty() => "/admin/audit.csv".to_string(),
        q => format!("/admin/audit.csv?{q}"),
    };
    let n = filter.page;
    let newer = (n > 0).then(|| page_address(&filter, n - 1));
    let older = page.history.more.then(|| page_address(&filter, n + 1));
    let page_label = td_string!(locale, history.audit.page, page = n + 1).to_string();
    view! {
        <section class="audit-filters" aria-labelledby="audit-filters">
            <h2 id="audit-filters">{t!(i18n, history.audit.filters)}</h2>
            <form method="get" action="/admin/audit" class="filter-row">
                <label>{t!(i18n, history.audit.person)}
                    <select name="person">
                        <option value="">{any.clone()}</option>
                        {person_options}
                    </select>
                </label>
                <label>{t!(i18n, history.audit.unit)}
                    <select name="unit">
                        <option value="">{any.clone()}</option>
                        {unit_options}
                    </select>
                </label>
                <label>{t!(i18n, history.audit.kind)}
                    <select name="kind">
                        <option value="">{any}</option>
                        {kind_options}
                    </select>
                </label>
                <label>{t!(i18n, history.audit.from)}
                    <input type="date" name="from" value=filter.from.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
                <label>{t!(i18n, history.audit.to)}
                    <input type="date" name="to" value=filter.to.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
                <button type="submit" class="primary">{t!(i18n, history.audit.apply)}</button>
            </form>
            <p><a href=csv download="cairn-audit.csv" rel="external">{t!(i18n, history.audit.csv)}</a></p>
        </section>
        <section class="audit-entries" aria-labelledby="audit-entries">
            <h2 id="audit-entries">{t!(i18n, history.audit.table)}</h2>
            <AuditTable entries=page.history.entries/>
            <nav class="pager" aria-label=page_label>
                {newer.map(|href| view! { <A href=href>{t!(i18n, history.audit.newer)}</A> })}
                <span class="meta">" "{page_label.clone()}" "</span>
                {older.map(|href| view! { <A href=href>{t!(i18n, history.audit.older)}</A> })}
            </nav>
        </section>
    }
}

/// The entries as a table: when, who, kind, what.
#[component]
fn AuditTable(entries: Vec<HistoryEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if entries.is_empty() {
        return view! { <p class="muted">{t!(i18n, history.audit.none)}</p> }.into_any();
    }
    let system = td_string!(locale, history.ui.system).to_string();
    view! {
        <table class="audit-table">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, history.ui.when)}</th>
                    <th scope="col">{t!(i18n, history.ui.who)}</th>
                    <th scope="col">{t!(i18n, history.audit.kind)}</th>
                    <th scope="col">{t!(i18n, history.ui.what)}</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|e| {
                        view! {
                            <tr>
                                <td><time datetime=e.at.clone()>{when(locale, &e.at)}</time></td>
                                <td>{e.who.clone().unwrap_or_else(|| system.clone())}</td>
                                <td>{entity_text(locale, &e.entity)}</td>
                                <td>{e.change.text(locale)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
