//! Sends one operation: endpoint, user agent, credentials, signing, attempts, retries and
//! timeouts. Generated operation code serializes a request, calls [`Handle::send`], and maps
//! the response it gets back.
//!
//! Logging: one `tracing` span per operation (`service`, `operation`) and one per attempt
//! (`attempt`). Events carry status codes, error codes and delays, never header values,
//! credentials or bodies.

// `Failure` is large (three optional strings of metadata, a description, a source), and the
// public API returns it by value; boxing it on these cold error paths would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use ::http::header::{HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};
use ::http::Uri;
use tracing::Instrument;

use crate::config::{BearerToken, ClientConfig, ConfigOverride};
use crate::credentials::Credentials;
use crate::endpoint::{self, Endpoint, ParamValue, Partitions, RuleSet};
use crate::error::{parse_error_metadata, ErrorKind, Failure};
use crate::http::{HttpRequest, HttpResponse, StreamingRequest};
use crate::interceptor::AttemptContext;
use crate::retry::{self, RetryReason, TokenBucket};
use crate::sigv4::{self, SigningParams, SigningSettings};

mod payload;

use payload::Payload;
pub use payload::{ReadWhole, StreamingAnswer};

/// What the orchestrator needs to know about a service; generated once per service crate as a
/// `static`.
pub struct ServiceSpec {
    /// The service id (the model's `sdkId`, `ivs`): names the service's endpoint variable,
    /// `AWS_ENDPOINT_URL_IVS` ([`crate::config::endpoint_env_var`]).
    pub service_id: &'static str,
    /// The SigV4 signing name (`ivs`), used unless the endpoint names another.
    pub signing_name: &'static str,
    /// Name and version of the generated crate (`ivs/0.1.0`), first in the user agent.
    pub user_agent: &'static str,
    /// The endpoint rule set, as JSON (`smithy.rules#endpointRuleSet`).
    pub endpoint_rules: &'static str,
    /// The partition table the rules' `aws.partition` function reads, as JSON.
    pub partitions: &'static str,
}

impl fmt::Debug for ServiceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The two JSON documents are long and say nothing useful in a log.
        f.debug_struct("ServiceSpec")
            .field("service_id", &self.service_id)
            .field("signing_name", &self.signing_name)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// What the orchestrator needs to know about one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationSpec {
    /// The operation name (`CreateChannel`), for logs and error messages.
    pub name: &'static str,
    /// Codes of the operation's errors marked `@retryable` in the model.
    pub retryable_errors: &'static [&'static str],
}

/// An auth scheme an operation accepts (the model's `@auth` order, its service's auth traits,
/// `@optionalAuth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// SigV4 with the configured credentials.
    SigV4,
    /// SigV4a (`AWS4-ECDSA-P256-SHA256`) with the configured credentials, for the configured
    /// region unless the endpoint names a region set. Needs the `sigv4a` feature.
    SigV4a,
    /// `Authorization: Bearer <token>` with the configured bearer token.
    Bearer,
    /// Nothing: the request goes unsigned.
    Anonymous,
}

/// How an operation authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSpec {
    /// Schemes in the order they are tried: the first whose identity is available (credentials
    /// that load, a configured bearer token, or none needed) is used; when none is, the
    /// request fails with the first scheme's error.
    pub schemes: &'static [AuthScheme],
    /// SigV4 signs `UNSIGNED-PAYLOAD` instead of the body's hash (`aws.auth#unsignedPayload`).
    pub unsigned_payload: bool,
}

impl AuthSpec {
    /// SigV4 only, signing the body: what [`Handle::send`] uses.
    pub const SIGV4: AuthSpec = AuthSpec {
        schemes: &[AuthScheme::SigV4],
        unsigned_payload: false,
    };
}

/// The identity a request is sent with.
enum Identity {
    SigV4(Credentials),
    SigV4a(Credentials),
    Bearer(BearerToken),
    Anonymous,
}

/// A client's shared state: configuration, parsed endpoint rules and the retry token bucket.
/// Cheap to clone; clones share the token bucket.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    service: &'static ServiceSpec,
    /// Parsed on first use: a client that is built but never used pays nothing, and a broken
    /// rule set fails requests instead of the constructor.
    rules: Arc<OnceLock<Result<Rules, String>>>,
    /// Shared with the handles of per-call overrides: one retry quota per client.
    bucket: Arc<TokenBucket>,
    user_agent: HeaderValue,
    /// Why the configuration cannot be used ([`ClientConfig::validate`]), checked once when
    /// the handle is made; every call then fails before anything is signed or sent.
    invalid_config: Option<crate::config::ConfigError>,
    /// The endpoint URL that replaces the resolved one: the configured one, else the
    /// service's environment variable, else `AWS_ENDPOINT_URL`.
    endpoint_url: Option<String>,
}

