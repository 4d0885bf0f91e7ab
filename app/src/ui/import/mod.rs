//! The import page, `/maps/:id/import`: choose a CSV or workbook (uploaded with a progress
//! bar), check how its columns map, read the dry run's problems, then import the valid values or
//! all or nothing, with a progress bar while the one transaction runs and a summary at the end.
//! A lazily loaded route: its code is a separate wasm chunk.

use super::widgets::route::{id_param, item_page, load, Reload};
use super::widgets::{map_crumbs, plural, Page};
use crate::api::{
    get_map, import_check, import_commit, import_problems, import_status, ApiError, CommitMode,
    CommitStatus, DryRun, ImportSummary, MappingChange, ProblemView,
};
use crate::domain::import::{ColumnRole, Layout, NumberFormat};
use crate::domain::{ImportId, MapDocument, MapId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::{components::A, lazy_route, LazyRoute};

/// `/maps/:id/import`.
#[derive(Clone)]
pub struct ImportRoute {
    doc: Resource<Result<MapDocument, ApiError>>,
}

#[lazy_route]
impl LazyRoute for ImportRoute {
    fn data() -> Self {
        Self {
            doc: load(id_param::<MapId>("map"), get_map),
        }
    }

    fn view(this: Self) -> AnyView {
        item_page(this.doc, "Loading…", Reload::ShowLoading, |d| {
            view! { <ImportPage map_id=d.map.id map_name=d.map.name.clone() unit=d.org_unit.name.clone()/> }.into_any()
        })
    }
}

/// The signals of one import page.
#[derive(Clone, Copy)]
struct Page {
    map_id: MapId,
    /// Upload progress 0–1 while a file is being sent.
    uploading: RwSignal<Option<f64>>,
    error: RwSignal<Option<String>>,
    /// A dry run is being computed.
    checking: RwSignal<bool>,
    run: RwSignal<Option<DryRun>>,
    /// Problems loaded beyond the first page.
    more: RwSignal<Vec<ProblemView>>,
    status: RwSignal<CommitStatus>,
}

impl Page {
    fn id(&self) -> Option<ImportId> {
        self.run
            .with_untracked(|r| r.as_ref().map(|r| r.preview.id))
    }

    /// A new dry run arrived: show it, forget the old problems and commit state.
    fn show(&self, run: DryRun) {
        self.more.set(Vec::new());
        self.status.set(CommitStatus::Ready);
        self.error.set(None);
        self.run.set(Some(run));
    }

    /// Sends a mapping change and shows the new dry run.
    fn change(self, change: MappingChange) {
        let Some(id) = self.id() else { return };
        self.checking.set(true);
        spawn_local(async move {
            match import_check(id, change).await {
                Ok(run) => self.show(run),
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.checking.set(false);
        });
    }
}

#[component]
fn ImportPage(map_id: MapId, map_name: String, unit: String) -> impl IntoView {
    let page = Page {
        map_id,
        uploading: RwSignal::new(None),
        error: RwSignal::new(None),
        checking: RwSignal::new(false),
        run: RwSignal::new(None),
        more: RwSignal::new(Vec::new()),
        status: RwSignal::new(CommitStatus::Ready),
    };
    let crumbs = map_crumbs(&unit, &map_name, map_id, Some(("Import", "import")));
    view! {
        <Page title=format!("Import · {map_name} · Cairn") crumbs=crumbs class="page import-page">
            <div class="map-head">
                <div>
                    <h1>{format!("Import actuals: {map_name}")}</h1>
                    <p class="meta">"Upload a CSV or Excel file, check the dry run, then import."</p>
                </div>
                <A href=format!("/maps/{map_id}/scorecard") attr:class="button">"Scorecard"</A>
            </div>
            <FileStep page=page/>
            {move || page.run.get().map(|run| view! {
                <MappingStep page=page run=run.clone()/>
                <DryRunStep page=page run=run.clone()/>
                <CommitStep page=page run=run/>
            })}
        </Page>
    }
}

/// Step 1: the file input, the upload progress and upload errors.
#[component]
fn FileStep(page: Page) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                upload::send(page, file);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, page);
    };
    view! {
        <section class="import-step" aria-labelledby="step-file">
            <h2 id="step-file">"1. Choose a file"</h2>
            <p class="hint">
                "CSV, XLSX or ODS, up to 20 MB and 200,000 rows. Either one row per value "
                "(Measure, Period, Value, optional Note) or one row per measure with months across."
            </p>
            <label class="file-label" for="import-file">"File (CSV or Excel)"</label>
            <input id="import-file" type="file" accept=".csv,.txt,.tsv,.xlsx,.xlsm,.xlsb,.ods"
                on:change=on_change prop:disabled=move || page.uploading.get().is_some()/>
            {move || page.uploading.get().map(|p| {
                let percent = (p * 100.0).round() as u32;
                view! {
                    <div class="progress-line">
                        <progress aria-label="Upload progress" max="100" value=percent.to_string()></progress>
                        <span>{if percent >= 100 { "Reading the file…".to_string() } else { format!("Uploading… {percent} %") }}</span>
                    </div>
                }
            })}
            {move || page.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}

/// Step 2: the preview with a select per column, the layout, sheet and number format.
#[component]
fn MappingStep(page: Page, run: DryRun) -> impl IntoView {
    let preview = run.preview;
    let mapping = preview.mapping.clone();
    let layout = mapping.layout;
    let columns = mapping.columns.clone();
    let sheet_select = (preview.sheets.len() > 1).then(|| {
        let current = preview.sheet.clone().unwrap_or_default();
        let options = preview
            .sheets
            .iter()
            .map(|s| view! { <option value=s.clone() selected=*s == current>{s.clone()}</option> })
            .collect_view();
        view! {
            <label class="field">"Sheet"
                <select on:change=move |ev| page.change(MappingChange { sheet: Some(event_target_value(&ev)), ..Default::default() })>
                    {options}
                </select>
            </label>
        }
    });
    let layout_choice = move |value: Layout, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="layout" checked=layout == value
                    on:change=move |_| page.change(MappingChange { layout: Some(value), ..Default::default() })/>
                {label}
            </label>
        }
    };
    let number_options = [NumberFormat::Point, NumberFormat::Comma]
        .into_iter()
        .map(|f| view! { <option value=number_key(f) selected=f == mapping.numbers>{f.example()}</option> })
        .collect_view();
    let heads = preview
        .header
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let options = ColumnRole::choices(layout)
                .iter()
                .map(|r| view! { <option value=role_key(*r) selected=columns.get(c) == Some(r)>{r.label(layout)}</option> })
                .collect_view();
            let current = columns.clone();
            let on_role = move |ev: leptos::ev::Event| {
                let mut next = current.clone();
                if let (Some(slot), Some(role)) = (next.get_mut(c), role_of(&event_target_value(&ev))) {
                    *slot = role;
                }
                page.change(MappingChange { columns: Some(next), ..Default::default() });
            };
            view! {
                <th scope="col">
                    <span class="column-name">{name.clone()}</span>
                    <select aria-label=format!("Column {name}") on:change=on_role>{options}</select>
                </th>
            }
        })
        .collect_view();
    let width = preview.header.len();
    let rows = preview
        .sample
        .iter()
        .map(|(line, cells)| {
            let cells = (0..width.max(cells.len()))
                .map(|c| view! { <td>{cells.get(c).cloned().unwrap_or_default()}</td> })
                .collect_view();
            view! { <tr><th scope="row" class="line">{*line}</th>{cells}</tr> }
        })
        .collect_view();
    let shown = preview.sample.len();
    view! {
        <section class="import-step" aria-labelledby="step-map">
            <h2 id="step-map">"2. Check the columns"</h2>
            <p class="meta">
                {format!("{} · {} · {} data rows", preview.file_name, preview.file_kind, preview.total_rows)}
                {preview.sheet.clone().map(|s| format!(" · sheet “{s}”"))}
            </p>
            <div class="import-options">
                {sheet_select}
                <fieldset class="field">
                    <legend>"Layout"</legend>
                    {layout_choice(Layout::Long, "One row per value")}
                    {layout_choice(Layout::Wide, "One row per measure, months across")}
                </fieldset>
                <label class="field">"Number format"
                    <select on:change=move |ev| page.change(MappingChange { numbers: number_of(&event_target_value(&ev)), ..Default::default() })>
                        {number_options}
                    </select>
                </label>
            </div>
            <div class="table-scroll">
                <table class="import-table" aria-label="Preview of the file">
                    <thead><tr><th scope="col">"Row"</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(preview.total_rows > shown).then(|| view! { <p class="hint">{format!("The first {shown} of {}.", plural(preview.total_rows, "row"))}</p> })}
        </section>
    }
}

