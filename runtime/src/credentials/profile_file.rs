//! The shared `~/.aws/config` and `~/.aws/credentials` files: where they are, how they are
//! read (off the executor, size-capped), parsed and merged into profiles, following the
//! official SDKs' rules (checked by the official parser suite, `profile-parser-tests.json`,
//! and `file-location-tests.json`; see the tests at the end).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::provider_config::MAX_FILE_SIZE;
use super::{CredentialsError, Env, ProviderConfig};

/// The profile `AWS_PROFILE` names, else `default`.
pub(crate) fn profile_name(env: &Env) -> String {
    env.get("AWS_PROFILE")
        .map(|p| p.trim().to_owned())
        .unwrap_or_else(|| "default".to_owned())
}

/// The two shared files, which spell section names differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `[name]` sections, profiles only.
    Credentials,
    /// `[profile name]` sections and `[default]`, plus `[sso-session name]`,
    /// `[services name]` and other prefixed sections.
    Config,
}

impl FileKind {
    fn variable(self) -> &'static str {
        match self {
            FileKind::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
            FileKind::Config => "AWS_CONFIG_FILE",
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            FileKind::Credentials => "credentials",
            FileKind::Config => "config",
        }
    }
}

/// The platform whose path rules apply (a parameter, so the Windows rules of the official
/// location suite are checked on every platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Os {
    Unix,
    Windows,
}

impl Os {
    pub(crate) fn current() -> Self {
        if cfg!(windows) {
            Os::Windows
        } else {
            Os::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Os::Unix => '/',
            Os::Windows => '\\',
        }
    }
}

/// The home directory: `HOME`; on Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
pub(crate) fn home_dir(env: &Env, os: Os) -> Option<String> {
    if let Some(home) = env.get("HOME") {
        return Some(home);
    }
    if os == Os::Windows {
        if let Some(profile) = env.get("USERPROFILE") {
            return Some(profile);
        }
        if let (Some(drive), Some(path)) = (env.get("HOMEDRIVE"), env.get("HOMEPATH")) {
            return Some(format!("{drive}{path}"));
        }
    }
    None
}

/// Where the file of `kind` is: its variable, else `~/.aws/<name>`, a leading `~` component
/// replaced by the home directory (and, when it is, the rest rejoined with the platform's
/// separator). Without a home directory the `~` stays, and no such file will be found.
pub(crate) fn file_location(env: &Env, os: Os, kind: FileKind) -> String {
    let path = env
        .get(kind.variable())
        .unwrap_or_else(|| format!("~/.aws/{}", kind.default_name()));
    expand_home(&path, env, os)
}

/// Expands a leading `~` component of `path` (the only form of home expansion the SDKs do).
pub(crate) fn expand_home(path: &str, env: &Env, os: Os) -> String {
    let is_separator = |c: char| c == '/' || (os == Os::Windows && c == '\\');
    let Some(rest) = path.strip_prefix('~') else {
        return path.to_owned();
    };
    if !(rest.is_empty() || rest.starts_with(is_separator)) {
        return path.to_owned(); // `~user/...` is not expanded
    }
    let Some(home) = home_dir(env, os) else {
        return path.to_owned();
    };
    let mut out = home;
    for component in rest.split(is_separator).filter(|c| !c.is_empty()) {
        if !out.ends_with(is_separator) {
            out.push(os.separator());
        }
        out.push_str(component);
    }
    out
}

/// A profile (or an `sso-session`, or another section): its properties, keys lowercase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Profile {
    properties: BTreeMap<String, String>,
}

impl Profile {
    /// The value of `key` (lowercase).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(String::as_str)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.properties.contains_key(key)
    }

    #[cfg(test)]
    pub(crate) fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }
}

