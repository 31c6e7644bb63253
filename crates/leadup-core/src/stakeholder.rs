//! Stakeholder profiles: what an executive a manager leads up to cares about, and how they
//! like to be briefed.
//!
//! A stakeholder is a user holding the executive role in at least one team; the teams they
//! sponsor are those roles, so they are never typed. A profile adds what the manager knows:
//! the objectives they care about (beyond those they own), the initiatives they sponsor, the
//! [`Topic`]s they want to hear about, the [`Cadence`] of their briefs and the [`Channel`]
//! they are sent by. A chat webhook's address is a secret (whoever holds it can post to the
//! channel): it is kept only to deliver briefs and shown nowhere but as its host.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::ValidationErrors;

/// Something a stakeholder wants to hear about; each is a part of a brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Progress of the initiatives against the approved plan.
    Progress,
    /// Initiatives unlikely to make their target, and what changed.
    Risks,
    /// Money planned and spent.
    Budget,
    /// Change requests filed and decided, with their cost.
    ChangeRequests,
    /// Key results that moved.
    KeyResults,
    /// New evidence about their objectives.
    Evidence,
    /// Decisions waiting for them.
    Decisions,
    /// Wins and who made them happen.
    Wins,
}

impl Topic {
    /// Every topic, in the order forms list them.
    pub const ALL: [Topic; 8] = [
        Topic::Progress,
        Topic::Risks,
        Topic::Budget,
        Topic::ChangeRequests,
        Topic::KeyResults,
        Topic::Evidence,
        Topic::Decisions,
        Topic::Wins,
    ];

    /// The topic as stored and typed, e.g. `change_requests`.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Progress => "progress",
            Topic::Risks => "risks",
            Topic::Budget => "budget",
            Topic::ChangeRequests => "change_requests",
            Topic::KeyResults => "key_results",
            Topic::Evidence => "evidence",
            Topic::Decisions => "decisions",
            Topic::Wins => "wins",
        }
    }

    /// The topic as a page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Topic::Progress => "Progress against the plan",
            Topic::Risks => "Risks",
            Topic::Budget => "Budget",
            Topic::ChangeRequests => "Change requests",
            Topic::KeyResults => "Key results",
            Topic::Evidence => "Evidence",
            Topic::Decisions => "Decisions needed",
            Topic::Wins => "Wins",
        }
    }

    /// The topic called `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Topic::ALL.into_iter().find(|t| t.as_str() == text.trim())
    }
}

/// How often a stakeholder wants a brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Fortnightly,
    /// Once a month.
    Monthly,
}

impl Cadence {
    /// Every cadence, shortest first.
    pub const ALL: [Cadence; 3] = [Cadence::Weekly, Cadence::Fortnightly, Cadence::Monthly];

    /// The cadence as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
        }
    }

    /// The cadence called `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == text.trim())
    }

    /// The period a brief covers, in days (a month counted as 30).
    pub fn days(self) -> u32 {
        match self {
            Cadence::Weekly => 7,
            Cadence::Fortnightly => 14,
            Cadence::Monthly => 30,
        }
    }

    /// The day the brief after one sent on `last` is due: 7 or 14 days later, or monthly on
    /// the same day of the next month, or that month's last day when it is shorter
    /// (31 January → 28 or 29 February).
    pub fn next_due(self, last: time::Date) -> time::Date {
        use time::{Date, Duration, Month};
        match self {
            Cadence::Weekly => last.saturating_add(Duration::days(7)),
            Cadence::Fortnightly => last.saturating_add(Duration::days(14)),
            Cadence::Monthly => {
                let (year, month) = if last.month() == Month::December {
                    (last.year() + 1, Month::January)
                } else {
                    (last.year(), last.month().next())
                };
                let day = last.day().min(month.length(year));
                Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
            }
        }
    }

    /// Whether a brief is due `today` when the last one was sent on `last_sent` (`None`:
    /// never, so one is due).
    pub fn is_due(self, last_sent: Option<time::Date>, today: time::Date) -> bool {
        last_sent.is_none_or(|last| today >= self.next_due(last))
    }
}

