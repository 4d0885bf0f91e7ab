//! A download that takes a moment to make (the briefing book): a link that works without the
//! script, and with it says what is happening — "Preparing…" while the server typesets, the
//! share received while it arrives, the size when it is saved — or why it failed, in words.

use crate::i18n::*;
use leptos::prelude::*;

/// Where a download stands (only the browser moves it on).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Progress {
    Idle,
    Preparing,
    Receiving(u8),
    Ready(String),
    Failed(String),
}

/// A link to a made-on-demand file at `href`, showing its progress when clicked.
#[component]
pub fn SlowDownload(
    #[prop(into)] href: String,
    #[prop(into)] label: String,
    #[prop(into)] aria_label: String,
    #[prop(into, optional)] test_id: String,
) -> impl IntoView {
    let locale = current_locale();
    let progress = RwSignal::new(Progress::Idle);
    let busy = move || matches!(progress.get(), Progress::Preparing | Progress::Receiving(_));
    let on_click = {
        let href = href.clone();
        move |ev: leptos::ev::MouseEvent| {
            if busy() {
                ev.prevent_default();
                return;
            }
            #[cfg(feature = "hydrate")]
            {
                ev.prevent_default();
                fetch::start(href.clone(), progress, locale);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &href);
        }
    };
    let status = move || match progress.get() {
        Progress::Idle => String::new(),
        Progress::Preparing => td_string!(locale, reviews.book.preparing).to_string(),
        Progress::Receiving(p) => format!("{} {p} %", td_string!(locale, reviews.book.preparing)),
        Progress::Ready(size) => td_string!(locale, reviews.book.ready, size = size).to_string(),
        Progress::Failed(e) => td_string!(locale, reviews.book.failed, error = e).to_string(),
    };
    view! {
        <span class="slow-download">
            <a class="button secondary" href=href download aria-label=aria_label data-testid=test_id
                aria-busy=move || busy().to_string() on:click=on_click>{label}</a>
            <span class="slow-download-status" role="status" aria-live="polite"
                class:error=move || matches!(progress.get(), Progress::Failed(_))>{status}</span>
        </span>
    }
}

/// The browser side: an `XMLHttpRequest` for its progress events, the answer saved through a
/// temporary object URL under the name the server gave.
#[cfg(feature = "hydrate")]
mod fetch {
    use super::Progress;
    use crate::api::ApiError;
    use crate::i18n::*;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// "1.2 MB", "640 kB".
    fn size_text(locale: Locale, bytes: usize) -> String {
        if bytes >= 1_000_000 {
            format!("{} MB", format_number(locale, bytes as f64 / 1e6, 1))
        } else {
            format!(
                "{} kB",
                format_number(locale, (bytes as f64 / 1e3).ceil(), 0)
            )
        }
    }

