//! The services behind the UI's server functions. `Backend` implements the app's
//! `SalesDeskService` over the configured vendor adapters.

mod backend;
pub mod merge;
pub mod wiring;

pub use backend::{Backend, VendorSlot};
