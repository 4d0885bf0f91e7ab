//! The grid itself: rows of measures (one row per measure for actuals, a goal row and a red-flag
//! row per measure for targets), a column per month, the edited text of each changed cell, the
//! live check of that text, paste, keyboard moves, the bulk target helper and the save.

use crate::api::{save_data, DataGrid, GridMeasure};
use crate::domain::entry::{self, CellError, TargetPart};
use crate::domain::import::NumberFormat;
use crate::domain::scores::interval_months;
use crate::domain::targets::{self, TargetFill};
use crate::domain::{DataBatch, MeasureId, MeasurePeriod, Period};
use crate::i18n::*;
use crate::ui::widgets::unsaved::warn_before_unload;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{BTreeMap, HashMap};

/// Which half of the page is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Actuals,
    Targets,
}

/// What one grid row holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowKind {
    Actual,
    Target(TargetPart),
}

/// A visible row: which measure (index into the grid's measures), what it holds, and whether its
/// cells take typing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    measure: usize,
    kind: RowKind,
    editable: bool,
}

/// The key of one cell's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellKey {
    Actual(MeasurePeriod),
    Target(MeasurePeriod, TargetPart),
}

/// The outcome of checking every edited cell: the batch a save would send (when nothing is
/// wrong), how many values it changes, and each bad cell with its reason.
#[derive(Clone, Debug, Default, PartialEq)]
struct Check {
    batch: Option<DataBatch>,
    changes: usize,
    errors: Vec<(Tab, MeasurePeriod, String)>,
}

/// The signals of the grid. Saved values are fixed for the life of the grid (a save reloads it).
#[derive(Clone, Copy)]
struct State {
    data: StoredValue<DataGrid>,
    months: StoredValue<Vec<Period>>,
    saved_actuals: StoredValue<HashMap<MeasurePeriod, f64>>,
    saved_targets: StoredValue<HashMap<MeasurePeriod, (f64, f64)>>,
    tab: RwSignal<Tab>,
    format: RwSignal<NumberFormat>,
    only_mine: RwSignal<bool>,
    actual_edits: RwSignal<BTreeMap<MeasurePeriod, String>>,
    target_edits: RwSignal<BTreeMap<(MeasurePeriod, TargetPart), String>>,
    check: Memo<Check>,
    rows: Memo<Vec<Row>>,
    /// The measure whose bulk target helper is open.
    fill_open: RwSignal<Option<MeasureId>>,
    saving: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    version: RwSignal<u32>,
    /// The page's language, for the messages the grid writes.
    locale: Locale,
}

impl State {
    fn new(
        grid: DataGrid,
        version: RwSignal<u32>,
        notice: RwSignal<Option<String>>,
        locale: Locale,
    ) -> State {
        let months: Vec<Period> = (1..=12u8)
            .filter_map(|m| Period::new(grid.year, m))
            .collect();
        let saved_actuals = grid
            .actuals
            .iter()
            .map(|a| (mp(a.measure_id, a.period), a.value))
            .collect();
        let saved_targets = grid
            .targets
            .iter()
            .map(|t| (mp(t.measure_id, t.period), (t.goal, t.red_flag)))
            .collect();
        let may_set_targets = grid.may_set_targets;
        let measures = grid.measures.clone();
        let tab = RwSignal::new(Tab::Actuals);
        let only_mine = RwSignal::new(false);
        let format = RwSignal::new(locale_format(locale));
        let actual_edits = RwSignal::new(BTreeMap::new());
        let target_edits = RwSignal::new(BTreeMap::new());
        let saved_actuals = StoredValue::new(saved_actuals);
        let saved_targets = StoredValue::new(saved_targets);
        let check = Memo::new(move |_| {
            let f = format.get();
            actual_edits.with(|a| {
                target_edits.with(|t| {
                    saved_actuals.with_value(|sa| {
                        saved_targets.with_value(|st| check_edits(a, t, sa, st, f))
                    })
                })
            })
        });
        let rows = Memo::new(move |_| {
            visible_rows(&measures, tab.get(), only_mine.get(), may_set_targets)
        });
        State {
            data: StoredValue::new(grid),
            months: StoredValue::new(months),
            saved_actuals,
            saved_targets,
            tab,
            format,
            only_mine,
            actual_edits,
            target_edits,
            check,
            rows,
            fill_open: RwSignal::new(None),
            saving: RwSignal::new(false),
            error: RwSignal::new(None),
            notice,
            version,
            locale,
        }
    }

    fn measure(&self, index: usize) -> GridMeasure {
        self.data.with_value(|d| d.measures[index].clone())
    }

    /// The text a cell shows: what was typed, else the saved value.
    fn text(&self, key: CellKey) -> String {
        match key {
            CellKey::Actual(c) => self
                .actual_edits
                .with(|e| e.get(&c).cloned())
                .unwrap_or_else(|| self.saved_text(key)),
            CellKey::Target(c, part) => self
                .target_edits
                .with(|e| e.get(&(c, part)).cloned())
                .unwrap_or_else(|| self.saved_text(key)),
        }
    }

