//! Each download, with the caller's rights checked on the unit of everything it reads: the
//! signed-in user's (the pages' links) or an API token's (REST v1) — the same functions serve
//! both, so both give the same answers.

use super::{BookDrawings, ExportError};
use app::api::initiatives::service as initiatives;
use app::api::reviews::service as reviews;
use app::api::units::service::need;
use app::api::ApiError;
use app::auth::Access;
use app::domain::briefing::{self, BookHeader, BriefingBook};
use app::domain::drawing::{self, ChartSpec};
use app::domain::export::{file_stem, scorecard_table};
use app::domain::initiative::Timeline;
use app::domain::review::{ItemSubject, Snapshot};
use app::domain::{Action, MapDocument, MapId, OrgUnitId, Person, ReviewId, UserId};
use app::i18n::Locale;
use app::store::Store;

/// A file to send: its name, type and bytes.
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The spreadsheet formats of the scorecard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    Csv,
    Xlsx,
}

/// The picture formats of the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    Svg,
    Png,
}

/// The span a download looks at: `kind` ("month", "quarter", "year") and a month it holds
/// (`YYYY-MM`; by default the latest with data), as the scorecard page's query has them.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// month (default), quarter or year.
    pub kind: Option<String>,
    /// A month of the span, `YYYY-MM`; by default the latest month with data.
    pub period: Option<String>,
}

/// The map `id`, if `access` may view its unit.
async fn readable_map(store: &Store, access: &Access, id: MapId) -> Result<MapDocument, ApiError> {
    let doc = store.map_document(id).await?;
    need(store, access, doc.org_unit.id, Action::View).await?;
    Ok(doc)
}

/// The scorecard of `doc` for the span `span` asks for.
async fn scorecard(
    store: &Store,
    doc: MapDocument,
    span: &SpanQuery,
) -> Result<app::domain::ScorecardData, ApiError> {
    app::api::scorecard_of(store, doc, span.kind.as_deref(), span.period.as_deref()).await
}

