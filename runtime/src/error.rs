//! Error metadata and the failure type shared by every operation error.

use std::fmt;

use crate::http::HttpResponse;

/// A boxed error usable as a `source()`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a service said about an error: its code, message, request ids, HTTP status and the
/// response's headers.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorMetadata {
    /// The error code, such as `ResourceNotFoundException` (no namespace, no suffix).
    pub code: Option<String>,
    /// The human-readable message.
    pub message: Option<String>,
    /// The request id (`x-amzn-RequestId`).
    pub request_id: Option<String>,
    /// The HTTP status code of the response, when there was one.
    pub status: Option<u16>,
    /// Every header of the response (empty when there was no response). Boxed: errors stay
    /// small on the success path of a `Result`.
    pub headers: Box<::http::HeaderMap>,
}

impl ErrorMetadata {
    /// The extended request id (`x-amz-id-2`), which some services send.
    pub fn extended_request_id(&self) -> Option<&str> {
        self.headers.get("x-amz-id-2").and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values are the service's and may be long or private.
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("ErrorMetadata")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("headers", &names)
            .finish()
    }
}

/// Code, message and request id of an error, whatever its type: implemented by every
/// operation error, the crate-level error, each modeled error and [`Failure`].
///
/// ```
/// use aws_lite_runtime::error::{ErrorKind, Failure, ProvideErrorMetadata};
/// fn report(e: &impl ProvideErrorMetadata) -> String {
///     format!("{:?} {:?} {:?}", e.code(), e.message(), e.request_id())
/// }
/// assert_eq!(report(&Failure::new(ErrorKind::Timeout, "late")), r#"None Some("late") None"#);
/// ```
pub trait ProvideErrorMetadata {
    /// Everything known about the response: code, message, request ids, status, headers.
    fn meta(&self) -> &ErrorMetadata;
    /// The error code (`ResourceNotFoundException`), for service errors.
    fn code(&self) -> Option<&str> {
        self.meta().code.as_deref()
    }
    /// The message.
    fn message(&self) -> Option<&str> {
        self.meta().message.as_deref()
    }
    /// The request id, when a response was received.
    fn request_id(&self) -> Option<&str> {
        self.meta().request_id.as_deref()
    }
}

/// The request ids of the response an output (or error) came from.
pub trait RequestId {
    /// The request id (`x-amzn-RequestId`).
    fn request_id(&self) -> Option<&str>;
    /// The extended request id (`x-amz-id-2`), which some services send.
    fn extended_request_id(&self) -> Option<&str>;
}

impl ProvideErrorMetadata for ErrorMetadata {
    fn meta(&self) -> &ErrorMetadata {
        self
    }
}

impl RequestId for ErrorMetadata {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    fn extended_request_id(&self) -> Option<&str> {
        ErrorMetadata::extended_request_id(self)
    }
}

/// The request id and extended request id of a response, owned, as outputs store them.
pub fn request_ids(response: &HttpResponse) -> (Option<String>, Option<String>) {
    (
        request_id(response).map(str::to_owned),
        extended_request_id(response).map(str::to_owned),
    )
}

impl ErrorMetadata {
    /// Metadata with just a code and a message.
    pub fn new(code: impl Into<String>, message: Option<String>) -> Self {
        Self {
            code: Some(code.into()),
            message,
            ..Self::default()
        }
    }
}

/// Strips what AWS adds around an error code: a `:http://...` suffix and a `namespace#`
/// prefix (`aws.protocoltests.restjson#FooError:http://internal.amazon.com/...` -> `FooError`).
pub fn sanitize_error_code(raw: &str) -> &str {
    let code = raw.split(':').next().unwrap_or(raw);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim()
}

/// Reads the code, message and request id of an error response of the restJson1 protocol.
///
/// The code comes from the `x-amzn-ErrorType` header, else the body's `code`, else its
/// `__type`; the message from the body's `message`, `Message` or `errorMessage`. A body that
/// is not JSON leaves those unset; this never fails.
pub fn parse_error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let body = match crate::json::from_slice(response.body()) {
        Ok(crate::json::Value::Object(map)) => Some(map),
        _ => None,
    };
    let body_str = |key: &str| {
        body.as_ref()
            .and_then(|b| b.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let code = header("x-amzn-errortype")
        .or_else(|| body_str("code"))
        .or_else(|| body_str("__type"))
        .map(|c| sanitize_error_code(&c).to_owned())
        .filter(|c| !c.is_empty());
    let message = body_str("message")
        .or_else(|| body_str("Message"))
        .or_else(|| body_str("errorMessage"));
    let request_id = request_id(response).map(str::to_owned);
    ErrorMetadata {
        code,
        message,
        request_id,
        status: Some(response.status().as_u16()),
        headers: Box::new(response.headers().clone()),
    }
}

/// The request id of a response: `x-amzn-RequestId`, else `x-amz-request-id`.
pub fn request_id(response: &HttpResponse) -> Option<&str> {
    let headers = response.headers();
    headers
        .get("x-amzn-requestid")
        .or_else(|| headers.get("x-amz-request-id"))
        .and_then(|v| v.to_str().ok())
}

/// The extended request id of a response (`x-amz-id-2`), which some services send.
pub fn extended_request_id(response: &HttpResponse) -> Option<&str> {
    response
        .headers()
        .get("x-amz-id-2")
        .and_then(|v| v.to_str().ok())
}

/// A builder could not build its value: a required member is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    member: &'static str,
    message: String,
}

