//! Credentials printed by an external program: the profile's `credential_process`.
//!
//! The command line is split into words as a POSIX shell would (quotes and backslashes,
//! through the `shlex` crate) and the program runs directly, without a shell, as the AWS CLI
//! runs it: no pipes, redirections, variables or globs, so a profile value can never become a
//! shell script. The program runs off the executor (its output read on a blocking thread), killed if the call is
//! dropped (an operation timeout), its standard input closed and its standard error passed
//! through (prompts and diagnostics reach the user). Standard output must be, within 64 KiB,
//! the JSON document of the AWS CLI's contract:
//!
//! ```json
//! {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "...",
//!  "Expiration": "2030-01-01T00:00:00Z", "AccountId": "123456789012"}
//! ```
//!
//! `SessionToken`, `Expiration` and `AccountId` are optional; without `AccountId`, the
//! profile's `aws_account_id` is used. Errors name the program (never its arguments, which
//! may hold secrets) and what is wrong, never the output.

use std::io::Read as _;
use std::process::Stdio;
use std::time::Duration;

use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;
use crate::json::Value;

/// The most output read from the program.
const MAX_OUTPUT: u64 = 64 * 1024;

/// How often the exit of a program that closed its output is checked.
const EXIT_POLL: Duration = Duration::from_millis(5);

/// A running program, killed and reaped when dropped unless taken out first.
struct KillOnDrop(Option<std::process::Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            // Reaped off the executor: `wait` returns at once after a kill.
            std::thread::spawn(move || child.wait());
        }
    }
}

/// Runs a `credential_process` command; see the [module](self) documentation.
#[derive(Clone)]
pub struct CredentialProcessProvider {
    command: String,
    account_id: Option<String>,
}

impl CredentialProcessProvider {
    /// Runs `command` (split into words, no shell); `account_id` is the fallback account.
    pub fn new(command: impl Into<String>, account_id: Option<String>) -> Self {
        Self {
            command: command.into(),
            account_id,
        }
    }

    /// The program, without its arguments (which may hold secrets), for messages.
    fn program(&self) -> String {
        shlex::split(&self.command)
            .and_then(|words| words.into_iter().next())
            .unwrap_or_else(|| "<unparseable command>".to_owned())
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let words = shlex::split(&self.command).ok_or_else(|| {
            CredentialsError::invalid_configuration(
                "credential_process: the command has an unclosed quote or a trailing backslash",
            )
        })?;
        let Some((program, args)) = words.split_first() else {
            return Err(CredentialsError::invalid_configuration(
                "credential_process is empty",
            ));
        };
        let failed = |what: String| {
            CredentialsError::provider_error(format!(
                "Error retrieving credentials from external process `{program}`: {what}"
            ))
        };
        // std's process API on a blocking thread rather than tokio's `process` feature, which
        // would add signal handling (and a crate) to every build for this one provider.
        let mut child = std::process::Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| failed(format!("cannot run it: {e}")))?;
        let stdout = child.stdout.take();
        // Killed and reaped if this future is dropped (an operation timeout) before it ends.
        let mut child = KillOnDrop(Some(child));
        let read = tokio::task::spawn_blocking(move || {
            let mut output = Vec::new();
            if let Some(stdout) = stdout {
                stdout.take(MAX_OUTPUT + 1).read_to_end(&mut output)?;
            }
            Ok::<_, std::io::Error>(output)
        });
        let output = read
            .await
            .map_err(|e| failed(format!("cannot read its output: {e}")))?
            .map_err(|e| failed(format!("cannot read its output: {e}")))?;
        if output.len() as u64 > MAX_OUTPUT {
            return Err(failed(format!(
                "its output is longer than {MAX_OUTPUT} bytes"
            )));
        }
        // Its output is closed; poll for the exit rather than block a thread on `wait`, so a
        // program that closes its output and hangs is still killed by a timeout.
        let status = loop {
            let polled = child.0.as_mut().map(std::process::Child::try_wait);
            match polled {
                Some(Ok(Some(status))) => break status,
                Some(Ok(None)) => tokio::time::sleep(EXIT_POLL).await,
                Some(Err(e)) => return Err(failed(format!("cannot wait for it: {e}"))),
                None => unreachable!("the child is only taken on drop"),
            }
        };
        child.0 = None;
        if !status.success() {
            return Err(failed(format!("external process exited with {status}")));
        }
        parse(&output, self.account_id.as_deref())
            .map_err(|what| failed(format!("could not parse response: {what}")))
    }
}

