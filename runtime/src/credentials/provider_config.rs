//! What every credentials provider reads the world through: the environment, the file
//! system, the HTTP transport and the clock. Tests swap each for a fake, so a provider can be
//! run against recorded data without touching the real home directory, network or time.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::Env;
use crate::config::SharedHttpClient;
use crate::transport::HyperClient;

/// The most a shared config or credentials file (or a token file) may hold: real ones are a
/// few kilobytes; anything bigger is a mistake (`/dev/zero`, a log file) that must not eat
/// memory.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The context every provider takes: [`Env`], [`Fs`], the HTTP transport for providers that
/// call a service (STS, SSO, IMDS, containers), the clock, and an optional region for those
/// calls. Cheap to clone.
///
/// `Debug` shows which parts are real and which are fakes, never variables, file contents or
/// requests.
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    fs: Fs,
    http: Option<SharedHttpClient>,
    /// The default transport, made on first use and shared by clones, so the providers'
    /// calls reuse its connections.
    default_http: Arc<std::sync::OnceLock<SharedHttpClient>>,
    time: TimeSource,
    region: Option<String>,
    profile_name: Option<String>,
}

impl ProviderConfig {
    /// The real environment, file system and clock; the default HTTPS transport.
    pub fn new() -> Self {
        Self {
            env: Env::process(),
            fs: Fs::real(),
            http: None,
            default_http: Arc::default(),
            time: TimeSource::system(),
            region: None,
            profile_name: None,
        }
    }

    /// An empty environment and file system (tests start here and add what they need). The
    /// transport is still the default one: set a replay transport with [`Self::with_http_client`].
    pub fn empty() -> Self {
        Self::new()
            .with_env(Env::from_vars(Vec::<(String, String)>::new()))
            .with_fs(Fs::from_map(Vec::<(String, Vec<u8>)>::new()))
    }

    /// Reads variables from `env`.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Reads files from `fs`.
    pub fn with_fs(mut self, fs: Fs) -> Self {
        self.fs = fs;
        self
    }

    /// Sends the providers' HTTP calls through `client` (a [`crate::http::ReplayClient`] in
    /// tests).
    pub fn with_http_client(mut self, client: SharedHttpClient) -> Self {
        self.http = Some(client);
        self
    }

    /// Reads the time from `time`.
    pub fn with_time_source(mut self, time: TimeSource) -> Self {
        self.time = time;
        self
    }

    /// The region of the providers' own service calls (STS) when the profile and the
    /// environment name none.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Uses profile `name` whatever `AWS_PROFILE` says.
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The file system.
    pub fn fs(&self) -> &Fs {
        &self.fs
    }

    /// The transport: the configured one, else a default [`HyperClient`] made once and shared
    /// by this configuration and its clones.
    pub fn http_client(&self) -> SharedHttpClient {
        match &self.http {
            Some(client) => client.clone(),
            None => self
                .default_http
                .get_or_init(|| Arc::new(HyperClient::new()))
                .clone(),
        }
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        self.time.now()
    }

    /// The time source.
    pub fn time_source(&self) -> &TimeSource {
        &self.time
    }

    /// The region set with [`Self::with_region`].
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The profile to use: the one set with [`Self::with_profile_name`], else `AWS_PROFILE`,
    /// else `default`.
    pub fn profile_name(&self) -> String {
        match &self.profile_name {
            Some(name) => name.clone(),
            None => super::profile_file::profile_name(&self.env),
        }
    }
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("env", &self.env)
            .field("fs", &self.fs)
            .field(
                "http_client",
                &if self.http.is_some() {
                    "<custom>"
                } else {
                    "HyperClient"
                },
            )
            .field("time", &self.time)
            .field("region", &self.region)
            .field("profile_name", &self.profile_name)
            .finish()
    }
}

/// Where the time comes from: the system clock, or a fixed instant in tests.
#[derive(Clone)]
pub struct TimeSource(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl TimeSource {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(SystemTime::now))
    }

    /// Always `time`.
    pub fn fixed(time: SystemTime) -> Self {
        Self(Arc::new(move || time))
    }

    /// The time `now` returns.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current time.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TimeSource")
    }
}

/// The file system providers read: the real one, or a fixed map of paths to contents.
#[derive(Clone)]
pub struct Fs(FsInner);