/// Both files merged: profiles (the credentials file wins for a key set in both),
/// `sso-session` sections, and the other prefixed sections of the config file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    sso_sessions: BTreeMap<String, Profile>,
    /// `[services name]` and any other `[prefix name]`, keyed by (prefix, name).
    other_sections: BTreeMap<(String, String), Profile>,
    /// The file paths read (or looked for), for messages.
    paths: Vec<String>,
    /// Whether at least one of the files exists.
    any_file: bool,
}

impl ProfileSet {
    /// The profile `name`.
    pub(crate) fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The `[sso-session name]` section.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// The `[prefix name]` section of another kind (`services`).
    pub(crate) fn section(&self, prefix: &str, name: &str) -> Option<&Profile> {
        self.other_sections
            .get(&(prefix.to_owned(), name.to_owned()))
    }

    /// The names of the profiles, in order.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// Whether there is no profile at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    /// A set of these profiles and sso-sessions (property names lowercase), as the
    /// assume-role table tests describe them.
    #[cfg(test)]
    pub(crate) fn from_maps(
        profiles: BTreeMap<String, BTreeMap<String, String>>,
        sso_sessions: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Self {
        let convert = |m: BTreeMap<String, BTreeMap<String, String>>| {
            m.into_iter()
                .map(|(name, properties)| (name, Profile { properties }))
                .collect()
        };
        Self {
            profiles: convert(profiles),
            sso_sessions: convert(sso_sessions),
            any_file: true,
            ..Self::default()
        }
    }

    /// Whether one of the files exists.
    pub(crate) fn any_file(&self) -> bool {
        self.any_file
    }

    /// "looked in <credentials> and <config>", for messages.
    pub(crate) fn describe(&self) -> String {
        format!("looked in {}", self.paths.join(" and "))
    }

    /// Parses `text` as a file of `kind` and merges it in (later files override earlier
    /// ones for the same key). `path` only names the file in errors.
    pub(crate) fn merge_file(
        &mut self,
        text: &str,
        kind: FileKind,
        path: &str,
    ) -> Result<(), ParseError> {
        let sections = parse_raw(text).map_err(|(line, message)| ParseError {
            path: path.to_owned(),
            line,
            message,
        })?;
        self.merge_sections(sections, kind);
        Ok(())
    }

    fn merge_sections(&mut self, sections: Vec<RawSection<'_>>, kind: FileKind) {
        let mut valid = Vec::new();
        for section in sections {
            match SectionKey::parse(section.header).valid_for(kind) {
                Ok(key) => valid.push((key, section.properties)),
                Err(why) => tracing::warn!("{why}"),
            }
        }
        // `[profile default]` anywhere in the file replaces every `[default]` of it.
        let has_prefixed_default = valid.iter().any(|(key, _)| key.is_prefixed_default());
        for (key, properties) in valid {
            if has_prefixed_default && key.is_unprefixed_default() {
                tracing::warn!("section [default] ignored: [profile default] takes priority");
                continue;
            }
            let target = match key.prefix {
                None | Some(PROFILE) => self.profiles.entry(key.name.to_owned()).or_default(),
                Some(SSO_SESSION) => self.sso_sessions.entry(key.name.to_owned()).or_default(),
                Some(prefix) => self
                    .other_sections
                    .entry((prefix.to_owned(), key.name.to_owned()))
                    .or_default(),
            };
            for (k, v) in properties {
                if is_identifier(k) {
                    target.properties.insert(k.to_ascii_lowercase(), v);
                } else {
                    tracing::warn!(
                        "a property of [{}] is ignored: its name is not valid",
                        key.name
                    );
                }
            }
        }
    }
}

/// A syntax error in a shared file: the file, the 1-based line, and the rule broken. The
/// line's text is never quoted (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) message: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "error parsing {} on line {}: {}",
            self.path, self.line, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// Reads and merges both shared files of `config`'s environment and file system: the config
/// file first, then the credentials file (which wins for a key set in both). A missing file
/// counts as empty; an unreadable, oversized, non-UTF-8 or malformed one is an error naming
/// it. Files are read off the executor ([`super::Fs::read`]).
pub(crate) async fn load(config: &ProviderConfig) -> Result<ProfileSet, CredentialsError> {
    let mut set = ProfileSet::default();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let path = file_location(config.env(), Os::current(), kind);
        let read = config.fs().read(std::path::Path::new(&path)).await;
        merge_read(&mut set, kind, path, read)?;
    }
    Ok(set)
}