    /// The saved value of a cell, written as the grid writes numbers.
    fn saved_text(&self, key: CellKey) -> String {
        let decimals = |id: MeasureId| {
            self.data.with_value(|d| {
                d.measures
                    .iter()
                    .find(|m| m.measure.id == id)
                    .map(|m| m.measure.decimals)
                    .unwrap_or(2)
            })
        };
        let value = match key {
            CellKey::Actual(c) => self.saved_actuals.with_value(|s| s.get(&c).copied()),
            CellKey::Target(c, part) => self.saved_targets.with_value(|s| {
                s.get(&c).map(|(g, r)| match part {
                    TargetPart::Goal => *g,
                    TargetPart::RedFlag => *r,
                })
            }),
        };
        let id = match key {
            CellKey::Actual(c) | CellKey::Target(c, _) => c.measure_id,
        };
        let format = self.format.get();
        value
            .map(|v| cell_text_in(v, decimals(id), format))
            .unwrap_or_default()
    }

    /// Whether the typed text differs from the saved value.
    fn is_dirty(&self, key: CellKey) -> bool {
        let typed = match key {
            CellKey::Actual(c) => self.actual_edits.with(|e| e.get(&c).cloned()),
            CellKey::Target(c, part) => self.target_edits.with(|e| e.get(&(c, part)).cloned()),
        };
        typed.is_some_and(|t| t.trim() != self.saved_text(key))
    }

    fn set_text(&self, key: CellKey, text: String) {
        self.set_texts(vec![(key, text)]);
    }

    /// Sets many cells in one update (a paste re-checks the grid once, not once per cell).
    fn set_texts(&self, cells: Vec<(CellKey, String)>) {
        self.notice.set(None);
        let (actuals, targets): (Vec<_>, Vec<_>) = cells
            .into_iter()
            .partition(|(k, _)| matches!(k, CellKey::Actual(_)));
        if !actuals.is_empty() {
            self.actual_edits.update(|e| {
                for (key, text) in actuals {
                    if let CellKey::Actual(c) = key {
                        e.insert(c, text);
                    }
                }
            });
        }
        if !targets.is_empty() {
            self.target_edits.update(|e| {
                for (key, text) in targets {
                    if let CellKey::Target(c, part) = key {
                        e.insert((c, part), text);
                    }
                }
            });
        }
    }

    /// Why a cell cannot be saved, if it cannot.
    fn cell_error(&self, key: CellKey) -> Option<String> {
        let (tab, cell) = match key {
            CellKey::Actual(c) => (Tab::Actuals, c),
            CellKey::Target(c, _) => (Tab::Targets, c),
        };
        self.check.with(|c| {
            c.errors
                .iter()
                .find(|(t, m, _)| *t == tab && *m == cell)
                .map(|(_, _, e)| e.clone())
        })
    }

    /// The key of the cell at a visible row and column.
    fn key_at(&self, row: Row, column: usize) -> Option<CellKey> {
        let period = self.months.with_value(|m| m.get(column).copied())?;
        let id = self.data.with_value(|d| d.measures[row.measure].measure.id);
        let cell = mp(id, period);
        Some(match row.kind {
            RowKind::Actual => CellKey::Actual(cell),
            RowKind::Target(part) => CellKey::Target(cell, part),
        })
    }

    /// Spreads a block copied from a spreadsheet from the cell at (`row`, `column`); rows that
    /// do not take typing are skipped, cells beyond the grid are counted.
    fn paste(&self, row: usize, column: usize, text: &str) {
        let rows = self.rows.get_untracked();
        let block = entry::parse_block(text);
        let (placed, dropped) = entry::place_block(&block, (row, column), rows.len(), 12);
        let mut cells = Vec::new();
        let mut skipped = 0;
        for (r, c, text) in placed {
            match self.key_at(rows[r], c) {
                Some(key) if rows[r].editable => cells.push((key, text)),
                _ => skipped += 1,
            }
        }
        let written = cells.len();
        self.set_texts(cells);
        self.notice
            .set(Some(pasted_message(self.locale, written, dropped, skipped)));
    }

    /// Fills the targets of one measure for the year's reporting months (not saved yet: the
    /// user sees them in the grid and saves).
    fn fill(&self, index: usize, how: TargetFill) -> Result<usize, String> {
        let m = self.measure(index).measure;
        let year = self.data.with_value(|d| d.year);
        let months = targets::reporting_months(year, m.frequency);
        let filled = targets::fill(m.id, &months, how).map_err(|e| e.text(self.locale))?;
        let format = self.format.get_untracked();
        self.target_edits.update(|e| {
            for t in &filled {
                let cell = mp(t.measure_id, t.period);
                e.insert(
                    (cell, TargetPart::Goal),
                    cell_text_in(t.goal, m.decimals, format),
                );
                e.insert(
                    (cell, TargetPart::RedFlag),
                    cell_text_in(t.red_flag, m.decimals, format),
                );
            }
        });
        self.notice.set(Some(
            td_string!(
                self.locale,
                data.notice.filled,
                count = filled.len() as u64,
                name = m.name.clone()
            )
            .to_string(),
        ));
        Ok(filled.len())
    }

