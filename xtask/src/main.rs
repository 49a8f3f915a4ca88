//! Project commands: `cargo xtask codegen`, `cargo xtask diff`, `cargo xtask bench`.

mod bench;
mod codegen_cmd;
#[cfg(test)]
mod derive_check;
mod diff;
#[cfg(test)]
mod endpoint_tests;
#[cfg(test)]
mod protocol_tests;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>\n\ncommands:\n  codegen [--model PATH] [--out DIR] [--crate-name NAME] [--check]\n      regenerate the client crate (default: model/ivs.json -> generated/ivs)\n  diff OLD NEW [--format text|json|markdown] [--fail-on NOTE|WARNING|DANGER|ERROR|WIRE] [--fail-on-semver minor|wire|major] [--docs] [--verbose]\n      what a model update changes, how breaking it is, and its semver level (exit 0, 1 gate tripped, 2 bad input)\n  bench [--quick] [--codegen-only] [--runs N] [--requests N] [--rounds N] [--no-criterion] [--anchor DIR] [--work DIR]\n      ours against the official aws-sdk-ivs: codegen as users run it, clean builds, crates, binary size,\n      a typical service's marginal cost, per-request cost against the anchor and a floor (`cargo xtask bench --help`)\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--help` is an answer, not an error.
    if args.iter().any(|a| a == "--help" || a == "-h") {
        match args.first().map(String::as_str) {
            Some("bench") => println!("{}", bench::USAGE),
            Some("diff") => println!("{}", diff::USAGE),
            _ => print!("{USAGE}"),
        }
        return ExitCode::SUCCESS;
    }
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd::run(&args[1..]),
        // diff has its own exit codes (2 for bad input), so it reports its own errors.
        Some("diff") => return diff::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        _ => Err(String::from(USAGE)),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