/// [`load`] blocking the calling thread (for synchronous callers); same limits.
pub(crate) fn load_blocking(config: &ProviderConfig) -> Result<ProfileSet, CredentialsError> {
    let mut set = ProfileSet::default();
    for kind in [FileKind::Config, FileKind::Credentials] {
        let path = file_location(config.env(), Os::current(), kind);
        let read = config.fs().read_blocking(std::path::Path::new(&path));
        merge_read(&mut set, kind, path, read)?;
    }
    Ok(set)
}

fn merge_read(
    set: &mut ProfileSet,
    kind: FileKind,
    path: String,
    read: std::io::Result<Vec<u8>>,
) -> Result<(), CredentialsError> {
    let shown = PathBuf::from(&path).display().to_string();
    set.paths.push(shown.clone());
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if kind == FileKind::Config && set.paths.len() == 1 {
                tracing::debug!(path = %shown, "no AWS config file");
            }
            return Ok(());
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(CredentialsError::invalid_configuration(format!(
                "cannot use the AWS {} file {shown} (MAX_FILE_SIZE is {MAX_FILE_SIZE} bytes)",
                kind.default_name()
            ))
            .with_source(e))
        }
        Err(e) => {
            return Err(CredentialsError::provider_error(format!(
                "cannot read the AWS {} file {shown}",
                kind.default_name()
            ))
            .with_source(e))
        }
    };
    set.any_file = true;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        CredentialsError::invalid_configuration(format!(
            "the AWS {} file {shown} is not UTF-8 (byte {})",
            kind.default_name(),
            e.valid_up_to()
        ))
    })?;
    // A UTF-8 byte order mark (Windows editors write one) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    set.merge_file(text, kind, &shown).map_err(|e| {
        CredentialsError::invalid_configuration(format!(
            "the AWS {} file is malformed",
            kind.default_name()
        ))
        .with_source(e)
    })
}

/// Whitespace as the file format defines it: space and tab only.
const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];
const PROFILE: &str = "profile";
const SSO_SESSION: &str = "sso-session";
const DEFAULT: &str = "default";

/// One `[...]` section as written, before names are checked; properties in file order.
#[derive(Debug)]
struct RawSection<'a> {
    header: &'a str,
    properties: Vec<(&'a str, String)>,
}

/// Parses the INI dialect of the shared files, line by line:
/// - blank lines and lines starting with `#` or `;` are skipped;
/// - `[header]` opens a section (a comment may follow the `]`);
/// - `key = value` sets a property (a comment must follow whitespace, so a value may hold
///   `#`);
/// - a line starting with whitespace continues the last property (`\n` + the trimmed
///   line); under a property whose value is empty, it must be a `key = value` sub-property.
///
/// The error is the 1-based line number and the rule broken, in the official wording.
fn parse_raw(text: &str) -> Result<Vec<RawSection<'_>>, (usize, &'static str)> {
    let mut sections: Vec<RawSection<'_>> = Vec::new();
    // Whether the current section has a property a continuation can extend, and whether
    // that property started empty (then continuations are sub-properties).
    let mut property: Option<bool> = None;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or((line_no, "Profile definition must end with ']'"))?;
            sections.push(RawSection {
                header,
                properties: Vec::new(),
            });
            property = None;
        } else if line.starts_with(WHITESPACE) {
            let Some(section) = sections.last_mut() else {
                return Err((line_no, "Expected a profile definition"));
            };
            let (Some(is_sub), Some((_, value))) = (property, section.properties.last_mut()) else {
                return Err((
                    line_no,
                    "Expected a property definition, found continuation",
                ));
            };
            if is_sub {
                split_property(line).map_err(|e| (line_no, e.message(true)))?;
            }
            value.push('\n');
            value.push_str(line.trim_matches(WHITESPACE));
        } else {
            let Some(section) = sections.last_mut() else {
                return Err((line_no, "Expected a profile definition"));
            };
            let (key, value) = split_property(line).map_err(|e| (line_no, e.message(false)))?;
            property = Some(value.is_empty());
            section.properties.push((key, value.to_owned()));
        }
    }
    Ok(sections)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PropertyError {
    NoEquals,
    NoName,
}

