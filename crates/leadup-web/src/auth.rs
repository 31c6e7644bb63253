//! Who is asking, and whether they may: the session or bearer token behind each request
//! ([`authenticate`]), CSRF protection of state-changing requests made with a session, the
//! per-route permission check ([`guard`]), and the sign-in throttle.
//!
//! Every route is registered with an [`Access`] rule through [`crate::routes::Routes`], so
//! no route can exist without one; the rule is checked before the handler runs, so a denied
//! request changes nothing.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::access::{Action, Principal};
use leadup_core::account::User;
use leadup_store::Store;

use crate::accounts::{self, digest};
use crate::{AppError, AppState};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "leadup_session";
/// The form field (or query parameter, for file uploads) carrying the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf";
/// The header carrying the CSRF token, for scripts that use a session.
const CSRF_HEADER: &str = "x-csrf-token";
/// The largest URL-encoded form read to find its CSRF token.
const MAX_FORM: usize = 1 << 20;

/// How long sessions last: they end after `idle` seconds unused, and `absolute` seconds
/// after sign-in whatever happens.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Seconds a session may go unused.
    pub idle: i64,
    /// Seconds a session may last in all.
    pub absolute: i64,
}

impl Default for SessionLimits {
    /// Two hours idle, twelve hours in all: a working day, signed in once.
    fn default() -> Self {
        Self { idle: 2 * 3600, absolute: 12 * 3600 }
    }
}

/// Who made a request.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// Nobody signed in.
    Anonymous,
    /// A user with a session cookie.
    Session {
        /// The user and their roles.
        principal: Principal,
        /// The session's CSRF token, put into every form.
        csrf: String,
    },
    /// A script with an API token.
    Token {
        /// The token's owner and their roles.
        principal: Principal,
    },
}

impl Caller {
    /// The signed-in user, if any.
    pub(crate) fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Anonymous => None,
            Caller::Session { principal, .. } | Caller::Token { principal } => Some(principal),
        }
    }

    /// The CSRF token forms must carry (empty without a session: such forms are refused).
    pub(crate) fn csrf(&self) -> &str {
        match self {
            Caller::Session { csrf, .. } => csrf,
            _ => "",
        }
    }

    /// The signed-in user, or 401.
    pub(crate) fn user(&self) -> Result<&Principal, AppError> {
        self.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))
    }

    /// Whether the signed-in user (if any) may do `action` on `team`.
    pub(crate) fn may(&self, action: Action, team: i64) -> bool {
        self.principal().is_some_and(|p| p.may(action, Some(team)))
    }

    /// The signed-in user if they may do `action` on `team`; otherwise 401 or 403.
    pub(crate) fn require(&self, action: Action, team: Option<i64>) -> Result<&Principal, AppError> {
        let principal = self.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))?;
        if principal.may(action, team) {
            Ok(principal)
        } else {
            Err(AppError::Forbidden(denial(action, team.map(|id| format!("team {id}")).as_deref())))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or(Caller::Anonymous))
    }
}

const SIGN_IN: &str = "Sign in first: send 'Authorization: Bearer TOKEN' (create one with 'leadup token create EMAIL') or a session cookie.";

/// Why `action` is refused, in `team` (its name, or "team N") if it concerns one.
fn denial(action: Action, team: Option<&str>) -> String {
    let hint = match action {
        Action::ApprovePlan => " Only the team's executives approve its plans.",
        Action::DecideChangeRequest => " A change request is decided by the team's manager together with an executive.",
        Action::EditPlan => " Only the team's manager edits its plans; anyone else can file a change request.",
        Action::DecideProposals => " A proposal is approved or declined by one of the team's executives.",
        _ => "",
    };
    match team {
        Some(team) => format!("You may not {} in {team}.{hint} See docs/permissions.md.", describe(action)),
        None => format!("You may not {}.{hint} See docs/permissions.md.", describe(action)),
    }
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::ReadWorkspace => "read this workspace",
        Action::EditStrategy => "change the strategy (an administrator's right)",
        Action::ManageTeams => "create or delete teams (an administrator's right)",
        Action::ManageAccess => "manage users and roles (an administrator's right)",
        Action::ViewTeam => "see the dashboard and plans",
        Action::EditTeam => "change this team",
        Action::EditInitiatives => "change initiatives",
        Action::ImportWorkItems => "import work items",
        Action::EditPlan => "edit plans",
        Action::ApprovePlan => "approve plans",
        Action::FileChangeRequest => "file change requests",
        Action::DecideChangeRequest => "decide change requests",
        Action::ManageShareLinks => "manage share links",
        Action::RecordEvidence => "record evidence",
        Action::WriteProposals => "write proposals",
        Action::DecideProposals => "approve or decline proposals",
    }
}