#[derive(Clone)]
enum FsInner {
    Real,
    // A mutex, not a plain map: the SSO token provider writes refreshed tokens back.
    Fake(Arc<std::sync::Mutex<BTreeMap<PathBuf, Vec<u8>>>>),
}

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Self(FsInner::Real)
    }

    /// Only these files exist.
    pub fn from_map<I, P, B>(files: I) -> Self
    where
        I: IntoIterator<Item = (P, B)>,
        P: Into<PathBuf>,
        B: Into<Vec<u8>>,
    {
        Self(FsInner::Fake(Arc::new(std::sync::Mutex::new(
            files
                .into_iter()
                .map(|(p, b)| (p.into(), b.into()))
                .collect(),
        ))))
    }

    /// Replaces the file at `path` with `bytes` (the SSO token cache). On the real file
    /// system the bytes go to a temporary file beside it, readable by the owner only on
    /// Unix, which then replaces the file: a reader never sees half a token. Runs on tokio's
    /// blocking pool.
    pub async fn write(&self, path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
        match &self.0 {
            FsInner::Real => {
                let path = path.to_owned();
                tokio::task::spawn_blocking(move || write_replace(&path, &bytes))
                    .await
                    .map_err(std::io::Error::other)?
            }
            FsInner::Fake(files) => {
                lock(files).insert(path.to_owned(), bytes);
                Ok(())
            }
        }
    }

    /// Reads the whole file at `path`, at most [`MAX_FILE_SIZE`] bytes: a longer file is an
    /// error of kind `InvalidData` naming the limit. A missing file is `NotFound`.
    ///
    /// The real file system is read on tokio's blocking pool, never on the executor: a FIFO
    /// without a writer then blocks a pool thread, not the caller, whose timeouts (the
    /// operation timeout) still end the call.
    pub async fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.read_limited(path, MAX_FILE_SIZE).await
    }

    /// [`Self::read`] with another size limit.
    pub async fn read_limited(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        match &self.0 {
            FsInner::Real => {
                let path = path.to_owned();
                tokio::task::spawn_blocking(move || read_capped(&path, limit))
                    .await
                    .map_err(std::io::Error::other)?
            }
            FsInner::Fake(files) => match lock(files).get(path) {
                Some(bytes) if bytes.len() as u64 > limit => Err(too_large(limit)),
                Some(bytes) => Ok(bytes.clone()),
                None => Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file in the fake file system",
                )),
            },
        }
    }

    /// [`Self::read`] blocking the calling thread, for synchronous callers outside an async
    /// context (the blocking region lookup). Same limit.
    pub fn read_blocking(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match &self.0 {
            FsInner::Real => read_capped(path, MAX_FILE_SIZE),
            FsInner::Fake(files) => match lock(files).get(path) {
                Some(bytes) if bytes.len() as u64 > MAX_FILE_SIZE => Err(too_large(MAX_FILE_SIZE)),
                Some(bytes) => Ok(bytes.clone()),
                None => Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file in the fake file system",
                )),
            },
        }
    }
}

fn lock(
    files: &std::sync::Mutex<BTreeMap<PathBuf, Vec<u8>>>,
) -> std::sync::MutexGuard<'_, BTreeMap<PathBuf, Vec<u8>>> {
    // Plain data: a panic elsewhere while holding the lock leaves nothing half-done.
    files.lock().unwrap_or_else(|p| p.into_inner())
}

fn write_replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = options
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "too large" without reading
    // the rest (an endless `/dev/zero` included).
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("the file is larger than the {limit}-byte limit"),
    )
}

// File contents may be secrets: show only how many there are.
impl fmt::Debug for Fs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            FsInner::Real => f.write_str("Fs::Real"),
            FsInner::Fake(files) => write!(f, "Fs::Fake({} files)", lock(files).len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_fake_fs_has_only_its_files_and_applies_the_limit() {
        let fs = Fs::from_map([("/a", b"abc".to_vec()), ("/big", vec![b'x'; 10])]);
        assert_eq!(fs.read(Path::new("/a")).await.unwrap(), b"abc");
        let missing = fs.read(Path::new("/b")).await.unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        let big = fs.read_limited(Path::new("/big"), 9).await.unwrap_err();
        assert_eq!(big.kind(), std::io::ErrorKind::InvalidData);
        assert!(big.to_string().contains("9-byte limit"), "{big}");
        assert_eq!(
            fs.read_limited(Path::new("/big"), 10).await.unwrap().len(),
            10
        );
        assert_eq!(format!("{fs:?}"), "Fs::Fake(2 files)");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_real_fs_stops_reading_past_the_limit() {
        // An endless file: only limit + 1 bytes are ever read.
        let err = Fs::real()
            .read_limited(Path::new("/dev/zero"), 4096)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }
}
