//! Importing actuals from a CSV or workbook into a map: the file is uploaded (a plain POST to
//! `/imports/upload`, served by the server crate so the browser can show upload progress), kept
//! in a short-lived session, checked against the map's measures as often as the user changes the
//! mapping (a dry run listing every bad row), then committed — the valid rows, or all or nothing —
//! in one transaction through the one data path, in the background with progress.

use super::ApiError;
#[cfg(feature = "ssr")]
use super::Refusal;
use crate::domain::import::{ColumnRole, Layout, Mapping, NumberFormat, Problem};
use crate::domain::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use session::*;

/// Rows of the file shown in the preview.
pub const PREVIEW_ROWS: usize = 8;
/// Problems sent per page.
pub const PROBLEM_PAGE: usize = 100;

/// The file as read, for the preview table and the mapping selects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: ImportId,
    pub map_id: MapId,
    pub map_name: String,
    pub file_name: String,
    /// "CSV (semicolon-separated)" or "Workbook".
    pub file_kind: String,
    /// The workbook's sheets (empty for CSV) and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// The header's column names.
    pub header: Vec<String>,
    /// The first rows: spreadsheet row number and cells as text.
    pub sample: Vec<(u32, Vec<String>)>,
    /// Data rows in the file.
    pub total_rows: usize,
    pub mapping: Mapping,
}

/// One problem as the page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProblemView {
    pub line: u32,
    pub column: String,
    pub raw: String,
    /// The short kind: "unknown measure", "bad number", …
    pub kind: String,
    pub message: String,
}

impl ProblemView {
    /// A problem as the import screen lists it, in `locale`.
    pub fn of(p: &Problem, locale: crate::i18n::Locale) -> Self {
        ProblemView {
            line: p.line,
            column: p.column_name.clone(),
            raw: p.raw.clone(),
            kind: p.reason.label_text(locale).to_string(),
            message: p.text(locale),
        }
    }
}

/// The dry run: what committing now would do, and why the bad rows would not be imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DryRun {
    pub preview: ImportPreview,
    /// Set when the mapping cannot be used yet (then the counts are zero).
    pub mapping_error: Option<String>,
    pub rows: usize,
    /// Values ready to import.
    pub valid: usize,
    pub bad_rows: usize,
    pub problem_count: usize,
    pub skipped_empty: usize,
    pub measures: usize,
    pub first_period: Option<Period>,
    pub last_period: Option<Period>,
    /// Values such as `1,234` that read differently in the other number format.
    pub ambiguous_numbers: usize,
    pub ambiguous_example: Option<String>,
    /// The first page of problems (more with `import_problems`).
    pub problems: Vec<ProblemView>,
    /// The user may enter data for at least one measure of the map.
    pub may_enter_any: bool,
}

/// What the user changed in the mapping; `None` keeps (or, after a sheet or layout change,
/// guesses again) that part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MappingChange {
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub layout: Option<Layout>,
    #[serde(default)]
    pub columns: Option<Vec<ColumnRole>>,
    #[serde(default)]
    pub numbers: Option<NumberFormat>,
}

/// How to commit: the valid rows (bad ones listed and left out), or everything or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    ValidOnly,
    AllOrNothing,
}

/// A map whose scores an import changed, for the summary's links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapLink {
    pub id: MapId,
    pub name: String,
}

/// What a finished import did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub mode: CommitMode,
    pub written: usize,
    pub measures: usize,
    /// Rows left out because they had problems.
    pub bad_rows: usize,
    pub maps: Vec<MapLink>,
}

/// Where an import's commit stands (the page polls it for the progress bar).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CommitStatus {
    /// Not committed yet.
    Ready,
    /// Writing: `done` of `total` values in the one transaction.
    Running {
        done: usize,
        total: usize,
    },
    Done {
        summary: ImportSummary,
    },
    /// Nothing was written.
    Failed {
        message: String,
    },
}

