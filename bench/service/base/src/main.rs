//! The typical service alone: the base the other two are measured against.

#[path = "../../service.rs"]
mod service;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let health = service::serve_and_call().await?;
    println!("{}", serde_json::to_string(&health)?);
    Ok(())
}