struct Rules {
    rule_set: RuleSet,
    partitions: Partitions,
    /// The rule set's parameters bound to built-in values, by parameter name.
    built_ins: Vec<(String, BuiltIn)>,
}

/// The built-in endpoint parameters an SDK fills from its configuration.
#[derive(Debug, Clone, Copy)]
enum BuiltIn {
    Region,
    UseFips,
    UseDualStack,
    Endpoint,
}

impl Rules {
    fn parse(service: &ServiceSpec) -> Result<Rules, String> {
        let rule_set = RuleSet::from_json(service.endpoint_rules)
            .map_err(|e| format!("the endpoint rule set is invalid: {e}"))?;
        let partitions = Partitions::from_json(service.partitions)
            .map_err(|e| format!("the partition table is invalid: {e}"))?;
        // Parameters are bound by their `builtIn` tag, not their name, as the rules
        // specification says; and the resolver rejects parameters a rule set does not declare,
        // so only declared ones may be passed.
        let json: crate::json::Value = crate::json::from_str(service.endpoint_rules)
            .map_err(|e| format!("the endpoint rule set is invalid: {e}"))?;
        let mut built_ins = Vec::new();
        if let Some(parameters) = json.get("parameters").and_then(|p| p.as_object()) {
            for (name, param) in parameters {
                let built_in = match param.get("builtIn").and_then(|b| b.as_str()) {
                    Some("AWS::Region") => BuiltIn::Region,
                    Some("AWS::UseFIPS") => BuiltIn::UseFips,
                    Some("AWS::UseDualStack") => BuiltIn::UseDualStack,
                    Some("SDK::Endpoint") => BuiltIn::Endpoint,
                    _ => continue,
                };
                built_ins.push((name.clone(), built_in));
            }
        }
        Ok(Rules {
            rule_set,
            partitions,
            built_ins,
        })
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("service", &self.inner.service)
            .field("config", &self.inner.config)
            .field("retry_tokens", &self.inner.bucket.available())
            .finish()
    }
}

impl Handle {
    /// A handle for `service` configured by `config`. Never fails: problems (an invalid region
    /// or endpoint URL, no region, no credentials, a bad rule set) surface as failures of
    /// [`Handle::send`], an invalid configuration as a construction error before anything is
    /// signed or sent.
    pub fn new(config: ClientConfig, service: &'static ServiceSpec) -> Handle {
        let user_agent = user_agent(service, config.app_name());
        let endpoint = config.endpoint_url_for(service.service_id);
        let source = endpoint.map(|(_, source)| describe(source, service.service_id));
        let invalid_config = check_config(&config, endpoint.map(|(url, _)| url), &source).err();
        if let (None, Some((url, _)), Some(source)) = (&invalid_config, endpoint, &source) {
            if url
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
            {
                // Once per client, not per request: a local test server needs plain HTTP.
                tracing::warn!(
                    service = service.service_id,
                    endpoint = url,
                    "the endpoint URL ({source}) uses http://: requests travel unencrypted, \
                     with the access key id, the session token and the signature in clear text"
                );
            }
        }
        let endpoint_url = endpoint.map(|(url, _)| url.to_owned());
        Handle {
            inner: Arc::new(Inner {
                config,
                service,
                rules: Arc::new(OnceLock::new()),
                bucket: Arc::new(TokenBucket::default()),
                user_agent,
                invalid_config,
                endpoint_url,
            }),
        }
    }

