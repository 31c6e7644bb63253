//! Who is asking, and whether they may: the session or bearer token behind each request
//! ([`authenticate`]), CSRF protection of state-changing requests made with a session, the
//! per-route permission check ([`guard`]), and the sign-in throttle.
//!
//! Every route is registered with an [`Access`] rule through [`crate::routes::Routes`], so
//! no route can exist without one; the rule is checked before the handler runs, so a denied
//! request changes nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http_body::Body as _;
use leadup_app::metrics::{Metrics, Throttled};
use leadup_core::access::{Action, Principal};
use leadup_core::account::{MAX_PASSWORD_CHARS, User};
use leadup_core::sign_in;
use leadup_store::{SignInReservation, Store};
use tokio::sync::Semaphore;

use crate::accounts::{self, digest};
use crate::observe::SignedIn;
use crate::{AppError, AppState};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "leadup_session";
/// The form field carrying the CSRF token (the first field of a file upload's form).
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
        /// How many decisions wait for the user (counted for pages, which show it in the
        /// navigation; 0 on other requests).
        inbox: usize,
    },
    /// A script with an API token.
    Token {
        /// The token's owner and their roles.
        principal: Principal,
        /// As for a session.
        inbox: usize,
    },
}

impl Caller {
    /// The signed-in user, if any.
    /// The signed-in user's id, if anyone is signed in.
    pub(crate) fn user_id(&self) -> Option<i64> {
        self.principal().map(|p| p.user_id)
    }

    pub(crate) fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Anonymous => None,
            Caller::Session { principal, .. } | Caller::Token { principal, .. } => Some(principal),
        }
    }

    /// How many decisions wait for the signed-in user, as the navigation shows it.
    pub(crate) fn inbox_count(&self) -> usize {
        match self {
            Caller::Session { inbox, .. } | Caller::Token { inbox, .. } => *inbox,
            Caller::Anonymous => 0,
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
        Action::ViewStakeholders | Action::EditStakeholders => {
            " A stakeholder's profile is kept by the managers of the teams they are an executive of."
        }
        Action::WriteBriefs => " Only the team's managers write briefs to its executives.",
        Action::ReadBriefs => " A brief is read by the team's managers and the executive it was sent to.",
        Action::ViewCommitments | Action::WriteCommitments => {
            " A team's commitments are kept by its managers and read by its members and executives."
        }
        _ => "",
    };
    match team {
        Some(team) => format!("You may not {} in {team}.{hint}", describe(action)),
        None => format!("You may not {}.{hint}", describe(action)),
    }
}

/// What `action` lets a person do, as a sentence: "Change the strategy (an administrator's right)".
pub(crate) fn sentence(action: Action) -> String {
    let text = describe(action);
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
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
        Action::ViewStakeholders => "see this stakeholder's profile",
        Action::EditStakeholders => "edit this stakeholder's profile",
        Action::WriteBriefs => "write briefs",
        Action::ReadBriefs => "read briefs",
        Action::ViewCommitments => "see this team's commitments and track record",
        Action::WriteCommitments => "record commitments",
        Action::ProposeWins => "propose wins",
        Action::ConfirmWins => "confirm or decline wins (the team's manager does)",
        Action::WriteProcess => "write the process or add decisions (the team's manager does)",
    }
}

/// Finds who is asking (a bearer token, else a live session cookie) and, for a request that
/// changes state with a session, checks its CSRF token and origin. Runs before routing.
/// Every answer carries the security headers ([`secure`]).
pub(crate) async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Answers to requests with credentials, and shared views, are private.
    let private = request.headers().contains_key(header::AUTHORIZATION)
        || cookie(request.headers(), SESSION_COOKIE).is_some()
        || request.uri().path().starts_with("/share/");
    let mut response = match identify(&state, request).await {
        Ok((request, expired)) => {
            let caller = request.extensions().get::<Caller>().cloned().unwrap_or(Caller::Anonymous);
            let user = caller.principal().map(|p| p.user_id);
            let path = request.uri().path().to_owned();
            let mut response = next.run(request).await;
            crate::pages::draw_failure(&mut response, &caller, &path);
            if let Some(user) = user {
                response.extensions_mut().insert(SignedIn(user));
            }
            if expired {
                response.headers_mut().append(header::SET_COOKIE, clear_cookie());
            }
            response
        }
        Err(error) => error.into_response(),
    };
    secure(&mut response, private);
    response
}

