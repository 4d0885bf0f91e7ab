//! The import page, `/maps/:id/import`: choose a CSV or workbook (uploaded with a progress
//! bar), check how its columns map, read the dry run's problems, then import the valid values or
//! all or nothing, with a progress bar while the one transaction runs and a summary at the end.
//! A lazily loaded route: its code is a separate wasm chunk.

use super::widgets::route::{id_param, item_page, load, Reload};
use super::widgets::{map_crumbs, Page};
use crate::api::{
    get_map, import_check, import_commit, import_problems, import_status, ApiError, CommitMode,
    CommitStatus, DryRun, ImportSummary, MappingChange, ProblemView,
};
use crate::domain::import::{ColumnRole, Layout, NumberFormat};
use crate::domain::{ImportId, MapDocument, MapId};
use crate::i18n::*;
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
        let loading = td_string!(current_locale(), import.loading);
        item_page(this.doc, loading, Reload::ShowLoading, |d| {
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
    /// The page's language, for the messages it writes.
    locale: Locale,
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
                Err(e) => self.error.set(Some(e.text(self.locale))),
            }
            self.checking.set(false);
        });
    }
}

#[component]
fn ImportPage(map_id: MapId, map_name: String, unit: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let page = Page {
        locale,
        map_id,
        uploading: RwSignal::new(None),
        error: RwSignal::new(None),
        checking: RwSignal::new(false),
        run: RwSignal::new(None),
        more: RwSignal::new(Vec::new()),
        status: RwSignal::new(CommitStatus::Ready),
    };
    let crumbs = map_crumbs(
        &unit,
        &map_name,
        map_id,
        Some((td_string!(locale, import.crumb), "import")),
    );
    view! {
        <Page title=td_string!(locale, import.title, map = map_name.clone()).to_string() crumbs=crumbs class="page import-page">
            <div class="map-head">
                <div>
                    <h1>{td_string!(locale, import.heading, map = map_name.clone()).to_string()}</h1>
                    <p class="meta">{t!(i18n, import.intro)}</p>
                </div>
                <A href=format!("/maps/{map_id}/scorecard") attr:class="button">{t!(i18n, import.scorecard)}</A>
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
    let locale = page.locale;
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
            <h2 id="step-file">{td_string!(locale, import.file.heading)}</h2>
            <p class="hint">{td_string!(locale, import.file.hint)}</p>
            <label class="file-label" for="import-file">{td_string!(locale, import.file.label)}</label>
            <input id="import-file" type="file" accept=".csv,.txt,.tsv,.xlsx,.xlsm,.xlsb,.ods"
                on:change=on_change prop:disabled=move || page.uploading.get().is_some()/>
            {move || page.uploading.get().map(|p| {
                let percent = (p * 100.0).round() as u32;
                view! {
                    <div class="progress-line">
                        <progress aria-label=td_string!(locale, import.file.progress) max="100" value=percent.to_string()></progress>
                        <span>{if percent >= 100 {
                            td_string!(locale, import.file.reading).to_string()
                        } else {
                            let percent = format_number(locale, f64::from(percent), 0);
                            td_string!(locale, import.file.uploading, percent).to_string()
                        }}</span>
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
    let locale = page.locale;
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
            <label class="field">{td_string!(locale, import.mapping.sheet)}
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
        .map(|f| view! { <option value=number_key(f) selected=f == mapping.numbers>{number_label(locale, f)}</option> })
        .collect_view();
    let heads = preview
        .header
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let options = ColumnRole::choices(layout)
                .iter()
                .map(|r| view! { <option value=role_key(*r) selected=columns.get(c) == Some(r)>{role_label(locale, *r, layout)}</option> })
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
                    <select aria-label=td_string!(locale, import.mapping.column, name = name.clone()).to_string() on:change=on_role>{options}</select>
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
            <h2 id="step-map">{td_string!(locale, import.mapping.heading)}</h2>
            <p class="meta">
                {format!(
                    "{} · {} · {}",
                    preview.file_name,
                    preview.file_kind,
                    td_string!(locale, import.count.data_rows, count = preview.total_rows as u64)
                )}
                {preview.sheet.clone().map(|name| td_string!(locale, import.mapping.sheet_of, name).to_string())}
            </p>
            <div class="import-options">
                {sheet_select}
                <fieldset class="field">
                    <legend>{td_string!(locale, import.mapping.layout)}</legend>
                    {layout_choice(Layout::Long, td_string!(locale, import.mapping.long))}
                    {layout_choice(Layout::Wide, td_string!(locale, import.mapping.wide))}
                </fieldset>
                <label class="field">{td_string!(locale, import.mapping.number_format)}
                    <select on:change=move |ev| page.change(MappingChange { numbers: number_of(&event_target_value(&ev)), ..Default::default() })>
                        {number_options}
                    </select>
                </label>
            </div>
            <div class="table-scroll">
                <table class="import-table" aria-label=td_string!(locale, import.mapping.preview)>
                    <thead><tr><th scope="col">{td_string!(locale, import.mapping.row)}</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(preview.total_rows > shown).then(|| view! { <p class="hint">{td_string!(locale, import.mapping.first_rows, count = preview.total_rows as u64, shown).to_string()}</p> })}
        </section>
    }
}

/// Step 3: the counts and every problem (paged, downloadable).
#[component]
fn DryRunStep(page: Page, run: DryRun) -> impl IntoView {
    let locale = page.locale;
    let id = run.preview.id;
    let body = match run.mapping_error.clone() {
        Some(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
        None => {
            let span = match (run.first_period, run.last_period) {
                (Some(a), Some(b)) if a == b => {
                    td_string!(locale, import.dry_run.in_period, period = a.text(locale))
                        .to_string()
                }
                (Some(a), Some(b)) => td_string!(
                    locale,
                    import.dry_run.between,
                    first = a.text(locale),
                    last = b.text(locale)
                )
                .to_string(),
                _ => String::new(),
            };
            let counts = [
                run.rows,
                run.valid,
                run.measures,
                run.bad_rows,
                run.skipped_empty,
            ];
            let summary = dry_run_summary(locale, counts, &span);
            let ambiguous = (run.ambiguous_numbers > 0).then(|| {
                let text = td_string!(
                    locale,
                    import.dry_run.ambiguous,
                    count = run.ambiguous_numbers as u64,
                    example = run.ambiguous_example.clone().unwrap_or_default(),
                    format = number_label(locale, run.preview.mapping.numbers)
                )
                .to_string();
                view! { <p class="notice-line">{text}</p> }
            });
            let not_allowed = (!run.may_enter_any).then(|| {
                view! {
                    <p class="form-error">{td_string!(locale, import.dry_run.not_allowed)}</p>
                }
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
                        Err(e) => page.error.set(Some(e.text(locale))),
                    }
                });
            };
            view! {
                <p class="dry-run-summary" role="status">{summary}</p>
                {ambiguous}
                {not_allowed}
                {(total > 0).then(|| view! {
                    <div class="table-scroll problems">
                        <table class="import-table" aria-label=td_string!(locale, import.dry_run.problems)>
                            <thead><tr>
                                <th scope="col">{td_string!(locale, import.dry_run.row)}</th><th scope="col">{td_string!(locale, import.dry_run.column)}</th>
                                <th scope="col">{td_string!(locale, import.dry_run.value)}</th><th scope="col">{td_string!(locale, import.dry_run.problem)}</th>
                            </tr></thead>
                            <tbody>{problem_rows}</tbody>
                        </table>
                    </div>
                    <p class="problem-actions">
                        {move || (shown() < total).then(|| view! {
                            <button type="button" class="secondary" on:click=load_more>
                                {td_string!(locale, import.dry_run.show_more, shown = shown(), total).to_string()}
                            </button>
                        })}
                        <a href=format!("/imports/{id}/problems.csv") download="">{td_string!(locale, import.dry_run.download)}</a>
                    </p>
                })}
            }
            .into_any()
        }
    };
    view! {
        <section class="import-step" aria-labelledby="step-check" aria-busy=move || page.checking.get().to_string()>
            <h2 id="step-check">{td_string!(locale, import.dry_run.heading)}</h2>
            {move || page.checking.get().then(|| view! { <p class="loading">{td_string!(locale, import.dry_run.checking)}</p> })}
            {body}
        </section>
    }
}

/// Step 4: the two commit buttons, the progress bar and the summary.
#[component]
fn CommitStep(page: Page, run: DryRun) -> impl IntoView {
    let locale = page.locale;
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
                    message: e.text(locale),
                }),
            }
        });
    };
    let busy = move || matches!(page.status.get(), CommitStatus::Running { .. });
    let valid_label = td_string!(locale, import.commit.valid, count = valid as u64).to_string();
    view! {
        <section class="import-step" aria-labelledby="step-commit">
            <h2 id="step-commit">{td_string!(locale, import.commit.heading)}</h2>
            <div class="commit-buttons">
                <button type="button" class="primary" disabled=move || !usable || valid == 0 || busy()
                    on:click=move |_| start(CommitMode::ValidOnly)>{valid_label}</button>
                <button type="button" class="secondary" disabled=move || !clean || busy()
                    aria-describedby="all-or-nothing-hint"
                    on:click=move |_| start(CommitMode::AllOrNothing)>{td_string!(locale, import.commit.all_or_nothing)}</button>
            </div>
            <p class="hint" id="all-or-nothing-hint">
                {if clean {
                    td_string!(locale, import.commit.hint_clean)
                } else {
                    td_string!(locale, import.commit.hint_problems)
                }}
            </p>
            {move || match page.status.get() {
                CommitStatus::Ready => None,
                CommitStatus::Running { done, total } => {
                    let percent = (done * 100).checked_div(total).unwrap_or(0);
                    Some(view! {
                        <div class="progress-line">
                            <progress aria-label=td_string!(locale, import.commit.progress) max="100" value=percent.to_string()></progress>
                            <span>{td_string!(locale, import.commit.writing, count = total as u64, done).to_string()}</span>
                        </div>
                    }.into_any())
                }
                CommitStatus::Done { summary } => Some(view! { <Summary summary=summary map_id=page.map_id locale=locale/> }.into_any()),
                CommitStatus::Failed { message } => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
            }}
        </section>
    }
}

