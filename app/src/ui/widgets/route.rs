//! What the pages of one item (a map, a dashboard, a display link) share: reading the item's id
//! from the address, loading the item, and the loading and error pages around it. Each page says
//! only what it loads and how it shows it.

use super::{ErrorPage, TopBar};
use crate::api::ApiError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;
use std::str::FromStr;

/// The route parameter `name` (`:id`, `:token`) as the address has it now; reactive, so a
/// resource keyed on it reloads when the address changes.
pub fn route_param(
    name: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name)
}

/// The route's `:id` as a `T`, or a not-found error naming `what` ("map", "dashboard") when it
/// does not parse.
pub fn id_param<T: FromStr + Clone + Send + Sync + 'static>(
    what: &'static str,
) -> impl Fn() -> Result<T, ApiError> + Copy + Send + Sync + 'static {
    let id = route_param("id");
    move || {
        id().and_then(|s| s.parse::<T>().ok())
            .ok_or_else(|| ApiError::NotFound(what.into()))
    }
}

/// Loads with `fetch` what `key` names (an id, with a year or a version); when the key itself
/// failed (an id that does not parse) the resource holds that error without asking the server.
pub fn load<K, T, Fut>(
    key: impl Fn() -> Result<K, ApiError> + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, ApiError>>
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    Resource::new(key, move |key| {
        let fetched = key.map(&fetch);
        async move { fetched?.await }
    })
}

/// The page shown while an item loads: the top bar and what is loading.
fn loading_page(text: &'static str) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || view! { <TopBar/><p class="loading">{text}</p> }.into_any()
}

/// What a loaded item shows: `show` of the item, or the error page (answered with the error's
/// status on the server).
fn loaded<T: Clone + Send + Sync + 'static>(
    item: Resource<Result<T, ApiError>>,
    show: impl Fn(T) -> AnyView + Clone + Send + Sync + 'static,
) -> impl Fn() -> Suspend<AnyView> + Send + Sync + 'static {
    move || {
        let show = show.clone();
        Suspend::new(async move {
            let item = item.await;
            crate::ui::mark_hydrated();
            match item {
                Ok(v) => show(v),
                Err(e) => view! { <ErrorPage error=e/> }.into_any(),
            }
        })
    }
}

/// What a page of one item shows while the item reloads (its key changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reload {
    /// The loading page again (another item).
    ShowLoading,
    /// The page as it was, until the new one is ready (another year, a saved change).
    KeepPage,
}

/// A page of one item: the top bar and `loading` until the item is loaded, then `show` of it
/// (or the error page).
pub fn item_page<T: Clone + Send + Sync + 'static>(
    item: Resource<Result<T, ApiError>>,
    loading: &'static str,
    reload: Reload,
    show: impl Fn(T) -> AnyView + Clone + Send + Sync + 'static,
) -> AnyView {
    let (fallback, body) = (loading_page(loading), loaded(item, show));
    match reload {
        Reload::ShowLoading => view! { <Suspense fallback=fallback>{body}</Suspense> }.into_any(),
        Reload::KeepPage => view! { <Transition fallback=fallback>{body}</Transition> }.into_any(),
    }
}

/// Declares `$route`, a lazily loaded route showing what `$view` makes (a page component, or a
/// function loading its data inside its view): the page's code and the decoding of what it
/// shows become its own wasm chunk, fetched when the page is opened, so the bundle every page
/// loads does not carry it. A page whose data should load while its chunk arrives writes its
/// `LazyRoute` by hand.
macro_rules! lazy_view_route {
    ($(#[$doc:meta])* $route:ident => $view:path) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                leptos::prelude::IntoAny::into_any($view())
            }
        }
    };
}
pub(crate) use lazy_view_route;