    fn discard(&self) {
        self.actual_edits.set(BTreeMap::new());
        self.target_edits.set(BTreeMap::new());
        self.error.set(None);
        self.notice
            .set(Some(td_string!(self.locale, data.notice.discarded).into()));
    }

    /// Commits every change of both tabs in one transaction, then reloads the grid.
    fn save(self) {
        if self.saving.get_untracked() {
            return;
        }
        let check = self.check.get_untracked();
        let Some(batch) = check.batch else {
            let cells = needs_fixing(self.locale, check.errors.len());
            self.error.set(Some(
                td_string!(self.locale, data.notice.fix_first, cells).to_string(),
            ));
            return;
        };
        if batch.is_empty() {
            self.notice.set(Some(
                td_string!(self.locale, data.notice.nothing_to_save).into(),
            ));
            return;
        }
        self.saving.set(true);
        self.error.set(None);
        spawn_local(async move {
            match save_data(batch).await {
                Ok(out) => {
                    self.notice.set(Some(saved_message(
                        self.locale,
                        out.actuals_written,
                        out.targets_written,
                        out.cleared,
                    )));
                    self.version.update(|v| *v += 1);
                }
                Err(e) => self.error.set(Some(e.text(self.locale))),
            }
            self.saving.set(false);
        });
    }
}

fn mp(measure_id: MeasureId, period: Period) -> MeasurePeriod {
    MeasurePeriod { measure_id, period }
}

/// The grid's number format for a language: German pages read "12,5" as twelve and a half.
fn locale_format(locale: Locale) -> NumberFormat {
    match locale {
        Locale::de => NumberFormat::Comma,
        Locale::en => NumberFormat::Point,
    }
}

/// A value as the grid writes it into a cell, with the decimal mark of the grid's number format
/// (the text has no digit grouping, so the mark is the only difference).
fn cell_text_in(value: f64, decimals: u8, format: NumberFormat) -> String {
    let text = entry::cell_text(value, decimals);
    match format {
        NumberFormat::Point => text,
        NumberFormat::Comma => text.replace('.', ","),
    }
}

/// "Pasted 4 cells; 2 beyond the grid were left out. Check them, then save."
fn pasted_message(locale: Locale, written: usize, dropped: usize, skipped: usize) -> String {
    let mut message = td_string!(locale, data.notice.pasted, count = written as u64).to_string();
    if dropped > 0 {
        message
            .push_str(&td_string!(locale, data.notice.pasted_dropped, count = dropped).to_string());
    }
    if skipped > 0 {
        message
            .push_str(&td_string!(locale, data.notice.pasted_skipped, count = skipped).to_string());
    }
    message.push_str(td_string!(locale, data.notice.check_then_save));
    message
}

/// "1 cell needs fixing", "3 cells need fixing".
fn needs_fixing(locale: Locale, n: usize) -> String {
    td_string!(locale, data.state.needs_fixing, count = n as u64).to_string()
}

/// "Saved 3 actuals and 12 targets; cleared 1."
fn saved_message(locale: Locale, actuals: usize, targets: usize, cleared: usize) -> String {
    let mut parts = Vec::new();
    if actuals > 0 {
        parts.push(
            td_string!(locale, data.notice.saved_actuals, count = actuals as u64).to_string(),
        );
    }
    if targets > 0 {
        parts.push(
            td_string!(locale, data.notice.saved_targets, count = targets as u64).to_string(),
        );
    }
    let mut m = match parts.is_empty() {
        true => td_string!(locale, data.notice.saved).to_string(),
        false => {
            let what = parts.join(td_string!(locale, data.notice.and));
            td_string!(locale, data.notice.saved_what, what).to_string()
        }
    };
    if cleared > 0 {
        m.push_str(&td_string!(locale, data.notice.cleared, count = cleared).to_string());
    }
    m.push_str(td_string!(locale, data.notice.end));
    m
}

/// Checks both tabs' edits together: one batch for one transaction.
fn check_edits(
    actual_edits: &BTreeMap<MeasurePeriod, String>,
    target_edits: &BTreeMap<(MeasurePeriod, TargetPart), String>,
    saved_actuals: &HashMap<MeasurePeriod, f64>,
    saved_targets: &HashMap<MeasurePeriod, (f64, f64)>,
    format: NumberFormat,
) -> Check {
    let a = entry::actuals_batch(actual_edits, saved_actuals, format);
    let t = entry::targets_batch(target_edits, saved_targets, format);
    let words = |tab: Tab, errors: Vec<(MeasurePeriod, CellError)>| {
        errors
            .into_iter()
            .map(move |(c, e)| (tab, c, e.to_string()))
            .collect::<Vec<_>>()
    };
    match (a, t) {
        (Ok(a), Ok(t)) => {
            let batch = entry::join(a, t);
            Check {
                changes: batch.actuals.len()
                    + batch.clear_actuals.len()
                    + batch.targets.len()
                    + batch.clear_targets.len(),
                batch: Some(batch),
                errors: Vec::new(),
            }
        }
        (a, t) => {
            let mut errors = Vec::new();
            if let Err(e) = a {
                errors.extend(words(Tab::Actuals, e));
            }
            if let Err(e) = t {
                errors.extend(words(Tab::Targets, e));
            }
            Check {
                batch: None,
                changes: 0,
                errors,
            }
        }
    }
}

