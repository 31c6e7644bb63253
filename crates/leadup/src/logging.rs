//! The log of `leadup serve` and `leadup demo`: `tracing` events written to standard output by
//! `tracing-subscriber`, one a line, as text or JSON (`--log-format`), filtered by
//! `--log-level`. Standard error keeps what is said to the person starting the server (the
//! address, the demo users' passwords shown once), so the log stream never holds a password.

use std::str::FromStr;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::cli::{LogArgs, LogFormat};

/// Starts writing log events as `args` say. Called once, before the server starts.
pub fn init(args: &LogArgs) {
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stdout).with_ansi(false);
    let registry = tracing_subscriber::registry().with(args.log_level.clone());
    // A subscriber already set (only possible in a test harness) is kept.
    let _ = match args.log_format {
        LogFormat::Text => registry.with(fmt).try_init(),
        LogFormat::Json => {
            registry.with(fmt.json().flatten_event(true).with_current_span(false).with_span_list(false)).try_init()
        }
    };
}

/// Parses `--log-level`: a level (error, warn, info, debug, trace, off), or comma-separated
/// `module=level` directives with an optional default level among them. Anything else is
/// refused, naming the part that is wrong (tracing's own parser would take an unknown word as
/// a module to log everything of).
pub fn parse_level(text: &str) -> Result<Targets, String> {
    for directive in text.split(',').map(str::trim) {
        let level = directive.split_once('=').map_or(directive, |(_, level)| level);
        if directive.is_empty() || LevelFilter::from_str(level).is_err() || level.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "'{directive}' is not a level: use error, warn, info, debug, trace or off, or MODULE=LEVEL"
            ));
        }
    }
    Targets::from_str(text).map_err(|error| format!("'{text}': {error}"))
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn a_level_or_module_levels_are_accepted() {
        let targets = parse_level("warn").unwrap();
        assert!(targets.would_enable("leadup::http", &Level::WARN));
        assert!(!targets.would_enable("leadup::http", &Level::INFO));
        let targets = parse_level("info,sqlx=warn").unwrap();
        assert!(targets.would_enable("leadup::http", &Level::INFO));
        assert!(!targets.would_enable("sqlx::query", &Level::INFO));
    }

    #[test]
    fn anything_else_is_refused_by_name() {
        assert_eq!(
            parse_level("loud").unwrap_err(),
            "'loud' is not a level: use error, warn, info, debug, trace or off, or MODULE=LEVEL"
        );
        assert!(parse_level("info,sqlx=").unwrap_err().starts_with("'sqlx=' is not a level"));
        assert!(parse_level("3").is_err());
        assert!(parse_level("").is_err());
    }
}
