//! Initiatives as every screen shows them: status, % complete, spend against budget and the next
//! milestone (the objective detail on the map page and the dashboards' initiatives widget).

use crate::i18n::*;
use leptos::prelude::*;

/// The currency of a screen that does not pass the organisation's yet (ISO 4217 code).
const FALLBACK_CURRENCY: &str = "EUR";
pub use crate::domain::initiative::status_and_word as initiative_status;

/// Spend against budget in the organisation's `currency`: "€120k / €268.5k (45 %)".
fn spend_text(locale: Locale, spend: f64, budget: f64, share: f64, currency: &str) -> String {
    format!(
        "{} / {} ({} %)",
        format_money(locale, spend, currency),
        format_money(locale, budget, currency),
        format_number(locale, share, 0)
    )
}

/// One initiative: status, % complete, budget against spend (in the organisation's `currency`,
/// an ISO 4217 code), next milestone.
#[component]
pub fn InitiativeRow(
    summary: crate::domain::InitiativeSummary,
    #[prop(optional, into)] currency: Option<String>,
) -> impl IntoView {
    let locale = current_locale();
    let currency = currency.unwrap_or_else(|| FALLBACK_CURRENCY.to_string());
    let i = &summary.initiative;
    let (light, label) = initiative_status(locale, i.status);
    let pct = i.percent_complete.min(100);
    let spend = (summary.spend_share() * 100.0).round();
    let over = summary.spend_share() > f64::from(pct) / 100.0 + 0.1;
    let next = summary.next_milestone.as_ref().map_or_else(
        || td_string!(locale, common.initiatives.all_done).to_string(),
        |m| {
            td_string!(
                locale,
                common.initiatives.next_due,
                name = &m.name,
                date = format_date(locale, m.due_date)
            )
            .to_string()
        },
    );
    view! {
        <tr data-status=light.as_str()>
            <th scope="row">{i.name.clone()}<span class="owner">{summary.owner.clone().unwrap_or_default()}</span></th>
            <td><span class=format!("status-chip status-{}", light.as_str())>{label}</span></td>
            <td>
                <div class="progress" role="progressbar" aria-valuenow=pct aria-valuemin="0" aria-valuemax="100" aria-label=td_string!(locale, common.initiatives.complete, name = &i.name).to_string()>
                    <div class="progress-bar" style=format!("width: {pct}%")></div>
                </div>
                <span class="num">{format!("{} %", format_number(locale, f64::from(pct), 0))}</span>
            </td>
            <td class:over-budget=over>{spend_text(locale, i.spend, i.budget, spend, &currency)}</td>
            <td>{next}<span class="muted small">" "{td_string!(locale, common.initiatives.milestones_done, done = summary.milestones_done, total = summary.milestones_total).to_string()}</span></td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scoring::Status;
    use crate::domain::InitiativeStatus;

    #[test]
    fn spend_is_shown_in_the_organisation_currency_and_the_locale() {
        assert_eq!(
            spend_text(Locale::en, 120_000.0, 268_500.0, 45.0, "EUR"),
            "€120k / €268.5k (45 %)"
        );
        assert_eq!(
            spend_text(Locale::de, 120_000.0, 268_500.0, 45.0, "EUR"),
            "120 Tsd. € / 268,5 Tsd. € (45 %)"
        );
        assert_eq!(
            spend_text(Locale::en, 500.0, 2_000_000.0, 0.0, "USD"),
            "$500 / $2m (0 %)"
        );
    }

    #[test]
    fn initiative_statuses_in_german() {
        assert_eq!(
            initiative_status(Locale::de, InitiativeStatus::AtRisk).1,
            "Gefährdet"
        );
        assert_eq!(
            initiative_status(Locale::de, InitiativeStatus::Late).1,
            "Verspätet"
        );
        assert_eq!(
            initiative_status(Locale::en, InitiativeStatus::OnTrack),
            (Status::Green, "On track")
        );
    }
}
