//! `/inbox`: the comments that mention the signed-in person and the replies in threads they
//! wrote in, newest first, unread ones marked; each opens its item with its comments, and reads
//! the line. Only items the person may still see are listed.

use crate::api::comments::{mark_inbox_read, my_inbox, Inbox, InboxItem};
use crate::domain::comment::NotificationKind;
use crate::domain::NotificationId;
use crate::i18n::*;
use crate::ui::widgets::{ErrorPanel, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

crate::ui::widgets::route::lazy_view_route!(
    /// `/inbox`, a lazily loaded route: its code is a wasm chunk of its own.
    InboxRoute => InboxPage
);

/// The inbox page.
#[component]
pub fn InboxPage() -> impl IntoView {
    let locale = current_locale();
    let version = RwSignal::new(0u32);
    let inbox = Resource::new(move || version.get(), |_| my_inbox());
    view! {
        <Title text=td_string!(locale, comments.inbox.title)/>
        <TopBar crumbs=vec![(td_string!(locale, comments.inbox.heading).to_string(), "/inbox".to_string())]/>
        <main class="page inbox-page">
            <div class="page-head">
                <h1>{td_string!(locale, comments.inbox.heading)}</h1>
                <p class="lead">{td_string!(locale, comments.inbox.lead)}</p>
            </div>
            <Transition fallback=move || view! { <p class="loading">{td_string!(locale, comments.inbox.loading)}</p> }>
                {move || Suspend::new(async move {
                    let loaded = inbox.await;
                    crate::ui::mark_hydrated();
                    match loaded {
                        Ok(i) => view! { <InboxView inbox=i version/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The lines, the unread filter and "mark all as read".
#[component]
fn InboxView(inbox: Inbox, version: RwSignal<u32>) -> impl IntoView {
    let locale = current_locale();
    let unread_only = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let items = StoredValue::new(inbox.items);
    let mark = move |ids: Vec<NotificationId>| {
        leptos::task::spawn_local(async move {
            match mark_inbox_read(ids).await {
                Ok(()) => {
                    version.update(|v| *v += 1);
                    crate::ui::widgets::inbox_changed();
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        });
    };
    let unread = inbox.unread;
    view! {
        <div class="inbox-tools">
            <fieldset class="segmented">
                <legend class="visually-hidden">{td_string!(locale, comments.inbox.filter)}</legend>
                <label><input type="radio" name="inbox-filter" checked=true on:change=move |_| unread_only.set(false)/>{td_string!(locale, comments.inbox.all)}</label>
                <label><input type="radio" name="inbox-filter" on:change=move |_| unread_only.set(true)/>
                    {format!("{} ({unread})", td_string!(locale, comments.inbox.unread))}</label>
            </fieldset>
            <button type="button" class="secondary" disabled=unread == 0 on:click=move |_| mark(Vec::new())>
                {td_string!(locale, comments.inbox.mark_all)}
            </button>
        </div>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        {move || {
            let shown: Vec<InboxItem> = items.with_value(|all| {
                all.iter().filter(|i| !unread_only.get() || !i.read).cloned().collect()
            });
            if shown.is_empty() {
                return view! { <p class="card empty">{td_string!(locale, comments.inbox.empty)}</p> }.into_any();
            }
            view! {
                <ul class="inbox-list">
                    {shown.into_iter().map(|item| view! { <Line item mark=Callback::new(mark)/> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// One line: who did what on which item, the words, when; opening it reads it.
#[component]
fn Line(item: InboxItem, mark: Callback<Vec<NotificationId>>) -> impl IntoView {
    let locale = current_locale();
    let author = item
        .author
        .clone()
        .unwrap_or_else(|| td_string!(locale, comments.someone).to_string());
    let what = match item.kind {
        NotificationKind::Mention => td_string!(
            locale,
            comments.inbox.mentioned,
            author = &author,
            item = &item.title
        )
        .to_string(),
        NotificationKind::Reply => td_string!(
            locale,
            comments.inbox.replied,
            author = &author,
            item = &item.title
        )
        .to_string(),
    };
    let id = item.id;
    let read = item.read;
    let excerpt: String = item.comment.body.chars().take(280).collect();
    let when = chrono::DateTime::parse_from_rfc3339(&item.created_at)
        .map(|t| {
            format!(
                "{} {}",
                format_date(locale, t.date_naive()),
                t.format("%H:%M")
            )
        })
        .unwrap_or_default();
    view! {
        <li class="inbox-line card" class:unread=!read data-kind=item.kind.as_str()>
            <div class="inbox-line-head">
                {(!read).then(|| view! { <span class="unread-dot">{td_string!(locale, comments.inbox.new)}</span> })}
                <a href=item.link.clone() on:click=move |_| if !read { mark.run(vec![id]) }>{what}</a>
                <time datetime=item.created_at.clone()>{when}</time>
            </div>
            <blockquote>{excerpt}</blockquote>
            {(!read).then(|| view! {
                <button type="button" class="link-button" on:click=move |_| mark.run(vec![id])>{td_string!(locale, comments.inbox.mark_read)}</button>
            })}
        </li>
    }
}
