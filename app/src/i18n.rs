//! The user's language: the generated catalogue module (`locales/<lang>/<namespace>.json`, keys
//! checked at compile time), how a request's language is chosen, and the locale's formats for
//! dates, months, numbers and money.
//!
//! Components write `let i18n = use_i18n();` and `t!(i18n, map.add_objective)`, or
//! `t_string!(i18n, …)` where a `String` is needed (attributes). Code that has a [`Locale`] but no
//! component context (errors, REST messages, exports) writes `td_string!(locale, …)`.
//!
//! Numbers and dates are formatted here from the catalogue's own month names and separators
//! rather than with ICU: ICU's compiled data would add several hundred kilobytes to the browser
//! bundle for the two formats Cairn needs.

// Counts use leptos_i18n's ranges ("1 measure", "2 measures"), which it marks deprecated in
// favour of ICU plurals; ICU's plural data would grow the browser bundle for two languages whose
// cardinal rules ranges express exactly.
#[allow(missing_docs, clippy::all, unused, deprecated)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n::*;
/// `as_str()` and the other methods of a [`Locale`].
pub use leptos_i18n::Locale as _;

impl Locale {
    /// The language tag ("en", "de"), as stored with a user and written on `<html lang>`.
    pub fn tag(self) -> &'static str {
        leptos_i18n::Locale::as_str(self)
    }
}

/// The translation context of a page (`use_i18n()`).
pub type I18nContext = leptos_i18n::I18nContext<Locale>;

use leptos::prelude::*;

/// The language the server chose for the page being rendered (the user's stored choice, else
/// the `cairn_lang` cookie, else `Accept-Language`). The shell writes it on `<html lang>`, and
/// the browser reads it back from there when it hydrates, so both render the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLocale(pub Locale);

/// The cookie that keeps a visitor's language choice before and after signing in.
pub const LANGUAGE_COOKIE: &str = "cairn_lang";

/// Every language Cairn ships, in the order the language menu lists them.
pub const LANGUAGES: [Locale; 2] = [Locale::en, Locale::de];

/// A language tag from a stored choice, a cookie or a form ("de", "de-CH", "EN").
pub fn parse_locale(tag: &str) -> Option<Locale> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES.into_iter().find(|l| l.tag() == primary)
}

/// The language for a request: the user's stored choice, else the cookie, else the best match
/// in `Accept-Language` (with its q-values), else English.
pub fn choose_locale(
    stored: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> Locale {
    stored
        .and_then(parse_locale)
        .or_else(|| cookie.and_then(parse_locale))
        .or_else(|| accept_language.and_then(best_accepted))
        .unwrap_or_default()
}

/// The first language of an `Accept-Language` header, by preference, that Cairn ships.
fn best_accepted(header: &str) -> Option<Locale> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(order, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty()).then_some((q, order, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, tag)| parse_locale(tag))
}

