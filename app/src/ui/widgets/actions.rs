//! Server calls made from admin pages (people, API tokens, org units): an action that refreshes
//! its page's list when it succeeds, and the words for why it failed.

use crate::api::ApiError;
use crate::i18n::Locale;
use leptos::prelude::*;
use std::future::Future;

/// An action that calls the server with `call` and, once that succeeds, runs `done` with the
/// answer and bumps `version`, so the page reads its list again.
pub fn changing<I, T, Fut>(
    version: RwSignal<u32>,
    call: impl Fn(I) -> Fut + Send + Sync + 'static,
    done: impl Fn(&T) + Copy + Send + Sync + 'static,
) -> Action<I, Result<T, ApiError>>
where
    I: Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    Action::new(move |input: &I| {
        let answer = call(input.clone());
        async move {
            let result = answer.await;
            if let Ok(value) = &result {
                done(value);
                version.update(|v| *v += 1);
            }
            result
        }
    })
}

/// Why an action's last run failed, if it did, in `locale`.
pub fn failure<I: 'static, T: Clone + Send + Sync + 'static>(
    locale: Locale,
    action: Action<I, Result<T, ApiError>>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.text(locale))
    }
}