    /// A handle for one call with `over` applied to the configuration; it shares the parsed
    /// endpoint rules and the retry quota with this one.
    pub fn with_override(&self, over: &ConfigOverride) -> Handle {
        let config = self.inner.config.with_override(over);
        let service = self.inner.service;
        // The override's endpoint and region are checked as the client's are.
        let endpoint = config.endpoint_url_for(service.service_id);
        let source = endpoint.map(|(_, source)| describe(source, service.service_id));
        let invalid_config = check_config(&config, endpoint.map(|(url, _)| url), &source).err();
        let endpoint_url = endpoint.map(|(url, _)| url.to_owned());
        Handle {
            inner: Arc::new(Inner {
                user_agent: self.inner.user_agent.clone(),
                config,
                service,
                rules: self.inner.rules.clone(),
                bucket: self.inner.bucket.clone(),
                invalid_config,
                endpoint_url,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The service description.
    pub fn service(&self) -> &'static ServiceSpec {
        self.inner.service
    }

    /// Sends `request` for operation `op` and returns the response.
    ///
    /// `request` comes from a generated serializer: its URI holds the path and query only
    /// (`/CreateChannel`, `/tags/arn%3A...?tagKeys=a`); the resolved endpoint goes in front.
    ///
    /// An error response is returned as `Ok` once it is not retryable or attempts run out, so
    /// generated code can map it to the operation's error type. `Err` means no usable response:
    /// endpoint, credentials, signing, transport or timeout failures.
    pub async fn send(
        &self,
        op: &'static OperationSpec,
        request: HttpRequest,
    ) -> Result<HttpResponse, Failure> {
        self.send_with_auth(op, &AuthSpec::SIGV4, request).await
    }

    /// [`Handle::send`] authenticating as `auth` says.
    pub async fn send_with_auth(
        &self,
        op: &'static OperationSpec,
        auth: &AuthSpec,
        request: HttpRequest,
    ) -> Result<HttpResponse, Failure> {
        self.run(op, auth, request).await
    }

    /// Sends a request whose body may be a stream (a `@streaming` blob payload) and returns as
    /// soon as the head of a success response is read: its body streams as the caller reads
    /// it, without the transport's size limit. Any other response is read whole and retried
    /// or returned as [`Handle::send`] does.
    ///
    /// The operation and attempt timeouts bound everything up to the success response's head,
    /// not the reading of its body. A body in memory is sent again on a retry; a stream made
    /// with [`ByteStream::from_stream`](crate::ByteStream::from_stream) can be read once, so a request carrying one is never
    /// retried (a failure says so). A stream whose bytes are not known is signed as
    /// `UNSIGNED-PAYLOAD`.
    pub async fn send_streaming(
        &self,
        op: &'static OperationSpec,
        auth: &AuthSpec,
        request: StreamingRequest,
    ) -> Result<StreamingAnswer, Failure> {
        self.run(op, auth, request).await
    }

    /// Sends a request whose body may be a stream, and reads the whole answer (under the
    /// transport's size limit and the attempt timeout): operations with a streaming input and
    /// a plain output. Retries as [`Handle::send_streaming`] says.
    pub async fn send_body(
        &self,
        op: &'static OperationSpec,
        auth: &AuthSpec,
        mut request: StreamingRequest,
    ) -> Result<HttpResponse, Failure> {
        request.extensions_mut().insert(ReadWhole);
        match self.run(op, auth, request).await? {
            StreamingAnswer::Buffered(response) => Ok(response),
            // `Payload::call` reads every answer of a `ReadWhole` request.
            StreamingAnswer::Streaming(response) => {
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(|e| {
                    Failure::new(
                        ErrorKind::Transport,
                        format!("{}: reading the response failed", op.name),
                    )
                    .with_source(e)
                })?;
                Ok(HttpResponse::from_parts(parts, body))
            }
        }
    }

    /// The operation: its span and timeout around the attempts.
    async fn run<B: Payload>(
        &self,
        op: &'static OperationSpec,
        auth: &AuthSpec,
        request: ::http::Request<B>,
    ) -> Result<B::Answer, Failure> {
        let span = tracing::info_span!(
            "operation",
            service = self.inner.service.signing_name,
            operation = op.name
        );
        let timeout = self.inner.config.timeouts().operation();
        async move {
            match timeout {
                Some(limit) => tokio::time::timeout(limit, self.send_inner(op, auth, request))
                    .await
                    .unwrap_or_else(|_| {
                        tracing::debug!(?limit, "operation timeout elapsed");
                        Err(Failure::new(
                            ErrorKind::Timeout,
                            format!("{}: operation timeout of {limit:?} elapsed", op.name),
                        ))
                    }),
                None => self.send_inner(op, auth, request).await,
            }
        }
        .instrument(span)
        .await
    }

    async fn send_inner<B: Payload>(
        &self,
        op: &'static OperationSpec,
        auth: &AuthSpec,
        request: ::http::Request<B>,
    ) -> Result<B::Answer, Failure> {
        let config = &self.inner.config;
        if let Some(invalid) = &self.inner.invalid_config {
            return Err(Failure::new(ErrorKind::Construction, invalid.to_string()));
        }
        let endpoint = self.resolve_endpoint(request.extensions().get::<EndpointParams>())?;
        let mut request = self.prepare(request, &endpoint)?;
        request
            .headers_mut()
            .insert(USER_AGENT, self.inner.user_agent.clone());
        request.headers_mut().insert(
            HeaderName::from_static("x-amz-user-agent"),
            self.inner.user_agent.clone(),
        );
        let identity = self.identity(auth).await?;
        let scope = match identity {
            Identity::SigV4(_) => Some(self.signing_scope(&endpoint, AuthScheme::SigV4)?),
            Identity::SigV4a(_) => Some(self.signing_scope(&endpoint, AuthScheme::SigV4a)?),
            _ => None,
        };
        let settings = SigningSettings {
            unsigned_payload: auth.unsigned_payload,
            ..SigningSettings::default()
        };

        // A stream is read once: its request gets one attempt.
        let replayable = request.body().replayable();
        let max_attempts = config.retry().max_attempts().max(1);
        let attempt_timeout = config.timeouts().attempt();
        let bucket = &self.inner.bucket;
        // Tokens taken for the retry in flight, given back if it succeeds.
        let mut retry_cost: Option<u32> = None;
        let mut attempt: u32 = 1;
        loop {
            let mut attempt_request = B::for_attempt(&mut request);
            let cx = AttemptContext {
                operation: op.name,
                attempt,
            };
            B::intercept_request(&mut attempt_request, &mut |request| {
                for interceptor in config.interceptors() {
                    interceptor.modify_before_signing(&cx, request);
                }
            });
            match (&identity, &scope) {
                (Identity::SigV4(credentials) | Identity::SigV4a(credentials), Some(scope)) => {
                    let signer =
                        |r: &mut HttpRequest, s: &SigningSettings| scope.sign(r, credentials, s);
                    B::sign(&mut attempt_request, &settings, &signer).map_err(|e| {
                        Failure::new(ErrorKind::Construction, "could not sign the request")
                            .with_source(e)
                    })?;
                }
                (Identity::Bearer(token), _) => {
                    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.token()))
                        .map_err(|_| {
                            Failure::new(
                                ErrorKind::Construction,
                                "the bearer token is not a valid header value",
                            )
                        })?;
                    value.set_sensitive(true);
                    attempt_request.headers_mut().insert(AUTHORIZATION, value);
                }
                _ => {}
            }

            // The URL without its query (query values may be user data); the request id of
            // the answer goes on each event, so a log line can be matched with AWS support.
            let url = attempt_request.uri();
            let span = tracing::debug_span!(
                "attempt",
                attempt,
                url = %format_args!(
                    "{}://{}{}",
                    url.scheme_str().unwrap_or(""),
                    url.authority().map_or("", |a| a.as_str()),
                    url.path()
                )
            );
            let outcome = self
                .attempt(attempt_request, attempt_timeout)
                .instrument(span.clone())
                .await;
            if let Ok(answer) = &outcome {
                B::intercept_answer(answer, &mut |response| {
                    for interceptor in config.interceptors() {
                        interceptor.read_after_attempt(&cx, response);
                    }
                });
            }
            let last = attempt >= max_attempts;
            let (reason, result) = match outcome {
                Ok(answer) => {
                    let Some(response) = B::error_response(&answer) else {
                        let (status, headers) = B::head(&answer);
                        tracing::debug!(parent: &span,
                            status = status.as_u16(),
                            request_id = headers
                                .get("x-amzn-requestid")
                                .or_else(|| headers.get("x-amz-request-id"))
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or(""),
                            "success"
                        );
                        bucket.on_success(retry_cost);
                        return Ok(answer);
                    };
                    let meta = parse_error_metadata(response);
                    let reason = retry::classify_response(
                        response.status().as_u16(),
                        meta.code.as_deref(),
                        op.retryable_errors,
                    );
                    tracing::debug!(parent: &span,
                        status = response.status().as_u16(),
                        code = meta.code.as_deref().unwrap_or(""),
                        request_id = meta.request_id.as_deref().unwrap_or(""),
                        retryable = reason.is_some(),
                        "error response"
                    );
                    (reason, Ok(answer))
                }
                Err(AttemptError::Transport(e)) => {
                    let reason = retry::classify_connector_error(e.kind());
                    tracing::debug!(parent: &span, error = %crate::error::DisplayErrorChain(&e), retryable = reason.is_some(), "transport error");
                    let kind = match e.kind() {
                        crate::http::ConnectorErrorKind::Timeout => ErrorKind::Timeout,
                        _ => ErrorKind::Transport,
                    };
                    let failure = Failure::new(
                        kind,
                        format!(
                            "{}: attempt {attempt} of {max_attempts} failed{}",
                            op.name,
                            not_retried(replayable, reason.is_some(), last)
                        ),
                    )
                    .with_source(e);
                    (reason, Err(failure))
                }
                Err(AttemptError::Timeout(limit)) => {
                    tracing::debug!(parent: &span, ?limit, "attempt timeout elapsed");
                    let failure = Failure::new(
                        ErrorKind::Timeout,
                        format!(
                            "{}: attempt timeout of {limit:?} elapsed \
                             (attempt {attempt} of {max_attempts}){}",
                            op.name,
                            not_retried(replayable, true, last)
                        ),
                    );
                    (Some(RetryReason::Timeout), Err(failure))
                }
            };
            let Some(reason) = reason else {
                return result;
            };
            if last {
                tracing::debug!(parent: &span, max_attempts, "no attempts left");
                return result;
            }
            if !replayable {
                tracing::debug!(parent: &span, "the request body is a one-shot stream; not retrying");
                return result;
            }
            let Some(cost) = bucket.try_acquire(reason) else {
                tracing::debug!(parent: &span, "retry quota exhausted; not retrying");
                return result;
            };
            retry_cost = Some(cost);
            let delay = retry::backoff(config.retry(), attempt - 1, fastrand::f64());
            tracing::debug!(parent: &span, ?reason, ?delay, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, under the attempt timeout.
    async fn attempt<B: Payload>(
        &self,
        request: ::http::Request<B>,
        limit: Option<Duration>,
    ) -> Result<B::Answer, AttemptError> {
        let call = B::call(&**self.inner.config.http_client(), request);
        match limit {
            Some(limit) => match tokio::time::timeout(limit, call).await {
                Ok(result) => result.map_err(AttemptError::Transport),
                Err(_) => Err(AttemptError::Timeout(limit)),
            },
            None => call.await.map_err(AttemptError::Transport),
        }
    }

    fn resolve_endpoint(&self, params: Option<&EndpointParams>) -> Result<Endpoint, Failure> {
        if self.inner.service.endpoint_rules.is_empty() {
            // A model without a rule set: the configured endpoint URL is the endpoint.
            return match self.inner.endpoint_url.as_deref() {
                Some(url) => Ok(Endpoint {
                    url: url.to_owned(),
                    headers: BTreeMap::new(),
                    properties: crate::json::Map::new(),
                }),
                None => Err(Failure::new(
                    ErrorKind::Endpoint,
                    "the service model has no endpoint rules: set an endpoint URL with \
                     ClientConfigBuilder::endpoint_url",
                )),
            };
        }
        let rules = self
            .inner
            .rules
            .get_or_init(|| Rules::parse(self.inner.service))
            .as_ref()
            .map_err(|e| Failure::new(ErrorKind::Endpoint, e.clone()))?;

        let config = &self.inner.config;
        let mut values = Vec::with_capacity(rules.built_ins.len());
        for (name, built_in) in &rules.built_ins {
            let value = match built_in {
                BuiltIn::Region => config.region().map(|r| ParamValue::String(r.to_owned())),
                BuiltIn::UseFips => Some(ParamValue::Bool(config.use_fips())),
                BuiltIn::UseDualStack => Some(ParamValue::Bool(config.use_dual_stack())),
                BuiltIn::Endpoint => self
                    .inner
                    .endpoint_url
                    .as_deref()
                    .map(|u| ParamValue::String(u.to_owned())),
            };
            if let Some(value) = value {
                values.push((name.as_str(), value));
            }
        }
        // The operation's own parameters win over built-ins of the same name.
        for (name, value) in params.map(|p| p.0.as_slice()).unwrap_or_default() {
            values.retain(|(n, _)| n != name);
            values.push((name, value.clone()));
        }
        let mut given = Vec::with_capacity(values.len());
        for (name, value) in &values {
            given.push((*name, value));
        }
        let resolved = endpoint::resolve_given(&rules.rule_set, &rules.partitions, &given);
        resolved.map_err(|e| {
            let description = if config.region().is_none() {
                format!(
                    "no region is configured (set one with ClientConfigBuilder::region or the \
                     AWS_REGION environment variable): {e}"
                )
            } else {
                format!("could not resolve an endpoint: {e}")
            };
            Failure::new(ErrorKind::Endpoint, description)
        })
    }

    /// Puts the endpoint in front of the request's path and query, and adds its headers.
    fn prepare<B: Payload>(
        &self,
        mut request: ::http::Request<B>,
        endpoint: &Endpoint,
    ) -> Result<::http::Request<B>, Failure> {
        B::prepare(&mut request);
        let host_prefix = request.extensions_mut().remove::<HostPrefix>();
        let uri = join_uri(&endpoint.url, request.uri(), host_prefix.as_ref())
            .map_err(|e| Failure::new(ErrorKind::Endpoint, e))?;
        *request.uri_mut() = uri;
        for (name, values) in &endpoint.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Failure::new(
                    ErrorKind::Endpoint,
                    format!("the endpoint names an invalid header `{name}`"),
                )
            })?;
            for value in values {
                let value = HeaderValue::from_str(value).map_err(|_| {
                    Failure::new(
                        ErrorKind::Endpoint,
                        format!("the endpoint gives header `{name}` an invalid value"),
                    )
                })?;
                request.headers_mut().append(name.clone(), value);
            }
        }
        Ok(request)
    }

    /// How to sign: the first auth scheme of the endpoint's `authSchemes` that this build
    /// supports (`sigv4`, and `sigv4a` with the `sigv4a` feature), with its signing name and
    /// region (set); without `authSchemes`, `modeled` (the operation's scheme) for the
    /// configured region and the service's signing name.
    fn signing_scope(
        &self,
        endpoint: &Endpoint,
        modeled: AuthScheme,
    ) -> Result<SigningScope, Failure> {
        let configured_region = self.inner.config.region();
        let default_name = self.inner.service.signing_name;
        let schemes = endpoint
            .properties
            .get("authSchemes")
            .and_then(|s| s.as_array())
            .filter(|s| !s.is_empty());
        let Some(schemes) = schemes else {
            let region = configured_region.ok_or_else(no_region)?;
            return SigningScope::new(modeled, region.to_owned(), default_name.to_owned());
        };
        let text = |s: &crate::json::Value, key: &str| {
            s.get(key).and_then(|v| v.as_str()).map(str::to_owned)
        };
        for scheme in schemes {
            let name = text(scheme, "signingName").unwrap_or_else(|| default_name.to_owned());
            match text(scheme, "name").as_deref() {
                Some("sigv4") => {
                    let region = text(scheme, "signingRegion")
                        .or_else(|| configured_region.map(str::to_owned))
                        .ok_or_else(no_region)?;
                    return SigningScope::new(AuthScheme::SigV4, region, name);
                }
                Some("sigv4a") if cfg!(feature = "sigv4a") => {
                    let set: Vec<&str> = scheme
                        .get("signingRegionSet")
                        .and_then(|v| v.as_array())
                        .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
                        .unwrap_or_default();
                    let region_set = match (set.is_empty(), configured_region) {
                        (false, _) => set.join(","),
                        (true, Some(region)) => region.to_owned(),
                        (true, None) => return Err(no_region()),
                    };
                    return SigningScope::new(AuthScheme::SigV4a, region_set, name);
                }
                _ => {}
            }
        }
        let mut names = String::new();
        for (i, s) in schemes.iter().enumerate() {
            if i > 0 {
                names.push_str(", ");
            }
            names.push_str(&text(s, "name").unwrap_or_default());
        }
        let description = if schemes
            .iter()
            .any(|s| text(s, "name").as_deref() == Some("sigv4a"))
        {
            format!(
                "the endpoint requires the sigv4a auth scheme ({names}): enable the `sigv4a` \
                 feature of aws-lite-runtime (generated crates whose model needs it enable it)"
            )
        } else {
            format!(
                "the endpoint requires an unsupported auth scheme ({names}); only sigv4 and \
                 sigv4a are supported"
            )
        };
        Err(Failure::new(ErrorKind::Endpoint, description))
    }

    /// The identity of the first scheme of `auth` that has one.
    async fn identity(&self, auth: &AuthSpec) -> Result<Identity, Failure> {
        let mut first: Option<Failure> = None;
        for scheme in auth.schemes {
            match scheme {
                AuthScheme::SigV4 | AuthScheme::SigV4a => match self.load_credentials().await {
                    Ok(c) if *scheme == AuthScheme::SigV4a => return Ok(Identity::SigV4a(c)),
                    Ok(c) => return Ok(Identity::SigV4(c)),
                    Err(e) => {
                        first.get_or_insert(e);
                    }
                },
                AuthScheme::Bearer => match self
                    .inner
                    .config
                    .bearer_token_for(self.inner.service.signing_name)
                {
                    Some(t) => return Ok(Identity::Bearer(t.clone())),
                    None => {
                        first.get_or_insert(Failure::new(
                            ErrorKind::Credentials,
                            format!(
                                "no bearer token is configured (use \
                                 ClientConfigBuilder::bearer_token, or set {} for from_env)",
                                crate::config::bearer_token_env_var(
                                    self.inner.service.signing_name
                                )
                            ),
                        ));
                    }
                },
                AuthScheme::Anonymous => return Ok(Identity::Anonymous),
            }
        }
        Err(first.unwrap_or_else(|| {
            Failure::new(ErrorKind::Credentials, "the operation names no auth scheme")
        }))
    }

    async fn load_credentials(&self) -> Result<Credentials, Failure> {
        let provider = self.inner.config.credentials_provider().ok_or_else(|| {
            Failure::new(
                ErrorKind::Credentials,
                "no credentials provider is configured (use ClientConfig::from_env or \
                 ClientConfigBuilder::credentials)",
            )
        })?;
        provider.provide_credentials().await.map_err(|e| {
            Failure::new(ErrorKind::Credentials, "could not load credentials").with_source(e)
        })
    }
}

fn no_region() -> Failure {
    Failure::new(
        ErrorKind::Endpoint,
        "no region is configured to sign the request for (set one with \
         ClientConfigBuilder::region or the AWS_REGION environment variable)",
    )
}

/// What a request is signed for: the algorithm, the region (SigV4) or region set (SigV4a,
/// comma-separated), and the service's signing name.
struct SigningScope {
    scheme: AuthScheme,
    region: String,
    name: String,
}

impl SigningScope {
    /// Without the `sigv4a` feature a SigV4a scope is an error naming the feature.
    fn new(scheme: AuthScheme, region: String, name: String) -> Result<SigningScope, Failure> {
        if scheme == AuthScheme::SigV4a && !cfg!(feature = "sigv4a") {
            return Err(Failure::new(
                ErrorKind::Construction,
                "the operation signs with sigv4a: enable the `sigv4a` feature of \
                 aws-lite-runtime (generated crates whose model needs it enable it)",
            ));
        }
        Ok(SigningScope {
            scheme,
            region,
            name,
        })
    }