/// The scorecard of a map for a span, as CSV or XLSX.
pub async fn scorecard_file(
    store: &Store,
    access: &Access,
    id: MapId,
    span: &SpanQuery,
    format: Sheet,
    locale: Locale,
) -> Result<Download, ApiError> {
    let doc = readable_map(store, access, id).await?;
    let card = scorecard(store, doc, span).await?;
    let table = scorecard_table(&card, locale);
    let stem = format!(
        "{}-{}",
        file_stem(&card.doc.map.name),
        file_stem(&card.span.label())
    );
    Ok(match format {
        Sheet::Csv => Download {
            file_name: format!("{stem}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: super::csv_bytes(&table)?,
        },
        Sheet::Xlsx => Download {
            file_name: format!("{stem}.xlsx"),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: super::xlsx_bytes(&table)?,
        },
    })
}

/// The map in status colours for a span, as SVG or PNG.
pub async fn map_picture(
    store: &Store,
    access: &Access,
    id: MapId,
    span: &SpanQuery,
    format: Picture,
    locale: Locale,
) -> Result<Download, ApiError> {
    let doc = readable_map(store, access, id).await?;
    let card = scorecard(store, doc.clone(), span).await?;
    let scores = card.current();
    let svg = drawing::map_svg(
        &doc,
        locale,
        &|o| scores.map_or(app::domain::scoring::Score::NO_DATA, |s| s.objective(o)),
        &|p| scores.map(|s| s.perspective(p)),
    );
    let stem = format!(
        "{}-{}",
        file_stem(&doc.map.name),
        file_stem(&card.span.label())
    );
    Ok(match format {
        Picture::Svg => Download {
            file_name: format!("{stem}.svg"),
            content_type: "image/svg+xml",
            bytes: svg.into_bytes(),
        },
        Picture::Png => Download {
            file_name: format!("{stem}.png"),
            content_type: "image/png",
            bytes: on_blocking_pool(move || super::png_bytes(&svg, 2.0)).await?,
        },
    })
}

/// A unit's timeline now, if `access` may view the unit, with the unit's name.
async fn timeline_now(
    store: &Store,
    access: &Access,
    unit: OrgUnitId,
) -> Result<(String, Timeline), ApiError> {
    let unit = store.org_unit(unit).await?;
    need(store, access, unit.id, Action::View).await?;
    let timeline = initiatives::timeline(store, unit.id, initiatives::today()).await?;
    Ok((unit.name, timeline))
}

/// The drawing of `timeline` (none when it has no initiative).
fn timeline_svg(timeline: &Timeline, locale: Locale) -> Option<String> {
    if timeline.is_empty() {
        return None;
    }
    let title = briefing::BookWords::of(locale).timeline;
    Some(drawing::timeline_svg(&title, timeline, locale))
}

/// A unit's initiative timeline as PNG (404 words it when the unit has no open initiative).
pub async fn timeline_png(
    store: &Store,
    access: &Access,
    unit: OrgUnitId,
    locale: Locale,
) -> Result<Download, ApiError> {
    let (name, timeline) = timeline_now(store, access, unit).await?;
    let svg = timeline_svg(&timeline, locale)
        .ok_or_else(|| ApiError::NotFound("open initiative".into()))?;
    Ok(Download {
        file_name: format!("{}-timeline.png", file_stem(&name)),
        content_type: "image/png",
        bytes: on_blocking_pool(move || super::png_bytes(&svg, 2.0)).await?,
    })
}

/// The charts of a snapshot's measure items (the months of the measure) and arrow items (both
/// objectives' monthly scores), by item number.
fn charts(snap: &Snapshot, locale: Locale) -> Vec<(usize, String)> {
    snap.items
        .iter()
        .enumerate()
        .filter_map(|(n, item)| {
            let m = match item.subject {
                ItemSubject::Measure(m) => m,
                ItemSubject::Link(l) => {
                    let arrow = briefing::arrow_of(snap, l)?;
                    return Some((n + 1, drawing::series_svg(arrow, locale)));
                }
                _ => return None,
            };
            let measure = snap.measures.iter().find(|x| x.id == m)?;
            let detail = snap.details.iter().find(|d| d.item_id == item.id)?;
            let scoring = detail.scoring.as_ref()?;
            if detail.chart.is_empty() {
                return None;
            }
            let spec = ChartSpec {
                title: &measure.name,
                months: &detail.chart,
                scoring,
                decimals: measure.decimals,
                unit: &measure.unit,
            };
            Some((n + 1, drawing::chart_svg(&spec, locale, 520.0, 200.0)))
        })
        .collect()
}

/// The map of `doc` coloured by `snap`'s objective statuses (those it did not know show no
/// data), drawn as it stood when `snap` was taken where the snapshot kept its layout.
fn snapshot_map(doc: MapDocument, snap: &Snapshot, locale: Locale) -> String {
    let doc = match &snap.layout {
        Some(layout) => layout.drawn_on(doc),
        None => doc,
    };
    drawing::map_svg(
        &doc,
        locale,
        &|o| {
            snap.objectives
                .iter()
                .find(|x| x.id == o)
                .map_or(app::domain::scoring::Score::NO_DATA, |x| x.score)
        },
        &|_| None,
    )
}

/// How long a book waits for a free typesetter before the caller is told to try again.
const TYPESET_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// The typesetters of this instance: as many books are set at once as the machine has cores
/// (each takes a core for up to a second or two); more wait their turn. Per instance on
/// purpose: it guards this machine's processors, whatever other instances do.
fn typesetters() -> &'static tokio::sync::Semaphore {
    static TYPESETTERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    TYPESETTERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        tokio::sync::Semaphore::new(cores)
    })
}

/// A turn at `typesetters`, waited for up to `wait`; after that, "try again shortly" (429).
async fn typesetter_turn(
    typesetters: &tokio::sync::Semaphore,
    wait: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
    match tokio::time::timeout(wait, typesetters.acquire()).await {
        Ok(Ok(turn)) => Ok(turn),
        _ => Err(ApiError::TooManyRequests { seconds: 10 }),
    }
}

/// Typesets a book on the blocking pool, when a typesetter is free.
async fn typeset(
    book: BriefingBook,
    drawings: BookDrawings,
    stem: String,
) -> Result<Download, ApiError> {
    let _turn = typesetter_turn(typesetters(), TYPESET_WAIT).await?;
    let bytes = on_blocking_pool(move || super::briefing_pdf(&book, &drawings)).await?;
    Ok(Download {
        file_name: format!("{stem}.pdf"),
        content_type: "application/pdf",
        bytes,
    })
}

