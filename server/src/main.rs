use std::process::ExitCode;

use clap::Parser;
use salesdesk::cli::{Cli, run};

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // An idle worker hands back memory freed since a customer-list refresh (see memory.rs).
        .on_thread_park(salesdesk::memory::collect_if_asked)
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("salesdesk: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(Cli::parse())) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("salesdesk: {}", salesdesk::errors::report(&e));
            ExitCode::from(2)
        }
    }
}
