//! People and their roles: account status, invitations, where a role on a unit comes from
//! (granted there or inherited from a unit above), and the rule that an organisation never
//! loses the last admin of its root unit. Pure: the store reads the rows, these decide.

use super::ids::{OrgUnitId, UserId};
use super::org::ancestry;
use super::role::Role;
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// How long an invitation link stays usable.
pub const INVITATION_DAYS: i64 = 7;
/// Longest search text on the people page (longer is cut).
pub const MAX_SEARCH: usize = 200;

/// Where an account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    /// Invited and not yet joined: has roles but no password, so cannot sign in.
    Invited,
    /// Signs in and works.
    Active,
    /// Switched off by an admin: no sign-in, no sessions, no API tokens.
    Deactivated,
}

impl UserStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }

    /// The status for people, in `locale`.
    pub fn text(self, locale: Locale) -> &'static str {
        match self {
            UserStatus::Invited => td_string!(locale, people.status.invited),
            UserStatus::Active => td_string!(locale, people.status.active),
            UserStatus::Deactivated => td_string!(locale, people.status.deactivated),
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UserStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "invited" => Ok(UserStatus::Invited),
            "active" => Ok(UserStatus::Active),
            "deactivated" => Ok(UserStatus::Deactivated),
            other => Err(format!("unknown user status \"{other}\"")),
        }
    }
}

/// A person's account as admins see it: who, how to reach them, and whether they may sign in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub status: UserStatus,
}

/// An invitation: a single-use link (only its hash is stored) that lets `email` set a name and
/// password and join with the role it grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub email: String,
    /// The name the inviter gave (may be empty).
    pub name: String,
    pub org_unit_id: OrgUnitId,
    pub role: Role,
    pub invited_by: Option<UserId>,
    /// Seconds since the epoch.
    pub expires_at: i64,
    pub used: bool,
}

/// Why a change to people or roles, an invitation or a sign-in was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PeopleError {
    #[error("{unit} would have no admin left: make someone else its admin first.")]
    LastRootAdmin { unit: String },
    #[error("You cannot deactivate yourself.")]
    DeactivateSelf,
    #[error("{email} already has an active account: give them a role instead.")]
    AlreadyActive { email: String },
    #[error("{email} was deactivated: reactivate them instead of inviting them again.")]
    AlreadyDeactivated { email: String },
    #[error("This invitation link is not known. Ask an admin for a new one.")]
    InvitationUnknown,
    #[error("This invitation link has expired. Ask an admin for a new one.")]
    InvitationExpired,
    #[error("This invitation link was already used. Sign in, or ask an admin for a new one.")]
    InvitationUsed,
    #[error("This account was deactivated. Ask an admin to reactivate it.")]
    AccountDeactivated,
    #[error("Managing people needs the admin role on an org unit.")]
    NeedAdmin,
}

impl PeopleError {
    /// The message for a person, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            PeopleError::LastRootAdmin { unit } => {
                td_string!(locale, people.error.last_root_admin, unit).to_string()
            }
            PeopleError::DeactivateSelf => {
                td_string!(locale, people.error.deactivate_self).to_string()
            }
            PeopleError::AlreadyActive { email } => {
                td_string!(locale, people.error.already_active, email).to_string()
            }
            PeopleError::AlreadyDeactivated { email } => {
                td_string!(locale, people.error.already_deactivated, email).to_string()
            }
            PeopleError::InvitationUnknown => {
                td_string!(locale, people.error.invitation_unknown).to_string()
            }
            PeopleError::InvitationExpired => {
                td_string!(locale, people.error.invitation_expired).to_string()
            }
            PeopleError::InvitationUsed => {
                td_string!(locale, people.error.invitation_used).to_string()
            }
            PeopleError::AccountDeactivated => {
                td_string!(locale, people.error.account_deactivated).to_string()
            }
            PeopleError::NeedAdmin => td_string!(locale, people.error.need_admin).to_string(),
        }
    }
}

/// Whether an invitation that expires at `expires_at` (seconds since the epoch) and was or was
/// not `used` may still be accepted at `now`. A used link says so even after it expired.
pub fn invitation_usable(expires_at: i64, used: bool, now: i64) -> Result<(), PeopleError> {
    if used {
        Err(PeopleError::InvitationUsed)
    } else if now >= expires_at {
        Err(PeopleError::InvitationExpired)
    } else {
        Ok(())
    }
}

