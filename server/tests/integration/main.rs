//! Every integration suite in one test binary. Each suite used to be its own binary, and each
//! binary linked the whole server: 25 links of a few hundred MB each made `cargo test` slow
//! and once filled a CI machine's disk mid-link. One binary links once. Run one suite with
//! `cargo test -p salesdesk --test integration <suite>::` (e.g. `bulk::`).
//!
//! `secret_hygiene` stays a binary of its own: it installs the process-wide log subscriber
//! and reads every line logged while it runs.

mod auth_support;
mod common;

mod auth_admin;
mod auth_endpoints;
mod auth_sessions;
mod bad_requests;
mod bulk;
mod cli;
mod cluster;
mod concurrent_pages;
mod crash_recovery;
mod customer_views;
mod delivery_problems;
mod export;
mod fault_suite;
mod fault_suite_endpoints;
mod form_hardening;
mod fuzz_vendor_parsers;
mod hostile_data;
mod juzi_simulator;
mod locale_effects;
mod observability;
mod one_customer;
mod page_memo;
mod saved_views;
mod strict_vendors;
mod tanma_simulator;
mod today;
mod weiling_simulator;
