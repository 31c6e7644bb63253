//! Progress of a team or an initiative from its work items: flow metrics over a window, as
//! the dashboards, the API and `leadup flow` show them.
//!
//! Cycle time runs from an item's start; trackers that record no start (GitHub issues, many
//! CSV exports) give its creation instead, so for them it is the lead time. Dates are UTC
//! calendar days.

use leadup_core::work_item::WorkItem;
use leadup_forecast::{FlowItem, FlowMetrics, Window, flow_metrics};

use crate::forecasts::utc_date;

/// A work item as flow metrics see it.
pub fn flow_item(item: &WorkItem) -> FlowItem {
    FlowItem { started: item.started.or(item.created).map(utc_date), done: item.done.map(utc_date) }
}

/// Flow metrics of `items` over `window`.
pub fn flow(items: &[WorkItem], window: Window) -> FlowMetrics {
    let flow_items: Vec<FlowItem> = items.iter().map(flow_item).collect();
    flow_metrics(&flow_items, window)
}
