//! Readiness surveys in the browser, three lazily loaded routes: `/units/:id/surveys` (a unit's
//! surveys and the form that starts one), `/surveys/:id` (one survey: its statements, the people
//! asked with their personal links, and the results: radar, spread, comments, PDF) and
//! `/answer/:token` (the form a personal link opens, without an account).

mod answer;
mod survey;

use crate::api::surveys::{create_survey, unit_surveys, SurveysPage};
use crate::domain::*;
use crate::i18n::*;
use crate::ui::widgets::route::{id_param, item_page, load, Reload};
use crate::ui::widgets::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use leptos_router::{lazy_route, LazyRoute};

pub use answer::AnswerRoute;
pub use survey::SurveyRoute;

/// The route of a unit's surveys.
#[derive(Clone)]
pub struct UnitSurveysRoute {
    data: Resource<Result<SurveysPage, crate::api::ApiError>>,
}

#[lazy_route]
impl LazyRoute for UnitSurveysRoute {
    fn data() -> Self {
        let id = id_param::<OrgUnitId>("org unit");
        Self {
            data: load(id, unit_surveys),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(
            this.data,
            td_string!(current_locale(), survey.loading),
            Reload::KeepPage,
            |page| view! { <UnitSurveys page/> }.into_any(),
        )
    }
}

/// A unit's surveys, latest first, and (for editors) the form that starts one.
#[component]
fn UnitSurveys(page: SurveysPage) -> impl IntoView {
    let locale = current_locale();
    let unit = page.unit.clone();
    let title = td_string!(locale, survey.heading, unit = &unit.name).to_string();
    let crumbs = vec![(unit.name.clone(), "/".to_string())];
    let list = if page.surveys.is_empty() {
        view! { <p class="muted">{td_string!(locale, survey.none)}</p> }.into_any()
    } else {
        view! {
            <ul class="survey-list">
                {page.surveys.iter().map(|s| view! {
                    <li data-survey=s.id.to_string()>
                        <a href=format!("/surveys/{}", s.id)>{s.title.clone()}</a>
                        <span class="meta">{td_string!(locale, survey.answered_of, answered = s.answered, asked = s.asked).to_string()}</span>
                        <span class=if s.closed { "badge" } else { "badge badge-live" }>
                            {if s.closed { td_string!(locale, survey.closed) } else { td_string!(locale, survey.open) }}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=title.clone()/>
        <TopBar crumbs/>
        <main class="page surveys-page">
            <div class="page-head">
                <h1>{title}</h1>
                <p class="lead">{td_string!(locale, survey.lead)}</p>
            </div>
            <section class="card" aria-labelledby="surveys-heading">
                <h2 id="surveys-heading">{td_string!(locale, survey.title)}</h2>
                {list}
            </section>
            {page.may_edit.then(|| view! { <StartSurvey unit=unit.id today=page.today/> })}
        </main>
    }
}

/// The form that starts a survey with the default statements.
#[component]
fn StartSurvey(unit: OrgUnitId, today: chrono::NaiveDate) -> impl IntoView {
    let locale = current_locale();
    let title = RwSignal::new(
        td_string!(
            locale,
            survey.default_title,
            date = format_date(locale, today)
        )
        .to_string(),
    );
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match create_survey(unit, title.get_untracked()).await {
                Ok(id) => navigate(&format!("/surveys/{id}"), Default::default()),
                Err(e) => {
                    error.set(Some(e.text(locale)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="card start-survey" aria-labelledby="start-survey-heading">
            <h2 id="start-survey-heading">{td_string!(locale, survey.new)}</h2>
            <form on:submit=submit>
                <label>{td_string!(locale, survey.new_title)}
                    <input name="title" required maxlength="200" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get()>{td_string!(locale, survey.create)}</button>
            </form>
        </section>
    }
}
