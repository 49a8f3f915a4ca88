//! The AWS region a client talks to when the user does not name one.

use crate::credentials::{config_file, lookup_profile, profile_name, Env, FileKind, Lookup};

/// The region from the process environment: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then
/// the `region` of the active profile (`AWS_PROFILE`, else `default`) in the config file
/// (`AWS_CONFIG_FILE`, else `~/.aws/config`), as the AWS CLI reads it.
pub fn region_from_env() -> Option<String> {
    region_from(&Env::process())
}

/// [`region_from_env`] reading `env` instead of the process environment.
///
/// A config file that cannot be read or parsed gives no region; the reason is logged as a
/// warning, since the caller will report the missing region anyway.
pub fn region_from(env: &Env) -> Option<String> {
    if let Some(region) = env
        .get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
    {
        return Some(region.trim().to_owned());
    }
    let path = config_file(env)?;
    match lookup_profile(Some(&path), FileKind::Config, &profile_name(env)) {
        Ok(Lookup::Found(profile)) => profile
            .get("region")
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
        Ok(Lookup::FileMissing | Lookup::ProfileMissing) => None,
        Err(e) => {
            tracing::warn!("no region from the AWS config file: {e}");
            None
        }
    }
}
