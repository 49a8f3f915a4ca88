//! Credentials providers, the region lookup, and that no secret reaches `Debug` or an error.
//!
//! Nothing here touches the process environment: every provider reads an injected `Env`, and
//! the shared files are written to unique temporary directories.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_lite_runtime::credentials::{
    CachedProvider, Credentials, CredentialsError, CredentialsErrorKind, DefaultCredentialsChain,
    Env, EnvironmentProvider, ProfileProvider, ProvideCredentials, SharedCredentialsProvider,
};
use aws_lite_runtime::http::BoxFuture;
use aws_lite_runtime::region::region_from;

const SECRET: &str = "s3cr3t-wJalrXUtnFEMI";
const TOKEN: &str = "t0k3n-FwoGZXIvYXdzE";

/// A fresh directory under the system temp dir, removed on drop.
struct TempHome {
    dir: PathBuf,
}

impl TempHome {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "aws-lite-runtime-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        Self { dir }
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.dir.join(relative);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn home(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }

    fn env(&self, extra: &[(&str, &str)]) -> Env {
        let mut vars = vec![("HOME".to_owned(), self.home())];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env::from_vars(vars)
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn provide(p: &dyn ProvideCredentials) -> Result<Credentials, CredentialsError> {
    p.provide_credentials().await
}

#[tokio::test]
async fn environment_provider_reads_the_three_variables() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]);
    let c = provide(&EnvironmentProvider::with_env(env)).await.unwrap();
    assert_eq!(c.access_key_id(), "AKIDENV");
    assert_eq!(c.secret_access_key(), SECRET);
    assert_eq!(c.session_token(), Some(TOKEN));
    assert_eq!(c.expiry(), None);
    assert_eq!(c.provider_name(), "environment");

    // Blank counts as unset.
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", " "),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]);
    let e = provide(&EnvironmentProvider::with_env(env))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotLoaded);

    // A key without its secret is a configuration error, and says so without the key.
    let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKIDENV")]);
    let e = provide(&EnvironmentProvider::with_env(env))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("AWS_SECRET_ACCESS_KEY"), "{e}");
}

#[tokio::test]
async fn profile_provider_reads_default_files_in_home() {
    let home = TempHome::new("profile-default");
    home.write(
        ".aws/credentials",
        &format!(
            "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = {SECRET}\n\n[other]\naws_access_key_id=AKIDOTHER\naws_secret_access_key={SECRET}\naws_session_token={TOKEN}\n"
        ),
    );
    let c = provide(&ProfileProvider::with_env(home.env(&[])))
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDDEFAULT");
    assert_eq!(c.secret_access_key(), SECRET);
    assert_eq!(c.session_token(), None);
    assert_eq!(c.provider_name(), "profile");

    let c = provide(&ProfileProvider::with_env(
        home.env(&[("AWS_PROFILE", "other")]),
    ))
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "AKIDOTHER");
    assert_eq!(c.session_token(), Some(TOKEN));

    // An explicit profile beats AWS_PROFILE.
    let c = provide(
        &ProfileProvider::with_env(home.env(&[("AWS_PROFILE", "other")])).profile("default"),
    )
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "AKIDDEFAULT");
}

#[tokio::test]
async fn config_file_uses_profile_prefix_and_credentials_file_wins() {
    let home = TempHome::new("profile-merge");
    home.write(
        ".aws/config",
        "[default]\nregion = us-east-1\n\n[profile dev]   ; comment\naws_access_key_id = AKIDFROMCONFIG\naws_secret_access_key = config-secret\nregion = eu-west-1\n\n[dev]\naws_access_key_id = IGNORED\n",
    );
    // Only the config file has the profile: its keys are used (`[dev]` without the prefix is not it).
    let env = home.env(&[("AWS_PROFILE", "dev")]);
    let c = provide(&ProfileProvider::with_env(env.clone()))
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDFROMCONFIG");
    assert_eq!(c.secret_access_key(), "config-secret");

    // The credentials file wins for a key in both; the rest still comes from config.
    home.write(
        ".aws/credentials",
        "[dev]\naws_access_key_id = AKIDFROMCREDENTIALS\n",
    );
    let c = provide(&ProfileProvider::with_env(env)).await.unwrap();
    assert_eq!(c.access_key_id(), "AKIDFROMCREDENTIALS");
    assert_eq!(c.secret_access_key(), "config-secret");
}

