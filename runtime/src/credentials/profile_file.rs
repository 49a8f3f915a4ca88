//! The shared `~/.aws/config` and `~/.aws/credentials` files: where they are, their sections
//! and the profile a name selects.

use std::path::{Path, PathBuf};

use super::{CredentialsError, Env};

/// The profile `AWS_PROFILE` names, else `default`.
pub(crate) fn profile_name(env: &Env) -> String {
    env.get("AWS_PROFILE")
        .map(|p| p.trim().to_owned())
        .unwrap_or_else(|| "default".to_owned())
}

/// The config file `AWS_CONFIG_FILE` names, else `~/.aws/config`.
pub(crate) fn config_file(env: &Env) -> Option<PathBuf> {
    env.aws_file("AWS_CONFIG_FILE", "config")
}

/// The two shared files, which spell section names differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `[name]` sections.
    Credentials,
    /// `[profile name]` sections, and `[default]`.
    Config,
}

/// What looking a profile up in one file found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// There is no such file (or no home directory to find it in).
    FileMissing,
    /// The file has no section for the profile.
    ProfileMissing,
    /// The profile's properties, keys lowercase.
    Found(Profile),
}

/// A profile's properties in the order they were merged; a later one overrides an earlier
/// one of the same key. A plain `Vec`, as [`Section`] has, rather than one more map type
/// to compile: profiles are small and read once.
#[derive(Debug, Default)]
pub(crate) struct Profile(Vec<(String, String)>);

impl Profile {
    /// The value of `key`: its last setting.
    pub(crate) fn get(&self, key: &str) -> Option<&String> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds `other`'s properties, which override this profile's.
    pub(crate) fn extend(&mut self, other: Profile) {
        self.0.extend(other.0);
    }
}

/// Looks profile `name` up in the file at `path`.
pub(crate) fn lookup_profile(
    path: Option<&Path>,
    kind: FileKind,
    name: &str,
) -> Result<Lookup, CredentialsError> {
    let Some(path) = path else {
        return Ok(Lookup::FileMissing);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lookup::FileMissing),
        Err(e) => {
            return Err(CredentialsError::provider_error(format!(
                "cannot read {}: {e}",
                path.display()
            ))
            .with_source(e))
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        CredentialsError::invalid_configuration(format!("{} is not UTF-8", path.display()))
    })?;
    let sections = parse_sections(&text).map_err(|(line, what)| {
        CredentialsError::invalid_configuration(format!("{}:{line}: {what}", path.display()))
    })?;
    Ok(select_profile(&sections, kind, name))
}

/// One `[...]` section as written; its properties in file order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Section {
    header: String,
    properties: Vec<(String, String)>,
}

/// Parses the INI dialect of the shared files: `[section]` headers, `key = value`
/// properties, indented continuation lines, and `#`/`;` comments (whole lines; at the end of
/// a header; and after whitespace at the end of a value, so a secret may contain `#`).
///
/// The error is a 1-based line number and what is wrong with it. It never quotes the line,
/// which may hold a secret.
pub(crate) fn parse_sections(text: &str) -> Result<Vec<Section>, (usize, &'static str)> {
    let mut sections: Vec<Section> = Vec::new();
    // Indentation of the last property of the current section: a line indented deeper
    // continues it, as in Python's configparser (which the AWS CLI uses).
    let mut property_indent: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            let header = strip_comment(trimmed, false);
            let inner = header
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or((line_no, "a section header must end with `]`"))?;
            sections.push(Section {
                header: inner.trim().to_owned(),
                properties: Vec::new(),
            });
            property_indent = None;
            continue;
        }
        let section = sections
            .last_mut()
            .ok_or((line_no, "a property must follow a `[section]` header"))?;
        let indent = raw.len() - raw.trim_start().len();
        let continues = property_indent.is_some_and(|last| indent > last);
        if let (true, Some((_, value))) = (continues, section.properties.last_mut()) {
            // Continuation of the previous value (sub-properties such as `s3 =` blocks).
            if !value.is_empty() {
                value.push('\n');
            }
            value.push_str(strip_comment(trimmed, true));
            continue;
        }
        let (key, value) = trimmed
            .split_once('=')
            .ok_or((line_no, "expected `key = value`"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err((line_no, "a property needs a name before `=`"));
        }
        section.properties.push((
            key.to_ascii_lowercase(),
            strip_comment(value.trim(), true).to_owned(),
        ));
        property_indent = Some(indent);
    }
    Ok(sections)
}

