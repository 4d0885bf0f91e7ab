//! `/display/{secret}`: the meeting-room screen. Full screen, dark, large type scaled to the
//! viewport; the unit, the period and the last update in the corner; rotation through the link's
//! dashboards with a progress bar; live over a read-only socket, reconnecting by itself; "link
//! revoked" the moment an admin revokes it. An unknown secret gets a 404 page, a revoked one a 410
//! page — never a blank screen. Lazily loaded: other pages do not carry its code.

use crate::api::{open_display, ApiError, Refusal};
use crate::domain::feed::{FeedView, GoneReason};
use crate::i18n::*;
use crate::live;
use crate::live::feed::FeedState;
use crate::ui::dashboard::board::DashboardGrid;
use crate::ui::widgets::connection::{clock, conn_label, ConnectionLabel, Look};
use crate::ui::widgets::route::{lazy_view_route, route_param};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

lazy_view_route!(
    /// The display route. Its data is loaded inside the lazily loaded view, so the decoding of
    /// what a display shows ships in the display's chunk, not in every page's bundle.
    DisplayRoute => display_page
);

/// The display the address's secret opens, or a full-screen message saying why it shows
/// nothing.
fn display_page() -> AnyView {
    let token = route_param("token");
    let token = Signal::derive(move || token().unwrap_or_default());
    let view = Resource::new(move || token.get(), open_display);
    let locale = current_locale();
    view! {
        <Suspense fallback=move || view! { <div class="display-root"><p class="display-wait">{td_string!(locale, display.loading)}</p></div> }>
            {move || Suspend::new(async move {
                let view = view.await;
                crate::ui::mark_hydrated();
                match view {
                    Ok(v) => view! { <DisplayScreen view=v token=token.get_untracked()/> }.into_any(),
                    Err(ApiError::Gone(m)) => {
                        let (title, message) = gone_text(locale, &m);
                        view! { <DisplayGone title=title message=message/> }.into_any()
                    }
                    Err(ApiError::NotFound(_)) => view! {
                        <DisplayGone title=GoneReason::Unknown.title(locale) message=GoneReason::Unknown.text(locale).to_string()/>
                    }.into_any(),
                    Err(e) => view! {
                        // The server may be restarting: try again shortly, never stay blank.
                        <Meta http_equiv="refresh" content="15"/>
                        <DisplayGone title=td_string!(locale, display.unreachable)
                            message=td_string!(locale, display.retrying, error = e.text(locale)).to_string()/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The heading and message for a refusal the server sent as `message` (in English, by which the
/// reason is known), in `locale`; a message of no known reason is shown as it came.
fn gone_text(locale: Locale, refusal: &Refusal) -> (&'static str, String) {
    match refusal {
        Refusal::Display(reason) => (reason.title(locale), reason.text(locale).to_string()),
        other => (GoneReason::Revoked.title(locale), other.text(locale)),
    }
}

/// The same for the reason the board feed sends when it closes (its English message).
fn closed_text(locale: Locale, message: &str) -> (&'static str, String) {
    match GoneReason::of_message(message) {
        Some(reason) => gone_text(locale, &Refusal::Display(reason)),
        None => (GoneReason::Revoked.title(locale), message.to_string()),
    }
}

/// A full-screen message instead of a dashboard.
#[component]
fn DisplayGone(title: &'static str, message: String) -> impl IntoView {
    let locale = current_locale();
    view! {
        <Title text=td_string!(locale, display.title, title).to_string()/>
        <div class="display-root">
            <div class="display-gone" role="alert">
                <h1>{title}</h1>
                <p>{message}</p>
            </div>
        </div>
    }
}

#[component]
fn DisplayScreen(view: FeedView, token: String) -> impl IntoView {
    let locale = current_locale();
    let state = FeedState::new(view);
    let page = RwSignal::new(0usize);
    Effect::new(move |_| live::feed::start(token.clone(), state));
    on_cleanup(live::feed::stop);
    rotate(state, page);
    let count = move || state.board.with(|b| b.dashboards.len());
    let current = Signal::derive(move || {
        let n = count();
        if n == 0 {
            0
        } else {
            page.get() % n
        }
    });
    let span = Signal::derive(move || {
        state.board.with(|b| {
            let kind = b
                .dashboards
                .get(current.get())
                .map(|d| d.span_kind)
                .unwrap_or_default();
            kind.span_of(b.latest_period())
        })
    });
    let board_name = move || {
        state.board.with(|b| {
            b.dashboards
                .get(current.get())
                .map(|d| d.name.clone())
                .unwrap_or_default()
        })
    };
    let status = Signal::derive(move || conn_label(locale, state.status.get()).to_string());
    let updated = move || {
        state.updated.get().map_or_else(
            || td_string!(locale, display.updated_none).to_string(),
            |t| td_string!(locale, display.updated, time = clock(t)).to_string(),
        )
    };
    let title = move || {
        state
            .info
            .with(|i| td_string!(locale, display.title, title = &i.name).to_string())
    };
    view! {
        <Title text=title/>
        <div class="display-root" data-pushes=move || state.pushes.get().to_string() data-cells=move || state.cells.get().to_string()
            data-conn=move || format!("{:?}", state.status.get()).to_lowercase()>
            <header class="display-corner">
                <span class="display-unit">{move || state.board.with(|b| b.unit.name.clone())}</span>
                <span class="display-period" data-testid="display-period">{move || span.get().text(locale)}</span>
                <span class="display-board">
                    {board_name}
                    {move || (count() > 1).then(|| format!(" · {} / {}", current.get() + 1, count()))}
                </span>
                <span class="display-updated" data-testid="last-updated">{updated}</span>
                <ConnectionLabel status=state.status text=status look=Look::Corner
                    attr:role="status" attr:data-testid="display-connection"/>
            </header>
            {move || {
                let n = count();
                let p = page.get();
                let secs = state.info.with(|i| i.rotate_seconds);
                (n > 1).then(|| view! {
                    <div class="rotation-progress" aria-hidden="true">
                        <div class="rotation-bar" data-page=p.to_string() style=format!("animation-duration: {secs}s")></div>
                    </div>
                })
            }}
            <main class="display-main">
                <DashboardGrid board=state.board index=current span=span fill=16.0 / 8.6/>
            </main>
            {move || state.gone.get().map(|m| {
                let (title, message) = closed_text(locale, &m);
                view! {
                    <div class="display-gone overlay" role="alert">
                        <h1>{title}</h1>
                        <p>{message}</p>
                    </div>
                }
            })}
        </div>
    }
}

/// Moves to the next dashboard every `rotate_seconds` when the link shows several.
fn rotate(state: FeedState, page: RwSignal<usize>) {
    Effect::new(move |_| {
        let secs = state.info.with(|i| i.rotate_seconds).max(1);
        let handle = set_interval_with_handle(
            move || {
                let several = state.board.with_untracked(|b| b.dashboards.len() > 1);
                if several && state.gone.get_untracked().is_none() {
                    page.update(|p| *p = p.wrapping_add(1));
                }
            },
            std::time::Duration::from_secs(u64::from(secs)),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_shown_in_the_page_language() {
        let (title, message) = closed_text(Locale::de, GoneReason::Revoked.message());
        assert_eq!(title, "Link widerrufen");
        assert_eq!(message, GoneReason::Revoked.text(Locale::de));
        let (title, message) = closed_text(Locale::en, GoneReason::Withdrawn.message());
        assert_eq!(
            (title, message.as_str()),
            ("Link withdrawn", GoneReason::Withdrawn.message())
        );
        let (_, message) = closed_text(Locale::de, "Something else");
        assert_eq!(message, "Something else");
        let (title, _) = gone_text(Locale::de, &Refusal::Display(GoneReason::Withdrawn));
        assert_eq!(title, GoneReason::Withdrawn.title(Locale::de));
    }
}