/// Finds who is asking (a bearer token, else a live session cookie) and, for a request that
/// changes state with a session, checks its CSRF token and origin. Runs before routing.
pub(crate) async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match identify(&state, request).await {
        Ok((request, expired)) => {
            let mut response = next.run(request).await;
            if expired {
                response.headers_mut().append(header::SET_COOKIE, clear_cookie());
            }
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn identify(state: &AppState, mut request: Request) -> Result<(Request, bool), AppError> {
    let now = state.now();
    let mut expired = false;
    let caller = if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or_default();
        match accounts::token_principal(&state.store, token, now).await? {
            Some(principal) => Caller::Token { principal },
            None => {
                return Err(AppError::Unauthorized(
                    "The Authorization header must be 'Bearer TOKEN' with a live API token.".to_owned(),
                ));
            }
        }
    } else if let Some(id) = cookie(request.headers(), SESSION_COOKIE) {
        let id_hash = digest(&id);
        match state.store.session(&id_hash).await? {
            Some(session)
                if now - session.last_seen_at < state.session_limits.idle
                    && now - session.created_at < state.session_limits.absolute =>
            {
                // Recorded at most once a minute, so that reading stays (nearly) read-only.
                if now - session.last_seen_at >= 60 {
                    state.store.touch_session(&id_hash, now).await?;
                }
                let principal = state.store.principal(session.user_id).await?;
                Caller::Session { principal, csrf: session.csrf_token }
            }
            Some(_) => {
                state.store.end_session(&id_hash).await?;
                expired = true;
                Caller::Anonymous
            }
            None => {
                expired = true;
                Caller::Anonymous
            }
        }
    } else {
        Caller::Anonymous
    };
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !matches!(caller, Caller::Token { .. }) {
        check_origin(request.headers())?;
    }
    // Signing in needs no session, so it carries no token (its origin is checked above); it
    // may come with an old session's cookie, which the sign-in then ends.
    let signing_in = request.uri().path() == "/login";
    if let (true, false, Caller::Session { csrf, .. }) = (unsafe_method, signing_in, &caller) {
        request = check_csrf(request, csrf).await?;
    }
    request.extensions_mut().insert(caller);
    Ok((request, expired))
}

/// Refuses a browser request whose `Origin` is another site's.
fn check_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else { return Ok(()) };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    if origin_host == host {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("A request from {origin} may not change anything here.")))
    }
}

/// Checks the CSRF token: the `X-CSRF-Token` header, the `csrf` field of a URL-encoded form,
/// or (for file uploads, whose body is streamed) the `csrf` query parameter.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, AppError> {
    let matches = |sent: Option<&str>| sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), expected.as_bytes()));
    if matches(request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok())) {
        return Ok(request);
    }
    if matches(request.uri().query().and_then(|q| field(q, CSRF_FIELD))) {
        return Ok(request);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| AppError::TooLarge("The form is too large.".into()))?;
        if matches(std::str::from_utf8(&bytes).ok().and_then(|form| field(form, CSRF_FIELD))) {
            return Ok(Request::from_parts(parts, axum::body::Body::from(bytes)));
        }
    }
    Err(AppError::Forbidden(
        "This form has expired or did not come from leadup (its CSRF token is missing or wrong); reload the page and try again.".to_owned(),
    ))
}

/// The value of `name` in a URL-encoded `a=1&b=2` string (tokens are hex, never encoded).
fn field<'a>(encoded: &'a str, name: &str) -> Option<&'a str> {
    encoded.split('&').filter_map(|pair| pair.split_once('=')).find(|(key, _)| *key == name).map(|(_, value)| value)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The value of cookie `name`.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value starting a session: `HttpOnly`, `SameSite=Lax`, and `Secure` when the
/// request came over TLS (directly or through a proxy that says so).
pub(crate) fn session_cookie(id: &str, headers: &HeaderMap) -> HeaderValue {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    let value =
        format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax{}", if secure { "; Secure" } else { "" });
    HeaderValue::from_str(&value).expect("hex ids make a valid header")
}

