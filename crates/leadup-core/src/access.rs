//! Who may do what: the roles a user holds per team, the actions the application offers,
//! and the one permission matrix that decides every request.
//!
//! The matrix is documented, cell by cell, in `docs/permissions.md`; a test reads that
//! table and checks it against [`allows`], so the document and the rule cannot drift apart.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's role in one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the team: plans, initiatives, imports, change-request decisions.
    Manager,
    /// Works in the team: sees its dashboard, imports tracker data, files change requests.
    Member,
    /// Sponsors the team: approves its plans and decides change requests with the manager.
    Executive,
}

impl Role {
    /// Every role, in the order the matrix lists them.
    pub const ALL: [Role; 3] = [Role::Manager, Role::Member, Role::Executive];

    /// The role's name as stored and typed: `manager`, `member`, `executive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Member => "member",
            Role::Executive => "executive",
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

    fn from_str(text: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text.trim())
            .ok_or_else(|| format!("'{text}' is not a role: use manager, member or executive"))
    }
}

/// Something a request can do. Each route of the web server names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read what the whole workspace shares: strategy, roadmap, alignment, teams, initiatives.
    ReadWorkspace,
    /// Change the workspace's name and mission, and its objectives and key results.
    EditStrategy,
    /// Create and delete teams.
    ManageTeams,
    /// Add users and give or take roles.
    ManageAccess,
    /// See a team's dashboard, work items, plans and change requests.
    ViewTeam,
    /// Change a team's details.
    EditTeam,
    /// Create, change and delete a team's initiatives and their attach rules.
    EditInitiatives,
    /// Import tracker data into a team.
    ImportWorkItems,
    /// Edit and submit a team's draft plans.
    EditPlan,
    /// Approve a submitted plan, making it the team's baseline.
    ApprovePlan,
    /// File a change request against a team's baseline.
    FileChangeRequest,
    /// Sign off a decision on a change request (a manager and an executive both must).
    DecideChangeRequest,
    /// Create, list and revoke read-only share links of a team's dashboard and plans.
    ManageShareLinks,
    /// Record evidence (interviews, tickets, requests, metrics) and link it to initiatives.
    RecordEvidence,
    /// Write a team's proposals (business cases): draft and edit them, present them, and
    /// withdraw them for revision.
    WriteProposals,
    /// Approve or decline a team's presented proposal.
    DecideProposals,
    /// See the stakeholder profiles of a team's executives.
    ViewStakeholders,
    /// Edit the stakeholder profiles of a team's executives.
    EditStakeholders,
    /// Generate a brief for one of the team's executives and store it as sent.
    WriteBriefs,
    /// Read the team's stored briefs: a manager reads every one, an executive only those sent
    /// to them (the record-level rule of the `Brief` access check).
    ReadBriefs,
    /// See a team's commitments and its track record (credibility report).
    ViewCommitments,
    /// Add a team's commitments and record their outcomes.
    WriteCommitments,
    /// Propose a win for the team, crediting the people who did the work.
    ProposeWins,
    /// Confirm or decline a team's proposed win.
    ConfirmWins,
    /// Write the team's process document and add decisions to its decision log by hand.
    WriteProcess,
}

impl Action {
    /// Every action, in the order the matrix lists them.
    pub const ALL: [Action; 25] = [
        Action::ReadWorkspace,
        Action::EditStrategy,
        Action::ManageTeams,
        Action::ManageAccess,
        Action::ViewTeam,
        Action::EditTeam,
        Action::EditInitiatives,
        Action::ImportWorkItems,
        Action::EditPlan,
        Action::ApprovePlan,
        Action::FileChangeRequest,
        Action::DecideChangeRequest,
        Action::ManageShareLinks,
        Action::RecordEvidence,
        Action::WriteProposals,
        Action::DecideProposals,
        Action::ViewStakeholders,
        Action::EditStakeholders,
        Action::WriteBriefs,
        Action::ReadBriefs,
        Action::ViewCommitments,
        Action::WriteCommitments,
        Action::ProposeWins,
        Action::ConfirmWins,
        Action::WriteProcess,
    ];

