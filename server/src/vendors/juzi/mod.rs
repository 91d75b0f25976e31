//! 句子互动 Juzibot Hub, v1 API (seed 004, VENDORS.md §3): static `token` query parameter,
//! `{errcode, errmsg, …}` envelope, page-number customer list, customer detail, batch remark
//! edits and batch follow-up notes with per-item `fail_list`s.
//!
//! - `wire`: the documented request/reply shapes;
//! - `limits`: the documented limits, checked before sending;
//! - `errors`: the errcode → error-kind table;
//! - `client`: HTTP, envelope and batching;
//! - `map`: wire → domain;
//! - `adapter`: the [`crate::vendors::VendorAdapter`] implementation.

mod adapter;
pub mod client;
pub mod endpoints;
pub mod errors;
pub mod limits;
pub mod map;
pub mod settings;
pub mod wire;

pub use adapter::DEFAULT_PAGE_SIZE;
pub use client::{ItemOutcome, JuziClient};
