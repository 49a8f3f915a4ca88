//! `cargo xtask codegen`: writes the generated crate, deleting orphan files, or with
//! `--check` reports which files are stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Parsed command line.
#[derive(Debug)]
pub struct Args {
    pub model: PathBuf,
    pub out: PathBuf,
    pub crate_name: Option<String>,
    pub check: bool,
    /// The paginator items pins file: `model/ivs.paginators.json` for the default model,
    /// `--pins PATH` for another (none by default: its paginators are inferred afresh).
    pub pins: Option<PathBuf>,
}

pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let root = root();
    let mut parsed = Args {
        model: root.join("model/ivs.json"),
        out: root.join("generated/ivs"),
        crate_name: None,
        check: false,
        pins: Some(root.join("model/ivs.paginators.json")),
    };
    let mut pins_given = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--model" => {
                parsed.model = PathBuf::from(value("--model")?);
                if !pins_given {
                    parsed.pins = None;
                }
            }
            "--pins" => {
                parsed.pins = Some(PathBuf::from(value("--pins")?));
                pins_given = true;
            }
            "--out" => parsed.out = PathBuf::from(value("--out")?),
            "--crate-name" => parsed.crate_name = Some(value("--crate-name")?),
            "--check" => parsed.check = true,
            other => return Err(format!("unknown argument `{other}` (see `cargo xtask`)")),
        }
    }
    Ok(parsed)
}

/// A path from `from` (a directory) to `to`, both absolute.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_c[common..] {
        out.push(c);
    }
    out
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Normalise `..` without touching the file system (the directory may not exist yet).
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// What `cargo xtask codegen` writes: the crate's files, and the pins file's new text.
pub struct Output {
    pub files: Vec<codegen::File>,
    pub pins: Option<(PathBuf, String)>,
}

/// Reads a pins file (absent: nothing pinned yet).
fn read_pins(path: &Path) -> Result<BTreeMap<String, Option<String>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let bad = |what: String| format!("{}: {what}", path.display());
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let items = v
        .get("items")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| {
            bad("needs an `items` object (operation name to member name or null)".into())
        })?;
    let mut pins = BTreeMap::new();
    for (op, member) in items {
        let member = match member {
            serde_json::Value::Null => None,
            serde_json::Value::String(m) => Some(m.clone()),
            other => {
                return Err(bad(format!(
                    "`items`.`{op}` must be a member name or null, not {other}"
                )))
            }
        };
        pins.insert(op.clone(), member);
    }
    Ok(pins)
}

