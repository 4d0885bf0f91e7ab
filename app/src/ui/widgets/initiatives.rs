//! Initiatives as every screen shows them: status, % complete, spend against budget and the next
//! milestone (the objective detail on the map page and the dashboards' initiatives widget).

use crate::domain::scoring::Status;
use crate::domain::InitiativeStatus;
use leptos::prelude::*;

/// An initiative status as a traffic light, for colour only.
fn initiative_status(s: InitiativeStatus) -> (Status, &'static str) {
    match s {
        InitiativeStatus::NotStarted => (Status::NoData, "Not started"),
        InitiativeStatus::OnTrack => (Status::Green, "On track"),
        InitiativeStatus::AtRisk => (Status::Amber, "At risk"),
        InitiativeStatus::Late => (Status::Red, "Late"),
        InitiativeStatus::Done => (Status::Green, "Done"),
    }
}

/// Money in thousands: "€268.5k".
pub fn money(v: f64) -> String {
    if v.abs() >= 1_000_000.0 {
        format!("€{:.2}m", v / 1_000_000.0)
    } else {
        format!("€{:.1}k", v / 1000.0).replace(".0k", "k")
    }
}

/// One initiative: status, % complete, budget against spend, next milestone.
#[component]
pub fn InitiativeRow(summary: crate::domain::InitiativeSummary) -> impl IntoView {
    let i = &summary.initiative;
    let (light, label) = initiative_status(i.status);
    let pct = i.percent_complete.min(100);
    let spend = (summary.spend_share() * 100.0).round();
    let over = summary.spend_share() > f64::from(pct) / 100.0 + 0.1;
    let next = summary.next_milestone.as_ref().map_or_else(
        || "All done".to_string(),
        |m| format!("{} · due {}", m.name, m.due_date.format("%d %b %Y")),
    );
    view! {
        <tr data-status=light.as_str()>
            <th scope="row">{i.name.clone()}<span class="owner">{summary.owner.clone().unwrap_or_default()}</span></th>
            <td><span class=format!("status-chip status-{}", light.as_str())>{label}</span></td>
            <td>
                <div class="progress" role="progressbar" aria-valuenow=pct aria-valuemin="0" aria-valuemax="100" aria-label=format!("{} complete", i.name)>
                    <div class="progress-bar" style=format!("width: {pct}%")></div>
                </div>
                <span class="num">{format!("{pct} %")}</span>
            </td>
            <td class:over-budget=over>{format!("{} / {} ({spend:.0} %)", money(i.spend), money(i.budget))}</td>
            <td>{next}<span class="muted small">{format!(" ({}/{} done)", summary.milestones_done, summary.milestones_total)}</span></td>
        </tr>
    }
}
