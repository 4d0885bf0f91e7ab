//! Import sessions and the two plain HTTP routes of imports: the upload (a raw POST body, so
//! the browser can report upload progress) and the download of a dry run's problems as CSV.
//! Sessions live in memory: owned by their uploader, dropped after 30 idle minutes, at most
//! three per user, and all of them within a memory budget.

use crate::AppState;
use app::api::{may_upload, start_import, ApiError, ImportSession};
use app::auth;
use app::context::ImportSessions;
use app::domain::{ImportId, MapId, UserId};
use app::files::MAX_FILE_BYTES;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an untouched session is kept.
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// Sessions one user may hold at once (older ones are dropped).
pub const SESSIONS_PER_USER: usize = 3;
/// Memory all sessions together may hold.
pub const MEMORY_BUDGET: usize = 512 * 1024 * 1024;

/// The sessions of this instance.
pub struct ImportStore {
    sessions: Mutex<HashMap<ImportId, Kept>>,
    idle: Duration,
    budget: usize,
}

struct Kept {
    session: Arc<ImportSession>,
    bytes: usize,
    touched: Instant,
}

impl ImportStore {
    /// A store with the standard limits.
    pub fn new() -> ImportStore {
        ImportStore::with_limits(SESSION_IDLE, MEMORY_BUDGET)
    }

    /// A store with other limits (tests).
    pub fn with_limits(idle: Duration, budget: usize) -> ImportStore {
        ImportStore {
            sessions: Mutex::new(HashMap::new()),
            idle,
            budget,
        }
    }

    /// Sessions held now.
    pub fn len(&self) -> usize {
        self.sessions.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ImportStore {
    fn default() -> Self {
        ImportStore::new()
    }
}

impl ImportSessions for ImportStore {
    fn keep(&self, session: ImportSession) -> Result<Arc<ImportSession>, ApiError> {
        let bytes = session.approx_bytes();
        let owner = session.owner;
        let session = Arc::new(session);
        // Entries are inserted and removed whole, so a poisoned lock still holds a sound map.
        let mut all = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        all.retain(|_, k| k.session.is_busy() || now.duration_since(k.touched) < self.idle);
        // The owner's oldest idle sessions go first, then anyone's oldest idle ones.
        let mut mine: Vec<(Instant, ImportId)> = all
            .iter()
            .filter(|(_, k)| k.session.owner == owner && !k.session.is_busy())
            .map(|(id, k)| (k.touched, *id))
            .collect();
        mine.sort();
        while mine.len() >= SESSIONS_PER_USER {
            let (_, id) = mine.remove(0);
            all.remove(&id);
        }
        let mut held: usize = all.values().map(|k| k.bytes).sum();
        while held + bytes > self.budget {
            let oldest = all
                .iter()
                .filter(|(_, k)| !k.session.is_busy())
                .min_by_key(|(_, k)| k.touched)
                .map(|(id, k)| (*id, k.bytes));
            match oldest {
                Some((id, b)) => {
                    all.remove(&id);
                    held -= b;
                }
                None => return Err(ApiError::Conflict(app::api::Refusal::ImportsBusy)),
            }
        }
        all.insert(
            session.id,
            Kept {
                session: session.clone(),
                bytes,
                touched: now,
            },
        );
        Ok(session)
    }

    fn find(&self, id: ImportId, owner: UserId) -> Result<Arc<ImportSession>, ApiError> {
        let mut all = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match all.get_mut(&id) {
            Some(k)
                if k.session.owner == owner
                    && (k.session.is_busy() || now.duration_since(k.touched) < self.idle) =>
            {
                k.touched = now;
                Ok(k.session.clone())
            }
            _ => Err(ApiError::NotFound(app::error::IMPORT_EXPIRED.into())),
        }
    }
}

/// The query of an upload: the map and the file's name.
#[derive(serde::Deserialize)]
pub struct UploadQuery {
    map: String,
    #[serde(default)]
    name: String,
}

fn too_large() -> Response {
    let e = ApiError::BadInput(app::api::Refusal::File(app::files::FileError::TooLarge));
    (StatusCode::PAYLOAD_TOO_LARGE, Json(e)).into_response()
}

/// `POST /imports/upload?map=…&name=…` with the file as the body: reads it into a new session
/// and answers the first dry run (`DryRun`) or an `ApiError` with its status.
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return too_large();
    }
    let user = match auth::user_from_headers(&state.store, &headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return ApiError::Unauthenticated.into_response(),
        Err(e) => return e.into_response(),
    };
    let Ok(map) = query.map.parse::<MapId>() else {
        return ApiError::NotFound("map".into()).into_response();
    };
    let ctx = state.server_context();
    if let Err(e) = may_upload(&ctx, &user, map).await {
        return e.into_response();
    }
    let bytes = match axum::body::to_bytes(body, MAX_FILE_BYTES).await {
        Ok(b) => b.to_vec(),
        Err(_) => return too_large(),
    };
    let name = if query.name.trim().is_empty() {
        "upload".to_string()
    } else {
        query.name.trim().chars().take(200).collect()
    };
    match start_import(&ctx, &user, map, name, bytes).await {
        Ok(check) => Json(check).into_response(),
        Err(refusal) => {
            let (status, e) = refusal.into_parts();
            (status, Json(e)).into_response()
        }
    }
}

/// `GET /imports/{id}/problems.csv`: every problem of the last dry run, as a download.
pub async fn problems_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let user = match auth::user_from_headers(&state.store, &headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return ApiError::Unauthenticated.into_response(),
        Err(e) => return e.into_response(),
    };
    let Ok(id) = id.parse::<ImportId>() else {
        return ApiError::NotFound("import".into()).into_response();
    };
    let session = match state.imports.find(id, user.id) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let locale = auth::request_locale(&state.store, Some(&user), &headers).await;
    match session.problems_csv(locale) {
        Ok(text) => {
            let stem = session
                .file_name
                .rsplit_once('.')
                .map_or(session.file_name.as_str(), |(s, _)| s);
            let safe = app::domain::export::file_stem(stem);
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{safe}-problems.csv\""),
                    ),
                ],
                text,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}
