//! A list of history entries (who, when, what), shared by the map's History tab and the admin
//! audit page. Each change is translated here, when it is shown.

use crate::domain::history::HistoryEntry;
use crate::i18n::*;
use leptos::prelude::*;

/// "2026-03-31T17:05:12.345Z" → "31 Mar 2026, 17:05 UTC" / "31. März 2026, 17:05 UTC".
pub fn when(locale: Locale, rfc3339: &str) -> String {
    let day = rfc3339
        .get(..10)
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    match (day, rfc3339.get(11..16)) {
        (Some(day), Some(time)) => {
            let date = format_date(locale, day);
            td_string!(locale, history.ui.at, date, time).to_string()
        }
        _ => rfc3339.to_string(),
    }
}

/// The entries as a list, newest first: what changed, then who and when.
#[component]
pub fn HistoryEntries(entries: Vec<HistoryEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if entries.is_empty() {
        return view! { <p class="muted">{t!(i18n, history.ui.empty)}</p> }.into_any();
    }
    let system = td_string!(locale, history.ui.system).to_string();
    view! {
        <ol class="history-list" aria-label=t_string!(i18n, history.ui.label)>
            {entries
                .into_iter()
                .map(|e| {
                    let who = e.who.clone().unwrap_or_else(|| system.clone());
                    view! {
                        <li>
                            <span class="history-what">{e.change.text(locale)}</span>
                            <span class="history-meta">
                                {who}" · "<time datetime=e.at.clone()>{when(locale, &e.at)}</time>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
