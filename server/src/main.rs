use std::process::ExitCode;

use clap::Parser;
use salesdesk::cli::{Cli, run};

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(line) => {
            eprintln!("salesdesk: {line}");
            ExitCode::from(2)
        }
    }
}
