//! The comment threads on one item (objective, measure, initiative, review item): open threads
//! with their replies, resolved ones folded away, a box to start a thread or reply with an
//! @mention autocomplete (people who may see the item, chosen with the arrow keys), and the
//! author's edit and delete. Re-read whenever the page's live connection says comments changed.

use crate::api::comments::{
    add_comment, comments_on, delete_comment, edit_comment, resolve_thread, CommentsView,
};
use crate::domain::comment::{
    mention_query, suggestions, Comment, CommentSubject, Thread, MAX_COMMENT,
};
use crate::domain::{CommentId, Person, UserId};
use crate::i18n::*;
use leptos::prelude::*;

/// The threads on `subject`; read again whenever `changed` moves.
#[component]
pub fn Comments(subject: CommentSubject, #[prop(into)] changed: Signal<u64>) -> impl IntoView {
    let locale = current_locale();
    let view = RwSignal::new(None::<CommentsView>);
    let error = RwSignal::new(None::<String>);
    let reread = RwSignal::new(0u64);
    Effect::new(move |_| {
        changed.track();
        reread.track();
        leptos::task::spawn_local(async move {
            match comments_on(subject).await {
                Ok(v) => {
                    view.set(Some(v));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        });
    });
    let ctx = Ctx {
        view,
        error,
        reread,
        subject,
    };
    let region = move || {
        view.with(|v| {
            v.as_ref().map_or_else(
                || td_string!(locale, comments.heading).to_string(),
                |v| td_string!(locale, comments.region, item = &v.title).to_string(),
            )
        })
    };
    view! {
        <section class="comments" aria-label=region>
            <h3>
                {td_string!(locale, comments.heading)}
                {move || view.with(|v| v.as_ref().map(|v| {
                    let n = v.threads.iter().map(|t| 1 + t.replies.len()).sum::<usize>() as u64;
                    view! { <span class="count">{td_string!(locale, comments.count, count = n).to_string()}</span> }
                }))}
            </h3>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || match view.get() {
                None => view! { <p class="loading">{td_string!(locale, comments.loading)}</p> }.into_any(),
                Some(v) => view! { <ThreadList ctx v/> }.into_any(),
            }}
        </section>
    }
}

/// What every part of the panel needs: the loaded threads, where errors go, how to re-read.
#[derive(Clone, Copy)]
struct Ctx {
    view: RwSignal<Option<CommentsView>>,
    error: RwSignal<Option<String>>,
    reread: RwSignal<u64>,
    subject: CommentSubject,
}

impl Ctx {
    fn people(self) -> Signal<Vec<Person>> {
        let view = self.view;
        Signal::derive(move || {
            view.with(|v| v.as_ref().map(|v| v.people.clone()).unwrap_or_default())
        })
    }

    fn name(self, who: Option<UserId>, locale: Locale) -> String {
        who.and_then(|id| {
            self.view.with_untracked(|v| {
                v.as_ref()
                    .and_then(|v| v.people.iter().find(|p| p.id == id).map(|p| p.name.clone()))
            })
        })
        .unwrap_or_else(|| td_string!(locale, comments.someone).to_string())
    }

    /// Runs a change, then re-reads the threads (the live news comes too, but the writer should
    /// not wait for it).
    fn run<F>(self, locale: Locale, change: F, done: impl Fn() + 'static)
    where
        F: std::future::Future<Output = Result<(), crate::api::ApiError>> + 'static,
    {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match change.await {
                Ok(()) => {
                    done();
                    self.reread.update(|r| *r += 1);
                }
                Err(e) => self.error.set(Some(e.text(locale))),
            }
        });
    }
}