/// The language of the page being rendered on the server: the one the page handler chose
/// ([`RequestLocale`]), or for pages rendered without it (the 404 page) the cookie and
/// `Accept-Language` of the request.
pub fn server_render_locale() -> Option<Locale> {
    if let Some(RequestLocale(locale)) = use_context::<RequestLocale>() {
        return Some(locale);
    }
    #[cfg(feature = "ssr")]
    {
        let headers = use_context::<http::request::Parts>()?.headers;
        let accept = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let cookie = crate::auth::cookie(&headers, LANGUAGE_COOKIE);
        Some(choose_locale(None, cookie.as_deref(), accept))
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// Creates the page's translation context. On the server the language is the one the request
/// chose ([`server_render_locale`]); in the browser it is read back from `<html lang>`.
///
/// A known language is given to the context when it is made, never written into it afterwards:
/// on the server the context's own effect reads the locale on a worker thread at once, and a
/// write racing that read fails its lock, which reactive_graph reports as a panic ("already
/// disposed") that could take a page render down with it.
pub fn provide_i18n() -> I18nContext {
    let i18n = match server_render_locale() {
        Some(locale) => leptos_i18n::context::init_i18n_subcontext_with_options::<Locale>(
            Some(Signal::stored(locale)),
            None,
            None,
            None,
        ),
        None => leptos_i18n::context::init_i18n_context::<Locale>(),
    };
    provide_context(i18n);
    i18n
}

/// The language of the page, for code that formats outside a view.
pub fn current_locale() -> Locale {
    use_context::<I18nContext>()
        .map(|i18n| i18n.get_locale_untracked())
        .or_else(|| use_context::<RequestLocale>().map(|r| r.0))
        .unwrap_or_default()
}

/// A month's full name ("March", "März").
pub fn month_name(locale: Locale, month: u32) -> &'static str {
    month_names(locale)
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// A month's short name ("Mar", "Mär").
pub fn month_short(locale: Locale, month: u32) -> &'static str {
    month_short_names(locale)
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

fn month_names(locale: Locale) -> [&'static str; 12] {
    [
        td_string!(locale, common.month.m1),
        td_string!(locale, common.month.m2),
        td_string!(locale, common.month.m3),
        td_string!(locale, common.month.m4),
        td_string!(locale, common.month.m5),
        td_string!(locale, common.month.m6),
        td_string!(locale, common.month.m7),
        td_string!(locale, common.month.m8),
        td_string!(locale, common.month.m9),
        td_string!(locale, common.month.m10),
        td_string!(locale, common.month.m11),
        td_string!(locale, common.month.m12),
    ]
}

fn month_short_names(locale: Locale) -> [&'static str; 12] {
    [
        td_string!(locale, common.month_short.m1),
        td_string!(locale, common.month_short.m2),
        td_string!(locale, common.month_short.m3),
        td_string!(locale, common.month_short.m4),
        td_string!(locale, common.month_short.m5),
        td_string!(locale, common.month_short.m6),
        td_string!(locale, common.month_short.m7),
        td_string!(locale, common.month_short.m8),
        td_string!(locale, common.month_short.m9),
        td_string!(locale, common.month_short.m10),
        td_string!(locale, common.month_short.m11),
        td_string!(locale, common.month_short.m12),
    ]
}

/// "March 2026" / "März 2026".
pub fn month_year(locale: Locale, year: i32, month: u32) -> String {
    format!("{} {year}", month_name(locale, month))
}

/// A date the locale's way: "5 Mar 2026" / "5. März 2026".
pub fn format_date(locale: Locale, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match locale {
        Locale::de => format!(
            "{}. {} {}",
            date.day(),
            month_name(locale, date.month()),
            date.year()
        ),
        Locale::en => format!(
            "{} {} {}",
            date.day(),
            month_short(locale, date.month()),
            date.year()
        ),
    }
}

/// A number with `decimals` places, the locale's decimal mark and digit grouping:
/// 1234.5 → "1,234.5" / "1.234,5". Not-a-number shows as "–".
pub fn format_number(locale: Locale, value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let decimal_mark = td_string!(locale, common.number.decimal_mark);
    let group_mark = td_string!(locale, common.number.group_mark);
    let fixed = format!("{:.*}", decimals as usize, value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push_str(group_mark);
        }
        grouped.push(digit);
    }
    let negative = value < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "−" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{decimal_mark}{fraction}")
    }
}

/// A number with the measure's decimals and unit, the locale's way ("87.5 %", "1,200 days";
/// German "87,5 %"). A unit that starts with a currency symbol leads in English ("€k120").
pub fn format_value(locale: Locale, value: f64, decimals: u8, unit: &str) -> String {
    let number = format_number(locale, value, decimals);
    let leading_symbol = unit.starts_with(['€', '$', '£', '¥']);
    match unit {
        "" => number,
        u if leading_symbol && locale == Locale::en => format!("{u}{number}"),
        u => format!("{number} {u}"),
    }
}

/// The symbol people write for an ISO 4217 currency code, or the code itself.
pub fn currency_symbol(code: &str) -> &str {
    match code {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "CNY" => "CN¥",
        _ => code,
    }
}

