//! Roles per org unit and what each may do. A role granted on a unit holds on every unit below
//! it, so the effective role is the highest role held on the unit or any ancestor.

use super::ids::{OrgUnitId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// A user's role on an org unit, weakest first (the order matters: `Ord` ranks them).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads maps, scorecards and dashboards.
    Viewer,
    /// Enters data (actuals) in addition to reading.
    Contributor,
    /// Edits maps, measures and initiatives.
    Editor,
    /// Manages members, tokens and display links.
    Admin,
}

/// What a request wants to do; each needs a minimum role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Read anything in the unit.
    View,
    /// Enter actuals.
    EnterData,
    /// Change maps, measures, initiatives.
    Edit,
    /// Manage people, tokens and links.
    Administer,
}

impl Action {
    /// The weakest role that may perform this action.
    pub fn required_role(self) -> Role {
        match self {
            Action::View => Role::Viewer,
            Action::EnterData => Role::Contributor,
            Action::Edit => Role::Editor,
            Action::Administer => Role::Admin,
        }
    }

    /// The verb phrase in `locale`: English fits "You cannot {…} {unit}" ("edit", "enter data
    /// in"), German is the infinitive that ends "Sie können {unit} nicht {…}" ("bearbeiten").
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Action::View => td_string!(locale, common.action.view),
            Action::EnterData => td_string!(locale, common.action.enter_data),
            Action::Edit => td_string!(locale, common.action.edit),
            Action::Administer => td_string!(locale, common.action.administer),
        }
    }

    /// English, for logs and exports: a verb phrase for error messages ("edit", "enter data in").
    pub fn describe(self) -> &'static str {
        match self {
            Action::View => "view",
            Action::EnterData => "enter data in",
            Action::Edit => "edit",
            Action::Administer => "administer",
        }
    }
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Contributor, Role::Editor, Role::Admin];

    /// Whether this role is enough for `action`.
    pub fn allows(self, action: Action) -> bool {
        self >= action.required_role()
    }

    /// The role's name for people, in `locale` ("editor" / "Bearbeiter").
    pub fn text(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Role::Viewer => td_string!(locale, common.role.viewer),
            Role::Contributor => td_string!(locale, common.role.contributor),
            Role::Editor => td_string!(locale, common.role.editor),
            Role::Admin => td_string!(locale, common.role.admin),
        }
    }

    /// The stored name (also the English one, for logs).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role \"{s}\" (expected viewer, contributor, editor or admin)")
            })
    }
}

/// The effective role of `user` on `unit`: the highest role granted on the unit or any ancestor.
///
/// `parents` maps each unit to its parent; `grants` lists (user, unit, role) memberships.
/// A cycle in `parents` (which validation forbids) cannot loop forever: the walk stops after
/// visiting every unit once.
pub fn effective_role(
    user: UserId,
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: &[(UserId, OrgUnitId, Role)],
) -> Option<Role> {
    let own: Vec<(OrgUnitId, Role)> = grants
        .iter()
        .filter(|(gu, _, _)| *gu == user)
        .map(|(_, unit, role)| (*unit, *role))
        .collect();
    inherited_role(unit, parents, &own)
}

/// The highest role among `grants` (unit, role) held on `unit` or any ancestor: the rule for
/// people (their memberships) and for API tokens (their scopes) alike.
pub fn inherited_role(
    unit: OrgUnitId,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    grants: &[(OrgUnitId, Role)],
) -> Option<Role> {
    let chain = super::org::ancestry(unit, parents);
    grants
        .iter()
        .filter(|(granted_on, _)| chain.contains(granted_on))
        .map(|(_, role)| *role)
        .max()
}

/// Whether someone may enter actuals for a measure: contributors (and up) on its unit may, and
/// so may its data owner with any role there — the person who owns a number reports it.
pub fn may_enter_data(role_on_unit: Option<Role>, is_data_owner: bool) -> bool {
    match role_on_unit {
        Some(r) => r.allows(Action::EnterData) || is_data_owner,
        None => false,
    }
}

/// What someone may do on one map, so its pages offer only what the server allows: edit the
/// map, and enter (or import) data for at least one of its measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapRights {
    pub edit: bool,
    pub enter_data: bool,
}