#[tokio::test]
async fn file_variables_override_the_default_paths() {
    let home = TempHome::new("profile-override");
    home.write(
        ".aws/credentials",
        &format!("[default]\naws_access_key_id=AKIDHOME\naws_secret_access_key={SECRET}\n"),
    );
    let other = home.write(
        "elsewhere-credentials",
        &format!("[default]\naws_access_key_id=AKIDELSEWHERE\naws_secret_access_key={SECRET}\n"),
    );
    let env = home.env(&[("AWS_SHARED_CREDENTIALS_FILE", &other.to_string_lossy())]);
    let c = provide(&ProfileProvider::with_env(env)).await.unwrap();
    assert_eq!(c.access_key_id(), "AKIDELSEWHERE");

    // `~/` in a variable is the home directory.
    home.write(
        "my-config",
        &format!("[profile x]\naws_access_key_id=AKIDTILDE\naws_secret_access_key={SECRET}\n"),
    );
    let env = home.env(&[
        ("AWS_CONFIG_FILE", "~/my-config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "~/none"),
        ("AWS_PROFILE", "x"),
    ]);
    let c = provide(&ProfileProvider::with_env(env)).await.unwrap();
    assert_eq!(c.access_key_id(), "AKIDTILDE");
}

#[tokio::test]
async fn profile_provider_says_what_is_missing() {
    let home = TempHome::new("profile-missing");
    let e = provide(&ProfileProvider::with_env(home.env(&[])))
        .await
        .unwrap_err();
    assert!(e.is_not_loaded());
    assert!(
        e.to_string()
            .contains("no shared credentials or config file"),
        "{e}"
    );

    home.write(
        ".aws/config",
        "[profile sso]\nsso_session = corp\nregion = us-east-1\n",
    );
    let e = provide(&ProfileProvider::with_env(
        home.env(&[("AWS_PROFILE", "nope")]),
    ))
    .await
    .unwrap_err();
    // A profile asked for by name and missing stops a chain (as in the official SDKs):
    // going on would silently use another identity.
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("profile `nope` not found"), "{e}");

    let e = provide(&ProfileProvider::with_env(
        home.env(&[("AWS_PROFILE", "sso")]),
    ))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("sso-session named `corp`"), "{e}");

    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDLONELY\n",
    );
    let e = provide(&ProfileProvider::with_env(home.env(&[])))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
}

#[tokio::test]
async fn malformed_file_error_names_file_and_line_but_not_the_secret() {
    let home = TempHome::new("profile-malformed");
    let path = home.write(
        ".aws/credentials",
        &format!("[default]\naws_access_key_id = AKID\naws_secret_access_key {SECRET}\n"),
    );
    let e = provide(&ProfileProvider::with_env(home.env(&[])))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    // The file and the line are the cause's to say (the error's source).
    let mut shown = format!("{e:?} {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        shown.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(shown.contains("on line 3"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn default_chain_prefers_env_then_profile_and_reports_both() {
    let home = TempHome::new("chain");
    let env_vars = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];

    // Nothing anywhere (IMDS off: this test talks to no network): every provider is named
    // in the error.
    let e = provide(&DefaultCredentialsChain::with_env(
        home.env(&[("AWS_EC2_METADATA_DISABLED", "true")]),
    ))
    .await
    .unwrap_err();
    assert!(e.is_not_loaded());
    let text = e.to_string();
    assert!(
        text.contains("environment: AWS_ACCESS_KEY_ID is not set"),
        "{text}"
    );
    assert!(text.contains("profile: no shared credentials"), "{text}");
    assert!(
        text.contains("container: No environment variables were set"),
        "{text}"
    );
    assert!(
        text.contains("IMDS: the credential provider was not enabled"),
        "{text}"
    );

    home.write(
        ".aws/credentials",
        &format!("[default]\naws_access_key_id=AKIDPROFILE\naws_secret_access_key={SECRET}\n"),
    );
    let c = provide(&DefaultCredentialsChain::with_env(home.env(&[])))
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDPROFILE");

    let c = provide(&DefaultCredentialsChain::with_env(home.env(&env_vars)))
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDENV");

    // A broken environment stops the chain instead of falling through to the profile.
    let e = provide(&DefaultCredentialsChain::with_env(
        home.env(&[("AWS_ACCESS_KEY_ID", "AKIDENV")]),
    ))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    // Its own level names the provider; the provider's error is the source, said once.
    assert!(e.to_string().contains("environment provider"), "{e}");
    let chain = aws_lite_runtime::error::DisplayErrorChain(&e).to_string();
    assert!(chain.contains("AWS_SECRET_ACCESS_KEY"), "{chain}");
    assert_eq!(chain.matches("AWS_SECRET_ACCESS_KEY").count(), 1, "{chain}");
}