/// Step 3: the counts and every problem (paged, downloadable).
#[component]
fn DryRunStep(page: Page, run: DryRun) -> impl IntoView {
    let id = run.preview.id;
    let body = match run.mapping_error.clone() {
        Some(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        None => {
            let span = match (run.first_period, run.last_period) {
                (Some(a), Some(b)) if a == b => format!(" in {}", a.label()),
                (Some(a), Some(b)) => format!(", {} – {}", a.label(), b.label()),
                _ => String::new(),
            };
            let summary = format!(
                "{} checked: {} ready for {}{span} · {} with problems · {} skipped",
                plural(run.rows, "row"),
                plural(run.valid, "value"),
                plural(run.measures, "measure"),
                plural(run.bad_rows, "row"),
                plural(run.skipped_empty, "empty cell"),
            );
            let ambiguous = (run.ambiguous_numbers > 0).then(|| {
                view! {
                    <p class="notice-line">
                        {format!(
                            "{} such as “{}” {} differently with the other number format; {} read as {}. Change the number format if that is wrong.",
                            plural(run.ambiguous_numbers, "value"),
                            run.ambiguous_example.clone().unwrap_or_default(),
                            if run.ambiguous_numbers == 1 { "reads" } else { "read" },
                            if run.ambiguous_numbers == 1 { "it is" } else { "they are" },
                            run.preview.mapping.numbers.example()
                        )}
                    </p>
                }
            });
            let not_allowed = (!run.may_enter_any).then(|| view! {
                <p class="form-error">"You may not enter data for any measure of this map: that needs the contributor role on its unit, or being a measure's data owner."</p>
            });
            let total = run.problem_count;
            let first = run.problems.clone();
            let problem_rows = move || {
                first
                    .iter()
                    .cloned()
                    .chain(page.more.get())
                    .map(|p| view! {
                        <tr>
                            <th scope="row" class="line">{p.line}</th>
                            <td>{p.column}</td>
                            <td class="raw">{p.raw}</td>
                            <td><strong class="problem-kind">{p.kind}</strong>" "{p.message}</td>
                        </tr>
                    })
                    .collect_view()
            };
            let first_len = run.problems.len();
            let shown = move || first_len + page.more.with(Vec::len);
            let load_more = move |_| {
                let offset = shown();
                spawn_local(async move {
                    match import_problems(id, offset).await {
                        Ok(more) => page.more.update(|m| m.extend(more)),
                        Err(e) => page.error.set(Some(e.to_string())),
                    }
                });
            };
            view! {
                <p class="dry-run-summary" role="status">{summary}</p>
                {ambiguous}
                {not_allowed}
                {(total > 0).then(|| view! {
                    <div class="table-scroll problems">
                        <table class="import-table" aria-label="Problems">
                            <thead><tr>
                                <th scope="col">"Row"</th><th scope="col">"Column"</th>
                                <th scope="col">"Value"</th><th scope="col">"Problem"</th>
                            </tr></thead>
                            <tbody>{problem_rows}</tbody>
                        </table>
                    </div>
                    <p class="problem-actions">
                        {move || (shown() < total).then(|| view! {
                            <button type="button" class="secondary" on:click=load_more>
                                {format!("Show more problems ({} of {total} shown)", shown())}
                            </button>
                        })}
                        <a href=format!("/imports/{id}/problems.csv") download="">"Download all problems (CSV)"</a>
                    </p>
                })}
            }
            .into_any()
        }
    };
    view! {
        <section class="import-step" aria-labelledby="step-check" aria-busy=move || page.checking.get().to_string()>
            <h2 id="step-check">"3. Dry run"</h2>
            {move || page.checking.get().then(|| view! { <p class="loading">"Checking…"</p> })}
            {body}
        </section>
    }
}

/// Step 4: the two commit buttons, the progress bar and the summary.
#[component]
fn CommitStep(page: Page, run: DryRun) -> impl IntoView {
    let id = run.preview.id;
    let usable = run.mapping_error.is_none();
    let valid = run.valid;
    let clean = usable && run.problem_count == 0 && valid > 0;
    let start = move |mode: CommitMode| {
        page.error.set(None);
        page.status.set(CommitStatus::Running {
            done: 0,
            total: valid,
        });
        spawn_local(async move {
            match import_commit(id, mode).await {
                Ok(status) => {
                    page.status.set(status);
                    poll(page, id);
                }
                Err(e) => page.status.set(CommitStatus::Failed {
                    message: e.to_string(),
                }),
            }
        });
    };
    let busy = move || matches!(page.status.get(), CommitStatus::Running { .. });
    let valid_label = if valid == 1 {
        "Import 1 valid value".to_string()
    } else {
        format!("Import {valid} valid values")
    };
    view! {
        <section class="import-step" aria-labelledby="step-commit">
            <h2 id="step-commit">"4. Import"</h2>
            <div class="commit-buttons">
                <button type="button" class="primary" disabled=move || !usable || valid == 0 || busy()
                    on:click=move |_| start(CommitMode::ValidOnly)>{valid_label}</button>
                <button type="button" class="secondary" disabled=move || !clean || busy()
                    aria-describedby="all-or-nothing-hint"
                    on:click=move |_| start(CommitMode::AllOrNothing)>"Import all or nothing"</button>
            </div>
            <p class="hint" id="all-or-nothing-hint">
                {if clean {
                    "All or nothing writes every value in one transaction, or none if anything fails."
                } else {
                    "All or nothing is possible once no row has a problem; bad rows are never imported."
                }}
            </p>
            {move || match page.status.get() {
                CommitStatus::Ready => None,
                CommitStatus::Running { done, total } => {
                    let percent = (done * 100).checked_div(total).unwrap_or(0);
                    Some(view! {
                        <div class="progress-line">
                            <progress aria-label="Import progress" max="100" value=percent.to_string()></progress>
                            <span>{format!("Writing {done} of {}…", plural(total, "value"))}</span>
                        </div>
                    }.into_any())
                }
                CommitStatus::Done { summary } => Some(view! { <Summary summary=summary map_id=page.map_id/> }.into_any()),
                CommitStatus::Failed { message } => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
            }}
        </section>
    }
}

/// What the finished import did, with the way back to the scorecard.
#[component]
fn Summary(summary: ImportSummary, map_id: MapId) -> impl IntoView {
    let left_out = match summary.bad_rows {
        0 => String::new(),
        1 => " 1 row with problems was left out.".to_string(),
        n => format!(" {n} rows with problems were left out."),
    };
    let maps = summary
        .maps
        .iter()
        .map(|m| view! { <li><A href=format!("/maps/{}/scorecard", m.id)>{format!("Scorecard of {}", m.name)}</A></li> })
        .collect_view();
    view! {
        <div class="import-done" role="status">
            <p><strong>{format!("Imported {} for {}.", plural(summary.written, "value"), plural(summary.measures, "measure"))}</strong>{left_out}</p>
            <ul class="import-links">{maps}</ul>
            <p><A href=format!("/maps/{map_id}/scorecard") attr:class="button">"Open the scorecard"</A></p>
        </div>
    }
}

/// Polls the commit until it is done or failed.
fn poll(page: Page, id: ImportId) {
    if !matches!(page.status.get_untracked(), CommitStatus::Running { .. }) {
        return;
    }
    set_timeout(
        move || {
            spawn_local(async move {
                match import_status(id).await {
                    Ok(status) => page.status.set(status),
                    Err(e) => page.status.set(CommitStatus::Failed {
                        message: e.to_string(),
                    }),
                }
                poll(page, id);
            })
        },
        std::time::Duration::from_millis(250),
    );
}

/// "1 value", "3 values".
fn role_key(role: ColumnRole) -> &'static str {
    match role {
        ColumnRole::Ignore => "ignore",
        ColumnRole::Measure => "measure",
        ColumnRole::Period => "period",
        ColumnRole::Value => "value",
        ColumnRole::Note => "note",
    }
}

