//! The briefing book: what a review (or any map and period) prints as, worded in the reader's
//! language and laid out by the server's typesetter: a cover, the strategy map in status
//! colours, the scorecard table, a page per agenda item (figures, chart, why, commentary,
//! decisions, actions, initiatives), the initiative timeline and the open actions. Everything
//! here comes from the review's snapshot, so a closed review's book reads the same a year later.
//! Statuses are words as well as colours, for black-and-white printing. Pure: no I/O.

use super::hypothesis::HypothesisView;
use super::review::{ActionItem, ItemSubject, Snapshot};
use super::scoring::Score;
use super::{ObjectiveId, ReviewItemId};
use crate::i18n::{format_date, format_number, format_value, td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A status as the book prints it: its word, its colour and its score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusText {
    pub word: String,
    pub colour: String,
    pub score: String,
}

impl StatusText {
    /// `score` in `locale`.
    pub fn of(score: Score, locale: Locale) -> StatusText {
        StatusText {
            word: score.status.text(locale).to_string(),
            colour: score.status.colour().to_string(),
            score: score
                .value
                .map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1)),
        }
    }
}

/// One line of the scorecard table: an objective (with its measures' lines after it) or a
/// measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScorecardLine {
    pub perspective: String,
    pub objective: String,
    /// Empty on an objective's own line.
    pub measure: String,
    pub actual: String,
    pub target: String,
    pub status: StatusText,
    pub stale: bool,
}

/// An action as the book lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookAction {
    pub text: String,
    pub owner: String,
    pub due: String,
    /// "Done 3 Mar 2026", "Overdue" or "Open".
    pub state: String,
    pub item_id: Option<ReviewItemId>,
}

/// A page of the book about one agenda item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookItem {
    pub number: usize,
    pub title: String,
    pub reason: String,
    pub owner: String,
    pub status: Option<StatusText>,
    /// "Actual 87.5 % · target 90 % · red flag 80 %" for a measure.
    pub figures: String,
    /// The note entered with the actual.
    pub note: String,
    /// Whether the item has a chart (drawn as `chart-<number>`).
    pub chart: bool,
    pub why: Vec<String>,
    pub analysis: String,
    pub recommendation: String,
    pub decisions: Vec<String>,
    pub actions: Vec<BookAction>,
    /// "Name — At risk, 40 %, ends 30 Jun 2026" for each initiative moving the item's objective.
    pub initiatives: Vec<String>,
}

/// The words the template prints around the data, in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookWords {
    pub book: String,
    pub contents: String,
    pub map: String,
    pub scorecard: String,
    pub perspective: String,
    pub objective: String,
    pub measure: String,
    pub actual: String,
    pub target: String,
    pub status: String,
    pub score: String,
    pub stale: String,
    pub agenda: String,
    pub reason: String,
    pub owner: String,
    pub note: String,
    pub why: String,
    pub analysis: String,
    pub recommendation: String,
    pub no_commentary: String,
    pub decisions: String,
    pub actions: String,
    pub initiatives: String,
    pub timeline: String,
    pub open_actions: String,
    pub none: String,
    pub due: String,
    pub page: String,
    pub frozen: String,
}

impl BookWords {
    /// The book's words in `locale`.
    pub fn of(locale: Locale) -> BookWords {
        let w = |s: &str| s.to_string();
        BookWords {
            book: w(td_string!(locale, reviews.book.book)),
            contents: w(td_string!(locale, reviews.book.contents)),
            map: w(td_string!(locale, reviews.book.map)),
            scorecard: w(td_string!(locale, reviews.book.scorecard)),
            perspective: w(td_string!(locale, reviews.book.perspective)),
            objective: w(td_string!(locale, reviews.book.objective)),
            measure: w(td_string!(locale, reviews.book.measure)),
            actual: w(td_string!(locale, reviews.book.actual)),
            target: w(td_string!(locale, reviews.book.target)),
            status: w(td_string!(locale, reviews.book.status)),
            score: w(td_string!(locale, reviews.book.score)),
            stale: w(td_string!(locale, reviews.book.stale)),
            agenda: w(td_string!(locale, reviews.book.agenda)),
            reason: w(td_string!(locale, reviews.book.reason)),
            owner: w(td_string!(locale, reviews.book.owner)),
            note: w(td_string!(locale, reviews.book.note)),
            why: w(td_string!(locale, reviews.book.why)),
            analysis: w(td_string!(locale, reviews.book.analysis)),
            recommendation: w(td_string!(locale, reviews.book.recommendation)),
            no_commentary: w(td_string!(locale, reviews.book.no_commentary)),
            decisions: w(td_string!(locale, reviews.book.decisions)),
            actions: w(td_string!(locale, reviews.book.actions)),
            initiatives: w(td_string!(locale, reviews.book.initiatives)),
            timeline: w(td_string!(locale, reviews.book.timeline)),
            open_actions: w(td_string!(locale, reviews.book.open_actions)),
            none: w(td_string!(locale, reviews.book.none)),
            due: w(td_string!(locale, reviews.book.due)),
            page: w(td_string!(locale, reviews.book.page)),
            frozen: w(td_string!(locale, reviews.book.frozen)),
        }
    }
}

