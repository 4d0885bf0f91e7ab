//! Generates the `i18n` module from the translation catalogues in `locales/`: one JSON file per
//! language and namespace. A key missing from a language, or an unknown key used in code, fails
//! the build (unknown keys) or the catalogue test (missing keys).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// The namespaces (discovered, never listed here: worktrees sharing one build cache share this
/// script's binary, so it must be the same everywhere): one per screen, plus `common` for the shell and shared widgets and `errors`
/// for messages from the domain and the server. Read from the English catalogue's file names
/// (`locales/en/<namespace>.json`), so a new screen adds its file and nothing here; sorted, so
/// the generated module does not depend on the directory's order.
fn namespaces(dir: &std::path::Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir.join("en"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no manifest dir")?);
    let locales = manifest.join("locales");
    // A new or removed catalogue file changes the namespaces.
    println!("cargo::rerun-if-changed={}", locales.join("en").display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // Interpolated texts are also wanted as plain strings (attributes, error messages).
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("en")?
        .add_locale("de")?
        .add_namespaces(namespaces(&locales)?)?
        .parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