/// What the finished import did, with the way back to the scorecard.
#[component]
fn Summary(summary: ImportSummary, map_id: MapId, locale: Locale) -> impl IntoView {
    let left_out = match summary.bad_rows {
        0 => String::new(),
        n => td_string!(locale, import.summary.left_out, count = n as u64).to_string(),
    };
    let maps = summary
        .maps
        .iter()
        .map(|m| {
            let href = format!("/maps/{}/scorecard", m.id);
            let name = m.name.clone();
            let label = td_string!(locale, import.summary.scorecard_of, name).to_string();
            view! { <li><A href=href>{label}</A></li> }
        })
        .collect_view();
    view! {
        <div class="import-done" role="status">
            <p><strong>{imported_message(locale, summary.written, summary.measures)}</strong>{left_out}</p>
            <ul class="import-links">{maps}</ul>
            <p><A href=format!("/maps/{map_id}/scorecard") attr:class="button">{td_string!(locale, import.summary.open_scorecard)}</A></p>
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
                        message: e.text(page.locale),
                    }),
                }
                poll(page, id);
            })
        },
        std::time::Duration::from_millis(250),
    );
}

/// "Imported 2 values for 2 measures."
fn imported_message(locale: Locale, values: usize, measures: usize) -> String {
    let values = td_string!(locale, import.count.values, count = values as u64).to_string();
    let measures = td_string!(locale, common.count.measures, count = measures as u64).to_string();
    td_string!(locale, import.summary.imported, values, measures).to_string()
}

