//! Single sign-on (OpenID Connect): what Cairn makes of the identity a provider vouches for.
//! The protocol itself (discovery, PKCE, the code exchange, the ID token's signature and nonce)
//! runs in the server; this module holds the rules that decide who signs in, pure and tested.

use crate::domain::people::UserStatus;
use crate::domain::validation;
use crate::domain::UserId;
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// Why a single sign-on was refused. Each travels to the sign-in page as a short code in its
/// address (`/signin?error=sso_unverified`), so the page can say it in the reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SsoRefusal {
    /// The answer carries no state Cairn handed out, or one that was used or expired, or it
    /// came to another browser than the one that started: a forged or replayed answer.
    State,
    /// The provider refused, or its answer did not check out (a used code, a bad signature,
    /// a wrong nonce or issuer).
    Provider,
    /// The provider could not be reached (discovery or the token exchange failed).
    Unavailable,
    /// The provider sent no email address (or one that is not an address).
    NoEmail,
    /// The provider does not vouch for the email address (`email_verified` is not true).
    Unverified,
    /// Nobody in Cairn has this email, and single sign-on does not create people.
    Unknown,
    /// Single sign-on would create the person, but the unit for their role is not there.
    Setup,
    /// Cairn itself failed (its database); nothing was changed.
    Failed,
    /// The Cairn account with this email was deactivated by an admin.
    Deactivated,
}

impl SsoRefusal {
    /// Every refusal, for round-trip tests and the catalogue check.
    pub const ALL: [SsoRefusal; 9] = [
        SsoRefusal::State,
        SsoRefusal::Provider,
        SsoRefusal::Unavailable,
        SsoRefusal::NoEmail,
        SsoRefusal::Unverified,
        SsoRefusal::Unknown,
        SsoRefusal::Setup,
        SsoRefusal::Failed,
        SsoRefusal::Deactivated,
    ];

    /// The code in the sign-in page's address.
    pub fn code(self) -> &'static str {
        match self {
            SsoRefusal::State => "sso_state",
            SsoRefusal::Provider => "sso_provider",
            SsoRefusal::Unavailable => "sso_unavailable",
            SsoRefusal::NoEmail => "sso_no_email",
            SsoRefusal::Unverified => "sso_unverified",
            SsoRefusal::Unknown => "sso_unknown",
            SsoRefusal::Setup => "sso_setup",
            SsoRefusal::Failed => "sso_failed",
            SsoRefusal::Deactivated => "sso_deactivated",
        }
    }

    /// The refusal a code names, if it names one.
    pub fn from_code(code: &str) -> Option<SsoRefusal> {
        SsoRefusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The message for a person, in `locale`.
    pub fn text(self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            SsoRefusal::State => td_string!(locale, sso.refused.state),
            SsoRefusal::Provider => td_string!(locale, sso.refused.provider),
            SsoRefusal::Unavailable => td_string!(locale, sso.refused.unavailable),
            SsoRefusal::NoEmail => td_string!(locale, sso.refused.no_email),
            SsoRefusal::Unverified => td_string!(locale, sso.refused.unverified),
            SsoRefusal::Unknown => td_string!(locale, sso.refused.unknown),
            SsoRefusal::Setup => td_string!(locale, sso.refused.setup),
            SsoRefusal::Failed => td_string!(locale, sso.refused.failed),
            SsoRefusal::Deactivated => td_string!(locale, sso.refused.deactivated),
        }
        .to_string()
    }
}

impl std::fmt::Display for SsoRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Locale::en))
    }
}

/// What the provider said about the person, read from the verified ID token.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// The `email` claim, if any.
    pub email: Option<String>,
    /// The `email_verified` claim (absent counts as not verified).
    pub email_verified: Option<bool>,
    /// The `name` claim, if any.
    pub name: Option<String>,
}

/// Who signs in for an identity.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// The Cairn user with this (verified) email.
    Existing(UserId),
    /// The invited (not yet joined) account with this email: the provider vouches for the
    /// address, so signing in completes the invitation.
    Join(UserId),
    /// A new Cairn user, to be created with the configured default role.
    Create {
        /// The verified email, normalised.
        email: String,
        /// Their name: the provider's, else made from the email.
        name: String,
    },
}

/// Decides who signs in: an identity counts only with an email the provider has verified. It
/// matches the Cairn account `existing` found for that email (with its status: an invited one
/// joins, a deactivated one is refused); without one, a new user is created when
/// `create_users` is on and the sign-in is refused otherwise.
pub fn decide(
    identity: &Identity,
    existing: Option<(UserId, UserStatus)>,
    create_users: bool,
) -> Result<Decision, SsoRefusal> {
    let email = verified_email(identity)?;
    match existing {
        Some((id, UserStatus::Active)) => Ok(Decision::Existing(id)),
        Some((id, UserStatus::Invited)) => Ok(Decision::Join(id)),
        Some((_, UserStatus::Deactivated)) => Err(SsoRefusal::Deactivated),
        None if create_users => Ok(Decision::Create {
            name: display_name(identity.name.as_deref(), &email),
            email,
        }),
        None => Err(SsoRefusal::Unknown),
    }
}

