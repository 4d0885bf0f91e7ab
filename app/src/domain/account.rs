//! Accounts: the first-run set-up of an organisation, a person's profile and their sessions.
//! Pure values and the rules their forms obey; the store and the server functions use them.

use super::validation::{self, ValidationError, MAX_NAME};
use serde::{Deserialize, Serialize};

/// The currency the set-up form suggests (the store's default for an organisation without one).
pub const SUGGESTED_CURRENCY: &str = "EUR";

/// One live session of a person, as their profile page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Names the session for signing it out (the SHA-256 of its token: the token itself cannot
    /// be derived from it).
    pub id: String,
    /// When it began (RFC 3339).
    pub created_at: String,
    /// When it was last used (seconds since the epoch, to the minute).
    pub last_seen: i64,
    /// The browser it belongs to, as it named itself.
    pub user_agent: Option<String>,
    /// Whether it is the session of the request that asked.
    pub current: bool,
}

/// What the profile page shows and edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The person's name.
    pub name: String,
    /// Their email (how they sign in).
    pub email: String,
    /// Their language ("de"), or `None` to follow the browser.
    pub language: Option<String>,
    /// Their live sessions, this one marked.
    pub sessions: Vec<SessionInfo>,
}

/// The first-run form: the organisation and its first admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    /// The organisation's name (its root unit's name).
    pub organisation: String,
    /// Its currency, an ISO 4217 code.
    pub currency: String,
    /// Its default language tag ("en", "de").
    pub language: String,
    /// The first admin's name.
    pub name: String,
    /// The first admin's email.
    pub email: String,
    /// Their password.
    pub password: String,
    /// The password again.
    pub confirm: String,
}

/// Why a set-up or a password change was refused beyond the field rules.
#[derive(Clone, Debug, PartialEq)]
pub enum AccountProblem {
    /// A field breaks its rule.
    Invalid(ValidationError),
    /// The password and its confirmation differ.
    PasswordsDiffer,
}

impl From<ValidationError> for AccountProblem {
    fn from(e: ValidationError) -> Self {
        AccountProblem::Invalid(e)
    }
}

/// A currency code as stored: three letters, upper case.
pub fn currency_code(code: &str) -> Result<String, ValidationError> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ValidationError::BadCurrency(
            code.chars().take(20).collect(),
        ))
    }
}

/// A new password and its confirmation: long enough, and the same twice.
pub fn new_password(password: &str, confirm: &str) -> Result<(), AccountProblem> {
    validation::password(password)?;
    if password != confirm {
        return Err(AccountProblem::PasswordsDiffer);
    }
    Ok(())
}

impl Setup {
    /// Checks every field; the first problem found, in the form's order.
    pub fn validate(&self) -> Result<(), AccountProblem> {
        validation::required_text("Organisation", &self.organisation, MAX_NAME)?;
        currency_code(&self.currency)?;
        if crate::i18n::parse_locale(self.language.trim()).is_none() {
            let tag = self.language.trim().chars().take(20).collect();
            return Err(ValidationError::UnknownLanguage(tag).into());
        }
        validation::required_text("Name", &self.name, MAX_NAME)?;
        validation::email(&self.email)?;
        new_password(&self.password, &self.confirm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> Setup {
        Setup {
            organisation: "Acme Ltd".into(),
            currency: "usd".into(),
            language: "de".into(),
            name: "Ada Admin".into(),
            email: "ada@acme.example".into(),
            password: "a long password".into(),
            confirm: "a long password".into(),
        }
    }

    #[test]
    fn a_complete_setup_is_accepted() {
        assert_eq!(setup().validate(), Ok(()));
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(Setup, AccountProblem)> = vec![
            (
                Setup {
                    organisation: "  ".into(),
                    ..setup()
                },
                ValidationError::Empty {
                    field: "Organisation".into(),
                }
                .into(),
            ),
            (
                Setup {
                    currency: "euro".into(),
                    ..setup()
                },
                ValidationError::BadCurrency("EURO".into()).into(),
            ),
            (
                Setup {
                    language: "fr".into(),
                    ..setup()
                },
                ValidationError::UnknownLanguage("fr".into()).into(),
            ),
            (
                Setup {
                    email: "ada".into(),
                    ..setup()
                },
                ValidationError::BadEmail("ada".into()).into(),
            ),
            (
                Setup {
                    password: "short".into(),
                    confirm: "short".into(),
                    ..setup()
                },
                ValidationError::PasswordTooShort.into(),
            ),
            (
                Setup {
                    confirm: "a long passwort".into(),
                    ..setup()
                },
                AccountProblem::PasswordsDiffer,
            ),
        ];
        for (form, problem) in cases {
            assert_eq!(form.validate(), Err(problem));
        }
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert_eq!(currency_code(" chf ").as_deref(), Ok("CHF"));
        assert!(currency_code("E1R").is_err());
        assert!(currency_code("€").is_err());
    }
}