/// What leadup does on the day a stakeholder's next brief falls due (by their [`Cadence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Nothing: the manager makes each brief by hand.
    Off,
    /// A draft for the team's manager to review, add a note to and send (in their inbox).
    Draft,
    /// The brief is generated and sent by the stakeholder's channel without review.
    Send,
}

impl Schedule {
    /// Every schedule, in the order forms list them.
    pub const ALL: [Schedule; 3] = [Schedule::Draft, Schedule::Send, Schedule::Off];

    /// The schedule as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Schedule::Off => "off",
            Schedule::Draft => "draft",
            Schedule::Send => "send",
        }
    }

    /// The schedule as a page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Schedule::Off => "Not scheduled: briefs are made by hand",
            Schedule::Draft => "Drafted when due, for the manager to review and send",
            Schedule::Send => "Generated and sent when due, without review",
        }
    }

    /// The schedule called `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Schedule::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }
}

/// The address of a chat webhook (Slack-compatible): an `https` URL with a host. It is a
/// secret: its `Debug` and every page show only the host; [`WebhookUrl::expose`] gives the
/// whole address to the code that delivers a brief.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    url: String,
    host: String,
}

/// The longest webhook address accepted, in characters.
pub const MAX_WEBHOOK_CHARS: usize = 2000;

impl WebhookUrl {
    /// Checks `text` is an `https` URL with a host (and no user name or password in it);
    /// the error says what is wrong without repeating the address.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = text.trim();
        if url.chars().count() > MAX_WEBHOOK_CHARS {
            return Err(format!("must be at most {MAX_WEBHOOK_CHARS} characters"));
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces or control characters".to_owned());
        }
        let Some(rest) = url.get(..8).filter(|s| s.eq_ignore_ascii_case("https://")).map(|_| &url[8..]) else {
            return Err("must be an https:// address".to_owned());
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err("must not contain a user name or password".to_owned());
        }
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                if !port.is_empty() && port.parse::<u16>().map_or(true, |p| p == 0) {
                    return Err(format!("port '{port}' is not a port number"));
                }
                host
            }
            _ => authority,
        };
        let valid_host = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            inner.parse::<std::net::Ipv6Addr>().is_ok()
        } else {
            !host.is_empty()
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                })
        };
        if !valid_host {
            return Err("must name a host, e.g. https://hooks.slack.com/services/...".to_owned());
        }
        Ok(Self { host: host.to_ascii_lowercase(), url: url.to_owned() })
    }

    /// The host the webhook posts to: all a page or a log may show of it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The whole address, for delivering a brief and for storing it; never for display.
    pub fn expose(&self) -> &str {
        &self.url
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookUrl(https://{}/…)", self.host)
    }
}

/// How a stakeholder's briefs reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// By e-mail, to the address of their account.
    Email,
    /// Posted to a chat webhook.
    Webhook(WebhookUrl),
}

impl Channel {
    /// `email` or `webhook`, as stored and typed.
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook(_) => "webhook",
        }
    }
}

/// Shown as `{"kind": "email"}` or `{"kind": "webhook", "host": "hooks.slack.com"}`: the
/// webhook's address itself is never serialised.
impl Serialize for Channel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            kind: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            host: Option<&'a str>,
        }
        let host = match self {
            Channel::Email => None,
            Channel::Webhook(url) => Some(url.host()),
        };
        Shown { kind: self.kind(), host }.serialize(serializer)
    }
}