impl MapRights {
    /// The rights of a role on the map's unit, for someone who does or does not report the data
    /// of one of its measures (a data owner enters that measure's data with any role).
    pub fn of(role_on_unit: Option<Role>, owns_measure_data: bool) -> MapRights {
        MapRights {
            edit: role_on_unit.is_some_and(|r| r.allows(Action::Edit)),
            enter_data: may_enter_data(role_on_unit, owns_measure_data),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn roles_and_actions_are_named_in_the_page_language() {
        use crate::i18n::Locale::{de, en};
        assert_eq!(Role::Editor.text(de), "Bearbeiter");
        assert_eq!(Role::Contributor.text(de), "Mitwirkender");
        assert_eq!(Role::Admin.text(en), "admin");
        assert_eq!(Action::Edit.text(de), "bearbeiten");
        assert_eq!(Action::EnterData.text(en), Action::EnterData.describe());
    }

    use super::*;

    fn tree() -> (
        OrgUnitId,
        OrgUnitId,
        OrgUnitId,
        HashMap<OrgUnitId, Option<OrgUnitId>>,
    ) {
        let (root, bu, func) = (OrgUnitId::new(), OrgUnitId::new(), OrgUnitId::new());
        let parents = HashMap::from([(root, None), (bu, Some(root)), (func, Some(bu))]);
        (root, bu, func, parents)
    }

    #[test]
    fn map_rights_follow_the_role_and_data_ownership() {
        let rights = |role, owns| MapRights::of(role, owns);
        assert_eq!(rights(None, true), MapRights::default());
        assert_eq!(rights(Some(Role::Viewer), false), MapRights::default());
        assert_eq!(
            rights(Some(Role::Viewer), true),
            MapRights {
                edit: false,
                enter_data: true
            }
        );
        assert_eq!(
            rights(Some(Role::Contributor), false),
            MapRights {
                edit: false,
                enter_data: true
            }
        );
        assert_eq!(
            rights(Some(Role::Editor), false),
            MapRights {
                edit: true,
                enter_data: true
            }
        );
    }

    #[test]
    fn roles_are_inherited_down_the_tree() {
        let (root, bu, func, parents) = tree();
        let user = UserId::new();
        let grants = vec![(user, root, Role::Viewer), (user, bu, Role::Editor)];
        assert_eq!(
            effective_role(user, root, &parents, &grants),
            Some(Role::Viewer)
        );
        assert_eq!(
            effective_role(user, bu, &parents, &grants),
            Some(Role::Editor)
        );
        assert_eq!(
            effective_role(user, func, &parents, &grants),
            Some(Role::Editor)
        );
    }

    #[test]
    fn no_grant_means_no_access_and_grants_do_not_flow_up() {
        let (root, bu, _func, parents) = tree();
        let user = UserId::new();
        let grants = vec![(user, bu, Role::Admin), (UserId::new(), root, Role::Admin)];
        assert_eq!(effective_role(user, root, &parents, &grants), None);
    }

    #[test]
    fn inherited_roles_take_the_highest_grant_above() {
        let (root, bu, func, parents) = tree();
        let grants = vec![(root, Role::Viewer), (bu, Role::Contributor)];
        assert_eq!(
            inherited_role(func, &parents, &grants),
            Some(Role::Contributor)
        );
        assert_eq!(inherited_role(root, &parents, &grants), Some(Role::Viewer));
        assert_eq!(inherited_role(root, &parents, &[(bu, Role::Admin)]), None);
    }

    #[test]
    fn role_matrix() {
        use Action::*;
        let expect = [
            (Role::Viewer, [true, false, false, false]),
            (Role::Contributor, [true, true, false, false]),
            (Role::Editor, [true, true, true, false]),
            (Role::Admin, [true, true, true, true]),
        ];
        for (role, allowed) in expect {
            for (action, ok) in [View, EnterData, Edit, Administer].into_iter().zip(allowed) {
                assert_eq!(role.allows(action), ok, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn data_owners_and_contributors_may_enter_data() {
        assert!(may_enter_data(Some(Role::Contributor), false));
        assert!(may_enter_data(Some(Role::Admin), false));
        assert!(!may_enter_data(Some(Role::Viewer), false));
        assert!(may_enter_data(Some(Role::Viewer), true));
        assert!(!may_enter_data(None, true));
    }
}
