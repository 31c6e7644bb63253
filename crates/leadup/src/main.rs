//! The `leadup` binary: parses the command line, opens the store (for the commands that need
//! one), and runs one command.
//! Invalid input exits with status 2, any other failure with 1; a closed pipe is not an error.

mod accounts;
mod audit;
mod backup;
mod brief;
mod cli;
mod commitments;
mod decision_log;
mod decisions;
mod deliveries;
mod demo;
mod evidence;
mod evidence_import;
mod flow;
mod forecast;
mod import;
mod logging;
mod output;
mod proposal;
mod records;
mod serve;
mod stakeholders;
mod wins;

use std::process::ExitCode;

use clap::Parser;
use leadup_core::ValidationErrors;
use leadup_store::{Store, StoreError};

use cli::{BriefAction, BriefCommand, Cli, Command, ProposalCommand};

/// mimalloc rather than the system's allocator: an import allocates every cell's text on
/// one thread and frees it on SQLite's, where glibc's arenas spend a fifth of the time
/// (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            ExitCode::from(if is_bad_input(&error) { 2 } else { 1 })
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // Pure calculations run without opening (or creating) a database.
    let command = match cli.command {
        Command::Proposal(ProposalCommand::Calc { file, json }) => return proposal::calc(&file, json),
        Command::Forecast(command) if forecast::is_raw(&command) => return forecast::forecast(None, command).await,
        // These open their databases themselves: migrate names both, restore checks its target
        // is empty before leadup's schema goes in.
        Command::Migrate(args) => return backup::migrate(&args).await,
        Command::Restore(args) => return backup::restore(&args, &cli.database_url).await,
        command => command,
    };
    let store = Store::connect(&cli.database_url).await?;
    let result = match command {
        Command::Init(args) => records::init(&store, args).await,
        Command::Serve(args) => serve::serve(&store, &cli.database_url, args).await,
        Command::Demo(args) => serve::demo(&store, &cli.database_url, args).await,
        Command::Workspace(command) => records::workspace(&store, command).await,
        Command::Objective(command) => records::objective(&store, command).await,
        Command::Team(command) => records::team(&store, command).await,
        Command::Stakeholder(command) => stakeholders::stakeholder(&store, command).await,
        Command::Initiative(command) => records::initiative(&store, command).await,
        Command::Evidence(command) => evidence::evidence(&store, command).await,
        Command::Import(command) => import::import(&store, command).await,
        Command::Forecast(command) => forecast::forecast(Some(&store), command).await,
        Command::Backtest(args) => forecast::backtest(&store, args).await,
        Command::Flow(args) => flow::flow(&store, args).await,
        Command::User(command) => accounts::user(&store, command).await,
        Command::Member(command) => accounts::member(&store, command).await,
        Command::Token(command) => accounts::token(&store, command).await,
        Command::Audit(command) => audit::audit(&store, command).await,
        Command::Brief(BriefCommand { action: Some(BriefAction::Send { id, delivery }), .. }) => {
            deliveries::send_brief(&store, id, &delivery).await
        }
        Command::Brief(BriefCommand { action: Some(BriefAction::Due { today, format }), .. }) => {
            brief::due(&store, today.as_deref(), format).await
        }
        Command::Brief(BriefCommand { action: None, args }) => brief::brief(&store, args).await,
        Command::Deliveries(command) => deliveries::deliveries(&store, command).await,
        Command::Proposal(ProposalCommand::List(format)) => proposal::list(&store, format).await,
        Command::Proposal(ProposalCommand::Brief { file, id, format, today }) => {
            proposal::brief(&store, file.as_deref(), id, &format, today.as_deref()).await
        }
        Command::Proposal(ProposalCommand::Decide { id, decision, user, reason }) => {
            decisions::decide_proposal(&store, id, &decision, &user, reason.as_deref()).await
        }
        Command::Proposal(ProposalCommand::Calc { .. }) => unreachable!("run without a database above"),
        Command::Plan(command) => decisions::plan(&store, command).await,
        Command::Commitment(command) => commitments::commitment(&store, command).await,
        Command::Credibility(args) => commitments::credibility(&store, args).await,
        Command::Inbox { user, format } => decisions::inbox(&store, &user, format).await,
        Command::Win(command) => wins::win(&store, command).await,
        Command::Decision(command) => decision_log::decision(&store, command).await,
        Command::Backup(args) => backup::backup(&store, &args).await,
        Command::Migrate(_) | Command::Restore(_) => unreachable!("run before opening a database above"),
    };
    store.close().await;
    result
}

/// The error and its causes on one line, without repeating a cause already in the message.
fn one_line(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn is_bad_input(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<ValidationErrors>()
            || matches!(
                cause.downcast_ref::<StoreError>(),
                Some(StoreError::Invalid(_) | StoreError::UnsupportedUrl(_))
            )
            || matches!(
                cause.downcast_ref::<leadup_web::imports::ImportFailure>(),
                Some(leadup_web::imports::ImportFailure::File(_))
            )
    })
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
    })
}