/// Counts calls and hands out credentials expiring `valid_for` after each call.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    valid_for: Option<Duration>,
    delay: Duration,
    fail_after: usize,
}

impl Counting {
    fn new(valid_for: Option<Duration>) -> Self {
        Self {
            calls: AtomicUsize::new(0),
            valid_for,
            delay: Duration::ZERO,
            fail_after: usize::MAX,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(self.delay).await;
            if n > self.fail_after {
                return Err(CredentialsError::provider_error("refresh failed"));
            }
            Ok(Credentials::new(
                format!("AKID{n}"),
                SECRET,
                Some(TOKEN.to_owned()),
                self.valid_for.map(|d| SystemTime::now() + d),
                "counting",
            ))
        })
    }
}

#[tokio::test]
async fn cache_keeps_credentials_until_the_buffer_before_expiry() {
    // No expiry: fetched once.
    let cache = CachedProvider::new(Counting::new(None));
    for _ in 0..3 {
        assert_eq!(provide(&cache).await.unwrap().access_key_id(), "AKID1");
    }

    // An hour left: cached.
    let inner = Arc::new(Counting::new(Some(Duration::from_secs(3600))));
    let cache = CachedProvider::new(inner.clone());
    provide(&cache).await.unwrap();
    provide(&cache).await.unwrap();
    assert_eq!(inner.calls(), 1);

    // Four minutes left is inside the default 5-minute buffer: refreshed every time.
    let inner = Arc::new(Counting::new(Some(Duration::from_secs(240))));
    let cache = CachedProvider::new(inner.clone());
    provide(&cache).await.unwrap();
    assert_eq!(provide(&cache).await.unwrap().access_key_id(), "AKID2");
    assert_eq!(inner.calls(), 2);

    // With a one-minute buffer the same credentials are fresh enough.
    let inner = Arc::new(Counting::new(Some(Duration::from_secs(240))));
    let cache = CachedProvider::new(inner.clone()).with_buffer(Duration::from_secs(60));
    provide(&cache).await.unwrap();
    provide(&cache).await.unwrap();
    assert_eq!(inner.calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_runs_one_refresh_for_concurrent_callers() {
    let mut counting = Counting::new(Some(Duration::from_secs(3600)));
    counting.delay = Duration::from_millis(50);
    let inner = Arc::new(counting);
    let cache: SharedCredentialsProvider = Arc::new(CachedProvider::new(inner.clone()));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move {
                cache
                    .provide_credentials()
                    .await
                    .map(|c| c.access_key_id().to_owned())
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "AKID1");
    }
    assert_eq!(inner.calls(), 1);
}

#[tokio::test]
async fn failed_refresh_serves_unexpired_credentials_only() {
    // Inside the buffer but not expired: a failed refresh keeps the old credentials.
    let mut counting = Counting::new(Some(Duration::from_secs(240)));
    counting.fail_after = 1;
    let cache = CachedProvider::new(counting);
    assert_eq!(provide(&cache).await.unwrap().access_key_id(), "AKID1");
    assert_eq!(provide(&cache).await.unwrap().access_key_id(), "AKID1");

    // Already expired: the error comes through.
    let mut counting = Counting::new(Some(Duration::ZERO));
    counting.fail_after = 1;
    let cache = CachedProvider::new(counting);
    provide(&cache).await.unwrap();
    let e = provide(&cache).await.unwrap_err();
    assert_eq!(e.to_string(), "refresh failed");
}

#[tokio::test]
async fn nothing_prints_a_secret() {
    let credentials = Credentials::new("AKIDSHOWN", SECRET, Some(TOKEN.to_owned()), None, "static");
    let debug = format!("{credentials:?}");
    assert!(
        debug.contains("AKIDSHOWN") && debug.contains("static"),
        "{debug}"
    );
    assert!(debug.contains("** redacted **"), "{debug}");

    let cache = CachedProvider::new(credentials.clone());
    provide(&cache).await.unwrap();
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDSHOWN"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]);
    let chain = DefaultCredentialsChain::with_env(env.clone());
    let error = CredentialsError::invalid_configuration("broken");

    let mut request = http::Request::builder()
        .uri("https://ivs.us-west-2.amazonaws.com/ListChannels")
        .body(aws_lite_runtime::http::Bytes::from_static(b"{}"))
        .unwrap();
    let params = aws_lite_runtime::sigv4::SigningParams {
        credentials: &credentials,
        region: "us-west-2",
        service: "ivs",
        time: SystemTime::now(),
    };
    let output = aws_lite_runtime::sigv4::sign_request_with(
        &mut request,
        &params,
        &aws_lite_runtime::sigv4::SigningSettings::default(),
    )
    .unwrap();
    assert!(output.canonical_request().as_str().contains(TOKEN));

    for shown in [
        debug,
        format!("{cache:?}"),
        format!("{env:?}"),
        format!("{chain:?}"),
        format!("{error:?} {error}"),
        format!("{params:?}"),
        format!("{output:?}"),
        format!("{request:?}"),
    ] {
        assert!(!shown.contains(SECRET), "secret in {shown}");
        assert!(!shown.contains(TOKEN), "session token in {shown}");
    }
}

#[test]
fn region_comes_from_env_then_the_config_file() {
    let home = TempHome::new("region");
    home.write(
        ".aws/config",
        "[default]\nregion = us-east-2\n[profile eu]\nregion = eu-central-1 # trailing comment\n",
    );
    home.write(".aws/credentials", "[nothere]\nregion = ap-south-1\n");
    assert_eq!(region_from(&home.env(&[])).as_deref(), Some("us-east-2"));
    assert_eq!(
        region_from(&home.env(&[("AWS_PROFILE", "eu")])).as_deref(),
        Some("eu-central-1")
    );
    // Profiles of both files are merged, as the official Rust SDK does: a region set in the
    // credentials file counts too.
    assert_eq!(
        region_from(&home.env(&[("AWS_PROFILE", "nothere")])).as_deref(),
        Some("ap-south-1")
    );
    assert_eq!(region_from(&home.env(&[("AWS_PROFILE", "nowhere")])), None);
    assert_eq!(
        region_from(&home.env(&[("AWS_DEFAULT_REGION", "sa-east-1")])).as_deref(),
        Some("sa-east-1")
    );
    assert_eq!(
        region_from(&home.env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "sa-east-1")
        ]))
        .as_deref(),
        Some("us-west-2")
    );
    let config = home.write("custom-config", "[profile c]\nregion=ca-central-1\n");
    assert_eq!(
        region_from(&home.env(&[
            ("AWS_CONFIG_FILE", &config.to_string_lossy()),
            ("AWS_PROFILE", "c")
        ]))
        .as_deref(),
        Some("ca-central-1")
    );
    // No home, no variables: no region, and no panic.
    assert_eq!(
        region_from(&Env::from_vars(Vec::<(String, String)>::new())),
        None
    );
    // A malformed file gives no region rather than an error.
    home.write(".aws/config", "region = us-east-1\n");
    assert_eq!(region_from(&home.env(&[])), None);
}

