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
    /// List the stakeholders (every team's executives) with their profiles, or show one.
    /// Managers edit profiles on /stakeholders or through PUT /api/v1/stakeholders/{id}.
    #[command(subcommand)]
    Stakeholder(StakeholderCommand),
    /// List, show, add, update or delete initiatives (roadmap items); attach work items.
    #[command(subcommand)]
    Initiative(InitiativeCommand),
    /// Record and search evidence: interviews, tickets, sales requests, metrics, research.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Import work items from a tracker export (Jira CSV, GitHub issues JSON, any CSV).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Forecast from a team's throughput: when N items will be done, or how many by a date.
    #[command(subcommand)]
    Forecast(ForecastCommand),
    /// Replay a team's history and report how often its forecasts were met, per percentile.
    Backtest(BacktestArgs),
    /// Flow metrics of a team or an initiative: throughput, cycle time, WIP, age.
    Flow(FlowArgs),
    /// Work out the business case of a proposal: NPV, ROI and payback.
    #[command(subcommand)]
    Proposal(ProposalCommand),
    /// Add users and set their passwords (there are no default accounts: the first user
    /// added with --admin administers the workspace).
    #[command(subcommand)]
    User(UserCommand),
    /// Give users a role in a team (manager, member or executive), or take it away.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Create, list and revoke API tokens, which scripts send as 'Authorization: Bearer TOKEN'.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit log of approvals, change-request decisions, role changes and share links.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print or write the brief for one executive: a status update about one of their teams
    /// over the last days, generated from the stored forecasts, plans, change requests,
    /// objectives and evidence, exception first, with what changed since the last brief sent to
    /// them. Nothing is stored: a brief is stored as sent from its web page or the API.
    /// `leadup brief send ID` delivers a stored one.
    #[command(args_conflicts_with_subcommands = true)]
    Brief(BriefCommand),
    /// A plan's progress against its targets, and an executive's decision on a submitted plan.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The commitments ledger: what a team promised, to whom, by when and how confidently, and
    /// what happened (met, missed, renegotiated, dropped), each outcome kept. Dates can be given
    /// so that history can be recorded. Recorded as the team's manager unless --as names another.
    #[command(subcommand)]
    Commitment(CommitmentCommand),
    /// A team's track record over the commitments closed in a period: kept on time,
    /// renegotiated early, missed, dropped, the on-time rate, the mean slip, the Brier score of
    /// the stated confidences with their reliability, the budget variance, how often the stored
    /// P85 forecasts came true, and the trend by quarter.
    Credibility(CredibilityArgs),
    /// Everything waiting for a user's decision, oldest first: plans to approve, change
    /// requests to sign off, proposals to decide.
    Inbox {
        /// The user, by email.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        #[command(flatten)]
        format: Format,
    },
    /// A team's wins with the people credited: propose one (as a member or the manager),
    /// list them with the credits per person, confirm or decline one (as the manager).
    #[command(subcommand)]
    Win(WinCommand),
    /// A team's decision log: every plan approval, change-request and proposal decision, and
    /// the decisions its manager adds by hand.
    #[command(subcommand)]
    Decision(DecisionCommand),
    /// The outbox of e-mails and chat webhook posts: list them with their status, retry a
    /// failed one, send what is due, or send a test e-mail to check the SMTP settings.
    #[command(subcommand)]
    Deliveries(DeliveriesCommand),
    /// Copy the whole workspace at --from into the empty database at --to, between SQLite and
    /// PostgreSQL in either direction: every table and row, ids kept, the audit chain, sessions
    /// and API tokens still valid. Streams in batches with progress on standard error; checks the
    /// copy (row counts, audit chain, SQLite's integrity check) before it reports success. A
    /// target holding any data is refused and left unchanged; a failed copy writes nothing.
    Migrate(MigrateArgs),
    /// Write a consistent backup of the database (--database-url) into a new SQLite file while
    /// the server keeps running: SQLite's online backup, or on PostgreSQL a copy of one
    /// snapshot. The file is checked (integrity, row counts, audit chain) before it gets its
    /// name; an existing file is never overwritten.
    Backup(BackupArgs),
    /// Restore a backup file into the empty database --database-url names (SQLite or
    /// PostgreSQL), after checking the file, and check the restored copy.
    Restore(RestoreArgs),
}

/// Arguments of `leadup migrate`.
#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The database to copy: <sqlite://FILE> or <postgres://USER@HOST/DB>.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The empty database to copy into (a SQLite file is created if missing).
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// Arguments of `leadup backup`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist.
    #[arg(long, value_name = "FILE")]
    pub to: std::path::PathBuf,
}

/// Arguments of `leadup restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file `leadup backup` wrote.
    #[arg(long, value_name = "FILE")]
    pub from: std::path::PathBuf,
}

