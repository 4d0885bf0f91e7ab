//! Files made from Cairn's data: the scorecard as CSV and XLSX, the strategy map as SVG and
//! PNG, the initiative timeline as PNG, and the briefing book as PDF. The drawings and the book's
//! content come from the pure `app::domain::{drawing, export, briefing}`; this module gathers the
//! data with the caller's rights checked on every unit it reads ([`files`]), and turns it into
//! bytes with well-kept crates: `csv`, `rust_xlsxwriter`, `resvg` and Typst (as a library, with
//! the DejaVu fonts embedded, so no system font or headless browser is involved).

pub mod files;
pub mod mailing;
pub mod routes;

use app::domain::briefing::BriefingBook;
use app::domain::csv_safe::neutralise;
use app::domain::export::{Cell, Table};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};
use typst::foundations::{Bytes, Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

/// The fonts every drawing and the briefing book are set in (DejaVu Sans; its licence is in
/// `server/fonts`).
pub static FONTS: [&[u8]; 3] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Oblique.ttf"),
];

/// The briefing book's layout.
const BOOK_TEMPLATE: &str = include_str!("briefing.typ");
/// The layout of a readiness survey's results.
const SURVEY_TEMPLATE: &str = include_str!("survey.typ");

/// The largest drawing rasterised, in pixels a side: bigger maps are scaled down to it.
const MAX_PNG_SIDE: f32 = 8192.0;

/// Why a file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the drawing is not valid SVG: {0}")]
    Svg(String),
    #[error("the picture could not be encoded: {0}")]
    Png(String),
    #[error("the spreadsheet could not be written: {0}")]
    Sheet(String),
    #[error("the briefing book could not be typeset: {0}")]
    Typeset(String),
}

impl From<ExportError> for app::api::ApiError {
    fn from(e: ExportError) -> Self {
        tracing::error!(error = %e, "export failed");
        app::api::ApiError::Internal(e.to_string())
    }
}

/// The table as CSV (UTF-8 with a byte-order mark, so spreadsheets read accents), every text
/// cell neutralised against formulas.
pub fn csv_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let sheet = |e: csv::Error| ExportError::Sheet(e.to_string());
    w.write_record(table.header.iter().map(|h| neutralise(h).into_owned()))
        .map_err(sheet)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(t) => neutralise(t).into_owned(),
            other => other.text(),
        }))
        .map_err(sheet)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Sheet(e.to_string()))
}

/// The table as an Excel workbook: bold frozen headings, numbers as numbers, every text cell
/// written as text (never a formula) and neutralised as in the CSV.
pub fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let sheet = |e: rust_xlsxwriter::XlsxError| ExportError::Sheet(e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // Sheet names may not hold []:*?/\ and are at most 31 characters.
    let name: String = table
        .name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        ws.set_name(name.trim()).map_err(sheet)?;
    }
    let bold = Format::new().set_bold();
    for (c, h) in table.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, neutralise(h), &bold)
            .map_err(sheet)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    ws.write_string(r, c, neutralise(t)).map_err(sheet)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n).map_err(sheet)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(sheet)?;
    ws.autofit();
    book.save_to_buffer().map_err(sheet)
}

/// The font database resvg draws text with: the embedded fonts only.
fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for f in FONTS {
            db.load_font_data(f.to_vec());
        }
        db.set_sans_serif_family(app::domain::drawing::FONT);
        Arc::new(db)
    })
    .clone()
}

/// `svg` rasterised at `scale` (2 = sharp on high-density screens and in slides), no side
/// larger than [`MAX_PNG_SIDE`].
pub fn png_bytes(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let options = usvg::Options {
        fontdb: fontdb(),
        font_family: app::domain::drawing::FONT.to_string(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| ExportError::Svg(e.to_string()))?;
    let size = tree.size();
    let scale = scale
        .min(MAX_PNG_SIDE / size.width())
        .min(MAX_PNG_SIDE / size.height())
        .max(0.01);
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| ExportError::Png(format!("no room for {w}×{h} pixels")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Png(e.to_string()))
}

/// The Typst engine with the book's layout and the embedded fonts, made once.
fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| engine_for(BOOK_TEMPLATE))
}