/// Changes the mapping (or sheet, layout, number format) and runs the dry run again.
#[server(prefix = "/api", endpoint = "import_check", input = Json, output = super::TextJson)]
pub async fn import_check(id: ImportId, change: MappingChange) -> Result<DryRun, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let session = ctx.imports.find(id, user.id)?;
            session.change(&ctx, &user, change).await?;
            session.check(&ctx, &user).await
        }
        .await,
    )
}

/// A page of the problems of the last dry run, from `offset`.
#[server(prefix = "/api", endpoint = "import_problems", output = super::TextJson)]
pub async fn import_problems(id: ImportId, offset: usize) -> Result<Vec<ProblemView>, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let session = ctx.imports.find(id, user.id)?;
            let locale = super::ssr::locale(&ctx, &user).await;
            Ok(session.problems(offset, PROBLEM_PAGE, locale))
        }
        .await,
    )
}

/// Starts committing in the background; all or nothing is refused while any row is bad.
#[server(prefix = "/api", endpoint = "import_commit", input = Json, output = super::TextJson)]
pub async fn import_commit(id: ImportId, mode: CommitMode) -> Result<CommitStatus, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            let session = ctx.imports.find(id, user.id)?;
            session.commit(ctx, user, mode).await
        }
        .await,
    )
}

/// Where the commit stands.
#[server(prefix = "/api", endpoint = "import_status", output = super::TextJson)]
pub async fn import_status(id: ImportId) -> Result<CommitStatus, ApiError> {
    super::ssr::reply(
        async move {
            let (ctx, user) = super::ssr::require_user().await?;
            Ok(ctx.imports.find(id, user.id)?.status())
        }
        .await,
    )
}

/// The server side: the session kept between requests, and the steps run on it.
#[cfg(feature = "ssr")]
mod session {
    use super::*;
    use crate::context::ServerContext;
    use crate::domain::csv_safe::neutralise;
    use crate::domain::import::{self, CatalogueMeasure, ImportPlan, Table};
    use crate::files::{self, FileKind, ReadFile};
    use std::sync::{Arc, Mutex};

    /// An uploaded file being imported: its table, the current mapping, the last dry run and
    /// the commit's status. Owned by the user who uploaded it.
    pub struct ImportSession {
        pub id: ImportId,
        pub owner: UserId,
        pub map_id: MapId,
        pub file_name: String,
        kind: FileKind,
        /// The workbook's bytes, kept to read another sheet (empty for CSV).
        workbook: Vec<u8>,
        sheets: Vec<String>,
        state: Mutex<State>,
    }

    struct State {
        sheet: Option<String>,
        table: Arc<Table>,
        mapping: Mapping,
        plan: Option<Arc<ImportPlan>>,
        status: CommitStatus,
    }

    fn poisoned() -> ApiError {
        ApiError::internal("an import session's lock was poisoned")
    }

    fn bad_file(e: files::FileError) -> ApiError {
        ApiError::BadInput(Refusal::File(e))
    }

    /// Why an upload was refused: the file itself, with its own status (413 past a limit, 400
    /// when malformed), or anything else.
    #[derive(Debug)]
    pub enum UploadRefusal {
        File(files::FileError),
        Api(ApiError),
    }

    impl From<ApiError> for UploadRefusal {
        fn from(e: ApiError) -> Self {
            UploadRefusal::Api(e)
        }
    }

    impl UploadRefusal {
        /// The status and the error the upload route answers with.
        pub fn into_parts(self) -> (http::StatusCode, ApiError) {
            match self {
                UploadRefusal::File(e) => (e.status(), bad_file(e)),
                UploadRefusal::Api(e) => (e.status(), e),
            }
        }
    }

