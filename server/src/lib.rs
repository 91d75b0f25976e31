//! The SalesDesk server: configuration and secrets, vendor adapters, the services the UI's
//! server functions call, the web router, and the simulated vendors used by demo mode,
//! integration tests, end-to-end tests and benchmarks.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod errors;
pub mod memory;
pub mod metrics;
pub mod request_context;
pub mod services;
pub mod simulators;
pub mod spreadsheet;
pub mod storage;
pub mod vendors;
pub mod web;
