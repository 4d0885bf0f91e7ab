//! Presenter mode: the facilitator shows one agenda item at a time, large and full-screen
//! (the Fullscreen API where the browser has it, a fixed overlay either way), steps with the
//! buttons or the arrow keys and captures decisions and actions on the spot. Everyone else on
//! the page follows by default: their page re-reads the review when it changes and opens the
//! same item.

use super::capture::{CaptureAction, CaptureDecision, TakenOn};
use super::item::{facts_memo, CommentaryView, ItemBody};
use super::review::Screen;
use super::{in_browser, reason_chip};
use crate::api::reviews::present_review;
use crate::domain::*;
use crate::i18n::*;
use leptos::prelude::*;

/// Asks the browser to show the page full-screen (it may refuse; the overlay covers the
/// window either way).
fn enter_fullscreen() {
    #[cfg(feature = "hydrate")]
    {
        let doc = document();
        if doc.fullscreen_element().is_none() {
            if let Some(root) = doc.document_element() {
                let _ = root.request_fullscreen();
            }
        }
    }
}

/// Leaves full-screen, if the page is shown so.
fn exit_fullscreen() {
    #[cfg(feature = "hydrate")]
    {
        let doc = document();
        if doc.fullscreen_element().is_some() {
            doc.exit_fullscreen();
        }
    }
}

/// Tells the server which item is presented (`None`: the presentation ended), and keeps the
/// page's copy of the review in step until the server's answer arrives.
fn announce(screen: Screen, step: Option<usize>) {
    let locale = current_locale();
    let id = screen.id();
    let step = step.and_then(|s| u32::try_from(s).ok());
    screen.page.update(|p| p.review.presenting = step);
    leptos::task::spawn_local(async move {
        if let Err(e) = present_review(id, step).await {
            screen.error.set(Some(e.text(locale)));
        }
    });
}

/// Starts presenting on this browser, at the item presented now or the first.
fn start(screen: Screen) {
    let (from, count) = screen.page.with_untracked(|p| {
        (
            p.review.presenting.map_or(0, |s| s as usize),
            p.snapshot.items.len(),
        )
    });
    let from = from.min(count.saturating_sub(1));
    screen.presenting.set(Some(from));
    screen.follow.set(true);
    enter_fullscreen();
    announce(screen, Some(from));
}

/// Shows item `step` (kept within the agenda) to everyone following.
fn go(screen: Screen, step: usize) {
    let count = screen.page.with_untracked(|p| p.snapshot.items.len());
    if count == 0 {
        return;
    }
    let step = step.min(count - 1);
    if screen.presenting.get_untracked() == Some(step) {
        return;
    }
    screen.presenting.set(Some(step));
    announce(screen, Some(step));
}

/// Ends the presentation for everyone.
fn end(screen: Screen) {
    screen.presenting.set(None);
    exit_fullscreen();
    announce(screen, None);
}

/// The item shown on this browser: the one it presents, else the presenter's while it follows.
fn shown(screen: Screen) -> Option<usize> {
    let count = screen.page.with(|p| p.snapshot.items.len());
    let step = screen.presenting.get().or_else(|| {
        if screen.follow.get() {
            screen
                .page
                .with(|p| p.review.presenting.map(|s| s as usize))
        } else {
            None
        }
    })?;
    (count > 0).then(|| step.min(count - 1))
}

/// "Present" for the facilitator, and "Follow the presenter" for everyone else while someone
/// presents.
#[component]
pub fn PresenterToggle(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let may_present = move || {
        screen
            .page
            .with(|p| p.may_edit && !p.snapshot.items.is_empty())
    };
    let someone_presents = move || {
        screen.presenting.get().is_none() && screen.page.with(|p| p.review.presenting.is_some())
    };
    view! {
        {move || may_present().then(|| view! {
            <button type="button" class="primary" on:click=move |_| start(screen)>{td_string!(locale, reviews.present.start)}</button>
        })}
        {move || someone_presents().then(|| view! {
            <label class="check follow-toggle">
                <input type="checkbox" prop:checked=move || screen.follow.get()
                    on:change=move |ev| screen.follow.set(event_target_checked(&ev))/>
                {td_string!(locale, reviews.present.follow)}
            </label>
        })}
    }
}