/// The rows a tab shows: every measure (or only those the user may enter), one row each for
/// actuals, a goal and a red-flag row each for targets.
fn visible_rows(
    measures: &[GridMeasure],
    tab: Tab,
    only_mine: bool,
    may_set_targets: bool,
) -> Vec<Row> {
    measures
        .iter()
        .enumerate()
        .filter(|(_, m)| !only_mine || m.may_enter || (tab == Tab::Targets && may_set_targets))
        .flat_map(|(i, m)| match tab {
            Tab::Actuals => vec![Row {
                measure: i,
                kind: RowKind::Actual,
                editable: m.may_enter,
            }],
            Tab::Targets => [TargetPart::Goal, TargetPart::RedFlag]
                .into_iter()
                .map(|part| Row {
                    measure: i,
                    kind: RowKind::Target(part),
                    editable: may_set_targets,
                })
                .collect(),
        })
        .collect()
}

/// The grid with its toolbar, error list and tabs.
#[component]
pub fn Grid(
    grid: DataGrid,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    unsaved: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let today = grid.today;
    let year = grid.year;
    let s = State::new(grid, version, notice, locale);
    let months = s.months.get_value();
    let warn_before_leaving = move || s.check.with(|c| c.changes > 0 || !c.errors.is_empty());
    Effect::new(move |_| unsaved.set(warn_before_leaving()));
    warn_before_unload(warn_before_leaving);
    let on_page_key = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            s.save();
        }
    };
    let tab_button = move |tab: Tab, label: &'static str| {
        let id = match tab {
            Tab::Actuals => "tab-actuals",
            Tab::Targets => "tab-targets",
        };
        view! {
            <button type="button" role="tab" class="tab" id=id
                aria-selected=move || (s.tab.get() == tab).to_string()
                on:click=move |_| { s.tab.set(tab); s.fill_open.set(None); }>
                {label}
            </button>
        }
    };
    let head = months
        .iter()
        .map(|p| {
            let now = *p == today;
            view! {
                <th scope="col" class:today=now title=if now { td_string!(locale, data.help.this_month) } else { "" }>{month_column(locale, *p)}</th>
            }
        })
        .collect_view();
    view! {
        <div class="data-grid-wrap" on:keydown=on_page_key>
            <div class="data-toolbar" role="toolbar" aria-label=td_string!(locale, data.toolbar.label)>
                <div class="tabs" role="tablist" aria-label=td_string!(locale, data.toolbar.tabs)>
                    {tab_button(Tab::Actuals, td_string!(locale, data.toolbar.actuals))}
                    {tab_button(Tab::Targets, td_string!(locale, data.toolbar.targets))}
                </div>
                <label class="toggle">
                    <input type="checkbox" prop:checked=move || s.only_mine.get()
                        on:change=move |ev| s.only_mine.set(event_target_checked(&ev))/>
                    {t!(i18n, data.toolbar.only_mine)}
                </label>
                <label class="field-inline">{t!(i18n, data.toolbar.numbers)}
                    <select aria-label=td_string!(locale, data.toolbar.number_format) on:change=move |ev| s.format.set(
                        if event_target_value(&ev) == "comma" { NumberFormat::Comma } else { NumberFormat::Point })>
                        <option value="point" selected=s.format.get_untracked() == NumberFormat::Point>{t!(i18n, data.toolbar.point)}</option>
                        <option value="comma" selected=s.format.get_untracked() == NumberFormat::Comma>{t!(i18n, data.toolbar.comma)}</option>
                    </select>
                </label>
                <span class="spacer"></span>
                <span class="save-state" aria-live="polite" data-testid="save-state">
                    {move || s.check.with(|c| save_state(locale, c.errors.len(), c.changes))}
                </span>
                <button type="button" class="button secondary" on:click=move |_| s.discard()
                    prop:disabled=move || s.actual_edits.with(BTreeMap::is_empty) && s.target_edits.with(BTreeMap::is_empty)>
                    {t!(i18n, data.toolbar.discard)}
                </button>
                <button type="button" class="primary" title=td_string!(locale, data.toolbar.save_title) on:click=move |_| s.save()
                    prop:disabled=move || s.saving.get() || s.check.with(|c| c.batch.is_none() || c.changes == 0)>
                    {move || if s.saving.get() { td_string!(locale, data.toolbar.saving) } else { td_string!(locale, data.toolbar.save) }}
                </button>
            </div>
            {move || s.notice.get().map(|n| view! { <p class="notice-line" role="status">{n}</p> })}
            {move || s.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ErrorList s=s/>
            <p class="hint">
                {t!(i18n, data.help.keys)}
                {t!(i18n, data.help.empty_clears)}
                {(year == today.year()).then_some(td_string!(locale, data.help.this_month_highlighted))}
            </p>
            <div class="data-scroll">
                <table class="data-grid" aria-label=move || match s.tab.get() { Tab::Actuals => td_string!(locale, data.toolbar.actuals), Tab::Targets => td_string!(locale, data.toolbar.targets) }>
                    <thead>
                        <tr>
                            <th scope="col" class="measure-col">{t!(i18n, data.table.measure)}</th>
                            {move || (s.tab.get() == Tab::Targets).then(|| view! { <th scope="col" class="part-col">""</th> })}
                            {head}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let rows = s.rows.get();
                            if rows.is_empty() {
                                return view! { <tr><td colspan="14" class="empty">{td_string!(locale, data.table.empty)}</td></tr> }.into_any();
                            }
                            rows.iter()
                                .enumerate()
                                .map(|(r, row)| view! { <GridRow s=s r=r row=*row first=first_of_objective(s, &rows, r)/> })
                                .collect_view()
                                .into_any()
                        }}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// The objective's title when this row starts a new objective (a group heading row).
