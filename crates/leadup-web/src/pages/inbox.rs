//! `/inbox`: everything waiting for the signed-in user's decision, oldest first, each with how
//! long it has waited and a link to where it is decided (see `leadup_app::inbox`).

use axum::extract::State;
use leadup_app::inbox::{InboxKind, inbox};
use maud::html;

use super::PageResult;
use super::layout::{self, Section};
use crate::AppState;
use crate::auth::Caller;

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> PageResult {
    let items = inbox(&state.store, caller.user()?, state.clock()).await?;
    let content = html! {
        div.page-head { h1 { "Inbox" } }
        p.muted.lead { "Decisions waiting for you, oldest first: plans to approve, change requests to sign off and proposals to decide for your teams, and the commitments of the teams you manage that the current forecast no longer backs." }
        section.card {
            @if items.is_empty() {
                p.empty-inbox { "Nothing waits for your decision." }
            } @else {
                ul.inbox {
                    @for item in &items {
                        li {
                            span class={ "badge inbox-" (item.kind.as_str()) } { (item.kind.label()) }
                            " "
                            a href=(item.link) { strong { (item.title) } }
                            div.muted {
                                (item.team)
                                (if item.kind == InboxKind::CommitmentAtRisk { " · promised to " } else { " · asked by " })
                                (item.asked_by) " · waiting " strong.age { (item.age) }
                            }
                        }
                    }
                }
            }
        }
    };
    let workspace = state.store.workspace().await?;
    Ok(layout::page("Inbox", workspace.as_ref(), Some(Section::Inbox), &caller, &content))
}
