//! The order of a brief's sections, the one every format (page, Markdown, PDF) follows: after
//! the headline, the sections of the topics the stakeholder chose, in the order their profile
//! lists them, in full; then every other section as a one-line summary, so a brief is shorter
//! where the stakeholder cares less but never hides anything (a risk the stakeholder did not ask
//! about is still named). A brief stored before profiles held topics shows every section in full.

use leadup_core::stakeholder::Topic;

use super::Brief;

/// A part of a brief after its headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The initiatives: progress against the plan, dates and budget.
    Initiatives,
    /// Initiatives that may not make their targets.
    Risks,
    /// Change requests filed or decided in the period.
    ChangeRequests,
    /// What waits for the stakeholder's decision, and the manager's asks.
    Decisions,
    /// The key results of the stakeholder's objectives.
    KeyResults,
    /// Evidence touching the stakeholder's objectives.
    Evidence,
    /// Commitments due or met in the period.
    Commitments,
    /// Wins confirmed in the period.
    Wins,
}

impl Section {
    /// Every section, in the order of a brief that follows no profile.
    pub const ALL: [Section; 8] = [
        Section::Initiatives,
        Section::Risks,
        Section::ChangeRequests,
        Section::Decisions,
        Section::KeyResults,
        Section::Evidence,
        Section::Commitments,
        Section::Wins,
    ];

    /// The sections that answer `topic`: budget is part of the initiatives' lines, and
    /// commitments kept go with wins (both tell whether the team delivers what it says).
    fn of_topic(topic: Topic) -> &'static [Section] {
        match topic {
            Topic::Progress | Topic::Budget => &[Section::Initiatives],
            Topic::Risks => &[Section::Risks],
            Topic::ChangeRequests => &[Section::ChangeRequests],
            Topic::KeyResults => &[Section::KeyResults],
            Topic::Evidence => &[Section::Evidence],
            Topic::Decisions => &[Section::Decisions],
            Topic::Wins => &[Section::Commitments, Section::Wins],
        }
    }
}

/// A section in its place: shown in full, or summed up in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// The section.
    pub section: Section,
    /// Whether the stakeholder chose it (shown in full) or not (one line).
    pub full: bool,
}

/// The sections of `brief` in the order they are shown: the chosen topics' sections first, in
/// the profile's order, then the others in their usual order.
pub fn sections(brief: &Brief) -> Vec<Placed> {
    let topics: &[Topic] = if brief.topics.is_empty() { &Topic::ALL } else { &brief.topics };
    let mut placed: Vec<Placed> = Vec::new();
    for section in topics.iter().flat_map(|t| Section::of_topic(*t)) {
        if !placed.iter().any(|p| p.section == *section) {
            placed.push(Placed { section: *section, full: true });
        }
    }
    for section in Section::ALL {
        if !placed.iter().any(|p| p.section == section) {
            placed.push(Placed { section, full: false });
        }
    }
    placed
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one line that sums up `section` of `brief` where the stakeholder did not choose it.
/// User-written text in it (the titles of initiatives at risk) is for the renderer to escape.
pub fn summary(brief: &Brief, section: Section) -> String {
    match section {
        Section::Initiatives => {
            let mut states: Vec<(&str, usize)> = Vec::new();
            for line in &brief.initiatives {
                match states.iter_mut().find(|(label, _)| *label == line.state.label()) {
                    Some((_, n)) => *n += 1,
                    None => states.push((line.state.label(), 1)),
                }
            }
            let states: Vec<String> = states.iter().map(|(label, n)| format!("{n} {}", label.to_lowercase())).collect();
            let all = count(brief.initiatives.len(), "initiative", "initiatives");
            if states.is_empty() { all } else { format!("{all}: {}", states.join(", ")) }
        }
        Section::Risks if brief.risks.is_empty() => "No initiative at risk".to_owned(),
        Section::Risks => format!(
            "{}: {}",
            count(brief.risks.len(), "initiative at risk", "initiatives at risk"),
            brief.risks.iter().map(|r| r.title.as_str()).collect::<Vec<_>>().join(", ")
        ),
        Section::ChangeRequests => {
            count(brief.change_requests.len(), "change request", "change requests") + " this period"
        }
        Section::Decisions => format!(
            "{} and {} waiting for {}",
            count(brief.decisions.len(), "decision", "decisions"),
            count(brief.asks.len(), "ask", "asks"),
            brief.stakeholder.name
        ),
        Section::KeyResults => format!(
            "{}, {} moved",
            count(brief.key_results.len(), "key result", "key results"),
            brief.key_results.iter().filter(|kr| kr.moved()).count()
        ),
        Section::Evidence => count(brief.evidence.len(), "piece of evidence", "pieces of evidence"),
        Section::Commitments => format!(
            "{} due, {} met{}",
            count(brief.commitments_due.len(), "commitment", "commitments"),
            brief.commitments_met.len(),
            brief
                .track_record
                .as_ref()
                .and_then(|t| t.on_time_rate)
                .map(|r| format!("; {:.0}% kept on time over 12 months", r * 100.0))
                .unwrap_or_default()
        ),
        Section::Wins => count(brief.wins.len(), "win", "wins") + " confirmed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::markdown::markdown;
    use crate::brief::tests::hostile;

    fn shown(brief: &Brief) -> Vec<(Section, bool)> {
        sections(brief).into_iter().map(|p| (p.section, p.full)).collect()
    }

    #[test]
    fn chosen_topics_come_first_in_the_profiles_order_and_the_rest_follow_summed_up() {
        let mut brief = hostile();
        brief.topics = vec![Topic::Decisions, Topic::Wins, Topic::Risks, Topic::Budget, Topic::Progress];
        assert_eq!(
            shown(&brief),
            vec![
                (Section::Decisions, true),
                (Section::Commitments, true),
                (Section::Wins, true),
                (Section::Risks, true),
                (Section::Initiatives, true),
                (Section::ChangeRequests, false),
                (Section::KeyResults, false),
                (Section::Evidence, false),
            ]
        );
        brief.topics = vec![Topic::ChangeRequests];
        assert_eq!(
            shown(&brief)[..3],
            [(Section::ChangeRequests, true), (Section::Initiatives, false), (Section::Risks, false)]
        );
    }

    #[test]
    fn a_brief_without_topics_shows_everything_in_full() {
        assert!(shown(&hostile()).iter().all(|(_, full)| *full));
        assert_eq!(shown(&hostile()).len(), Section::ALL.len());
    }

    #[test]
    fn a_risk_the_stakeholder_did_not_ask_about_is_still_named() {
        let mut brief = hostile();
        brief.topics = vec![Topic::Wins];
        brief.risks[0].title = "Card tokens".to_owned();
        assert_eq!(summary(&brief, Section::Risks), "1 initiative at risk: Card tokens");
        assert_eq!(summary(&brief, Section::Initiatives), "1 initiative: 1 at risk");
        assert_eq!(summary(&brief, Section::ChangeRequests), "1 change request this period");
        let text = markdown(&brief);
        let also = text.find("## Also in this period").expect("the summaries' heading");
        assert!(text[also..].contains("- 1 initiative at risk: Card tokens\n"), "{text}");
        assert!(text.find("## Wins").expect("wins in full") < also);
        assert!(!text.contains("## Risks"));
    }
}
