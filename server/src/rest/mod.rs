//! The public REST API v1 for programs (an ERP job, a BI tool): list maps and measures, read and
//! batch-upsert actuals, read scores. Authenticated by API tokens (`Authorization: Bearer …`)
//! scoped to org units; every error is JSON `{code, message, details}`. Writes go through the
//! hub's one data path, so scores are recomputed and open maps and dashboards redraw. The OpenAPI
//! document is generated from these handlers and the shared types in `app::api::rest_types`.

mod actuals;
mod alignments;
mod caller;
mod comments;
pub mod docs;
mod error;
mod exports;
mod history;
mod hypotheses;
mod initiatives;
mod maps;
mod measures;
mod params;
mod people;
mod proposals;
mod reviews;
mod scores;
mod strategy;
mod surveys;
mod units;
mod versions;
mod workshop;

pub use caller::{Caller, RateLimiter};
pub use error::{RestError, RestResult, TokenRefusals};

use crate::AppState;
use app::api::rest_types::*;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, patch, post, MethodRouter};
use axum::Router;
use std::sync::Arc;
use utoipa::OpenApi;

/// The largest request body accepted (a full batch of 1,000 rows is far below it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The routes of the REST API v1, docs included. Static `/api/v1/…` routes take precedence over
/// the server functions' `/api/{*fn_name}`; anything else under `/api/v1/` is a JSON 404.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/maps",
            only(get(maps::list_maps).post(units::create_map)),
        )
        .route("/api/v1/maps/{id}", only(patch(units::patch_map)))
        .route(
            "/api/v1/maps/{id}/copy",
            only(post(versions::copy_map)).layer(DefaultBodyLimit::max(16 * 1024)),
        )
        .route(
            "/api/v1/maps/{id}/next-version",
            only(get(versions::next_version_plan).post(versions::next_version)),
        )
        .route(
            "/api/v1/maps/{id}/compare/{other}",
            only(get(versions::compare_versions)),
        )
        .route(
            "/api/v1/units",
            only(get(units::list_units).post(units::create_unit)),
        )
        .route(
            "/api/v1/units/{id}",
            only(get(units::get_unit).patch(units::patch_unit)),
        )
        .route("/api/v1/units/{id}/gaps", only(get(alignments::unit_gaps)))
        .route(
            "/api/v1/units/{id}/initiatives",
            only(get(initiatives::list_initiatives).post(initiatives::create_initiative))
                .layer(DefaultBodyLimit::max(256 * 1024)),
        )
        .route(
            "/api/v1/initiatives/{id}",
            only(get(initiatives::get_initiative).put(initiatives::put_initiative))
                .layer(DefaultBodyLimit::max(256 * 1024)),
        )
        .route(
            "/api/v1/units/{id}/reviews",
            only(get(reviews::list_reviews)),
        )
        .route("/api/v1/reviews/{id}", only(get(reviews::get_review)))
        .route(
            "/api/v1/reviews/{id}/comparison/{earlier}",
            only(get(reviews::compare_reviews)),
        )
        .route(
            "/api/v1/units/{id}/actions",
            only(get(reviews::list_actions)),
        )
        .route(
            "/api/v1/actions/{id}",
            only(patch(reviews::patch_action)).layer(DefaultBodyLimit::max(4 * 1024)),
        )
        .route(
            "/api/v1/maps/{id}/proposals",
            only(get(proposals::list_proposals)),
        )
        .route(
            "/api/v1/maps/{id}/hypotheses",
            only(get(hypotheses::map_hypotheses)),
        )
        .route(
            "/api/v1/units/{id}/surveys",
            only(get(surveys::list_surveys)),
        )
        .route("/api/v1/surveys/{id}", only(get(surveys::get_survey)))
        .route(
            "/api/v1/surveys/{id}/results.pdf",
            only(get(exports::survey_results)),
        )
        .route(
            "/api/v1/maps/{id}/workshop",
            only(get(workshop::get_workshop).post(workshop::post_workshop))
                .layer(DefaultBodyLimit::max(256 * 1024)),
        )
        .route(
            "/api/v1/maps/{id}/strategy",
            only(get(strategy::get_strategy).patch(strategy::patch_strategy))
                .layer(DefaultBodyLimit::max(256 * 1024)),
        )
        .route(
            "/api/v1/objectives/{id}/comments",
            only(get(comments::objective_comments)),
        )
        .route(
            "/api/v1/measures/{id}/comments",
            only(get(comments::measure_comments)),
        )
        .route(
            "/api/v1/initiatives/{id}/comments",
            only(get(comments::initiative_comments)),
        )
        .route(
            "/api/v1/review-items/{id}/comments",
            only(get(comments::review_item_comments)),
        )
        .route(
            "/api/v1/units/{id}/briefing-mail",
            only(get(reviews::get_briefing_mail).put(reviews::put_briefing_mail))
                .layer(DefaultBodyLimit::max(4 * 1024)),
        )
        .route(
            "/api/v1/units/{id}/reminders",
            only(get(units::get_reminders).put(units::put_reminders)),
        )
        .route("/api/v1/maps/{id}/scores", only(get(scores::map_scores)))
        .route(
            "/api/v1/maps/{id}/scorecard.csv",
            only(get(exports::scorecard_csv)),
        )
        .route(
            "/api/v1/maps/{id}/scorecard.xlsx",
            only(get(exports::scorecard_xlsx)),
        )
        .route("/api/v1/maps/{id}/map.svg", only(get(exports::map_svg)))
        .route("/api/v1/maps/{id}/map.png", only(get(exports::map_png)))
        .route(
            "/api/v1/maps/{id}/briefing.pdf",
            only(get(exports::map_book)),
        )
        .route(
            "/api/v1/reviews/{id}/briefing.pdf",
            only(get(exports::review_book)),
        )
        .route(
            "/api/v1/units/{id}/timeline.png",
            only(get(exports::timeline_png)),
        )
        .route(
            "/api/v1/maps/{id}/alignments",
            only(get(alignments::list_alignments).post(alignments::create_alignment))
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route(
            "/api/v1/maps/{id}/alignments/{alignment}",
            only(patch(alignments::patch_alignment).delete(alignments::delete_alignment))
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/api/v1/history", only(get(history::item_history)))
        .route("/api/v1/measures", only(get(measures::list_measures)))
        .route("/api/v1/measures/{id}", only(get(measures::get_measure)))
        .route(
            "/api/v1/measures/{id}/actuals",
            only(get(actuals::measure_actuals)),
        )
        .route(
            "/api/v1/actuals",
            only(post(actuals::post_actuals)).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/api/v1/people", only(get(people::list_people)))
        .route("/api/v1/people/{id}", only(get(people::get_person)))
        .route(
            "/api/v1/people/invitations",
            only(post(people::invite)).layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/docs", get(docs::page))
        .route("/api/v1", get(|| async { Redirect::to("/api/v1/docs") }))
        .route("/api/v1/", get(|| async { Redirect::to("/api/v1/docs") }))
        .route("/api/v1/{*rest}", any(unknown_endpoint))
        .layer(axum::Extension(Arc::new(RateLimiter::new(
            RATE_BURST,
            RATE_PER_SECOND,
        ))))
        .layer(axum::middleware::from_fn(error::with_locale))
}

/// A route answering its one method, and a JSON 405 to any other.
fn only(method: MethodRouter<AppState>) -> MethodRouter<AppState> {
    method.fallback(method_not_allowed)
}

/// The OpenAPI 3 document of the REST API v1.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cairn REST API",
        version = "1",
        description = "Read measures and scores and post actuals from other systems. Authenticate with an API token \
            created by an admin on Cairn's API tokens page: `Authorization: Bearer cairn_…`. A token is scoped to \
            org units (each with every unit below it) and is read-only, read+write, or admin (may also invite people). Every error is JSON \
            `{code, message, details}`. Each token may send 20 requests a second, in bursts of up to 120."
    ),
    paths(
        maps::list_maps,
        scores::map_scores,
        measures::list_measures,
        measures::get_measure,
        actuals::measure_actuals,
        actuals::post_actuals,
        history::item_history,
        people::list_people,
        people::get_person,
        people::invite,
        units::list_units,
        units::get_unit,
        units::create_unit,
        units::patch_unit,
        units::create_map,
        units::patch_map,
        versions::copy_map,
        versions::next_version_plan,
        versions::next_version,
        versions::compare_versions,
        units::get_reminders,
        units::put_reminders,
        reviews::get_briefing_mail,
        reviews::put_briefing_mail,
        alignments::list_alignments,
        alignments::create_alignment,
        alignments::patch_alignment,
        alignments::delete_alignment,
        alignments::unit_gaps,
        proposals::list_proposals,
        hypotheses::map_hypotheses,
        strategy::get_strategy,
        strategy::patch_strategy,
        workshop::get_workshop,
        workshop::post_workshop,
        surveys::list_surveys,
        surveys::get_survey,
        exports::survey_results,
        comments::objective_comments,
        comments::measure_comments,
        comments::initiative_comments,
        comments::review_item_comments,
        initiatives::list_initiatives,
        initiatives::create_initiative,
        initiatives::get_initiative,
        initiatives::put_initiative,
        reviews::list_reviews,
        reviews::get_review,
        reviews::compare_reviews,
        reviews::list_actions,
        reviews::patch_action,
        exports::scorecard_csv,
        exports::scorecard_xlsx,
        exports::map_svg,
        exports::map_png,
        exports::map_book,
        exports::review_book,
        exports::timeline_png
    ),
    components(schemas(ErrorBody, ErrorCode, ErrorDetail)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "maps", description = "Strategy maps and their scores."),
        (name = "measures", description = "Measures (KPIs) and their actuals."),
        (name = "history", description = "Who changed what and when, with the old and the new value."),
        (name = "people", description = "People, their roles on org units, and invitations (admin tokens)."),
        (name = "units", description = "Org units: the tree, created, renamed, moved and archived by their admins."),
        (name = "initiatives", description = "Initiatives: the projects that move objectives, with milestones, budget and spend, a suggested status with its reasons, and flags."),
        (name = "reviews", description = "Strategy reviews: the agenda generated from the data, owners' commentary, decisions, action items tracked until done, and the snapshot a closed review keeps."),
        (name = "comments", description = "Comment threads on objectives, measures, initiatives and review items (read; written in the app)."),
        (name = "exports", description = "Files: the scorecard as CSV or Excel (formula-like text neutralised), the strategy map as SVG or PNG, briefing books as PDF, the initiative timeline as PNG."),
        (name = "cascade", description = "Alignments: unit objectives supporting the parent unit's map, made and removed like edits on the live map; proposals to parent maps."),
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("cairn_<64 hex digits>")
            .description(Some(
                "An API token from Cairn's API tokens page (shown once when created).",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document as JSON, generated once.
pub fn openapi_text() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".into()))
}

async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text()).into_response()
}

async fn unknown_endpoint() -> RestError {
    RestError::new(
        ErrorCode::NotFound,
        "There is no such endpoint; see /api/v1/docs.",
    )
}

async fn method_not_allowed() -> RestError {
    RestError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not take this method; see /api/v1/docs.",
    )
}