/// The Typst engine with the survey results' layout, made once.
fn survey_engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| engine_for(SURVEY_TEMPLATE))
}

/// A Typst engine for `layout` with the embedded fonts.
fn engine_for(layout: &'static str) -> TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    TypstEngine::builder()
        .main_file(layout)
        .fonts(FONTS)
        .build()
}

/// `inputs` typeset with `engine` as a PDF.
fn pdf_of(
    engine: &TypstEngine<typst_as_lib::TypstTemplateMainFile>,
    inputs: Dict,
) -> Result<Vec<u8>, ExportError> {
    let doc: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| ExportError::Typeset(e.to_string()))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        ExportError::Typeset(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// A survey's results typeset as a PDF, with its radar (SVG). Call it on the blocking pool.
pub fn survey_pdf(
    book: &app::domain::survey::SurveyBook,
    radar: &str,
) -> Result<Vec<u8>, ExportError> {
    let json = serde_json::to_vec(book).map_err(|e| ExportError::Typeset(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("book".into(), Bytes::new(json).into_value());
    inputs.insert(
        "radar".into(),
        Bytes::new(radar.as_bytes().to_vec()).into_value(),
    );
    pdf_of(survey_engine(), inputs)
}

/// The drawings a book shows, as SVG documents.
pub struct BookDrawings {
    pub map: String,
    pub timeline: Option<String>,
    /// By agenda item number (1-based).
    pub charts: Vec<(usize, String)>,
}

/// The briefing book typeset as a PDF. CPU-bound (a 20-item book takes a fraction of a second):
/// call it on the blocking pool.
pub fn briefing_pdf(book: &BriefingBook, drawings: &BookDrawings) -> Result<Vec<u8>, ExportError> {
    let json = serde_json::to_vec(book).map_err(|e| ExportError::Typeset(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("book".into(), Bytes::new(json).into_value());
    inputs.insert(
        "map".into(),
        Bytes::new(drawings.map.clone().into_bytes()).into_value(),
    );
    if let Some(t) = &drawings.timeline {
        inputs.insert(
            "timeline".into(),
            Bytes::new(t.clone().into_bytes()).into_value(),
        );
    }
    for (n, svg) in &drawings.charts {
        inputs.insert(
            format!("chart-{n}").as_str().into(),
            Bytes::new(svg.clone().into_bytes()).into_value(),
        );
    }
    pdf_of(engine(), inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "Mar 2026".into(),
            header: vec!["Objective".into(), "Actual".into()],
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Number(-5.5)],
                vec![Cell::Text("Grow, \"fast\"".into()), Cell::Empty],
            ],
        }
    }

    #[test]
    fn csv_neutralises_formulas_and_keeps_numbers() {
        let bytes = csv_bytes(&table()).expect("csv");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(
            text,
            "Objective,Actual\n\"'=HYPERLINK(\"\"x\"\")\",-5.5\n\"Grow, \"\"fast\"\"\",\n"
        );
    }

    #[test]
    fn xlsx_is_a_workbook_with_the_neutralised_text() {
        use calamine::{Reader, Xlsx};
        let bytes = xlsx_bytes(&table()).expect("xlsx");
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a workbook");
        let range = book.worksheet_range("Mar 2026").expect("the sheet");
        assert_eq!(
            range.get_value((1, 0)).map(|v| v.to_string()),
            Some("'=HYPERLINK(\"x\")".to_string())
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(-5.5)));
    }

    #[test]
    fn a_drawing_becomes_a_png_of_its_size_times_the_scale() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="DejaVu Sans">Hi</text></svg>"#;
        let png = png_bytes(svg, 2.0).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!((width, height), (80, 40));
        assert!(matches!(png_bytes("<svg", 1.0), Err(ExportError::Svg(_))));
    }
}
