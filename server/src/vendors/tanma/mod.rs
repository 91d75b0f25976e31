//! 探马 Tanma: signed JSON POSTs (`appId`, `timestamp`, `sign` headers) to
//! `https://account.tanmarket.cn/apiServer/api/...`, `{code, message, data}` replies.
//!
//! - `sign`: the request signature (one small, vector-tested unit)
//! - `wire`: request/response bodies as the vendor documents them
//! - `client`: transport, envelope decoding and error classification, cached metadata
//! - `map`: wire → domain
//! - `clue_pages`: newest-first paging over an oldest-first clue endpoint
//! - `adapter`: the [`crate::vendors::VendorAdapter`] implementation

mod adapter;
mod cache;
pub mod client;
pub mod clue_pages;
pub mod endpoints;
pub mod map;
pub mod settings;
pub mod sign;
pub mod wire;

pub use client::{DEFAULT_METADATA_TTL, TanmaClient, paths};
