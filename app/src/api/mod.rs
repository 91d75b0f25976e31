//! Server-function declarations: the browser calls these over HTTP; during SSR they run
//! in-process. Each one is thin: authorise, call the service from context, map errors.

pub mod admin;
pub mod auth;
mod bulk;
mod clues;
mod customers;
pub mod form_redirect;
mod saved_views;
mod shell;
mod today;
mod writes;

pub use bulk::*;
pub use clues::*;
pub use customers::*;
pub use saved_views::*;
pub use shell::*;
pub use today::*;
pub use writes::*;
