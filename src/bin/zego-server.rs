//! zego-server: the server engines and browsers meet in (`serve`, the
//! default), and a Token04 generator for development (`token`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use zego_express::auth::token04;
use zego_express::server::{ServerConfig, ServerHandle, DEV_APP_ID, DEV_APP_SIGN, DEV_SERVER_SECRET};

/// Log filter when RUST_LOG is not set.
const DEFAULT_LOG_FILTER: &str = "zego_express=info,zego_server=info";

#[derive(Parser)]
#[command(name = "zego-server", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Print a Token04 for a user.
    Token(TokenArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9090")]
    listen: String,
    /// JSON config: {"apps": [{"app_id", "app_sign", "server_secret"}], "limits": {..}, "dev_mode": false}.
    /// Without it the development app is served.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Development mode: the development app is accepted and /api/rooms is served.
    #[arg(long)]
    dev: bool,
}

#[derive(Args)]
struct TokenArgs {
    /// App id (default with --dev: the development app).
    #[arg(long)]
    app_id: Option<u32>,
    /// The user the token is for.
    #[arg(long)]
    user_id: String,
    /// The app's 32-character ServerSecret (default with --dev: the development app's).
    #[arg(long)]
    secret: Option<String>,
    /// Restrict the token to this room (a privilege token).
    #[arg(long)]
    room_id: Option<String>,
    /// Allow publishing in the room (the default).
    #[arg(long, overrides_with = "no_publish")]
    publish: bool,
    /// Deny publishing in the room.
    #[arg(long, overrides_with = "publish")]
    no_publish: bool,
    /// Allow only these stream ids (repeatable).
    #[arg(long = "stream-id", requires = "room_id")]
    stream_ids: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    expire_seconds: i64,
    /// AES-GCM instead of AES-CBC.
    #[arg(long)]
    gcm: bool,
    /// Use the development app's id and secret.
    #[arg(long)]
    dev: bool,
}

fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Token(args)) => token(&args),
        Some(Command::Serve(args)) => serve(&args),
        None => serve(&cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zego-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(args: &ServeArgs) -> Result<ServerConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            ServerConfig::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => ServerConfig::dev_default(),
    };
    config.dev_mode |= args.dev;
    Ok(config)
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let config = load_config(args)?;
    if config.dev_mode {
        println!("development app (do not use in production):");
        println!("  app_id:        {DEV_APP_ID}");
        println!("  app_sign:      {DEV_APP_SIGN}");
        println!("  server_secret: {DEV_SERVER_SECRET}");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let server = ServerHandle::start(&args.listen, config).await.map_err(|e| e.to_string())?;
        println!("listening on {}  (signaling: {}/ws)", server.local_addr(), server.url());
        shutdown_signal().await;
        tracing::info!("shutting down");
        server.stop().await;
        Ok(())
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

fn token(args: &TokenArgs) -> Result<(), String> {
    let app_id =
        args.app_id.or(args.dev.then_some(DEV_APP_ID)).ok_or("give --app-id, or --dev for the development app")?;
    let secret = match (&args.secret, args.dev) {
        (Some(secret), _) => secret.as_str(),
        (None, true) => DEV_SERVER_SECRET,
        (None, false) => return Err("give --secret, or --dev for the development app".into()),
    };
    let payload = match &args.room_id {
        Some(room_id) => {
            let streams = (!args.stream_ids.is_empty()).then_some(args.stream_ids.as_slice());
            token04::privilege_payload(room_id, true, !args.no_publish, streams)
        }
        None => String::new(),
    };
    let mode = if args.gcm { token04::Mode::Gcm } else { token04::Mode::Cbc };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    let now = i64::try_from(now).map_err(|e| e.to_string())?;
    let token = token04::generate(app_id, &args.user_id, secret, args.expire_seconds, &payload, mode, now)
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}
