//! What the editing forms share: the fields as a browser sends them, reading one back, and the
//! "Nothing was saved" list that names each bad field in the form's own words.

use leadup_core::ValidationErrors;
use maud::{Markup, html};

/// A form as browsers send it: every name and value, in order.
pub(crate) type Fields = Vec<(String, String)>;

/// The value of field `name` (empty when absent or without a form).
pub(crate) fn value(fields: Option<&Fields>, name: &str) -> String {
    fields.and_then(|f| f.iter().find(|(k, _)| k == name)).map_or_else(String::new, |(_, v)| v.clone())
}

/// Every value sent for field `name` (a group of checkboxes).
pub(crate) fn values<'a>(fields: &'a Fields, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// "Nothing was saved" and each error, its field named by `label` (the words the form shows
/// above it); a field name inside a message (`target_start`) is put in words the same way.
pub(crate) fn errors_in_words(errors: &ValidationErrors, label: impl Fn(&str) -> Option<String>) -> Markup {
    let words = |text: &str| {
        text.split(' ')
            .map(|word| {
                let bare = word.trim_end_matches([',', '.', ';', ':']);
                match label(bare).filter(|_| bare.contains('_') || bare.contains('[')) {
                    Some(label) => format!("“{}”{}", label, &word[bare.len()..]),
                    None => word.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        div.alert.error-box role="alert" {
            p { strong { "Nothing was saved. Please correct:" } }
            ul {
                @for error in &errors.0 {
                    li { strong { (label(&error.field).unwrap_or_else(|| error.field.clone())) } ": " (words(&error.message)) }
                }
            }
        }
    }
}

/// Whether `field` has an error, for marking its input.
pub(crate) fn has_error(errors: Option<&ValidationErrors>, field: &str) -> bool {
    errors.is_some_and(|e| e.0.iter().any(|error| error.field == field))
}

#[cfg(test)]
mod tests {
    use leadup_core::ValidationErrors;

    #[test]
    fn fields_and_names_in_messages_are_put_in_words() {
        let mut errors = ValidationErrors::default();
        errors.add("target_end", "is required when target_start is given");
        errors.add("title", "must not be empty");
        let label = |field: &str| match field {
            "target_start" => Some("Window start".to_owned()),
            "target_end" => Some("Window end".to_owned()),
            "title" => Some("Name".to_owned()),
            _ => None,
        };
        let html = super::errors_in_words(&errors, label).into_string();
        assert!(html.contains("Nothing was saved"), "{html}");
        assert!(html.contains("<strong>Window end</strong>: is required when “Window start” is given"), "{html}");
        assert!(html.contains("<strong>Name</strong>: must not be empty"), "{html}");
        assert!(!html.contains("target_"), "{html}");
    }
}
