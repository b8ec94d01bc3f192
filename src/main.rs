#![forbid(unsafe_code)]

use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use cockpit::cli::{Cli, Failure, run, screen, usage_error_line};

fn main() -> ExitCode {
    let _ = color_eyre::install();
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
    let _log = cockpit::logging::init(cli.global.journal.as_deref());
    let result = match cli.command {
        // Piped or redirected (`cockpit | less`, a script): there is no screen
        // to draw on, so print what `show` prints (issue 2).
        None if !std::io::stdout().is_terminal() => run(cli),
        None => screen(&cli.global).map(|()| String::new()),
        Some(_) => run(cli),
    };
    match result {
        Ok(out) => {
            // A closed pipe (`cockpit timeline | head`) is not an error worth a panic.
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Failure { code, message }) => {
            eprintln!("cockpit: {message}");
            ExitCode::from(code)
        }
    }
}
