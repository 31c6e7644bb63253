//! `leadup migrate`, `leadup backup` and `leadup restore`, through `leadup_app::backup`: the
//! progress on standard error (a line redrawn on a terminal, a line per table otherwise) and
//! what was copied and checked on standard output.

use std::io::IsTerminal;

use leadup_app::backup::{self, Report};
use leadup_store::transfer::Progress;
use leadup_store::{Store, redact};

use crate::cli::{BackupArgs, MigrateArgs, RestoreArgs};
use crate::output;

/// `leadup migrate --from URL --to URL`
pub async fn migrate(args: &MigrateArgs) -> anyhow::Result<()> {
    let report = backup::migrate(&args.from, &args.to, &mut progress()).await?;
    finish(&report, &format!("copied {} to {}", redact(&args.from), redact(&args.to)))
}

/// `leadup backup --to FILE`
pub async fn backup(store: &Store, args: &BackupArgs) -> anyhow::Result<()> {
    let report = backup::backup(store, &args.to, &mut progress()).await?;
    finish(&report, &format!("backed up into {}", args.to.display()))
}

/// `leadup restore --from FILE`, into the database `--database-url` names.
pub async fn restore(args: &RestoreArgs, database_url: &str) -> anyhow::Result<()> {
    let report = backup::restore(&args.from, database_url, &mut progress()).await?;
    finish(&report, &format!("restored {} into {}", args.from.display(), redact(database_url)))
}

/// Draws progress on standard error: on a terminal one line redrawn, otherwise one line per
/// table once it is copied.
fn progress() -> impl FnMut(Progress<'_>) {
    let terminal = std::io::stderr().is_terminal();
    move |p: Progress<'_>| {
        if terminal {
            eprint!("\r\x1b[Kcopying {}: {}/{} rows", p.table, p.copied, p.total);
            if p.copied == p.total {
                eprintln!();
            }
        } else if p.copied == p.total {
            eprintln!("{}: {} rows", p.table, p.total);
        }
    }
}

fn finish(report: &Report, what: &str) -> anyhow::Result<()> {
    output::line(&format!(
        "{what}: {} tables, {} rows, {} bytes in {:.1} s; checked: row counts equal, audit log intact ({} entries)",
        report.tables.len(),
        report.rows,
        report.bytes,
        report.seconds,
        report.audit_entries
    ))
}
