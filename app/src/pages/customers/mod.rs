pub mod detail;
mod detail_actions;
mod detail_nav;
mod detail_plan;
mod detail_profile;
mod detail_timeline;
pub mod list;
mod list_bulk;
mod list_views;