impl BuildError {
    /// `member` is required and was not set; `message` says for what.
    pub fn missing(member: &'static str, message: impl Into<String>) -> Self {
        Self {
            member,
            message: message.into(),
        }
    }

    /// A value is not usable where it is needed (an empty URI label, say).
    pub fn invalid(member: &'static str, message: impl Into<String>) -> Self {
        Self::missing(member, message)
    }

    /// The member (as the model names it) that is missing.
    pub fn member(&self) -> &str {
        self.member
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

impl From<BuildError> for Failure {
    fn from(e: BuildError) -> Self {
        Failure::new(ErrorKind::Construction, e.to_string())
    }
}

/// The kind of a [`Failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with an error the model does not describe.
    Service,
    /// The request could not be sent or the response not read (connection, TLS, I/O).
    Transport,
    /// A timeout (connect, attempt or operation) passed.
    Timeout,
    /// The response could not be parsed as the model says it should be.
    ResponseParse,
    /// The request could not be built (a required member missing, a bad label value), or the
    /// configuration cannot be used (a region that is not a host label, an endpoint URL with
    /// user information or a port out of range); nothing was signed or sent.
    Construction,
    /// No credentials could be loaded.
    Credentials,
    /// No endpoint could be resolved for the configuration.
    Endpoint,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Service => "service error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ResponseParse => "response parse error",
            ErrorKind::Construction => "request construction error",
            ErrorKind::Credentials => "credentials error",
            ErrorKind::Endpoint => "endpoint resolution error",
        })
    }
}

/// Every failure that is not a modeled service error: the opaque variant of each operation's
/// error enum carries one.
#[derive(Debug)]
pub struct Failure {
    // Boxed so `Result<_, Failure>` stays one pointer wide on the success path.
    inner: Box<FailureInner>,
}

#[derive(Debug)]
struct FailureInner {
    kind: ErrorKind,
    meta: ErrorMetadata,
    description: String,
    source: Option<BoxError>,
}

impl Failure {
    /// A failure of `kind` described by `description`.
    pub fn new(kind: ErrorKind, description: impl Into<String>) -> Self {
        Self {
            inner: Box::new(FailureInner {
                kind,
                meta: ErrorMetadata::default(),
                description: description.into(),
                source: None,
            }),
        }
    }

    /// An error response the model does not describe.
    pub fn unmodeled(meta: ErrorMetadata) -> Self {
        Self::new(ErrorKind::Service, String::new()).with_meta(meta)
    }

    /// An error response whose body cannot be read as the modeled error its code names.
    pub fn unreadable_error(meta: ErrorMetadata, source: crate::json::DeError) -> Self {
        Self::new(ErrorKind::ResponseParse, "cannot read the error response")
            .with_meta(meta)
            .with_source(source)
    }

    /// A success response of `operation` whose body cannot be read as its output.
    pub fn unreadable_output(
        operation: &str,
        response: &HttpResponse,
        source: crate::json::DeError,
    ) -> Self {
        Self::new(
            ErrorKind::ResponseParse,
            format!("cannot read the {operation} response"),
        )
        .with_meta(parse_error_metadata(response))
        .with_source(source)
    }

    /// A paginator stopping because the service sent `token` as the next token twice.
    pub fn duplicate_token(token: &str) -> Self {
        Self::new(
            ErrorKind::ResponseParse,
            format!(
                "the service sent the same next token twice ({} characters); stopping so the stream cannot loop forever",
                token.len()
            ),
        )
    }

    /// Attach the error that caused this one.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Attach what the service said (code, message, request id).
    pub fn with_meta(mut self, meta: ErrorMetadata) -> Self {
        self.inner.meta = meta;
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// What the service said, if anything.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.inner.meta
    }

    /// The error code, for a service error.
    pub fn code(&self) -> Option<&str> {
        self.inner.meta.code.as_deref()
    }