/// `leadup plan ...`
#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Per committed initiative: target, budget, the stored P85 date and chance by target, the
    /// change since the baseline was approved, budget spent and items done, under the plan's
    /// headline (on track, at risk or off track, with the reason). The baseline's, or a
    /// submitted version's with --plan-version.
    Progress {
        /// The plan's id (see the team's plans page or `GET /api/v1/teams/{id}/plans`).
        plan: i64,
        /// A submitted or approved version (default: the baseline).
        #[arg(long = "plan-version", value_name = "N")]
        number: Option<u32>,
        #[command(flatten)]
        format: Format,
    },
    /// Approve the plan's submitted version into the baseline, as one of the team's
    /// executives; the reason is kept in the plan's decisions and the audit log.
    Approve {
        /// The plan's id.
        plan: i64,
        /// The executive, by email.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        /// Why (optional).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Send the plan's submitted version back to its manager as a draft, with a comment, as
    /// one of the team's executives.
    SendBack {
        /// The plan's id.
        plan: i64,
        /// The executive, by email.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        /// What the manager should change (required).
        #[arg(long)]
        reason: String,
    },
}

/// `leadup commitment ...`
#[derive(Subcommand, Debug)]
pub enum CommitmentCommand {
    /// Add a commitment and print its id.
    Add(CommitmentAddArgs),
    /// Record that a commitment was met (on a date, with the amount spent).
    Met {
        /// The commitment's id.
        id: i64,
        #[command(flatten)]
        outcome: OutcomeArgs,
    },
    /// Record that a commitment was missed.
    Missed {
        /// The commitment's id.
        id: i64,
        #[command(flatten)]
        outcome: OutcomeArgs,
    },
    /// Record that a commitment was dropped (with --reason).
    Dropped {
        /// The commitment's id.
        id: i64,
        #[command(flatten)]
        outcome: OutcomeArgs,
    },
    /// Agree a new due date (with --reason); the original is kept and renegotiating before it
    /// has passed counts to the team's credit.
    Renegotiate {
        /// The commitment's id.
        id: i64,
        /// The new due date, YYYY-MM-DD.
        #[arg(long)]
        due: String,
        #[command(flatten)]
        outcome: OutcomeArgs,
    },
    /// List a team's commitments: open ones first with the current forecast's chance.
    List {
        /// The team, by name or id.
        #[arg(long)]
        team: String,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup win ...`
#[derive(Subcommand, Debug)]
pub enum WinCommand {
    /// Propose a win of the team, crediting the people who did the work; prints its id. The
    /// team's manager confirms it (`leadup win confirm`).
    Add {
        /// The team, by name.
        #[arg(long)]
        team: String,
        /// What was achieved.
        #[arg(long)]
        title: String,
        /// When it was achieved, YYYY-MM-DD (not after today).
        #[arg(long = "on", value_name = "DATE")]
        on: String,
        /// A person credited: a user's e-mail address or a name (repeat for each person).
        #[arg(long = "credit", value_name = "NAME_OR_EMAIL")]
        credits: Vec<String>,
        /// The initiative of the team it serves.
        #[arg(long)]
        initiative: Option<i64>,
        /// The objective it serves.
        #[arg(long)]
        objective: Option<i64>,
        /// Its impact in words.
        #[arg(long, default_value = "")]
        impact: String,
        /// Its impact as a number (with --unit).
        #[arg(long = "impact-value", value_name = "NUMBER")]
        impact_value: Option<f64>,
        /// The unit of --impact-value, e.g. "EUR/month".
        #[arg(long, default_value = "")]
        unit: String,
        /// Who proposes it (a member or the manager of the team), by e-mail.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        #[command(flatten)]
        format: Format,
    },
    /// The team's wins, newest first, and the confirmed wins per person credited.
    List {
        /// The team, by name.
        #[arg(long)]
        team: String,
        #[command(flatten)]
        format: Format,
    },
    /// Confirm a proposed win, as the team's manager.
    Confirm {
        /// The win's id.
        id: i64,
        /// The manager, by e-mail.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
    },
    /// Decline a proposed win with a reason, as the team's manager.
    Decline {
        /// The win's id.
        id: i64,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// The manager, by e-mail.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
    },
}

/// `leadup decision ...`
#[derive(Subcommand, Debug)]
pub enum DecisionCommand {
    /// Add a decision made outside leadup to the team's log, as its manager; prints its id.
    Add {
        /// The team, by name.
        #[arg(long)]
        team: String,
        /// What was decided.
        #[arg(long)]
        title: String,
        /// When, YYYY-MM-DD (not after today).
        #[arg(long = "on", value_name = "DATE")]
        on: String,
        /// An option considered (repeat for each).
        #[arg(long = "option", value_name = "TEXT")]
        options: Vec<String>,
        /// The id of a piece of evidence cited (repeat for each).
        #[arg(long = "evidence", value_name = "ID")]
        evidence: Vec<i64>,
        /// Who decided, by name.
        #[arg(long = "decided-by", value_name = "NAMES")]
        decided_by: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The manager, by e-mail.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        #[command(flatten)]
        format: Format,
    },
    /// The team's decision log, newest first.
    List {
        /// The team, by name.
        #[arg(long)]
        team: String,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup commitment add`
#[derive(Args, Debug)]
pub struct CommitmentAddArgs {
    /// The team that promises, by name or id.
    #[arg(long)]
    pub team: String,
    /// The person it is promised to, by email (usually one of the team's executives).
    #[arg(long, value_name = "EMAIL")]
    pub to: String,
    /// What is promised.
    #[arg(long)]
    pub statement: String,
    /// The due date, YYYY-MM-DD.
    #[arg(long)]
    pub due: String,
    /// The stated confidence of keeping it, from 0 to 1 (0.8 is 80%).
    #[arg(long)]
    pub confidence: f64,
    /// The day it was made, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub made: Option<String>,
    /// Its budget in whole units, e.g. 25000 or 25,000.50.
    #[arg(long, value_name = "AMOUNT")]
    pub budget: Option<String>,
    /// The budget's currency (default EUR).
    #[arg(long)]
    pub currency: Option<String>,
    /// The initiative it is about (its id), whose forecast then gives the chance of keeping it.
    #[arg(long, value_name = "ID")]
    pub initiative: Option<i64>,
    /// Who records it, by email (default: the team's manager).
    #[arg(long = "as", value_name = "EMAIL")]
    pub user: Option<String>,
    #[command(flatten)]
    pub format: Format,
}

/// The flags every outcome shares.
#[derive(Args, Debug)]
pub struct OutcomeArgs {
    /// The day it happened, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// For `met`: the amount spent in whole units of the commitment's currency.
    #[arg(long, value_name = "AMOUNT")]
    pub spent: Option<String>,
    /// Why (required to drop or renegotiate).
    #[arg(long)]
    pub reason: Option<String>,
    /// Who records it, by email (default: the team's manager).
    #[arg(long = "as", value_name = "EMAIL")]
    pub user: Option<String>,
}

/// `leadup credibility`
#[derive(Args, Debug)]
pub struct CredibilityArgs {
    /// The team, by name or id.
    #[arg(long)]
    pub team: String,
    /// The first day of the period, YYYY-MM-DD (default: all closed commitments).
    #[arg(long)]
    pub from: Option<String>,
    /// The last day of the period, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub format: Format,
}

/// `leadup stakeholder ...`
#[derive(Subcommand, Debug)]
pub enum StakeholderCommand {
    /// List every stakeholder: teams sponsored, topics, cadence and channel.
    List(Format),
    /// Show one stakeholder's profile.
    Show {
        /// The stakeholder's e-mail address.
        email: String,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup brief ...`: print one, or `send` a stored one.
#[derive(Args, Debug)]
pub struct BriefCommand {
    #[command(subcommand)]
    pub action: Option<BriefAction>,
    #[command(flatten)]
    pub args: BriefArgs,
}

/// `leadup brief send ...`
#[derive(Subcommand, Debug)]
pub enum BriefAction {
    /// Send stored brief ID to its executive by the channel of their profile (e-mail with the
    /// PDF attached, or their chat webhook): queued in the outbox, then sent now.
    Send {
        /// The stored brief's id (see `/briefs`).
        id: i64,
        #[command(flatten)]
        delivery: DeliveryArgs,
    },
    /// Generate the briefs due today by the executives' cadence, as `leadup serve` does each
    /// day: a draft for the team's manager to review, or a brief sent without review, as each
    /// stakeholder profile's schedule says (sent ones are queued: `leadup deliveries send`
    /// sends them). Running it again the same day does nothing more.
    Due {
        /// The day to run as (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup brief --for EMAIL ...`
#[derive(Args, Debug)]
pub struct BriefArgs {
    /// The executive's e-mail address (a user holding the executive role in a team); needed
    /// to print a brief.
    #[arg(long = "for", value_name = "EMAIL")]
    pub stakeholder: Option<String>,
    /// The team the brief is about, by exact name; needed when the executive has several.
    #[arg(long)]
    pub team: Option<String>,
    /// The period's length in days, ending today (1 to 366).
    #[arg(long, default_value = "14")]
    pub days: String,
    /// `markdown` (for e-mail or chat), `html` (a print-ready page) or `pdf` (needs --out, or
    /// standard output that is not a terminal).
    #[arg(long, default_value = "markdown")]
    pub format: String,
    /// Write the brief to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// A short note from the manager, shown under the headline.
    #[arg(long, default_value = "")]
    pub note: String,
    /// An ask of the executive (repeat for several).
    #[arg(long = "ask", value_name = "TEXT")]
    pub asks: Vec<String>,
    /// Leave out the team's track record (its commitments kept over the last 12 months), which
    /// the brief includes by default.
    #[arg(long)]
    pub no_track_record: bool,
    /// The day the brief is as of (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// Where a new password comes from.
#[derive(Args, Debug)]
pub struct PasswordSource {
    /// Read the password from standard input (one line) instead of generating one. It must
    /// have at least 12 characters and not be one of the 1,000 most common passwords.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `leadup user ...`
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a strong password is generated and printed once.
    Add {
        /// The address they sign in with.
        email: String,
        /// Their name as others see it.
        #[arg(long)]
        name: String,
        /// Make them a workspace administrator: they manage teams, users and the strategy.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        password: PasswordSource,
        #[command(flatten)]
        format: Format,
    },
    /// List every user with the roles they hold.
    List(Format),
    /// Set a user's password (generated and printed once without --password-stdin); this
    /// ends all their sessions. Their API tokens keep working (it says how many) unless
    /// --revoke-tokens is given.
    Password {
        /// The user's email address.
        email: String,
        #[command(flatten)]
        password: PasswordSource,
        /// Revoke all their API tokens too (after a password leaked, say).
        #[arg(long)]
        revoke_tokens: bool,
    },
}

/// `leadup member ...`
#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Give a user a role in a team, replacing the role they held there.
    Add {
        /// The user's email address.
        email: String,
        /// The team, by id or exact name.
        #[arg(long)]
        team: String,
        /// manager, member or executive.
        #[arg(long)]
        role: String,
    },
    /// Take a user's role in a team away.
    Remove {
        /// The user's email address.
        email: String,
        /// The team, by id or exact name.
        #[arg(long)]
        team: String,
    },
    /// List who holds which role in a team.
    List {
        /// The team, by id or exact name.
        #[arg(long)]
        team: String,
        #[command(flatten)]
        format: Format,
    },
}

/// `leadup token ...`
#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it; it is shown only this once (only its
    /// digest is kept). The token acts with the user's roles.
    Create {
        /// The user's email address.
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// List a user's tokens (never the tokens themselves).
    List {
        /// The user's email address.
        email: String,
        #[command(flatten)]
        format: Format,
    },
    /// Revoke a token: it opens nothing from then on.
    Revoke {
        /// The user's email address.
        email: String,
        /// The token's id, as `leadup token list` shows it.
        id: i64,
    },
}

/// `leadup audit ...`
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit log's hash chain: exits 0 printing the number of entries and the head
    /// (`COUNT:HASH`, the last entry's number and hash) when it is intact, 1 naming the first
    /// broken entry (its number and why) otherwise. Keep the head somewhere else: a log cut
    /// short with its head rewound still chains, and only `--expect` finds that out.
    Verify {
        /// A head printed earlier, `COUNT:HASH`: the log must still hold entry COUNT with
        /// that hash (it may have grown since).
        #[arg(long, value_name = "COUNT:HASH")]
        expect: Option<String>,
    },
}

/// `leadup proposal ...`
#[derive(Subcommand, Debug)]
pub enum ProposalCommand {
    /// Compute a business case from a JSON file, without storing it: NPV, ROI and payback
    /// for the low, expected and high benefits, and the expected NPV's sensitivity to the
    /// discount rate and to the benefits. The file holds `discount_rate` (0.1 is 10% per
    /// period), `one_off_cost`, `recurring_cost` and `benefits` (`low`, `expected` and `high`,
    /// each a list with one benefit per period), amounts in minor units (cents); see
    /// docs/business-case.md. Needs no database.
    Calc {
        /// The business case, as JSON.
        file: std::path::PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the stored proposals (made on the Proposals page or through the API), the most
    /// recently changed first, with their team and status.
    List(Format),
    /// Approve or decline a presented proposal, as one of its team's executives; the reason
    /// is kept in the proposal's history and the audit log.
    Decide {
        /// The proposal's id (from `leadup proposal list`).
        id: i64,
        /// `approve` or `decline`.
        #[arg(long)]
        decision: String,
        /// The executive, by email.
        #[arg(long = "as", value_name = "EMAIL")]
        user: String,
        /// Why (optional).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print a proposal's one-page brief: problem, solution, objectives served (none:
    /// unaligned), who benefits, the numbers, risks and the ask, every claim citing its
    /// evidence (ids from `leadup evidence list`) or marked as an opinion. Either a stored
    /// proposal (`--id`, from `leadup proposal list`) or a JSON file, which holds `title`,
    /// `problem` and `solution` (`{"text": ..., "evidence": [ids]}`), `objective_ids`,
    /// `initiative_id` (its delivery dates then come from the team's forecast),
    /// `beneficiaries` (`who`: customers, employees or `the_company`), `risks`, `case` (as for
    /// `calc`), `currency`, `ask` (`decision`, `money`, `people`, `decide_by`) and `status`;
    /// see docs/business-case.md. A file is not stored.
    Brief {
        /// The proposal, as JSON.
        #[arg(required_unless_present = "id", conflicts_with = "id")]
        file: Option<std::path::PathBuf>,
        /// A stored proposal's id, instead of a file.
        #[arg(long)]
        id: Option<i64>,
        /// `markdown` (for e-mail or chat) or `html` (a print-ready page: Save as PDF).
        #[arg(long, default_value = "markdown")]
        format: String,
        /// The day the decision date is checked against (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
}

/// `leadup import ...`: every format shares these.
#[derive(Args, Debug)]
pub struct ImportTarget {
    /// The team the items belong to, by id or exact name; a new name creates the team.
    #[arg(long)]
    pub team: String,
    /// Reject the whole file if any row is bad; then nothing is written.
    #[arg(long)]
    pub strict: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `leadup import jira|github|csv`
#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A Jira "all fields" CSV export (Issues > Export > CSV (all fields)).
    Jira {
        /// The exported file.
        file: std::path::PathBuf,
        /// How dates are written, as Jira's pattern (e.g. 'dd/MMM/yy h:mm a') or strftime
        /// (e.g. '%d.%m.%Y %H:%M'). Default: detect Jira's usual formats and ISO 8601.
        #[arg(long, value_name = "FMT")]
        date_format: Option<String>,
        /// The UTC offset of dates written without one, e.g. +01:00 (default UTC).
        #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
        utc_offset: Option<String>,
        /// The column with the date work started (default: the first of Jira's usual start-date fields).
        #[arg(long, value_name = "COL")]
        started: Option<String>,
        #[command(flatten)]
        target: ImportTarget,
    },
    /// GitHub issues as the REST API returns them: one JSON array, or several pages (files or
    /// concatenated arrays). Pull requests are skipped.
    Github {
        /// The JSON files, one per page.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        target: ImportTarget,
    },
    /// Any CSV, with a column mapping.
    Csv {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The field separator: one character, or 'tab'.
        #[arg(long, default_value = ",")]
        delimiter: String,
        /// The column with each item's unique key.
        #[arg(long, value_name = "COL")]
        key: String,
        /// The column with the creation date.
        #[arg(long, value_name = "COL")]
        created: Option<String>,
        /// The column with the date work started.
        #[arg(long, value_name = "COL")]
        started: Option<String>,
        /// The column with the date it was finished (empty: not finished).
        #[arg(long, value_name = "COL")]
        done: String,
        /// The column with the title.
        #[arg(long, value_name = "COL")]
        title: Option<String>,
        /// How dates are written, strftime-style (e.g. '%d.%m.%Y') or Java-style ('dd.MM.yyyy').
        /// Default: ISO 8601, with or without time and offset.
        #[arg(long, value_name = "FMT")]
        date_format: Option<String>,
        /// The UTC offset of dates written without one, e.g. +01:00 (default UTC).
        #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
        utc_offset: Option<String>,
        #[command(flatten)]
        target: ImportTarget,
    },
}

/// Where a forecast's throughput comes from, and as of when.
#[derive(Args, Debug)]
pub struct ForecastSource {
    /// Forecast for this team (id or name), calibrated on its own history.
    #[arg(long, conflicts_with = "throughput")]
    pub team: Option<String>,
    /// Daily done counts, oldest first, e.g. 2,0,1,3 (the raw model, uncalibrated).
    #[arg(long, value_name = "COUNTS", value_delimiter = ',')]
    pub throughput: Option<Vec<u32>>,
    /// Days of throughput history to forecast from, ending today (default 90; with
    /// --throughput, default all the counts given).
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u32).range(1..))]
    pub history_days: Option<u32>,
    /// The forecast date (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `leadup forecast ...`
#[derive(Subcommand, Debug)]
pub enum ForecastCommand {
    /// When will N more items be done? Days (and dates) at P50, P70, P85, P95.
    When {
        /// How many items remain.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        items: u32,
        /// Also give the probability of being done by this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", conflicts_with = "by_days")]
        by: Option<String>,
        /// Also give the probability of being done within K days.
        #[arg(long, value_name = "K")]
        by_days: Option<u32>,
        #[command(flatten)]
        source: ForecastSource,
    },
    /// When will each of a team's initiatives be done, and how likely by its target? The one
    /// forecast every page, the API and the briefs show: the stored one, refreshed first when
    /// its inputs changed.
    Initiatives {
        /// The team, by id or name.
        #[arg(long)]
        team: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What-if: the team's planned and in-progress initiatives sharing its full throughput,
    /// earliest target first, under a WIP limit you choose, with work that may split or grow
    /// with risks. An uncalibrated seeded Monte Carlo, to explore; the forecast leadup shows is
    /// `leadup forecast initiatives`.
    Portfolio {
        /// The team, by id or name.
        #[arg(long)]
        team: String,
        /// How many initiatives the team works on at once.
        #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
        wip: u32,
        /// Simulated trials.
        #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
        trials: u32,
        /// The seed: the same seed gives the same answer.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Each open item may turn into between LOW and HIGH items once worked on, e.g. 1-1.5
        /// (drawn per initiative and trial; default no splitting).
        #[arg(long, value_name = "LOW-HIGH")]
        split: Option<String>,
        /// A risk to every initiative: with probability P it adds LOW to HIGH items, e.g.
        /// 0.3:2-6. Repeat for several.
        #[arg(long = "risk", value_name = "P:LOW-HIGH")]
        risks: Vec<String>,
        /// Days of throughput history, ending today.
        #[arg(long, value_name = "D", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
        history_days: u32,
        /// The forecast date (YYYY-MM-DD); default today (UTC).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// How many items will be done in the next D days? Counts at P50, P70, P85, P95.
    HowMany {
        /// Days ahead.
        #[arg(long, value_name = "D", value_parser = clap::value_parser!(u32).range(1..))]
        days: u32,
        #[command(flatten)]
        source: ForecastSource,
    },
}

/// `leadup backtest`
#[derive(Args, Debug)]
pub struct BacktestArgs {
    /// The team to replay (id or name); default every team in the workspace, pooled.
    #[arg(long)]
    pub team: Option<String>,
    /// The question replayed: when will the next N items be done?
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub items: u32,
    /// Days of throughput history each forecast uses.
    #[arg(long, value_name = "D", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
    pub history_days: u32,
    /// Days between replayed forecast dates.
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub step_days: u32,
    /// Replay up to this date (YYYY-MM-DD); default each team's last done day.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `leadup flow`
#[derive(Args, Debug)]
pub struct FlowArgs {
    /// The team, by id or name.
    #[arg(long, required_unless_present = "initiative", conflicts_with = "initiative")]
    pub team: Option<String>,
    /// An initiative's id: only its attached work items.
    #[arg(long, value_name = "ID")]
    pub initiative: Option<i64>,
    /// The window's length in days, ending today.
    #[arg(long, value_name = "D", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
    pub days: u32,
    /// The window's last day (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
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

    #[command(flatten)]
    pub delivery: DeliveryArgs,

    /// Serve Prometheus metrics on this address, path /metrics, and only there (never on
    /// --bind); off unless given. Keep it on a private interface or behind your firewall.
    #[arg(long, env = "LEADUP_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// The address of a reverse proxy or load balancer in front of this server, trusted to
    /// name the client in X-Forwarded-For (the sign-in throttle counts failures per client);
    /// repeat for several, or separate with commas. Requests from other addresses are counted
    /// by their own address, whatever they send.
    #[arg(long = "trusted-proxy", env = "LEADUP_TRUSTED_PROXIES", value_name = "IP", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// On SIGTERM (or Ctrl-C), seconds to go on serving while /readyz answers 503, so a load
    /// balancer checking it stops sending requests here before this server stops accepting.
    #[arg(long, env = "LEADUP_DRAIN_DELAY", value_name = "SECONDS", default_value_t = 0)]
    pub drain_delay: u64,

    /// Then, seconds the requests in flight get to finish before the server exits anyway.
    #[arg(long, env = "LEADUP_DRAIN_TIMEOUT", value_name = "SECONDS", default_value_t = 30)]
    pub drain_timeout: u64,

    #[command(flatten)]
    pub logs: LogArgs,
}

/// How the server's log events (one per request, and the background work's) are written: to
/// standard output, one event a line. Start-up messages stay on standard error.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Logs")]
pub struct LogArgs {
    /// text (readable) or json (one JSON object per line, for a log collector).
    #[arg(long, env = "LEADUP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// The least severe events written: error, warn, info, debug or trace; or per module,
    /// e.g. "info,sqlx=warn".
    #[arg(long, env = "LEADUP_LOG", default_value = "info", value_parser = crate::logging::parse_level)]
    pub log_level: tracing_subscriber::filter::Targets,
}

/// The format of log events.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, every field at the top level.
    Json,
}

/// How e-mails and chat webhook posts are sent (`leadup serve`, `leadup demo`, `leadup
/// deliveries send|test`). The SMTP password is read from the environment variable
/// `LEADUP_SMTP_PASSWORD` or from --smtp-password-file, never from a flag, which every user of
/// the machine could read in `ps`.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Delivery (e-mail and chat webhooks)")]
pub struct DeliveryArgs {
    /// The SMTP server's host name; without it e-mails wait in the outbox.
    #[arg(long, env = "LEADUP_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// The SMTP server's port.
    #[arg(long, env = "LEADUP_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// The user to authenticate as (AUTH PLAIN or LOGIN, over TLS only); needs a password.
    #[arg(long, env = "LEADUP_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// A file holding the SMTP password (its first line); else `LEADUP_SMTP_PASSWORD` is used.
    #[arg(long, env = "LEADUP_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<std::path::PathBuf>,
    /// The sender of e-mails, e.g. "leadup <leadup@example.com>".
    #[arg(long, env = "LEADUP_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// starttls (upgrade a plain connection; the server must offer it), tls (TLS from the
    /// start, usually port 465), or none (unencrypted: only to a server on this machine).
    #[arg(long, env = "LEADUP_SMTP_TLS", default_value = "starttls", value_parser = ["starttls", "tls", "none"])]
    pub smtp_tls: String,
    /// A PEM file of certificate authorities to trust besides the built-in ones, for the SMTP
    /// server and webhooks (e.g. your organisation's own CA). Certificates are always verified.
    #[arg(long, env = "LEADUP_DELIVERY_CA_FILE")]
    pub delivery_ca_file: Option<std::path::PathBuf>,
    /// How long one attempt at sending may take, in seconds.
    #[arg(long, env = "LEADUP_DELIVERY_TIMEOUT", default_value_t = 30)]
    pub delivery_timeout: u64,
}

/// `leadup deliveries ...`
#[derive(Subcommand, Debug)]
pub enum DeliveriesCommand {
    /// List the latest deliveries, newest first, with their status and last error (a webhook
    /// shows only its host).
    List {
        /// Only the deliveries of one record, as KIND:ID (e.g. brief:3).
        #[arg(long)]
        about: Option<String>,
        #[command(flatten)]
        format: Format,
    },
    /// Queue a failed delivery again for a new series of attempts.
    Retry {
        /// The delivery's id.
        id: i64,
    },
    /// Send every delivery that is due now, then exit (`leadup serve` does this all along).
    Send(DeliveryArgs),
    /// Queue a short test e-mail to ADDRESS and send it now, to check the SMTP settings.
    Test {
        /// Who receives the test e-mail.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        delivery: DeliveryArgs,
    },
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
    /// Add a team, optionally giving existing users (by e-mail address) their roles in it.
    /// Later, roles are given and taken with `leadup member add|remove`.
    Add {
        #[command(flatten)]
        fields: TeamFields,
        #[command(flatten)]
        format: Format,
    },
    /// Rename a team (who holds which role is changed with `leadup member`).
    Update {
        /// The team's id or name.
        team: String,
        /// The team's new name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        format: Format,
    },
    /// Delete a team (refused while it has initiatives).
    Delete {
        /// The team's id or name.
        team: String,
    },
}

/// A new team: its name and the existing users to give each role (by e-mail address; see
/// `leadup user list`).
#[derive(Args, Debug)]
pub struct TeamFields {
    /// The team's unique name.
    #[arg(long)]
    pub name: String,
    /// A user to make manager (owns the team's plan); repeat for several.
    #[arg(long = "manager", value_name = "EMAIL")]
    pub managers: Vec<String>,
    /// A user to make member; repeat for several.
    #[arg(long = "member", value_name = "EMAIL")]
    pub members: Vec<String>,
    /// A user to make executive (the team reports to them); repeat for several.
    #[arg(long = "executive", value_name = "EMAIL")]
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
    /// Demand for an initiative from its linked evidence: distinct customers asking, revenue
    /// at stake per currency, evidence per month, and the evidence's strength ("opinion" when
    /// it has none).
    Demand {
        /// The initiative's id.
        id: i64,
        /// Months in the trend, ending with this month.
        #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
        months: u32,
        #[command(flatten)]
        view: EvidenceView,
    },
    /// Attach the team's work items to an initiative by parent/epic key, label, milestone or key.
    Attach {
        /// The initiative's id.
        id: i64,
        #[command(flatten)]
        rules: RuleFields,
    },
    /// Remove attach rules from an initiative.
    Detach {
        /// The initiative's id.
        id: i64,
        #[command(flatten)]
        rules: RuleFields,
    },
}

/// Attach rules; each flag may repeat.
#[derive(Args, Debug)]
#[group(required = true, multiple = true)]
pub struct RuleFields {
    /// Items whose parent or epic key is KEY.
    #[arg(long, value_name = "KEY")]
    pub parent: Vec<String>,
    /// Items with this label.
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// Items in this milestone or fix version.
    #[arg(long, value_name = "NAME")]
    pub milestone: Vec<String>,
    /// The item with this key.
    #[arg(long, value_name = "KEY")]
    pub key: Vec<String>,
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

/// `leadup evidence ...`
#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// List every piece of evidence, newest first, with its strength.
    List(EvidenceView),
    /// Show one piece of evidence, its strength and why, and the initiatives it supports.
    Show {
        /// The evidence's id.
        id: i64,
        #[command(flatten)]
        view: EvidenceView,
    },
    /// Record a piece of evidence (--kind and --summary are required).
    Add {
        #[command(flatten)]
        fields: EvidenceFields,
        #[command(flatten)]
        view: EvidenceView,
    },
    /// Change some fields of a piece of evidence; the others stay as they are. An empty
    /// value ('') clears a text field or the date.
    Update {
        /// The evidence's id.
        id: i64,
        #[command(flatten)]
        fields: EvidenceFields,
        #[command(flatten)]
        view: EvidenceView,
    },
    /// Delete a piece of evidence (refused while it is linked to an initiative).
    Delete {
        /// The evidence's id.
        id: i64,
    },
    /// Link a piece of evidence to an initiative it supports.
    Link {
        /// The evidence's id.
        id: i64,
        /// The initiative's id.
        #[arg(long, value_name = "ID")]
        initiative: i64,
    },
    /// Remove the link between a piece of evidence and an initiative.
    Unlink {
        /// The evidence's id.
        id: i64,
        /// The initiative's id.
        #[arg(long, value_name = "ID")]
        initiative: i64,
    },
    /// Find evidence holding every word of QUERY (in the summary, customer or kind), best
    /// match first.
    Search {
        /// Plain words, e.g. 'refund delays'; punctuation is ignored.
        query: String,
        #[command(flatten)]
        view: EvidenceView,
    },
    /// Import many pieces of evidence from a CSV file, one per row. Columns are found by the
    /// field names (kind, summary, customer, source, date, `revenue_at_stake`, currency,
    /// `customers_affected`, any case) unless mapped with the --*-column flags; kind and
    /// summary are required. Every bad row is reported with its line; the good ones are
    /// written in one transaction (with --strict, none if any row is bad).
    Import(EvidenceImportArgs),
}

/// How evidence is shown.
#[derive(Args, Debug, Clone)]
pub struct EvidenceView {
    /// Print JSON (the same shape as the API) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The day evidence strength is scored on, as its age counts (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// The fields of a piece of evidence; on `add`, kind and summary are required.
#[derive(Args, Debug)]
pub struct EvidenceFields {
    /// What it is: `customer_interview`, `support_ticket`, `sales_request`, `survey_result`,
    /// `usage_metric`, `market_research`, `competitor_move` or `experiment_result`.
    #[arg(long)]
    pub kind: Option<String>,
    /// What was said or seen: a summary or a quote.
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    /// The customer or segment it comes from.
    #[arg(long, value_name = "NAME")]
    pub customer: Option<String>,
    /// A link to the source (http:// or https://).
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    /// When it was said or seen (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// How many customers it affects.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub customers_affected: Option<i64>,
    /// Revenue at stake in whole units of the currency, e.g. 12500 or 12,500.50 (empty clears it).
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub revenue_at_stake: Option<String>,
    /// ISO 4217 currency code of the revenue at stake (default EUR).
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Who recorded it.
    #[arg(long, value_name = "NAME")]
    pub recorded_by: Option<String>,
}

/// `leadup evidence import`
#[derive(Args, Debug)]
pub struct EvidenceImportArgs {
    /// The CSV file.
    pub file: std::path::PathBuf,
    /// The field separator: one character, or 'tab'.
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// The column with the kind (default 'kind').
    #[arg(long, value_name = "COL")]
    pub kind_column: Option<String>,
    /// The column with the summary or quote (default 'summary').
    #[arg(long, value_name = "COL")]
    pub summary_column: Option<String>,
    /// The column with the customer (default 'customer', if there is one).
    #[arg(long, value_name = "COL")]
    pub customer_column: Option<String>,
    /// The column with the source link (default 'source', if there is one).
    #[arg(long, value_name = "COL")]
    pub source_column: Option<String>,
    /// The column with the date (default 'date', if there is one).
    #[arg(long, value_name = "COL")]
    pub date_column: Option<String>,
    /// The column with the revenue at stake in whole units, e.g. 12500 or 12,500.50 (default `revenue_at_stake`, if there is one).
    #[arg(long, value_name = "COL")]
    pub revenue_column: Option<String>,
    /// The column with the revenue's currency code (default 'currency', if there is one; else EUR).
    #[arg(long, value_name = "COL")]
    pub currency_column: Option<String>,
    /// The column with the number of customers affected (default `customers_affected`, if there is one).
    #[arg(long, value_name = "COL")]
    pub customers_affected_column: Option<String>,
    /// How dates are written, strftime-style (e.g. '%d.%m.%Y') or Java-style ('dd.MM.yyyy').
    /// Default: ISO 8601.
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,
    /// Reject the whole file if any row is bad; then nothing is written.
    #[arg(long)]
    pub strict: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