/// Issue 16: a FIFO as the credentials file (nothing ever writes to it) must not hang a call
/// past its timeout. The file is read on the blocking pool, so even a single-threaded runtime
/// keeps running its timers while the read waits.
#[cfg(unix)]
#[tokio::test(flavor = "current_thread")]
async fn a_fifo_credentials_file_ends_within_the_operation_timeout() {
    use aws_lite_runtime::config::{ClientConfig, TimeoutConfig};
    use aws_lite_runtime::http::CaptureClient;
    use aws_lite_runtime::orchestrator::{Handle, OperationSpec, ServiceSpec};

    let home = TempHome::new("fifo");
    let fifo = home.dir.join(".aws").join("credentials");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo failed");

    static SERVICE: ServiceSpec = ServiceSpec {
        service_id: "ivs",
        signing_name: "ivs",
        user_agent: "ivs/0.1.0",
        endpoint_rules: r#"{"version": "1.0", "parameters": {}, "rules": [{"conditions": [], "endpoint": {"url": "https://example.com"}, "type": "endpoint"}]}"#,
        partitions: r#"{"version": "1.1", "partitions": []}"#,
    };
    static OP: OperationSpec = OperationSpec {
        name: "ListChannels",
        retryable_errors: &[],
    };
    let capture = CaptureClient::new();
    let config = ClientConfig::builder()
        .region("us-west-2")
        .credentials_provider(CachedProvider::new(ProfileProvider::with_env(
            home.env(&[]),
        )))
        .http_client(capture.clone())
        .timeouts(TimeoutConfig::default().with_operation(Some(Duration::from_millis(300))))
        .build();
    let handle = Handle::new(config, &SERVICE);
    let request = aws_lite_runtime::http::json_request(
        "POST",
        "/ListChannels",
        &aws_lite_runtime::json::Value::Object(Default::default()),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(10), handle.send(&OP, request)).await;
    let elapsed = started.elapsed();
    let result = outcome.expect("the call hung past its operation timeout");
    let error = result.expect_err("no credentials can come from a FIFO nobody writes");
    assert!(error.to_string().contains("timeout"), "{error}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(capture.requests().is_empty());
    // Unblock the pool thread still waiting to open the FIFO, so the test leaves nothing behind.
    let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
}

/// Issue 16: a 10 MiB credentials file is refused with an error naming the file and the limit,
/// without reading it whole.
#[tokio::test]
async fn a_ten_mib_credentials_file_is_refused() {
    let home = TempHome::new("huge");
    let mut text =
        format!("[default]\naws_access_key_id = AKIDHUGE\naws_secret_access_key = {SECRET}\n");
    text.push_str(&"# padding\n".repeat(1024 * 1024));
    assert!(text.len() >= 10 * 1024 * 1024);
    let path = home.write(".aws/credentials", &text);
    let e = provide(&ProfileProvider::with_env(home.env(&[])))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    let shown = format!("{e} {e:?}");
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(shown.contains("1048576-byte limit"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
}

fn sts_answer(key: &str, account: &str) -> String {
    format!(
        "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/r/s</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey>\
         <SessionToken>{TOKEN}</SessionToken><Expiration>2031-01-01T00:00:00Z</Expiration></Credentials>\
         </AssumeRoleResult></AssumeRoleResponse>"
    )
}

/// A two-role chain: static keys of C, then B's role (signed with C's keys), then A's role
/// (signed with B's credentials), with A's external id and session name.
#[tokio::test]
async fn a_role_chain_assumes_each_role_with_the_previous_credentials() {
    use aws_lite_runtime::credentials::{Fs, ProviderConfig};
    use aws_lite_runtime::http::{Bytes, Replay, ReplayClient};

    let config = "[profile A]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = B\nexternal_id = ext-1\nrole_session_name = sess-a\nregion = eu-west-3\n\
                  [profile B]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = C\n\
                  [profile C]\naws_access_key_id = AKIDC\naws_secret_access_key = secret-c\n";
    let replay = ReplayClient::new();
    for (key, account) in [("ASIAB", "222222222222"), ("ASIAA", "111111111111")] {
        replay.push(Replay::Response(
            http::Response::builder()
                .status(200)
                .body(Bytes::from(sts_answer(key, account)))
                .unwrap(),
        ));
    }
    let provider = ProfileProvider::with_config(
        ProviderConfig::empty()
            .with_env(Env::from_vars([("HOME", "/h"), ("AWS_PROFILE", "A")]))
            .with_fs(Fs::from_map([("/h/.aws/config", config)]))
            .with_http_client(Arc::new(replay.clone())),
    );
    let c = provide(&provider).await.unwrap();
    assert_eq!(c.access_key_id(), "ASIAA");
    assert_eq!(c.account_id(), Some("111111111111"));
    assert_eq!(
        c.expiry()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        1924992000
    );
    let requests = replay.requests();
    assert_eq!(requests.len(), 2);
    let auth = |i: usize| {
        requests[i].headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(requests[0].uri(), "https://sts.eu-west-3.amazonaws.com/");
    assert!(auth(0).contains("Credential=AKIDC/"), "{}", auth(0));
    assert!(
        auth(0).contains("/eu-west-3/sts/aws4_request"),
        "{}",
        auth(0)
    );
    assert!(auth(1).contains("Credential=ASIAB/"), "{}", auth(1));
    assert_eq!(requests[1].headers()["x-amz-security-token"], TOKEN);
    let body = |i: usize| String::from_utf8(requests[i].body().to_vec()).unwrap();
    assert!(body(0).starts_with("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FB&RoleSessionName=assume-role-from-profile-"), "{}", body(0));
    assert_eq!(
        body(1),
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA&RoleSessionName=sess-a&ExternalId=ext-1"
    );

    // A loop is refused before anything is sent.
    let looped = "[profile A]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = B\n\
                  [profile B]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = A\n";
    let replay = ReplayClient::new();
    let provider = ProfileProvider::with_config(
        ProviderConfig::empty()
            .with_env(Env::from_vars([("HOME", "/h"), ("AWS_PROFILE", "A")]))
            .with_fs(Fs::from_map([("/h/.aws/config", looped)]))
            .with_http_client(Arc::new(replay.clone())),
    );
    let e = provide(&provider).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("infinite loop: A -> B -> A"), "{e}");
    assert!(replay.requests().is_empty());
}

/// The environment's web identity link: absent, half-configured, a bad token file, and the
/// request it sends (unsigned, the token trimmed, the session name from the environment).
#[tokio::test]
async fn web_identity_from_the_environment() {
    use aws_lite_runtime::credentials::{Fs, ProviderConfig, WebIdentityTokenProvider};
    use aws_lite_runtime::http::{Bytes, Replay, ReplayClient};

    let run = |vars: Vec<(&'static str, &'static str)>,
               files: Vec<(&'static str, &'static str)>| {
        let replay = ReplayClient::new();
        let provider = WebIdentityTokenProvider::from_env(
            ProviderConfig::empty()
                .with_env(Env::from_vars(vars))
                .with_fs(Fs::from_map(files))
                .with_http_client(Arc::new(replay.clone())),
        );
        (provider, replay)
    };
    let (p, _) = run(vec![("AWS_ROLE_ARN", "arn:aws:iam::1:role/r")], vec![]);
    assert!(provide(&p).await.unwrap_err().is_not_loaded());

    let (p, _) = run(
        vec![("AWS_WEB_IDENTITY_TOKEN_FILE", "/t")],
        vec![("/t", "jwt")],
    );
    let e = provide(&p).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("AWS_ROLE_ARN"), "{e}");

    let role = ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r");
    let (p, replay) = run(
        vec![("AWS_WEB_IDENTITY_TOKEN_FILE", "/missing"), role],
        vec![],
    );
    let e = provide(&p).await.unwrap_err();
    assert!(e.to_string().contains("/missing"), "{e}");
    assert!(replay.requests().is_empty());
    let (p, _) = run(
        vec![("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"), role],
        vec![("/t", " \n")],
    );
    assert!(provide(&p).await.unwrap_err().to_string().contains("empty"));

    let (p, replay) = run(
        vec![
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            role,
            ("AWS_ROLE_SESSION_NAME", "my-pod"),
            ("AWS_REGION", "ap-south-1"),
        ],
        vec![("/t", "header.payload.sig\n")],
    );
    let answer = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><AssumedRoleUser>\
                  <Arn>arn:aws:sts::999988887777:assumed-role/r/my-pod</Arn></AssumedRoleUser><Credentials>\
                  <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey>\
                  <SessionToken>web-token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>\
                  </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    replay.push(Replay::Response(
        http::Response::builder()
            .status(200)
            .body(Bytes::from_static(answer.as_bytes()))
            .unwrap(),
    ));
    let c = provide(&p).await.unwrap();
    assert_eq!(c.access_key_id(), "ASIAWEB");
    assert_eq!(c.account_id(), Some("999988887777"));
    let requests = replay.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].uri(), "https://sts.ap-south-1.amazonaws.com/");
    assert!(requests[0].headers().get("authorization").is_none());
    assert_eq!(
        requests[0].body(),
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr\
         &RoleSessionName=my-pod&WebIdentityToken=header.payload.sig"
    );
}