    /// The message: the service's, else our own description.
    pub fn message(&self) -> Option<&str> {
        self.inner
            .meta
            .message
            .as_deref()
            .or(Some(self.inner.description.as_str()).filter(|d| !d.is_empty()))
    }

    /// The request id, when a response carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.meta.request_id.as_deref()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.kind {
            ErrorKind::Service => {
                write!(
                    f,
                    "{}",
                    self.inner.meta.code.as_deref().unwrap_or("unknown error")
                )?;
                if let Some(status) = self.inner.meta.status {
                    write!(f, " (HTTP {status})")?;
                }
                if let Some(m) = &self.inner.meta.message {
                    write!(f, ": {m}")?;
                }
            }
            // The cause is `source()`'s to print, not ours (Rust API guidelines: a chain
            // walked by anyhow's `{:#}` or a logger must say each cause once).
            kind => write!(f, "{kind}: {}", self.inner.description)?,
        }
        if let Some(id) = &self.inner.meta.request_id {
            write!(f, " (request id: {id})")?;
        }
        Ok(())
    }
}

/// Writes a modeled error the way [`Failure`] writes an unmodeled one:
/// `Code (HTTP 404): message (request id: id)`, each part only when known. Every modeled
/// error's `Display` calls this.
pub fn fmt_service_error(
    f: &mut fmt::Formatter<'_>,
    code: &str,
    meta: &ErrorMetadata,
    message: Option<&str>,
) -> fmt::Result {
    f.write_str(code)?;
    if let Some(status) = meta.status {
        write!(f, " (HTTP {status})")?;
    }
    if let Some(m) = message {
        write!(f, ": {m}")?;
    }
    if let Some(id) = &meta.request_id {
        write!(f, " (request id: {id})")?;
    }
    Ok(())
}

impl ProvideErrorMetadata for Failure {
    fn meta(&self) -> &ErrorMetadata {
        Failure::meta(self)
    }
    fn message(&self) -> Option<&str> {
        Failure::message(self)
    }
}

impl RequestId for Failure {
    fn request_id(&self) -> Option<&str> {
        self.inner.meta.request_id.as_deref()
    }
    fn extended_request_id(&self) -> Option<&str> {
        self.inner.meta.extended_request_id()
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Writes an error and each of its causes, `outer: cause: root cause`, as anyhow's `{:#}`
/// does: every `Display` of this crate prints its own level only and leaves the cause to
/// `source()`, so this is how to show all of a failure in one line (logs, `main`).
///
/// ```
/// use aws_lite_runtime::error::{DisplayErrorChain, ErrorKind, Failure};
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
/// let failure = Failure::new(ErrorKind::Transport, "attempt 1 failed").with_source(io);
/// assert_eq!(failure.to_string(), "transport error: attempt 1 failed");
/// assert_eq!(
///     DisplayErrorChain(&failure).to_string(),
///     "transport error: attempt 1 failed: refused"
/// );
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DisplayErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for DisplayErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut current = self.0.source();
        while let Some(cause) = current {
            write!(f, ": {cause}")?;
            current = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut b = ::http::Response::builder().status(404);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(bytes::Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn code_from_header_wins_and_is_sanitized() {
        let r = response(
            &[
                (
                    "x-amzn-ErrorType",
                    "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.ivs/",
                ),
                ("x-amzn-RequestId", "abc-123"),
            ],
            r#"{"__type": "Other", "exceptionMessage": "no such channel"}"#,
        );
        let m = parse_error_metadata(&r);
        assert_eq!(m.code.as_deref(), Some("ResourceNotFoundException"));
        assert_eq!(m.request_id.as_deref(), Some("abc-123"));
        assert_eq!(m.message, None);
        assert_eq!(m.status, Some(404));
    }

    #[test]
    fn code_from_body_code_then_type() {
        let m = parse_error_metadata(&response(&[], r#"{"code": "A", "__type": "B"}"#));
        assert_eq!(m.code.as_deref(), Some("A"));
        let m = parse_error_metadata(&response(
            &[],
            r#"{"__type": "aws.ns#B:http://x", "Message": "m"}"#,
        ));
        assert_eq!(m.code.as_deref(), Some("B"));
        assert_eq!(m.message.as_deref(), Some("m"));
    }

    #[test]
    fn non_json_body_is_not_an_error() {
        let m = parse_error_metadata(&response(&[], "<html>"));
        assert_eq!(m.code, None);
    }

    #[test]
    fn display_names_code_message_and_request_id() {
        let f = Failure::unmodeled(ErrorMetadata {
            code: Some("Boom".into()),
            message: Some("it broke".into()),
            request_id: Some("r1".into()),
            status: Some(500),
            ..ErrorMetadata::default()
        });
        assert_eq!(f.to_string(), "Boom (HTTP 500): it broke (request id: r1)");
    }
}
