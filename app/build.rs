//! Generates the `i18n` module from the translation catalogues in `locales/`: one JSON file per
//! language and namespace. A key missing from a language, or an unknown key used in code, fails
//! the build (unknown keys) or the catalogue test (missing keys).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// One namespace per screen, plus `common` for the shell and shared widgets and `errors` for
/// messages from the domain and the server.
const NAMESPACES: [&str; 15] = [
    "common",
    "errors",
    "status",
    "health",
    "signin",
    "home",
    "map",
    "scorecard",
    "data",
    "import",
    "dashboard",
    "display",
    "admin",
    "setup",
    "profile",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // Interpolated texts are also wanted as plain strings (attributes, error messages).
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("en")?
        .add_locale("de")?
        .add_namespaces(NAMESPACES)?
        .parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