/// The open threads, the box for a new one, and the resolved threads folded.
#[component]
fn ThreadList(ctx: Ctx, v: CommentsView) -> impl IntoView {
    let locale = current_locale();
    let (resolved, open): (Vec<Thread>, Vec<Thread>) =
        v.threads.into_iter().partition(Thread::is_resolved);
    let none = (open.is_empty() && resolved.is_empty())
        .then(|| view! { <p class="empty">{td_string!(locale, comments.none)}</p> });
    let composer = if v.may_comment {
        let subject = ctx.subject;
        let send = Callback::new(move |(body, done): (String, Callback<()>)| {
            ctx.run(
                locale,
                async move { add_comment(subject, None, body).await.map(|_| ()) },
                move || done.run(()),
            );
        });
        view! {
            <Composer people=ctx.people() send label=td_string!(locale, comments.new_label)
                placeholder=td_string!(locale, comments.new_placeholder) button=td_string!(locale, comments.send)/>
        }
        .into_any()
    } else if v.me.is_some() {
        view! { <p class="note">{td_string!(locale, comments.read_only)}</p> }.into_any()
    } else {
        view! { <p class="note">{td_string!(locale, comments.sign_in)}</p> }.into_any()
    };
    let rights = Rights {
        me: v.me,
        may_comment: v.may_comment,
        may_resolve_any: v.may_resolve_any,
    };
    let resolved_count = resolved.len() as u64;
    let folded = (!resolved.is_empty()).then(|| {
        view! {
            <details class="resolved-threads">
                <summary>{td_string!(locale, comments.resolved_heading, count = resolved_count).to_string()}</summary>
                {resolved.into_iter().map(|t| view! { <ThreadView ctx thread=t rights/> }).collect_view()}
            </details>
        }
    });
    view! {
        {none}
        {open.into_iter().map(|t| view! { <ThreadView ctx thread=t rights/> }).collect_view()}
        {composer}
        {folded}
    }
}

/// What the caller may do in the panel.
#[derive(Clone, Copy)]
struct Rights {
    me: Option<UserId>,
    may_comment: bool,
    may_resolve_any: bool,
}

/// One thread: its comments, reply box, and resolve or reopen.
#[component]
fn ThreadView(ctx: Ctx, thread: Thread, rights: Rights) -> impl IntoView {
    let locale = current_locale();
    let replying = RwSignal::new(false);
    let root = thread.root.id;
    let resolved = thread.is_resolved();
    let may_resolve = rights.may_comment
        && (rights.may_resolve_any || (rights.me.is_some() && thread.root.author_id == rights.me));
    let resolve = move |_| {
        ctx.run(
            locale,
            async move { resolve_thread(root, !resolved).await },
            || {},
        )
    };
    let resolved_by = thread.root.resolved_by.map(|who| {
        let name = ctx.name(Some(who), locale);
        view! { <p class="resolved-by">{td_string!(locale, comments.resolved_by, name).to_string()}</p> }
    });
    let send = Callback::new(move |(body, done): (String, Callback<()>)| {
        let subject = ctx.subject;
        ctx.run(
            locale,
            async move { add_comment(subject, Some(root), body).await.map(|_| ()) },
            move || {
                done.run(());
                replying.set(false);
            },
        );
    });
    view! {
        <article class="thread" class:resolved=resolved>
            <CommentView ctx comment=thread.root.clone() rights/>
            {thread.replies.into_iter().map(|c| view! { <CommentView ctx comment=c rights/> }).collect_view()}
            {resolved_by}
            <div class="thread-actions">
                {(rights.may_comment && !resolved).then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || replying.get().to_string()
                        on:click=move |_| replying.update(|r| *r = !*r)>{td_string!(locale, comments.reply)}</button>
                })}
                {may_resolve.then(|| view! {
                    <button type="button" class="link-button" on:click=resolve>
                        {if resolved { td_string!(locale, comments.reopen) } else { td_string!(locale, comments.resolve) }}
                    </button>
                })}
            </div>
            {move || replying.get().then(|| view! {
                <Composer people=ctx.people() send label=td_string!(locale, comments.reply_label)
                    placeholder=td_string!(locale, comments.reply_placeholder) button=td_string!(locale, comments.send_reply) focus=true/>
            })}
        </article>
    }
}

