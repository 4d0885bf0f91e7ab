//! How a live page shows its connection: the map editor, the dashboard page and the meeting-room
//! display each say it in words of their own, in one indicator coloured by the status.

use crate::domain::ops::Peer;
use crate::i18n::*;
use crate::live::ConnStatus;
use leptos::prelude::*;

/// How the indicator is drawn: a coloured pill on the signed-in pages, coloured text in the dark
/// corner of the meeting-room display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Pill,
    Corner,
}

impl Look {
    /// The indicator's CSS classes for `status`.
    fn class(self, status: ConnStatus) -> &'static str {
        match (self, status) {
            (Look::Pill, ConnStatus::Live) => "conn conn-live",
            (Look::Pill, ConnStatus::Offline) => "conn conn-offline",
            (Look::Pill, _) => "conn conn-reconnecting",
            (Look::Corner, ConnStatus::Live) => "display-conn live",
            (Look::Corner, _) => "display-conn down",
        }
    }
}

/// The connection indicator: `text`, coloured for `status`. What a page adds with `attr:` (a
/// role, a test id) goes on the indicator.
#[component]
pub fn ConnectionLabel(
    #[prop(into)] status: Signal<ConnStatus>,
    #[prop(into)] text: Signal<String>,
    look: Look,
) -> impl IntoView {
    view! { <span class=move || look.class(status.get())>{move || text.get()}</span> }
}

/// How a live screen names its connection (the display and the dashboard page alike), in
/// `locale`.
pub fn conn_label(locale: Locale, status: ConnStatus) -> &'static str {
    match status {
        ConnStatus::Live => td_string!(locale, common.connection.live),
        ConnStatus::Reconnecting => td_string!(locale, common.connection.reconnecting),
        ConnStatus::Offline => td_string!(locale, common.connection.offline),
        ConnStatus::Idle | ConnStatus::Connecting => {
            td_string!(locale, common.connection.connecting)
        }
    }
}

/// How the map editor names its connection in `locale`, with the edits not confirmed yet
/// (`pending`): they are being saved while live, and wait while not.
pub fn editor_text(locale: Locale, status: ConnStatus, pending: usize) -> String {
    let waiting =
        || td_string!(locale, common.count.pending_edits, count = pending as u64).to_string();
    match status {
        ConnStatus::Idle | ConnStatus::Connecting => {
            td_string!(locale, common.connection.connecting).to_string()
        }
        ConnStatus::Live if pending > 0 => {
            td_string!(locale, common.connection.editor_saving, count = pending).to_string()
        }
        ConnStatus::Live => td_string!(locale, common.connection.editor_live).to_string(),
        ConnStatus::Reconnecting => td_string!(
            locale,
            common.connection.editor_reconnecting,
            pending = waiting()
        )
        .to_string(),
        ConnStatus::Offline => td_string!(
            locale,
            common.connection.editor_offline,
            pending = waiting()
        )
        .to_string(),
    }
}

/// English, for logs and exports (the map editor's label until it passes its locale to
/// [`editor_text`]).
pub fn editor_label(status: ConnStatus, pending: usize) -> String {
    editor_text(Locale::en, status, pending)
}