/// The pins file's text for `pins`.
fn write_pins(pins: &BTreeMap<String, Option<String>>) -> String {
    let about = "The items() member of each paginator whose @paginated trait names none. \
                 Written by `cargo xtask codegen` when it first infers one (the output's only \
                 list member), then kept, so a model update that adds a list member cannot \
                 remove items(). Review changes here like API changes; edit a value to pin \
                 another member, or delete an entry to infer it again.";
    let items: serde_json::Map<String, serde_json::Value> = pins
        .iter()
        .map(|(op, m)| {
            (
                op.clone(),
                m.clone().map_or(serde_json::Value::Null, Into::into),
            )
        })
        .collect();
    let v = serde_json::json!({ "about": about, "items": items });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

/// Generates the crate's files for `args` without writing anything (tests that read the
/// generated code).
#[cfg(test)]
pub fn generate(args: &Args) -> Result<Vec<codegen::File>, String> {
    generate_all(args).map(|o| o.files)
}

/// Generates the files and the pins file for `args` without writing anything.
pub fn generate_all(args: &Args) -> Result<Output, String> {
    let text = std::fs::read_to_string(&args.model)
        .map_err(|e| format!("cannot read model {}: {e}", args.model.display()))?;
    let partitions_path = root().join("model/partitions.json");
    let partitions = std::fs::read_to_string(&partitions_path)
        .map_err(|e| format!("cannot read {}: {e}", partitions_path.display()))?;
    let endpoint_divergences = read_divergences(
        &root().join("model/endpoint-test-divergences.json"),
        &partitions,
    )?;
    let out = absolute(&args.out);
    let runtime = relative(&out, &root().join("runtime"));
    let options = codegen::Options {
        ir: codegen::ir::Options {
            crate_name: args.crate_name.clone(),
            crate_version: None,
            any_protocol: false,
            pinned_items: match &args.pins {
                Some(path) => Some(read_pins(path)?),
                None => None,
            },
        },
        emit: codegen::EmitOptions {
            runtime_dependency: format!(
                "{{ path = \"{}\", default-features = false }}",
                runtime.display()
            ),
            partitions_json: partitions,
            endpoint_divergences,
        },
    };
    let generated = codegen::generate_with_warnings(&text, &options)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    for w in &generated.warnings {
        eprintln!("warning: {w}");
    }
    Ok(Output {
        pins: args
            .pins
            .clone()
            .map(|path| (path, write_pins(&generated.item_pins))),
        files: generated.files,
    })
}

/// Reads the partition table as the models' endpoint tests were written (absent file: none):
/// `partitions_as_tested` (partition id to outputs) set over the shipped table
/// `partitions_json`, checked against it. The file names no service and no test case: each
/// generated test computes its expectation from the model.
fn read_divergences(
    path: &Path,
    partitions_json: &str,
) -> Result<codegen::EndpointDivergences, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(codegen::EndpointDivergences::default());
    };
    let bad = |what: &str| format!("{}: {what}", path.display());
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
    let reason = v["reason"]
        .as_str()
        .ok_or_else(|| bad("needs a `reason` string"))?;
    if let Some(key) = v.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["reason", "partitions_as_tested"].contains(&k.as_str()))
    }) {
        return Err(bad(&format!(
            "unknown key `{key}` (the file holds `reason` and `partitions_as_tested` only)"
        )));
    }
    let partitions = v["partitions_as_tested"].as_object().ok_or_else(|| {
        bad(
            "needs a `partitions_as_tested` object: partition id to the outputs the \
             models' endpoint tests were written against",
        )
    })?;
    let mut as_tested = std::collections::BTreeMap::new();
    for (id, outputs) in partitions {
        let outputs = outputs.as_object().ok_or_else(|| {
            bad(&format!(
                "`partitions_as_tested`.`{id}` must be an object of partition outputs"
            ))
        })?;
        as_tested.insert(id.clone(), outputs.clone());
    }
    let partitions_as_tested =
        codegen::partitions_with_outputs(partitions_json, &as_tested).map_err(|e| bad(&e))?;
    Ok(codegen::EndpointDivergences {
        reason: reason.to_owned(),
        partitions_as_tested,
    })
}

