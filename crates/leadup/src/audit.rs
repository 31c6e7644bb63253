//! `leadup audit verify`: checks the audit log's hash chain from its first entry to the end
//! on record, and against a head (`COUNT:HASH`) kept elsewhere.

use anyhow::{Context, bail};
use leadup_core::ValidationErrors;
use leadup_store::Store;

use crate::cli::AuditCommand;
use crate::output;

/// `leadup audit ...`
pub async fn audit(store: &Store, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { expect } => {
            let expected = expect.as_deref().map(parse_head).transpose()?;
            let entries = store.verify_audit_log().await?.context("the audit log's hash chain is broken")?;
            let log = store.audit_log().await?;
            let head = log.last().map_or_else(|| "0:".to_owned(), |e| format!("{}:{}", e.seq, e.hash));
            if let Some((count, hash)) = expected {
                match log.iter().find(|e| e.seq == count) {
                    _ if count == 0 => {}
                    Some(entry) if entry.hash == hash => {}
                    Some(_) => bail!(
                        "the audit log was rewritten: entry {count}'s hash is not the one expected (the head now is {head})"
                    ),
                    None => bail!(
                        "the audit log was cut short: it holds {entries} entries, but entry {count} was expected \
                         (the head now is {head})"
                    ),
                }
            }
            output::line(&format!("audit log intact: {entries} entries; head {head}"))
        }
    }
}

/// `COUNT:HASH` as `leadup audit verify` prints it, or an error naming `--expect`.
fn parse_head(text: &str) -> Result<(i64, String), ValidationErrors> {
    let invalid = || {
        ValidationErrors::single(
            "--expect",
            format!("'{text}' is not a head as `leadup audit verify` prints it (COUNT:HASH)"),
        )
    };
    let (count, hash) = text.trim().split_once(':').ok_or_else(invalid)?;
    let count: i64 = count.parse().map_err(|_| invalid())?;
    let valid_hash =
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())) || (count == 0 && hash.is_empty());
    if count < 0 || !valid_hash {
        return Err(invalid());
    }
    Ok((count, hash.to_ascii_lowercase()))
}
