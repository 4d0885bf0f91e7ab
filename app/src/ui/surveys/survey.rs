//! `/surveys/:id`: one readiness survey. Everyone with a role on the unit sees the results once
//! three people have answered: the radar of the means per area, the statements the team
//! disagrees on most (spread) with the answers per scale point, and the comments; and the PDF.
//! The unit's editors also word the statements (until the first answer), send personal links,
//! renew one, and close the survey.

use crate::api::surveys::{
    close_survey, get_survey, invite_to_survey, renew_survey_link, save_survey, PersonalLink,
    SurveyPage,
};
use crate::domain::survey::{Area, Results, Statement, MIN_ANSWERS};
use crate::domain::*;
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

/// The route of one survey.
#[derive(Clone)]
pub struct SurveyRoute {
    data: Resource<Result<SurveyPage, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for SurveyRoute {
    fn data() -> Self {
        let id = id_param::<SurveyId>("survey");
        Self {
            data: load(id, get_survey),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.data,
            td_string!(current_locale(), survey.survey_loading),
            Reload::KeepPage,
            |page| view! { <SurveyScreen page/> }.into_any(),
        )
    }
}

/// The page's shared signals.
#[derive(Clone, Copy)]
struct Screen {
    page: RwSignal<SurveyPage>,
    error: RwSignal<Option<String>>,
}

impl Screen {
    /// Reads the page again.
    fn refresh(self) {
        let id = self.page.with_untracked(|p| p.survey.id);
        leptos::task::spawn_local(async move {
            if let Ok(page) = get_survey(id).await {
                self.page.set(page);
            }
        });
    }
}

#[component]
fn SurveyScreen(page: SurveyPage) -> impl IntoView {
    let locale = current_locale();
    let unit = page.survey.org_unit_id;
    let crumbs = vec![
        (page.unit_name.clone(), "/".to_string()),
        (
            td_string!(locale, survey.title).to_string(),
            format!("/units/{unit}/surveys"),
        ),
    ];
    let screen = Screen {
        page: RwSignal::new(page),
        error: RwSignal::new(None),
    };
    crate::ui::mark_hydrated();
    let title = move || screen.page.with(|p| p.survey.title.clone());
    // A memo, so the editors' parts are made once, not again with every change of the page.
    let may_edit = Memo::new(move |_| screen.page.with(|p| p.may_edit));
    let has_results = Memo::new(move |_| screen.page.with(|p| p.results.is_some()));
    view! {
        <Title text=title()/>
        <TopBar crumbs/>
        <main class="page survey-page">
            <div class="page-head">
                <h1>{title}</h1>
                <p class="meta">
                    {move || screen.page.with(|p| td_string!(locale, survey.answered_of, answered = p.answered, asked = p.asked).to_string())}
                    " · "
                    {move || if screen.page.with(|p| p.survey.closed_at.is_some()) { td_string!(locale, survey.closed) } else { td_string!(locale, survey.open) }}
                </p>
                <div class="toolbar">
                    {move || has_results.get().then(|| {
                        let (id, name) = screen.page.with_untracked(|p| (p.survey.id, p.survey.title.clone()));
                        view! {
                            <a class="button" href=format!("/surveys/{id}/results.pdf") download
                                aria-label=td_string!(locale, survey.pdf_label, title = &name).to_string()>{td_string!(locale, survey.pdf)}</a>
                        }
                    })}
                    {move || may_edit.get().then(|| view! { <CloseButton screen/> })}
                </div>
            </div>
            {move || screen.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ResultsView screen/>
            {move || may_edit.get().then(|| view! { <RespondentsView screen/> })}
            <StatementsView screen/>
        </main>
    }
}

/// Closes the survey to answers, or opens it again.
#[component]
fn CloseButton(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let closed = move || screen.page.with(|p| p.survey.closed_at.is_some());
    let toggle = move |_| {
        let (id, now) = screen
            .page
            .with_untracked(|p| (p.survey.id, p.survey.closed_at.is_some()));
        leptos::task::spawn_local(async move {
            match close_survey(id, !now).await {
                Ok(page) => screen.page.set(page),
                Err(e) => screen.error.set(Some(e.text(locale))),
            }
        });
    };
    view! {
        <button on:click=toggle>{move || if closed() { td_string!(locale, survey.reopen) } else { td_string!(locale, survey.close) }}</button>
    }
}

/// The results: the radar, the spread table and the comments; or why there are none yet.
#[component]
fn ResultsView(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    view! {
        <section class="card survey-results" aria-labelledby="results-heading">
            <h2 id="results-heading">{td_string!(locale, survey.results)}</h2>
            {move || match screen.page.with(|p| p.results.clone()) {
                Some(r) => results(locale, r).into_any(),
                None => {
                    let answered = screen.page.with(|p| p.answered) as u64;
                    view! { <p class="muted too-few">{td_string!(locale, survey.too_few, count = answered).to_string()}</p> }.into_any()
                }
            }}
        </section>
    }
}

fn results(locale: Locale, r: Results) -> impl IntoView {
    let radar = crate::domain::survey::radar(&r, locale);
    debug_assert!(r.answered >= MIN_ANSWERS);
    let with_comments: Vec<_> = r
        .statements
        .iter()
        .filter(|s| !s.comments.is_empty())
        .cloned()
        .collect();
    view! {
        <div class="survey-figures">
            <figure class="radar" role="img" aria-label=td_string!(locale, survey.radar) inner_html=radar></figure>
            <div class="spread">
                <h3>{td_string!(locale, survey.spread_heading)}</h3>
                <p class="hint">{td_string!(locale, survey.spread_hint)}</p>
                <table class="spread-table">
                    <thead><tr>
                        <th scope="col">{td_string!(locale, survey.statement_column)}</th>
                        <th scope="col">{td_string!(locale, survey.area_column)}</th>
                        <th scope="col" class="num">{td_string!(locale, survey.mean_column)}</th>
                        <th scope="col" class="num">{td_string!(locale, survey.spread_column)}</th>
                        <th scope="col">{td_string!(locale, survey.answers_column)}</th>
                    </tr></thead>
                    <tbody>
                        {r.statements.iter().map(|s| {
                            let total = s.answers.max(1) as f64;
                            let counts = s.counts;
                            let words: Vec<String> = counts.iter().enumerate()
                                .map(|(i, c)| format!("{}: {c}", crate::domain::survey::scale_word(locale, i as u8 + 1)))
                                .collect();
                            view! {
                                <tr data-key=s.key>
                                    <td>{s.text.clone()}</td>
                                    <td>{s.area.text(locale)}</td>
                                    <td class="num">{format_number(locale, s.mean, 1)}</td>
                                    <td class="num spread-value">{format_number(locale, s.spread, 2)}</td>
                                    <td>
                                        <span class="answer-bar" role="img" aria-label=words.join(", ")>
                                            {counts.iter().enumerate().map(|(i, c)| view! {
                                                <span class=format!("point p{}", i + 1) style=format!("width:{:.1}%", *c as f64 / total * 100.0)>
                                                    {(*c > 0).then(|| c.to_string())}
                                                </span>
                                            }).collect_view()}
                                        </span>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
        <h3>{td_string!(locale, survey.comments)}</h3>
        {if with_comments.is_empty() {
            view! { <p class="muted">{td_string!(locale, survey.no_comments)}</p> }.into_any()
        } else {
            view! {
                <ul class="survey-comments">
                    {with_comments.into_iter().map(|s| view! {
                        <li>
                            <p class="sub-label">{s.text.clone()}</p>
                            <ul>{s.comments.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// Who was asked, whether they answered, new links; the form that sends links.
#[component]
fn RespondentsView(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let people = RwSignal::new(String::new());
    let links = RwSignal::new(Vec::<PersonalLink>::new());
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = screen.page.with_untracked(|p| p.survey.id);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match invite_to_survey(id, people.get_untracked()).await {
                Ok(made) => {
                    links.set(made);
                    people.set(String::new());
                    screen.error.set(None);
                    screen.refresh();
                }
                Err(e) => screen.error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    let renew = move |id: RespondentId| {
        leptos::task::spawn_local(async move {
            match renew_survey_link(id).await {
                Ok(link) => links.set(vec![link]),
                Err(e) => screen.error.set(Some(e.text(locale))),
            }
        });
    };
    view! {
        <section class="card survey-respondents" aria-labelledby="respondents-heading">
            <h2 id="respondents-heading">{td_string!(locale, survey.respondents)}</h2>
            <ul class="respondent-list">
                {move || screen.page.with(|p| p.respondents.clone()).into_iter().map(|r| {
                    let id = r.id;
                    let name = r.name.clone();
                    view! {
                        <li data-answered=r.answered.to_string()>
                            <span>{r.name.clone()}</span>" "<span class="meta">{r.email.clone()}</span>" "
                            {if r.answered {
                                view! { <span class="badge badge-live">{td_string!(locale, survey.respondent_answered)}</span> }.into_any()
                            } else {
                                view! {
                                    <span class="badge">{td_string!(locale, survey.respondent_waiting)}</span>
                                    <button class="link-button" on:click=move |_| renew(id)>{td_string!(locale, survey.new_link, name = &name).to_string()}</button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (!links.with(Vec::is_empty)).then(|| view! {
                <div class="personal-links" role="status">
                    <p><strong>{td_string!(locale, survey.links_made, count = links.with(Vec::len) as u64).to_string()}</strong>" "{td_string!(locale, survey.links_once)}</p>
                    <ul>
                        {links.get().into_iter().map(|l| view! {
                            <li>
                                <span>{l.name.clone()}</span>" "
                                <input class="link-field" readonly prop:value=l.url.clone() aria-label=l.name.clone()/>
                                {l.mailed.then(|| view! { <span class="meta">{td_string!(locale, survey.mailed)}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <form on:submit=send class="invite-respondents">
                <label for="respondents-text">{td_string!(locale, survey.respondents)}</label>
                <p class="hint" id="respondents-hint">{td_string!(locale, survey.respondents_hint)}</p>
                <textarea id="respondents-text" rows="4" aria-describedby="respondents-hint"
                    prop:value=move || people.get() on:input=move |ev| people.set(event_target_value(&ev))></textarea>
                <button type="submit" disabled=move || busy.get() || people.with(|t| t.trim().is_empty())>{td_string!(locale, survey.add_respondents)}</button>
            </form>
        </section>
    }
}

/// The statements: editable by the unit's editors until the first answer, read-only after.
#[component]
fn StatementsView(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let editable = Memo::new(move |_| screen.page.with(|p| p.may_edit && !p.locked));
    view! {
        <section class="card survey-statements" aria-labelledby="statements-heading">
            <h2 id="statements-heading">{td_string!(locale, survey.statements)}</h2>
            {move || if editable.get() {
                view! { <StatementEditor screen/> }.into_any()
            } else {
                let (list, locked) = screen.page.with(|p| (p.survey.statements.clone(), p.locked && p.may_edit));
                view! {
                    {locked.then(|| view! { <p class="hint">{td_string!(locale, survey.statements_locked)}</p> })}
                    <ol class="statement-list">
                        {list.into_iter().map(|s| view! {
                            <li><span class="area-chip">{s.area.text(locale)}</span>" "{s.text}</li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// The facilitator's editor of the title and statements.
#[component]
fn StatementEditor(screen: Screen) -> impl IntoView {
    let locale = current_locale();
    let (title, statements) = screen
        .page
        .with_untracked(|p| (p.survey.title.clone(), p.survey.statements.clone()));
    let title = RwSignal::new(title);
    let rows = RwSignal::new(statements);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = screen.page.with_untracked(|p| p.survey.id);
        let (t, list) = (title.get_untracked(), rows.get_untracked());
        leptos::task::spawn_local(async move {
            match save_survey(id, t, list).await {
                Ok(page) => {
                    rows.set(page.survey.statements.clone());
                    screen.page.set(page);
                    screen.error.set(None);
                    saved.set(true);
                }
                Err(e) => screen.error.set(Some(e.text(locale))),
            }
        });
    };
    let add = move |_| {
        rows.update(|r| {
            r.push(Statement {
                key: 0,
                area: Area::StrategyClarity,
                text: String::new(),
            })
        });
        saved.set(false);
    };
    view! {
        <p class="hint">{td_string!(locale, survey.statements_hint)}</p>
        <form on:submit=save class="statement-editor">
            <label>{td_string!(locale, survey.new_title)}
                <input required maxlength="200" prop:value=move || title.get() on:input=move |ev| { title.set(event_target_value(&ev)); saved.set(false); }/>
            </label>
            <ol>
                {move || rows.get().into_iter().enumerate().map(|(i, s)| {
                    let n = i + 1;
                    view! {
                        <li>
                            <select aria-label=td_string!(locale, survey.area_label, n = n).to_string()
                                on:change=move |ev| {
                                    if let Ok(a) = event_target_value(&ev).parse::<Area>() {
                                        rows.update(|r| if let Some(x) = r.get_mut(i) { x.area = a });
                                        saved.set(false);
                                    }
                                }>
                                {Area::ALL.iter().map(|a| view! { <option value=a.as_str() selected=*a == s.area>{a.text(locale)}</option> }).collect_view()}
                            </select>
                            <textarea rows="2" maxlength="300" aria-label=td_string!(locale, survey.statement_label, n = n).to_string()
                                prop:value=s.text.clone()
                                on:change=move |ev| {
                                    let text = event_target_value(&ev);
                                    rows.update(|r| if let Some(x) = r.get_mut(i) { x.text = text });
                                    saved.set(false);
                                }></textarea>
                            <button type="button" class="link-button" aria-label=td_string!(locale, survey.remove, n = n).to_string()
                                on:click=move |_| { rows.update(|r| { if i < r.len() { r.remove(i); } }); saved.set(false); }>"✕"</button>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div class="toolbar">
                <button type="button" on:click=add>{td_string!(locale, survey.add_statement)}</button>
                <button type="submit">{td_string!(locale, survey.save_statements)}</button>
                {move || saved.get().then(|| view! { <span class="meta" role="status">{td_string!(locale, survey.saved)}</span> })}
            </div>
        </form>
    }
}
