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

/// Fails naming the field when a text of `item` holds a NUL character (no text may hold one;
/// PostgreSQL cannot store it).
pub(crate) fn no_nul(item: &leadup_core::work_item::WorkItem) -> Result<(), String> {
    let texts = [
        ("key", Some(&item.key)),
        ("title", Some(&item.title)),
        ("type", Some(&item.kind)),
        ("status", Some(&item.status)),
        ("parent", item.parent.as_ref()),
        ("milestone", item.milestone.as_ref()),
    ];
    let labels = item.labels.iter().map(|label| ("labels", Some(label)));
    match texts.into_iter().chain(labels).find(|(_, text)| text.is_some_and(|t| t.contains('\0'))) {
        Some((field, _)) => Err(format!("{field}: the value contains a NUL character")),
        None => Ok(()),
    }
}