/// The Content-Security-Policy of every answer: nothing but this site's own stylesheet, forms
/// and script files (never inline script or event handlers), which may talk only to this site
/// (the upload form sends its file itself, to show its progress), no plugins, never inside
/// another site's frame. Inline styles are
/// allowed (bar widths are `style` attributes, and the printable brief carries its own
/// stylesheet); user text never reaches them unescaped.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers to `response`: the [`CONTENT_SECURITY_POLICY`], no framing, no
/// MIME sniffing, no referrer to other sites, and, for a `private` answer that does not say
/// otherwise, `Cache-Control: no-store`.
fn secure(response: &mut Response, private: bool) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

async fn identify(state: &AppState, mut request: Request) -> Result<(Request, bool), AppError> {
    let now = state.now();
    let mut expired = false;
    let mut caller = if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or_default();
        match accounts::token_principal(&state.store, token, now).await? {
            Some(principal) => Caller::Token { principal, inbox: 0 },
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
                Caller::Session { principal, csrf: session.csrf_token, inbox: 0 }
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
    // Pages show the count of waiting decisions in their navigation; the API and forms do not
    // need it, so only a page request pays for counting.
    let path = request.uri().path();
    let page = request.method() == Method::GET
        && !["/api/", "/assets/", "/healthz", "/readyz"].iter().any(|prefix| path.starts_with(prefix));
    if let (true, Caller::Session { principal, inbox, .. } | Caller::Token { principal, inbox }) = (page, &mut caller) {
        *inbox = leadup_app::inbox::inbox(&state.store, principal, state.clock()).await?.len();
    }
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
/// or the first part of a multipart form (a file upload, whose body is streamed on: only its
/// first part is read here). Never the URL, which browsers log, keep in their history and may
/// send on as a referrer.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, AppError> {
    let matches = |sent: Option<&str>| sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), expected.as_bytes()));
    if matches(request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok())) {
        return Ok(request);
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| AppError::TooLarge("The form is too large.".into()))?;
        if matches(std::str::from_utf8(&bytes).ok().and_then(|form| field(form, CSRF_FIELD))) {
            return Ok(Request::from_parts(parts, axum::body::Body::from(bytes)));
        }
    } else if let Some(boundary) = multipart_boundary(&content_type) {
        let (parts, mut body) = request.into_parts();
        let mut head = Vec::new();
        let token = loop {
            match first_part(&head, &boundary) {
                Part::Incomplete if head.len() <= MAX_MULTIPART_HEAD => {}
                Part::Csrf(token) => break Some(token),
                _ => break None,
            }
            match std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        head.extend_from_slice(&data);
                    }
                }
                Some(Err(error)) => return Err(AppError::BadRequest(format!("The form could not be read: {error}"))),
                None => break None,
            }
        };
        if matches(token.as_deref()) {
            let body = Prefixed { prefix: Some(axum::body::Bytes::from(head)), rest: body };
            return Ok(Request::from_parts(parts, axum::body::Body::new(body)));
        }
    }
    Err(AppError::Forbidden(
        "This form has expired or did not come from leadup (its CSRF token is missing or wrong); reload the page and try again.".to_owned(),
    ))
}

/// The most of a multipart form read to find its CSRF token, which must be its first part.
const MAX_MULTIPART_HEAD: usize = 16 * 1024;

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, parameters) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters.split(';').find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// What the start of a multipart body shows of its first part.
#[derive(Debug, PartialEq, Eq)]
enum Part {
    /// Not all of the first part has arrived yet.
    Incomplete,
    /// The first part is the `csrf` field, holding this.
    Csrf(String),
    /// The first part is something else (or the body is no multipart form).
    Other,
}

