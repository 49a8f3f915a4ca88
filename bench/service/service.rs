//! What the three programs share: the typical service itself. It serves one route with axum
//! on 127.0.0.1, calls it once with reqwest and logs the answer with tracing.

use axum::{routing::get, Json, Router};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}

/// Serves `GET /health` and calls it once.
pub async fn serve_and_call() -> Result<Health, Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let app = Router::new().route(
        "/health",
        get(|| async {
            Json(Health {
                status: "ok".to_owned(),
            })
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let health: Health = reqwest::get(format!("http://{addr}/health"))
        .await?
        .json()
        .await?;
    tracing::info!(status = %health.status, "health");
    Ok(health)
}