/// The `Set-Cookie` value removing the session cookie.
pub(crate) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("leadup_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// What a route requires. Every route names one (see [`crate::routes::Routes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: sign-in, share links, assets, health.
    Public,
    /// Any signed-in user: their own account.
    SignedIn,
    /// A workspace-wide action.
    Workspace(Action),
    /// An action on the team whose id is the path's `{id}`.
    Team(Action),
    /// An action on the team of the initiative whose id is the path's `{id}`.
    InitiativeTeam(Action),
    /// An action on the team of the plan whose id is the path's `{id}`.
    PlanTeam(Action),
    /// An action on the team of the plan of the change request whose id is the path's `{id}`.
    ChangeRequestTeam(Action),
    /// An action on the team of the proposal whose id is the path's `{id}`.
    ProposalTeam(Action),
    /// An action on a team named in the request body: the handler checks it once the body
    /// is read, with [`Caller::require`]; the guard checks the caller is signed in.
    BodyTeam(Action),
}

impl Access {
    /// The action the route performs, if it is not public.
    pub fn action(self) -> Option<Action> {
        match self {
            Access::Public | Access::SignedIn => None,
            Access::Workspace(action)
            | Access::Team(action)
            | Access::InitiativeTeam(action)
            | Access::PlanTeam(action)
            | Access::ChangeRequestTeam(action)
            | Access::ProposalTeam(action)
            | Access::BodyTeam(action) => Some(action),
        }
    }
}

/// One route's rule as its guard holds it.
#[derive(Clone)]
pub(crate) struct Rule {
    pub(crate) access: Access,
    pub(crate) api: bool,
    pub(crate) state: AppState,
}

/// Checks a route's [`Access`] rule before its handler runs.
pub(crate) async fn guard(State(rule): State<Rule>, params: RawPathParams, request: Request, next: Next) -> Response {
    let caller = request.extensions().get::<Caller>().cloned().unwrap_or(Caller::Anonymous);
    let id = params.iter().find(|(name, _)| *name == "id").and_then(|(_, value)| value.parse::<i64>().ok());
    match decide(&rule, &caller, id).await {
        Ok(()) => next.run(request).await,
        Err(AppError::Unauthorized(_)) if !rule.api => {
            let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", encode(target))).into_response()
        }
        Err(error) if !rule.api => crate::pages::error_page(&error, &caller),
        Err(error) => error.into_response(),
    }
}

/// Whether `caller` may use a route with `rule`; `id` is the path's `{id}`, if a number.
async fn decide(rule: &Rule, caller: &Caller, id: Option<i64>) -> Result<(), AppError> {
    match rule.access {
        Access::Public => Ok(()),
        Access::SignedIn | Access::BodyTeam(_) => {
            caller.principal().map(|_| ()).ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))
        }
        Access::Workspace(action) => caller.require(action, None).map(|_| ()),
        // A path id that is not a number names nothing: the handler answers 404.
        Access::Team(action) => match id {
            Some(team) => require_in(rule, caller, action, team).await,
            None => caller.principal().map(|_| ()).ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned())),
        },
        Access::InitiativeTeam(action)
        | Access::PlanTeam(action)
        | Access::ChangeRequestTeam(action)
        | Access::ProposalTeam(action) => {
            caller.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))?;
            match id {
                Some(id) => {
                    let team = record_team(&rule.state, rule.access, id).await?;
                    require_in(rule, caller, action, team).await
                }
                None => Ok(()),
            }
        }
    }
}

/// Whether `caller` may do `action` in `team`; a refusal names the team.
async fn require_in(rule: &Rule, caller: &Caller, action: Action, team: i64) -> Result<(), AppError> {
    match caller.require(action, Some(team)) {
        Ok(_) => Ok(()),
        Err(AppError::Forbidden(_)) => {
            let name = rule.state.store.team(team).await.map_or_else(|_| format!("team {team}"), |t| t.name);
            Err(AppError::Forbidden(denial(action, Some(&name))))
        }
        Err(other) => Err(other),
    }
}

/// The team of the record `id` that a rule scoped to a record's team names (an unknown
/// record is answered 404).
async fn record_team(state: &AppState, access: Access, id: i64) -> Result<i64, AppError> {
    let store = &state.store;
    Ok(match access {
        Access::PlanTeam(_) => store.plan(id).await?.team_id,
        Access::ChangeRequestTeam(_) => store.plan(store.change_request(id).await?.plan_id).await?.team_id,
        Access::ProposalTeam(_) => store.proposal(id).await?.team_id,
        _ => store.initiative(id).await?.team_id,
    })
}

