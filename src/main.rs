use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

use cockpit::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`cockpit timeline | head`) is not an error worth a panic.
            let _ = stdout.write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("cockpit: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
