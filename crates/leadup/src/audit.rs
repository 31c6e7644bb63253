//! `leadup audit verify`: checks the audit log's hash chain from its first entry to the end
//! on record.

use anyhow::Context;
use leadup_store::Store;

use crate::cli::AuditCommand;
use crate::output;

/// `leadup audit ...`
pub async fn audit(store: &Store, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify => {
            let entries = store.verify_audit_log().await?.context("the audit log's hash chain is broken")?;
            output::line(&format!("audit log intact: {entries} entries"))
        }
    }
}
