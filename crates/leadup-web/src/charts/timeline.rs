//! The roadmap timeline: quarters across, one bar per dated initiative, in groups.

use leadup_app::dashboard::State;
use leadup_core::date;
use leadup_core::initiative::{Status, TargetWindow};
use leadup_core::roadmap::TimeAxis;
use maud::{Markup, html};
use time::Date;

use super::{px, truncate};

/// One line of the timeline.
pub(crate) enum Row<'a> {
    /// A heading that starts a group (a team or an objective).
    Group(&'a str),
    /// An initiative's bar, coloured by its forecast state (`risk`), its label marked when it
    /// serves no objective or rests on no evidence.
    Bar {
        title: &'a str,
        href: String,
        window: TargetWindow,
        status: Status,
        risk: Outlook,
        unaligned: bool,
        opinion: bool,
    },
}

/// The forecast state a roadmap colours an initiative by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outlook {
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    NotForecast,
}

impl Outlook {
    pub(crate) const ALL: [Self; 5] = [Self::OnTrack, Self::AtRisk, Self::OffTrack, Self::Done, Self::NotForecast];

    /// The colour class of an initiative's [`State`].
    pub(crate) fn of(state: State) -> Self {
        match state {
            State::OnTrack => Self::OnTrack,
            State::AtRisk => Self::AtRisk,
            State::OffTrack | State::TargetPassed => Self::OffTrack,
            State::Done => Self::Done,
            State::NoItems | State::NoForecast | State::Forecast | State::Dropped => Self::NotForecast,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::OffTrack => "off_track",
            Self::Done => "done",
            Self::NotForecast => "not_forecast",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "On track",
            Self::AtRisk => "At risk",
            Self::OffTrack => "Off track",
            Self::Done => "Done",
            Self::NotForecast => "Not forecast",
        }
    }
}

/// The marks before an initiative's label: ⚑ when it serves no objective, ◇ when no evidence
/// supports it (an opinion).
pub(crate) fn marks(unaligned: bool, opinion: bool) -> &'static str {
    match (unaligned, opinion) {
        (true, true) => "⚑◇ ",
        (true, false) => "⚑ ",
        (false, true) => "◇ ",
        (false, false) => "",
    }
}

const WIDTH: f64 = 1080.0;
const LABEL_WIDTH: f64 = 300.0;
const HEADER: f64 = 50.0;
const ROW: f64 = 30.0;
const GROUP: f64 = 34.0;

/// Draws `rows` against `axis`, with a line at `today`.
pub(crate) fn svg(axis: &TimeAxis, rows: &[Row<'_>], today: Date) -> Markup {
    let chart = WIDTH - LABEL_WIDTH - 10.0;
    let x = |position: f64| LABEL_WIDTH + position * chart;
    let mut y = HEADER;
    let mut tops = Vec::with_capacity(rows.len());
    for row in rows {
        tops.push(y);
        y += if matches!(row, Row::Group(_)) { GROUP } else { ROW };
    }
    let height = y + 10.0;
    let today_x = x(axis.position(today));
    html! {
        svg.timeline xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (px(height)) }
            role="group" aria-label="Roadmap timeline: one bar per dated initiative, each a link to its page" {
            @for quarter in &axis.quarters {
                @let (x0, x1) = (x(axis.position(quarter.first_day())), x(axis.position_after(quarter.last_day())));
                rect.quarter x=(px(x0)) y="0" width=(px(x1 - x0)) height=(px(height)) {}
                text.quarter-label x=(px(f64::midpoint(x0, x1))) y="20" text-anchor="middle" { (quarter) }
            }
            line.axis x1=(px(LABEL_WIDTH)) y1=(HEADER - 4.0) x2=(WIDTH - 10.0) y2=(HEADER - 4.0) {}
            @for (row, top) in rows.iter().zip(&tops) {
                @match row {
                    Row::Group(label) => {
                        rect.group-band x="0" y=(px(*top + 4.0)) width=(WIDTH) height=(GROUP - 6.0) {}
                        text.group-label x="10" y=(px(*top + 23.0)) { (truncate(label, 90)) }
                    }
                    Row::Bar { title, href, window, status, risk, unaligned, opinion } => {
                        @let (x0, x1) = (x(axis.position(window.start)), x(axis.position_after(window.end)));
                        a href=(href) {
                            title {
                                (title) ": " (date::format(window.start)) " to " (date::format(window.end))
                                " (" (status.label()) "; " (risk.label().to_lowercase()) ")"
                                @if *unaligned { "; serves no objective" }
                                @if *opinion { "; no evidence: an opinion" }
                            }
                            text.bar-label x="18" y=(px(*top + 19.0)) { (marks(*unaligned, *opinion)) (truncate(title, 36)) }
                            rect class={ "bar risk-" (risk.as_str()) } x=(px(x0)) y=(px(*top + 6.0))
                                width=(px((x1 - x0).max(4.0))) height=(ROW - 12.0) rx="4" {}
                        }
                    }
                }
            }
            line.today x1=(px(today_x)) y1=(HEADER - 16.0) x2=(px(today_x)) y2=(px(height - 4.0)) {}
            text.today-label x=(px(today_x + 4.0)) y=(HEADER - 8.0) { "Today " (date::format(today)) }
        }
    }
}