/// The identity's email, normalised, when it reads as an address and the provider verified it.
pub fn verified_email(identity: &Identity) -> Result<String, SsoRefusal> {
    let email = identity
        .email
        .as_deref()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| validation::email(e).is_ok())
        .ok_or(SsoRefusal::NoEmail)?;
    if identity.email_verified != Some(true) {
        return Err(SsoRefusal::Unverified);
    }
    Ok(email)
}

/// A new user's name: the provider's `name` (trimmed, at most [`validation::MAX_NAME`]
/// characters), else the email's local part ("ann.lee@x" → "Ann Lee").
pub fn display_name(name: Option<&str>, email: &str) -> String {
    let given: String = name
        .map(str::trim)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(validation::MAX_NAME)
        .collect();
    if !given.trim().is_empty() {
        return given.trim().to_string();
    }
    let local = email.split('@').next().unwrap_or(email);
    let words: Vec<String> = local
        .split(['.', '_', '-', '+'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect();
    let made = words.join(" ");
    if made.is_empty() {
        email.chars().take(validation::MAX_NAME).collect()
    } else {
        made.chars().take(validation::MAX_NAME).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(email: Option<&str>, verified: Option<bool>) -> Identity {
        Identity {
            email: email.map(str::to_string),
            email_verified: verified,
            name: None,
        }
    }

    #[test]
    fn a_verified_email_matches_the_existing_user() {
        let id = UserId::new();
        let who = identity(Some(" Ann@Example.com "), Some(true));
        let active = Some((id, UserStatus::Active));
        assert_eq!(decide(&who, active, false), Ok(Decision::Existing(id)));
        assert_eq!(decide(&who, active, true), Ok(Decision::Existing(id)));
    }

    #[test]
    fn an_invited_account_joins_and_a_deactivated_one_is_refused() {
        let id = UserId::new();
        let who = identity(Some("ann@example.com"), Some(true));
        let invited = Some((id, UserStatus::Invited));
        assert_eq!(decide(&who, invited, false), Ok(Decision::Join(id)));
        let deactivated = Some((id, UserStatus::Deactivated));
        assert_eq!(
            decide(&who, deactivated, true),
            Err(SsoRefusal::Deactivated)
        );
    }

    #[test]
    fn an_unverified_email_never_matches_or_creates() {
        for verified in [Some(false), None] {
            let who = identity(Some("ann@example.com"), verified);
            assert_eq!(
                decide(&who, Some((UserId::new(), UserStatus::Active)), true),
                Err(SsoRefusal::Unverified)
            );
            assert_eq!(decide(&who, None, true), Err(SsoRefusal::Unverified));
        }
    }

    #[test]
    fn no_usable_email_is_refused() {
        for email in [None, Some(""), Some("not an address"), Some("x@y")] {
            let who = identity(email, Some(true));
            assert_eq!(
                decide(&who, None, true),
                Err(SsoRefusal::NoEmail),
                "{email:?}"
            );
        }
    }

    #[test]
    fn unknown_people_are_created_or_refused_as_configured() {
        let who = Identity {
            name: Some("  Ann Lee ".into()),
            ..identity(Some("Ann.Lee@Example.com"), Some(true))
        };
        assert_eq!(decide(&who, None, false), Err(SsoRefusal::Unknown));
        assert_eq!(
            decide(&who, None, true),
            Ok(Decision::Create {
                email: "ann.lee@example.com".into(),
                name: "Ann Lee".into()
            })
        );
    }

    #[test]
    fn names_come_from_the_provider_or_the_email() {
        assert_eq!(display_name(Some("Bo Kim"), "x@y.z"), "Bo Kim");
        assert_eq!(display_name(Some("  "), "new.person@y.z"), "New Person");
        assert_eq!(display_name(None, "sam_o-neil+sso@y.z"), "Sam O Neil Sso");
        assert_eq!(display_name(None, "ümit@y.z"), "Ümit");
        let long = "a".repeat(500);
        assert_eq!(
            display_name(Some(&long), "x@y.z").chars().count(),
            validation::MAX_NAME
        );
        assert_eq!(display_name(Some("A\u{0}B"), "x@y.z"), "AB");
    }

    #[test]
    fn refusal_codes_round_trip_and_are_worded_in_both_languages() {
        for refusal in SsoRefusal::ALL {
            assert_eq!(SsoRefusal::from_code(refusal.code()), Some(refusal));
            assert!(!refusal.text(Locale::en).is_empty());
            assert_ne!(refusal.text(Locale::en), refusal.text(Locale::de));
        }
        assert_eq!(SsoRefusal::from_code("credentials"), None);
    }
}
