//! The services behind the UI's server functions. `Backend` implements the app's
//! `SalesDeskService` over the configured vendor adapters and local storage.

mod backend;
pub mod bulk;
pub mod clues;
pub mod customer_detail;
pub mod customer_index;
pub mod delivery;
pub mod detail_memo;
pub mod export;
pub mod list_codec;
pub mod list_crawl;
pub mod merge;
pub mod people;
pub mod saved_views;
pub mod today;
pub mod wiring;
pub mod write_status;
pub mod writes;

pub use backend::{Backend, VendorSlot};
