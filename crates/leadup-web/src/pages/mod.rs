//! The HTML pages: strategy, roadmap (timeline and Now / Next / Later), alignment, teams with
//! their dashboards and import form, one page per initiative with its progress, and a team's
//! plans with their baselines, progress, versions and change requests, a team's commitments and
//! track record, and the signed-in user's decisions inbox. Pages read from the store and
//! draw charts as inline SVG.

mod account;
mod admin;
mod alignment;
mod briefs;
mod change_requests;
mod commitments;
mod evidence;
mod evidence_import;
mod evidence_picker;
mod form;
mod import;
mod inbox;
mod initiative;
mod initiative_edit;
mod layout;
mod login;
mod plans;
mod priorities;
mod process;
mod progress;
mod proposals;
mod roadmap;
mod share;
mod stakeholders;
mod strategy;
mod strategy_edit;
mod teams;
mod wins;

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::access::Action;
use maud::Markup;

use crate::auth::{Access, Caller};
use crate::routes::Routes;
use crate::{AppError, AppState};

pub(crate) fn routes(state: &AppState) -> Routes {
    use Access::{
        Brief, ChangeRequestTeam, CommitmentTeam, Evidence, InitiativeTeam, PlanTeam, ProposalTeam, Public, SignedIn,
        StakeholderTeams, Team, WinTeam, Workspace,
    };
    use Action::{
        ApprovePlan, ConfirmWins, DecideChangeRequest, DecideProposals, EditInitiatives, EditPlan, EditStakeholders,
        EditStrategy, EditTeam, FileChangeRequest, ImportWorkItems, ManageAccess, ManageShareLinks, ManageTeams,
        ProposeWins, ReadBriefs, ReadWorkspace, RecordEvidence, ViewCommitments, ViewStakeholders, ViewTeam,
        WriteBriefs, WriteCommitments, WriteProcess, WriteProposals,
    };
    Routes::new("", state)
        .add(Method::GET, "/", Public, || async { Redirect::to("/strategy") })
        .add(Method::GET, "/healthz", Public, crate::health::healthz)
        .add(Method::GET, "/readyz", Public, crate::health::readyz)
        .add(Method::GET, "/assets/{name}", Public, crate::assets::asset)
        .add(Method::GET, "/api/openapi.json", Public, crate::api::openapi)
        .add(Method::GET, "/login", Public, login::form)
        .add_upload(Method::POST, "/login", Public, login::sign_in, login::MAX_SIGN_IN_FORM)
        .add(Method::POST, "/logout", Public, login::sign_out)
        .add(Method::GET, "/account", SignedIn, account::page)
        .add(Method::GET, "/inbox", SignedIn, inbox::page)
        .add(Method::POST, "/account/password", SignedIn, account::change_password)
        .add(Method::POST, "/account/tokens", SignedIn, account::create_token)
        .add(Method::POST, "/account/tokens/{token}/revoke", SignedIn, account::revoke_token)
        .add(Method::GET, "/share/{token}", Public, share::view)
        .add(Method::GET, "/admin", Workspace(ManageAccess), admin::page)
        .add(Method::POST, "/admin/users", Workspace(ManageAccess), admin::add_person)
        .add(Method::POST, "/admin/roles", Workspace(ManageAccess), admin::set_role)
        .add(Method::POST, "/admin/pending", Workspace(ManageAccess), admin::remove_pending)
        .add(Method::POST, "/admin/teams", Workspace(ManageTeams), admin::add_team)
        .add(Method::POST, "/teams/{id}/name", Team(EditTeam), admin::rename_team)
        .add(Method::POST, "/teams/{id}/delete", Workspace(ManageTeams), admin::delete_team)
        .add(Method::GET, "/strategy", Workspace(ReadWorkspace), strategy::page)
        .add(Method::POST, "/workspace", Workspace(EditStrategy), strategy_edit::save_workspace)
        .add(Method::GET, "/objectives/new", Workspace(EditStrategy), strategy_edit::new_form)
        .add(Method::POST, "/objectives", Workspace(EditStrategy), strategy_edit::create)
        .add(Method::GET, "/objectives/{id}/edit", Workspace(EditStrategy), strategy_edit::edit_form)
        .add(Method::POST, "/objectives/{id}", Workspace(EditStrategy), strategy_edit::update)
        .add(Method::POST, "/objectives/{id}/delete", Workspace(EditStrategy), strategy_edit::delete)
        .add(
            Method::POST,
            "/objectives/{id}/key-results/{index}/values",
            Workspace(EditStrategy),
            strategy_edit::record_value,
        )
        .add(Method::GET, "/roadmap", Workspace(ReadWorkspace), roadmap::page)
        .add(Method::GET, "/alignment", Workspace(ReadWorkspace), alignment::page)
        .add(Method::GET, "/teams", Workspace(ReadWorkspace), teams::list)
        .add(Method::GET, "/teams/{id}", Team(ViewTeam), teams::dashboard)
        .add(Method::GET, "/teams/{id}/import", Team(ImportWorkItems), import::form)
        .add_upload(
            Method::POST,
            "/teams/{id}/import",
            Team(ImportWorkItems),
            import::upload,
            crate::imports::MAX_UPLOAD,
        )
        .add(Method::GET, "/teams/{id}/share", Team(ManageShareLinks), share::list)
        .add(Method::POST, "/teams/{id}/share", Team(ManageShareLinks), share::create)
        .add(Method::POST, "/teams/{id}/share/{link}/revoke", Team(ManageShareLinks), share::revoke)
        .add(Method::GET, "/evidence", Workspace(ReadWorkspace), evidence::list)
        .add(Method::GET, "/evidence/new", Workspace(RecordEvidence), evidence::new_form)
        .add(Method::POST, "/evidence", Workspace(RecordEvidence), evidence::create)
        .add(Method::GET, "/evidence/import", Workspace(RecordEvidence), evidence_import::form)
        .add_upload(
            Method::POST,
            "/evidence/import",
            Workspace(RecordEvidence),
            evidence_import::upload,
            crate::imports::MAX_UPLOAD,
        )
        .add(Method::GET, "/evidence/{id}", Workspace(ReadWorkspace), evidence::show)
        .add(Method::GET, "/evidence/{id}/edit", Evidence(RecordEvidence), evidence::edit_form)
        .add(Method::POST, "/evidence/{id}", Evidence(RecordEvidence), evidence::update)
        .add(Method::POST, "/evidence/{id}/delete", Evidence(RecordEvidence), evidence::delete)
        .add(Method::POST, "/evidence/{id}/initiatives", Evidence(RecordEvidence), evidence::link)
        .add(Method::POST, "/evidence/{id}/initiatives/{initiative}/remove", Evidence(RecordEvidence), evidence::unlink)
        .add(Method::GET, "/priorities", Workspace(ReadWorkspace), priorities::page)
        .add(Method::GET, "/initiatives/{id}", Workspace(ReadWorkspace), initiative::page)
        .add(Method::POST, "/initiatives/{id}/rules", InitiativeTeam(EditInitiatives), initiative::rules)
        .add(Method::GET, "/teams/{id}/initiatives/new", Team(EditInitiatives), initiative_edit::new_form)
        .add(Method::POST, "/teams/{id}/initiatives", Team(EditInitiatives), initiative_edit::create)
        .add(Method::GET, "/initiatives/{id}/edit", InitiativeTeam(EditInitiatives), initiative_edit::edit_form)
        .add(Method::POST, "/initiatives/{id}", InitiativeTeam(EditInitiatives), initiative_edit::update)
        .add(Method::POST, "/initiatives/{id}/delete", InitiativeTeam(EditInitiatives), initiative_edit::delete)
        .add(Method::GET, "/teams/{id}/plans", Team(ViewTeam), plans::list)
        .add(Method::POST, "/teams/{id}/plans", Team(EditPlan), plans::create)
        .add(Method::GET, "/plans/{id}", PlanTeam(ViewTeam), plans::show)
        .add(Method::POST, "/plans/{id}/draft", PlanTeam(EditPlan), plans::edit_draft)
        .add(Method::POST, "/plans/{id}/submit", PlanTeam(EditPlan), plans::submit)
        .add(Method::POST, "/plans/{id}/approve", PlanTeam(ApprovePlan), plans::approve)
        .add(Method::POST, "/plans/{id}/send-back", PlanTeam(ApprovePlan), plans::send_back)
        .add(Method::POST, "/plans/{id}/replan", PlanTeam(EditPlan), plans::replan)
        .add(Method::GET, "/plans/{id}/change-requests/new", PlanTeam(FileChangeRequest), change_requests::form)
        .add(Method::POST, "/plans/{id}/change-requests", PlanTeam(FileChangeRequest), change_requests::file)
        .add(Method::GET, "/change-requests/{id}", ChangeRequestTeam(ViewTeam), change_requests::show)
        .add(
            Method::POST,
            "/change-requests/{id}/decision",
            ChangeRequestTeam(DecideChangeRequest),
            change_requests::decide,
        )
        .add(Method::GET, "/teams/{id}/commitments", Team(ViewCommitments), commitments::page)
        .add(Method::POST, "/teams/{id}/commitments", Team(WriteCommitments), commitments::create)
        .add(Method::POST, "/commitments/{id}/outcomes", CommitmentTeam(WriteCommitments), commitments::record)
        .add(Method::GET, "/teams/{id}/credibility", Team(ViewCommitments), commitments::credibility)
        .add(Method::GET, "/stakeholders", SignedIn, stakeholders::list)
        .add(Method::GET, "/stakeholders/{id}", StakeholderTeams(ViewStakeholders), stakeholders::show)
        .add(Method::POST, "/stakeholders/{id}", StakeholderTeams(EditStakeholders), stakeholders::save)
        .add(Method::GET, "/proposals", Workspace(ReadWorkspace), proposals::list)
        .add(Method::GET, "/teams/{id}/proposals/new", Team(WriteProposals), proposals::new_form)
        .add(Method::POST, "/teams/{id}/proposals", Team(WriteProposals), proposals::create)
        .add(Method::GET, "/proposals/{id}", Workspace(ReadWorkspace), proposals::show)
        .add(Method::GET, "/proposals/{id}/brief", Workspace(ReadWorkspace), proposals::brief_html)
        .add(Method::GET, "/proposals/{id}/brief.md", Workspace(ReadWorkspace), proposals::brief_markdown)
        .add(Method::GET, "/proposals/{id}/edit", ProposalTeam(WriteProposals), proposals::edit_form)
        .add(Method::POST, "/proposals/{id}", ProposalTeam(WriteProposals), proposals::update)
        .add(Method::POST, "/proposals/{id}/present", ProposalTeam(WriteProposals), proposals::present)
        .add(Method::POST, "/proposals/{id}/withdraw", ProposalTeam(WriteProposals), proposals::withdraw)
        .add(Method::POST, "/proposals/{id}/decision", ProposalTeam(DecideProposals), proposals::decide)
        .add(Method::GET, "/briefs", SignedIn, briefs::list)
        .add(Method::GET, "/teams/{id}/briefs/new", Team(WriteBriefs), briefs::new_form)
        .add(Method::POST, "/teams/{id}/briefs", Team(WriteBriefs), briefs::create)
        .add(Method::GET, "/briefs/{id}", Brief(ReadBriefs), briefs::show)
        .add(Method::GET, "/briefs/{id}/brief.md", Brief(ReadBriefs), briefs::markdown)
        .add(Method::GET, "/briefs/{id}/brief.pdf", Brief(ReadBriefs), briefs::pdf)
        .add(Method::POST, "/briefs/{id}/send", Brief(WriteBriefs), briefs::send_brief)
        .add(Method::POST, "/briefs/{id}/deliveries/{delivery}/retry", Brief(WriteBriefs), briefs::retry_delivery)
        .add(Method::GET, "/wins", SignedIn, wins::digest)
        .add(Method::GET, "/teams/{id}/wins", Team(ViewTeam), wins::page)
        .add(Method::POST, "/teams/{id}/wins", Team(ProposeWins), wins::propose)
        .add(Method::POST, "/wins/{id}/decision", WinTeam(ConfirmWins), wins::decide)
        .add(Method::GET, "/teams/{id}/process", Team(ViewTeam), process::page)
        .add(Method::POST, "/teams/{id}/process", Team(WriteProcess), process::save)
        .add(Method::POST, "/teams/{id}/decisions", Team(WriteProcess), process::add_decision)
}

