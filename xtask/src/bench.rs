//! `cargo xtask bench`: our generated crate against the official aws-sdk-ivs (the anchor
//! program in `../shared/bench/aws-sdk-ivs-anchor/`), measured in one run, printed as a table
//! with both columns and the ratio.
//!
//! 1. code generation time of `model/ivs.json` (release xtask, in-process, median of N runs);
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
//! 5. per-request client cost: both programs, each on a single-threaded tokio runtime, send
//!    ListChannels to the same keep-alive HTTP/1.1 server on 127.0.0.1 answering 50 channels;
//!    requests per second and CPU time per request (getrusage), median of several rounds;
//! 6. serialization and deserialization of the largest IVS shapes (criterion, `bench/codec/`).
//!
//! The anchor's load program is measurement harness, written into the temporary copy at run
//! time (`anchor-load`, the same calls as `bench/ours` in its COUNT mode); the anchor's own code
//! is never committed here. The command prints figures and never fails on a time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::codegen_cmd::root;

pub(crate) const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--codegen-only] [--runs N] [--requests N] \
[--rounds N] [--no-criterion] [--anchor DIR] [--work DIR]\n\
  --quick         skip the clean builds (reuse the work directory's targets)\n\
  --codegen-only  only time code generation (run it in a release xtask for the real figure)\n\
  --runs N        code generation runs (median; default 11)\n\
  --requests N    ListChannels per round and program (default 2000)\n\
  --rounds N      load rounds per program (median; default 5)\n\
  --no-criterion  skip the criterion benchmarks of bench/codec\n\
  --anchor DIR    the anchor program (default ../shared/bench/aws-sdk-ivs-anchor)\n\
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
    if o.codegen_only {
        let ms = codegen_times(o.runs)?;
        println!(
            "codegen_ms median={:.3} min={:.3} max={:.3} runs={}",
            median(&ms),
            ms.iter().cloned().fold(f64::INFINITY, f64::min),
            ms.iter().cloned().fold(0.0, f64::max),
            ms.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !o.anchor.join("Cargo.toml").is_file() {
        return Err(format!(
            "no anchor program at {} (pass --anchor DIR)",
            o.anchor.display()
        ));
    }
    std::fs::create_dir_all(&o.work)
        .map_err(|e| format!("cannot create {}: {e}", o.work.display()))?;
    let work = o.work.canonicalize().map_err(|e| e.to_string())?;
    let mut rows = Vec::new();

    // 1. code generation
    step("code generation (release xtask, in-process)");
    let codegen = codegen_release(o.runs)?;
    rows.push(
        Row::new("codegen time, median of runs (ms)", Some(codegen), None)
            .target("< 50 ms", Some(codegen < 50.0)),
    );

    // 2. clean builds. The anchor is copied fresh: its own Cargo.lock, nothing of it committed.
    let ours = Program {
        name: "ours",
        manifest_dir: root().join("bench/ours"),
        bin: "bench-ours",
        locked: false,
        work: work.clone(),
    };
    let anchor_dir = work.join("anchor-src");
    copy_dir(&o.anchor, &anchor_dir)?;
    let anchor = Program {
        name: "anchor",
        manifest_dir: anchor_dir.clone(),
        bin: "anchor-aws-sdk-ivs",
        locked: true,
        work: work.clone(),
    };
    for p in [&ours, &anchor] {
        step(&format!(
            "cargo fetch ({}; downloads are not timed)",
            p.name
        ));
        p.cargo(&["fetch"], None)?;
    }
    let mut builds: Vec<(&str, Build, Build)> = Vec::new();
    // --quick: only the release builds the later figures need, incremental.
    let profiles: &[(&str, bool)] = if o.quick {
        &[("release", true)]
    } else {
        &[("debug", false), ("release", true)]
    };
    for &(label, profile) in profiles {
        let b_ours = ours.build(profile, !o.quick)?;
        let b_anchor = anchor.build(profile, !o.quick)?;
        builds.push((label, b_ours, b_anchor));
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
    let graph = (ours.crate_count()?, anchor.crate_count()?);
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

    // 5. per-request cost
    step("anchor load program (harness written into the temporary copy)");
    write_anchor_harness(&anchor_dir)?;
    anchor.cargo(
        &["build", "--release", "--bin", "anchor-load", "--locked"],
        Some(&anchor.target("release")),
    )?;
    let server = Server::start()?;
    let endpoint = format!("http://{}", server.addr);
    let ours_bin = ours.target("release").join("release").join(ours.bin);
    let anchor_bin = anchor.target("release").join("release/anchor-load");
    let (mut ours_runs, mut anchor_runs) = (Vec::new(), Vec::new());
    step(&format!(
        "load: {} rounds x {} ListChannels (50 channels, {} bytes) per program",
        o.rounds, o.requests, server.body_len
    ));
    for _ in 0..o.rounds {
        ours_runs.push(load_round(&ours_bin, &endpoint, o.requests)?);
        anchor_runs.push(load_round(&anchor_bin, &endpoint, o.requests)?);
    }
    let rps = |runs: &[Load]| median(&runs.iter().map(|r| r.rps).collect::<Vec<_>>());
    let cpu = |runs: &[Load]| median(&runs.iter().map(|r| r.cpu_us).collect::<Vec<_>>());
    let (r_ours, r_anchor) = (rps(&ours_runs), rps(&anchor_runs));
    rows.push(
        Row::new(
            "ListChannels (50 channels) requests/s, one core",
            Some(r_ours),
            Some(r_anchor),
        )
        .target(">= anchor", Some(r_ours >= r_anchor)),
    );
    let (c_ours, c_anchor) = (cpu(&ours_runs), cpu(&anchor_runs));
    rows.push(
        Row::new(
            "client CPU time per request (us)",
            Some(c_ours),
            Some(c_anchor),
        )
        .target("<= anchor", Some(c_ours <= c_anchor)),
    );

    print_table(&rows);

    // 6. criterion
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
// 1. code generation

/// Runs the generator in-process `runs` times on `model/ivs.json` (reading the model files
/// included, writing excluded), returning milliseconds per run.
fn codegen_times(runs: usize) -> Result<Vec<f64>, String> {
    let args = crate::codegen_cmd::parse_args(&[])?;
    let mut ms = Vec::with_capacity(runs);
    crate::codegen_cmd::generate(&args)?; // warm the page cache
    for _ in 0..runs {
        let start = Instant::now();
        let files = crate::codegen_cmd::generate(&args)?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(files);
    }
    Ok(ms)
}

/// The generator's time as a release build: in-process when this xtask is one, else through
/// the release xtask binary (built first).
fn codegen_release(runs: usize) -> Result<f64, String> {
    if !cfg!(debug_assertions) {
        return Ok(median(&codegen_times(runs)?));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let status = Command::new(cargo())
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p xtask failed".into());
    }
    let out = Command::new(target.join("release/xtask"))
        .args(["bench", "--codegen-only", "--runs", &runs.to_string()])
        .output()
        .map_err(|e| format!("cannot run the release xtask: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    field(&text, "median=").ok_or_else(|| format!("unexpected output of the release xtask: {text}"))
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
        let mut args = vec!["build", "--bin", self.bin];
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

    /// Distinct packages in the normal dependency graph, the program itself included.
    fn crate_count(&self) -> Result<usize, String> {
        let args = self.locked(&["tree", "-e", "normal", "--prefix", "none", "--quiet"]);
        let out = self.cargo(&args, None)?;
        let mut names: Vec<&str> = out
            .lines()
            .map(|l| l.trim_end_matches(" (*)").trim_end_matches(" (proc-macro)"))
            .filter(|l| !l.trim().is_empty() && !l.starts_with(' '))
            .collect();
        names.sort_unstable();
        names.dedup();
        Ok(names.len())
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
// 5. per-request cost

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

fn print_table(rows: &[Row]) {
    let num = |v: Option<f64>| match v {
        None => "-".to_owned(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
    };
    println!();
    println!("| figure | ours | aws-sdk-ivs (anchor) | ours / anchor | target | met |");
    println!("| --- | ---: | ---: | ---: | --- | --- |");
    for r in rows {
        let ratio = match (r.ours, r.anchor) {
            (Some(a), Some(b)) if b != 0.0 => format!("{:.2}", a / b),
            _ => "-".to_owned(),
        };
        let (target, met) = match r.target {
            Some((t, Some(true))) => (t, "yes"),
            Some((t, Some(false))) => (t, "NO"),
            Some((t, None)) => (t, "-"),
            None => ("", ""),
        };
        println!(
            "| {} | {} | {} | {ratio} | {target} | {met} |",
            r.label,
            num(r.ours),
            num(r.anchor)
        );
    }
    println!();
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
