//! The command line: every command, flag and help text.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// leadup: show the plan and its progress with real data, get it approved, and protect
/// the team from unplanned change.
#[derive(Parser, Debug)]
#[command(name = "leadup", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Where the data lives: <sqlite://FILE> (created if missing) or <postgres://USER@HOST/DB>.
    #[arg(long, global = true, env = "LEADUP_DATABASE_URL", default_value = leadup_store::DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the workspace (or rename it) in a new or existing database.
    Init(InitArgs),
    /// Serve the web pages and the JSON API of an existing workspace.
    Serve(ServeArgs),
    /// Create the demo workspace if the database is empty, then serve it.
    Demo(ServeArgs),
    /// Show or change the workspace's name and mission.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// List, show, add, update or delete objectives (company goals with key results).
    #[command(subcommand)]
    Objective(ObjectiveCommand),
    /// List, show, add, update or delete teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// List, show, add, update or delete initiatives (roadmap items).
    #[command(subcommand)]
    Initiative(InitiativeCommand),
}

/// Arguments of `leadup init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The organisation's name.
    #[arg(long)]
    pub name: String,
    /// The mission statement every objective serves.
    #[arg(long, default_value = "")]
    pub mission: String,
}

/// Arguments of `leadup serve` and `leadup demo`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "LEADUP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

/// Output format shared by the record commands.
#[derive(Args, Debug, Clone, Copy)]
pub struct Format {
    /// Print JSON (the same shape as the API) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `leadup workspace ...`
#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Show the workspace.
    Show(Format),
    /// Change the name or the mission.
    Set {
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New mission statement.
        #[arg(long)]
        mission: Option<String>,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup objective ...`
#[derive(Subcommand, Debug)]
pub enum ObjectiveCommand {
    /// List every objective with its progress.
    List(Format),
    /// Show one objective and its key results.
    Show {
        /// The objective's id.
        id: i64,
        #[command(flatten)]
        format: Format,
    },
    /// Add an objective.
    Add {
        #[command(flatten)]
        fields: ObjectiveFields,
        #[command(flatten)]
        format: Format,
    },
    /// Change some fields of an objective; the others stay as they are.
    Update {
        /// The objective's id.
        id: i64,
        #[command(flatten)]
        fields: ObjectiveFields,
        #[command(flatten)]
        format: Format,
    },
    /// Delete an objective (refused while initiatives serve it).
    Delete {
        /// The objective's id.
        id: i64,
    },
}

/// The fields of an objective; on `add`, title and owner are required.
#[derive(Args, Debug)]
pub struct ObjectiveFields {
    /// Short statement of the goal.
    #[arg(long)]
    pub title: Option<String>,
    /// The executive who owns it.
    #[arg(long)]
    pub owner: Option<String>,
    /// Why it matters.
    #[arg(long)]
    pub description: Option<String>,
    /// A key result, as comma-separated key=value pairs:
    /// metric=NAME,unit=UNIT,baseline=N,target=N[,current=N],due=YYYY-MM-DD.
    /// Repeat for several; on update, the given ones replace all key results.
    #[arg(long = "key-result", value_name = "PAIRS")]
    pub key_results: Vec<String>,
}

/// `leadup team ...`
#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// List every team.
    List(Format),
    /// Show one team (by id or exact name).
    Show {
        /// The team's id or name.
        team: String,
        #[command(flatten)]
        format: Format,
    },
    /// Add a team.
    Add {
        #[command(flatten)]
        fields: TeamFields,
        #[command(flatten)]
        format: Format,
    },
    /// Change some fields of a team; the others stay as they are.
    Update {
        /// The team's id or name.
        team: String,
        #[command(flatten)]
        fields: TeamFields,
        #[command(flatten)]
        format: Format,
    },
    /// Delete a team (refused while it has initiatives).
    Delete {
        /// The team's id or name.
        team: String,
    },
}

/// The fields of a team; on `add`, name and manager are required.
#[derive(Args, Debug)]
pub struct TeamFields {
    /// The team's unique name.
    #[arg(long)]
    pub name: Option<String>,
    /// The manager who owns the team's plan.
    #[arg(long)]
    pub manager: Option<String>,
    /// A member; repeat for several (on update, replaces the list).
    #[arg(long = "member", value_name = "NAME")]
    pub members: Vec<String>,
    /// An executive the team reports to; repeat for several (on update, replaces the list).
    #[arg(long = "executive", value_name = "NAME")]
    pub executives: Vec<String>,
}

/// `leadup initiative ...`
#[derive(Subcommand, Debug)]
pub enum InitiativeCommand {
    /// List every initiative.
    List(Format),
    /// Show one initiative.
    Show {
        /// The initiative's id.
        id: i64,
        #[command(flatten)]
        format: Format,
    },
    /// Add an initiative; give a horizon, a target window, or both.
    Add {
        #[command(flatten)]
        fields: InitiativeFields,
        #[command(flatten)]
        format: Format,
    },
    /// Change some fields of an initiative; the others stay as they are.
    Update {
        /// The initiative's id.
        id: i64,
        #[command(flatten)]
        fields: InitiativeFields,
        /// Remove the explicit horizon (it is then derived from the target window).
        #[arg(long, conflicts_with = "horizon")]
        clear_horizon: bool,
        /// Remove the target window.
        #[arg(long, conflicts_with_all = ["start", "end"])]
        clear_window: bool,
        #[command(flatten)]
        format: Format,
    },
    /// Delete an initiative.
    Delete {
        /// The initiative's id.
        id: i64,
    },
}

/// The fields of an initiative; on `add`, title and team are required.
#[derive(Args, Debug)]
pub struct InitiativeFields {
    /// Short name.
    #[arg(long)]
    pub title: Option<String>,
    /// The team that delivers it, by id or exact name.
    #[arg(long)]
    pub team: Option<String>,
    /// The change in the world it aims for.
    #[arg(long)]
    pub outcome: Option<String>,
    /// The id of an objective it serves; repeat for several (on update, replaces the list).
    #[arg(long = "objective", value_name = "ID")]
    pub objectives: Vec<i64>,
    /// now, next or later.
    #[arg(long)]
    pub horizon: Option<String>,
    /// First day of the target window (YYYY-MM-DD).
    #[arg(long)]
    pub start: Option<String>,
    /// Last day of the target window (YYYY-MM-DD).
    #[arg(long)]
    pub end: Option<String>,
    /// proposed, planned, `in_progress`, done or dropped (default proposed).
    #[arg(long)]
    pub status: Option<String>,
    /// Planned budget in whole currency units, e.g. 250000 or 1250.50.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub budget: Option<String>,
    /// Budget spent so far, in whole currency units.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub spent: Option<String>,
    /// ISO 4217 currency code (default EUR).
    #[arg(long)]
    pub currency: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
