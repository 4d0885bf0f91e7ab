//! The readiness diagnostic that opens an engagement (Phase 1): a leadership team answers about
//! twenty statements, in five areas, on a 1–5 scale (1 strongly disagree … 5 strongly agree),
//! each with an optional comment. No I/O: the store keeps surveys and answers, the API checks
//! rights.
//!
//! **The areas and statements.** The five areas are what a Balanced Scorecard engagement needs
//! to work (Kaplan and Norton's "execution premium" readiness themes): *strategy clarity* (is
//! there a strategy people can repeat), *leadership alignment* (do the leaders mean the same
//! strategy), *decision culture* (are decisions taken on evidence and kept), *data maturity* (can
//! the organisation measure what it decides) and *readiness for change* (will it act on what it
//! learns). Four statements each, worded so that agreeing is the healthy answer; the defaults
//! come from the translation catalogue (`survey.statement.*`) in the language of whoever starts
//! the survey, and each survey's facilitator may reword, add or remove statements until the
//! first answer arrives.
//!
//! **Anonymity.** Answers are kept apart from who was asked: a respondent's link only records
//! *that* it was used, never which answer it gave, and answers carry no time. Results exist only
//! once at least [`MIN_ANSWERS`] people have answered, and only as aggregates: means, spreads,
//! counts per scale point, and comments grouped by statement in alphabetical order (so one
//! person's comments cannot be lined up across statements).
//!
//! **Disagreement is the finding.** Each statement's spread is the standard deviation of its
//! answers (0 when everyone agrees, 2 when the team splits between 1 and 5); the results list
//! the most disagreed statements first.

use super::validation::{optional_text, required_text, ValidationError};
use super::{OrgUnitId, RespondentId, SurveyId, UserId};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

/// Results show only once this many people have answered.
pub const MIN_ANSWERS: usize = 3;
/// The most statements one survey may have.
pub const MAX_STATEMENTS: usize = 60;
/// The longest statement, in characters.
pub const MAX_STATEMENT: usize = 300;
/// The longest comment on one statement, in characters.
pub const MAX_COMMENT: usize = 2000;
/// The most people one survey may be sent to.
pub const MAX_RESPONDENTS: usize = 300;
/// The longest survey title, in characters.
pub const MAX_TITLE: usize = 200;

/// One of the five areas a readiness survey looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Area {
    StrategyClarity,
    LeadershipAlignment,
    DecisionCulture,
    DataMaturity,
    ChangeReadiness,
}

impl Area {
    /// Every area, in the order the survey asks them and the radar draws them.
    pub const ALL: [Area; 5] = [
        Area::StrategyClarity,
        Area::LeadershipAlignment,
        Area::DecisionCulture,
        Area::DataMaturity,
        Area::ChangeReadiness,
    ];

    /// The stable name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::StrategyClarity => "strategy_clarity",
            Area::LeadershipAlignment => "leadership_alignment",
            Area::DecisionCulture => "decision_culture",
            Area::DataMaturity => "data_maturity",
            Area::ChangeReadiness => "change_readiness",
        }
    }

    /// The area's name in `locale`.
    pub fn text(self, locale: Locale) -> &'static str {
        match self {
            Area::StrategyClarity => td_string!(locale, survey.area.strategy_clarity),
            Area::LeadershipAlignment => td_string!(locale, survey.area.leadership_alignment),
            Area::DecisionCulture => td_string!(locale, survey.area.decision_culture),
            Area::DataMaturity => td_string!(locale, survey.area.data_maturity),
            Area::ChangeReadiness => td_string!(locale, survey.area.change_readiness),
        }
    }
}

impl std::str::FromStr for Area {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Area::ALL.into_iter().find(|a| a.as_str() == s).ok_or(())
    }
}

/// A readiness survey of a unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Survey {
    pub id: SurveyId,
    pub org_unit_id: OrgUnitId,
    pub title: String,
    pub statements: Vec<Statement>,
    pub created_by: Option<UserId>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339 time it was closed to further answers.
    pub closed_at: Option<String>,
}

/// Someone a survey was sent to: their name and address, and whether their link was used
/// (never which answers they gave).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Respondent {
    pub id: RespondentId,
    pub survey_id: SurveyId,
    pub name: String,
    pub email: String,
    pub answered: bool,
}

/// Checks a survey's title and statements.
pub fn validate(s: &Survey) -> Result<(), ValidationError> {
    required_text("Survey title", &s.title, MAX_TITLE)?;
    validate_statements(&s.statements)
}