/// The first part of the multipart body starting with `head`, if it is the CSRF field.
fn first_part(head: &[u8], boundary: &str) -> Part {
    let delimiter = format!("--{boundary}");
    let Some(start) = find(head, delimiter.as_bytes()) else {
        return if head.len() < delimiter.len() + 2 { Part::Incomplete } else { Part::Other };
    };
    let after = &head[start + delimiter.len()..];
    let Some(headers_end) = find(after, b"\r\n\r\n") else { return Part::Incomplete };
    let headers = String::from_utf8_lossy(&after[..headers_end]).to_ascii_lowercase();
    let named_csrf = headers.lines().any(|line| {
        line.starts_with("content-disposition:")
            && line.split(';').any(|p| matches!(p.trim(), "name=\"csrf\"" | "name=csrf"))
    });
    if !named_csrf {
        return Part::Other;
    }
    let value = &after[headers_end + 4..];
    let end = format!("\r\n{delimiter}");
    match find(value, end.as_bytes()) {
        Some(at) => std::str::from_utf8(&value[..at]).map_or(Part::Other, |token| Part::Csrf(token.trim().to_owned())),
        None => Part::Incomplete,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// A body whose first bytes were already read: they come first, then the rest.
struct Prefixed {
    prefix: Option<axum::body::Bytes>,
    rest: axum::body::Body,
}

impl http_body::Body for Prefixed {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if let Some(prefix) = self.prefix.take().filter(|p| !p.is_empty()) {
            return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(prefix))));
        }
        std::pin::Pin::new(&mut self.rest).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.prefix.as_ref().is_none_or(axum::body::Bytes::is_empty) && self.rest.is_end_stream()
    }
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
    /// An action on the team of the commitment whose id is the path's `{id}`.
    CommitmentTeam(Action),
    /// An action on the team of the win whose id is the path's `{id}`.
    WinTeam(Action),
    /// An action on any of the teams the user whose id is the path's `{id}` is an executive
    /// of (a stakeholder): allowed if the caller may do it in one of them.
    StakeholderTeams(Action),
    /// An action on a team named in the request body: the handler checks it once the body
    /// is read, with [`Caller::require`]; the guard checks the caller is signed in.
    BodyTeam(Action),
    /// An action on the team of the brief whose id is the path's `{id}`, by one of the team's
    /// managers or by the stakeholder the brief was sent to.
    Brief(Action),
    /// A workspace-wide action on the evidence whose id is the path's `{id}`, by one of those
    /// who may change it (`EvidenceStewards::allow`): who recorded it, a manager of a team
    /// citing it, or an administrator.
    Evidence(Action),
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
            | Access::CommitmentTeam(action)
            | Access::WinTeam(action)
            | Access::StakeholderTeams(action)
            | Access::BodyTeam(action)
            | Access::Brief(action)
            | Access::Evidence(action) => Some(action),
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
        Err(error) if !rule.api => crate::pages::PageError::from(error).into_response(),
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
        | Access::ProposalTeam(action)
        | Access::CommitmentTeam(action)
        | Access::WinTeam(action) => {
            caller.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))?;
            match id {
                Some(id) => {
                    let team = record_team(&rule.state, rule.access, id).await?;
                    require_in(rule, caller, action, team).await
                }
                None => Ok(()),
            }
        }
        Access::StakeholderTeams(action) => {
            let principal = caller.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))?;
            let Some(user) = id else { return Ok(()) };
            let stakeholder = leadup_app::stakeholders::stakeholder(&rule.state.store, user)
                .await?
                .ok_or(leadup_store::StoreError::NotFound { entity: "stakeholder", id: user })?;
            if stakeholder.allows(principal, action) { Ok(()) } else { Err(AppError::Forbidden(denial(action, None))) }
        }
        Access::Evidence(action) => {
            let principal = caller.require(action, None)?;
            let Some(id) = id else { return Ok(()) };
            if rule.state.store.evidence_stewards(id).await?.allow(principal) {
                Ok(())
            } else {
                Err(AppError::Forbidden(leadup_store::evidence_refusal(id)))
            }
        }
        Access::Brief(action) => {
            let principal = caller.principal().ok_or_else(|| AppError::Unauthorized(SIGN_IN.to_owned()))?;
            let Some(id) = id else { return Ok(()) };
            let brief = rule.state.store.brief(id).await?;
            require_in(rule, caller, action, brief.team_id).await?;
            if principal.may(Action::WriteBriefs, Some(brief.team_id)) {
                Ok(())
            } else if principal.user_id == brief.stakeholder_id && brief.sent_at.is_none() {
                Err(AppError::Forbidden(
                    "This brief is a draft waiting for the team's manager: it is yours to read once it is sent."
                        .to_owned(),
                ))
            } else if principal.user_id == brief.stakeholder_id {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "This brief was sent to another executive: only they and the team's managers may read it."
                        .to_owned(),
                ))
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
        Access::CommitmentTeam(_) => store.commitment(id).await?.team_id,
        Access::WinTeam(_) => store.win(id).await?.team_id,
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

