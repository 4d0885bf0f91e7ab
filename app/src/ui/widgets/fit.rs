//! Scales a tile's content down until it fits its box, so a dashboard tile (on the page or on a
//! meeting-room screen of any size) never cuts off what it shows. The content is laid out in a
//! box `1 / scale` times larger and drawn scaled by `scale` (CSS `--fit` on `.widget-fit`).

use leptos::html::Div;
use leptos::prelude::*;

/// The smallest scale a tile's content is drawn at.
pub const MIN_SCALE: f64 = 0.3;

/// Keeps the content of `wrapper` (a `.widget-fit` box holding one tile) scaled to fit, again
/// whenever `changed` says the content may have changed and whenever the window is resized.
pub fn keep_fitted(wrapper: NodeRef<Div>, changed: impl Fn() + 'static) {
    let resized = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::resize, move |_| {
            resized.update(|n| *n = n.wrapping_add(1))
        });
        on_cleanup(move || handle.remove());
    }
    Effect::new(move |_| {
        changed();
        resized.track();
        // After the browser has laid the new content out.
        request_animation_frame(move || {
            if let Some(el) = wrapper.get_untracked() {
                fit(&el);
            }
        });
    });
}

/// Finds the largest scale (down to [`MIN_SCALE`]) at which the tile fits its box.
fn fit(wrapper: &web_sys::HtmlDivElement) {
    let Some(tile) = wrapper.first_element_child() else {
        return;
    };
    let fits_at = |scale: f64| {
        let _ = wrapper.set_attribute("style", &format!("--fit: {scale:.4}"));
        tile.scroll_height() <= tile.client_height() + 1
            && tile.scroll_width() <= tile.client_width() + 1
    };
    if fits_at(1.0) {
        return;
    }
    let (mut lo, mut hi) = (MIN_SCALE, 1.0);
    for _ in 0..8 {
        let mid = (lo + hi) / 2.0;
        if fits_at(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    fits_at(lo);
}