/// The clock time of a moment (milliseconds since the epoch), in the screen's time zone: when a
/// live screen's data last arrived.
pub fn clock(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&ms.into());
        format!(
            "{:02}:{:02}:{:02}",
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_counts_the_edits_waiting_for_the_server() {
        assert_eq!(editor_label(ConnStatus::Live, 0), "Live");
        assert_eq!(editor_label(ConnStatus::Live, 2), "Live · saving 2");
        assert_eq!(
            editor_label(ConnStatus::Reconnecting, 1),
            "Reconnecting… 1 pending edit"
        );
        assert_eq!(
            editor_label(ConnStatus::Offline, 3),
            "Offline · 3 pending edits"
        );
        assert_eq!(editor_label(ConnStatus::Idle, 3), "Connecting…");
    }

    #[test]
    fn the_connection_is_named_in_the_page_language() {
        assert_eq!(
            editor_text(Locale::de, ConnStatus::Offline, 1),
            "Offline · 1 ausstehende Änderung"
        );
        assert_eq!(
            editor_text(Locale::de, ConnStatus::Reconnecting, 2),
            "Verbindung wird wiederhergestellt… 2 ausstehende Änderungen"
        );
        assert_eq!(
            conn_label(Locale::de, ConnStatus::Connecting),
            "Verbindung wird hergestellt…"
        );
        assert_eq!(conn_label(Locale::en, ConnStatus::Live), "● Live");
    }

    /// What a page adds with `attr:` lands on the indicator, as the end-to-end tests find it.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_page_attributes_go_on_the_indicator() {
        let owner = Owner::new();
        let html = owner.with(|| {
            let status = RwSignal::new(ConnStatus::Live);
            let text = Signal::derive(move || editor_label(status.get(), 0));
            view! {
                <ConnectionLabel status=status text=text look=Look::Pill
                    attr:role="status" attr:aria-live="polite" attr:data-testid="connection"/>
            }
            .to_html()
        });
        for part in [
            "<span",
            r#"class="conn conn-live""#,
            r#"role="status""#,
            r#"aria-live="polite""#,
            r#"data-testid="connection""#,
            ">Live<",
        ] {
            assert!(html.contains(part), "{part} is not in {html}");
        }
    }

    /// A page rendered for a German request speaks German: the period picker and a status chip.
    #[cfg(feature = "ssr")]
    #[test]
    fn a_german_page_renders_german() {
        use crate::domain::scoring::{Score, Span};
        use crate::ui::widgets::status::{SpanPicker, StatusChip};
        let owner = Owner::new();
        let html = owner.with(|| {
            provide_context(RequestLocale(Locale::de));
            let span = RwSignal::new(Some(Span::Quarter { year: 2026, quarter: 1 }));
            view! {
                <SpanPicker span=span/>
                <StatusChip score=Score::from_value(2.5) label="Umsatz"/>
                <ConnectionLabel status=ConnStatus::Reconnecting text=conn_label(Locale::de, ConnStatus::Reconnecting).to_string() look=Look::Corner/>
            }
            .to_html()
        });
        for part in [
            r#"aria-label="Zeitraum""#,
            ">Quartal<",
            "Q1 2026",
            r#"title="Kritisch""#,
            ">2,50<",
            "Verbindung wird wiederhergestellt…",
        ] {
            assert!(html.contains(part), "{part} is not in {html}");
        }
    }

    #[test]
    fn the_indicator_is_coloured_by_the_status() {
        assert_eq!(Look::Pill.class(ConnStatus::Live), "conn conn-live");
        assert_eq!(Look::Pill.class(ConnStatus::Offline), "conn conn-offline");
        assert_eq!(
            Look::Pill.class(ConnStatus::Connecting),
            "conn conn-reconnecting"
        );
        assert_eq!(Look::Corner.class(ConnStatus::Live), "display-conn live");
        assert_eq!(
            Look::Corner.class(ConnStatus::Reconnecting),
            "display-conn down"
        );
    }
}

/// Who is in a live page's room, as avatars in their colours (named for screen readers).
#[component]
pub fn Roster(peers: RwSignal<Vec<Peer>>, label: &'static str) -> impl IntoView {
    view! {
        <ul class="roster" aria-label=label>
            <For each=move || peers.get() key=|p| (p.peer_id, p.name.clone()) let:peer>
                <li>
                    <span class="avatar peer" style=format!("background:{}", peer.colour) title=peer.name.clone()>
                        <span aria-hidden="true">{peer.initials.clone()}</span>
                        <span class="visually-hidden">{peer.name.clone()}</span>
                    </span>
                </li>
            </For>
        </ul>
    }
}