/// The whole book, as the template reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingBook {
    pub lang: String,
    /// The review's title, or the map's name for a book of a map and period.
    pub title: String,
    pub unit: String,
    pub map: String,
    pub period: String,
    /// "Held 8 Dec 2026" / "Generated 6 Dec 2026".
    pub dated: String,
    /// Set for a closed review: when its record was frozen.
    pub frozen: Option<String>,
    pub map_status: StatusText,
    pub scorecard: Vec<ScorecardLine>,
    pub items: Vec<BookItem>,
    /// Whether there is a timeline (drawn as `timeline`).
    pub timeline: bool,
    pub open_actions: Vec<BookAction>,
    pub words: BookWords,
}

/// Who the book is about and when.
pub struct BookHeader<'a> {
    pub title: &'a str,
    pub held_on: Option<NaiveDate>,
    pub frozen: bool,
    pub today: NaiveDate,
}

/// The book of `snap` for `header`, worded in `locale`; `names` gives a person's name (actions'
/// and items' owners); `has_chart` says whether an item has a chart worth drawing.
pub fn book(
    snap: &Snapshot,
    header: &BookHeader<'_>,
    names: &dyn Fn(super::UserId) -> Option<String>,
    has_timeline: bool,
    locale: Locale,
) -> BriefingBook {
    let owner = |id: Option<super::UserId>| id.and_then(names).unwrap_or_default();
    let action = |a: &ActionItem| BookAction {
        text: a.text.clone(),
        owner: owner(a.owner_id),
        due: format_date(locale, a.due_on),
        state: match a.done_on {
            Some(d) => {
                td_string!(locale, reviews.book.done_on, date = format_date(locale, d)).to_string()
            }
            None if a.is_overdue(header.today) => {
                td_string!(locale, reviews.book.overdue).to_string()
            }
            None => td_string!(locale, reviews.book.open).to_string(),
        },
        item_id: a.item_id,
    };
    let items = snap
        .items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let detail = snap.details.iter().find(|d| d.item_id == item.id);
            let objective_of: Option<ObjectiveId> = match item.subject {
                ItemSubject::Objective(o) => Some(o),
                ItemSubject::Measure(m) => snap
                    .measures
                    .iter()
                    .find(|x| x.id == m)
                    .map(|x| x.objective_id),
                _ => None,
            };
            let (status, figures, note) = match item.subject {
                ItemSubject::Measure(m) => match snap.measures.iter().find(|x| x.id == m) {
                    Some(x) => {
                        let v = |v: Option<f64>| {
                            v.map_or_else(
                                || "–".to_string(),
                                |v| format_value(locale, v, x.decimals, &x.unit),
                            )
                        };
                        (
                            Some(StatusText::of(x.score, locale)),
                            td_string!(
                                locale,
                                reviews.book.figures,
                                actual = v(x.actual),
                                target = v(x.goal),
                                red_flag = v(x.red_flag)
                            )
                            .to_string(),
                            x.note.clone(),
                        )
                    }
                    None => (None, String::new(), String::new()),
                },
                ItemSubject::Objective(o) => (
                    snap.objectives
                        .iter()
                        .find(|x| x.id == o)
                        .map(|x| StatusText::of(x.score, locale)),
                    String::new(),
                    String::new(),
                ),
                ItemSubject::Link(l) => (
                    None,
                    arrow_of(snap, l)
                        .map(|a| arrow_figures(a, locale))
                        .unwrap_or_default(),
                    String::new(),
                ),
                _ => (None, String::new(), String::new()),
            };
            let arrow_why = match item.subject {
                ItemSubject::Link(l) => arrow_of(snap, l).map(|a| a.test.verdict.why(locale)),
                _ => None,
            };
            let why = detail
                .and_then(|d| d.why.as_ref())
                .map(|w| {
                    let mut lines = w.lines.clone();
                    lines.extend(w.children.iter().map(|c| {
                        format!(
                            "{} — {} ({})",
                            c.name,
                            c.score.status.text(locale),
                            c.score
                                .value
                                .map_or_else(|| "–".to_string(), |v| format_number(locale, v, 1))
                        )
                    }));
                    lines
                })
                .unwrap_or_default()
                .into_iter()
                .chain(arrow_why.map(str::to_string))
                .collect();
            let initiatives = snap
                .initiatives
                .iter()
                .filter(|i| objective_of.is_some_and(|o| i.objective_ids.contains(&o)))
                .map(|i| {
                    td_string!(
                        locale,
                        reviews.book.initiative_line,
                        name = &i.name,
                        status = super::initiative::status_and_word(locale, i.status).1,
                        percent = i.percent_complete,
                        end = format_date(locale, i.end_date)
                    )
                    .to_string()
                })
                .collect();
            BookItem {
                number: n + 1,
                title: item.title.clone(),
                reason: item.reason.text(locale).to_string(),
                owner: owner(item.owner_id),
                status,
                figures,
                note,
                chart: detail.is_some_and(|d| d.scoring.is_some() && !d.chart.is_empty())
                    || matches!(item.subject, ItemSubject::Link(l) if arrow_of(snap, l).is_some()),
                why,
                analysis: item.commentary.analysis.clone(),
                recommendation: item.commentary.recommendation.clone(),
                decisions: snap
                    .decisions
                    .iter()
                    .filter(|d| d.item_id == Some(item.id))
                    .map(|d| d.text.clone())
                    .collect(),
                actions: snap
                    .actions
                    .iter()
                    .filter(|a| a.item_id == Some(item.id))
                    .map(action)
                    .collect(),
                initiatives,
            }
        })
        .collect();
    let mut scorecard = Vec::new();
    for o in &snap.objectives {
        scorecard.push(ScorecardLine {
            perspective: o.perspective.clone(),
            objective: o.title.clone(),
            measure: String::new(),
            actual: String::new(),
            target: String::new(),
            status: StatusText::of(o.score, locale),
            stale: false,
        });
        for m in snap.measures.iter().filter(|m| m.objective_id == o.id) {
            let v = |v: Option<f64>| {
                v.map_or_else(
                    || "–".to_string(),
                    |v| format_value(locale, v, m.decimals, &m.unit),
                )
            };
            scorecard.push(ScorecardLine {
                perspective: o.perspective.clone(),
                objective: o.title.clone(),
                measure: m.name.clone(),
                actual: v(m.actual),
                target: v(m.goal),
                status: StatusText::of(m.score, locale),
                stale: m.stale,
            });
        }
    }
    let dated = match header.held_on {
        Some(d) => td_string!(locale, reviews.book.held, date = format_date(locale, d)),
        None => td_string!(
            locale,
            reviews.book.generated,
            date = format_date(locale, header.today)
        ),
    }
    .to_string();
    BriefingBook {
        lang: locale.tag().to_string(),
        title: header.title.to_string(),
        unit: snap.unit_name.clone(),
        map: snap.map_name.clone(),
        period: snap.span.text(locale),
        dated,
        frozen: header.frozen.then(|| {
            td_string!(
                locale,
                reviews.book.frozen_at,
                time = snap
                    .taken_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " ")
            )
            .to_string()
        }),
        map_status: StatusText::of(snap.map_score, locale),
        scorecard,
        items,
        timeline: has_timeline,
        open_actions: snap
            .actions
            .iter()
            .filter(|a| a.done_on.is_none())
            .map(action)
            .collect(),
        words: BookWords::of(locale),
    }
}