fn names(people: &[Person]) -> impl Fn(UserId) -> Option<String> + '_ {
    move |id| people.iter().find(|p| p.id == id).map(|p| p.name.clone())
}

/// The briefing book of a review: its stored record once closed, else the live one.
pub async fn review_book(
    store: &Store,
    access: &Access,
    me: Option<UserId>,
    id: ReviewId,
    locale: Locale,
) -> Result<Download, ApiError> {
    let page = reviews::page(store, access, me, id, locale).await?;
    let doc = store.map_document(page.review.map_id).await?;
    // A closed review's timeline as it stood (older records kept none: the one now).
    let timeline = match &page.snapshot.timeline {
        Some(frozen) => timeline_svg(frozen, locale),
        None => {
            let (_, now) = timeline_now(store, access, page.review.org_unit_id).await?;
            timeline_svg(&now, locale)
        }
    };
    let header = BookHeader {
        title: &page.review.title,
        held_on: Some(page.review.held_on),
        frozen: page.frozen,
        today: page.today,
    };
    let book = briefing::book(
        &page.snapshot,
        &header,
        &names(&page.people),
        timeline.is_some(),
        locale,
    );
    let drawings = BookDrawings {
        map: snapshot_map(doc, &page.snapshot, locale),
        charts: charts(&page.snapshot, locale),
        timeline,
    };
    let stem = format!("{}-{}", file_stem(&page.review.title), page.review.held_on);
    typeset(book, drawings, stem).await
}

/// The briefing book of a map for a span, with the agenda the data asks for.
pub async fn map_book(
    store: &Store,
    access: &Access,
    id: MapId,
    span: &SpanQuery,
    locale: Locale,
) -> Result<Download, ApiError> {
    let doc = readable_map(store, access, id).await?;
    let card = scorecard(store, doc.clone(), span).await?;
    let snap = reviews::map_snapshot(store, &doc.map, card.span, locale).await?;
    let (_, now) = timeline_now(store, access, doc.org_unit.id).await?;
    let timeline = timeline_svg(&now, locale);
    let people = store.people_with_role_on(doc.org_unit.id).await?;
    let header = BookHeader {
        title: &doc.map.name,
        held_on: None,
        frozen: false,
        today: initiatives::today(),
    };
    let book = briefing::book(&snap, &header, &names(&people), timeline.is_some(), locale);
    let stem = format!(
        "{}-{}",
        file_stem(&doc.map.name),
        file_stem(&card.span.label())
    );
    let drawings = BookDrawings {
        map: snapshot_map(doc, &snap, locale),
        charts: charts(&snap, locale),
        timeline,
    };
    typeset(book, drawings, stem).await
}

/// Runs CPU-bound work (rasterising, typesetting) off the async workers.
async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ExportError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)
}

/// A readiness survey's results as a PDF (viewers of its unit), once three people have
/// answered; before that there is nothing to print (404 words it).
pub async fn survey_results(
    store: &Store,
    access: &Access,
    id: app::domain::SurveyId,
    locale: Locale,
) -> Result<Download, ApiError> {
    let page = app::api::surveys::service::page(store, access, id).await?;
    let results = page
        .results
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("survey results".into()))?;
    let radar = app::domain::survey::radar(results, locale);
    let book = app::domain::survey::book(
        &page.survey,
        &page.unit_name,
        results,
        page.asked,
        initiatives::today(),
        locale,
    );
    let _turn = typesetter_turn(typesetters(), TYPESET_WAIT).await?;
    let bytes = on_blocking_pool(move || super::survey_pdf(&book, &radar)).await?;
    Ok(Download {
        file_name: format!("{}.pdf", file_stem(&page.survey.title)),
        content_type: "application/pdf",
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_book_waits_for_a_free_typesetter_then_is_told_to_try_again() {
        let typesetters = tokio::sync::Semaphore::new(1);
        let busy = typesetter_turn(&typesetters, Duration::from_millis(10))
            .await
            .expect("a free typesetter");
        let refused = typesetter_turn(&typesetters, Duration::from_millis(30)).await;
        assert!(matches!(refused, Err(ApiError::TooManyRequests { .. })));
        let waiting = typesetter_turn(&typesetters, Duration::from_secs(5));
        drop(busy);
        assert!(
            waiting.await.is_ok(),
            "the next in line gets the freed turn"
        );
    }
}