/// "7 rows checked: 2 values ready for 2 measures · 5 rows with problems · 0 empty cells skipped";
/// `counts` are the rows checked, values ready, measures, rows with problems and empty cells
/// skipped; `span` says which months the values cover.
fn dry_run_summary(locale: Locale, counts: [usize; 5], span: &str) -> String {
    let [rows, valid, measures, bad, empty] = counts.map(|n| n as u64);
    td_string!(
        locale,
        import.dry_run.summary,
        rows = td_string!(locale, import.count.rows, count = rows).to_string(),
        values = td_string!(locale, import.count.values, count = valid).to_string(),
        measures = td_string!(locale, common.count.measures, count = measures).to_string(),
        span,
        bad = td_string!(locale, import.count.rows, count = bad).to_string(),
        empty = td_string!(locale, import.count.empty_cells, count = empty).to_string()
    )
    .to_string()
}

/// The label of a column role in the mapping selects.
fn role_label(locale: Locale, role: ColumnRole, layout: Layout) -> &'static str {
    match (role, layout) {
        (ColumnRole::Ignore, _) => td_string!(locale, import.mapping.role.ignore),
        (ColumnRole::Measure, _) => td_string!(locale, import.mapping.role.measure),
        (ColumnRole::Period, _) => td_string!(locale, import.mapping.role.period),
        (ColumnRole::Value, Layout::Long) => td_string!(locale, import.mapping.role.value),
        (ColumnRole::Value, Layout::Wide) => td_string!(locale, import.mapping.role.values_wide),
        (ColumnRole::Note, _) => td_string!(locale, import.mapping.role.note),
    }
}