    /// The file name of a `Content-Disposition: attachment; filename="…"` header.
    fn file_name(disposition: Option<String>) -> String {
        disposition
            .and_then(|d| {
                d.split("filename=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(str::to_string)
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "cairn.pdf".into())
    }

    /// Hands `bytes` to the browser as a download named `name`.
    fn save(bytes: &[u8], name: &str, kind: &str) -> Option<()> {
        let parts = js_sys::Array::new();
        parts.push(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(kind);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let document = web_sys::window()?.document()?;
        let a: web_sys::HtmlElement = document.create_element("a").ok()?.dyn_into().ok()?;
        a.set_attribute("href", &url).ok()?;
        a.set_attribute("download", name).ok()?;
        a.click();
        web_sys::Url::revoke_object_url(&url).ok()
    }

    /// Fetches `href`, reporting to `progress`.
    pub fn start(href: String, progress: RwSignal<Progress>, locale: Locale) {
        progress.set(Progress::Preparing);
        let failed = move |e: String| progress.set(Progress::Failed(e));
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            failed(td_string!(locale, import.file.could_not_start).into());
            return;
        };
        if xhr.open_with_async("GET", &href, true).is_err() {
            failed(td_string!(locale, import.file.could_not_start).into());
            return;
        }
        xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    let share = (100.0 * e.loaded() / e.total()).clamp(0.0, 100.0) as u8;
                    progress.set(Progress::Receiving(share));
                }
            });
        xhr.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
        let x = xhr.clone();
        let on_load = Closure::once_into_js(move || {
            let status = x.status().unwrap_or(0);
            let bytes = x
                .response()
                .ok()
                .map(|b| js_sys::Uint8Array::new(&b).to_vec())
                .unwrap_or_default();
            if status == 200 {
                let kind = x
                    .get_response_header("content-type")
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| "application/pdf".into());
                let name = file_name(x.get_response_header("content-disposition").ok().flatten());
                match save(&bytes, &name, &kind) {
                    Some(()) => progress.set(Progress::Ready(size_text(locale, bytes.len()))),
                    None => failed(td_string!(locale, import.file.could_not_start).into()),
                }
            } else {
                let text = String::from_utf8_lossy(&bytes);
                failed(
                    serde_json::from_str::<ApiError>(&text)
                        .map(|e| e.text(locale))
                        .unwrap_or_else(|_| {
                            td_string!(locale, import.file.failed_status, status).to_string()
                        }),
                );
            }
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let on_error = Closure::once_into_js(move || {
            failed(td_string!(locale, import.file.connection_lost).into());
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        if xhr.send().is_err() {
            failed(td_string!(locale, import.file.could_not_start).into());
        }
    }
}

/// Which files a page offers for a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFiles {
    /// The scorecard page: CSV and Excel.
    Scorecard,
    /// The map page: SVG and PNG.
    Picture,
}

/// The downloads of a map for `span`: the scorecard or the picture, the briefing book, and
/// printing the page (its print stylesheet gives a clean page).
#[component]
pub fn MapExports(
    map: crate::domain::MapId,
    map_name: String,
    span: crate::domain::scoring::Span,
    files: MapFiles,
) -> impl IntoView {
    let locale = current_locale();
    let (first, last) = span.bounds();
    let period = if span.kind() == "month" { first } else { last };
    let query = format!("kind={}&period={period}", span.kind());
    let period_text = span.text(locale);
    let link = |file: &str, text: &'static str, label: String| {
        view! {
            <a class="button secondary" href=format!("/maps/{map}/export/{file}?{query}") download
                aria-label=label>{text}</a>
        }
    };
    let sheets_or_pictures = match files {
        MapFiles::Scorecard => view! {
            {link("scorecard.csv", td_string!(locale, scorecard.export.csv), td_string!(locale, scorecard.export.csv_label, period = &period_text).to_string())}
            {link("scorecard.xlsx", td_string!(locale, scorecard.export.xlsx), td_string!(locale, scorecard.export.xlsx_label, period = &period_text).to_string())}
        }
        .into_any(),
        MapFiles::Picture => view! {
            {link("map.svg", td_string!(locale, map.export.svg), td_string!(locale, map.export.svg_label, period = &period_text).to_string())}
            {link("map.png", td_string!(locale, map.export.png), td_string!(locale, map.export.png_label, period = &period_text).to_string())}
        }
        .into_any(),
    };
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="exports no-print" role="group" aria-label=td_string!(locale, scorecard.export.downloads)>
            {sheets_or_pictures}
            <SlowDownload href=format!("/maps/{map}/export/briefing.pdf?{query}")
                label=td_string!(locale, reviews.book.map_download)
                aria_label=td_string!(locale, reviews.book.map_download_label, map = &map_name, period = &period_text).to_string()
                test_id="map-briefing-book"/>
            <button type="button" class="secondary" on:click=print
                aria-label=td_string!(locale, scorecard.export.print_label)>{td_string!(locale, scorecard.export.print)}</button>
        </div>
    }
}
