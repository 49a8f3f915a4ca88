//! Environment variables, from the process or a fixed set in tests.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Where environment variables are read from: the process, or a fixed set in tests (so tests
/// never change the process environment, which other threads read at the same time).
///
/// An empty or all-whitespace value counts as unset, as in the AWS SDKs.
#[derive(Clone)]
pub struct Env {
    lookup: Arc<EnvLookup>,
}

type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// A fixed set of variables; any other name is unset.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_fn(move |name| vars.get(name).cloned())
    }

    /// Variables looked up by a function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Arc::new(lookup),
        }
    }

    /// The value of `name`, or `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }

    /// The home directory (`HOME`, else `USERPROFILE` on Windows-like systems).
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// A path from `var`, with a leading `~` expanded, else `~/.aws/<default>`.
    pub(crate) fn aws_file(&self, var: &str, default: &str) -> Option<PathBuf> {
        match self.get(var) {
            Some(path) => {
                let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
                match (rest, self.home()) {
                    (Some(rest), Some(home)) => Some(home.join(rest)),
                    _ => Some(PathBuf::from(path)),
                }
            }
            None => self.home().map(|home| home.join(".aws").join(default)),
        }
    }
}

// The variables may hold secrets: print none of them.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env { .. }")
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::process()
    }
}
