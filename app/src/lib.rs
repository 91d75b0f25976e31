//! SalesDesk's user interface and everything the browser shares with the server: domain
//! types, server-function declarations, and (server-side only) the service interface those
//! functions call. This crate never sees a vendor secret and never depends on an HTTP client.
// Leptos view types nest deeply; big components erase theirs with `into_any()`, and this
// leaves headroom for the rest.
#![recursion_limit = "512"]

pub mod api;
mod codec;
mod components;
pub mod csp;
pub mod domain;
pub mod error;
pub mod i18n;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;
mod shell;

pub use shell::{App, LocaleContext, shell};

/// Error words for a locale, outside any page: the server's tests check them.
pub mod words {
    pub use crate::components::error_words::vendor_failure_words;
    // The CSV downloads' words (column titles, file names, refusals), for the server.
    pub use crate::components::export_words::{
        ExportFile, export_column_title, export_file_word, export_refusal_words, timeline_column_titles, timeline_kind_word, vendor_word,
    };
}