/// What a manager keeps about a stakeholder: validated, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preferences {
    /// What they want to hear about, in the order given (a brief puts these first).
    pub topics: Vec<Topic>,
    /// How often they want a brief.
    pub cadence: Cadence,
    /// What happens when a brief falls due.
    pub schedule: Schedule,
    /// How briefs reach them.
    pub channel: Channel,
    /// Objectives they care about besides those they own.
    pub objective_ids: Vec<i64>,
    /// Initiatives they sponsor (of the teams they are an executive of).
    pub initiative_ids: Vec<i64>,
}

impl Preferences {
    /// What a profile starts with: progress, risks and decisions, fortnightly, drafted for
    /// review when due, by e-mail.
    pub fn starting() -> Self {
        Self {
            topics: vec![Topic::Progress, Topic::Risks, Topic::Decisions],
            cadence: Cadence::Fortnightly,
            schedule: Schedule::Draft,
            channel: Channel::Email,
            objective_ids: Vec::new(),
            initiative_ids: Vec::new(),
        }
    }
}

/// A profile as entered (JSON or form), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// Topic names, e.g. `["risks", "budget"]`.
    #[serde(default)]
    pub topics: Vec<String>,
    /// `weekly`, `fortnightly` or `monthly`.
    pub cadence: String,
    /// `draft` (the default), `send` or `off`.
    #[serde(default)]
    pub schedule: Option<String>,
    /// `email` or `webhook`.
    pub channel: String,
    /// The webhook's address; may be left out to keep the one stored.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Objectives they care about.
    #[serde(default)]
    pub objective_ids: Vec<i64>,
    /// Initiatives they sponsor.
    #[serde(default)]
    pub initiative_ids: Vec<i64>,
}

impl PreferencesInput {
    /// Checks every field, naming each invalid one. A webhook channel without a new address
    /// keeps `stored_webhook`, the one stored before, if there is one.
    pub fn validate(self, stored_webhook: Option<&WebhookUrl>) -> Result<Preferences, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut topics = Vec::with_capacity(self.topics.len());
        for (i, text) in self.topics.iter().enumerate() {
            match Topic::parse(text) {
                Some(topic) if topics.contains(&topic) => {
                    errors.add(format!("topics[{i}]"), format!("'{text}' is listed twice"));
                }
                Some(topic) => topics.push(topic),
                None => errors.add(
                    format!("topics[{i}]"),
                    format!("'{text}' is not a topic: use {}", names(Topic::ALL.map(Topic::as_str))),
                ),
            }
        }
        if self.topics.is_empty() {
            errors.add("topics", "choose at least one topic");
        }
        let cadence = Cadence::parse(&self.cadence);
        if cadence.is_none() {
            errors.add("cadence", format!("'{}' is not a cadence: use weekly, fortnightly or monthly", self.cadence));
        }
        let schedule = match self.schedule.as_deref().map(str::trim) {
            None | Some("") => Some(Schedule::Draft),
            Some(text) => Schedule::parse(text),
        };
        if schedule.is_none() {
            errors.add(
                "schedule",
                format!(
                    "'{}' is not a schedule: use {}",
                    self.schedule.as_deref().unwrap_or_default(),
                    names(Schedule::ALL.map(Schedule::as_str))
                ),
            );
        }
        let webhook = self.webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let channel = match self.channel.trim() {
            "email" => Some(Channel::Email),
            "webhook" => match (webhook, stored_webhook) {
                (Some(url), _) => match WebhookUrl::parse(url) {
                    Ok(url) => Some(Channel::Webhook(url)),
                    Err(message) => {
                        errors.add("webhook_url", message);
                        None
                    }
                },
                (None, Some(stored)) => Some(Channel::Webhook(stored.clone())),
                (None, None) => {
                    errors.add("webhook_url", "is needed for the webhook channel");
                    None
                }
            },
            other => {
                errors.add("channel", format!("'{other}' is not a channel: use email or webhook"));
                None
            }
        };
        if webhook.is_some() && channel.as_ref().is_some_and(|c| *c == Channel::Email) {
            errors.add("webhook_url", "is only for the webhook channel");
        }
        let objective_ids = unique_ids(&mut errors, "objective_ids", &self.objective_ids);
        let initiative_ids = unique_ids(&mut errors, "initiative_ids", &self.initiative_ids);
        errors.into_result(|| Preferences {
            topics,
            cadence: cadence.expect("checked"),
            schedule: schedule.expect("checked"),
            channel: channel.expect("checked"),
            objective_ids,
            initiative_ids,
        })
    }
}