/// The role someone holds on a unit and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSource {
    pub role: Role,
    /// The unit the role was granted on: the unit itself or one above it.
    pub unit: OrgUnitId,
}

impl RoleSource {
    /// Whether the role comes from a unit above `on` rather than from a grant on `on` itself.
    pub fn inherited_on(&self, on: OrgUnitId) -> bool {
        self.unit != on
    }
}

/// The effective role on `unit` given someone's `grants` (unit, role), and the unit it comes
/// from: the highest role granted on the unit or any unit above it; among equal roles the
/// nearest grant explains it.
pub fn role_source(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: &[(OrgUnitId, Role)],
) -> Option<RoleSource> {
    let mut best: Option<RoleSource> = None;
    for on in ancestry(unit, parents) {
        for (granted_on, role) in grants {
            if *granted_on == on && best.is_none_or(|b| *role > b.role) {
                best = Some(RoleSource {
                    role: *role,
                    unit: on,
                });
            }
        }
    }
    best
}

/// The role `grants` give on `unit` from the units above it only: what someone keeps there
/// when their grant on `unit` itself is revoked (the people page shows it beside that grant).
pub fn role_from_above(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: &[(OrgUnitId, Role)],
) -> Option<RoleSource> {
    let above: Vec<(OrgUnitId, Role)> =
        grants.iter().filter(|(u, _)| *u != unit).copied().collect();
    role_source(unit, parents, &above).filter(|s| s.unit != unit)
}

/// A change that may take away an admin: a role set on a unit (`None` revokes it) or an
/// account deactivated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeopleChange {
    SetRole {
        user: UserId,
        unit: OrgUnitId,
        role: Option<Role>,
    },
    Deactivate {
        user: UserId,
    },
}

/// Refuses a change that leaves a root unit (a unit without a parent) that has an admin with
/// none: the organisation would lock itself out. `grants` are everyone's (user, unit, role);
/// `active` tells whether an account is active (only active admins count); `name_of` names the
/// unit for the message.
pub fn keeps_root_admins(
    change: PeopleChange,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: &[(UserId, OrgUnitId, Role)],
    active: &dyn Fn(UserId) -> bool,
    name_of: &dyn Fn(OrgUnitId) -> String,
) -> Result<(), PeopleError> {
    let mut roots: Vec<OrgUnitId> = parents
        .iter()
        .filter(|(_, parent)| parent.is_none())
        .map(|(unit, _)| *unit)
        .collect();
    roots.sort();
    for root in roots {
        let before: Vec<UserId> = grants
            .iter()
            .filter(|(u, on, r)| *on == root && *r == Role::Admin && active(*u))
            .map(|(u, _, _)| *u)
            .collect();
        if before.is_empty() {
            continue;
        }
        let after = before.iter().filter(|u| match change {
            PeopleChange::Deactivate { user } => **u != user,
            PeopleChange::SetRole { user, unit, role } => {
                !(**u == user && unit == root && role != Some(Role::Admin))
            }
        });
        if after.count() == 0 {
            return Err(PeopleError::LastRootAdmin {
                unit: name_of(root),
            });
        }
    }
    Ok(())
}

