//! Domain types shared by the server and the browser. Plain data: no I/O, no secrets.
//! Vendor adapters (server side) map their wire types into these; the UI renders them.

mod bulk;
mod changelog;
mod clue;
mod customer;
mod customer360;
mod delivery;
mod endpoints;
mod export;
mod failure;
mod health;
mod limits;
mod list_query;
mod paging;
mod saved_views;
mod timeline;
mod today;
mod vendor;
mod viewer;
mod views;

pub use bulk::*;
pub use changelog::*;
pub use clue::*;
pub use customer::*;
pub use customer360::*;
pub use delivery::*;
pub use endpoints::*;
pub use export::*;
pub use failure::*;
pub use health::*;
pub use limits::*;
pub use list_query::*;
pub use paging::*;
pub use saved_views::*;
pub use timeline::*;
pub use today::*;
pub use vendor::*;
pub use viewer::*;
pub use views::*;