    /// The action's name as the matrix writes it, e.g. `edit_initiatives`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadWorkspace => "read_workspace",
            Action::EditStrategy => "edit_strategy",
            Action::ManageTeams => "manage_teams",
            Action::ManageAccess => "manage_access",
            Action::ViewTeam => "view_team",
            Action::EditTeam => "edit_team",
            Action::EditInitiatives => "edit_initiatives",
            Action::ImportWorkItems => "import_work_items",
            Action::EditPlan => "edit_plan",
            Action::ApprovePlan => "approve_plan",
            Action::FileChangeRequest => "file_change_request",
            Action::DecideChangeRequest => "decide_change_request",
            Action::ManageShareLinks => "manage_share_links",
            Action::RecordEvidence => "record_evidence",
            Action::WriteProposals => "write_proposals",
            Action::DecideProposals => "decide_proposals",
            Action::ViewStakeholders => "view_stakeholders",
            Action::EditStakeholders => "edit_stakeholders",
            Action::WriteBriefs => "write_briefs",
            Action::ReadBriefs => "read_briefs",
            Action::ViewCommitments => "view_commitments",
            Action::WriteCommitments => "write_commitments",
            Action::ProposeWins => "propose_wins",
            Action::ConfirmWins => "confirm_wins",
            Action::WriteProcess => "write_process",
        }
    }

    /// Whether the action concerns one team (and so depends on the role held in it) rather
    /// than the whole workspace.
    pub fn is_per_team(self) -> bool {
        !matches!(
            self,
            Action::ReadWorkspace
                | Action::EditStrategy
                | Action::ManageTeams
                | Action::ManageAccess
                | Action::RecordEvidence
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking, as the matrix sees them for one team: a column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// A workspace administrator holding no role in this team.
    Admin,
    /// A user holding this role in the team (an administrator holding a role gets the
    /// rights of both).
    Role(Role),
    /// A signed-in user with no role in this team.
    Outsider,
}

impl Standing {
    /// Every column of the matrix, in order.
    pub const ALL: [Standing; 5] = [
        Standing::Admin,
        Standing::Role(Role::Manager),
        Standing::Role(Role::Member),
        Standing::Role(Role::Executive),
        Standing::Outsider,
    ];

    /// The column's heading in `docs/permissions.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Admin => "admin",
            Standing::Role(role) => role.as_str(),
            Standing::Outsider => "outsider",
        }
    }
}

/// The permission matrix: whether `standing` may do `action`.
///
/// A workspace administrator manages the workspace and who holds which role, and may do a
/// team's everyday work; approving plans, editing them and deciding change requests belong
/// to the team's own manager and executives only, so that those decisions are always made
/// by the people accountable for them. Wins credit the team's own people, so they are
/// proposed by its members and confirmed by its manager, never by an administrator holding
/// no role there; the process document and hand-added decisions are the manager's. What an executive cares about and how they are
/// briefed is kept between the team's manager and its executives: an administrator holding
/// no role there does not see it, and reads no brief. A team's commitments and track record
/// are its manager's, who keeps them, and are read by the team's people and its executives.
pub fn allows(standing: Standing, action: Action) -> bool {
    use Action as A;
    use Role::{Executive, Manager, Member};
    match standing {
        Standing::Admin => !matches!(
            action,
            A::EditPlan
                | A::ApprovePlan
                | A::DecideChangeRequest
                | A::DecideProposals
                | A::ViewStakeholders
                | A::EditStakeholders
                | A::WriteBriefs
                | A::ReadBriefs
                | A::ViewCommitments
                | A::WriteCommitments
                | A::ProposeWins
                | A::ConfirmWins
                | A::WriteProcess
        ),
        Standing::Outsider => matches!(action, A::ReadWorkspace | A::RecordEvidence),
        Standing::Role(role) => match action {
            A::ReadWorkspace | A::RecordEvidence | A::ViewTeam | A::FileChangeRequest | A::ViewCommitments => true,
            A::EditStrategy | A::ManageTeams | A::ManageAccess => false,
            A::EditTeam
            | A::EditInitiatives
            | A::EditPlan
            | A::ManageShareLinks
            | A::WriteProposals
            | A::EditStakeholders
            | A::WriteBriefs
            | A::WriteCommitments
            | A::ConfirmWins
            | A::WriteProcess => role == Manager,
            A::ReadBriefs => matches!(role, Manager | Executive),
            A::ImportWorkItems | A::ProposeWins => matches!(role, Manager | Member),
            A::ApprovePlan | A::DecideProposals => role == Executive,
            A::DecideChangeRequest | A::ViewStakeholders => matches!(role, Manager | Executive),
        },
    }
}

/// A signed-in user as the permission check sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The user's id.
    pub user_id: i64,
    /// The user's email address.
    pub email: String,
    /// The user's name.
    pub name: String,
    /// Whether the user administers the workspace.
    pub is_admin: bool,
    /// The roles the user holds, one per team at most.
    pub roles: Vec<TeamRole>,
}

/// Who answers for one piece of evidence: the user who recorded it (its owner, `None` for
/// evidence recorded before owners were kept or by the operator) and the teams whose
/// initiatives, proposals or change requests cite it. Recording evidence is open to everyone
/// (`record_evidence`), but changing a piece (editing, deleting, linking it to an initiative or
/// unlinking it) is left to these people, since a decision of theirs may rest on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceStewards {
    /// The owner's user id.
    pub recorder_id: Option<i64>,
    /// The teams citing the evidence, by id.
    pub citing_teams: Vec<i64>,
}

impl EvidenceStewards {
    /// Whether `user` may change the evidence: its owner, a manager of a team citing it, or an
    /// administrator. This is the one rule; the API, the pages and the store all ask it.
    pub fn allow(&self, user: &Principal) -> bool {
        user.is_admin
            || self.recorder_id == Some(user.user_id)
            || self.citing_teams.iter().any(|&team| user.role_in(team) == Some(Role::Manager))
    }
}