/// Cuts a `#` or `;` comment off `line`; in values only one that follows whitespace.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let mut previous_is_space = false;
    for (index, c) in line.char_indices() {
        if (c == '#' || c == ';') && (previous_is_space || !needs_whitespace) {
            return line[..index].trim_end();
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// Merges the sections that make up profile `name` in a file of `kind`; later sections and
/// properties override earlier ones.
pub(crate) fn select_profile(sections: &[Section], kind: FileKind, name: &str) -> Lookup {
    // Sections of rank 0 first, then rank 1, each in file order: in the config file,
    // `[profile default]` (rank 1) beats `[default]`. Two passes rather than a sort, which
    // would be one more sort instantiation to compile.
    let mut found = false;
    let mut properties = Vec::new();
    for rank in [0, 1] {
        for section in sections {
            if section_rank(&section.header, kind, name) == Some(rank) {
                found = true;
                properties.extend_from_slice(&section.properties);
            }
        }
    }
    if !found {
        return Lookup::ProfileMissing;
    }
    Lookup::Found(Profile(properties))
}

fn section_rank(header: &str, kind: FileKind, name: &str) -> Option<u8> {
    match kind {
        FileKind::Credentials => (header == name).then_some(0),
        FileKind::Config => {
            if let Some(rest) = header.strip_prefix("profile") {
                if rest.starts_with([' ', '\t']) && rest.trim() == name {
                    return Some(1);
                }
            }
            (name == "default" && header == "default").then_some(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn props(lookup: Lookup) -> BTreeMap<String, String> {
        match lookup {
            Lookup::Found(p) => {
                let mut map = BTreeMap::new();
                for (k, v) in p.0 {
                    map.insert(k, v);
                }
                map
            }
            other => panic!("expected a profile, got {other:?}"),
        }
    }

    #[test]
    fn parses_comments_whitespace_and_continuations() {
        let text = "\
# a comment
; another
[default]   # comment after a header
aws_access_key_id = AKID   ; trailing comment
aws_secret_access_key=se#cret
  \t
[profile  dev ]
region = eu-west-1
s3 =
  max_concurrent_requests = 10
  addressing_style = path
";
        let sections = parse_sections(text).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].header, "default");
        assert_eq!(
            sections[0].properties,
            vec![
                ("aws_access_key_id".to_owned(), "AKID".to_owned()),
                ("aws_secret_access_key".to_owned(), "se#cret".to_owned()),
            ]
        );
        assert_eq!(sections[1].header, "profile  dev");
        let dev = props(select_profile(&sections, FileKind::Config, "dev"));
        assert_eq!(dev["region"], "eu-west-1");
        assert_eq!(
            dev["s3"],
            "max_concurrent_requests = 10\naddressing_style = path"
        );
    }

    #[test]
    fn section_names_differ_between_the_files() {
        let sections = parse_sections("[dev]\na=1\n[profile dev]\na=2\n[default]\na=3\n").unwrap();
        assert_eq!(
            props(select_profile(&sections, FileKind::Credentials, "dev"))["a"],
            "1"
        );
        assert_eq!(
            props(select_profile(&sections, FileKind::Config, "dev"))["a"],
            "2"
        );
        assert_eq!(
            props(select_profile(&sections, FileKind::Config, "default"))["a"],
            "3"
        );
        assert!(matches!(
            select_profile(&sections, FileKind::Config, "other"),
            Lookup::ProfileMissing
        ));
        // `[profiledev]` is not `[profile dev]`.
        let sections = parse_sections("[profiledev]\na=1\n").unwrap();
        assert!(matches!(
            select_profile(&sections, FileKind::Config, "dev"),
            Lookup::ProfileMissing
        ));
    }

    #[test]
    fn profile_default_beats_bare_default_and_later_sections_override() {
        let text = "[profile default]\na=prefixed\n[default]\na=bare\nb=bare\n[profile default]\nc=again\n";
        let sections = parse_sections(text).unwrap();
        let p = props(select_profile(&sections, FileKind::Config, "default"));
        assert_eq!(p["a"], "prefixed");
        assert_eq!(p["b"], "bare");
        assert_eq!(p["c"], "again");
    }

    #[test]
    fn errors_name_the_line_and_never_quote_it() {
        for (text, line) in [
            ("aws_secret_access_key = s3cr3t\n", 1),
            ("[default]\n\nthis line has s3cr3t but no equals sign\n", 3),
            ("[default\n", 1),
            ("[default]\n= s3cr3t\n", 2),
            ("[default]\n  s3cr3t\n", 2),
        ] {
            let (got, what) = parse_sections(text).unwrap_err();
            assert_eq!(got, line, "{text:?}");
            assert!(!what.contains("s3cr3t"));
        }
    }
}