/// One comment: who, when, the words with mentions marked, and the author's edit and delete.
#[component]
fn CommentView(ctx: Ctx, comment: Comment, rights: Rights) -> impl IntoView {
    let locale = current_locale();
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let id = comment.id;
    let mine = rights.may_comment
        && rights
            .me
            .is_some_and(|me| crate::domain::comment::may_change(&comment, me));
    let author = ctx.name(comment.author_id, locale);
    let when = when(locale, &comment.created_at);
    let edited = comment
        .edited_at
        .is_some()
        .then(|| view! { <span class="edited">{format!("({})", td_string!(locale, comments.edited))}</span> });
    let body = comment.body.clone();
    let mentioned: Vec<String> = comment
        .mentions
        .iter()
        .map(|m| ctx.name(Some(*m), locale))
        .collect();
    let save = Callback::new(move |(text, done): (String, Callback<()>)| {
        ctx.run(
            locale,
            async move { edit_comment(id, text).await.map(|_| ()) },
            move || {
                done.run(());
                editing.set(false);
            },
        );
    });
    let delete = move |_| {
        ctx.run(locale, async move { delete_comment(id).await }, move || {
            confirming.set(false)
        })
    };
    if comment.deleted {
        return view! { <div class="comment deleted"><p>{td_string!(locale, comments.deleted)}</p></div> }.into_any();
    }
    let initial = comment.body.clone();
    view! {
        <div class="comment" id=format!("comment-{id}")>
            <p class="comment-head">
                <span class="avatar" aria-hidden="true">{crate::domain::initials(&author)}</span>
                <strong>{author.clone()}</strong>
                <time datetime=comment.created_at.clone()>{when}</time>
                {edited}
            </p>
            {move || if editing.get() {
                view! {
                    <Composer people=ctx.people() send=save label=td_string!(locale, comments.edit_label)
                        placeholder=td_string!(locale, comments.new_placeholder) button=td_string!(locale, comments.save)
                        initial=initial.clone() focus=true cancel=Callback::new(move |_| editing.set(false))/>
                }.into_any()
            } else {
                view! { <p class="comment-body">{marked(&body, &mentioned)}</p> }.into_any()
            }}
            {mine.then(|| view! {
                <div class="comment-actions">
                    <button type="button" class="link-button" on:click=move |_| editing.set(true)>{td_string!(locale, comments.edit)}</button>
                    <button type="button" class="link-button danger" on:click=move |_| confirming.set(true)>{td_string!(locale, comments.delete)}</button>
                </div>
            })}
            {move || confirming.get().then(|| view! {
                <div class="confirm-inline" role="alertdialog" aria-label=td_string!(locale, comments.delete)>
                    <span>{td_string!(locale, comments.delete_confirm)}</span>
                    <button type="button" class="danger" on:click=delete>{td_string!(locale, comments.delete_yes)}</button>
                    <button type="button" on:click=move |_| confirming.set(false)>{td_string!(locale, comments.cancel)}</button>
                </div>
            })}
        </div>
    }
    .into_any()
}

