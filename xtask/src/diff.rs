//! `cargo xtask diff OLD NEW [--format text|json|markdown] [--fail-on LEVEL] [--docs]`
//!
//! Compares two Smithy JSON models and prints what changed, how badly, and what it does to the
//! generated crate's public API. With `--fail-on LEVEL` the exit code is 1 when a change at or
//! above LEVEL (NOTE, WARNING, DANGER, ERROR) exists, so CI can gate model updates.

use std::path::Path;
use std::process::ExitCode;

use codegen::diff::{self, Format, RenderOptions, Severity};

const USAGE: &str = "usage: cargo xtask diff OLD NEW [--format text|json|markdown] \
                     [--fail-on NOTE|WARNING|DANGER|ERROR] [--docs]";

/// Parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    old: String,
    new: String,
    options: RenderOptions,
    fail_on: Option<Severity>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut paths = Vec::new();
    let mut options = RenderOptions::default();
    let mut fail_on = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // `--flag value` and `--flag=value` both work.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) => Ok(v),
                None => Err(format!("{name} needs a value\n{USAGE}")),
            }
        };
        match flag {
            "--format" => {
                let v = value("--format")?;
                options.format = Format::parse(&v).ok_or_else(|| {
                    format!("unknown format `{v}`: expected text, json or markdown")
                })?;
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                fail_on = Some(Severity::parse(&v).ok_or_else(|| {
                    format!("unknown level `{v}`: expected NOTE, WARNING, DANGER or ERROR")
                })?);
            }
            "--docs" => options.docs = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            f if f.starts_with("--") => return Err(format!("unknown option `{f}`\n{USAGE}")),
            _ => paths.push(arg.clone()),
        }
    }
    match <[String; 2]>::try_from(paths) {
        Ok([old, new]) => Ok(Args {
            old,
            new,
            options,
            fail_on,
        }),
        Err(p) => Err(format!(
            "expected two model files, got {}\n{USAGE}",
            p.len()
        )),
    }
}

/// Runs `diff` with the arguments after the subcommand; prints the report to stdout.
///
/// Returns exit code 1 when `--fail-on` finds a change at or above its level, and an error
/// naming the file for unreadable or unusable models.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let args = parse(args)?;
    let old = diff::load_model(Path::new(&args.old)).map_err(|e| e.to_string())?;
    let new = diff::load_model(Path::new(&args.new)).map_err(|e| e.to_string())?;
    let mut report = diff::diff(&old, &new)
        .map_err(|e| format!("cannot compare `{}` and `{}`: {e}", args.old, args.new))?;
    report.old.label = args.old.clone();
    report.new.label = args.new.clone();
    print!("{}", diff::render(&report, args.options));
    if let Some(level) = args.fail_on {
        if report.has_at_least(level) {
            eprintln!(
                "diff: changes at or above {level} found (worst: {})",
                report.max_severity().map_or("none", Severity::as_str)
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    fn model_dir() -> String {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../model").to_owned()
    }

    #[test]
    fn parses_flags_in_both_spellings() {
        let a = parse(&strings(&[
            "a.json",
            "--format=json",
            "b.json",
            "--fail-on",
            "danger",
            "--docs",
        ]))
        .unwrap();
        assert_eq!((a.old.as_str(), a.new.as_str()), ("a.json", "b.json"));
        assert_eq!(a.options.format, Format::Json);
        assert!(a.options.docs);
        assert_eq!(a.fail_on, Some(Severity::Danger));
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(&strings(&["a.json"]))
            .unwrap_err()
            .contains("expected two model files"));
        assert!(parse(&strings(&["a", "b", "--format", "yaml"]))
            .unwrap_err()
            .contains("yaml"));
        assert!(parse(&strings(&["a", "b", "--fail-on"]))
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse(&strings(&["a", "b", "--fast"]))
            .unwrap_err()
            .contains("--fast"));
    }

    #[test]
    fn missing_file_is_named() {
        let err = run(&strings(&[
            "/nonexistent/old.json",
            "/nonexistent/new.json",
        ]))
        .unwrap_err();
        assert!(err.contains("/nonexistent/old.json"), "{err}");
    }

    #[test]
    fn fail_on_sets_the_exit_code() {
        let dir = model_dir();
        let old = format!("{dir}/history/ivs-2023-03.json");
        let new = format!("{dir}/ivs.json");
        let code = run(&strings(&[
            &old,
            &new,
            "--fail-on",
            "ERROR",
            "--format",
            "json",
        ]))
        .unwrap();
        assert_eq!(format!("{code:?}"), format!("{:?}", ExitCode::from(1)));
        let same = run(&strings(&[&old, &old, "--fail-on", "NOTE"])).unwrap();
        assert_eq!(format!("{same:?}"), format!("{:?}", ExitCode::SUCCESS));
    }
}