/// Whether someone matches the people page's search: every word of `query` appears in the
/// name or the email, ignoring case. An empty query matches everyone.
pub fn matches_search(query: &str, name: &str, email: &str) -> bool {
    let haystack = format!("{} {}", name.to_lowercase(), email.to_lowercase());
    query
        .chars()
        .take(MAX_SEARCH)
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// The e-mail that carries an invitation, in the invitee's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

/// The invitation e-mail: `invitee` (their name, or empty) was invited by `inviter` to the
/// organisation `org`; `link` is the full address of the invitation. The one place the mail
/// queue takes an invitation's words from.
pub fn invitation_mail_text(
    locale: Locale,
    invitee: &str,
    inviter: &str,
    org: &str,
    link: &str,
) -> MailText {
    let days = INVITATION_DAYS;
    MailText {
        subject: td_string!(locale, people.mail.subject, inviter).to_string(),
        body: td_string!(
            locale,
            people.mail.body,
            name = invitee,
            inviter,
            org,
            link,
            days
        )
        .to_string(),
    }
}

/// Whether someone with `grants` (unit, role) is someone the caller deals with: they hold a
/// role (granted or inherited) on a unit `manages` accepts, or the caller `manages_all`.
pub fn visible_to(
    grants: &[(OrgUnitId, Role)],
    units: &[OrgUnitId],
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    manages: &dyn Fn(OrgUnitId) -> bool,
) -> bool {
    units
        .iter()
        .filter(|u| manages(**u))
        .any(|u| role_source(*u, parents, grants).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (
        OrgUnitId,
        OrgUnitId,
        OrgUnitId,
        HashMap<OrgUnitId, Option<OrgUnitId>>,
    ) {
        let (root, bu, team) = (OrgUnitId::new(), OrgUnitId::new(), OrgUnitId::new());
        let parents = HashMap::from([(root, None), (bu, Some(root)), (team, Some(bu))]);
        (root, bu, team, parents)
    }

    #[test]
    fn a_role_is_explained_by_the_unit_it_was_granted_on() {
        let (root, bu, team, parents) = tree();
        let grants = [(root, Role::Editor), (team, Role::Viewer)];
        let on_team = role_source(team, &parents, &grants).unwrap();
        assert_eq!(
            on_team,
            RoleSource {
                role: Role::Editor,
                unit: root
            },
            "the higher role from above wins over a lower grant on the unit"
        );
        assert!(on_team.inherited_on(team));
        assert_eq!(role_source(bu, &parents, &grants).unwrap().unit, root);
        let own = role_source(root, &parents, &grants).unwrap();
        assert!(!own.inherited_on(root));
        assert_eq!(role_source(bu, &parents, &[(team, Role::Admin)]), None);
    }

    #[test]
    fn equal_roles_are_explained_by_the_nearest_grant() {
        let (root, bu, team, parents) = tree();
        let grants = [(root, Role::Editor), (bu, Role::Editor)];
        assert_eq!(role_source(team, &parents, &grants).unwrap().unit, bu);
    }

    #[test]
    fn the_role_from_above_ignores_the_units_own_grant() {
        let (root, bu, team, parents) = tree();
        let grants = [(root, Role::Viewer), (bu, Role::Admin)];
        assert_eq!(
            role_from_above(bu, &parents, &grants),
            Some(RoleSource {
                role: Role::Viewer,
                unit: root
            })
        );
        assert_eq!(role_from_above(team, &parents, &grants).unwrap().unit, bu);
        assert_eq!(role_from_above(root, &parents, &grants), None);
    }

    fn check(
        change: PeopleChange,
        parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
        grants: &[(UserId, OrgUnitId, Role)],
        inactive: &[UserId],
    ) -> Result<(), PeopleError> {
        let inactive = inactive.to_vec();
        keeps_root_admins(
            change,
            parents,
            grants,
            &move |u| !inactive.contains(&u),
            &|_| "Northwind".to_string(),
        )
    }

    #[test]
    fn the_last_admin_of_the_root_cannot_be_removed() {
        let (root, bu, _, parents) = tree();
        let (ada, bob) = (UserId::new(), UserId::new());
        let grants = vec![(ada, root, Role::Admin), (bob, bu, Role::Admin)];
        let last = Err(PeopleError::LastRootAdmin {
            unit: "Northwind".into(),
        });
        let revoke = PeopleChange::SetRole {
            user: ada,
            unit: root,
            role: None,
        };
        let downgrade = PeopleChange::SetRole {
            user: ada,
            unit: root,
            role: Some(Role::Editor),
        };
        assert_eq!(check(revoke, &parents, &grants, &[]), last);
        assert_eq!(check(downgrade, &parents, &grants, &[]), last);
        assert_eq!(
            check(
                PeopleChange::Deactivate { user: ada },
                &parents,
                &grants,
                &[]
            ),
            last
        );
        // Changes elsewhere, or of others, are fine.
        let bu_change = PeopleChange::SetRole {
            user: bob,
            unit: bu,
            role: None,
        };
        assert_eq!(check(bu_change, &parents, &grants, &[]), Ok(()));
        assert_eq!(
            check(
                PeopleChange::Deactivate { user: bob },
                &parents,
                &grants,
                &[]
            ),
            Ok(())
        );
        let keep = PeopleChange::SetRole {
            user: ada,
            unit: root,
            role: Some(Role::Admin),
        };
        assert_eq!(check(keep, &parents, &grants, &[]), Ok(()));
    }

    #[test]
    fn a_second_active_admin_lets_the_first_go() {
        let (root, _, _, parents) = tree();
        let (ada, cy) = (UserId::new(), UserId::new());
        let grants = vec![(ada, root, Role::Admin), (cy, root, Role::Admin)];
        let revoke = PeopleChange::SetRole {
            user: ada,
            unit: root,
            role: None,
        };
        assert_eq!(check(revoke, &parents, &grants, &[]), Ok(()));
        // A deactivated second admin does not count.
        assert!(check(revoke, &parents, &grants, &[cy]).is_err());
        // Nor can the remaining one be deactivated once the other is.
        assert!(check(
            PeopleChange::Deactivate { user: ada },
            &parents,
            &grants,
            &[cy]
        )
        .is_err());
    }

    #[test]
    fn invitations_are_single_use_and_expire() {
        assert_eq!(invitation_usable(100, false, 99), Ok(()));
        assert_eq!(
            invitation_usable(100, false, 100),
            Err(PeopleError::InvitationExpired)
        );
        assert_eq!(
            invitation_usable(100, true, 50),
            Err(PeopleError::InvitationUsed)
        );
        assert_eq!(
            invitation_usable(100, true, 500),
            Err(PeopleError::InvitationUsed)
        );
    }

    #[test]
    fn people_are_visible_where_they_hold_a_role_the_caller_manages() {
        let (root, bu, team, parents) = tree();
        let units = [root, bu, team];
        let bu_admin = |u: OrgUnitId| u == bu || u == team;
        // A grant above the managed units is inherited into them.
        assert!(visible_to(
            &[(root, Role::Viewer)],
            &units,
            &parents,
            &bu_admin
        ));
        assert!(visible_to(
            &[(team, Role::Editor)],
            &units,
            &parents,
            &bu_admin
        ));
        let (other, sibling) = (OrgUnitId::new(), OrgUnitId::new());
        let mut wider = parents.clone();
        wider.insert(sibling, Some(root));
        wider.insert(other, None);
        assert!(!visible_to(
            &[(sibling, Role::Admin)],
            &[root, bu, team, sibling],
            &wider,
            &bu_admin
        ));
        assert!(!visible_to(&[], &units, &parents, &|_| true));
    }

    #[test]
    fn the_invitation_mail_names_the_link_in_both_languages() {
        let link = "https://cairn.example/invite/abc";
        let en = invitation_mail_text(Locale::en, "Ada", "Bob", "Northwind", link);
        assert!(en.subject.contains("Bob"));
        assert!(en.body.contains(link) && en.body.contains("Ada") && en.body.contains('7'));
        let de = invitation_mail_text(Locale::de, "Ada", "Bob", "Northwind", link);
        assert!(de.body.contains(link) && de.body.contains("Passwort"));
    }

    #[test]
    fn search_matches_every_word_in_name_or_email() {
        assert!(matches_search("", "Ada Lovelace", "ada@example.com"));
        assert!(matches_search("ada", "Ada Lovelace", "a@example.com"));
        assert!(matches_search(
            "LOVE example",
            "Ada Lovelace",
            "ada@example.com"
        ));
        assert!(!matches_search(
            "ada bob",
            "Ada Lovelace",
            "ada@example.com"
        ));
    }

    #[test]
    fn statuses_round_trip_and_speak_german() {
        for s in [
            UserStatus::Invited,
            UserStatus::Active,
            UserStatus::Deactivated,
        ] {
            assert_eq!(s.as_str().parse::<UserStatus>(), Ok(s));
        }
        assert_eq!(UserStatus::Active.text(Locale::de), "Aktiv");
        assert_eq!(
            PeopleError::DeactivateSelf.text(Locale::en),
            PeopleError::DeactivateSelf.to_string()
        );
    }
}
