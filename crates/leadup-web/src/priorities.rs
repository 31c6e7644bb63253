//! Prioritisation as a service for the page and the API: the ranking's parameters (method
//! and what-if weights, checked) and the ranking of the open initiatives, whose factors
//! `views::priority_candidates` reads from evidence and forecasts.

use leadup_core::ValidationErrors;
use leadup_core::priority::{Method, Ranked, Weights, rank};
use serde::Deserialize;

use crate::views::priority_candidates;
use crate::{AppError, AppState};

/// The ranking's parameters, as the form and the API send them.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    method: Option<String>,
    reach: Option<f64>,
    impact: Option<f64>,
    confidence: Option<f64>,
    effort: Option<f64>,
}

impl Params {
    /// The method and weights, or errors naming each bad parameter.
    pub(crate) fn read(&self) -> Result<(Method, Weights), ValidationErrors> {
        let method = match self.method.as_deref() {
            None | Some("") => Ok(Method::Rice),
            Some(name) => Method::parse(name)
                .ok_or_else(|| ValidationErrors::single("method", format!("'{name}' is not rice or value_effort"))),
        };
        let weights = Weights::new(self.reach, self.impact, self.confidence, self.effort);
        match (method, weights) {
            (Ok(method), Ok(weights)) => Ok((method, weights)),
            (method, weights) => {
                let mut errors = method.err().unwrap_or_default();
                errors.0.extend(weights.err().unwrap_or_default().0);
                Err(errors)
            }
        }
    }
}

/// The ranking for `params`.
pub(crate) async fn ranking(state: &AppState, params: &Params) -> Result<(Method, Weights, Vec<Ranked>), AppError> {
    let (method, weights) = params.read()?;
    let candidates = priority_candidates(state).await?;
    Ok((method, weights, rank(&candidates, method, weights)))
}
