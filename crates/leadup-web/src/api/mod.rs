//! The JSON API under `/api/v1/`: workspace, objectives, teams, initiatives, alignment,
//! progress (work items, imports, attach rules, and the progress of teams and initiatives),
//! plans with their progress and change requests, evidence, proposals, commitments and the
//! track record, and the signed-in user's decisions inbox.

mod briefs;
pub(crate) mod commitments;
mod evidence;
pub(crate) mod imports;
mod inbox;
mod initiatives;
mod me;
mod objectives;
pub(crate) mod plans;
mod progress;
mod proposals;
mod stakeholders;
mod teams;
mod wins;
mod workspace;

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::IntoResponse;
use leadup_core::access::Action;

use crate::auth::Access;
use crate::routes::Routes;
use crate::{AppError, AppState};

pub(crate) fn routes(state: &AppState) -> Routes {
    use Access::{
        BodyTeam, Brief, ChangeRequestTeam, CommitmentTeam, Evidence, InitiativeTeam, PlanTeam, ProposalTeam, SignedIn,
        StakeholderTeams, Team, WinTeam, Workspace,
    };
    use Action::{
        ApprovePlan, ConfirmWins, DecideChangeRequest, DecideProposals, EditInitiatives, EditPlan, EditStakeholders,
        EditStrategy, EditTeam, FileChangeRequest, ImportWorkItems, ManageTeams, ProposeWins, ReadBriefs,
        ReadWorkspace, RecordEvidence, ViewCommitments, ViewStakeholders, ViewTeam, WriteBriefs, WriteCommitments,
        WriteProcess, WriteProposals,
    };
    Routes::new("/api/v1", state)
        .add(Method::GET, "/me", SignedIn, me::show)
        .add(Method::GET, "/workspace", Workspace(ReadWorkspace), workspace::show)
        .add(Method::PATCH, "/workspace", Workspace(EditStrategy), workspace::update)
        .add(Method::GET, "/objectives", Workspace(ReadWorkspace), objectives::list)
        .add(Method::POST, "/objectives", Workspace(EditStrategy), objectives::create)
        .add(Method::GET, "/objectives/{id}", Workspace(ReadWorkspace), objectives::show)
        .add(Method::PATCH, "/objectives/{id}", Workspace(EditStrategy), objectives::update)
        .add(Method::DELETE, "/objectives/{id}", Workspace(EditStrategy), objectives::delete)
        .add(Method::GET, "/objectives/{id}/key-results/{index}/values", Workspace(ReadWorkspace), objectives::values)
        .add(Method::POST, "/objectives/{id}/key-results/{index}/values", Workspace(EditStrategy), objectives::record)
        .add(Method::GET, "/teams", Workspace(ReadWorkspace), teams::list)
        .add(Method::POST, "/teams", Workspace(ManageTeams), teams::create)
        .add(Method::GET, "/teams/{id}", Workspace(ReadWorkspace), teams::show)
        .add(Method::PATCH, "/teams/{id}", Team(EditTeam), teams::update)
        .add(Method::DELETE, "/teams/{id}", Workspace(ManageTeams), teams::delete)
        .add(Method::GET, "/initiatives", Workspace(ReadWorkspace), initiatives::list)
        .add(Method::POST, "/initiatives", BodyTeam(EditInitiatives), initiatives::create)
        .add(Method::GET, "/initiatives/{id}", Workspace(ReadWorkspace), initiatives::show)
        .add(Method::PATCH, "/initiatives/{id}", InitiativeTeam(EditInitiatives), initiatives::update)
        .add(Method::DELETE, "/initiatives/{id}", InitiativeTeam(EditInitiatives), initiatives::delete)
        .add(Method::GET, "/alignment", Workspace(ReadWorkspace), initiatives::alignment)
        .add(Method::GET, "/priorities", Workspace(ReadWorkspace), priorities)
        .add(Method::GET, "/teams/{id}/progress", Team(ViewTeam), progress::team)
        .add(Method::GET, "/teams/{id}/work-items", Team(ViewTeam), progress::work_items)
        // The body streams into the import, which cuts it off past `imports::MAX_UPLOAD`.
        .add(Method::POST, "/teams/{id}/imports", Team(ImportWorkItems), imports::create)
        .add(Method::GET, "/initiatives/{id}/progress", Workspace(ReadWorkspace), progress::initiative)
        .add(Method::GET, "/initiatives/{id}/forecasts", Workspace(ReadWorkspace), progress::forecasts)
        .add(Method::GET, "/initiatives/{id}/evidence", Workspace(ReadWorkspace), evidence::of_initiative)
        .add(Method::GET, "/evidence", Workspace(ReadWorkspace), evidence::list)
        .add(Method::POST, "/evidence", Workspace(RecordEvidence), evidence::create)
        .add_upload(
            Method::POST,
            "/evidence/imports",
            Workspace(RecordEvidence),
            evidence::import,
            crate::imports::MAX_UPLOAD,
        )
        .add(Method::GET, "/evidence/{id}", Workspace(ReadWorkspace), evidence::show)
        .add(Method::PATCH, "/evidence/{id}", Evidence(RecordEvidence), evidence::update)
        .add(Method::DELETE, "/evidence/{id}", Evidence(RecordEvidence), evidence::delete)
        .add(Method::PUT, "/evidence/{id}/initiatives/{initiative}", Evidence(RecordEvidence), evidence::link)
        .add(Method::DELETE, "/evidence/{id}/initiatives/{initiative}", Evidence(RecordEvidence), evidence::unlink)
        .add(Method::GET, "/initiatives/{id}/rules", Workspace(ReadWorkspace), progress::rules)
        .add(Method::PUT, "/initiatives/{id}/rules", InitiativeTeam(EditInitiatives), progress::set_rules)
        .add(Method::GET, "/teams/{id}/plans", Team(ViewTeam), plans::list)
        .add(Method::POST, "/teams/{id}/plans", Team(EditPlan), plans::create)
        .add(Method::GET, "/teams/{id}/disruption", Team(ViewTeam), plans::disruption)
        .add(Method::GET, "/plans/{id}", PlanTeam(ViewTeam), plans::show)
        .add(Method::PUT, "/plans/{id}/draft", PlanTeam(EditPlan), plans::edit_draft)
        .add(Method::POST, "/plans/{id}/submit", PlanTeam(EditPlan), plans::submit)
        .add(Method::POST, "/plans/{id}/approve", PlanTeam(ApprovePlan), plans::approve)
        .add(Method::POST, "/plans/{id}/send-back", PlanTeam(ApprovePlan), plans::send_back)
        .add(Method::GET, "/plans/{id}/progress", PlanTeam(ViewTeam), plans::progress)
        .add(Method::POST, "/plans/{id}/replan", PlanTeam(EditPlan), plans::replan)
        .add(Method::GET, "/plans/{id}/diff", PlanTeam(ViewTeam), plans::version_diff)
        .add(Method::GET, "/plans/{id}/change-requests", PlanTeam(ViewTeam), plans::change_requests)
        .add(Method::POST, "/plans/{id}/change-requests", PlanTeam(FileChangeRequest), plans::file)
        .add(Method::GET, "/change-requests/{id}", ChangeRequestTeam(ViewTeam), plans::change_request)
        .add(Method::POST, "/change-requests/{id}/decision", ChangeRequestTeam(DecideChangeRequest), plans::decide)
        .add(Method::GET, "/proposals", Workspace(ReadWorkspace), proposals::list)
        .add(Method::POST, "/teams/{id}/proposals", Team(WriteProposals), proposals::create)
        .add(Method::GET, "/proposals/{id}", Workspace(ReadWorkspace), proposals::show)
        .add(Method::PUT, "/proposals/{id}", ProposalTeam(WriteProposals), proposals::update)
        .add(Method::POST, "/proposals/{id}/present", ProposalTeam(WriteProposals), proposals::present)
        .add(Method::POST, "/proposals/{id}/withdraw", ProposalTeam(WriteProposals), proposals::withdraw)
        .add(Method::POST, "/proposals/{id}/decision", ProposalTeam(DecideProposals), proposals::decide)
        .add(Method::POST, "/briefs", BodyTeam(WriteBriefs), briefs::create)
        .add(Method::GET, "/briefs/{id}", Brief(ReadBriefs), briefs::show)
        .add(Method::GET, "/teams/{id}/commitments", Team(ViewCommitments), commitments::list)
        .add(Method::POST, "/teams/{id}/commitments", Team(WriteCommitments), commitments::create)
        .add(Method::GET, "/commitments/{id}", CommitmentTeam(ViewCommitments), commitments::show)
        .add(Method::POST, "/commitments/{id}/outcomes", CommitmentTeam(WriteCommitments), commitments::record)
        .add(Method::GET, "/teams/{id}/credibility", Team(ViewCommitments), commitments::credibility)
        .add(Method::GET, "/inbox", SignedIn, inbox::list)
        .add(Method::GET, "/stakeholders", SignedIn, stakeholders::list)
        .add(Method::GET, "/stakeholders/{id}", StakeholderTeams(ViewStakeholders), stakeholders::show)
        .add(Method::PUT, "/stakeholders/{id}", StakeholderTeams(EditStakeholders), stakeholders::update)
        .add(Method::GET, "/teams/{id}/wins", Team(ViewTeam), wins::list)
        .add(Method::POST, "/teams/{id}/wins", Team(ProposeWins), wins::create)
        .add(Method::GET, "/wins/{id}", WinTeam(ViewTeam), wins::show)
        .add(Method::POST, "/wins/{id}/decision", WinTeam(ConfirmWins), wins::decide)
        .add(Method::GET, "/teams/{id}/process", Team(ViewTeam), wins::process_page)
        .add(Method::PUT, "/teams/{id}/process", Team(WriteProcess), wins::save_process)
        .add(Method::GET, "/teams/{id}/decisions", Team(ViewTeam), wins::decisions)
        .add(Method::POST, "/teams/{id}/decisions", Team(WriteProcess), wins::add_decision)
}

