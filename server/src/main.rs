//! `cairn` server binary: read config, open and migrate the store, bootstrap, serve.

use server::{
    app, bootstrap, make_hub, open_store, single_instance_lock, AppState, Config, StartupError,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("cairn: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), StartupError> {
    let config = Config::from_env()?;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(&config.log_filter))
        .init();
    let _instance = single_instance_lock(&config)?;
    let store = open_store(&config).await?;
    bootstrap(&store, &config).await?;
    let hub = make_hub(&store, &config).await?;
    let state = AppState::new(store.clone(), &config, hub);
    // Sends queued mail and runs reminders beside the server (never inside a request).
    let _mail = server::mail::spawn_worker(
        store,
        config.smtp.as_ref(),
        server::mail::WorkerSettings::new(&server::mail::base_url(&config)),
    );
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|source| StartupError::Listen {
            addr: config.site_addr,
            source,
        })?;
    tracing::info!("Cairn listening on http://{}", config.site_addr);
    server::serve_with(listener, app(state), config.header_timeout)
        .await
        .map_err(|source| StartupError::Listen {
            addr: config.site_addr,
            source,
        })
}
