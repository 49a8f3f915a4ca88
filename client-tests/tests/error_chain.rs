//! Error chains print each cause once: a `Display` prints its own level, and `source()` the
//! next. The walk below is what anyhow's `{:#}` does.

use std::error::Error as StdError;

/// `outer: cause: root cause`, as anyhow's alternate `Display` writes a chain.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut current = error.source();
    while let Some(cause) = current {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        current = cause.source();
    }
    text
}

#[tokio::test]
async fn connection_refused_is_said_once() {
    // A port nothing listens on: bind, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The names users reach for resolve in `ivs` itself.
    let builder: ivs::config::Builder = ivs::ConfigBuilder::default();
    let config = builder
        .region("us-west-2")
        .credentials(ivs::Credentials::new("AKID", "SECRET", None, None, "test"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry(ivs::RetryConfig::disabled())
        .build();
    let client = ivs::Client::new(config);
    let err = client.list_channels().send().await.unwrap_err();
    let op_text = chain(&err);
    let crate_err: ivs::Error = err.into();
    let text = chain(&crate_err);
    println!("{text}");
    assert_eq!(op_text, text);
    assert_eq!(
        text.matches("Connection refused").count(),
        1,
        "each cause once: {text}"
    );
    assert!(text.starts_with("transport error: ListChannels"), "{text}");
    assert_eq!(crate_err.kind(), ivs::error::ErrorKind::Transport);
    // The one-line form the runtime offers for logs is the same walk.
    assert_eq!(ivs::error::DisplayErrorChain(&crate_err).to_string(), text);
    let failure: &ivs::error::Failure = match &crate_err {
        ivs::Error::Unhandled(f) => f,
        other => panic!("not a transport failure: {other}"),
    };
    // Its own level only: the cause is left to `source()`.
    assert!(!failure.to_string().contains("refused"), "{failure}");
}
