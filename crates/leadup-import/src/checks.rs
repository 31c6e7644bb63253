//! The checks every reader applies to an item's times, whatever the format.

use time::OffsetDateTime;

/// A time with the name of the column (or field) it came from and the text it was read from.
pub(crate) struct Stamp<'a> {
    pub(crate) column: &'a str,
    pub(crate) text: &'a str,
    pub(crate) time: OffsetDateTime,
}

/// Fails when the item was done before it was created or before it was started: such a row
/// would give a negative lead or cycle time.
pub(crate) fn done_not_before(done: Option<&Stamp<'_>>, earlier: &[Option<&Stamp<'_>>]) -> Result<(), String> {
    let Some(done) = done else { return Ok(()) };
    for stamp in earlier.iter().flatten() {
        if done.time < stamp.time {
            return Err(format!("{}: '{}' is before {} '{}'", done.column, done.text, stamp.column, stamp.text));
        }
    }
    Ok(())
}