/// The label of a number format: an example with its decimal mark.
fn number_label(locale: Locale, format: NumberFormat) -> &'static str {
    match format {
        NumberFormat::Point => td_string!(locale, import.mapping.point),
        NumberFormat::Comma => td_string!(locale, import.mapping.comma),
    }
}

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
    use crate::i18n::td_string;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Sends `file` and shows the first dry run (or why the file was refused).
    pub fn send(page: Page, file: web_sys::File) {
        let locale = page.locale;
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
            fail(&finish, td_string!(locale, import.file.no_upload).into());
            return;
        };
        let url = format!(
            "/imports/upload?map={}&name={}",
            page.map_id,
            String::from(js_sys::encode_uri_component(&file.name()))
        );
        if xhr.open_with_async("POST", &url, true).is_err() {
            fail(
                &finish,
                td_string!(locale, import.file.could_not_start).into(),
            );
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
                serde_json::from_str::<DryRun>(&text).map_err(|e| {
                    td_string!(locale, import.file.unreadable_answer, detail = e).to_string()
                })
            } else {
                Err(serde_json::from_str::<ApiError>(&text)
                    .map(|e| e.text(locale))
                    .unwrap_or_else(|_| {
                        td_string!(locale, import.file.failed_status, status).to_string()
                    }))
            };
            if let Some(f) = done.borrow_mut().take() {
                f(result);
            }
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let lost = finish.clone();
        let on_error = Closure::once_into_js(move || {
            if let Some(f) = lost.borrow_mut().take() {
                f(Err(td_string!(locale, import.file.connection_lost).into()));
            }
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        if xhr.send_with_opt_blob(Some(&file)).is_err() {
            fail(
                &finish,
                td_string!(locale, import.file.could_not_start).into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dry_run_and_the_summary_are_said_in_the_page_s_language() {
        assert_eq!(
            dry_run_summary(Locale::en, [7, 2, 2, 5, 1], ""),
            "7 rows checked: 2 values ready for 2 measures · 5 rows with problems · 1 empty cell skipped"
        );
        assert_eq!(
            dry_run_summary(Locale::de, [1, 3, 1, 0, 2], ", Jan 2030 – Feb 2030"),
            "1 Zeile geprüft: 3 Werte bereit für 1 Kennzahl, Jan 2030 – Feb 2030 · 0 Zeilen mit Problemen · 2 leere Zellen übersprungen"
        );
        assert_eq!(
            imported_message(Locale::en, 2, 2),
            "Imported 2 values for 2 measures."
        );
        assert_eq!(
            imported_message(Locale::de, 1, 1),
            "1 Wert für 1 Kennzahl importiert."
        );
        assert_eq!(
            td_string!(Locale::en, import.summary.left_out, count = 5u64).to_string(),
            " 5 rows with problems were left out."
        );
        assert_eq!(
            td_string!(Locale::en, import.commit.valid, count = 2u64).to_string(),
            "Import 2 valid values"
        );
    }

    #[test]
    fn mapping_labels_follow_the_language() {
        assert_eq!(
            role_label(Locale::en, ColumnRole::Value, Layout::Wide),
            "Values (month in header)"
        );
        assert_eq!(
            role_label(Locale::de, ColumnRole::Period, Layout::Long),
            "Zeitraum"
        );
        for (role, layout) in [
            (ColumnRole::Value, Layout::Long),
            (ColumnRole::Note, Layout::Wide),
        ] {
            assert_eq!(role_label(Locale::en, role, layout), role.label(layout));
        }
        assert_eq!(
            number_label(Locale::en, NumberFormat::Comma),
            NumberFormat::Comma.example()
        );
        assert_eq!(
            number_label(Locale::de, NumberFormat::Comma),
            "1.234,5 (Dezimalkomma)"
        );
    }
}
