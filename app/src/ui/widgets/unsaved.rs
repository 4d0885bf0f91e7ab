//! Asking before unsaved changes are lost: when the tab is closed or reloaded, and when a link
//! away from the page is followed. The data grid and the dashboard editor both ask.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Asks before the tab is closed or reloaded while `unsaved()` holds, for as long as the
/// calling page lives. Does nothing on the server.
pub fn warn_before_unload(unsaved: impl Fn() -> bool + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let warning =
            crate::i18n::td_string!(crate::i18n::current_locale(), common.unsaved.warning);
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if unsaved() {
                ev.prevent_default();
                ev.set_return_value(warning);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = unsaved;
}

/// Asks the browser for a confirmation. On the server (never reached) it says yes.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(question).unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// Stops the click on a link away from the page when there are `unsaved` changes and the user,
/// asked `question`, wants to keep them (the router does not follow a click whose default was
/// prevented).
pub fn keep_unsaved(unsaved: bool, question: &str, ev: &leptos::ev::MouseEvent) {
    if unsaved && !confirm(question) {
        ev.prevent_default();
    }
}
