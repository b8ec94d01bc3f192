use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

use cockpit::cli::{Cli, run, usage_error_line};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version are not errors.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cockpit: {}", usage_error_line(&e.to_string()));
            return ExitCode::from(2);
        }
    };
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