/// The words of a comment with each "@Name" of someone it mentions marked.
fn marked(body: &str, names: &[String]) -> impl IntoView {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut rest = body;
    while let Some((at, name)) = names
        .iter()
        .filter_map(|n| {
            let needle = format!("@{n}");
            rest.to_lowercase()
                .find(&needle.to_lowercase())
                .map(|i| (i, needle.len()))
        })
        .min_by_key(|(i, _)| *i)
    {
        if !rest.is_char_boundary(at) || !rest.is_char_boundary(at + name) {
            break;
        }
        parts.push((rest[..at].to_string(), false));
        parts.push((rest[at..at + name].to_string(), true));
        rest = &rest[at + name..];
    }
    parts.push((rest.to_string(), false));
    parts
        .into_iter()
        .map(|(text, mention)| {
            if mention {
                view! { <mark class="mention">{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

/// A comment's time: its date in the reader's language and the time of day (UTC).
fn when(locale: Locale, at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => format!(
            "{} {}",
            format_date(locale, t.date_naive()),
            t.format("%H:%M")
        ),
        Err(_) => at.to_string(),
    }
}

/// A text box for a comment with the @mention autocomplete: typing "@" and the start of a
/// name lists the people who may see the item; arrows move, Enter or Tab picks, Escape closes.
/// Ctrl+Enter sends. `send` gets the text and a callback that clears the box once stored.
#[component]
fn Composer(
    people: Signal<Vec<Person>>,
    send: Callback<(String, Callback<()>)>,
    label: &'static str,
    placeholder: &'static str,
    button: &'static str,
    #[prop(optional, into)] initial: String,
    #[prop(optional)] focus: bool,
    #[prop(optional)] cancel: Option<Callback<()>>,
) -> impl IntoView {
    let locale = current_locale();
    let text = RwSignal::new(initial);
    let caret = RwSignal::new(None::<usize>);
    let active = RwSignal::new(0usize);
    let busy = RwSignal::new(false);
    let closed = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Textarea>::new();
    let list_id = format!("mentions-{}", CommentId::new());
    let query = Memo::new(move |_| {
        let at = caret.get()?;
        text.with(|t| {
            let before: String = t.chars().take(at).collect();
            mention_query(&before).map(str::to_string)
        })
    });
    let offered = Memo::new(move |_| {
        if closed.get() {
            return Vec::new();
        }
        match query.get() {
            Some(q) => people.with(|p| suggestions(&q, p).into_iter().cloned().collect()),
            None => Vec::new(),
        }
    });
    let open = move || query.with(Option::is_some) && !closed.get();
    let pick = move |person: Person| {
        let Some(at) = caret.get_untracked() else {
            return;
        };
        let (before, after): (String, String) =
            text.with_untracked(|t| (t.chars().take(at).collect(), t.chars().skip(at).collect()));
        let Some(start) = before.rfind('@') else {
            return;
        };
        let inserted = format!("{}@{} ", &before[..start], person.name);
        let new_caret = inserted.chars().count();
        text.set(format!("{inserted}{after}"));
        caret.set(Some(new_caret));
        closed.set(true);
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
            let pos = u32::try_from(new_caret).unwrap_or(u32::MAX);
            let _ = el.set_selection_range(pos, pos);
        }
    };
    let submit = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        send.run((
            body,
            Callback::new(move |_| {
                text.set(String::new());
                busy.set(false);
            }),
        ));
        // A refused comment leaves the text to fix; the button works again shortly.
        set_timeout(move || busy.set(false), std::time::Duration::from_secs(3));
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = offered.with_untracked(Vec::len);
        if open() && n > 0 {
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    active.update(|a| *a = (*a + 1) % n);
                    return;
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    active.update(|a| *a = (*a + n - 1) % n);
                    return;
                }
                "Enter" | "Tab" if !ev.ctrl_key() => {
                    ev.prevent_default();
                    let chosen = offered.with_untracked(|o| o.get(active.get_untracked()).cloned());
                    if let Some(p) = chosen {
                        pick(p);
                    }
                    return;
                }
                "Escape" => {
                    ev.prevent_default();
                    closed.set(true);
                    return;
                }
                _ => {}
            }
        }
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            submit();
        }
    };
    let read_caret = move || {
        if let Some(el) = input.get_untracked() {
            let at = el.selection_start().ok().flatten().unwrap_or(0);
            caret.set(Some(usize::try_from(at).unwrap_or(0)));
        }
    };
    Effect::new(move |_| {
        if focus {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        }
    });
    let length = move || text.with(|t| t.trim().chars().count());
    let too_long = move || length() > MAX_COMMENT;
    let unsendable = move || busy.get() || length() == 0 || too_long();
    let (controls, list_box, option_prefix) = (list_id.clone(), list_id.clone(), list_id.clone());
    let active_id = {
        let list = list_id.clone();
        move || open().then(|| format!("{list}-{}", active.get()))
    };
    view! {
        <form class="comment-composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label class="visually-hidden" for=format!("{list_id}-box")>{label}</label>
            <div class="mention-box">
                <textarea id=format!("{list_id}-box") node_ref=input rows="2" placeholder=placeholder
                    aria-autocomplete="list" aria-controls=controls aria-activedescendant=active_id
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        closed.set(false);
                        active.set(0);
                        read_caret();
                    }
                    on:click=move |_| read_caret()
                    on:keyup=move |ev: leptos::ev::KeyboardEvent| {
                        if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End") { read_caret() }
                    }
                    on:keydown=on_key></textarea>
                <ul id=list_box class="mention-list" role="listbox" aria-label=td_string!(locale, comments.suggestions)
                    hidden=move || !open()>
                    {move || {
                        let list = option_prefix.clone();
                        let offered = offered.get();
                        if offered.is_empty() {
                            return view! { <li class="no-match" role="option" aria-disabled="true">{td_string!(locale, comments.no_match)}</li> }.into_any();
                        }
                        offered.into_iter().enumerate().map(|(i, p)| {
                            let chosen = p.clone();
                            view! {
                                <li id=format!("{list}-{i}") role="option" aria-selected=move || (active.get() == i).to_string()
                                    class:active=move || active.get() == i
                                    on:mousedown=move |ev| { ev.prevent_default(); pick(chosen.clone()); }>
                                    <span class="avatar" aria-hidden="true">{p.initials()}</span>{p.name.clone()}
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            </div>
            {move || too_long().then(|| view! {
                <p class="form-error" role="alert">{td_string!(locale, comments.too_long, max = MAX_COMMENT, len = length()).to_string()}</p>
            })}
            <div class="composer-actions">
                <button type="submit" class="primary" disabled=unsendable>
                    {move || if busy.get() { td_string!(locale, comments.sending) } else { button }}
                </button>
                {cancel.map(|c| view! { <button type="button" on:click=move |_| c.run(())>{td_string!(locale, comments.cancel)}</button> })}
            </div>
        </form>
    }
}
