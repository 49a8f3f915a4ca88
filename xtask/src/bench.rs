//! `cargo xtask bench`: our generated crate against the official aws-sdk-ivs (the anchor
//! program in `../shared/bench/aws-sdk-ivs-anchor/`), measured in one run, printed as tables
//! with both columns and the ratio.
//!
//! 1. the generator as users run it: wall time of `cargo xtask codegen` on a warm build in the
//!    default (debug) profile, median of N runs, and the first `cargo xtask codegen` of a fresh
//!    clone (an empty target directory, crates already downloaded: wall and CPU time);
//! 2. clean build time, debug and release, of `bench/ours/` and of a fresh copy of the anchor,
//!    each in a fresh `CARGO_TARGET_DIR`, dependencies included (wall time and the CPU time of
//!    cargo and its children, which noise from other processes on the machine moves less).
//!    Both with `CARGO_INCREMENTAL=0`: cargo compiles path dependencies incrementally, so
//!    `bench/ours` would pay incremental bookkeeping for `ivs` and `aws-lite-runtime` that the
//!    anchor's registry crates, and a user's registry or git dependency on ours, never pay;
//!    a clean build gains nothing from it;
//! 3. crates in the dependency graph (`cargo tree -e normal --prefix none`, deduplicated) and
//!    crates compiled by the clean build (build scripts and their dependencies included);
//! 4. stripped release binary size;
//! 5. a typical service, marginal cost (`bench/service/`): the same axum + reqwest service
//!    alone, with our client and with aws-sdk-ivs + aws-config; packages and clean build time
//!    (debug and release, `CARGO_INCREMENTAL=0`) that each client adds over the base;
//! 6. per-request client cost: ours, the anchor and the floor (`bench/floor/`: plain hyper and
//!    serde_json, no signing, endpoint rules or retries), each on a single-threaded tokio
//!    runtime, send ListChannels to the same keep-alive HTTP/1.1 server on 127.0.0.1 answering
//!    50 channels; requests per second and CPU time per request (getrusage), median of
//!    several rounds;
//! 7. serialization and deserialization of the largest IVS shapes (criterion, `bench/codec/`).
//!
//! The anchor's load program is measurement harness, written into the temporary copy at run
//! time (`anchor-load`, the same calls as `bench/ours` in its COUNT mode); the anchor's own code
//! is never committed here. The command prints figures and never fails on a time.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::codegen_cmd::root;

pub(crate) const USAGE: &str = r"usage: cargo xtask bench [--quick] [--codegen-only] [--runs N] [--requests N] [--rounds N] [--no-criterion] [--anchor DIR] [--work DIR]

Ours against the official aws-sdk-ivs in one run: the generator as users run it, clean
builds of the standalone programs and of a typical service (base, + ours, + aws-sdk-ivs),
crates, stripped size, per-request cost against the anchor and the floor (plain hyper +
serde_json), then criterion. Needs crates.io (`cargo fetch` runs first, untimed) and `strip`.
A full run takes about 40 minutes on 2 cores; run it on an otherwise idle machine.

  --quick         skip every clean build (the fresh clone's codegen, the standalone
                  programs, the typical service); report the warm codegen time, crates,
                  packages each client adds to the service, binary size and per-request
                  cost, reusing the work directory's release targets (built if missing)
  --codegen-only  only the generator figures (warm median; the fresh clone's first run
                  too unless --quick)
  --runs N        warm `cargo xtask codegen` runs (median; default 11)
  --requests N    ListChannels per round and program (default 2000)
  --rounds N      load rounds per program (median; default 5)
  --no-criterion  skip the criterion benchmarks of bench/codec
  --anchor DIR    the anchor program (default ../shared/bench/aws-sdk-ivs-anchor)
  --work DIR      scratch directory (default target/bench)";