/// The presenter view, open while this browser presents or follows someone who does.
#[component]
pub fn Presenter(screen: Screen) -> impl IntoView {
    let ready = in_browser();
    let step = Memo::new(move |_| ready.get().then(|| shown(screen)).flatten());
    // A new presentation is followed again, whoever stopped following the last one.
    Effect::new(move |was: Option<bool>| {
        let presented = screen.page.with(|p| p.review.presenting.is_some());
        if was == Some(false) && presented {
            screen.follow.set(true);
        }
        presented
    });
    // Closed from outside (the presenter ended): leave full-screen too.
    Effect::new(move |was: Option<bool>| {
        let open = step.get().is_some();
        if was == Some(true) && !open {
            exit_fullscreen();
        }
        open
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(at) = step.get_untracked() else {
            return;
        };
        if typing(&ev) {
            return;
        }
        let mine = screen.presenting.get_untracked().is_some();
        match ev.key().as_str() {
            "ArrowRight" | "PageDown" if mine => {
                ev.prevent_default();
                go(screen, at + 1);
            }
            "ArrowLeft" | "PageUp" if mine => {
                ev.prevent_default();
                go(screen, at.saturating_sub(1));
            }
            "Escape" if mine => end(screen),
            "Escape" => {
                screen.follow.set(false);
                exit_fullscreen();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    move || step.get().map(|at| view! { <PresenterView screen at/> })
}

/// Whether a key press goes to a text field (the capture forms), not to the presenter.
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// One item, large, with the presenter's controls (or the follower's).
#[component]
fn PresenterView(screen: Screen, at: usize) -> impl IntoView {
    let locale = current_locale();
    let root = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.focus();
        }
    });
    let mine = move || screen.presenting.get().is_some();
    let (id, review_title) = screen.page.with_untracked(|p| {
        (
            p.snapshot.items.get(at).map(|i| i.id),
            p.review.title.clone(),
        )
    });
    let count = move || screen.page.with(|p| p.snapshot.items.len());
    let Some(id) = id else {
        return ().into_any();
    };
    let facts = facts_memo(screen, id);
    let position = move || {
        td_string!(
            locale,
            reviews.present.position,
            step = at + 1,
            count = count()
        )
        .to_string()
    };
    let label = td_string!(locale, reviews.present.label, title = &review_title).to_string();
    view! {
        <section class="presenter" role="dialog" aria-modal="true" aria-label=label tabindex="-1" node_ref=root
            data-step=at.to_string() data-presented-item=id.to_string()>
            <header class="presenter-head">
                <p class="presenter-review">{review_title.clone()}</p>
                <p class="presenter-position" aria-live="polite">{position}</p>
            </header>
            <div class="presenter-main">
                {move || facts.get().map(|f| view! {
                    <div class="presenter-title">
                        <h2>{f.item.title.clone()}</h2>
                        {reason_chip(locale, f.item.reason)}
                        {f.owner.clone().map(|o| view! { <span class="meta">{td_string!(locale, reviews.item.owner, name = &o).to_string()}</span> })}
                    </div>
                })}
                <div class="presenter-columns">
                    <ItemBody facts large=true/>
                    <div class="presenter-side">
                        <CommentaryView facts/>
                        <PresentedOutcomes screen id/>
                    </div>
                </div>
            </div>
            <footer class="presenter-controls">
                {move || if mine() {
                    view! {
                        <button type="button" class="secondary" disabled=at == 0 on:click=move |_| go(screen, at.saturating_sub(1))>{td_string!(locale, reviews.present.previous)}</button>
                        <button type="button" class="primary" disabled=move || { at + 1 >= count() } on:click=move |_| go(screen, at + 1)>{td_string!(locale, reviews.present.next)}</button>
                        <button type="button" class="secondary" on:click=move |_| enter_fullscreen()>{td_string!(locale, reviews.present.fullscreen)}</button>
                        <button type="button" class="danger" on:click=move |_| end(screen)>{td_string!(locale, reviews.present.end)}</button>
                        <span class="meta">{td_string!(locale, reviews.present.keys)}</span>
                    }.into_any()
                } else {
                    view! {
                        <span class="meta">{td_string!(locale, reviews.present.following)}</span>
                        <button type="button" class="secondary" on:click=move |_| enter_fullscreen()>{td_string!(locale, reviews.present.fullscreen)}</button>
                        <button type="button" class="secondary" on:click=move |_| { screen.follow.set(false); exit_fullscreen(); }>{td_string!(locale, reviews.present.stop_following)}</button>
                    }.into_any()
                }}
            </footer>
        </section>
    }
    .into_any()
}

/// The decisions and actions taken on the presented item, and (for the presenter) the forms
/// that capture them on the spot.
#[component]
fn PresentedOutcomes(screen: Screen, id: ReviewItemId) -> impl IntoView {
    let (review_id, people, today) = screen
        .page
        .with_untracked(|p| (p.review.id, p.people.clone(), p.today));
    let decisions = Signal::derive(move || screen.page.with(|p| p.snapshot.decisions.clone()));
    let actions = Signal::derive(move || screen.page.with(|p| p.actions.clone()));
    let mine = move || screen.presenting.get().is_some() && screen.page.with(|p| p.may_edit);
    let people_for_capture = people.clone();
    view! {
        <div class="presenter-outcomes">
            <TakenOn item=Some(id) decisions actions people/>
            {move || mine().then(|| view! {
                <div class="capture-pair">
                    <CaptureDecision review_id item=Some(id) changed=screen.reloader()/>
                    <CaptureAction review_id item=Some(id) people=people_for_capture.clone() today changed=screen.reloader()/>
                </div>
            })}
        </div>
    }
}