/// Reads "Ana Ruiz <ana@example.com>" lines (or bare addresses, named by what precedes the
/// @) into names and addresses; blank lines are skipped. At most [`MAX_RESPONDENTS`].
pub fn parse_respondents(text: &str) -> Result<Vec<(String, String)>, ValidationError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, email) = match (line.rfind('<'), line.strip_suffix('>')) {
            (Some(open), Some(inner)) => (line[..open].trim(), inner[open + 1..].trim()),
            _ => ("", line),
        };
        super::validation::email(email)?;
        let name = if name.is_empty() {
            email.split('@').next().unwrap_or(email)
        } else {
            name
        };
        required_text("Name", name, super::validation::MAX_NAME)?;
        if out.iter().any(|(_, e)| e.eq_ignore_ascii_case(email)) {
            return Err(ValidationError::Duplicate("Respondents".into()));
        }
        out.push((name.to_string(), email.to_string()));
    }
    if out.is_empty() {
        return Err(ValidationError::Empty {
            field: "Respondents".into(),
        });
    }
    if out.len() > MAX_RESPONDENTS {
        return Err(ValidationError::TooManyEntries {
            field: "Respondents".into(),
            max: MAX_RESPONDENTS,
        });
    }
    Ok(out)
}

/// The words of a point on the scale.
pub fn scale_word(locale: Locale, score: u8) -> &'static str {
    match score {
        1 => td_string!(locale, survey.scale.strongly_disagree),
        2 => td_string!(locale, survey.scale.disagree),
        3 => td_string!(locale, survey.scale.neither),
        4 => td_string!(locale, survey.scale.agree),
        _ => td_string!(locale, survey.scale.strongly_agree),
    }
}

/// One statement of a survey. `key` is stable within the survey (answers refer to it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Statement {
    pub key: u32,
    pub area: Area,
    pub text: String,
}

/// The twenty default statements, four per area, in `locale`.
pub fn default_statements(locale: Locale) -> Vec<Statement> {
    let texts: [(Area, &str); 20] = [
        (
            Area::StrategyClarity,
            td_string!(locale, survey.statement.clarity_1),
        ),
        (
            Area::StrategyClarity,
            td_string!(locale, survey.statement.clarity_2),
        ),
        (
            Area::StrategyClarity,
            td_string!(locale, survey.statement.clarity_3),
        ),
        (
            Area::StrategyClarity,
            td_string!(locale, survey.statement.clarity_4),
        ),
        (
            Area::LeadershipAlignment,
            td_string!(locale, survey.statement.alignment_1),
        ),
        (
            Area::LeadershipAlignment,
            td_string!(locale, survey.statement.alignment_2),
        ),
        (
            Area::LeadershipAlignment,
            td_string!(locale, survey.statement.alignment_3),
        ),
        (
            Area::LeadershipAlignment,
            td_string!(locale, survey.statement.alignment_4),
        ),
        (
            Area::DecisionCulture,
            td_string!(locale, survey.statement.decisions_1),
        ),
        (
            Area::DecisionCulture,
            td_string!(locale, survey.statement.decisions_2),
        ),
        (
            Area::DecisionCulture,
            td_string!(locale, survey.statement.decisions_3),
        ),
        (
            Area::DecisionCulture,
            td_string!(locale, survey.statement.decisions_4),
        ),
        (
            Area::DataMaturity,
            td_string!(locale, survey.statement.data_1),
        ),
        (
            Area::DataMaturity,
            td_string!(locale, survey.statement.data_2),
        ),
        (
            Area::DataMaturity,
            td_string!(locale, survey.statement.data_3),
        ),
        (
            Area::DataMaturity,
            td_string!(locale, survey.statement.data_4),
        ),
        (
            Area::ChangeReadiness,
            td_string!(locale, survey.statement.change_1),
        ),
        (
            Area::ChangeReadiness,
            td_string!(locale, survey.statement.change_2),
        ),
        (
            Area::ChangeReadiness,
            td_string!(locale, survey.statement.change_3),
        ),
        (
            Area::ChangeReadiness,
            td_string!(locale, survey.statement.change_4),
        ),
    ];
    texts
        .into_iter()
        .zip(1..)
        .map(|((area, text), key)| Statement {
            key,
            area,
            text: text.to_string(),
        })
        .collect()
}

/// Checks a survey's statements: at least one, at most [`MAX_STATEMENTS`], each worded, keys
/// unique.
pub fn validate_statements(statements: &[Statement]) -> Result<(), ValidationError> {
    if statements.is_empty() {
        return Err(ValidationError::Empty {
            field: "Statements".into(),
        });
    }
    if statements.len() > MAX_STATEMENTS {
        return Err(ValidationError::TooManyEntries {
            field: "Statements".into(),
            max: MAX_STATEMENTS,
        });
    }
    let mut keys: Vec<u32> = statements.iter().map(|s| s.key).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != statements.len() {
        return Err(ValidationError::Duplicate("Statements".into()));
    }
    statements
        .iter()
        .try_for_each(|s| required_text("Statement", &s.text, MAX_STATEMENT))
}