fn role_of(key: &str) -> Option<ColumnRole> {
    [
        ColumnRole::Ignore,
        ColumnRole::Measure,
        ColumnRole::Period,
        ColumnRole::Value,
        ColumnRole::Note,
    ]
    .into_iter()
    .find(|r| role_key(*r) == key)
}

fn number_key(f: NumberFormat) -> &'static str {
    match f {
        NumberFormat::Point => "point",
        NumberFormat::Comma => "comma",
    }
}

fn number_of(key: &str) -> Option<NumberFormat> {
    match key {
        "comma" => Some(NumberFormat::Comma),
        "point" => Some(NumberFormat::Point),
        _ => None,
    }
}

/// The browser side of the upload: an `XMLHttpRequest`, because `fetch` reports no upload
/// progress.
#[cfg(feature = "hydrate")]
mod upload {
    use super::Page;
    use crate::api::{ApiError, DryRun};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Sends `file` and shows the first dry run (or why the file was refused).
    pub fn send(page: Page, file: web_sys::File) {
        page.error.set(None);
        page.uploading.set(Some(0.0));
        let finish = Rc::new(RefCell::new(Some(move |result: Result<DryRun, String>| {
            page.uploading.set(None);
            match result {
                Ok(run) => page.show(run),
                Err(e) => page.error.set(Some(e)),
            }
        })));
        fn fail<F: FnOnce(Result<DryRun, String>)>(finish: &Rc<RefCell<Option<F>>>, msg: String) {
            if let Some(f) = finish.borrow_mut().take() {
                f(Err(msg));
            }
        }
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            fail(&finish, "This browser cannot upload files.".into());
            return;
        };
        let url = format!(
            "/imports/upload?map={}&name={}",
            page.map_id,
            String::from(js_sys::encode_uri_component(&file.name()))
        );
        if xhr.open_with_async("POST", &url, true).is_err() {
            fail(&finish, "The upload could not start.".into());
            return;
        }
        if let Ok(upload) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                move |e: web_sys::ProgressEvent| {
                    if e.length_computable() && e.total() > 0.0 {
                        page.uploading.set(Some(e.loaded() / e.total()));
                    }
                },
            );
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();
        }
        let (done, x) = (finish.clone(), xhr.clone());
        let on_load = Closure::once_into_js(move || {
            let status = x.status().unwrap_or(0);
            let text = x.response_text().ok().flatten().unwrap_or_default();
            let result = if status == 200 {
                serde_json::from_str::<DryRun>(&text)
                    .map_err(|e| format!("The server's answer could not be read: {e}"))
            } else {
                Err(serde_json::from_str::<ApiError>(&text)
                    .map(|e| e.to_string())
                    .unwrap_or_else(|_| format!("The upload failed (HTTP {status}).")))
            };
            if let Some(f) = done.borrow_mut().take() {
                f(result);
            }
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let lost = finish.clone();
        let on_error = Closure::once_into_js(move || {
            if let Some(f) = lost.borrow_mut().take() {
                f(Err(
                    "The upload failed: the connection to the server was lost.".into(),
                ));
            }
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        if xhr.send_with_opt_blob(Some(&file)).is_err() {
            fail(&finish, "The upload could not start.".into());
        }
    }
}