/// A role held in one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TeamRole {
    /// The team's id.
    pub team_id: i64,
    /// The role held there.
    pub role: Role,
}

impl Principal {
    /// The role this user holds in `team`, if any.
    pub fn role_in(&self, team: i64) -> Option<Role> {
        self.roles.iter().find(|r| r.team_id == team).map(|r| r.role)
    }

    /// Whether this user may do `action`; `team` is the team it concerns, `None` for a
    /// workspace-wide action. A per-team action without a team is never allowed.
    pub fn may(&self, action: Action, team: Option<i64>) -> bool {
        let admin = self.is_admin && allows(Standing::Admin, action);
        if !action.is_per_team() {
            return admin || allows(if self.is_admin { Standing::Admin } else { Standing::Outsider }, action);
        }
        let Some(team) = team else { return false };
        let role = self.role_in(team).map_or(Standing::Outsider, Standing::Role);
        admin || allows(role, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(is_admin: bool, roles: &[(i64, Role)]) -> Principal {
        Principal {
            user_id: 1,
            email: "a@example.com".into(),
            name: "A".into(),
            is_admin,
            roles: roles.iter().map(|&(team_id, role)| TeamRole { team_id, role }).collect(),
        }
    }

    /// The matrix as `docs/permissions.md` writes it: one row per action, a ✓ or ✗ per
    /// column. Checking every cell here keeps the document true.
    #[test]
    fn the_documented_matrix_is_the_rule() {
        let doc = include_str!("../../../docs/permissions.md");
        let mut rows = 0;
        for line in doc.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let name = cells[0].trim_matches('`');
            let action = Action::ALL.into_iter().find(|a| a.as_str() == name).expect("a known action");
            assert_eq!(cells.len(), 1 + Standing::ALL.len(), "row {name}");
            for (standing, cell) in Standing::ALL.into_iter().zip(&cells[1..]) {
                let documented = match *cell {
                    "✓" => true,
                    "✗" => false,
                    other => panic!("cell {other:?} of {name} is neither ✓ nor ✗"),
                };
                assert_eq!(documented, allows(standing, action), "{name} for {}", standing.as_str());
            }
            rows += 1;
        }
        assert_eq!(rows, Action::ALL.len(), "every action has its row");
    }

    #[test]
    fn a_manager_of_one_team_has_no_rights_on_another() {
        let manager = user(false, &[(1, Role::Manager)]);
        assert!(manager.may(Action::EditInitiatives, Some(1)));
        for action in Action::ALL.into_iter().filter(|a| a.is_per_team()) {
            assert!(!manager.may(action, Some(2)), "{action} on another team");
        }
        assert!(manager.may(Action::ReadWorkspace, None));
        assert!(!manager.may(Action::EditStrategy, None));
    }

    #[test]
    fn admins_run_the_workspace_but_do_not_approve_for_teams() {
        let admin = user(true, &[]);
        assert!(admin.may(Action::ManageAccess, None));
        assert!(admin.may(Action::EditInitiatives, Some(7)));
        assert!(!admin.may(Action::ApprovePlan, Some(7)));
        let admin_executive = user(true, &[(7, Role::Executive)]);
        assert!(admin_executive.may(Action::ApprovePlan, Some(7)));
        assert!(admin_executive.may(Action::EditTeam, Some(7)));
    }

    #[test]
    fn evidence_is_changed_by_its_owner_the_citing_teams_managers_and_admins() {
        let owner = Principal { user_id: 40, ..user(false, &[(2, Role::Member)]) };
        let stewards = EvidenceStewards { recorder_id: Some(40), citing_teams: vec![1, 3] };
        assert!(stewards.allow(&owner));
        assert!(stewards.allow(&user(false, &[(3, Role::Manager)])), "a citing team's manager");
        assert!(stewards.allow(&user(true, &[])), "an administrator");
        assert!(!stewards.allow(&user(false, &[(2, Role::Manager)])), "another team's manager");
        assert!(!stewards.allow(&user(false, &[(1, Role::Member), (3, Role::Executive)])), "not as manager");
        let unowned = EvidenceStewards { recorder_id: None, citing_teams: vec![1] };
        assert!(unowned.allow(&user(false, &[(1, Role::Manager)])));
        assert!(!unowned.allow(&Principal { user_id: 40, ..user(false, &[]) }));
        assert!(EvidenceStewards::default().allow(&user(true, &[])));
        assert!(!EvidenceStewards::default().allow(&user(false, &[(1, Role::Manager)])));
    }

    #[test]
    fn per_team_actions_need_a_team() {
        assert!(!user(true, &[(1, Role::Manager)]).may(Action::ViewTeam, None));
    }

    #[test]
    fn roles_read_as_typed() {
        assert_eq!("executive".parse::<Role>(), Ok(Role::Executive));
        assert!("boss".parse::<Role>().unwrap_err().contains("'boss' is not a role"));
    }
}