/// A page handler's result: the page, or an error page.
type PageResult = Result<Markup, PageError>;

/// An [`AppError`] shown to a person as an HTML page rather than problem+json.
pub(crate) struct PageError(AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

/// A page's failure, left in its response for [`crate::auth::authenticate`], which knows who
/// is asking, to draw as a page that keeps the caller's navigation ([`failure_page`]).
#[derive(Clone)]
pub(crate) struct Failure {
    status: StatusCode,
    detail: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        let status = self.0.status_code();
        let mut response = status.into_response();
        response.extensions_mut().insert(Failure { status, detail: self.0.public_detail() });
        response
    }
}

/// Replaces the body of a `response` that carries a page's [`Failure`] with the error page for
/// `caller`, keeping its status and headers (e.g. `Retry-After`).
pub(crate) fn draw_failure(response: &mut Response, caller: &Caller, path: &str) {
    let Some(failure) = response.extensions_mut().remove::<Failure>() else { return };
    let page = failure_page(&failure, caller, path);
    *response.body_mut() = axum::body::Body::from(page.into_string());
    response
        .headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("text/html; charset=utf-8"));
}

/// The error page: what happened, in words, and where to go from here, inside the frame with
/// the caller's navigation. It names no file or internal path.
fn failure_page(failure: &Failure, caller: &Caller, path: &str) -> Markup {
    let status = failure.status;
    let title = status.canonical_reason().unwrap_or("Error");
    let signed_in = caller.principal().is_some();
    layout::page(
        title,
        None,
        None,
        caller,
        &maud::html! {
            section.card.error-page {
                h1 { (status.as_u16()) " · " (title) }
                p { (failure.detail) }
                @if status == StatusCode::FORBIDDEN {
                    p { "Your role decides what you may see and do here. If you need this, ask your workspace's administrator for the role; "
                        a href="/account" { "your account" } " lists the roles you hold now." }
                }
                @if status == StatusCode::BAD_REQUEST && path.starts_with('/') {
                    p { a href=(path) { "Open this page without the parameters" } }
                }
                p.next-steps {
                    @if signed_in {
                        a href="/strategy" { "Go to the strategy" }
                        " · " a href="/teams" { "Your teams" }
                        " · " a href="/inbox" { "Your inbox" }
                    } @else {
                        a href="/login" { "Sign in" }
                    }
                }
            }
        },
    )
}

pub(crate) async fn not_found() -> PageError {
    PageError(AppError::NotFound("There is no page at this address.".into()))
}

/// A page's query string; a parameter it cannot read is answered with a 400 page that names
/// the parameter and what it may be.
pub(crate) struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PageError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => {
                let (parameter, reason) = crate::error::query_problem(&rejection);
                Err(PageError(AppError::BadRequest(format!(
                    "This page cannot read the parameter '{parameter}' in its address: it {reason}."
                ))))
            }
        }
    }
}

/// `page` telling the browser, in `Retry-After`, to wait `seconds` (the sign-in throttle).
fn retry_after(page: impl IntoResponse, seconds: i64) -> Response {
    let mut response = page.into_response();
    response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
    response
}

/// Answers 404 for a page whose subject does not exist.
fn missing(what: &str) -> PageError {
    PageError(AppError::NotFound(format!("{what} does not exist.")))
}