    /// Reads a file off the async workers, within [`files::MAX_READ_TIME`]: the deadline is
    /// checked while reading, so a file that takes too long stops its own thread.
    async fn read_blocking(
        bytes: Vec<u8>,
        name: String,
        sheet: Option<String>,
    ) -> Result<(Result<ReadFile, files::FileError>, Vec<u8>), ApiError> {
        let budget = files::Budget::starting_now();
        blocking(move || {
            let read = files::read_file_within(&bytes, &name, sheet.as_deref(), budget);
            (read, bytes)
        })
        .await
    }

    /// Runs CPU-heavy work (parsing, planning) off the async workers.
    async fn blocking<T: Send + 'static>(
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ApiError::internal(format!("import worker failed: {e}")))
    }

    /// The measures of a map the user may import into, with what they may do to each. Only
    /// someone who may enter data there gets it (see [`refuse_import`]); everyone else gets a
    /// 403, so the file of a viewer is never parsed.
    pub async fn catalogue(
        ctx: &ServerContext,
        user: &User,
        map_id: MapId,
    ) -> Result<(String, Vec<CatalogueMeasure>), ApiError> {
        let doc = ctx.store.map_document(map_id).await?;
        let role = crate::auth::authorize(
            &ctx.store,
            user,
            doc.org_unit.id,
            crate::domain::Action::View,
        )
        .await?;
        refuse_import(&doc, user, role)?;
        let title = |o: ObjectiveId| crate::api::ssr::objective_title(&doc, o);
        let measures = doc
            .measures
            .iter()
            .map(|m| CatalogueMeasure {
                id: m.id,
                name: m.name.clone(),
                context: title(m.objective_id),
                may_enter: role::may_enter_data(Some(role), m.data_owner_id == Some(user.id)),
                computed: m.data_source == DataSource::Formula,
            })
            .collect();
        Ok((doc.map.name.clone(), measures))
    }

    /// Imports are for whoever may enter data on the map: the contributor role (or higher) on
    /// its unit, or being the data owner of one of its measures (the data-entry rule).
    fn refuse_import(doc: &MapDocument, user: &User, role: Role) -> Result<(), ApiError> {
        let owns_data = doc
            .measures
            .iter()
            .any(|m| m.data_owner_id == Some(user.id));
        if role::may_enter_data(Some(role), owns_data) {
            return Ok(());
        }
        Err(ApiError::Forbidden(Refusal::ImportNeedsRole {
            map: doc.map.name.clone(),
            unit: doc.org_unit.name.clone(),
            yours: role,
        }))
    }

    /// Refuses an upload before its body is read when the user may not import into the map.
    pub async fn may_upload(
        ctx: &ServerContext,
        user: &User,
        map_id: MapId,
    ) -> Result<(), ApiError> {
        catalogue(ctx, user, map_id).await.map(|_| ())
    }

    /// Reads an upload into a new session for `user` on `map_id` and runs the first dry run.
    /// Called by the server's upload route.
    pub async fn start_import(
        ctx: &ServerContext,
        user: &User,
        map_id: MapId,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<DryRun, UploadRefusal> {
        let (_, catalogue) = catalogue(ctx, user, map_id).await?;
        let (read, bytes) = read_blocking(bytes, file_name.clone(), None).await?;
        let read = read.map_err(UploadRefusal::File)?;
        let mapping = import::guess_mapping(&read.table, &catalogue, None);
        let session = ImportSession {
            id: ImportId::new(),
            owner: user.id,
            map_id,
            file_name,
            kind: read.kind,
            workbook: if read.kind == FileKind::Workbook {
                bytes
            } else {
                Vec::new()
            },
            sheets: read.sheets,
            state: Mutex::new(State {
                sheet: read.sheet,
                table: Arc::new(read.table),
                mapping,
                plan: None,
                status: CommitStatus::Ready,
            }),
        };
        let session = ctx.imports.keep(session)?;
        Ok(session.check(ctx, user).await?)
    }

    impl ImportSession {
        /// Rough bytes held (table and kept workbook), for the server's memory budget.
        pub fn approx_bytes(&self) -> usize {
            let table = self
                .state
                .lock()
                .map(|s| s.table.approx_bytes())
                .unwrap_or(0);
            table + self.workbook.len()
        }

        /// Whether a commit is running (such a session is never evicted).
        pub fn is_busy(&self) -> bool {
            matches!(self.status(), CommitStatus::Running { .. })
        }

        /// Where the commit stands.
        pub fn status(&self) -> CommitStatus {
            self.state
                .lock()
                .map(|s| s.status.clone())
                .unwrap_or(CommitStatus::Failed {
                    message: "The import was interrupted.".into(),
                })
        }

        fn set_status(&self, status: CommitStatus) {
            if let Ok(mut s) = self.state.lock() {
                s.status = status;
            }
        }

        /// Applies a mapping change; a new sheet is read from the kept workbook.
        pub async fn change(
            &self,
            ctx: &ServerContext,
            user: &User,
            change: MappingChange,
        ) -> Result<(), ApiError> {
            if self.is_busy() {
                return Err(ApiError::Conflict(Refusal::ImportCommitting));
            }
            let (_, catalogue) = catalogue(ctx, user, self.map_id).await?;
            let current_sheet = self.state.lock().map_err(|_| poisoned())?.sheet.clone();
            if let Some(sheet) = change.sheet.filter(|s| Some(s) != current_sheet.as_ref()) {
                if self.kind != FileKind::Workbook {
                    return Err(ApiError::BadInput(Refusal::CsvHasNoSheets));
                }
                let (read, _) =
                    read_blocking(self.workbook.clone(), self.file_name.clone(), Some(sheet))
                        .await?;
                let read = read.map_err(bad_file)?;
                let mapping = import::guess_mapping(&read.table, &catalogue, None);
                let mut s = self.state.lock().map_err(|_| poisoned())?;
                s.sheet = read.sheet;
                s.table = Arc::new(read.table);
                s.mapping = mapping;
                s.plan = None;
                return Ok(());
            }
            let mut s = self.state.lock().map_err(|_| poisoned())?;
            if let Some(layout) = change.layout.filter(|l| *l != s.mapping.layout) {
                let numbers = s.mapping.numbers;
                s.mapping = import::guess_mapping(&s.table, &catalogue, Some(layout));
                s.mapping.numbers = change.numbers.unwrap_or(numbers);
            } else {
                if let Some(columns) = change.columns {
                    if columns.len() != s.table.header.len() {
                        return Err(ApiError::BadInput(Refusal::MappingDoesNotFit));
                    }
                    s.mapping.columns = columns;
                }
                if let Some(numbers) = change.numbers {
                    s.mapping.numbers = numbers;
                }
            }
            s.plan = None;
            Ok(())
        }

        /// The dry run with the current mapping and a fresh catalogue (permissions may change).
        pub async fn check(&self, ctx: &ServerContext, user: &User) -> Result<DryRun, ApiError> {
            let (map_name, catalogue) = catalogue(ctx, user, self.map_id).await?;
            let locale = super::super::ssr::locale(ctx, user).await;
            let (table, mapping) = {
                let s = self.state.lock().map_err(|_| poisoned())?;
                (s.table.clone(), s.mapping.clone())
            };
            let may_enter_any = catalogue.iter().any(|m| m.may_enter && !m.computed);
            let planned = {
                let (table, mapping) = (table.clone(), mapping.clone());
                blocking(move || import::plan(&table, &mapping, &catalogue)).await?
            };
            let preview = self.preview(&table, &mapping, map_name)?;
            let plan = match planned {
                Ok(plan) => Arc::new(plan),
                Err(e) => {
                    self.state.lock().map_err(|_| poisoned())?.plan = None;
                    return Ok(DryRun {
                        preview,
                        mapping_error: Some(e.text(locale)),
                        rows: table.rows.len(),
                        valid: 0,
                        bad_rows: 0,
                        problem_count: 0,
                        skipped_empty: 0,
                        measures: 0,
                        first_period: None,
                        last_period: None,
                        ambiguous_numbers: 0,
                        ambiguous_example: None,
                        problems: Vec::new(),
                        may_enter_any,
                    });
                }
            };
            self.state.lock().map_err(|_| poisoned())?.plan = Some(plan.clone());
            Ok(DryRun {
                preview,
                mapping_error: None,
                rows: plan.rows,
                valid: plan.entries.len(),
                bad_rows: plan.bad_rows,
                problem_count: plan.problems.len(),
                skipped_empty: plan.skipped_empty,
                measures: plan.measures(),
                first_period: plan.entries.iter().map(|e| e.period).min(),
                last_period: plan.entries.iter().map(|e| e.period).max(),
                ambiguous_numbers: plan.ambiguous_numbers,
                ambiguous_example: plan.ambiguous_example.clone(),
                problems: plan
                    .problems
                    .iter()
                    .take(PROBLEM_PAGE)
                    .map(|p| ProblemView::of(p, locale))
                    .collect(),
                may_enter_any,
            })
        }

        fn preview(
            &self,
            table: &Table,
            mapping: &Mapping,
            map_name: String,
        ) -> Result<ImportPreview, ApiError> {
            let sheet = self.state.lock().map_err(|_| poisoned())?.sheet.clone();
            let file_kind = match self.kind {
                FileKind::Csv { delimiter } => format!(
                    "CSV ({}-separated)",
                    match delimiter {
                        b';' => "semicolon",
                        b'\t' => "tab",
                        b'|' => "bar",
                        _ => "comma",
                    }
                ),
                FileKind::Workbook => "Workbook".to_string(),
            };
            Ok(ImportPreview {
                id: self.id,
                map_id: self.map_id,
                map_name,
                file_name: self.file_name.clone(),
                file_kind,
                sheets: self.sheets.clone(),
                sheet,
                header: (0..table.header.len())
                    .map(|c| table.column_name(c))
                    .collect(),
                sample: table
                    .rows
                    .iter()
                    .take(PREVIEW_ROWS)
                    .map(|r| (r.line, r.cells.iter().map(|c| c.display()).collect()))
                    .collect(),
                total_rows: table.rows.len(),
                mapping: mapping.clone(),
            })
        }

        /// A page of the last dry run's problems.
        pub fn problems(
            &self,
            offset: usize,
            limit: usize,
            locale: crate::i18n::Locale,
        ) -> Vec<ProblemView> {
            let plan = self.state.lock().ok().and_then(|s| s.plan.clone());
            plan.map(|p| {
                p.problems
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|p| ProblemView::of(p, locale))
                    .collect()
            })
            .unwrap_or_default()
        }

        /// Every problem of the last dry run as CSV (row, column, value, problem, reason). Text
        /// from the file is neutralised, so no uploaded cell reaches a spreadsheet as a formula.
        pub fn problems_csv(&self, locale: crate::i18n::Locale) -> Result<String, ApiError> {
            use crate::i18n::td_string;
            let plan = self.state.lock().map_err(|_| poisoned())?.plan.clone();
            let mut out = csv::Writer::from_writer(Vec::new());
            let fail = |e: csv::Error| ApiError::internal(format!("problems CSV: {e}"));
            out.write_record([
                td_string!(locale, errors.problem.csv_header.row),
                td_string!(locale, errors.problem.csv_header.column),
                td_string!(locale, errors.problem.csv_header.value),
                td_string!(locale, errors.problem.csv_header.problem),
                td_string!(locale, errors.problem.csv_header.reason),
            ])
            .map_err(fail)?;
            for p in plan.iter().flat_map(|p| p.problems.iter()) {
                let message = p.text(locale);
                out.write_record([
                    p.line.to_string().as_str(),
                    &neutralise(&p.column_name),
                    &neutralise(&p.raw),
                    &neutralise(p.reason.label_text(locale)),
                    &neutralise(&message),
                ])
                .map_err(fail)?;
            }
            let bytes = out
                .into_inner()
                .map_err(|e| ApiError::internal(format!("problems CSV: {e}")))?;
            String::from_utf8(bytes).map_err(|e| ApiError::internal(format!("problems CSV: {e}")))
        }

        /// Checks again and starts writing in the background; the page polls [`Self::status`].
        pub async fn commit(
            self: Arc<Self>,
            ctx: ServerContext,
            user: User,
            mode: CommitMode,
        ) -> Result<CommitStatus, ApiError> {
            if self.is_busy() {
                return Err(ApiError::Conflict(Refusal::ImportAlreadyCommitting));
            }
            let (_, catalogue) = catalogue(&ctx, &user, self.map_id).await?;
            let (table, mapping) = {
                let s = self.state.lock().map_err(|_| poisoned())?;
                (s.table.clone(), s.mapping.clone())
            };
            let plan = blocking(move || import::plan(&table, &mapping, &catalogue))
                .await?
                .map_err(|e| ApiError::BadInput(Refusal::Mapping(e)))?;
            refuse(&plan, mode)?;
            let total = plan.entries.len();
            let running = CommitStatus::Running { done: 0, total };
            {
                let mut s = self.state.lock().map_err(|_| poisoned())?;
                if matches!(s.status, CommitStatus::Running { .. }) {
                    return Err(ApiError::Conflict(Refusal::ImportAlreadyCommitting));
                }
                s.status = running.clone();
                s.plan = Some(Arc::new(plan.clone()));
            }
            let session = self.clone();
            tokio::spawn(async move {
                let outcome = write(&ctx, &user, &plan, mode, session.clone()).await;
                session.set_status(match outcome {
                    Ok(summary) => CommitStatus::Done { summary },
                    Err(e) => CommitStatus::Failed {
                        message: format!("{e} Nothing was imported."),
                    },
                });
            });
            Ok(running)
        }
    }

    /// All or nothing refuses a file with any problem; either mode refuses nothing to write.
    fn refuse(plan: &ImportPlan, mode: CommitMode) -> Result<(), ApiError> {
        if mode == CommitMode::AllOrNothing && !plan.problems.is_empty() {
            return Err(ApiError::Conflict(Refusal::AllOrNothing {
                bad_rows: plan.bad_rows,
                valid: plan.entries.len(),
            }));
        }
        if plan.entries.is_empty() {
            return Err(ApiError::BadInput(Refusal::NothingToImport));
        }
        Ok(())
    }

    /// Writes the plan's values as one batch through the data path (one transaction, then
    /// "scores changed" for every map touched).
    async fn write(
        ctx: &ServerContext,
        user: &User,
        plan: &ImportPlan,
        mode: CommitMode,
        session: Arc<ImportSession>,
    ) -> Result<ImportSummary, ApiError> {
        let batch = DataBatch {
            actuals: plan.entries.iter().map(|e| e.actual()).collect(),
            ..DataBatch::default()
        };
        let batch = super::super::stamped(batch, user.id, DataSource::Import);
        crate::auth::authorize_data(&ctx.store, user, &batch).await?;
        let total = batch.actuals.len();
        let reporter = session.clone();
        let progress: crate::context::Progress = Arc::new(move |done| {
            reporter.set_status(CommitStatus::Running { done, total });
        });
        let outcome = ctx
            .data
            .write_data_reporting(batch, Some(user.id), progress)
            .await?;
        let mut maps = Vec::new();
        for id in outcome.maps {
            let name = ctx.store.map(id).await.map(|m| m.name).unwrap_or_default();
            maps.push(MapLink { id, name });
        }
        Ok(ImportSummary {
            mode,
            written: outcome.actuals_written,
            measures: plan.measures(),
            bad_rows: plan.bad_rows,
            maps,
        })
    }
}
