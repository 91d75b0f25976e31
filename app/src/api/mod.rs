//! Server-function declarations: the browser calls these over HTTP; during SSR they run
//! in-process. Each one is thin: authorise, call the service from context, map errors.

mod shell;

pub use shell::*;