/// The last day of the month a unit may choose for mailing its books: every month has it.
pub const LAST_MAIL_DAY: u8 = 28;

/// The test of arrow `link` the snapshot kept, if it is on the agenda.
pub fn arrow_of(snap: &Snapshot, link: super::LinkId) -> Option<&HypothesisView> {
    snap.arrows.iter().find(|a| a.link_id == link)
}

/// "Expects more → more, after 2 months · ρ = −0.62 after 1 month, over 23 paired months".
fn arrow_figures(a: &HypothesisView, locale: Locale) -> String {
    match a.finding(locale) {
        Some(found) => format!("{} · {found}", a.expectation(locale)),
        None => a.expectation(locale),
    }
}

/// Checks a unit's mailing day: none (it does not mail), or 1 to [`LAST_MAIL_DAY`].
pub fn validate_mail_day(day: Option<u8>) -> Result<(), super::validation::ValidationError> {
    match day {
        Some(d) if !(1..=LAST_MAIL_DAY).contains(&d) => {
            Err(super::validation::ValidationError::OutOfRange {
                field: "Day of the month".into(),
                min: 1.0,
                max: f64::from(LAST_MAIL_DAY),
            })
        }
        _ => Ok(()),
    }
}

/// The month whose book a unit mailing on `day` sends on `today`: the month just closed, from
/// that day of the next month on (a server that was down on the day catches up later in the
/// month; what was sent is recorded, so nobody gets it twice).
pub fn mail_period(today: NaiveDate, day: u8) -> Option<super::Period> {
    use chrono::Datelike;
    if today.day() < u32::from(day) {
        return None;
    }
    let this_month = super::Period::new(today.year(), u8::try_from(today.month()).ok()?)?;
    Some(this_month.plus_months(-1))
}