    fn sign(
        &self,
        request: &mut HttpRequest,
        credentials: &Credentials,
        settings: &SigningSettings,
    ) -> Result<(), sigv4::SigningError> {
        match self.scheme {
            #[cfg(feature = "sigv4a")]
            AuthScheme::SigV4a => {
                let params = crate::sigv4a::SigningParams {
                    credentials,
                    region_set: &self.region,
                    service: &self.name,
                    time: SystemTime::now(),
                };
                crate::sigv4a::sign_request_with(request, &params, settings).map(|_| ())
            }
            _ => {
                let params = SigningParams {
                    credentials,
                    region: &self.region,
                    service: &self.name,
                    time: SystemTime::now(),
                };
                sigv4::sign_request_with(request, &params, settings).map(|_| ())
            }
        }
    }
}

/// [`ClientConfig::validate`] for the endpoint URL this service uses, wherever it came from.
fn check_config(
    config: &ClientConfig,
    endpoint: Option<&str>,
    source: &Option<String>,
) -> Result<(), crate::config::ConfigError> {
    if let Some(region) = config.region() {
        crate::config::check_region(region)?;
    }
    if let (Some(url), Some(source)) = (endpoint, source) {
        crate::config::check_endpoint_url(url, source)?;
    }
    Ok(())
}

/// Where an endpoint URL came from, naming the service's own variable.
fn describe(source: crate::config::EndpointSource, service_id: &str) -> String {
    match source {
        crate::config::EndpointSource::ServiceEnv => {
            format!("from {}", crate::config::endpoint_env_var(service_id))
        }
        other => other.to_string(),
    }
}

enum AttemptError {
    Transport(crate::http::ConnectorError),
    Timeout(Duration),
}

/// What a failure that would have been retried says when the request body is a stream.
fn not_retried(replayable: bool, retryable: bool, last: bool) -> &'static str {
    if !replayable && retryable && !last {
        "; not retried: the request body is a stream, which can be sent only once"
    } else {
        ""
    }
}