impl PropertyError {
    fn message(self, sub: bool) -> &'static str {
        match (self, sub) {
            (PropertyError::NoEquals, false) => "Expected an '=' sign defining a property",
            (PropertyError::NoEquals, true) => "Expected an '=' sign defining a sub-property",
            (PropertyError::NoName, false) => "Property did not have a name",
            (PropertyError::NoName, true) => "Sub-property did not have a name",
        }
    }
}

fn split_property(line: &str) -> Result<(&str, &str), PropertyError> {
    let (key, value) = strip_comment(line, true)
        .split_once('=')
        .ok_or(PropertyError::NoEquals)?;
    let key = key.trim_matches(WHITESPACE);
    if key.is_empty() {
        return Err(PropertyError::NoName);
    }
    Ok((key, value.trim_matches(WHITESPACE)))
}

/// Trims `line` and cuts a `#`/`;` comment off it; in property lines only a comment that
/// follows whitespace (so `value#x` keeps its `#`).
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut previous_is_space = false;
    for (index, c) in line.char_indices() {
        if COMMENT.contains(&c) && (previous_is_space || !needs_whitespace) {
            return line[..index].trim_matches(WHITESPACE);
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// A section header split into its prefix (`profile`, `sso-session`, `services`...) and name.
#[derive(Debug)]
struct SectionKey<'a> {
    prefix: Option<&'a str>,
    name: &'a str,
}

impl<'a> SectionKey<'a> {
    fn parse(header: &'a str) -> Self {
        let header = header.trim_matches(WHITESPACE);
        match header.split_once(WHITESPACE) {
            Some((prefix, name)) => SectionKey {
                prefix: Some(prefix),
                name: name.trim_matches(WHITESPACE),
            },
            None => SectionKey {
                prefix: None,
                name: header,
            },
        }
    }

    fn is_prefixed_default(&self) -> bool {
        self.prefix == Some(PROFILE) && self.name == DEFAULT
    }

    fn is_unprefixed_default(&self) -> bool {
        self.prefix.is_none() && self.name == DEFAULT
    }

    /// Config file: `[default]` or `[prefix valid-name]`. Credentials file: `[valid-name]`.
    /// The reason for refusing a section is logged, never an error: the SDKs skip them.
    fn valid_for(self, kind: FileKind) -> Result<Self, String> {
        match (kind, self.prefix) {
            (FileKind::Config, Some(prefix)) if !is_identifier(self.name) => Err(format!(
                "section [{prefix} {}] ignored: the name is not a valid identifier",
                self.name
            )),
            (FileKind::Config, None) if !self.is_unprefixed_default() => Err(format!(
                "section [{}] of the config file ignored: only [default] goes without a prefix (use [profile {0}])",
                self.name
            )),
            (FileKind::Credentials, Some(prefix)) => Err(format!(
                "section [{prefix} {}] of the credentials file ignored: sections there are bare profile names",
                self.name
            )),
            (FileKind::Credentials, None) if !is_identifier(self.name) => Err(format!(
                "section [{}] ignored: the name is not a valid identifier",
                self.name
            )),
            _ => Ok(self),
        }
    }
}

/// `[A-Za-z0-9_\-/.%@:+]+`, the names the SDKs accept for profiles and properties.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

#[cfg(test)]
#[path = "profile_file_tests.rs"]
mod tests;