/// Percent-encodes a path for a `next=` parameter.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Sign-in attempts that failed recently, per email address and per client address: after
/// [`Throttle::MAX_PER_ACCOUNT`] failures for one address (or [`Throttle::MAX_PER_CLIENT`]
/// from one client) within [`Throttle::WINDOW`] seconds, sign-in is refused until the oldest
/// failure is that old.
#[derive(Debug, Clone, Default)]
pub(crate) struct Throttle {
    failures: Arc<Mutex<HashMap<String, Vec<i64>>>>,
}

/// What checking a password behind the [`Throttle`] found.
pub(crate) enum Attempt {
    /// Refused without a look: try again after this many seconds.
    Wait(i64),
    /// The password is wrong (or there is no such account); this counted as a failure.
    Wrong,
    /// The password is right.
    Right(User),
}

impl Throttle {
    const WINDOW: i64 = 15 * 60;
    const MAX_PER_ACCOUNT: usize = 5;
    const MAX_PER_CLIENT: usize = 20;

    fn keys(email: &str, client: Option<SocketAddr>) -> [(String, usize); 2] {
        [
            (format!("account:{email}"), Self::MAX_PER_ACCOUNT),
            (format!("client:{}", client.map_or_else(String::new, |c| c.ip().to_string())), Self::MAX_PER_CLIENT),
        ]
    }

    /// Checks `password` for the account `email`, as signing in and changing a password do:
    /// refused without a look while the account or the client must wait; a wrong password
    /// counts towards the wait, a right one clears the account's failures.
    pub(crate) async fn attempt(
        &self,
        store: &Store,
        email: &str,
        password: &str,
        client: Option<SocketAddr>,
        now: i64,
    ) -> Result<Attempt, AppError> {
        if let Some(wait) = self.wait(email, client, now) {
            return Ok(Attempt::Wait(wait));
        }
        if let Some(user) = accounts::authenticate(store, email, password).await? {
            self.succeed(email);
            Ok(Attempt::Right(user))
        } else {
            self.fail(email, client, now);
            Ok(Attempt::Wrong)
        }
    }

    /// Seconds to wait before trying again, if sign-in is refused now.
    fn wait(&self, email: &str, client: Option<SocketAddr>, now: i64) -> Option<i64> {
        let mut failures = self.failures.lock().expect("the throttle's lock is never poisoned");
        Self::keys(email, client)
            .into_iter()
            .filter_map(|(key, max)| {
                let times = failures.entry(key).or_default();
                times.retain(|at| now - at < Self::WINDOW);
                (times.len() >= max).then(|| times[0] + Self::WINDOW - now)
            })
            .max()
    }

    /// Records a failed attempt.
    fn fail(&self, email: &str, client: Option<SocketAddr>, now: i64) {
        let mut failures = self.failures.lock().expect("the throttle's lock is never poisoned");
        for (key, _) in Self::keys(email, client) {
            failures.entry(key).or_default().push(now);
        }
    }

    /// Forgets an account's failures after it signs in.
    fn succeed(&self, email: &str) {
        self.failures.lock().expect("the throttle's lock is never poisoned").remove(&format!("account:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_refuses_the_sixth_failure_in_fifteen_minutes() {
        let throttle = Throttle::default();
        for minute in 0..5 {
            assert_eq!(throttle.wait("a@b.io", None, minute * 60), None);
            throttle.fail("a@b.io", None, minute * 60);
        }
        assert_eq!(throttle.wait("a@b.io", None, 300), Some(600));
        assert_eq!(throttle.wait("c@d.io", None, 300), None, "another account is not locked");
        assert_eq!(throttle.wait("a@b.io", None, 900), None, "the first failure is 15 minutes old");
        throttle.succeed("a@b.io");
    }

    #[test]
    fn cookies_and_form_fields_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark; leadup_session=abc123"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc123"));
        assert_eq!(field("kind=label&csrf=ff00&value=x", "csrf"), Some("ff00"));
        assert_eq!(field("kind=label", "csrf"), None);
        assert_eq!(encode("/teams/1?days=90"), "/teams/1%3Fdays%3D90");
    }
}
