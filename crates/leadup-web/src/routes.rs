//! The route table: every route is added with the [`Access`] rule it requires, and the rule
//! is checked by [`auth::guard`] before the handler runs. Routes can only be added this way,
//! so none can exist without a rule, and [`endpoints`] lists them all for the tests that
//! check every route against the permission matrix.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodFilter, on};

use crate::AppState;
use crate::auth::{self, Access, Rule};

/// One route: its method, its path pattern (as axum writes it, `/teams/{id}`) and its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The full path pattern, e.g. `/api/v1/teams/{id}`.
    pub path: String,
    /// What the route requires.
    pub access: Access,
}

/// A router being built, with the list of its endpoints.
pub(crate) struct Routes {
    prefix: &'static str,
    state: AppState,
    router: Router<AppState>,
    endpoints: Vec<Endpoint>,
}

impl Routes {
    /// Routes under `prefix` (`""` for pages, `/api/v1` for the API).
    pub(crate) fn new(prefix: &'static str, state: &AppState) -> Self {
        Self { prefix, state: state.clone(), router: Router::new(), endpoints: Vec::new() }
    }

    /// Adds `handler` for `method` on `path`, guarded by `access`.
    pub(crate) fn add<H, T>(self, method: Method, path: &str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add_with_limit(method, path, access, handler, None)
    }

    /// Like [`Routes::add`], for a route whose body may be up to `limit` bytes.
    pub(crate) fn add_upload<H, T>(self, method: Method, path: &str, access: Access, handler: H, limit: usize) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add_with_limit(method, path, access, handler, Some(limit))
    }

    fn add_with_limit<H, T>(
        mut self,
        method: Method,
        path: &str,
        access: Access,
        handler: H,
        limit: Option<usize>,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        let rule = Rule { access, api: self.prefix.starts_with("/api"), state: self.state.clone() };
        let mut route = on(filter, handler);
        if let Some(limit) = limit {
            route = route.layer(DefaultBodyLimit::max(limit));
        }
        let route = route.route_layer(from_fn_with_state(rule, auth::guard));
        self.router = self.router.route(path, route);
        self.endpoints.push(Endpoint { method, path: format!("{}{path}", self.prefix), access });
        self
    }

    /// The router and its endpoints.
    pub(crate) fn finish(self) -> (Router<AppState>, Vec<Endpoint>) {
        (self.router, self.endpoints)
    }
}

/// Every route of the application with its rule, pages first, then the API.
pub fn endpoints(state: &AppState) -> Vec<Endpoint> {
    let (_, mut pages) = crate::pages::routes(state).finish();
    let (_, api) = crate::api::routes(state).finish();
    pages.extend(api);
    pages
}
