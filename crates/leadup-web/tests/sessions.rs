//! Signing in and out through the real router: the session cookie's attributes, a new
//! session id at every sign-in, sign-out ending the session on the server (a copied cookie
//! opens nothing afterwards), idle and absolute timeouts, CSRF tokens and origins on every
//! state-changing form, the sign-in throttle, changing the password (which ends every other
//! session), and API tokens that stop working when revoked.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::account::UserInput;
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::auth::SessionLimits;
use leadup_web::{AppState, accounts, app};
use tower::ServiceExt;

const PASSWORD: &str = "a long test password";
const T0: i64 = 1_800_000_000;

struct Site {
    store: Store,
    state: AppState,
    _db: TestDatabase,
}

struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).map_or("", |l| l.to_str().unwrap())
    }

    fn set_cookie(&self) -> String {
        self.headers.get(header::SET_COOKIE).map(|c| c.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    /// The session cookie this answer sets, as `leadup_session=...`.
    fn session(&self) -> String {
        self.set_cookie().split(';').next().unwrap().to_owned()
    }

    /// The CSRF token the page's forms carry.
    fn csrf(&self) -> String {
        let at = self.body.find(r#"name="csrf" value=""#).expect("a form with a CSRF token") + 19;
        self.body[at..at + 64].to_owned()
    }
}

impl Site {
    async fn new() -> Self {
        Self::over(TestDatabase::sqlite()).await
    }

    async fn over(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let input = UserInput { email: "ada@example.com".into(), name: "Ada".into(), is_admin: true };
        accounts::create_user(&store, &input, PASSWORD, T0, None).await.unwrap();
        let state = AppState::new(store.clone()).with_now(T0);
        Self { store, state, _db: db }
    }

    async fn send_at(&self, now: i64, request: Request<Body>) -> Answer {
        let response = app(self.state.clone().with_now(now)).oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str, cookie: &str) -> Answer {
        self.get_at(T0, uri, cookie).await
    }

    async fn get_at(&self, now: i64, uri: &str, cookie: &str) -> Answer {
        let request = Request::get(uri).header(header::HOST, "leadup.test").header(header::COOKIE, cookie);
        self.send_at(now, request.body(Body::empty()).unwrap()).await
    }

    async fn post_form(&self, uri: &str, cookie: &str, form: &str) -> Answer {
        let request = Request::post(uri)
            .header(header::HOST, "leadup.test")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send_at(T0, request.body(Body::from(form.to_owned())).unwrap()).await
    }

    async fn sign_in(&self, cookie: &str, password: &str) -> Answer {
        let form = format!("email=Ada%40Example.com&password={}&next=%2Fteams", password.replace(' ', "+"));
        self.post_form("/login", cookie, &form).await
    }

    /// Signs in as Ada with `password` from the client at 10.0.0.`last`.
    async fn sign_in_from(&self, last: u8, password: &str) -> Answer {
        let form = format!("email=ada%40example.com&password={}", password.replace(' ', "+"));
        let mut request = Request::post("/login")
            .header(header::HOST, "leadup.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([10, 0, 0, last], 40_000))));
        self.send_at(T0, request).await
    }

    async fn token_count(&self) -> usize {
        self.store.tokens(1).await.unwrap().len()
    }
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_and_signing_out_ends_the_session_on_the_server() {
    let site = Site::new().await;
    let anonymous = site.get("/account", "").await;
    assert_eq!((anonymous.status, anonymous.location()), (StatusCode::SEE_OTHER, "/login?next=/account"));

    let signed_in = site.sign_in("", PASSWORD).await;
    assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, "/teams"));
    let cookie = signed_in.set_cookie();
    assert!(
        cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax") && cookie.contains("; Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "not Secure over plain HTTP: {cookie}");
    let session = signed_in.session();
    assert_eq!(session.len(), "leadup_session=".len() + 64);

    let account = site.get("/account", &session).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("ada@example.com") && account.body.contains("Sign out"));
    let me = site.get("/api/v1/me", &session).await;
    assert_eq!(me.status, StatusCode::OK, "the API takes the session cookie too");
    assert!(me.body.contains(r#""is_admin":true"#), "{}", me.body);

    let csrf = account.csrf();
    let out = site.post_form("/logout", &session, &format!("csrf={csrf}")).await;
    assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/login"));
    assert!(out.set_cookie().contains("Max-Age=0"));
    // The copied cookie opens nothing now: the session is gone from the server.
    let stolen = site.get("/account", &session).await;
    assert_eq!((stolen.status, stolen.location()), (StatusCode::SEE_OTHER, "/login?next=/account"));
    assert_eq!(site.get("/api/v1/me", &session).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id_and_ends_the_one_it_came_with() {
    let site = Site::new().await;
    let first = site.sign_in("", PASSWORD).await.session();
    let second = site.sign_in(&first, PASSWORD).await.session();
    assert_ne!(first, second);
    assert_eq!(site.get("/api/v1/me", &first).await.status, StatusCode::UNAUTHORIZED, "the old session ended");
    assert_eq!(site.get("/api/v1/me", &second).await.status, StatusCode::OK);
}

#[tokio::test]
async fn behind_a_tls_proxy_the_cookie_is_secure() {
    let site = Site::new().await;
    let request = Request::post("/login")
        .header(header::HOST, "leadup.test")
        .header("x-forwarded-proto", "https")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("email=ada%40example.com&password=a+long+test+password"))
        .unwrap();
    let answer = site.send_at(T0, request).await;
    assert!(answer.set_cookie().contains("; Secure"), "{}", answer.set_cookie());
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_timeout() {
    let site = Site::new().await;
    let limits = SessionLimits::default();
    let session = site.sign_in("", PASSWORD).await.session();
    // Used within the idle limit, again and again: it lives on...
    let mut now = T0;
    while now + limits.idle / 2 < T0 + limits.absolute {
        now += limits.idle / 2;
        assert_eq!(site.get_at(now, "/api/v1/me", &session).await.status, StatusCode::OK, "at +{}s", now - T0);
    }
    // ...until the absolute limit.
    let late = site.get_at(T0 + limits.absolute, "/api/v1/me", &session).await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED);
    assert!(late.set_cookie().contains("Max-Age=0"), "the dead cookie is cleared");

    let idle = site.sign_in("", PASSWORD).await.session();
    assert_eq!(site.get_at(T0 + limits.idle - 1, "/api/v1/me", &idle).await.status, StatusCode::OK);
    let after_idle = T0 + limits.idle - 1 + limits.idle;
    assert_eq!(site.get_at(after_idle, "/api/v1/me", &idle).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forms_need_the_sessions_csrf_token_and_a_request_from_another_site_changes_nothing() {
    let site = Site::new().await;
    let session = site.sign_in("", PASSWORD).await.session();
    let csrf = site.get("/account", &session).await.csrf();

    for form in
        ["name=script".to_owned(), "name=script&csrf=".to_owned(), format!("name=script&csrf={}", "0".repeat(64))]
    {
        let refused = site.post_form("/account/tokens", &session, &form).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{form}");
        assert!(refused.body.contains("CSRF token"), "{}", refused.body);
    }
    assert_eq!(site.token_count().await, 0, "nothing was created");

    let request = Request::post("/account/tokens")
        .header(header::HOST, "leadup.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("name=script&csrf={csrf}")))
        .unwrap();
    assert_eq!(site.send_at(T0, request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(site.token_count().await, 0);

    // The API takes the token in a header instead.
    let request = Request::patch("/api/v1/workspace")
        .header(header::HOST, "leadup.test")
        .header(header::COOKIE, &session)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"name": "Renamed", "mission": "M"}"#))
        .unwrap();
    assert_eq!(site.send_at(T0, request).await.status, StatusCode::FORBIDDEN, "no CSRF header");

    let created = site.post_form("/account/tokens", &session, &format!("name=script&csrf={csrf}")).await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.body.contains("shown only this once"));
    assert_eq!(site.token_count().await, 1);
}

#[tokio::test]
async fn wrong_passwords_are_refused_alike_and_throttled() {
    let site = Site::new().await;
    let unknown = site.post_form("/login", "", "email=nobody%40example.com&password=a+long+test+password").await;
    let wrong = site.sign_in("", "a wrong password!").await;
    for answer in [&unknown, &wrong] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("The email address or the password is wrong."));
        assert!(answer.set_cookie().is_empty());
    }
    for _ in 0..4 {
        assert_eq!(site.sign_in("", "a wrong password!").await.status, StatusCode::UNAUTHORIZED);
    }
    // Five failures for this account: even the right password waits now.
    let throttled = site.sign_in("", PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers.get(header::RETRY_AFTER).unwrap(), "900");
    assert!(throttled.body.contains("Too many failed attempts; try again in 15 minutes."));
}

#[tokio::test]
async fn failures_from_one_client_do_not_lock_the_owner_out_elsewhere() {
    let site = Site::new().await;
    for _ in 0..5 {
        assert_eq!(site.sign_in_from(1, "a wrong password!").await.status, StatusCode::UNAUTHORIZED);
    }
    let here = site.sign_in_from(1, PASSWORD).await;
    assert_eq!(here.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(here.headers.get(header::RETRY_AFTER).unwrap(), "900");
    let elsewhere = site.sign_in_from(2, PASSWORD).await;
    assert_eq!((elsewhere.status, elsewhere.location()), (StatusCode::SEE_OTHER, "/strategy"));
}

#[tokio::test]
async fn concurrent_wrong_passwords_are_all_counted_before_any_is_checked() {
    let site = Site::new().await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let form = "email=ada%40example.com&password=a+wrong+password%21";
        let request = Request::post("/login")
            .header(header::HOST, "leadup.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        attempts.spawn(app(site.state.clone()).oneshot(request));
    }
    let mut statuses = Vec::new();
    while let Some(answer) = attempts.join_next().await {
        statuses.push(answer.unwrap().unwrap().status());
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 15), "only five passwords are checked: {statuses:?}");
}

#[tokio::test]
async fn overlong_credentials_are_refused_before_any_work_naming_the_field() {
    let site = Site::new().await;
    let email = format!("{}%40example.com", "a".repeat(20_000));
    let long = site.post_form("/login", "", &format!("email={email}&password=x")).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.body.contains("Email: must be at most 254 characters"), "{}", long.body);
    assert!(!long.body.contains("aaaaaaaaaa"), "the overlong value is not sent back");
    let password = "p".repeat(1001);
    let long = site.post_form("/login", "", &format!("email=ada%40example.com&password={password}")).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.body.contains("Password: must be at most 1000 characters"), "{}", long.body);
    // Neither counted as a failure: five wrong passwords still come before the wait.
    for _ in 0..5 {
        assert_eq!(site.sign_in("", "a wrong password!").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(site.sign_in("", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    let huge = site.post_form("/login", "", &format!("email={}&password=x", "a".repeat(1 << 20))).await;
    assert_eq!(huge.status, StatusCode::BAD_REQUEST);
    assert!(huge.body.contains("The sign-in form is too large"), "{}", huge.body);
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let site = Site::new().await;
    for next in [
        "%2F%09%2Fevil.example%2F",
        "%2F%0A%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
    ] {
        let form = format!("email=ada%40example.com&password={}&next={next}", PASSWORD.replace(' ', "+"));
        let answer = site.post_form("/login", "", &form).await;
        assert_eq!((answer.status, answer.location()), (StatusCode::SEE_OTHER, "/strategy"), "next={next}");
        let session = answer.session();
        let again = site.get(&format!("/login?next={next}"), &session).await;
        assert_eq!((again.status, again.location()), (StatusCode::SEE_OTHER, "/strategy"), "next={next}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_private_ones_are_not_stored() {
    let site = Site::new().await;
    let session = site.sign_in("", PASSWORD).await.session();
    let (_, token) = accounts::create_token(&site.store, 1, "script", T0).await.unwrap();
    let bearer = |uri: &str| {
        Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
    };
    let answers = [
        ("signed-in page", site.get("/strategy", &session).await, Some("no-store")),
        ("signed-in API", site.get("/api/v1/me", &session).await, Some("no-store")),
        ("token API", site.send_at(T0, bearer("/api/v1/teams")).await, Some("no-store")),
        ("refused token", site.send_at(T0, bearer("/api/v1/teams/999999")).await, Some("no-store")),
        ("stylesheet", site.get("/assets/style.css", &session).await, Some("max-age=300")),
        ("sign-in page", site.get("/login", "").await, None),
        ("not found", site.get("/nowhere", "").await, None),
        ("share link", site.get("/share/nonesuch", "").await, Some("no-store")),
    ];
    for (what, answer, cache) in answers {
        let header = |name: header::HeaderName| answer.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
        let csp = header(header::CONTENT_SECURITY_POLICY).unwrap_or_else(|| panic!("{what}: no CSP"));
        for directive in ["default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"] {
            assert!(csp.contains(directive), "{what}: {csp}");
        }
        assert!(csp.contains("script-src 'self';"), "only the site's own script files run: {csp}");
        assert!(csp.contains("connect-src 'self';"), "and talk only to this site: {csp}");
        assert_eq!(header(header::X_CONTENT_TYPE_OPTIONS).as_deref(), Some("nosniff"), "{what}");
        assert_eq!(header(header::X_FRAME_OPTIONS).as_deref(), Some("DENY"), "{what}");
        assert_eq!(header(header::REFERRER_POLICY).as_deref(), Some("same-origin"), "{what}");
        assert_eq!(header(header::CACHE_CONTROL).as_deref(), cache, "{what}");
    }
    // The pages need no inline script: none has an inline script element or an event handler.
    let page = site.get("/account", &session).await.body;
    assert!(!page.contains("<script>") && !page.contains(" onclick="), "{page}");
    assert_eq!(site.get("/assets/nonesuch.js", "").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_administrator_does_not_give_herself_a_role() {
    let site = Site::new().await;
    let team = leadup_core::team::TeamInput { name: "Payments".into(), ..Default::default() };
    let team = site.store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
    let tom = UserInput { email: "tom@example.com".into(), name: "Tom".into(), is_admin: false };
    let tom = accounts::create_user(&site.store, &tom, PASSWORD, T0, None).await.unwrap().id;
    let session = site.sign_in("", PASSWORD).await.session();
    let page = site.get("/admin", &session).await;
    assert!(page.body.contains(&format!(r#"<option value="{tom}">Tom (tom@example.com)</option>"#)), "{}", page.body);
    assert!(!page.body.contains(r#"<option value="1">Ada (ada@example.com)</option>"#), "not offered: {}", page.body);
    let csrf = page.csrf();
    let own = site.post_form("/admin/roles", &session, &format!("csrf={csrf}&user=1&team={team}&role=executive")).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body.contains("You may not give yourself a role"), "{}", own.body);
    assert!(site.store.principal(1).await.unwrap().roles.is_empty(), "nothing changed");
    let other =
        site.post_form("/admin/roles", &session, &format!("csrf={csrf}&user={tom}&team={team}&role=executive")).await;
    assert_eq!((other.status, other.location()), (StatusCode::SEE_OTHER, "/admin#people"));
    assert_eq!(site.store.principal(tom).await.unwrap().roles.len(), 1);
    // The operator still can, at the command line (no acting user).
    site.store.set_role(team, 1, Some(leadup_core::access::Role::Executive), None).await.unwrap();
    assert_eq!(site.store.principal(1).await.unwrap().roles.len(), 1);
}

/// A multipart form of `fields` in order, as a browser sends it: (content type, body).
fn multipart(fields: &[(&str, &str)]) -> (String, String) {
    let boundary = "----leadupSessionTest";
    let mut body = String::new();
    for (name, value) in fields {
        let file = if *name == "file" { "; filename=\"evidence.csv\"\r\nContent-Type: text/csv" } else { "" };
        body += &[
            "--",
            boundary,
            "\r\nContent-Disposition: form-data; name=\"",
            name,
            "\"",
            file,
            "\r\n\r\n",
            value,
            "\r\n",
        ]
        .concat();
    }
    body += &["--", boundary, "--\r\n"].concat();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_csrf_token_travels_in_the_body_or_a_header_never_in_the_url() {
    let site = Site::new().await;
    let session = site.sign_in("", PASSWORD).await.session();
    let page = site.get("/evidence/import", &session).await;
    let csrf = page.csrf();
    assert!(!page.body.contains("?csrf="), "no token in any URL: {}", page.body);
    let form_start = page.body.find("enctype=\"multipart/form-data\"").unwrap();
    let first_input = page.body[form_start..].find("<input").unwrap() + form_start;
    assert!(
        page.body[first_input..].starts_with(r#"<input type="hidden" name="csrf""#),
        "the token is the first field"
    );

    let upload = async |uri: &str, fields: &[(&str, &str)]| {
        let (content_type, body) = multipart(fields);
        let request = Request::post(uri)
            .header(header::HOST, "leadup.test")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        site.send_at(T0, request).await
    };
    let csv = "kind,summary\nsupport_ticket,Refunds are slow\n";
    let imported = upload("/evidence/import", &[("csrf", &csrf), ("file", csv)]).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(site.store.evidence_list().await.unwrap().len(), 1);
    let in_url = upload(&format!("/evidence/import?csrf={csrf}"), &[("file", csv)]).await;
    assert_eq!(in_url.status, StatusCode::FORBIDDEN, "a token in the URL is not taken");
    let late = upload("/evidence/import", &[("file", csv), ("csrf", &csrf)]).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN, "the token must come before the file");
    let wrong = upload("/evidence/import", &[("csrf", "00ff"), ("file", csv)]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(site.store.evidence_list().await.unwrap().len(), 1, "the refused uploads wrote nothing");

    let query = site.post_form(&format!("/account/tokens?csrf={csrf}"), &session, "name=script").await;
    assert_eq!(query.status, StatusCode::FORBIDDEN, "nor for a form");
    assert_eq!(site.token_count().await, 0);
}

#[tokio::test]
async fn api_tokens_open_the_api_until_revoked() {
    let site = Site::new().await;
    let (token, secret) = accounts::create_token(&site.store, 1, "script", T0).await.unwrap();
    assert!(secret.starts_with("leadup_") && secret.len() == 7 + 64);
    let call = |secret: String| {
        Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(site.send_at(T0, call(secret.clone())).await.status, StatusCode::OK);
    let wrong = site.send_at(T0, call(format!("{secret}x"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
    assert!(wrong.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("application/problem+json"));
    site.store.revoke_token(1, token.id, T0).await.unwrap();
    assert_eq!(site.send_at(T0, call(secret)).await.status, StatusCode::UNAUTHORIZED);
    let none = site.send_at(T0, Request::get("/api/v1/teams").body(Body::empty()).unwrap()).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_work_the_same_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let site = Site::over(db).await;
    let session = site.sign_in("", PASSWORD).await.session();
    let csrf = site.get("/account", &session).await.csrf();
    assert_eq!(site.post_form("/account/tokens", &session, "name=x").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        site.post_form("/account/tokens", &session, &format!("name=x&csrf={csrf}")).await.status,
        StatusCode::OK
    );
    site.post_form("/logout", &session, &format!("csrf={csrf}")).await;
    assert_eq!(site.get("/api/v1/me", &session).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let site = Site::new().await;
    let here = site.sign_in("", PASSWORD).await.session();
    let elsewhere = site.sign_in("", PASSWORD).await.session();
    let csrf = site.get("/account", &here).await.csrf();
    let change = async |current: &str, new: &str, repeat: &str| {
        let form = format!(
            "csrf={csrf}&current_password={}&new_password={}&repeat_password={}",
            current.replace(' ', "+"),
            new.replace(' ', "+"),
            repeat.replace(' ', "+")
        );
        site.post_form("/account/password", &here, &form).await
    };
    let new = "another long passphrase";

    let wrong = change("not the password", new, new).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Current password: it is not your password."), "{}", wrong.body);
    let differs = change(PASSWORD, new, "another long passphrasE").await;
    assert!(differs.body.contains("Repeat the new password: it differs"), "{}", differs.body);
    let short = change(PASSWORD, "short one", "short one").await;
    assert!(short.body.contains("New password: must be at least 12 characters (this one has 9)"), "{}", short.body);
    let common = change(PASSWORD, "q1w2e3r4t5y6", "q1w2e3r4t5y6").await;
    assert!(common.body.contains("most common passwords"), "{}", common.body);
    assert_eq!(site.sign_in("", PASSWORD).await.status, StatusCode::SEE_OTHER, "nothing changed yet");

    let changed = change(PASSWORD, new, new).await;
    assert_eq!((changed.status, changed.location()), (StatusCode::SEE_OTHER, "/account?password=changed#password"));
    let fresh = changed.session();
    assert_ne!(fresh, here, "this browser gets a new session");
    let page = site.get("/account?password=changed", &fresh).await;
    assert!(page.body.contains("Your password was changed."), "{}", page.body);
    assert!(!page.body.contains("still work"), "no API tokens, nothing said");
    accounts::create_token(&site.store, 1, "nightly", T0).await.unwrap();
    let page = site.get("/account?password=changed", &fresh).await;
    assert!(
        page.body.contains("Your API token still works: a new password does not end it."),
        "a new password says the tokens still work and offers to revoke them: {}",
        page.body
    );
    for old in [&here, &elsewhere] {
        let gone = site.get("/account", old).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER, "the old sessions are ended");
    }
    assert_eq!(site.sign_in("", PASSWORD).await.status, StatusCode::UNAUTHORIZED, "the old password is refused");
    assert_eq!(site.sign_in("", new).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_sign_in_throttle() {
    let site = Site::new().await;
    let session = site.sign_in("", PASSWORD).await.session();
    let csrf = site.get("/account", &session).await.csrf();
    let change = async |current: &str| {
        let new = "another+long+passphrase";
        let form = format!(
            "csrf={csrf}&current_password={}&new_password={new}&repeat_password={new}",
            current.replace(' ', "+")
        );
        site.post_form("/account/password", &session, &form).await
    };
    for _ in 0..5 {
        assert_eq!(change("a wrong password!").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Five failures for this account: even the right password waits now, here and at sign-in.
    let throttled = change(PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers.get(header::RETRY_AFTER).unwrap(), "900");
    assert!(throttled.body.contains("Too many failed attempts; try again in 15 minutes."), "{}", throttled.body);
    assert_eq!(site.sign_in("", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(site.get("/account", &session).await.status, StatusCode::OK, "the session itself goes on");
}