/// An amount of money in the organisation's currency, the locale's way, shortened to thousands
/// ("k") or millions ("m") when large: "€268.5k" / "268,5 Tsd. €".
pub fn format_money(locale: Locale, value: f64, currency: &str) -> String {
    let symbol = currency_symbol(currency);
    let (amount, decimals, scale) = if value.abs() >= 1_000_000.0 {
        (
            value / 1_000_000.0,
            2,
            td_string!(locale, common.money.millions),
        )
    } else if value.abs() >= 1000.0 {
        (
            value / 1000.0,
            1,
            td_string!(locale, common.money.thousands),
        )
    } else {
        (value, 0, "")
    };
    let mut number = format_number(locale, amount, decimals);
    let zero_fraction = format!(
        "{}{}",
        td_string!(locale, common.number.decimal_mark),
        "0".repeat(decimals as usize)
    );
    if decimals > 0 && number.ends_with(&zero_fraction) {
        number.truncate(number.len() - zero_fraction.len());
    }
    match locale {
        Locale::de if scale.is_empty() => format!("{number} {symbol}"),
        Locale::de => format!("{number} {scale} {symbol}"),
        Locale::en => format!("{symbol}{number}{scale}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_choice_wins_over_the_cookie_and_the_browser() {
        assert_eq!(
            choose_locale(Some("de"), Some("en"), Some("en-GB")),
            Locale::de
        );
        assert_eq!(choose_locale(None, Some("de"), Some("en-GB")), Locale::de);
        assert_eq!(
            choose_locale(Some("xx"), None, Some("de-AT,en;q=0.5")),
            Locale::de
        );
        assert_eq!(choose_locale(None, None, None), Locale::en);
    }

    #[test]
    fn accept_language_is_read_by_preference() {
        assert_eq!(
            best_accepted("fr-CH, fr;q=0.9, de;q=0.8, en;q=0.7"),
            Some(Locale::de)
        );
        assert_eq!(best_accepted("en;q=0.2, de;q=0.9"), Some(Locale::de));
        assert_eq!(best_accepted("de;q=0, en"), Some(Locale::en));
        assert_eq!(best_accepted("fr, it"), None);
        assert_eq!(best_accepted(""), None);
    }

    #[test]
    fn numbers_follow_the_locale() {
        assert_eq!(format_number(Locale::en, 1234567.891, 2), "1,234,567.89");
        assert_eq!(format_number(Locale::de, 1234567.891, 2), "1.234.567,89");
        assert_eq!(format_number(Locale::de, -12.5, 1), "−12,5");
        assert_eq!(format_number(Locale::en, -0.001, 1), "0.0");
        assert_eq!(format_number(Locale::en, 999.0, 0), "999");
        assert_eq!(format_number(Locale::en, f64::NAN, 0), "–");
    }

    #[test]
    fn counts_take_the_language_s_plural() {
        assert_eq!(
            td_string!(Locale::en, common.count.measures, count = 1u64).to_string(),
            "1 measure"
        );
        assert_eq!(
            td_string!(Locale::de, common.count.measures, count = 3u64).to_string(),
            "3 Kennzahlen"
        );
    }

    #[test]
    fn months_and_dates_follow_the_locale() {
        assert_eq!(month_name(Locale::de, 3), "März");
        assert_eq!(month_short(Locale::en, 12), "Dec");
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert_eq!(format_date(Locale::en, date), "5 Mar 2026");
        assert_eq!(format_date(Locale::de, date), "5. März 2026");
    }

    #[test]
    fn money_uses_the_organisation_currency_and_the_locale() {
        assert_eq!(format_money(Locale::en, 268_500.0, "EUR"), "€268.5k");
        assert_eq!(format_money(Locale::de, 268_500.0, "EUR"), "268,5 Tsd. €");
        assert_eq!(format_money(Locale::en, 1_250_000.0, "USD"), "$1.25m");
        assert_eq!(format_money(Locale::de, 1_250_000.0, "EUR"), "1,25 Mio. €");
        assert_eq!(format_money(Locale::en, 120_000.0, "GBP"), "£120k");
        assert_eq!(format_money(Locale::de, 950.0, "CHF"), "950 CHF");
    }
}
