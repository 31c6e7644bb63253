//! What the proposal pages, the API and `leadup proposal brief` share: checking a proposal
//! against the stored objectives, initiatives and evidence, and assembling everything its
//! brief shows (the numbers, the delivery dates from the delivering initiative's forecast, the
//! objectives and the evidence cited).

use leadup_core::ValidationErrors;
use leadup_core::business_case::Evaluation;
use leadup_core::evidence::Evidence;
use leadup_core::evidence_strength::{EvidenceStrength, strength};
use leadup_core::proposal::{Delivery, Proposal, ProposalInput, StoredProposal, citations, markdown};
use leadup_core::strategy::Objective;
use leadup_store::Store;
use time::Date;

use crate::AppError;

/// A proposal with everything its brief and page show.
#[derive(Debug)]
pub struct Brief {
    /// The validated proposal.
    pub proposal: Proposal,
    /// NPV, ROI and payback for low, expected and high benefits, with the sensitivity table.
    pub evaluation: Evaluation,
    /// When the delivering initiative is likely done, if one is named.
    pub delivery: Option<Delivery>,
    /// Every objective (the brief lists those served).
    pub objectives: Vec<Objective>,
    /// Every piece of evidence (the brief lists those cited), the evidence a presented or
    /// decided proposal cites as it was when presented.
    pub evidence: Vec<Evidence>,
    /// The evidence it cites that has changed since it was presented (shown as it was).
    pub changed_since: Vec<i64>,
}

impl Brief {
    /// Checks `input` against the stored records and assembles its brief. `check_from` is
    /// the day a decision date must not precede (`None` for a stored proposal, whose
    /// decision date may since have passed); `today` is the forecast's start.
    pub async fn assemble(
        store: &Store,
        input: ProposalInput,
        check_from: Option<Date>,
        today: Date,
    ) -> Result<Self, AppError> {
        let (objectives, evidence) = (store.objectives().await?, store.evidence_list().await?);
        let proposal = input.validate(&objectives, &store.initiatives().await?, &evidence, check_from)?;
        let evaluation = proposal.case.evaluate();
        let delivery = match proposal.initiative_id {
            Some(id) => Some(delivery(store, id, today).await?),
            None => None,
        };
        Ok(Self { proposal, evaluation, delivery, objectives, evidence, changed_since: Vec::new() })
    }

    /// The brief of a stored proposal: as [`Brief::assemble`], with the evidence it cites as it
    /// was when presented.
    pub async fn of_stored(store: &Store, stored: &StoredProposal, today: Date) -> Result<Self, AppError> {
        let mut brief = Self::assemble(store, stored.input.clone(), None, today).await?;
        for kept in store.evidence_as_cited_by_proposal(stored.id).await? {
            brief.changed_since.push(kept.id);
            if let Some(shown) = brief.evidence.iter_mut().find(|e| e.id == kept.id) {
                *shown = kept;
            }
        }
        Ok(brief)
    }

    /// The strength of the evidence its claims cite, together, on `today`.
    pub fn strength(&self, today: Date) -> EvidenceStrength {
        let cited: Vec<Evidence> =
            self.evidence.iter().filter(|e| citations(&self.proposal).contains_key(&e.id)).cloned().collect();
        strength(&cited, today)
    }

    /// The brief as Markdown, for e-mail or chat.
    pub fn markdown(&self) -> String {
        markdown(&self.proposal, &self.evaluation, self.delivery.as_ref(), &self.objectives, &self.evidence)
    }

    /// The brief as a print-ready HTML document.
    pub fn html(&self) -> String {
        crate::brief::html(&self.proposal, &self.evaluation, self.delivery.as_ref(), &self.objectives, &self.evidence)
    }
}

/// Checks a proposal about to be stored: valid against the stored records as of `today`,
/// and a draft (its status moves only through presenting and deciding).
pub async fn check_draft(store: &Store, input: &ProposalInput, today: Date) -> Result<(), AppError> {
    if input.status != "draft" {
        return Err(ValidationErrors::single(
            "status",
            format!(
                "'{}': a proposal is written as a draft, then presented, then approved or declined by an executive",
                input.status
            ),
        )
        .into());
    }
    let (objectives, evidence) = (store.objectives().await?, store.evidence_list().await?);
    input.clone().validate(&objectives, &store.initiatives().await?, &evidence, Some(today))?;
    Ok(())
}

/// When initiative `id` is likely delivered, from its team's forecast as its page shows it.
async fn delivery(store: &Store, id: i64, today: Date) -> Result<Delivery, AppError> {
    let (initiative, _, progress, _) = leadup_app::dashboard::initiative_progress(store, id, today).await?;
    let team = leadup_core::team::possessive(&store.team(initiative.team_id).await?.name);
    Ok(match &progress.forecast {
        Some(answer) => Delivery {
            initiative: initiative.title,
            range: Some((answer.dates.p50, answer.dates.p95)),
            note: format!(
                "{} remaining items, sharing {team} throughput with its other initiatives in plan order (forecast as of \
                 {}); {}",
                answer.items,
                leadup_core::date::format(answer.today),
                progress.calibration.as_ref().map_or_else(|| "not backtested".to_owned(), |c| c.statement.clone())
            ),
        },
        None => Delivery {
            initiative: initiative.title,
            range: None,
            note: progress.forecast_note.unwrap_or_else(|| "no work items attached yet".to_owned()),
        },
    })
}

/// The expected NPV of a stored proposal's case, in minor units of its currency (`None` when
/// its case does not check, which presenting then refuses on its own).
pub(crate) fn expected_npv(stored: &leadup_core::proposal::StoredProposal) -> Option<i64> {
    stored.input.case.clone().validate().ok().map(|case| case.evaluate().expected.npv)
}

/// Presents draft `id` for a decision. A case whose expected NPV is below zero loses money on
/// its own numbers: it is presented only when the writer `confirmed` it; otherwise nothing
/// changes and the error says why (409, naming `confirm_negative_npv`).
pub(crate) async fn present(
    store: &Store,
    id: i64,
    actor: leadup_store::Actor,
    confirmed: bool,
) -> Result<leadup_core::proposal::StoredProposal, AppError> {
    let stored = store.proposal(id).await?;
    if let Some(npv) = expected_npv(&stored).filter(|npv| *npv < 0)
        && !confirmed
    {
        return Err(AppError::Conflict(format!(
            "The expected NPV is {} {}: the case is negative on its own numbers. Nothing was presented; tick \
             'Present it anyway' on the proposal's page (confirm_negative_npv in the API) to present it all the same.",
            stored.input.currency,
            leadup_core::money::major_units(npv)
        )));
    }
    Ok(store.move_proposal(id, "presented", actor, None).await?)
}