/// Files under `dir` (relative paths), skipping `target/` and lock files.
fn existing_files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if rel == "target" || rel == "Cargo.lock" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel);
            }
        }
    }
    out
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(args)?;
    let Output { files, pins } = generate_all(&args)?;
    let stale_pins = pins
        .as_ref()
        .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text));
    let wanted: BTreeSet<String> = files.iter().map(|(p, _)| p.clone()).collect();
    let present = existing_files(&args.out);
    let orphans: Vec<&String> = present.difference(&wanted).collect();
    let stale: Vec<&String> = files
        .iter()
        .filter(|(p, text)| std::fs::read_to_string(args.out.join(p)).ok().as_deref() != Some(text))
        .map(|(p, _)| p)
        .collect();
    if args.check {
        if stale.is_empty() && orphans.is_empty() && stale_pins.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
        let mut msg = format!(
            "{} is not what the generator makes now:\n",
            args.out.display()
        );
        for s in &stale {
            msg.push_str(&format!("  stale:  {s}\n"));
        }
        if let Some((path, _)) = stale_pins {
            msg.push_str(&format!(
                "  stale:  {} (paginator items pins)\n",
                path.display()
            ));
        }
        for o in &orphans {
            msg.push_str(&format!("  orphan: {o}\n"));
        }
        msg.push_str(
            "run `cargo xtask codegen` and commit the result (the committed crate is always \
             generated from model/ivs.json; to try another model, generate it elsewhere with \
             `--model PATH --out DIR`, or change the model/ivs.json link: see the README's \
             \"Regenerating\" section)",
        );
        return Err(msg);
    }
    for (path, text) in &files {
        let full = args.out.join(path);
        if std::fs::read_to_string(&full).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&full, text).map_err(|e| format!("cannot write {}: {e}", full.display()))?;
    }
    for o in orphans {
        let full = args.out.join(o);
        std::fs::remove_file(&full)
            .map_err(|e| format!("cannot delete {}: {e}", full.display()))?;
    }
    if let Some((path, text)) = stale_pins {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote paginator items pins to {}", path.display());
    }
    println!(
        "generated {} files into {}",
        files.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when `generated/` is not what the generator makes now.
    #[test]
    fn generated_crate_is_current() {
        let args = parse_args(&["--check".to_owned()]).unwrap();
        let Output { files, pins } = generate_all(&args).unwrap();
        let mut stale = Vec::new();
        for (path, text) in &files {
            if std::fs::read_to_string(args.out.join(path)).ok().as_deref() != Some(text) {
                stale.push(path.clone());
            }
        }
        let (pins_path, pins_text) = pins.expect("the default model has a pins file");
        if std::fs::read_to_string(&pins_path).ok() != Some(pins_text) {
            stale.push(pins_path.display().to_string());
        }
        let wanted: BTreeSet<String> = files.iter().map(|(p, _)| p.clone()).collect();
        let orphans: Vec<_> = existing_files(&args.out)
            .difference(&wanted)
            .cloned()
            .collect();
        assert!(
            stale.is_empty() && orphans.is_empty(),
            "generated/ivs is not what model/ivs.json generates: run `cargo xtask codegen` (to \
             try another model, generate it elsewhere with `--model PATH --out DIR`; see the \
             README's \"Regenerating\" section).\nstale: {stale:?}\norphans: {orphans:?}"
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let args = parse_args(&[]).unwrap();
        assert_eq!(
            generate_all(&args).unwrap().files,
            generate_all(&args).unwrap().files
        );
    }

    #[test]
    fn every_file_has_the_preamble() {
        let args = parse_args(&[]).unwrap();
        for (path, text) in generate_all(&args).unwrap().files {
            assert!(
                text.starts_with("// @generated") || text.starts_with("# @generated"),
                "{path}"
            );
        }
    }

    /// One line per public item of the IVS crate: a model update shows up in
    /// `cargo insta review` as exactly the API it changes.
    #[test]
    fn ivs_public_api() {
        let args = parse_args(&[]).unwrap();
        let files = generate_all(&args).unwrap().files;
        let api = codegen::surface::public_api(&files).unwrap();
        assert!(api.len() > 1000, "{} items", api.len());
        insta::assert_snapshot!("ivs_public_api", api.join("\n"));
    }

    /// A `partitions_as_tested` naming a partition the table does not have is an error that
    /// names the file and the partition, not a panic.
    #[test]
    fn divergences_naming_an_unknown_partition_are_an_error() {
        let dir = std::env::temp_dir().join(format!("xtask-divergences-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("endpoint-test-divergences.json");
        let partitions =
            r#"{"partitions": [{"id": "aws-iso", "outputs": {"supportsDualStack": true}}]}"#;
        let write = |as_tested: &str| {
            std::fs::write(
                &path,
                format!(r#"{{"reason": "r", "partitions_as_tested": {as_tested}}}"#),
            )
            .unwrap();
        };
        write(r#"{"aws-isx": {"supportsDualStack": false}}"#);
        let err = read_divergences(&path, partitions).unwrap_err();
        assert_eq!(
            err,
            format!(
                "{}: `partitions_as_tested` names partition `aws-isx`, which the partition table \
                 does not have (it has aws-iso)",
                path.display()
            )
        );
        write(r#"{"aws-iso": {"supportsDualStak": false}}"#);
        let err = read_divergences(&path, partitions).unwrap_err();
        assert!(err.contains("no such output"), "{err}");
        write(r#"{"aws-iso": {"supportsDualStack": false}}"#);
        let read = read_divergences(&path, partitions).unwrap();
        let table: serde_json::Value = serde_json::from_str(&read.partitions_as_tested).unwrap();
        assert_eq!(
            table["partitions"][0]["outputs"]["supportsDualStack"],
            false
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_models_write_nothing() {
        let dir = std::env::temp_dir().join(format!("xtask-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let model = dir.join("bad.json");
        std::fs::write(
            &model,
            "{\"smithy\": \"2.0\", \"shapes\": {\"a.b#X\": {\"type\": \"nope\"}}}",
        )
        .unwrap();
        let out = dir.join("out");
        let err = run(&[
            "--model".into(),
            model.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ])
        .unwrap_err();
        assert!(err.contains("a.b#X: unknown shape type `nope`"), "{err}");
        assert!(!out.exists(), "nothing may be written for a bad model");
        std::fs::remove_dir_all(&dir).ok();
    }

    /// The harmless model update that used to remove `items()`: a second list member in a
    /// paginated output. With the pins file that codegen wrote, `items()` stays; `--check`
    /// reports a pins file that is not what codegen would write.
    #[test]
    fn pinned_items_survive_a_second_list_member() {
        let dir = std::env::temp_dir().join(format!("xtask-pins-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        let ivs = std::fs::read_to_string(root().join("model/ivs.json")).unwrap();
        let mut model: serde_json::Value = serde_json::from_str(&ivs).unwrap();
        let model_path = dir.join("ivs.json");
        let pins = dir.join("pins.json");
        let out = dir.join("out");
        let gen = |extra: &[&str]| {
            let mut a = vec![
                "--model".to_owned(),
                model_path.display().to_string(),
                "--pins".to_owned(),
                pins.display().to_string(),
                "--out".to_owned(),
                out.display().to_string(),
            ];
            a.extend(extra.iter().map(|s| (*s).to_owned()));
            run(&a)
        };
        std::fs::write(&model_path, model.to_string()).unwrap();
        gen(&[]).unwrap();
        let written = read_pins(&pins).unwrap();
        assert_eq!(written["ListChannels"].as_deref(), Some("channels"));
        assert_eq!(written.len(), 7, "{written:?}");
        // The update: ListChannels' output gains a second list member.
        model["shapes"]["com.amazonaws.ivs#ListChannelsResponse"]["members"]["moreChannels"] =
            serde_json::json!({"target": "com.amazonaws.ivs#ChannelList"});
        std::fs::write(&model_path, model.to_string()).unwrap();
        let before = std::fs::read_to_string(&pins).unwrap();
        gen(&[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&pins).unwrap(),
            before,
            "the pins stay as they were"
        );
        gen(&["--check"]).unwrap();
        let paginator =
            std::fs::read_to_string(out.join("src/operation/list_channels.rs")).unwrap();
        assert!(paginator.contains("pub fn items("), "items() must stay");
        // Without the pins, the same model has no items() for ListChannels.
        std::fs::remove_file(&pins).unwrap();
        let unpinned = generate_all(
            &parse_args(&[
                "--model".to_owned(),
                model_path.display().to_string(),
                "--pins".to_owned(),
                pins.display().to_string(),
            ])
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            read_pins_text(&unpinned.pins.unwrap().1)["ListChannels"],
            None
        );
        // A stale pins file fails --check, naming it.
        std::fs::write(&pins, r#"{"items": {"ListChannels": "channels"}}"#).unwrap();
        let err = gen(&["--check"]).unwrap_err();
        assert!(err.contains("pins.json (paginator items pins)"), "{err}");
        // A pin to a member the output does not have is an error naming both.
        std::fs::write(&pins, r#"{"items": {"ListChannels": "nope"}}"#).unwrap();
        let err = gen(&[]).unwrap_err();
        assert!(
            err.contains("ListChannels") && err.contains("`nope`"),
            "{err}"
        );
        std::fs::write(&pins, r#"{"items": {"ListChannels": 3}}"#).unwrap();
        let err = gen(&[]).unwrap_err();
        assert!(
            err.contains("`items`.`ListChannels` must be a member name or null"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    fn read_pins_text(text: &str) -> BTreeMap<String, Option<String>> {
        let dir = std::env::temp_dir().join(format!("xtask-pins-text-{}", std::process::id()));
        std::fs::write(&dir, text).unwrap();
        let pins = read_pins(&dir).unwrap();
        std::fs::remove_file(&dir).ok();
        pins
    }
}