/// `ivs/0.1.0 aws-lite-runtime/0.1.0 os/linux lang/rust [app/NAME]`.
fn user_agent(service: &ServiceSpec, app_name: Option<&str>) -> HeaderValue {
    let mut ua = format!(
        "{} aws-lite-runtime/{} os/{} lang/rust",
        service.user_agent,
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    if let Some(app) = app_name {
        ua.push_str(" app/");
        ua.push_str(app);
    }
    // Generated specs and sanitized app names are always valid; keep a fallback anyway.
    HeaderValue::from_str(&ua).unwrap_or_else(|_| {
        HeaderValue::from_static(concat!("aws-lite-runtime/", env!("CARGO_PKG_VERSION")))
    })
}

/// The `@requestCompression` encodings an operation supports, stored in a request's extensions
/// by its generated serializer. A body of at least [`MIN_COMPRESSION_SIZE`] bytes is
/// compressed with the first supported one (`gzip`), and the encoding is appended to
/// `Content-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestCompression(pub &'static [&'static str]);

/// Smaller bodies are sent uncompressed (the AWS SDKs' default `request_min_compression_size_bytes`).
pub const MIN_COMPRESSION_SIZE: usize = 10_240;

/// Without the `gzip` feature bodies go uncompressed, which every service accepts: compression
/// is an optimization the client may skip. Generated crates whose model has a
/// `@requestCompression` operation turn the feature on.
#[cfg(not(feature = "gzip"))]
fn compress(request: &mut HttpRequest) {
    request.extensions_mut().remove::<RequestCompression>();
}

#[cfg(feature = "gzip")]
fn compress(request: &mut HttpRequest) {
    let Some(RequestCompression(encodings)) = request.extensions_mut().remove() else {
        return;
    };
    if !encodings.contains(&"gzip") || request.body().len() < MIN_COMPRESSION_SIZE {
        return;
    }
    let compressed = crate::encoding::gzip(request.body());
    let encoding = match request
        .headers()
        .get(::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        Some(existing) if !existing.is_empty() => format!("{existing}, gzip"),
        _ => "gzip".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&encoding) {
        request
            .headers_mut()
            .insert(::http::header::CONTENT_ENCODING, value);
    }
    request.headers_mut().insert(
        ::http::header::CONTENT_LENGTH,
        HeaderValue::from(compressed.len()),
    );
    *request.body_mut() = compressed.into();
}

/// Endpoint parameters of one request that come from its operation
/// (`smithy.rules#staticContextParams`) or its input (`smithy.rules#contextParam`). A
/// generated `send` stores them in the request's extensions; they win over built-ins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointParams(pub Vec<(&'static str, ParamValue)>);

/// The `@endpoint` host prefix of one request (`data-`, or `foo.{label}.` with its labels
/// already filled in), put in front of the endpoint's host. A generated serializer stores it
/// in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPrefix(pub String);

/// `https://host/base` + `/Op?x=1` -> `https://host/base/Op?x=1`; with a host prefix `p.`,
/// `https://p.host/base/Op?x=1`.
fn join_uri(endpoint: &str, request: &Uri, prefix: Option<&HostPrefix>) -> Result<Uri, String> {
    let base: Uri = endpoint.parse().map_err(|e| {
        let shown = crate::config::redact_userinfo(endpoint);
        format!("the endpoint URL `{shown}` is invalid: {e}")
    })?;
    let (Some(scheme), Some(authority)) = (base.scheme_str(), base.authority()) else {
        return Err(format!(
            "the endpoint URL `{}` is not absolute (it needs a scheme and a host)",
            crate::config::redact_userinfo(endpoint)
        ));
    };
    let base_path = base.path().trim_end_matches('/');
    let path = request.path();
    let slash = if path.starts_with('/') { "" } else { "/" };
    let prefix = prefix.map(|p| p.0.as_str()).unwrap_or("");
    let authority = match authority.as_str().rsplit_once('@') {
        Some((userinfo, host)) => format!("{userinfo}@{prefix}{host}"),
        None => format!("{prefix}{authority}"),
    };
    let mut joined = format!("{scheme}://{authority}{base_path}{slash}{path}");
    let mut separator = '?';
    for query in [base.query(), request.query()] {
        match query {
            Some(query) if !query.is_empty() => {
                joined.push(separator);
                joined.push_str(query);
                separator = '&';
            }
            _ => {}
        }
    }
    joined.parse().map_err(|e| {
        let shown = crate::config::redact_userinfo(&joined);
        format!("the request URI `{shown}` is invalid: {e}")
    })
}

/// Every attempt is signed afresh (new date) from an unsigned copy.
fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = HttpRequest::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(endpoint: &str, request: &str) -> String {
        join_uri(endpoint, &request.parse().unwrap(), None)
            .unwrap()
            .to_string()
    }

    #[test]
    fn joins_endpoint_and_request() {
        assert_eq!(
            join("https://ivs.us-west-2.amazonaws.com", "/CreateChannel"),
            "https://ivs.us-west-2.amazonaws.com/CreateChannel"
        );
        assert_eq!(
            join("http://localhost:5000/", "/tags/arn%3Aa?tagKeys=a"),
            "http://localhost:5000/tags/arn%3Aa?tagKeys=a"
        );
        assert_eq!(
            join("http://localhost:5000/prefix/", "/CreateChannel"),
            "http://localhost:5000/prefix/CreateChannel"
        );
        assert_eq!(join("http://h/p?k=v", "/Op?x=1"), "http://h/p/Op?k=v&x=1");
        assert!(join_uri("localhost", &"/x".parse().unwrap(), None).is_err());
        assert!(join_uri("", &"/x".parse().unwrap(), None).is_err());
        let prefix = HostPrefix("foo.bar.".to_owned());
        assert_eq!(
            join_uri(
                "https://example.com/p",
                &"/Op".parse().unwrap(),
                Some(&prefix)
            )
            .unwrap()
            .to_string(),
            "https://foo.bar.example.com/p/Op"
        );
    }
}
