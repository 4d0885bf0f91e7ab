//! The translation catalogues: every language has exactly the keys English has, with the same
//! interpolated variables, and no value is left empty.

use std::collections::BTreeMap;
use std::path::Path;

/// Every key path of a catalogue with the `{{ variables }}` its text uses.
fn keys(value: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, Vec<String>>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys(v, &format!("{prefix}.{k}"), out);
            }
        }
        other => {
            let text = other.to_string();
            let mut vars: Vec<String> = text
                .split("{{")
                .skip(1)
                .filter_map(|rest| rest.split_once("}}").map(|(v, _)| v.trim().to_string()))
                .collect();
            vars.sort();
            vars.dedup();
            assert!(text != "\"\"", "{prefix} is empty");
            out.insert(prefix.to_string(), vars);
        }
    }
}

fn catalogue(lang: &str) -> BTreeMap<String, Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut out = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let namespace = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        keys(&json, &namespace, &mut out);
    }
    out
}

#[test]
fn german_has_exactly_the_english_keys_and_variables() {
    let en = catalogue("en");
    let de = catalogue("de");
    assert!(en.len() > 20, "the English catalogue is loaded");
    let missing: Vec<_> = en.keys().filter(|k| !de.contains_key(*k)).collect();
    let extra: Vec<_> = de.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "missing in German: {missing:?}");
    assert!(extra.is_empty(), "only in German: {extra:?}");
    let differing: Vec<_> = en
        .iter()
        .filter(|(k, vars)| de.get(*k) != Some(vars))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "German uses other variables in: {differing:?}"
    );
}
