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
    /// The factor the ranking is shown sorted by; by rank when absent.
    sort: Option<String>,
}

/// The orders a ranking can be shown in: (parameter value, column heading).
pub(crate) const SORTS: [(&str, &str); 5] =
    [("rank", "Rank"), ("reach", "Reach"), ("impact", "Impact"), ("confidence", "Confidence"), ("effort", "Effort")];

impl Params {
    /// The method and weights, or errors naming each bad parameter.
    pub(crate) fn read(&self) -> Result<(Method, Weights), ValidationErrors> {
        let method = match self.method.as_deref() {
            None | Some("") => Ok(Method::Rice),
            Some(name) => Method::parse(name)
                .ok_or_else(|| ValidationErrors::single("method", format!("'{name}' is not rice or value_effort"))),
        };
        let weights = Weights::new(self.reach, self.impact, self.confidence, self.effort);
        let sort = self.sort_key().map(|_| ());
        match (method, weights, sort) {
            (Ok(method), Ok(weights), Ok(())) => Ok((method, weights)),
            (method, weights, sort) => {
                let mut errors = method.err().unwrap_or_default();
                errors.0.extend(weights.err().unwrap_or_default().0);
                errors.0.extend(sort.err().unwrap_or_default().0);
                Err(errors)
            }
        }
    }

    /// The factor to sort by (`rank` when none is named), or an error naming the parameter.
    pub(crate) fn sort_key(&self) -> Result<&str, ValidationErrors> {
        match self.sort.as_deref() {
            None | Some("") => Ok("rank"),
            Some(name) => SORTS.iter().map(|(key, _)| *key).find(|key| *key == name).ok_or_else(|| {
                ValidationErrors::single("sort", format!("'{name}' is not rank, reach, impact, confidence or effort"))
            }),
        }
    }

    /// The query string of these parameters sorted by `key` (for the page's column headers).
    pub(crate) fn sorted_by(&self, key: &str) -> String {
        let mut query = vec![format!("sort={key}")];
        if let Some(method) = self.method.as_deref().filter(|m| !m.is_empty()) {
            query.push(format!("method={method}"));
        }
        for (name, value) in
            [("reach", self.reach), ("impact", self.impact), ("confidence", self.confidence), ("effort", self.effort)]
        {
            if let Some(value) = value {
                query.push(format!("{name}={value}"));
            }
        }
        format!("/priorities?{}", query.join("&"))
    }
}

/// The ranking for `params`, in the order its `sort` asks for (the rank stays each one's).
pub(crate) async fn ranking(state: &AppState, params: &Params) -> Result<(Method, Weights, Vec<Ranked>), AppError> {
    let (method, weights) = params.read()?;
    let candidates = priority_candidates(state).await?;
    let mut ranked = rank(&candidates, method, weights);
    let key = params.sort_key()?;
    // More reach, impact and confidence first; less effort first; ties keep the rank's order.
    match key {
        "reach" => ranked.sort_by_key(|r| std::cmp::Reverse(r.candidate.reach)),
        "impact" => ranked.sort_by_key(|r| std::cmp::Reverse(r.candidate.value_minor)),
        "confidence" => ranked.sort_by(|a, b| b.candidate.confidence.total_cmp(&a.candidate.confidence)),
        "effort" => ranked.sort_by_key(|r| r.candidate.effort_days),
        _ => {}
    }
    Ok((method, weights, ranked))
}
