//! Configuration: the registry of rights and the site profiles.
//!
//! Both are read as raw serde types that refuse unknown fields and then
//! checked into the runtime types the stages use, so that every mistake is
//! reported at load time with the file, the entry and the field.

pub mod registry;
pub mod site;

use std::path::PathBuf;

pub use registry::{Registry, RightRef};
pub use site::SiteProfile;

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {entry}: field `{field}`: {message}")]
    Invalid {
        path: String,
        entry: String,
        field: String,
        message: String,
    },
}

/// The directory that holds the shipped configuration: `config/` under the
/// working directory when there is one, else the one this binary was built
/// from, so `knockoff sweep` works from anywhere on the build machine.
pub fn default_config_dir() -> PathBuf {
    let local = PathBuf::from("config");
    if local.join("registry.toml").is_file() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }
}
