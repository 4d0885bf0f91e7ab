//! `/answer/:token`: the form a personal survey link opens, for someone without an account:
//! each statement with the five points of the scale as radio buttons and an optional comment,
//! grouped by area; sent once. A used, replaced or closed link says so.

use crate::api::surveys::{answer_survey, open_survey_link, SurveyForm};
use crate::domain::survey::{scale_word, Answer, Area, Statement};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The route of a personal link.
#[derive(Clone)]
pub struct AnswerRoute {
    form: Resource<Result<SurveyForm, crate::api::ApiError>>,
    token: Memo<String>,
}

#[lazy_route]
impl LazyRoute for AnswerRoute {
    fn data() -> Self {
        let params = use_params_map();
        let token = Memo::new(move |_| params.with(|p| p.get("token").unwrap_or_default()));
        Self {
            form: Resource::new(move || token.get(), open_survey_link),
            token,
        }
    }

    fn view(this: Self) -> AnyView {
        let (form, token) = (this.form, this.token);
        let locale = current_locale();
        view! {
            <Suspense fallback=move || view! { <p class="loading">{td_string!(locale, survey.form.loading)}</p> }>
                {move || Suspend::new(async move {
                    let form = form.await;
                    crate::ui::mark_hydrated();
                    match form {
                        Ok(SurveyForm::Open { title, unit_name, statements }) => view! {
                            <AnswerForm token=token.get_untracked() title unit_name statements/>
                        }.into_any(),
                        Ok(other) => view! { <LinkState state=other/> }.into_any(),
                        Err(e) => view! { <crate::ui::widgets::ErrorPage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// A link that opens no form: used, unknown or closed.
#[component]
fn LinkState(state: SurveyForm) -> impl IntoView {
    let locale = current_locale();
    let text = match state {
        SurveyForm::Used => td_string!(locale, survey.form.used),
        SurveyForm::Closed => td_string!(locale, survey.form.closed),
        _ => td_string!(locale, survey.form.unknown),
    };
    view! {
        <Title text=td_string!(locale, survey.book.title)/>
        <main class="page answer-page narrow">
            <h1>{td_string!(locale, survey.book.title)}</h1>
            <p class="card">{text}</p>
        </main>
    }
}

#[component]
fn AnswerForm(
    token: String,
    title: String,
    unit_name: String,
    statements: Vec<Statement>,
) -> impl IntoView {
    let locale = current_locale();
    let answers: RwSignal<Vec<Answer>> = RwSignal::new(
        statements
            .iter()
            .map(|s| Answer {
                key: s.key,
                score: 0,
                comment: String::new(),
            })
            .collect(),
    );
    let missing = move || answers.with(|a| a.iter().filter(|x| x.score == 0).count());
    let sent = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if missing() > 0 {
            error.set(Some(
                td_string!(locale, survey.form.missing, count = missing() as u64).to_string(),
            ));
            return;
        }
        let token = token.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match answer_survey(token, answers.get_untracked()).await {
                Ok(()) => sent.set(true),
                Err(e) => error.set(Some(e.text(locale))),
            }
            busy.set(false);
        });
    };
    let set = move |key: u32, f: Box<dyn FnOnce(&mut Answer)>| {
        answers.update(|all| {
            if let Some(a) = all.iter_mut().find(|a| a.key == key) {
                f(a);
            }
        });
    };
    let numbered: Vec<(usize, Statement)> = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i + 1, s))
        .collect();
    let groups: Vec<(Area, Vec<(usize, Statement)>)> = Area::ALL
        .iter()
        .map(|a| {
            (
                *a,
                numbered
                    .iter()
                    .filter(|(_, s)| s.area == *a)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    view! {
        <Title text=title.clone()/>
        <main class="page answer-page narrow">
            <h1>{title.clone()}</h1>
            <Show when=move || !sent.get() fallback=move || view! { <p class="card thanks" role="status">{td_string!(locale, survey.form.thanks)}</p> }>
                <p class="lead">{td_string!(locale, survey.form.intro, unit = &unit_name).to_string()}</p>
                <form on:submit=submit.clone() novalidate>
                    {groups.clone().into_iter().map(|(area, list)| view! {
                        <section class="card answer-area">
                            <h2>{area.text(locale)}</h2>
                            {list.into_iter().map(|(n, s)| {
                                let key = s.key;
                                let name = format!("statement-{key}");
                                view! {
                                    <fieldset class="answer" data-key=key>
                                        <legend>{format!("{n}. {}", s.text)}</legend>
                                        <div class="scale">
                                            {(1u8..=5).map(|score| {
                                                view! {
                                                    <label>
                                                        <input type="radio" name=name.clone() value=score.to_string()
                                                            on:change=move |_| set(key, Box::new(move |a| a.score = score))/>
                                                        <span class="point-number">{score}</span>
                                                        <span class="point-word">{scale_word(locale, score)}</span>
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </div>
                                        <textarea rows="1" maxlength="2000" class="answer-comment"
                                            aria-label=td_string!(locale, survey.form.comment, n = n).to_string()
                                            placeholder=td_string!(locale, survey.form.comment, n = n).to_string()
                                            on:change=move |ev| {
                                                let text = event_target_value(&ev);
                                                set(key, Box::new(move |a| a.comment = text));
                                            }></textarea>
                                    </fieldset>
                                }
                            }).collect_view()}
                        </section>
                    }).collect_view()}
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" disabled=move || busy.get()>{td_string!(locale, survey.form.submit)}</button>
                </form>
            </Show>
        </main>
    }
}