/// A JSON body whose rejections are answered as problem+json naming the bad field. A string
/// holding a NUL character is refused (422, naming the field): no text may hold one, and
/// PostgreSQL cannot store it.
pub(crate) struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let headers = request.headers().clone();
        let bytes = axum::body::Bytes::from_request(request, state).await?;
        if let Some(field) = nul_field(&bytes) {
            return Err(leadup_core::ValidationErrors::single(field, "must not contain a NUL character").into());
        }
        let mut request = axum::extract::Request::new(axum::body::Body::from(bytes));
        *request.headers_mut() = headers;
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

/// A JSON body that may be left out: an empty body is `T::default()`, anything else is read as
/// [`Json`] reads it.
pub(crate) struct OptionalJson<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let headers = request.headers().clone();
        let bytes = axum::body::Bytes::from_request(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        let mut request = axum::extract::Request::new(axum::body::Body::from(bytes));
        *request.headers_mut() = headers;
        let Json(value) = Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

/// The path (`items[2].title`) of the first string in the JSON document `bytes` that holds a
/// NUL character (written `\u0000`), if any; a document that is not JSON names none.
fn nul_field(bytes: &[u8]) -> Option<String> {
    let escaped = bytes.windows(6).enumerate().any(|(at, window)| {
        window == br"\u0000" && bytes[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    });
    if !escaped {
        return None;
    }
    walk(&serde_json::from_slice(bytes).ok()?, "")
}

/// The path of the first string under `value` (at `path`) that holds a NUL character.
fn walk(value: &serde_json::Value, path: &str) -> Option<String> {
    let name = if path.is_empty() { "body".to_owned() } else { path.to_owned() };
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(name),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(k, item)| walk(item, &format!("{path}[{k}]")))
        }
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if key.contains('\0') { Some(name.clone()) } else { walk(item, &at) }
        }),
        _ => None,
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A query string whose rejections are answered as problem+json naming the bad parameter.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub(crate) struct Query<T>(pub T);