/// The credentials of the program's output, or what is wrong with it (never its text).
pub(crate) fn parse(output: &[u8], fallback_account: Option<&str>) -> Result<Credentials, String> {
    let value =
        crate::json::from_slice(output).map_err(|_| "invalid JSON in response".to_owned())?;
    let object = value
        .as_object()
        .ok_or_else(|| "the response is not a JSON object".to_owned())?;
    match object.get("Version").and_then(Value::as_i64) {
        Some(1) => {}
        Some(v) => return Err(format!("unsupported Version {v} (only 1 is)")),
        None => return Err("`Version` is missing or not a number".to_owned()),
    }
    let string = |key: &str| -> Result<Option<&str>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.as_str())),
            Some(_) => Err(format!("`{key}` must be a non-empty string")),
        }
    };
    let required = |key: &str| string(key)?.ok_or_else(|| format!("`{key}` is missing"));
    let access_key_id = required("AccessKeyId")?;
    let secret = required("SecretAccessKey")?;
    let token = string("SessionToken")?;
    let expiry = match string("Expiration")? {
        None => None,
        Some(text) => Some(
            crate::time::DateTime::from_str(text, crate::time::Format::DateTime)
                .ok()
                .and_then(|t| t.to_system_time())
                .ok_or_else(|| "`Expiration` is not an RFC 3339 date-time".to_owned())?,
        ),
    };
    let mut credentials = Credentials::new(
        access_key_id,
        secret,
        token.map(str::to_owned),
        expiry,
        "credential_process",
    );
    if let Some(account) = string("AccountId")?.or(fallback_account) {
        credentials = credentials.with_account_id(account);
    }
    Ok(credentials)
}

// The command line may carry secrets in its arguments: show the program only.
impl std::fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialProcessProvider")
            .field("program", &self.program())
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    const SECRET: &str = "pr0cess-s3cret";

    #[test]
    fn output_is_validated() {
        let ok = format!(
            r#"{{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "{SECRET}",
               "SessionToken": "tok", "Expiration": "2022-05-02T18:36:00+00:00"}}"#
        );
        let c = parse(ok.as_bytes(), Some("111122223333")).unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token(), Some("tok"));
        assert_eq!(c.account_id(), Some("111122223333"));
        assert_eq!(
            c.expiry().unwrap(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1651516560)
        );
        let with_account = ok.replace(
            "\"Version\"",
            "\"AccountId\": \"444455556666\", \"Version\"",
        );
        let c = parse(with_account.as_bytes(), Some("111122223333")).unwrap();
        assert_eq!(c.account_id(), Some("444455556666"));

        for (bad, why) in [
            ("not json", "invalid JSON"),
            ("[1]", "not a JSON object"),
            (r#"{"AccessKeyId": "A", "SecretAccessKey": "S"}"#, "Version"),
            (
                r#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}"#,
                "unsupported Version 2",
            ),
            (
                r#"{"Version": 1, "SecretAccessKey": "S"}"#,
                "`AccessKeyId` is missing",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": 5}"#,
                "`SecretAccessKey` must be",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "soon"}"#,
                "Expiration",
            ),
        ] {
            let e = parse(bad.as_bytes(), None).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn runs_without_a_shell_and_reports_failures_without_arguments() {
        let json = format!(
            r#"{{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "{SECRET}"}}"#
        );
        // Quoted as a shell would: one argument, printed as is.
        let command = format!("printf '%s' '{json}'");
        let c = CredentialProcessProvider::new(command, None)
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(c.access_key_id(), "AKIDPROC");
        assert_eq!(c.secret_access_key(), SECRET);

        // No shell: `|` is an argument of echo, so the output is not JSON.
        let e = CredentialProcessProvider::new(format!("echo '{json}' | cat"), None)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("invalid JSON"), "{e}");
        assert!(!e.to_string().contains(SECRET), "{e}");

        let e = CredentialProcessProvider::new(format!("false {SECRET}"), None)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("`false`"), "{e}");
        assert!(e.to_string().contains("exit status: 1"), "{e}");
        let provider = CredentialProcessProvider::new(format!("false {SECRET}"), None);
        assert!(!format!("{provider:?}").contains(SECRET));

        let e = CredentialProcessProvider::new("/no/such/program", None)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("cannot run it"), "{e}");
        let e = CredentialProcessProvider::new("'unclosed", None)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("unclosed quote"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_timed_out_program_is_killed_and_reaped() {
        // The program writes its pid, then hangs; after the timeout it must be gone from
        // /proc (killed, and waited for, so not even a zombie is left).
        let pid_file = std::env::temp_dir().join(format!("cp-pid-{}", std::process::id()));
        let _ = std::fs::remove_file(&pid_file);
        let command = format!("sh -c 'echo $$ > {}; exec sleep 30'", pid_file.display());
        let provider = CredentialProcessProvider::new(command, None);
        let outcome =
            tokio::time::timeout(Duration::from_secs(1), provider.provide_credentials()).await;
        assert!(outcome.is_err(), "the call ends at the timeout");
        let pid = std::fs::read_to_string(&pid_file).expect("the program wrote its pid");
        let _ = std::fs::remove_file(&pid_file);
        let proc_dir = std::path::PathBuf::from(format!("/proc/{}", pid.trim()));
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while proc_dir.exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!proc_dir.exists(), "process {} still exists", pid.trim());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_hanging_program_is_killed_when_the_call_times_out() {
        let provider = CredentialProcessProvider::new("sleep 30", None);
        let started = std::time::Instant::now();
        let outcome =
            tokio::time::timeout(Duration::from_millis(200), provider.provide_credentials()).await;
        assert!(outcome.is_err());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