fn names<const N: usize>(all: [&str; N]) -> String {
    all.join(", ")
}

fn unique_ids(errors: &mut ValidationErrors, field: &str, ids: &[i64]) -> Vec<i64> {
    let mut seen = Vec::with_capacity(ids.len());
    for (i, &id) in ids.iter().enumerate() {
        if seen.contains(&id) {
            errors.add(format!("{field}[{i}]"), format!("{id} is listed twice"));
        } else {
            seen.push(id);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn weekly_and_fortnightly_count_days() {
        assert_eq!(Cadence::Weekly.next_due(date!(2026 - 03 - 02)), date!(2026 - 03 - 09));
        assert_eq!(Cadence::Fortnightly.next_due(date!(2026 - 12 - 24)), date!(2027 - 01 - 07));
        assert!(!Cadence::Weekly.is_due(Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 08)));
        assert!(Cadence::Weekly.is_due(Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 09)));
        assert!(Cadence::Weekly.is_due(Some(date!(2026 - 03 - 02)), date!(2026 - 04 - 30)), "overdue is due");
        assert!(!Cadence::Fortnightly.is_due(Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 15)));
        assert!(Cadence::Fortnightly.is_due(Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 16)));
    }

    #[test]
    fn monthly_is_the_same_day_or_the_months_end() {
        assert_eq!(Cadence::Monthly.next_due(date!(2026 - 03 - 15)), date!(2026 - 04 - 15));
        assert_eq!(Cadence::Monthly.next_due(date!(2026 - 01 - 31)), date!(2026 - 02 - 28));
        assert_eq!(Cadence::Monthly.next_due(date!(2028 - 01 - 31)), date!(2028 - 02 - 29), "leap year");
        assert_eq!(Cadence::Monthly.next_due(date!(2026 - 03 - 31)), date!(2026 - 04 - 30));
        assert_eq!(Cadence::Monthly.next_due(date!(2026 - 12 - 31)), date!(2027 - 01 - 31));
        assert!(!Cadence::Monthly.is_due(Some(date!(2026 - 01 - 31)), date!(2026 - 02 - 27)));
        assert!(Cadence::Monthly.is_due(Some(date!(2026 - 01 - 31)), date!(2026 - 02 - 28)));
    }

    #[test]
    fn a_profile_is_drafted_for_review_unless_it_says_otherwise() {
        assert_eq!(input("email", None).validate(None).unwrap().schedule, Schedule::Draft);
        let send = PreferencesInput { schedule: Some(" send ".into()), ..input("email", None) };
        assert_eq!(send.validate(None).unwrap().schedule, Schedule::Send);
        let off = PreferencesInput { schedule: Some("off".into()), ..input("email", None) };
        assert_eq!(off.validate(None).unwrap().schedule, Schedule::Off);
        assert_eq!(Preferences::starting().schedule, Schedule::Draft);
    }

    #[test]
    fn a_stakeholder_never_briefed_is_due() {
        assert!(Cadence::Monthly.is_due(None, date!(2026 - 03 - 02)));
    }

    fn input(channel: &str, webhook: Option<&str>) -> PreferencesInput {
        PreferencesInput {
            topics: vec!["risks".into(), "budget".into()],
            cadence: "weekly".into(),
            channel: channel.into(),
            webhook_url: webhook.map(Into::into),
            ..PreferencesInput::default()
        }
    }

    #[test]
    fn a_webhook_is_an_https_address_shown_only_by_its_host() {
        let url = WebhookUrl::parse(" https://Hooks.Slack.com/services/T0/B0/SECRET ").unwrap();
        assert_eq!(url.host(), "hooks.slack.com");
        assert_eq!(url.expose(), "https://Hooks.Slack.com/services/T0/B0/SECRET");
        assert_eq!(format!("{url:?}"), "WebhookUrl(https://hooks.slack.com/…)");
        let prefs = input("webhook", Some(url.expose())).validate(None).unwrap();
        let shown = serde_json::to_string(&prefs).unwrap();
        assert!(shown.contains(r#""channel":{"kind":"webhook","host":"hooks.slack.com"}"#), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(WebhookUrl::parse("https://chat.example:8443/hook").unwrap().host(), "chat.example");
        assert_eq!(WebhookUrl::parse("https://[::1]:8443/hook").unwrap().host(), "[::1]");
    }

    #[test]
    fn bad_webhooks_are_refused_without_repeating_them() {
        for (url, message) in [
            ("http://hooks.slack.com/x", "must be an https:// address"),
            ("ftp://x", "must be an https:// address"),
            ("https://", "must name a host, e.g. https://hooks.slack.com/services/..."),
            ("https://user:pw@hooks.slack.com/x", "must not contain a user name or password"),
            ("https://hooks slack.com", "must not contain spaces or control characters"),
            ("https://bad_host!/x", "must name a host, e.g. https://hooks.slack.com/services/..."),
            ("https://host:99999/x", "port '99999' is not a port number"),
        ] {
            assert_eq!(WebhookUrl::parse(url).unwrap_err(), message, "{url}");
        }
    }

    #[test]
    fn every_invalid_field_is_named() {
        let bad = PreferencesInput {
            topics: vec!["risks".into(), "gossip".into(), "risks".into()],
            cadence: "daily".into(),
            schedule: Some("hourly".into()),
            channel: "pigeon".into(),
            webhook_url: None,
            objective_ids: vec![1, 1],
            initiative_ids: vec![],
        };
        assert_eq!(
            bad.validate(None).unwrap_err().summary(),
            "topics[1]: 'gossip' is not a topic: use progress, risks, budget, change_requests, key_results, \
             evidence, decisions, wins; topics[2]: 'risks' is listed twice; cadence: 'daily' is not a cadence: use \
             weekly, fortnightly or monthly; schedule: 'hourly' is not a schedule: use draft, send, off; channel: 'pigeon' is not a channel: use email or webhook; \
             objective_ids[1]: 1 is listed twice"
        );
        let none = PreferencesInput { topics: vec![], ..input("email", None) };
        assert_eq!(none.validate(None).unwrap_err().summary(), "topics: choose at least one topic");
    }

    #[test]
    fn a_webhook_channel_keeps_the_stored_address_unless_a_new_one_is_given() {
        assert_eq!(
            input("webhook", None).validate(None).unwrap_err().summary(),
            "webhook_url: is needed for the webhook channel"
        );
        let stored = WebhookUrl::parse("https://hooks.example.com/a").unwrap();
        assert_eq!(
            input("webhook", Some(" ")).validate(Some(&stored)).unwrap().channel,
            Channel::Webhook(stored.clone())
        );
        let new = input("webhook", Some("https://hooks.example.com/b")).validate(Some(&stored)).unwrap();
        assert_eq!(new.channel, Channel::Webhook(WebhookUrl::parse("https://hooks.example.com/b").unwrap()));
        assert_eq!(input("email", None).validate(Some(&stored)).unwrap().channel, Channel::Email);
        assert_eq!(
            input("email", Some("https://hooks.example.com/b")).validate(None).unwrap_err().summary(),
            "webhook_url: is only for the webhook channel"
        );
        let prefs = input("email", None).validate(None).unwrap();
        assert_eq!((prefs.topics, prefs.cadence), (vec![Topic::Risks, Topic::Budget], Cadence::Weekly));
    }
}
