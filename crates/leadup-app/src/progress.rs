//! Progress of a team or an initiative from its work items: flow metrics over a window, as
//! the dashboards, the API and `leadup flow` show them.
//!
//! Cycle time runs from an item's start; trackers that record no start (GitHub issues, many
//! CSV exports) give its creation instead, so for them it is the lead time. That stand-in is
//! only taken for items that are done or in progress: an item still to do has not started,
//! so the backlog never counts as work in progress. Dates are UTC calendar days.

use leadup_core::work_item::{StatusCategory, WorkItem};
use leadup_forecast::{FlowItem, FlowMetrics, Window, flow_metrics};

use crate::forecasts::utc_date;

/// A work item as flow metrics see it.
pub fn flow_item(item: &WorkItem) -> FlowItem {
    let begun = item.done.is_some() || item.category != StatusCategory::ToDo;
    let started = item.started.or(item.created.filter(|_| begun));
    FlowItem { started: started.map(utc_date), done: item.done.map(utc_date) }
}

/// Flow metrics of `items` over `window`.
pub fn flow(items: &[WorkItem], window: Window) -> FlowMetrics {
    let flow_items: Vec<FlowItem> = items.iter().map(flow_item).collect();
    flow_metrics(&flow_items, window)
}

#[cfg(test)]
mod tests {
    use leadup_core::work_item::{StatusCategory, WorkItem};
    use time::macros::{date, datetime};

    use super::flow_item;

    #[test]
    fn creation_stands_in_for_a_missing_start_unless_the_item_is_still_to_do() {
        let mut item = WorkItem {
            key: "A-1".into(),
            title: String::new(),
            kind: String::new(),
            status: String::new(),
            category: StatusCategory::ToDo,
            created: Some(datetime!(2026-03-01 10:00 UTC)),
            started: None,
            done: None,
            estimate: None,
            parent: None,
            labels: Vec::new(),
            milestone: None,
        };
        assert_eq!(flow_item(&item).started, None, "a backlog item is not in progress");
        item.category = StatusCategory::InProgress;
        assert_eq!(flow_item(&item).started, Some(date!(2026 - 03 - 01)));
        item.category = StatusCategory::Done;
        item.done = Some(datetime!(2026-03-04 10:00 UTC));
        assert_eq!(flow_item(&item).started, Some(date!(2026 - 03 - 01)), "lead time for trackers without a start");
        item.started = Some(datetime!(2026-03-02 10:00 UTC));
        assert_eq!(flow_item(&item).started, Some(date!(2026 - 03 - 02)));
    }
}
