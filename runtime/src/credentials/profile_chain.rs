//! How a profile gets its credentials, resolved before anything runs: a base provider
//! (static keys, a named source, a web identity token, SSO, a process) and the roles to
//! assume on top of it, innermost first. The rules are the official SDKs' (checked by
//! `assume-role-tests.json`, run whole in the tests below).

use super::profile_file::{Profile, ProfileSet};
use super::CredentialsError;

/// Where the chain starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BaseProvider {
    /// `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`, `aws_account_id`.
    AccessKey(StaticKeys),
    /// `credential_source = Environment | Ec2InstanceMetadata | EcsContainer`.
    NamedSource(String),
    /// `web_identity_token_file` with `role_arn` (and `role_session_name`).
    WebIdentityToken {
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    },
    /// `sso_session` (or the legacy `sso_start_url` + `sso_region`), with `sso_account_id`
    /// and `sso_role_name` for credentials (without them the profile yields a token only).
    Sso(SsoProfile),
    /// `credential_process`, and the profile's `aws_account_id` as the fallback account.
    CredentialProcess {
        command: String,
        account_id: Option<String>,
    },
}

/// Static keys of a profile. `Debug` leaves the secret and the token out.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct StaticKeys {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
    pub(crate) account_id: Option<String>,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// The SSO settings of a profile (and its `sso-session` section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoProfile {
    pub(crate) session_name: Option<String>,
    pub(crate) region: String,
    pub(crate) start_url: String,
    pub(crate) account_id: Option<String>,
    pub(crate) role_name: Option<String>,
}

/// A role to assume with the credentials of the link before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleArn {
    pub(crate) role_arn: String,
    pub(crate) external_id: Option<String>,
    pub(crate) session_name: Option<String>,
}

/// A resolved profile: the base provider, then the roles to assume in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileChain {
    pub(crate) base: BaseProvider,
    /// The profile the base provider comes from.
    pub(crate) base_profile: String,
    pub(crate) roles: Vec<RoleArn>,
}

/// Resolves profile `selected` of `set` into a [`ProfileChain`].
///
/// Errors are `NotLoaded` when there is nothing to use (no profiles at all, or no `default`
/// profile when that is the one asked for, so a chain goes on to its next provider), else
/// `InvalidConfiguration` naming the profile and what is wrong: a missing source profile, a
/// loop, both or neither of `source_profile` and `credential_source`, partial keys, a
/// profile with no credentials.
pub(crate) fn resolve_chain(
    set: &ProfileSet,
    selected: &str,
) -> Result<ProfileChain, CredentialsError> {
    if set.is_empty() {
        return Err(CredentialsError::not_loaded(
            "No profiles were defined in the shared config or credentials file",
        ));
    }
    if selected == "default" && set.profile("default").is_none() {
        return Err(CredentialsError::not_loaded(
            "no `default` profile in the shared config or credentials file",
        ));
    }
    let mut name = selected;
    let mut visited: Vec<&str> = Vec::new();
    let mut roles = Vec::new();
    let base = loop {
        let profile = set.profile(name).ok_or_else(|| {
            CredentialsError::invalid_configuration(match visited.last() {
                Some(from) => {
                    format!("could not find source profile {name} referenced from {from}")
                }
                None => {
                    format!("profile `{name}` not found in the shared config or credentials file")
                }
            })
        })?;
        if visited.contains(&name) {
            return Err(CredentialsError::invalid_configuration(format!(
                "profile formed an infinite loop: {} -> {name}",
                visited.join(" -> ")
            )));
        }
        visited.push(name);
        // A source profile with static keys ends the chain there, whatever else it says.
        if visited.len() > 1 {
            if let Ok(Some(keys)) = static_keys(profile, name) {
                break BaseProvider::AccessKey(keys);
            }
        }
        let Some(role) = role_arn(profile) else {
            let base = base_provider(set, profile, name);
            break match base {
                Err(e) if visited.len() > 1 => {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "profile `{name}`: could not load source profile: {e}"
                    )))
                }
                other => other?,
            };
        };
        roles.push(role);
        match (
            profile.get("source_profile"),
            profile.get("credential_source"),
        ) {
            (Some(_), Some(_)) => {
                return Err(CredentialsError::invalid_configuration(format!(
                "profile `{name}`: profile contained both source_profile and credential_source; \
                     only one or the other can be defined"
            )))
            }
            (None, None) => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile `{name}` sets role_arn: profile must contain `source_profile` or \
                     `credential_source` but neither were defined"
                )))
            }
            // The profile's own keys (or its credential_source) are the base.
            (Some(source), None) if source == name => break base_provider(set, profile, name)?,
            (None, Some(_)) => break base_provider(set, profile, name)?,
            (Some(source), None) => name = source,
        }
    };
    roles.reverse();
    let base_profile = visited.last().copied().unwrap_or(selected).to_owned();
    Ok(ProfileChain {
        base,
        base_profile,
        roles,
    })
}