struct Options {
    quick: bool,
    runs: usize,
    requests: u64,
    rounds: usize,
    criterion: bool,
    anchor: PathBuf,
    work: PathBuf,
    codegen_only: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let root = root();
    let mut o = Options {
        quick: false,
        runs: 11,
        requests: 2000,
        rounds: 5,
        criterion: true,
        anchor: root.join("../shared/bench/aws-sdk-ivs-anchor"),
        work: root.join("target/bench"),
        codegen_only: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} needs a positive number, not `{v}`"))
        };
        match a.as_str() {
            "--quick" => o.quick = true,
            "--no-criterion" => o.criterion = false,
            "--codegen-only" => o.codegen_only = true,
            "--runs" => o.runs = number(a, value(a)?)? as usize,
            "--requests" => o.requests = number(a, value(a)?)?,
            "--rounds" => o.rounds = number(a, value(a)?)? as usize,
            "--anchor" => o.anchor = PathBuf::from(value(a)?),
            "--work" => o.work = PathBuf::from(value(a)?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(o)
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let o = parse(args)?;
    std::fs::create_dir_all(&o.work)
        .map_err(|e| format!("cannot create {}: {e}", o.work.display()))?;
    let work = o.work.canonicalize().map_err(|e| e.to_string())?;

    // 1. the generator as users run it
    let generator = generator(&o, &work)?;
    if o.codegen_only {
        print_table(&MAIN_HEADER, &generator);
        return Ok(ExitCode::SUCCESS);
    }
    if !o.anchor.join("Cargo.toml").is_file() {
        return Err(format!(
            "no anchor program at {} (pass --anchor DIR)",
            o.anchor.display()
        ));
    }
    let mut rows = generator;

    // 2. clean builds. The anchor is copied fresh: its own Cargo.lock, nothing of it committed.
    let ours = Program::new("ours", root().join("bench/ours"), "bench-ours", &work);
    let anchor_dir = work.join("anchor-src");
    copy_dir(&o.anchor, &anchor_dir)?;
    let anchor = Program {
        locked: true,
        ..Program::new("anchor", anchor_dir.clone(), "anchor-aws-sdk-ivs", &work)
    };
    let floor = Program::new("floor", root().join("bench/floor"), "bench-floor", &work);
    let service_dir = root().join("bench/service");
    let service = [
        Program::new("service-base", service_dir.clone(), "service-base", &work),
        Program::new("service-ours", service_dir.clone(), "service-ours", &work),
        Program::new("service-anchor", service_dir, "service-anchor", &work),
    ];
    for p in [&ours, &anchor, &floor, &service[0]] {
        step(&format!(
            "cargo fetch ({}; downloads are not timed)",
            p.manifest_dir.display()
        ));
        p.cargo(&["fetch"], None)?;
    }
    let mut builds: Vec<(&str, Build, Build)> = Vec::new();
    let mut service_builds: Vec<(&str, [Build; 3])> = Vec::new();
    // --quick: only the release builds the later figures need, incremental.
    let profiles: &[(&str, bool)] = if o.quick {
        &[("release", true)]
    } else {
        &[("debug", false), ("release", true)]
    };
    for &(label, release) in profiles {
        let b_ours = ours.build(release, !o.quick)?;
        let b_anchor = anchor.build(release, !o.quick)?;
        builds.push((label, b_ours, b_anchor));
        if !o.quick {
            // Base, ours and the anchor one after another, so each pair sees the same machine.
            let [base, with_ours, with_anchor] = &service;
            service_builds.push((
                label,
                [
                    base.build(release, true)?,
                    with_ours.build(release, true)?,
                    with_anchor.build(release, true)?,
                ],
            ));
        }
    }
    if !o.quick {
        for (label, a, b) in &builds {
            let wall = (a.wall.as_secs_f64(), b.wall.as_secs_f64());
            rows.push(
                Row::new(
                    &format!("clean {label} build, wall (s)"),
                    Some(wall.0),
                    Some(wall.1),
                )
                .target(">= 4x faster", Some(wall.1 >= 4.0 * wall.0)),
            );
            let cpu = (a.cpu.as_secs_f64(), b.cpu.as_secs_f64());
            rows.push(
                Row::new(
                    &format!("clean {label} build, CPU user+sys (s)"),
                    Some(cpu.0),
                    Some(cpu.1),
                )
                .target(">= 4x less", Some(cpu.1 >= 4.0 * cpu.0)),
            );
        }
        let (_, a, b) = &builds[0];
        rows.push(Row::new(
            "crates compiled by the clean debug build (build deps too)",
            Some(a.compiled as f64),
            Some(b.compiled as f64),
        ));
    }

    // 3. dependency graph
    let graph = (ours.packages()?.len(), anchor.packages()?.len());
    rows.push(
        Row::new(
            "crates in the graph (cargo tree -e normal, dedup)",
            Some(graph.0 as f64),
            Some(graph.1 as f64),
        )
        .target("<= 1/3", Some(graph.0 * 3 <= graph.1)),
    );

    // 4. binary size
    let size = (ours.stripped_size()?, anchor.stripped_size()?);
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    rows.push(
        Row::new(
            "stripped release binary (MiB)",
            Some(mib(size.0)),
            Some(mib(size.1)),
        )
        .target("<= 1/2", Some(size.0 * 2 <= size.1)),
    );

    // 5. the typical service
    let service_rows = service_table(&service, &service_builds)?;

    // 6. per-request cost
    step("anchor load program (harness written into the temporary copy)");
    write_anchor_harness(&anchor_dir)?;
    anchor.cargo(
        &["build", "--release", "--bin", "anchor-load", "--locked"],
        Some(&anchor.target("release")),
    )?;
    floor.build(true, false)?;
    let server = Server::start()?;
    let endpoint = format!("http://{}", server.addr);
    let bins = [
        ours.target("release").join("release").join(ours.bin),
        anchor.target("release").join("release/anchor-load"),
        floor.target("release").join("release").join(floor.bin),
    ];
    let mut runs: [Vec<Load>; 3] = Default::default();
    step(&format!(
        "load: {} rounds x {} ListChannels (50 channels, {} bytes) per program (ours, anchor, floor)",
        o.rounds, o.requests, server.body_len
    ));
    for _ in 0..o.rounds {
        for (bin, runs) in bins.iter().zip(&mut runs) {
            runs.push(load_round(bin, &endpoint, o.requests)?);
        }
    }
    let load_rows = load_table(&runs);

    print_table(&MAIN_HEADER, &rows);
    print_table(&SERVICE_HEADER, &service_rows);
    print_table(&LOAD_HEADER, &load_rows);

    // 7. criterion
    if o.criterion {
        step("criterion: bench/codec (serialization and deserialization of the largest shapes)");
        criterion(&work)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn step(what: &str) {
    eprintln!("==> {what}");
}

// ---------------------------------------------------------------------------------------------
// 1. the generator as users run it

/// `cargo xtask codegen` as a user types it (into a scratch directory, so the repository's
/// `generated/` is never touched), warm `runs` times, then, unless `--quick`, once more as a
/// fresh clone's first run: an empty target directory, crates already downloaded.
fn generator(o: &Options, work: &Path) -> Result<Vec<Row>, String> {
    let out = work.join("codegen-out");
    step("cargo xtask codegen, warm build (default profile; the first run is not timed)");
    xtask_codegen(&out, None)?;
    let (mut ms, mut cpu_ms) = (Vec::with_capacity(o.runs), Vec::with_capacity(o.runs));
    for _ in 0..o.runs {
        let (cpu0, start) = (children_cpu(), Instant::now());
        xtask_codegen(&out, None)?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu_ms.push(children_cpu().saturating_sub(cpu0).as_secs_f64() * 1000.0);
    }
    let warm = median(&ms);
    eprintln!(
        "    median {warm:.0} ms (min {:.0}, max {:.0}, {} runs), CPU median {:.0} ms",
        ms.iter().cloned().fold(f64::INFINITY, f64::min),
        ms.iter().cloned().fold(0.0, f64::max),
        ms.len(),
        median(&cpu_ms)
    );
    let mut rows = vec![
        Row::new(
            &format!(
                "`cargo xtask codegen`, warm build, wall (ms, median of {})",
                o.runs
            ),
            Some(warm),
            None,
        )
        .target("< 1000 ms", Some(warm < 1000.0)),
        // Steadier than the wall time on a shared machine: cargo's check and the generator.
        Row::new(
            "`cargo xtask codegen`, warm build, CPU user+sys (ms, median)",
            Some(median(&cpu_ms)),
            None,
        ),
    ];
    if !o.quick {
        step("cargo xtask codegen of a fresh clone (empty target directory, crates downloaded)");
        let target = work.join("codegen-cold-target");
        if target.exists() {
            std::fs::remove_dir_all(&target)
                .map_err(|e| format!("cannot empty {}: {e}", target.display()))?;
        }
        let (cpu0, start) = (children_cpu(), Instant::now());
        xtask_codegen(&out, Some(&target))?;
        let (wall, cpu) = (start.elapsed(), children_cpu().saturating_sub(cpu0));
        eprintln!(
            "    {:.1} s wall, {:.1} s CPU",
            wall.as_secs_f64(),
            cpu.as_secs_f64()
        );
        rows.push(Row::new(
            "first `cargo xtask codegen` of a fresh clone, wall (s)",
            Some(wall.as_secs_f64()),
            None,
        ));
        rows.push(Row::new(
            "first `cargo xtask codegen` of a fresh clone, CPU user+sys (s)",
            Some(cpu.as_secs_f64()),
            None,
        ));
    }
    Ok(rows)
}

/// Runs `cargo xtask codegen --out OUT` from the repository root, in the environment this
/// command was started with (a user's), in `target` when given.
fn xtask_codegen(out: &Path, target: Option<&Path>) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.args(["xtask", "codegen", "--out"])
        .arg(out)
        .current_dir(root())
        .stdin(Stdio::null());
    if let Some(t) = target {
        cmd.env("CARGO_TARGET_DIR", t);
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo xtask codegen: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo xtask codegen --out {}` failed:\n{}",
            out.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2.-4. builds, graph, size

struct Program {
    name: &'static str,
    manifest_dir: PathBuf,
    bin: &'static str,
    locked: bool,
    work: PathBuf,
}

struct Build {
    wall: Duration,
    cpu: Duration,
    compiled: usize,
}

impl Program {
    /// A program whose package and binary are both named `bin`, in the workspace at
    /// `manifest_dir`, resolved (not `--locked`: our path crates change under it).
    fn new(name: &'static str, manifest_dir: PathBuf, bin: &'static str, work: &Path) -> Self {
        Program {
            name,
            manifest_dir,
            bin,
            locked: false,
            work: work.to_path_buf(),
        }
    }

    fn target(&self, profile: &str) -> PathBuf {
        self.work.join(format!("{}-target-{profile}", self.name))
    }

    /// Runs cargo in the program's directory; returns its stderr.
    fn cargo(&self, args: &[&str], target: Option<&Path>) -> Result<String, String> {
        let mut cmd = Command::new(cargo());
        cmd.args(args).current_dir(&self.manifest_dir);
        if let Some(t) = target {
            cmd.env("CARGO_TARGET_DIR", t);
        }
        // Each program is a workspace of its own; do not let ours inherit xtask's settings.
        // Incremental off for both: see the module documentation.
        cmd.env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET")
            .env("CARGO_INCREMENTAL", "0");
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() {
            return Err(format!(
                "`cargo {}` failed in {}:\n{stderr}",
                args.join(" "),
                self.manifest_dir.display()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &stderr)
    }

    fn locked<'a>(&self, args: &[&'a str]) -> Vec<&'a str> {
        let mut v = args.to_vec();
        if self.locked {
            v.push("--locked");
        }
        v
    }

    /// Builds the program (release or debug); with `clean`, in a target directory emptied
    /// first, timed.
    fn build(&self, release: bool, clean: bool) -> Result<Build, String> {
        let profile = if release { "release" } else { "debug" };
        let target = self.target(profile);
        if clean && target.exists() {
            std::fs::remove_dir_all(&target)
                .map_err(|e| format!("cannot empty {}: {e}", target.display()))?;
        }
        step(&format!(
            "{} {profile} build of {} ({})",
            if clean { "clean" } else { "incremental" },
            self.name,
            self.manifest_dir.display()
        ));
        let mut args = vec!["build", "-p", self.bin, "--bin", self.bin];
        if release {
            args.push("--release");
        }
        let args = self.locked(&args);
        let (cpu0, start) = (children_cpu(), Instant::now());
        let log = self.cargo(&args, Some(&target))?;
        let (wall, cpu) = (start.elapsed(), children_cpu().saturating_sub(cpu0));
        let compiled = log
            .lines()
            .filter(|l| l.trim_start().starts_with("Compiling "))
            .count();
        eprintln!(
            "    {:.1} s wall, {:.1} s CPU, {compiled} crates compiled",
            wall.as_secs_f64(),
            cpu.as_secs_f64()
        );
        Ok(Build {
            wall,
            cpu,
            compiled,
        })
    }

    /// Distinct packages (name and version) in the normal dependency graph, the program
    /// itself included.
    fn packages(&self) -> Result<BTreeSet<String>, String> {
        let args = self.locked(&[
            "tree", "-p", self.bin, "-e", "normal", "--prefix", "none", "--quiet",
        ]);
        let out = self.cargo(&args, None)?;
        Ok(parse_packages(&out))
    }

    /// Size of the release binary after `strip` (the unstripped size when `strip` is missing).
    fn stripped_size(&self) -> Result<u64, String> {
        let bin = self.target("release").join("release").join(self.bin);
        let stripped = self.work.join(format!("{}.stripped", self.name));
        let ok = Command::new("strip")
            .arg("-o")
            .arg(&stripped)
            .arg(&bin)
            .status()
            .is_ok_and(|s| s.success());
        let file = if ok {
            &stripped
        } else {
            eprintln!("    warning: `strip` failed or is missing; reporting the unstripped size");
            &bin
        };
        std::fs::metadata(file)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", file.display()))
    }
}

/// The package lines of `cargo tree --prefix none` (`name vX.Y.Z`, a path for local ones),
/// without the repeat and proc-macro marks.
fn parse_packages(tree: &str) -> BTreeSet<String> {
    tree.lines()
        .map(|l| {
            l.trim_end_matches(" (*)")
                .trim_end_matches(" (proc-macro)")
                .trim()
        })
        .filter(|l| {
            // `name vX.Y.Z ...`: what cargo might print besides (warnings) is not a package.
            l.split_once(" v").is_some_and(|(name, rest)| {
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    && rest.starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .map(str::to_owned)
        .collect()
}

/// Copies a directory tree (files made writable, so the next run can replace them).
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(|e| format!("cannot remove {}: {e}", to.display()))?;
    }
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for e in entries {
        let e = e.map_err(|e| e.to_string())?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_name() == "target" {
            continue;
        }
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
            let mut perms = std::fs::metadata(&dst)
                .map_err(|e| e.to_string())?
                .permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&dst, perms).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. a typical service, marginal cost

/// Rows of the typical-service table: packages of the base and added by each client, and,
/// after a full run, each profile's clean build (base, then what each client adds).
fn service_table(
    service: &[Program; 3],
    builds: &[(&str, [Build; 3])],
) -> Result<Vec<Vec<String>>, String> {
    let is_program = |p: &String| p.starts_with("service-");
    let mut sets = Vec::new();
    for p in service {
        let set: BTreeSet<String> = p
            .packages()?
            .into_iter()
            .filter(|p| !is_program(p))
            .collect();
        sets.push(set);
    }
    let added = |i: usize| sets[i].difference(&sets[0]).count() as f64;
    for (i, who) in [(1, "ours"), (2, "aws-sdk-ivs + aws-config")] {
        let names: Vec<&str> = sets[i]
            .difference(&sets[0])
            .map(|p| p.split(' ').next().unwrap_or(p))
            .collect();
        eprintln!(
            "    packages {who} adds to the service: {}",
            names.join(" ")
        );
    }
    let mut rows = vec![marginal_row(
        "packages (cargo tree -e normal, dedup)",
        sets[0].len() as f64,
        added(1),
        added(2),
        None,
    )];
    for (label, [base, ours, anchor]) in builds {
        let wall = |b: &Build| b.wall.as_secs_f64();
        let cpu = |b: &Build| b.cpu.as_secs_f64();
        rows.push(marginal_row(
            &format!("clean {label} build, wall (s)"),
            wall(base),
            wall(ours) - wall(base),
            wall(anchor) - wall(base),
            None,
        ));
        rows.push(marginal_row(
            &format!("clean {label} build, CPU user+sys (s)"),
            cpu(base),
            cpu(ours) - cpu(base),
            cpu(anchor) - cpu(base),
            Some(("<= 1/20", 0.05)),
        ));
    }
    Ok(rows)
}

const SERVICE_HEADER: [&str; 7] = [
    "typical service (axum, tokio, serde, serde_json, reqwest + rustls, tracing)",
    "base",
    "added by ours",
    "added by aws-sdk-ivs (anchor)",
    "ours added / anchor added",
    "target",
    "met",
];

/// One row of the typical-service table; `target` is the largest ratio that meets it.
fn marginal_row(
    label: &str,
    base: f64,
    ours: f64,
    anchor: f64,
    target: Option<(&str, f64)>,
) -> Vec<String> {
    let ratio = ours / anchor;
    let ratio_text = if anchor > 0.0 {
        format!("{ratio:.3}")
    } else {
        "-".to_owned()
    };
    let (target, met) = match target {
        Some((what, max)) if anchor > 0.0 => (what, if ratio <= max { "yes" } else { "NO" }),
        Some((what, _)) => (what, "-"),
        None => ("", ""),
    };
    vec![
        label.to_owned(),
        num(Some(base)),
        num(Some(ours)),
        num(Some(anchor)),
        ratio_text,
        target.to_owned(),
        met.to_owned(),
    ]
}

// ---------------------------------------------------------------------------------------------
// 6. per-request cost

const LOAD_HEADER: [&str; 8] = [
    "per request (ListChannels, 50 channels, one core)",
    "ours",
    "aws-sdk-ivs (anchor)",
    "floor (hyper + serde_json)",
    "ours / anchor",
    "ours / floor",
    "target",
    "met",
];

/// Rows of the per-request table from the rounds of ours, the anchor and the floor (medians).
fn load_table(runs: &[Vec<Load>; 3]) -> Vec<Vec<String>> {
    let rps: Vec<f64> = runs
        .iter()
        .map(|r| median(&r.iter().map(|l| l.rps).collect::<Vec<_>>()))
        .collect();
    let cpu: Vec<f64> = runs
        .iter()
        .map(|r| median(&r.iter().map(|l| l.cpu_us).collect::<Vec<_>>()))
        .collect();
    let row = |label: &str, v: &[f64], target: &str, met: bool| {
        vec![
            label.to_owned(),
            num(Some(v[0])),
            num(Some(v[1])),
            num(Some(v[2])),
            format!("{:.2}", v[0] / v[1]),
            format!("{:.2}", v[0] / v[2]),
            target.to_owned(),
            if met { "yes" } else { "NO" }.to_owned(),
        ]
    };
    vec![
        row("requests/s", &rps, ">= anchor", rps[0] >= rps[1]),
        row(
            "client CPU time per request (us)",
            &cpu,
            "<= 0.5 x anchor",
            cpu[0] <= 0.5 * cpu[1],
        ),
    ]
}

/// The anchor-side twin of `bench/ours`' COUNT mode: the same configuration as the anchor's
/// `main.rs`, a single-threaded runtime, warm-up, then COUNT sequential ListChannels.
const ANCHOR_HARNESS: &str = r#"// Measurement harness written by `cargo xtask bench`; not part of the anchor program.
use aws_config::BehaviorVersion;
use aws_sdk_ivs::config::{Credentials, Region};
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().expect("ENDPOINT");
    let count: u64 = args.next().expect("COUNT").parse().expect("COUNT");
    let creds = Credentials::new("AKIDTEST", "secret-test", None, None, "static-test");
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .credentials_provider(creds)
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_ivs::Client::new(&config);
    let mut channels = 0;
    for _ in 0..count.div_ceil(10) {
        channels += client.list_channels().send().await.expect("warm-up").channels.len();
    }
    let (wall, cpu0) = (Instant::now(), rusage_cpu(0).expect("getrusage"));
    for _ in 0..count {
        let out = client.list_channels().send().await.expect("ListChannels");
        channels += out.channels.len();
    }
    let (wall, cpu) = (wall.elapsed(), rusage_cpu(0).expect("getrusage") - cpu0);
    println!(
        "requests={count} wall_ns={} cpu_ns={} channels={channels}",
        wall.as_nanos(),
        cpu.as_nanos()
    );
}
"#;

fn write_anchor_harness(dir: &Path) -> Result<(), String> {
    let bin = dir.join("src/bin");
    std::fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let harness = format!(
        "{ANCHOR_HARNESS}\n{}",
        include_str!("../../bench/cpu_time.rs")
    );
    std::fs::write(bin.join("anchor-load.rs"), harness).map_err(|e| e.to_string())
}

struct Load {
    rps: f64,
    cpu_us: f64,
}

fn load_round(bin: &Path, endpoint: &str, requests: u64) -> Result<Load, String> {
    let out = Command::new(bin)
        .args([endpoint, &requests.to_string()])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (Some(wall), Some(cpu), Some(channels)) = (
        field(&text, "wall_ns="),
        field(&text, "cpu_ns="),
        field(&text, "channels="),
    ) else {
        return Err(format!(
            "{} failed: {text}{}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    };
    let expected = (requests + requests.div_ceil(10)) * 50;
    if channels as u64 != expected {
        return Err(format!(
            "{} parsed {channels} channels, expected {expected}",
            bin.display()
        ));
    }
    Ok(Load {
        rps: requests as f64 / (wall / 1e9),
        cpu_us: cpu / 1e3 / requests as f64,
    })
}

/// The canned ListChannels answer: 50 channel summaries, every member set.
fn list_channels_body() -> String {
    let channels: Vec<String> = (0..50)
        .map(|i| {
            format!(
                r#"{{"arn":"arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH{i:04}","name":"channel-{i}","latencyMode":"LOW","authorized":false,"recordingConfigurationArn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/ABCD{i:04}","tags":{{"team":"video","env":"bench"}},"insecureIngest":false,"type":"STANDARD","preset":"","playbackRestrictionPolicyArn":"arn:aws:ivs:us-west-2:123456789012:playback-restriction-policy/PRP{i:04}"}}"#
            )
        })
        .collect();
    format!(r#"{{"channels":[{}]}}"#, channels.join(","))
}

/// A tiny HTTP/1.1 keep-alive server on 127.0.0.1 answering every request with the canned
/// ListChannels body; one thread per connection.
struct Server {
    addr: std::net::SocketAddr,
    body_len: usize,
}

impl Server {
    fn start() -> Result<Server, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let body = list_channels_body();
        let response: &'static [u8] = Box::leak(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 x-amzn-RequestId: 11111111-2222-3333-4444-555555555555\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
            .into_boxed_slice(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve(stream, response));
            }
        });
        Ok(Server {
            addr,
            body_len: body.len(),
        })
    }
}

fn serve(stream: TcpStream, response: &[u8]) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        // Request line and headers.
        let mut length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" && !first {
                break;
            }
            first = false;
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() || writer.write_all(response).is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6. criterion

fn criterion(work: &Path) -> Result<(), String> {
    let status = Command::new(cargo())
        .args([
            "bench",
            "--quiet",
            "--bench",
            "codec",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
        ])
        .current_dir(root().join("bench/codec"))
        .env("CARGO_TARGET_DIR", work.join("codec-target"))
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err("cargo bench in bench/codec failed".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// table and helpers

struct Row {
    label: String,
    ours: Option<f64>,
    anchor: Option<f64>,
    target: Option<(&'static str, Option<bool>)>,
}

impl Row {
    fn new(label: &str, ours: Option<f64>, anchor: Option<f64>) -> Row {
        Row {
            label: label.to_owned(),
            ours,
            anchor,
            target: None,
        }
    }

    fn target(mut self, what: &'static str, met: Option<bool>) -> Row {
        self.target = Some((what, met));
        self
    }
}

const MAIN_HEADER: [&str; 6] = [
    "figure",
    "ours",
    "aws-sdk-ivs (anchor)",
    "ours / anchor",
    "target",
    "met",
];

impl Row {
    fn cells(&self) -> Vec<String> {
        let ratio = match (self.ours, self.anchor) {
            (Some(a), Some(b)) if b != 0.0 => format!("{:.2}", a / b),
            _ => "-".to_owned(),
        };
        let (target, met) = match self.target {
            Some((t, Some(true))) => (t, "yes"),
            Some((t, Some(false))) => (t, "NO"),
            Some((t, None)) => (t, "-"),
            None => ("", ""),
        };
        vec![
            self.label.clone(),
            num(self.ours),
            num(self.anchor),
            ratio,
            target.to_owned(),
            met.to_owned(),
        ]
    }
}

/// A figure with three significant digits or so.
fn num(v: Option<f64>) -> String {
    match v {
        None => "-".to_owned(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// Prints a Markdown table: the first column left-aligned, the others right-aligned except
/// the last two (target and met).
fn print_table<R: TableRow>(header: &[&str], rows: &[R]) {
    if rows.is_empty() {
        return;
    }
    let n = header.len();
    println!();
    println!("| {} |", header.join(" | "));
    let align: Vec<&str> = (0..n)
        .map(|i| if i == 0 || i + 2 >= n { "---" } else { "---:" })
        .collect();
    println!("| {} |", align.join(" | "));
    for r in rows {
        println!("| {} |", r.to_cells().join(" | "));
    }
    println!();
}

trait TableRow {
    fn to_cells(&self) -> Vec<String>;
}

impl TableRow for Row {
    fn to_cells(&self) -> Vec<String> {
        self.cells()
    }
}

impl TableRow for Vec<String> {
    fn to_cells(&self) -> Vec<String> {
        self.clone()
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The number after `key` in `text` (`key` like `median=`).
fn field(text: &str, key: &str) -> Option<f64> {
    let start = text.find(key)? + key.len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

include!("../../bench/cpu_time.rs");

/// User plus system CPU time of the waited-for children of this process (zero if unknown).
fn children_cpu() -> Duration {
    rusage_cpu(-1).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_body_has_fifty_channels() {
        let v: serde_json::Value = serde_json::from_str(&list_channels_body()).unwrap();
        assert_eq!(v["channels"].as_array().unwrap().len(), 50);
    }

    #[test]
    fn packages_of_a_tree() {
        let tree = "service-ours v0.1.0 (/r/bench/service/ours)\nivs v0.1.0 (/r/generated/ivs)\n\
                    tokio v1.54.1\ntokio v1.54.1 (*)\ntokio-macros v2.6.0 (proc-macro)\n\
                    warning: something cargo said\n\n";
        let got: Vec<String> = parse_packages(tree).into_iter().collect();
        assert_eq!(
            got,
            [
                "ivs v0.1.0 (/r/generated/ivs)",
                "service-ours v0.1.0 (/r/bench/service/ours)",
                "tokio v1.54.1",
                "tokio-macros v2.6.0"
            ]
        );
    }

    #[test]
    fn marginal_rows_compare_what_each_client_adds() {
        let row = marginal_row("cpu", 50.0, 4.0, 100.0, Some(("<= 1/20", 0.05)));
        assert_eq!(
            row,
            ["cpu", "50.0", "4.00", "100", "0.040", "<= 1/20", "yes"]
        );
        let row = marginal_row("cpu", 50.0, 6.0, 100.0, Some(("<= 1/20", 0.05)));
        assert_eq!(row[4..], ["0.060", "<= 1/20", "NO"]);
        // Nothing added by the anchor (noise): no ratio, no verdict.
        assert_eq!(
            marginal_row("x", 1.0, 1.0, 0.0, Some(("t", 0.05)))[4..],
            ["-", "t", "-"]
        );
    }

    #[test]
    fn load_table_has_both_ratios() {
        let load = |rps, cpu_us| vec![Load { rps, cpu_us }];
        let rows = load_table(&[
            load(3000.0, 200.0),
            load(2000.0, 400.0),
            load(6000.0, 100.0),
        ]);
        assert_eq!(rows[0][1..6], ["3000", "2000", "6000", "1.50", "0.50"]);
        assert_eq!(
            rows[1][1..8],
            [
                "200",
                "400",
                "100",
                "0.50",
                "2.00",
                "<= 0.5 x anchor",
                "yes"
            ]
        );
    }

    #[test]
    fn fields_and_medians() {
        assert_eq!(
            field("requests=5 wall_ns=120 cpu_ns=7", "wall_ns="),
            Some(120.0)
        );
        assert_eq!(field("median=1.5 min=1", "median="), Some(1.5));
        assert_eq!(field("nothing", "median="), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn server_answers_keep_alive_requests() {
        let server = Server::start().unwrap();
        let mut s = TcpStream::connect(server.addr).unwrap();
        let mut reader = BufReader::new(s.try_clone().unwrap());
        for _ in 0..2 {
            s.write_all(b"POST /ListChannels HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                .unwrap();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            assert_eq!(body.len(), server.body_len);
        }
    }
}