/// Gives statements the facilitator added (key 0) fresh keys after the highest in use, so
/// answers keep pointing at the statement they answered.
pub fn number_new(statements: &mut [Statement]) {
    let mut next = statements.iter().map(|s| s.key).max().unwrap_or(0);
    for s in statements.iter_mut().filter(|s| s.key == 0) {
        next += 1;
        s.key = next;
    }
}

/// One person's answer to one statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Answer {
    pub key: u32,
    /// 1 (strongly disagree) to 5 (strongly agree).
    pub score: u8,
    #[serde(default)]
    pub comment: String,
}

/// Checks one person's answers: every statement answered once on the scale, nothing else, and
/// comments not too long.
pub fn validate_answers(
    statements: &[Statement],
    answers: &[Answer],
) -> Result<(), ValidationError> {
    if answers.len() != statements.len()
        || statements
            .iter()
            .any(|s| answers.iter().filter(|a| a.key == s.key).count() != 1)
    {
        return Err(ValidationError::Unanswered);
    }
    for a in answers {
        if !(1..=5).contains(&a.score) {
            return Err(ValidationError::OutOfRange {
                field: "Answer".into(),
                min: 1.0,
                max: 5.0,
            });
        }
        optional_text("Comment", &a.comment, MAX_COMMENT)?;
    }
    Ok(())
}

/// A statement's answers in aggregate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatementResult {
    pub key: u32,
    pub area: Area,
    pub text: String,
    pub answers: usize,
    pub mean: f64,
    /// The standard deviation of the answers: 0 when all agree, up to 2.
    pub spread: f64,
    /// How many answered 1, 2, 3, 4 and 5.
    pub counts: [usize; 5],
    /// The comments on it, in alphabetical order.
    pub comments: Vec<String>,
}

/// An area's mean over its statements' answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaResult {
    pub area: Area,
    /// None for an area without statements.
    pub mean: Option<f64>,
    pub statements: usize,
}

/// What a survey's answers say, once there are enough of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Results {
    pub answered: usize,
    /// In [`Area::ALL`]'s order.
    pub areas: Vec<AreaResult>,
    /// The most disagreed first (highest spread, then lowest mean, then survey order).
    pub statements: Vec<StatementResult>,
}

/// The aggregates of `responses` (each one person's answers) to `statements`; none below
/// [`MIN_ANSWERS`] responses, so no one's answers can be read off the results.
pub fn results(statements: &[Statement], responses: &[Vec<Answer>]) -> Option<Results> {
    if responses.len() < MIN_ANSWERS {
        return None;
    }
    let mut per_statement: Vec<StatementResult> = statements
        .iter()
        .map(|s| {
            let given: Vec<&Answer> = responses
                .iter()
                .filter_map(|r| r.iter().find(|a| a.key == s.key))
                .collect();
            let scores: Vec<f64> = given.iter().map(|a| f64::from(a.score)).collect();
            let mut counts = [0usize; 5];
            for a in &given {
                if let Some(c) = counts.get_mut(usize::from(a.score.saturating_sub(1))) {
                    *c += 1;
                }
            }
            let mut comments: Vec<String> = given
                .iter()
                .map(|a| a.comment.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            comments.sort();
            StatementResult {
                key: s.key,
                area: s.area,
                text: s.text.clone(),
                answers: scores.len(),
                mean: mean(&scores),
                spread: spread(&scores),
                counts,
                comments,
            }
        })
        .collect();
    let areas = Area::ALL
        .iter()
        .map(|area| {
            let of_area: Vec<&StatementResult> = per_statement
                .iter()
                .filter(|s| s.area == *area && s.answers > 0)
                .collect();
            AreaResult {
                area: *area,
                mean: (!of_area.is_empty())
                    .then(|| mean(&of_area.iter().map(|s| s.mean).collect::<Vec<_>>())),
                statements: of_area.len(),
            }
        })
        .collect();
    let order = |key: u32| statements.iter().position(|s| s.key == key);
    per_statement.sort_by(|a, b| {
        b.spread
            .total_cmp(&a.spread)
            .then(a.mean.total_cmp(&b.mean))
            .then(order(a.key).cmp(&order(b.key)))
    });
    Some(Results {
        answered: responses.len(),
        areas,
        statements: per_statement,
    })
}

/// The radar of `results`' means per area, titled and worded in `locale` (page and PDF).
pub fn radar(results: &Results, locale: Locale) -> String {
    let areas: Vec<(String, Option<f64>)> = results
        .areas
        .iter()
        .map(|a| (a.area.text(locale).to_string(), a.mean))
        .collect();
    super::drawing::radar_svg(td_string!(locale, survey.radar), &areas, locale)
}

/// A survey's results as the PDF prints them, every word in the reader's language. The
/// layout (`server/src/export/survey.typ`) reads it as JSON, with the radar as an SVG.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyBook {
    pub lang: String,
    pub title: String,
    pub unit: String,
    /// "5 of 7 people answered".
    pub answered: String,
    /// "Generated on 6 Dec 2026".
    pub generated: String,
    pub heading: String,
    pub radar: String,
    pub spread_heading: String,
    pub spread_hint: String,
    pub columns: Vec<String>,
    pub rows: Vec<BookRow>,
    pub comments_heading: String,
    pub no_comments: String,
    /// (statement, its comments) for statements with comments, most disagreed first.
    pub comments: Vec<(String, Vec<String>)>,
    pub page: String,
}