/// A path id; one that is not a number names nothing, so it is answered 404.
pub(crate) struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(id) = axum::extract::Path::<i64>::from_request_parts(parts, state).await?;
        Ok(Self(id))
    }
}

/// `201 Created` with the new resource's address and body.
pub(crate) fn created<T: serde::Serialize>(location: String, body: T) -> axum::response::Response {
    (axum::http::StatusCode::CREATED, [(header::LOCATION, location)], axum::Json(body)).into_response()
}

/// The open initiatives ranked by RICE or value ÷ effort, with the reasons for each rank.
async fn priorities(
    axum::extract::State(state): axum::extract::State<AppState>,
    Query(params): Query<crate::priorities::Params>,
) -> Result<Json<serde_json::Value>, AppError> {
    let (method, weights, ranked) = crate::priorities::ranking(&state, &params).await?;
    Ok(Json(serde_json::json!({ "method": method, "weights": weights, "ranking": ranked })))
}

/// The OpenAPI document describing this API.
pub(crate) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_characters_are_found_by_their_field() {
        use super::nul_field;
        assert_eq!(nul_field(br#"{"title": "a\u0000b"}"#).as_deref(), Some("title"));
        assert_eq!(nul_field(br#"{"items": [{"x": 1}, {"note": "\u0000"}]}"#).as_deref(), Some("items[1].note"));
        assert_eq!(nul_field(br#"{"a\u0000": 1}"#).as_deref(), Some("body"));
        assert_eq!(nul_field(br#"{"title": "a\\u0000b"}"#), None, "an escaped backslash, then text");
        assert_eq!(nul_field(br#"{"title": "a\\\u0000b"}"#).as_deref(), Some("title"));
        assert_eq!(nul_field(br#"{"title": "plain"}"#), None);
    }
}
