//! The frame every page shares: head, top bar with navigation, footer; and small pieces
//! (badges, progress bars) that several pages use.

use leadup_core::initiative::Status;
use leadup_core::strategy::Workspace;
use leadup_core::team::TeamPerson;
use maud::{DOCTYPE, Markup, html};

use crate::auth::{CSRF_FIELD, Caller};

/// The sections of the top navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Strategy,
    Roadmap,
    Teams,
    Alignment,
    Evidence,
    Priorities,
    Proposals,
    /// Briefs, and the stakeholder profiles they are written for.
    Briefs,
    /// The wins digest across the reader's teams.
    Wins,
    /// The decisions inbox, linked beside the account rather than among the sections.
    Inbox,
}

const SECTIONS: [(Section, &str, &str); 9] = [
    (Section::Strategy, "/strategy", "Strategy"),
    (Section::Roadmap, "/roadmap", "Roadmap"),
    (Section::Teams, "/teams", "Teams"),
    (Section::Alignment, "/alignment", "Alignment"),
    (Section::Evidence, "/evidence", "Evidence"),
    (Section::Priorities, "/priorities", "Priorities"),
    (Section::Proposals, "/proposals", "Proposals"),
    (Section::Briefs, "/briefs", "Briefs"),
    (Section::Wins, "/wins", "Wins"),
];

/// The people in `list`, by name, a pending person marked "no account yet"; `none` when
/// the list is empty.
pub(crate) fn people(list: &[TeamPerson], none: &str) -> Markup {
    html! {
        @if list.is_empty() {
            span.muted { (none) }
        } @else {
            @for (i, person) in list.iter().enumerate() {
                @if i > 0 { ", " }
                (person.name)
                @if person.user_id.is_none() { " " span.pending title="Named on the team before accounts; no user of this name yet" { "(no account yet)" } }
            }
        }
    }
}

/// A complete HTML document around `content`; the top bar shows the navigation and who is
/// signed in (nothing of either to an anonymous `caller`, e.g. on the sign-in page).
pub(crate) fn page(
    title: &str,
    workspace: Option<&Workspace>,
    active: Option<Section>,
    caller: &Caller,
    content: &Markup,
) -> Markup {
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
                    @if let Some(user) = caller.principal() {
                        nav.sections aria-label="Sections" { (section_links(active)) }
                        div.account {
                            (inbox_link(caller, active))
                            (account_links(caller, user))
                        }
                        // Narrow screens fold the sections and the account into this menu (no
                        // script: a details element opens and closes it, by keyboard too).
                        details.nav-menu {
                            summary { "Menu" }
                            nav aria-label="Menu" {
                                (section_links(active))
                                div.menu-account { (account_links(caller, user)) }
                            }
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

/// The links to the sections, the `active` one marked.
fn section_links(active: Option<Section>) -> Markup {
    html! {
        @for (section, href, label) in SECTIONS {
            a href=(href) class=[(active == Some(section)).then_some("active")]
                aria-current=[(active == Some(section)).then_some("page")] { (label) }
        }
    }
}

/// The inbox link with the count of decisions waiting for `caller`.
fn inbox_link(caller: &Caller, active: Option<Section>) -> Markup {
    let waiting = caller.inbox_count();
    html! {
        a.inbox-link href="/inbox" class=[(active == Some(Section::Inbox)).then_some("active")] {
            "Inbox"
            @if waiting > 0 {
                " " span.count { (waiting) }
                span.visually-hidden { (if waiting == 1 { " decision waits for you" } else { " decisions wait for you" }) }
            }
        }
    }
}

/// Administration (for administrators), the account, and signing out.
fn account_links(caller: &Caller, user: &leadup_core::access::Principal) -> Markup {
    html! {
        @if user.is_admin { a href="/admin" { "Administration" } }
        a.account-name href="/account" title=(user.email) { (user.name) }
        @if !caller.csrf().is_empty() {
            form.inline method="post" action="/logout" {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                button.link type="submit" { "Sign out" }
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
        span.progress role="progressbar" aria-label="Progress" aria-valuenow=(percent) aria-valuemin="0" aria-valuemax="100" {
            span.track { span.fill style={ "width:" (percent) "%" } {} }
            span.value { (percent) "%" }
        }
    }
}

/// A short warning flag, e.g. "unaligned" or "uncovered".
pub(crate) fn flag(text: &str, why: &str) -> Markup {
    html! { span.flag title=(why) { "⚑ " (text) } }
}

/// A Unix time as `2026-11-23 19:40 UTC`.
pub(crate) fn date_time(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds).map_or_else(
        |_| unix_seconds.to_string(),
        |t| format!("{} {:02}:{:02} UTC", leadup_core::date::format(t.date()), t.hour(), t.minute()),
    )
}

/// This site's address as the request names it (`https` when a proxy says the request came
/// over TLS), for links and commands shown to copy.
pub(crate) fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost:8080");
    let tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if tls { "https" } else { "http" })
}

/// The tag that runs one of the site's script files (`crate::assets`), deferred until the page
/// is read; pages work without it.
pub(super) fn script(name: &str) -> Markup {
    html! { script src={ "/assets/" (name) } defer {} }
}