/// One statement's line in the PDF's spread table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookRow {
    pub statement: String,
    pub area: String,
    pub mean: String,
    pub spread: String,
    /// "2 · 0 · 1 · 4 · 3": answers at 1 … 5.
    pub counts: String,
}

/// The PDF's content for `survey`'s `results`, in `locale`.
pub fn book(
    survey: &Survey,
    unit: &str,
    results: &Results,
    asked: usize,
    today: chrono::NaiveDate,
    locale: Locale,
) -> SurveyBook {
    use crate::i18n::{format_date, format_number};
    SurveyBook {
        lang: locale.tag().to_string(),
        title: survey.title.clone(),
        unit: unit.to_string(),
        answered: td_string!(
            locale,
            survey.book.answered,
            answered = results.answered,
            asked = asked
        )
        .to_string(),
        generated: td_string!(
            locale,
            survey.book.generated,
            date = format_date(locale, today)
        )
        .to_string(),
        heading: td_string!(locale, survey.book.title).to_string(),
        radar: td_string!(locale, survey.radar).to_string(),
        spread_heading: td_string!(locale, survey.spread_heading).to_string(),
        spread_hint: td_string!(locale, survey.spread_hint).to_string(),
        columns: vec![
            td_string!(locale, survey.statement_column).to_string(),
            td_string!(locale, survey.area_column).to_string(),
            td_string!(locale, survey.mean_column).to_string(),
            td_string!(locale, survey.spread_column).to_string(),
            td_string!(locale, survey.answers_column).to_string(),
        ],
        rows: results
            .statements
            .iter()
            .map(|s| BookRow {
                statement: s.text.clone(),
                area: s.area.text(locale).to_string(),
                mean: format_number(locale, s.mean, 1),
                spread: format_number(locale, s.spread, 2),
                counts: s
                    .counts
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" · "),
            })
            .collect(),
        comments_heading: td_string!(locale, survey.comments).to_string(),
        no_comments: td_string!(locale, survey.no_comments).to_string(),
        comments: results
            .statements
            .iter()
            .filter(|s| !s.comments.is_empty())
            .map(|s| (s.text.clone(), s.comments.clone()))
            .collect(),
        page: td_string!(locale, reviews.book.page).to_string(),
    }
}

