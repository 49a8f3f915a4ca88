//! `cargo xtask diff OLD NEW [--format text|json|markdown] [--fail-on LEVEL]
//! [--fail-on-semver LEVEL] [--docs] [--verbose]`
//!
//! Compares two Smithy JSON models and prints what changed, how badly, and what it does to the
//! generated crate's public API. As a CI gate it exits with:
//!
//! - 0: no change at the gate's level (or no gate asked for);
//! - 1: a gate tripped: `--fail-on LEVEL` found a change at or above NOTE, WARNING, DANGER or
//!   ERROR, or a wire-only break for `--fail-on WIRE`; `--fail-on-semver LEVEL` found a
//!   verdict at or above `minor`, `wire` or `major`;
//! - 2: bad arguments, an unreadable or unusable model, a failed write, or a semver gate that
//!   cannot be decided because a model cannot be generated (the report is printed first).
//!
//! A closed stdout (`diff A B | head -1`) ends the output quietly; the exit code is still the
//! gate's.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use codegen::diff::{self, Format, RenderOptions, Semver, Severity};

pub const USAGE: &str = "usage: cargo xtask diff OLD NEW [--format text|json|markdown] \
                         [--fail-on NOTE|WARNING|DANGER|ERROR|WIRE] \
                         [--fail-on-semver minor|wire|major] [--docs] [--verbose]\n\
                         exit: 0 no change at the gate's level, 1 gate tripped, 2 bad input or failure";

/// What `--fail-on` trips on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
    /// A model change at or above this severity.
    Severity(Severity),
    /// A wire-only break.
    Wire,
}

/// Parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    old: String,
    new: String,
    options: RenderOptions,
    fail_on: Option<FailOn>,
    fail_on_semver: Option<Semver>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut paths = Vec::new();
    let mut options = RenderOptions::default();
    let mut fail_on = None;
    let mut fail_on_semver = None;
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
                fail_on = Some(if v.eq_ignore_ascii_case("wire") {
                    FailOn::Wire
                } else {
                    FailOn::Severity(Severity::parse(&v).ok_or_else(|| {
                        format!(
                            "unknown level `{v}` for --fail-on: expected NOTE, WARNING, DANGER, \
                             ERROR or WIRE"
                        )
                    })?)
                });
            }
            "--fail-on-semver" => {
                let v = value("--fail-on-semver")?;
                fail_on_semver = Some(
                    Semver::parse(&v)
                        .filter(|s| *s != Semver::Patch)
                        .ok_or_else(|| {
                            format!(
                                "unknown level `{v}` for --fail-on-semver: expected minor, wire \
                                 or major"
                            )
                        })?,
                );
            }
            "--docs" => options.docs = true,
            "--verbose" | "-v" => options.verbose = true,
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
            fail_on_semver,
        }),
        Err(p) => Err(format!(
            "expected two model files, got {}\n{USAGE}",
            p.len()
        )),
    }
}

/// Runs `diff` with the arguments after the subcommand; prints the report to stdout.
pub fn run(args: &[String]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    ExitCode::from(execute(args, &mut out, &mut std::io::stderr()))
}