/// The longest email address a sign-in may send, in characters (as the account rules allow).
pub(crate) const MAX_EMAIL_CHARS: usize = 254;

/// Refuses a sign-in's email or password longer than any account can have, before any work
/// is done with it (no lookup, no hash, no throttle entry); the error names the field.
pub(crate) fn check_credential_lengths(
    email_field: &str,
    email: &str,
    password_field: &str,
    password: &str,
) -> Result<(), AppError> {
    let too_long = |text: &str, max: usize| text.len() > 4 * max || text.chars().count() > max;
    let mut errors = leadup_core::ValidationErrors::default();
    if too_long(email, MAX_EMAIL_CHARS) {
        errors.add(email_field, format!("must be at most {MAX_EMAIL_CHARS} characters"));
    }
    if too_long(password, MAX_PASSWORD_CHARS) {
        errors.add(password_field, format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    errors.into_result(|| ()).map_err(AppError::Invalid)
}

/// The client a request came from, as the sign-in throttle counts it: the peer's address, or,
/// when the peer is one of the `trusted` proxies (a load balancer in front of the servers), the
/// address that proxy appended to `X-Forwarded-For`, skipping further trusted proxies from the
/// right. A client cannot choose its address by sending the header itself: only what trusted
/// proxies appended is read, from the right.
pub(crate) fn client_ip(trusted: &[IpAddr], peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let mut client = peer?.ip();
    if !trusted.contains(&client) {
        return Some(client);
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>() else { break };
        client = address;
        if !trusted.contains(&client) {
            break;
        }
    }
    Some(client)
}

/// The gate in front of password hashing, and the failed sign-ins counted in the store.
///
/// The policy is leadup-core's `sign_in` (the sixth failure for one account from one client
/// within fifteen minutes is refused, and the 101st from one client for any accounts); the
/// failures are counted in the database ([`Store::reserve_sign_in`]), so every server on it
/// counts the same ones and a client cannot spread its guesses over several servers. An
/// attempt is counted before its password is hashed, so concurrent attempts cannot all get
/// past the limit; a right password gives its count back and clears the account's failures
/// from that client. The store keeps 32-byte digests, never the addresses, and prunes expired
/// failures as it counts.
///
/// The hashing gate is per process: at most `hashers` passwords are hashed at once (Argon2
/// takes 19 MiB each) and at most [`Throttle::QUEUE`] more wait; beyond that a sign-in is
/// answered 503 with `Retry-After`. It bounds one server's memory, which is that server's own
/// business, so it is not shared.
#[derive(Debug, Clone)]
pub(crate) struct Throttle {
    /// Permits for the attempts hashing or waiting to hash.
    admission: Arc<Semaphore>,
    /// Permits for the attempts hashing.
    hashing: Arc<Semaphore>,
    /// Where refusals are counted.
    metrics: Metrics,
}

/// What checking a password behind the [`Throttle`] found.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// Refused without a look: try again after this many seconds.
    Wait(i64),
    /// Refused without a look because too many passwords are being checked: try again after
    /// this many seconds (503).
    Busy(i64),
    /// The password is wrong (or there is no such account); this counted as a failure.
    Wrong,
    /// The password is right.
    Right(User),
}

impl Default for Throttle {
    fn default() -> Self {
        let hashers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
        Self::new(hashers, Self::QUEUE)
    }
}

impl Throttle {
    const QUEUE: usize = 32;
    /// Seconds a sign-in refused because the server is busy is told to wait.
    const BUSY_RETRY: i64 = 5;

    fn new(hashers: usize, queue: usize) -> Self {
        Self {
            admission: Arc::new(Semaphore::new(hashers + queue)),
            hashing: Arc::new(Semaphore::new(hashers)),
            metrics: Metrics::default(),
        }
    }

    /// Counts the sign-ins it refuses in `metrics`.
    #[must_use]
    pub(crate) fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Checks `password` for the account `email`, as signing in and changing a password do:
    /// refused without a look while this client must wait for this account (or at all), or
    /// while too many passwords are being checked here; a wrong password counts towards the
    /// wait, a right one clears this client's failures for the account.
    pub(crate) async fn attempt(
        &self,
        store: &Store,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
        now: i64,
    ) -> Result<Attempt, AppError> {
        check_credential_lengths("email", email, "password", password)?;
        let Ok(_admitted) = self.admission.clone().try_acquire_owned() else {
            self.metrics.sign_in_throttled(Throttled::Busy);
            return Ok(Attempt::Busy(Self::BUSY_RETRY));
        };
        let keys = sign_in::keys(email, client);
        let counted = match store.reserve_sign_in(&keys, now).await? {
            SignInReservation::Wait(wait) => {
                self.metrics.sign_in_throttled(Throttled::Wait);
                return Ok(Attempt::Wait(wait));
            }
            SignInReservation::Counted(ids) => ids,
        };
        let checked = match self.hashing.acquire().await {
            Ok(_hashing) => accounts::authenticate(store, email, password).await,
            Err(_) => Err(AppError::Internal("the sign-in gate is closed".to_owned())),
        };
        match checked {
            Ok(Some(user)) => {
                store.release_sign_in(&counted, Some(&keys[0].0)).await?;
                Ok(Attempt::Right(user))
            }
            Ok(None) => Ok(Attempt::Wrong),
            Err(error) => {
                store.release_sign_in(&counted, None).await?;
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: &str = "ada@example.com";

    /// The client at 10.0.0.`last` (0: an unknown client).
    fn client(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last])).filter(|_| last != 0)
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() {
        let proxy = IpAddr::from([127, 0, 0, 1]);
        let peer = Some(SocketAddr::new(proxy, 5000));
        let mut headers = HeaderMap::new();
        assert_eq!(client_ip(&[], peer, &headers), Some(proxy), "no proxy trusted: the peer");
        assert_eq!(client_ip(&[proxy], peer, &headers), Some(proxy), "nothing forwarded: the proxy");
        // What the client sent itself comes first; the proxy appended the address it saw.
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.7"));
        assert_eq!(client_ip(&[proxy], peer, &headers), Some(IpAddr::from([203, 0, 113, 7])));
        assert_eq!(client_ip(&[], peer, &headers), Some(proxy), "an untrusted peer's header is ignored");
        let other = Some(SocketAddr::from(([198, 51, 100, 1], 5000)));
        assert_eq!(client_ip(&[proxy], other, &headers), Some(IpAddr::from([198, 51, 100, 1])));
        // Two trusted proxies in a row are skipped; a malformed hop stops the walk.
        let inner = IpAddr::from([10, 0, 0, 9]);
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7, 10.0.0.9"));
        assert_eq!(client_ip(&[proxy, inner], peer, &headers), Some(IpAddr::from([203, 0, 113, 7])));
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7, garbage"));
        assert_eq!(client_ip(&[proxy], peer, &headers), Some(proxy));
    }

    #[test]
    fn overlong_credentials_are_refused_naming_the_field() {
        let long_email = format!("{}@example.com", "a".repeat(1 << 20));
        let Err(AppError::Invalid(errors)) = check_credential_lengths("email", &long_email, "password", "x") else {
            panic!("a 1 MiB email is refused");
        };
        assert_eq!(errors.summary(), "email: must be at most 254 characters");
        let long_password = "é".repeat(1001);
        let Err(AppError::Invalid(errors)) = check_credential_lengths("email", ADA, "current_password", &long_password)
        else {
            panic!("a 1001-character password is refused");
        };
        assert_eq!(errors.summary(), "current_password: must be at most 1000 characters");
        assert!(check_credential_lengths("email", ADA, "password", &"é".repeat(1000)).is_ok());
    }

    async fn store_with_ada() -> (Store, leadup_store::testing::TestDatabase) {
        let db = leadup_store::testing::TestDatabase::sqlite();
        let store = Store::connect(&db.url).await.unwrap();
        let input = leadup_core::account::UserInput { email: ADA.into(), name: "Ada".into(), is_admin: false };
        accounts::create_user(&store, &input, "a long test password", 0, None).await.unwrap();
        (store, db)
    }

    #[tokio::test]
    async fn concurrent_wrong_passwords_are_counted_before_they_are_checked() {
        let (store, _db) = store_with_ada().await;
        let throttle = Throttle::new(2, 64);
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (throttle, store) = (throttle.clone(), store.clone());
            attempts.spawn(async move { throttle.attempt(&store, ADA, "a wrong password!", client(1), 100).await });
        }
        let (mut wrong, mut waited) = (0, 0);
        while let Some(answer) = attempts.join_next().await {
            match answer.unwrap().unwrap() {
                Attempt::Wrong => wrong += 1,
                Attempt::Wait(seconds) => {
                    assert_eq!(seconds, sign_in::PER_ACCOUNT_AND_CLIENT.window);
                    waited += 1;
                }
                other => panic!("{other:?}"),
            }
        }
        let limit = sign_in::PER_ACCOUNT_AND_CLIENT.failures;
        assert_eq!((wrong, waited), (limit, 20 - limit));
        assert_eq!(store.sign_in_failures_kept().await.unwrap(), 2 * 5, "counted per pair and per client");
        // A right password from another client goes through and gives its count back.
        let right = throttle.attempt(&store, ADA, "a long test password", client(2), 100).await.unwrap();
        assert!(matches!(right, Attempt::Right(user) if user.email == ADA));
        assert_eq!(store.sign_in_failures_kept().await.unwrap(), 2 * 5);
        // Another server on the same database refuses this client at once.
        let other_server = Throttle::new(2, 64);
        let refused = other_server.attempt(&store, ADA, "a long test password", client(1), 101).await.unwrap();
        assert!(matches!(refused, Attempt::Wait(899)), "{refused:?}");
    }

    #[tokio::test]
    async fn sign_ins_beyond_the_hashing_queue_are_told_to_come_back() {
        let (store, _db) = store_with_ada().await;
        let throttle = Throttle::new(1, 1);
        let held = throttle.admission.clone().try_acquire_many_owned(2).unwrap();
        let busy = throttle.attempt(&store, ADA, "a long test password", client(1), 0).await.unwrap();
        assert!(matches!(busy, Attempt::Busy(Throttle::BUSY_RETRY)), "{busy:?}");
        assert_eq!(store.sign_in_failures_kept().await.unwrap(), 0, "a refused attempt is not counted");
        drop(held);
        let right = throttle.attempt(&store, ADA, "a long test password", client(1), 0).await.unwrap();
        assert!(matches!(right, Attempt::Right(_)), "{right:?}");
    }

    #[test]
    fn the_csrf_token_is_the_first_part_of_a_multipart_form() {
        assert_eq!(multipart_boundary("multipart/form-data; boundary=----x1"), Some("----x1".to_owned()));
        assert_eq!(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), Some("a b".to_owned()));
        assert_eq!(multipart_boundary("multipart/mixed; boundary=x"), None);
        assert_eq!(multipart_boundary("text/csv"), None);
        let body = "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nff00\r\n--x\r\nContent-Disposition: form-data; name=\"file\"";
        assert_eq!(first_part(body.as_bytes(), "x"), Part::Csrf("ff00".to_owned()));
        for cut in [0, 3, 20, 45, 50] {
            assert_eq!(first_part(&body.as_bytes()[..cut], "x"), Part::Incomplete, "cut at {cut}");
        }
        let file_first =
            "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nid\r\n--x--\r\n";
        assert_eq!(first_part(file_first.as_bytes(), "x"), Part::Other);
        assert_eq!(first_part(b"no multipart body here at all", "x"), Part::Other);
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