/// Whether a map's book goes out for `period`: a map that is not archived and whose strategy
/// period holds that month.
pub fn mails_book_of(map: &super::MapSummary, period: super::Period) -> bool {
    map.status != super::MapStatus::Archived
        && map.period_start <= period
        && period <= map.period_end
}

/// The subject and text of the mail that carries a map's book for `period`, worded in `locale`
/// for `name`; `link` opens the map in Cairn.
pub fn mail_text(
    locale: Locale,
    name: &str,
    map: &str,
    unit: &str,
    period: super::Period,
    link: &str,
) -> (String, String) {
    let month = period.text(locale);
    let subject = td_string!(locale, mail.briefing.subject, map, month = &month).to_string();
    let body = format!(
        "{}\n\n{}\n\n{}\n\n{}",
        td_string!(locale, mail.digest.greeting, name),
        td_string!(locale, mail.briefing.body, map, unit, month),
        td_string!(locale, mail.briefing.open, url = link),
        td_string!(locale, mail.briefing.footer, unit),
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::{
        AgendaItem, Commentary, Decision, ItemDetail, ItemReason, SnapMeasure, SnapObjective,
    };
    use crate::domain::scoring::Span;
    use crate::domain::{ActionItemId, DecisionId, MeasureId, OrgUnitId, Period, ReviewId, UserId};

    #[test]
    fn the_book_of_the_month_just_closed_goes_out_from_the_units_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day");
        let november = Period::new(2026, 11).expect("a month");
        assert_eq!(mail_period(day(2026, 12, 4), 5), None, "before the day");
        assert_eq!(mail_period(day(2026, 12, 5), 5), Some(november));
        assert_eq!(
            mail_period(day(2026, 12, 28), 5),
            Some(november),
            "caught up later"
        );
        assert_eq!(
            mail_period(day(2027, 1, 1), 1),
            Some(Period::new(2026, 12).expect("a month")),
            "across the year"
        );
    }

    #[test]
    fn a_mailing_day_is_one_every_month_has() {
        assert!(validate_mail_day(None).is_ok());
        assert!(validate_mail_day(Some(1)).is_ok());
        assert!(validate_mail_day(Some(LAST_MAIL_DAY)).is_ok());
        assert!(validate_mail_day(Some(0)).is_err());
        assert!(validate_mail_day(Some(29)).is_err());
    }

    #[test]
    fn only_maps_of_the_month_that_are_not_archived_are_mailed() {
        let month = |m| Period::new(2026, m).expect("a month");
        let map = |status| crate::domain::MapSummary {
            id: crate::domain::MapId::new(),
            name: "Northwind 2026".into(),
            status,
            period_start: month(1),
            period_end: month(11),
            objective_count: 3,
        };
        assert!(mails_book_of(
            &map(crate::domain::MapStatus::Active),
            month(11)
        ));
        assert!(mails_book_of(
            &map(crate::domain::MapStatus::Draft),
            month(1)
        ));
        assert!(!mails_book_of(
            &map(crate::domain::MapStatus::Archived),
            month(11)
        ));
        assert!(!mails_book_of(
            &map(crate::domain::MapStatus::Active),
            month(12)
        ));
    }

    #[test]
    fn the_mail_names_map_month_and_link_in_the_readers_language() {
        let november = Period::new(2026, 11).expect("a month");
        let (subject, body) = mail_text(
            Locale::de,
            "Ana",
            "Northwind 2026",
            "Northwind",
            november,
            "https://cairn.example/maps/1",
        );
        assert!(subject.contains("Northwind 2026"), "{subject}");
        assert!(subject.contains(&november.text(Locale::de)), "{subject}");
        assert!(body.contains("Ana"));
        assert!(body.contains("https://cairn.example/maps/1"));
        let (english, _) = mail_text(Locale::en, "Ana", "M", "U", november, "x");
        assert_ne!(
            english.replace('M', ""),
            subject.replace("Northwind 2026", "")
        );
    }

    fn snap() -> (Snapshot, UserId) {
        let owner = UserId::new();
        let objective = ObjectiveId::new();
        let measure = MeasureId::new();
        let mut item = AgendaItem::new(
            ItemSubject::Measure(measure),
            ItemReason::Red,
            "On-time delivery",
            Some(owner),
        );
        item.commentary = Commentary {
            analysis: "Two suppliers failed.".into(),
            recommendation: "Dual-source.".into(),
            written_by: Some(owner),
            written_at: None,
        };
        let item_id = item.id;
        let span = Span::Month {
            period: Period::new(2026, 11).expect("a month"),
        };
        let snap = Snapshot {
            taken_at: "2026-12-08T10:30:00Z".into(),
            unit_name: "Acme".into(),
            map_name: "Acme 2026".into(),
            span,
            map_score: Score::from_value(4.2),
            objectives: vec![SnapObjective {
                id: objective,
                perspective: "Customer".into(),
                title: "Delight customers".into(),
                score: Score::from_value(2.0),
            }],
            measures: vec![SnapMeasure {
                id: measure,
                objective_id: objective,
                name: "On-time delivery".into(),
                unit: "%".into(),
                decimals: 1,
                actual: Some(81.5),
                goal: Some(95.0),
                red_flag: Some(85.0),
                score: Score::from_value(2.0),
                stale: false,
                note: "Port strike".into(),
            }],
            initiatives: Vec::new(),
            items: vec![item],
            decisions: vec![Decision {
                id: DecisionId::new(),
                item_id: Some(item_id),
                text: "Audit suppliers".into(),
                created_at: String::new(),
            }],
            actions: vec![ActionItem {
                id: ActionItemId::new(),
                org_unit_id: OrgUnitId::new(),
                review_id: ReviewId::new(),
                item_id: Some(item_id),
                subject: None,
                text: "Call the second supplier".into(),
                owner_id: Some(owner),
                due_on: NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date"),
                done_on: None,
            }],
            details: vec![ItemDetail {
                item_id,
                chart: Vec::new(),
                scoring: None,
                why: None,
            }],
            layout: None,
            timeline: None,
            arrows: Vec::new(),
        };
        (snap, owner)
    }

    #[test]
    fn a_book_carries_the_snapshot_with_words_for_every_status() {
        let (snap, owner) = snap();
        let header = BookHeader {
            title: "November review",
            held_on: NaiveDate::from_ymd_opt(2026, 12, 8),
            frozen: true,
            today: NaiveDate::from_ymd_opt(2026, 12, 10).expect("a date"),
        };
        let names = |id: UserId| (id == owner).then(|| "Dana".to_string());
        let b = book(&snap, &header, &names, false, Locale::en);
        assert_eq!(b.title, "November review");
        assert_eq!(b.items.len(), 1);
        let item = &b.items[0];
        assert_eq!(item.owner, "Dana");
        assert_eq!(item.status.as_ref().map(|s| s.word.as_str()), Some("Red"));
        assert!(item.figures.contains("81.5 %"), "{}", item.figures);
        assert_eq!(item.note, "Port strike");
        assert_eq!(item.analysis, "Two suppliers failed.");
        assert_eq!(item.decisions, vec!["Audit suppliers".to_string()]);
        assert_eq!(item.actions.len(), 1);
        assert_eq!(
            item.actions[0].state, "Overdue",
            "due 1 Dec, read on 10 Dec"
        );
        assert!(!item.chart, "no months, no chart");
        assert_eq!(
            b.scorecard.len(),
            2,
            "the objective's line and its measure's"
        );
        assert_eq!(b.scorecard[1].status.word, "Red");
        assert_eq!(b.open_actions.len(), 1);
        assert!(b
            .frozen
            .as_deref()
            .is_some_and(|f| f.contains("2026-12-08 10:30")));
    }

    #[test]
    fn a_book_is_worded_in_german() {
        let (snap, _) = snap();
        let header = BookHeader {
            title: "Review",
            held_on: None,
            frozen: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date"),
        };
        let b = book(&snap, &header, &|_| None, true, Locale::de);
        assert_eq!(b.lang, "de");
        assert!(
            b.items[0].figures.contains("81,5 %"),
            "{}",
            b.items[0].figures
        );
        assert_eq!(b.items[0].actions[0].state, "Offen");
        assert!(b.frozen.is_none());
        assert!(b.timeline);
    }
}