/// The whole command, writing the report to `out` and messages to `err`; returns the exit
/// code (0, 1 or 2).
fn execute(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut fail = |message: String| {
        let _ = writeln!(err, "error: {message}");
        2
    };
    let args = match parse(args) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let (old, new) = match (
        diff::load_model(Path::new(&args.old)),
        diff::load_model(Path::new(&args.new)),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return fail(e.to_string()),
    };
    let mut report = match diff::diff(&old, &new) {
        Ok(r) => r,
        Err(e) => {
            return fail(format!(
                "cannot compare `{}` and `{}`: {e}",
                args.old, args.new
            ))
        }
    };
    report.old.label = args.old.clone();
    report.new.label = args.new.clone();
    let text = diff::render(&report, args.options);
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A reader that stopped reading (`| head`) is not a failure of the diff.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail(format!("cannot write the report: {e}"));
        }
    }

    let mut tripped = Vec::new();
    match args.fail_on {
        Some(FailOn::Severity(level)) if report.has_at_least(level) => tripped.push(format!(
            "changes at or above {level} found (worst: {})",
            report.max_severity().map_or("none", Severity::as_str)
        )),
        Some(FailOn::Wire) if report.wire_breaks().next().is_some() => tripped.push(format!(
            "{} wire break(s) found",
            report.wire_breaks().count()
        )),
        _ => {}
    }
    if let Some(level) = args.fail_on_semver {
        match &report.api {
            Ok(api) if api.semver >= level => tripped.push(format!(
                "semver verdict {} is at or above {}",
                api.semver.as_str(),
                level.as_str()
            )),
            Ok(_) => {}
            Err(why) => return fail(format!("--fail-on-semver cannot be decided: {why}")),
        }
    }
    if tripped.is_empty() {
        return 0;
    }
    for t in tripped {
        let _ = writeln!(err, "diff: {t}");
    }
    1
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

    /// Exit code, stdout and stderr of one run.
    fn exec(args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = execute(&strings(args), &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn parses_flags_in_both_spellings() {
        let a = parse(&strings(&[
            "a.json",
            "--format=json",
            "b.json",
            "--fail-on",
            "danger",
            "--fail-on-semver=major",
            "--docs",
            "--verbose",
        ]))
        .unwrap();
        assert_eq!((a.old.as_str(), a.new.as_str()), ("a.json", "b.json"));
        assert_eq!(a.options.format, Format::Json);
        assert!(a.options.docs && a.options.verbose);
        assert_eq!(a.fail_on, Some(FailOn::Severity(Severity::Danger)));
        assert_eq!(a.fail_on_semver, Some(Semver::Major));
        let w = parse(&strings(&["a", "b", "--fail-on", "wire"])).unwrap();
        assert_eq!(w.fail_on, Some(FailOn::Wire));
    }

    #[test]
    fn bad_arguments_exit_2_with_a_message() {
        for (args, needle) in [
            (&["a.json"][..], "expected two model files"),
            (&["a", "b", "--format", "yaml"], "yaml"),
            (&["a", "b", "--fail-on"], "needs a value"),
            (&["a", "b", "--fail-on", "BAD"], "BAD"),
            (&["a", "b", "--fail-on-semver", "patch"], "patch"),
            (&["a", "b", "--fast"], "--fast"),
        ] {
            let (code, out, err) = exec(args);
            assert_eq!(code, 2, "{args:?}");
            assert!(out.is_empty());
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn missing_file_is_named_and_exits_2() {
        let (code, _, err) = exec(&["/nonexistent/old.json", "/nonexistent/new.json"]);
        assert_eq!(code, 2);
        assert!(err.contains("/nonexistent/old.json"), "{err}");
    }

    #[test]
    fn gates_set_the_exit_code() {
        let dir = model_dir();
        let old = format!("{dir}/history/ivs-2023-03.json");
        let new = format!("{dir}/ivs.json");
        let run = |extra: &[&str]| {
            let mut args = vec![old.as_str(), new.as_str(), "--format", "json"];
            args.extend_from_slice(extra);
            exec(&args).0
        };
        assert_eq!(run(&[]), 0);
        assert_eq!(run(&["--fail-on", "ERROR"]), 1);
        assert_eq!(run(&["--fail-on-semver", "major"]), 1);
        let (same, _, err) = exec(&[&old, &old, "--fail-on", "NOTE", "--fail-on-semver", "minor"]);
        assert_eq!(same, 0, "{err}");
    }

    #[test]
    fn a_closed_pipe_ends_quietly() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
        }
        let dir = model_dir();
        let old = format!("{dir}/history/ivs-2023-03.json");
        let new = format!("{dir}/ivs.json");
        let mut err = Vec::new();
        let code = execute(
            &strings(&[&old, &new, "--fail-on", "ERROR"]),
            &mut Closed,
            &mut err,
        );
        assert_eq!(code, 1, "{}", String::from_utf8_lossy(&err));
        assert!(!String::from_utf8_lossy(&err).contains("cannot write"));
    }
}