/// The mean of `xs` (0 for none).
fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The (population) standard deviation of `xs`: how far answers lie from their mean.
fn spread(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn statements() -> Vec<Statement> {
        default_statements(Locale::en)
    }

    fn answers(scores: &[u8]) -> Vec<Answer> {
        statements()
            .iter()
            .zip(scores.iter().cycle())
            .map(|(s, score)| Answer {
                key: s.key,
                score: *score,
                comment: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_defaults_ask_four_statements_in_each_of_five_areas() {
        for locale in [Locale::en, Locale::de] {
            let all = default_statements(locale);
            assert_eq!(all.len(), 20);
            for area in Area::ALL {
                assert_eq!(all.iter().filter(|s| s.area == area).count(), 4);
            }
            assert_eq!(validate_statements(&all), Ok(()));
        }
        assert_ne!(
            default_statements(Locale::en)[0].text,
            default_statements(Locale::de)[0].text
        );
    }

    #[test]
    fn fewer_than_three_answers_give_no_results() {
        let s = statements();
        assert_eq!(results(&s, &[]), None);
        assert_eq!(results(&s, &[answers(&[5]), answers(&[1])]), None);
        assert!(results(&s, &[answers(&[5]), answers(&[1]), answers(&[3])]).is_some());
    }

    #[test]
    fn the_most_disagreed_statement_comes_first() {
        let s = statements();
        let mut split = [answers(&[4]), answers(&[4]), answers(&[4]), answers(&[4])];
        // Statement 7 splits the team between 1 and 5; statement 2 is a little uneven.
        for (i, r) in split.iter_mut().enumerate() {
            r[6].score = if i % 2 == 0 { 1 } else { 5 };
            r[1].score = if i == 0 { 3 } else { 4 };
        }
        split[0][6].comment = "  We never discuss this.  ".into();
        split[1][6].comment = "Always on the agenda".into();
        let r = results(&s, &split).unwrap();
        assert_eq!(r.answered, 4);
        assert_eq!(r.statements[0].key, 7);
        assert!((r.statements[0].spread - 2.0).abs() < 1e-12);
        assert!((r.statements[0].mean - 3.0).abs() < 1e-12);
        assert_eq!(r.statements[0].counts, [2, 0, 0, 0, 2]);
        assert_eq!(
            r.statements[0].comments,
            ["Always on the agenda", "We never discuss this."],
            "trimmed, alphabetical: not in the order they came"
        );
        assert_eq!(r.statements[1].key, 2);
        assert!(r.statements[2..].iter().all(|x| x.spread == 0.0));
        let alignment = &r.areas[1];
        assert_eq!(alignment.area, Area::LeadershipAlignment);
        // Statements 5–8: 4, 4, 3 (mean of 1, 5, 1, 5), 4.
        assert!((alignment.mean.unwrap() - 3.75).abs() < 1e-12);
    }

    #[test]
    fn answers_must_cover_every_statement_once_on_the_scale() {
        let s = statements();
        assert_eq!(validate_answers(&s, &answers(&[3])), Ok(()));
        let mut missing = answers(&[3]);
        missing.pop();
        assert_eq!(
            validate_answers(&s, &missing),
            Err(ValidationError::Unanswered)
        );
        let mut twice = answers(&[3]);
        twice[1].key = twice[0].key;
        assert_eq!(
            validate_answers(&s, &twice),
            Err(ValidationError::Unanswered)
        );
        for bad in [0, 6] {
            assert!(matches!(
                validate_answers(&s, &answers(&[bad])),
                Err(ValidationError::OutOfRange { .. })
            ));
        }
        let mut long = answers(&[3]);
        long[0].comment = "x".repeat(MAX_COMMENT + 1);
        assert!(matches!(
            validate_answers(&s, &long),
            Err(ValidationError::TooLong { .. })
        ));
    }

    #[test]
    fn respondents_are_read_one_a_line() {
        let people =
            parse_respondents("Ana Ruiz <ana@example.com>\n\n  bo@example.com \n").unwrap();
        assert_eq!(
            people,
            [
                ("Ana Ruiz".to_string(), "ana@example.com".to_string()),
                ("bo".to_string(), "bo@example.com".to_string())
            ]
        );
        assert!(parse_respondents("Ana <not an address>").is_err());
        assert!(parse_respondents("a@example.com\nA@example.com").is_err());
        assert!(parse_respondents(" \n").is_err());
    }

    #[test]
    fn new_statements_get_fresh_keys() {
        let mut s = statements();
        s.remove(3);
        s.push(Statement {
            key: 0,
            area: Area::DataMaturity,
            text: "Our data arrives on time.".into(),
        });
        number_new(&mut s);
        assert_eq!(s.last().unwrap().key, 21);
        assert_eq!(validate_statements(&s), Ok(()));
        s.push(s[0].clone());
        assert!(validate_statements(&s).is_err());
    }

    proptest! {
        #[test]
        fn aggregates_stay_on_the_scale(scores in prop::collection::vec(prop::collection::vec(1u8..=5, 20), 3..30)) {
            let s = statements();
            let responses: Vec<Vec<Answer>> = scores.iter().map(|r| {
                s.iter().zip(r).map(|(st, score)| Answer { key: st.key, score: *score, comment: String::new() }).collect()
            }).collect();
            let r = results(&s, &responses).unwrap();
            for st in &r.statements {
                prop_assert!((1.0..=5.0).contains(&st.mean));
                prop_assert!((0.0..=2.0).contains(&st.spread));
                prop_assert_eq!(st.counts.iter().sum::<usize>(), responses.len());
            }
            for w in r.statements.windows(2) {
                prop_assert!(w[0].spread >= w[1].spread);
            }
        }
    }
}