fn first_of_objective(s: State, rows: &[Row], r: usize) -> Option<(String, String)> {
    let title_of = |i: usize| {
        s.data
            .with_value(|d| d.measures[rows[i].measure].objective_title.clone())
    };
    let title = title_of(r);
    let starts = r == 0 || title_of(r - 1) != title;
    starts.then(|| {
        let perspective = s
            .data
            .with_value(|d| d.measures[rows[r].measure].perspective_name.clone());
        (title, perspective)
    })
}

/// Every cell that cannot be saved, each a button that takes you to it.
#[component]
fn ErrorList(s: State) -> impl IntoView {
    let locale = s.locale;
    move || {
        let errors = s.check.with(|c| c.errors.clone());
        (!errors.is_empty()).then(|| {
            let items = errors
                .into_iter()
                .take(20)
                .map(|(tab, cell, reason)| {
                    let name = s.data.with_value(|d| {
                        d.measures
                            .iter()
                            .find(|m| m.measure.id == cell.measure_id)
                            .map(|m| m.measure.name.clone())
                            .unwrap_or_default()
                    });
                    let period = cell.period.text(locale);
                    let at = match tab {
                        Tab::Actuals => td_string!(locale, data.errors.actual_at, name, period).to_string(),
                        Tab::Targets => td_string!(locale, data.errors.target_at, name, period).to_string(),
                    };
                    view! {
                        <li>
                            <button type="button" class="link-button" on:click=move |_| {
                                s.tab.set(tab);
                                focus_cell_of(s, cell);
                            }>{at}</button>
                            {format!(": {reason}")}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="cell-errors" role="alert" aria-label=td_string!(locale, data.errors.label)>
                    <strong>{td_string!(locale, data.errors.heading)}</strong>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}

/// One grid row: the measure's name (on its first row), the row's kind, twelve cells and, under
/// the red-flag row, the open bulk helper.
#[component]
fn GridRow(s: State, r: usize, row: Row, first: Option<(String, String)>) -> impl IntoView {
    let locale = s.locale;
    let gm = s.measure(row.measure);
    let m = gm.measure.clone();
    let measure_id = m.id;
    let step = interval_months(m.frequency);
    let heading = first.map(|(title, perspective)| {
        view! {
            <tr class="objective-row">
                <th colspan="14" scope="colgroup">
                    <span class="perspective-tag">{perspective}</span>" "{title}
                </th>
            </tr>
        }
    });
    let is_first_of_measure = !matches!(row.kind, RowKind::Target(TargetPart::RedFlag));
    let lock_reason = (!row.editable).then(|| match row.kind {
        _ if m.data_source == crate::domain::DataSource::Formula && row.kind == RowKind::Actual => {
            td_string!(locale, data.lock.formula).to_string()
        }
        RowKind::Actual => td_string!(locale, data.lock.actuals).to_string(),
        RowKind::Target(_) => td_string!(locale, data.lock.targets).to_string(),
    });
    let name_cell = is_first_of_measure.then(|| {
        let rowspan = if matches!(row.kind, RowKind::Actual) { 1 } else { 2 };
        let owner = gm
            .owner_name
            .clone()
            .unwrap_or_else(|| td_string!(locale, data.table.no_owner).into());
        let fill_button = (matches!(row.kind, RowKind::Target(TargetPart::Goal)) && row.editable).then(|| {
            view! {
                <button type="button" class="link-button fill-button"
                    aria-label=td_string!(locale, data.table.fill_targets_of, name = m.name.clone()).to_string()
                    on:click=move |_| s.fill_open.update(|o| *o = if *o == Some(measure_id) { None } else { Some(measure_id) })>
                    {td_string!(locale, data.table.fill)}
                </button>
            }
        });
        view! {
            <th scope="row" rowspan=rowspan class="measure-col">
                <span class="measure-name">{m.name.clone()}</span>
                <span class="measure-facts">
                    {if m.unit.is_empty() { String::new() } else { format!("{} · ", m.unit) }}
                    {frequency_word(locale, m.frequency)}" · "{owner}
                    {gm.owned_by_me.then(|| view! { " " <span class="badge mine">{td_string!(locale, data.table.yours)}</span> })}
                    {lock_reason.clone().map(|why| view! { " " <span class="badge locked" title=why.clone() aria-label=why>{td_string!(locale, data.table.read_only)}</span> })}
                </span>
                {fill_button}
            </th>
        }
    });
    let part_cell = match row.kind {
        RowKind::Actual => None,
        RowKind::Target(TargetPart::Goal) => {
            Some(view! { <td class="part-col">{td_string!(locale, data.table.goal)}</td> })
        }
        RowKind::Target(TargetPart::RedFlag) => {
            Some(view! { <td class="part-col">{td_string!(locale, data.table.red_flag)}</td> })
        }
    };
    let cells = (0..12usize)
        .filter_map(|c| {
            let key = s.key_at(row, c)?;
            let month = i32::from(c as u8 + 1);
            let off_cycle = month % step != 0;
            Some(view! { <Cell s=s r=r c=c cell_key=key editable=row.editable off_cycle=off_cycle name=m.name.clone() lock=lock_reason.clone()/> })
        })
        .collect_view();
    let helper = (matches!(row.kind, RowKind::Target(TargetPart::RedFlag))).then(|| {
        let gm = gm.clone();
        move || {
            (s.fill_open.get() == Some(measure_id))
                .then(|| view! { <FillHelper s=s index=row.measure gm=gm.clone()/> })
        }
    });
    view! {
        {heading}
        <tr class="grid-row" class:locked=!row.editable class=("target-goal", matches!(row.kind, RowKind::Target(TargetPart::Goal)))>
            {name_cell}
            {part_cell}
            {cells}
        </tr>
        {helper}
    }
}

/// One input cell: its text, whether it changed, whether it reads, paste and keyboard moves.
#[component]
fn Cell(
    s: State,
    r: usize,
    c: usize,
    cell_key: CellKey,
    editable: bool,
    off_cycle: bool,
    name: String,
    lock: Option<String>,
) -> impl IntoView {
    let key = cell_key;
    let period = match key {
        CellKey::Actual(cell) | CellKey::Target(cell, _) => cell.period,
    };
    let locale = s.locale;
    let period = period.text(locale);
    let label = match key {
        CellKey::Actual(_) => td_string!(locale, data.table.cell_actual, name, period).to_string(),
        CellKey::Target(_, TargetPart::Goal) => {
            td_string!(locale, data.table.cell_goal, name, period).to_string()
        }
        CellKey::Target(_, TargetPart::RedFlag) => {
            td_string!(locale, data.table.cell_red_flag, name, period).to_string()
        }
    };
    let text = Memo::new(move |_| s.text(key));
    let dirty = Memo::new(move |_| s.is_dirty(key));
    let error = Memo::new(move |_| s.cell_error(key));
    let title = move || error.get().or_else(|| lock.clone()).unwrap_or_default();
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let Some(text) = ev
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        let block = entry::is_block(&text);
        if block || !editable {
            ev.prevent_default();
        }
        if block {
            s.paste(r, c, &text);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let rows = s.rows.with_untracked(Vec::len);
        let at_start = caret_at(&ev, false);
        let at_end = caret_at(&ev, true);
        let target = match ev.key().as_str() {
            "ArrowUp" => Some((r.checked_sub(1), Some(c))),
            "ArrowDown" => Some((Some(r + 1).filter(|x| *x < rows), Some(c))),
            "Enter" if ev.shift_key() => Some((r.checked_sub(1), Some(c))),
            "Enter" => Some((Some(r + 1).filter(|x| *x < rows), Some(c))),
            "ArrowLeft" if at_start => Some((Some(r), c.checked_sub(1))),
            "ArrowRight" if at_end => Some((Some(r), Some(c + 1).filter(|x| *x < 12))),
            "Escape" => {
                ev.prevent_default();
                match key {
                    CellKey::Actual(cell) => s.actual_edits.update(|e| {
                        e.remove(&cell);
                    }),
                    CellKey::Target(cell, part) => s.target_edits.update(|e| {
                        e.remove(&(cell, part));
                    }),
                }
                None
            }
            _ => None,
        };
        if let Some((nr, nc)) = target {
            ev.prevent_default();
            if let (Some(nr), Some(nc)) = (nr, nc) {
                focus_cell(nr, nc);
            }
        }
    };
    view! {
        <td class="cell" class:dirty=dirty class:invalid=move || error.with(Option::is_some) class=("off-cycle", off_cycle)>
            <input id=format!("cell-{r}-{c}") class="cell-input" type="text" inputmode="decimal" autocomplete="off"
                aria-label=label readonly=!editable aria-readonly=(!editable).to_string()
                aria-invalid=move || error.with(Option::is_some).to_string()
                title=title
                prop:value=text
                on:input=move |ev| if editable { s.set_text(key, event_target_value(&ev)) }
                on:paste=on_paste
                on:keydown=on_key
                on:focus=move |ev| select_all(&ev)/>
        </td>
    }
}

/// The bulk target helper of one measure: the same targets every reporting month of the year, or
/// a straight line from the baseline to the year-end goal.
#[component]
fn FillHelper(s: State, index: usize, gm: GridMeasure) -> impl IntoView {
    let locale = s.locale;
    let m = gm.measure;
    let year = s.data.with_value(|d| d.year);
    let months = targets::reporting_months(year, m.frequency).len();
    let ramp = RwSignal::new(false);
    let start = RwSignal::new(
        m.baseline
            .map(|b| cell_text_in(b, m.decimals, s.format.get_untracked()))
            .unwrap_or_default(),
    );
    let goal = RwSignal::new(String::new());
    let red = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let lower_better = m.polarity == crate::domain::Polarity::LowerIsBetter;
    let apply = move |_| {
        let f = s.format.get_untracked();
        let read = |field: FillField, sig: RwSignal<String>| -> Result<f64, String> {
            match entry::read_cell(&sig.get_untracked(), f) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(fill_problem(locale, field, None)),
                Err(e) => Err(fill_problem(locale, field, Some(&e.to_string()))),
            }
        };
        let how = (|| -> Result<TargetFill, String> {
            let goal = read(FillField::Goal, goal)?;
            let red_flag = read(FillField::RedFlag, red)?;
            Ok(match ramp.get_untracked() {
                true => TargetFill::Ramp {
                    start: read(FillField::Start, start)?,
                    goal,
                    red_flag,
                },
                false => TargetFill::Same { goal, red_flag },
            })
        })();
        match how.and_then(|how| s.fill(index, how)) {
            Ok(_) => {
                problem.set(None);
                s.fill_open.set(None);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    view! {
        <tr class="fill-row">
            <td colspan="14">
                <form class="fill-helper" aria-label=td_string!(locale, data.table.fill_targets_of, name = m.name.clone()).to_string() on:submit=move |ev| { ev.prevent_default(); apply(()); }>
                    <fieldset>
                        <legend>{td_string!(locale, data.fill.legend, count = months as u64, year).to_string()}</legend>
                        <label><input type="radio" name=format!("fill-{}", m.id) prop:checked=move || !ramp.get() on:change=move |_| ramp.set(false)/>{td_string!(locale, data.fill.same)}</label>
                        <label><input type="radio" name=format!("fill-{}", m.id) prop:checked=move || ramp.get() on:change=move |_| ramp.set(true)/>{td_string!(locale, data.fill.ramp)}</label>
                    </fieldset>
                    {move || ramp.get().then(|| view! {
                        <label class="field-inline">{td_string!(locale, data.fill.start_label)}
                            <input type="text" inputmode="decimal" aria-label=td_string!(locale, data.fill.start) prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                        </label>
                    })}
                    <label class="field-inline">{move || if ramp.get() { td_string!(locale, data.fill.year_end_goal_label) } else { td_string!(locale, data.fill.goal_label) }}
                        <input type="text" inputmode="decimal" aria-label=td_string!(locale, data.fill.goal) prop:value=move || goal.get() on:input=move |ev| goal.set(event_target_value(&ev))/>
                    </label>
                    <label class="field-inline">{move || if ramp.get() { td_string!(locale, data.fill.year_end_red_flag_label) } else { td_string!(locale, data.fill.red_flag_label) }}
                        <input type="text" inputmode="decimal" aria-label=td_string!(locale, data.fill.red_flag) prop:value=move || red.get() on:input=move |ev| red.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit" class="primary">{td_string!(locale, data.fill.submit, count = months as u64).to_string()}</button>
                    <button type="button" class="button secondary" on:click=move |_| s.fill_open.set(None)>{td_string!(locale, data.fill.cancel)}</button>
                    <p class="hint">
                        {if lower_better { td_string!(locale, data.fill.lower_better) } else { td_string!(locale, data.fill.higher_better) }}
                        {td_string!(locale, data.fill.ramp_hint)}
                    </p>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                </form>
            </td>
        </tr>
    }
}

/// A field of the bulk target helper, for its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FillField {
    Goal,
    RedFlag,
    Start,
}

/// Why a field of the bulk helper cannot be used: empty (`reason` `None`) or not a number.
fn fill_problem(locale: Locale, field: FillField, reason: Option<&str>) -> String {
    match (field, reason) {
        (FillField::Goal, None) => td_string!(locale, data.fill.enter_goal).to_string(),
        (FillField::RedFlag, None) => td_string!(locale, data.fill.enter_red_flag).to_string(),
        (FillField::Start, None) => td_string!(locale, data.fill.enter_start).to_string(),
        (FillField::Goal, Some(reason)) => {
            td_string!(locale, data.fill.bad_goal, reason).to_string()
        }
        (FillField::RedFlag, Some(reason)) => {
            td_string!(locale, data.fill.bad_red_flag, reason).to_string()
        }
        (FillField::Start, Some(reason)) => {
            td_string!(locale, data.fill.bad_start, reason).to_string()
        }
    }
}

/// The head of a month's column: "Mar 2026", "März 2026".
fn month_column(locale: Locale, period: Period) -> String {
    format!(
        "{} {}",
        month_short(locale, u32::from(period.month())),
        period.year()
    )
}

/// How often a measure reports, in words.
fn frequency_word(locale: Locale, frequency: crate::domain::Frequency) -> &'static str {
    use crate::domain::Frequency as F;
    match frequency {
        F::Daily => td_string!(locale, data.frequency.daily),
        F::Weekly => td_string!(locale, data.frequency.weekly),
        F::Monthly => td_string!(locale, data.frequency.monthly),
        F::Quarterly => td_string!(locale, data.frequency.quarterly),
        F::Yearly => td_string!(locale, data.frequency.yearly),
    }
}

/// What the save state says: nothing to save, how many changes, or how many cells to fix.
fn save_state(locale: Locale, errors: usize, changes: usize) -> String {
    match (errors, changes) {
        (0, 0) => td_string!(locale, data.state.clean).to_string(),
        (0, n) => td_string!(locale, data.state.changes, count = n as u64).to_string(),
        (e, _) => needs_fixing(locale, e),
    }
}

/// Whether the caret of the input behind a key event sits at its start (or end) with nothing
/// selected, so arrow keys leave the cell instead of moving inside its text.
fn caret_at(ev: &leptos::ev::KeyboardEvent, end: bool) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return true;
        };
        let len = input.value().encode_utf16().count() as u32;
        let (start, stop) = (
            input.selection_start().ok().flatten().unwrap_or(0),
            input.selection_end().ok().flatten().unwrap_or(0),
        );
        if start == 0 && stop == len {
            return true; // the whole text is selected, as after moving into a cell
        }
        start == stop && if end { stop == len } else { start == 0 }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, end);
        true
    }
}

/// Moves the focus to a visible cell and selects its text, as a spreadsheet does.
fn focus_cell(row: usize, column: usize) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = document()
            .get_element_by_id(&format!("cell-{row}-{column}"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            let _ = input.focus();
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (row, column);
}

/// Focuses the cell of a measure and month in the current tab (from the error list).
fn focus_cell_of(s: State, cell: MeasurePeriod) {
    let rows = s.rows.get_untracked();
    let column = s
        .months
        .with_value(|m| m.iter().position(|p| *p == cell.period));
    let row = rows
        .iter()
        .position(|r| s.data.with_value(|d| d.measures[r.measure].measure.id) == cell.measure_id);
    if let (Some(r), Some(c)) = (row, column) {
        request_animation_frame(move || focus_cell(r, c));
    }
}

fn select_all(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_page_reads_a_decimal_comma() {
        let format = locale_format(Locale::de);
        assert_eq!(entry::read_cell("12,5", format), Ok(Some(12.5)));
        assert_eq!(entry::read_cell("1.234,5", format), Ok(Some(1234.5)));
        assert_eq!(
            entry::read_cell("12.5", locale_format(Locale::en)),
            Ok(Some(12.5))
        );
    }

    #[test]
    fn saved_values_are_written_with_the_grid_s_decimal_mark() {
        assert_eq!(cell_text_in(12.5, 1, NumberFormat::Point), "12.5");
        assert_eq!(cell_text_in(12.5, 1, NumberFormat::Comma), "12,5");
        assert_eq!(cell_text_in(1_250_000.0, 0, NumberFormat::Comma), "1250000");
        let typed = cell_text_in(-3.25, 2, NumberFormat::Comma);
        assert_eq!(
            entry::read_cell(&typed, NumberFormat::Comma),
            Ok(Some(-3.25))
        );
    }

    #[test]
    fn grid_messages_follow_the_language() {
        assert_eq!(
            saved_message(Locale::en, 3, 12, 1),
            "Saved 3 actuals and 12 targets; cleared 1."
        );
        assert_eq!(saved_message(Locale::en, 1, 0, 0), "Saved 1 actual.");
        assert_eq!(saved_message(Locale::en, 0, 0, 2), "Saved; cleared 2.");
        assert_eq!(
            saved_message(Locale::de, 3, 1, 1),
            "3 Istwerte und 1 Zielvorgabe gespeichert; 1 gelöscht."
        );
        assert_eq!(save_state(Locale::en, 0, 0), "No unsaved changes");
        assert_eq!(save_state(Locale::en, 0, 1), "1 unsaved change");
        assert_eq!(save_state(Locale::en, 1, 0), "1 cell needs fixing");
        assert_eq!(
            save_state(Locale::de, 2, 0),
            "2 Zellen müssen korrigiert werden"
        );
        assert_eq!(
            pasted_message(Locale::en, 4, 2, 0),
            "Pasted 4 cells; 2 beyond the grid were left out. Check them, then save."
        );
        assert_eq!(
            pasted_message(Locale::de, 1, 0, 0),
            "1 Zelle eingefügt. Prüfen Sie sie, dann speichern Sie."
        );
        assert_eq!(
            fill_problem(Locale::de, FillField::RedFlag, None),
            "Geben Sie die Warnschwelle ein."
        );
    }

    #[test]
    fn month_columns_use_the_language_s_month_names() {
        let march = Period::new(2026, 3).unwrap_or_else(|| unreachable!());
        assert_eq!(month_column(Locale::en, march), march.label());
        assert_eq!(month_column(Locale::de, march), "März 2026");
        assert_eq!(
            frequency_word(Locale::de, crate::domain::Frequency::Quarterly),
            "vierteljährlich"
        );
    }
}
