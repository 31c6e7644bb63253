//! Charts drawn on the server as SVG, styled by the page's stylesheet.

pub(crate) mod budget;
pub(crate) mod timeline;

/// Cuts `text` to `max` characters, ending with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A coordinate rounded to a tenth of a pixel, which keeps SVG small and stable.
pub(crate) fn px(value: f64) -> String {
    format!("{:.1}", (value * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncates_by_characters() {
        assert_eq!(super::truncate("Payments", 10), "Payments");
        assert_eq!(super::truncate("Zahlungsverkehr über SEPA", 10), "Zahlungsv…");
        assert_eq!(super::px(12.345), "12.3");
    }
}
