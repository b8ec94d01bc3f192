#![forbid(unsafe_code)]

use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use cockpit::cli::{Cli, Failure, run, screen, usage_error_line};
use cockpit::domain::sanitize;

fn main() -> ExitCode {
    // A Tab in a shell that sourced `cockpit completions SHELL` runs us with
    // COCKPIT_COMPLETE set: answer with the candidates and exit, before
    // anything else writes to stdout.
    clap_complete::CompleteEnv::with_factory(cockpit::cli::completion_command)
        .var(cockpit::cli::COMPLETE_VAR)
        .bin("cockpit")
        .complete();
    let _ = color_eyre::install();
    cockpit::fault::from_env();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version are not errors.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "cockpit: {}",
                sanitize::clean_output(&usage_error_line(&e.to_string()))
            );
            return ExitCode::from(2);
        }
    };
    let _log = cockpit::logging::init(cli.global.journal.as_deref());
    let json = cli.global.json;
    let result = match cli.command {
        // Piped or redirected (`cockpit | less`, a script): there is no screen
        // to draw on, so print what `show` prints (issue 2).
        None if !std::io::stdout().is_terminal() => run(cli),
        None => screen(&cli.global).map(|()| String::new()),
        Some(_) => run(cli),
    };
    match result {
        Ok(out) => {
            // Whatever wrote the journal, nothing printed can drive the terminal.
            let out = if json {
                sanitize::json_output(&out)
            } else {
                sanitize::clean_output(&out)
            };
            // A closed pipe (`cockpit timeline | head`) is not an error worth a panic.
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Failure { code, message }) => {
            eprintln!("cockpit: {}", sanitize::clean_output(&message));
            ExitCode::from(code)
        }
    }
}