fn role_arn(profile: &Profile) -> Option<RoleArn> {
    // With a token file, role_arn belongs to the web identity base provider.
    if profile.contains_key("web_identity_token_file") {
        return None;
    }
    Some(RoleArn {
        role_arn: profile.get("role_arn")?.to_owned(),
        external_id: profile.get("external_id").map(str::to_owned),
        session_name: profile.get("role_session_name").map(str::to_owned),
    })
}

fn base_provider(
    set: &ProfileSet,
    profile: &Profile,
    name: &str,
) -> Result<BaseProvider, CredentialsError> {
    if let Some(source) = profile.get("credential_source") {
        return Ok(BaseProvider::NamedSource(source.to_owned()));
    }
    match (
        profile.get("role_arn"),
        profile.get("web_identity_token_file"),
    ) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(BaseProvider::WebIdentityToken {
                role_arn: role_arn.to_owned(),
                token_file: token_file.to_owned(),
                session_name: profile.get("role_session_name").map(str::to_owned),
            })
        }
        (None, Some(_)) => {
            return Err(CredentialsError::invalid_configuration(format!(
            "profile `{name}`: `web_identity_token_file` was specified but `role_arn` was missing"
        )))
        }
        _ => {}
    }
    if let Some(sso) = sso(set, profile, name)? {
        return Ok(BaseProvider::Sso(sso));
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(BaseProvider::CredentialProcess {
            command: command.to_owned(),
            account_id: profile.get("aws_account_id").map(str::to_owned),
        });
    }
    match static_keys(profile, name)? {
        Some(keys) => Ok(BaseProvider::AccessKey(keys)),
        None => Err(CredentialsError::not_loaded(format!(
            "profile `{name}` did not contain credential information"
        ))),
    }
}

/// `Ok(None)` when the profile has no key at all; an error when it has only some.
fn static_keys(profile: &Profile, name: &str) -> Result<Option<StaticKeys>, CredentialsError> {
    let access_key_id = profile.get("aws_access_key_id");
    let secret = profile.get("aws_secret_access_key");
    let token = profile.get("aws_session_token");
    if access_key_id.is_none() && secret.is_none() && token.is_none() {
        return Ok(None);
    }
    let missing = |key: &str| {
        CredentialsError::invalid_configuration(format!("profile `{name}`: profile missing {key}"))
    };
    Ok(Some(StaticKeys {
        access_key_id: access_key_id
            .ok_or_else(|| missing("aws_access_key_id"))?
            .to_owned(),
        secret_access_key: secret
            .ok_or_else(|| missing("aws_secret_access_key"))?
            .to_owned(),
        session_token: token.map(str::to_owned),
        account_id: profile.get("aws_account_id").map(str::to_owned),
    }))
}

fn sso(
    set: &ProfileSet,
    profile: &Profile,
    name: &str,
) -> Result<Option<SsoProfile>, CredentialsError> {
    let account_id = profile.get("sso_account_id");
    let role_name = profile.get("sso_role_name");
    let mut region = profile.get("sso_region");
    let mut start_url = profile.get("sso_start_url");
    let session_name = profile.get("sso_session");
    if [account_id, role_name, region, start_url, session_name]
        .iter()
        .all(Option::is_none)
    {
        return Ok(None);
    }
    let invalid = |message: String| {
        CredentialsError::invalid_configuration(format!("profile `{name}`: {message}"))
    };
    if let Some(session_name) = session_name {
        for (key, value) in [("sso_start_url", start_url), ("sso_region", region)] {
            if value.is_some() {
                return Err(invalid(format!(
                    "`{key}` can only be specified in the [sso-session] config when a session name is given"
                )));
            }
        }
        let session = set.sso_session(session_name).ok_or_else(|| {
            invalid(format!(
                "sso-session named `{session_name}` (referenced by profile `{name}`) was not found"
            ))
        })?;
        start_url = session.get("sso_start_url");
        region = session.get("sso_region");
    }
    match (account_id, role_name) {
        (Some(_), None) => {
            return Err(invalid(
                "if `sso_account_id` is set, then `sso_role_name` must also be set".to_owned(),
            ))
        }
        (None, Some(_)) => {
            return Err(invalid(
                "if `sso_role_name` is set, then `sso_account_id` must also be set".to_owned(),
            ))
        }
        _ => {}
    }
    let region = region.ok_or_else(|| invalid("`sso_region` is missing".to_owned()))?;
    let start_url = start_url.ok_or_else(|| invalid("`sso_start_url` is missing".to_owned()))?;
    Ok(Some(SsoProfile {
        session_name: session_name.map(str::to_owned),
        region: region.to_owned(),
        start_url: start_url.to_owned(),
        account_id: account_id.map(str::to_owned),
        role_name: role_name.map(str::to_owned),
    }))
}

#[cfg(test)]
#[path = "profile_chain_tests.rs"]
mod tests;
