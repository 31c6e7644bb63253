//! Markdown output of user-written text: the one escaping every Markdown writer uses, so that
//! a title, a claim or a summary shows as the text it is and never as markup, HTML or a link.

/// Characters that are Markdown (or GitHub-flavoured Markdown, or HTML inside Markdown)
/// syntax anywhere in a line; each is written after a backslash, which Markdown reads as
/// the character itself.
const SYNTAX: &[char] = &['\\', '`', '*', '_', '[', ']', '(', ')', '<', '>', '#', '!', '|', '&', '~'];

/// `text` as inline Markdown showing exactly `text`: every syntax character escaped, and line
/// breaks (with the spaces around them) collapsed to one space, so that no text can start a
/// heading, a list, a quote, a table row or a block of HTML, nor end the line it is put on.
/// A leading `-`, `+`, `=` or an ordered-list number (`1.`) is escaped too, since the text may
/// begin a line.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut pending_space = false;
    for (k, line) in text.split(is_line_break).enumerate() {
        let line = if k == 0 { line } else { line.trim_start() };
        let line = line.trim_end_matches([' ', '\t']);
        if line.is_empty() {
            pending_space |= k > 0;
            continue;
        }
        if (k > 0 || pending_space) && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        for c in line.chars() {
            if SYNTAX.contains(&c) {
                out.push('\\');
            }
            out.push(if c.is_control() && c != '\t' { ' ' } else { c });
        }
    }
    escape_line_start(out)
}

/// A link to `url` as Markdown: an autolink (`<https://…>`) when `url` is an `http://` or
/// `https://` address with nothing that could end the link, otherwise `url` as plain text.
pub fn link(url: &str) -> String {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`' | '\\'));
    if web && clean && url.len() > "https://".len() { format!("<{url}>") } else { inline(url) }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Escapes what would make `text` a block (a list item, a setext underline, a thematic break,
/// an ordered list) were it to start a line.
fn escape_line_start(text: String) -> String {
    let trimmed = text.trim_start_matches(' ');
    let indent = text.len() - trimmed.len();
    let mut chars = trimmed.char_indices();
    match chars.next() {
        Some((_, '-' | '+' | '=')) => format!("{}\\{}", &text[..indent], trimmed),
        Some((_, c)) if c.is_ascii_digit() => {
            let digits = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
            match trimmed[digits..].chars().next() {
                Some('.' | ')') => format!("{}{}\\{}", &text[..indent], &trimmed[..digits], &trimmed[digits..]),
                _ => text,
            }
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{inline, link};

    #[test]
    fn html_and_markup_show_as_text() {
        assert_eq!(inline("<script>alert(1)</script>"), r"\<script\>alert\(1\)\</script\>");
        assert_eq!(inline("<img src=x onerror=alert(1)>"), r"\<img src=x onerror=alert\(1\)\>");
        assert_eq!(inline("**bold** _it_ `code` ~~gone~~"), r"\*\*bold\*\* \_it\_ \`code\` \~\~gone\~\~");
        assert_eq!(inline("a | b & c &amp; d"), r"a \| b \& c \&amp; d");
        assert_eq!(inline(r"back\slash"), r"back\\slash");
        assert_eq!(inline("![img](http://x/y.png)"), r"\!\[img\]\(http://x/y.png\)");
    }

    #[test]
    fn javascript_links_are_not_links() {
        assert_eq!(inline("[click](javascript:alert(1))"), r"\[click\]\(javascript:alert\(1\)\)");
        assert_eq!(link("javascript:alert(1)"), r"javascript:alert\(1\)");
        assert_eq!(link("data:text/html,<b>x</b>"), r"data:text/html,\<b\>x\</b\>");
        assert_eq!(link("https://support.example.com/t/4711"), "<https://support.example.com/t/4711>");
        assert_eq!(link("HTTP://wiki/notes"), "<HTTP://wiki/notes>");
        assert_eq!(link("https://x.example/a>b<script>"), r"https://x.example/a\>b\<script\>");
        assert_eq!(link("https://x.example/a b"), "https://x.example/a b");
    }

    #[test]
    fn line_breaks_cannot_start_a_block() {
        assert_eq!(inline("Refunds\n# Approved by the CEO"), r"Refunds \# Approved by the CEO");
        assert_eq!(inline("a\r\n\r\n> quoted\n\n- item"), r"a \> quoted - item");
        assert_eq!(inline("one\u{2028}two"), "one two");
        assert_eq!(inline("- not a list"), r"\- not a list");
        assert_eq!(inline("+ plus"), r"\+ plus");
        assert_eq!(inline("==="), r"\===");
        assert_eq!(inline("2026. A year"), r"2026\. A year");
        assert_eq!(inline("3) three"), r"3\) three");
        assert_eq!(inline("42 apples"), "42 apples");
        assert_eq!(inline("tab\there"), "tab\there");
        assert_eq!(inline("bell\u{7}"), "bell ");
        assert_eq!(inline(""), "");
        assert_eq!(inline("\n\n"), "");
        assert_eq!(inline("plain words stay as they are."), "plain words stay as they are.");
    }
}
