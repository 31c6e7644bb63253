//! The frame every page shares: head, top bar with navigation, footer; and small pieces
//! (badges, progress bars) that several pages use.

use leadup_core::initiative::Status;
use leadup_core::strategy::Workspace;
use maud::{DOCTYPE, Markup, html};

/// The sections of the top navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Strategy,
    Roadmap,
    Teams,
    Alignment,
}

const SECTIONS: [(Section, &str, &str); 4] = [
    (Section::Strategy, "/strategy", "Strategy"),
    (Section::Roadmap, "/roadmap", "Roadmap"),
    (Section::Teams, "/teams", "Teams"),
    (Section::Alignment, "/alignment", "Alignment"),
];

/// A complete HTML document around `content`.
pub(crate) fn page(title: &str, workspace: Option<&Workspace>, active: Option<Section>, content: &Markup) -> Markup {
    let workspace_name = workspace.map_or("leadup", |w| w.name.as_str());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (workspace_name) }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                header.topbar {
                    a.brand href="/" { span.logo { "▲" } "leadup" }
                    span.workspace { (workspace_name) }
                    nav {
                        @for (section, href, label) in SECTIONS {
                            a href=(href) class=[(active == Some(section)).then_some("active")] { (label) }
                        }
                    }
                }
                main { (content) }
                footer {
                    "leadup · "
                    a href="/api/openapi.json" { "API (OpenAPI)" }
                }
            }
        }
    }
}

/// A coloured label for an initiative's status.
pub(crate) fn status_badge(status: Status) -> Markup {
    html! { span class={ "badge status-" (status.as_str()) } { (status.label()) } }
}

/// A horizontal bar filled to `share` (0.0 to 1.0) with the percentage beside it.
pub(crate) fn progress_bar(share: f64) -> Markup {
    let percent = (share * 100.0).round();
    html! {
        span.progress role="progressbar" aria-valuenow=(percent) aria-valuemin="0" aria-valuemax="100" {
            span.track { span.fill style={ "width:" (percent) "%" } {} }
            span.value { (percent) "%" }
        }
    }
}

/// A short warning flag, e.g. "unaligned" or "uncovered".
pub(crate) fn flag(text: &str, why: &str) -> Markup {
    html! { span.flag title=(why) { "⚑ " (text) } }
}
