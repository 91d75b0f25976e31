//! Generates the `i18n` module from `locales/*.json` at compile time, so a missing or
//! misspelt translation key is a build error rather than a blank label in production.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::{error::Error, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?).join("i18n");
    // Simplified Chinese is the default: the team using SalesDesk reads Chinese first.
    // One namespace per feature (locales/<locale>/<namespace>.json) keeps files small.
    // `interpolate_display`: interpolated keys also get plain-string builders (`tu_string!`),
    // so pages render translations as static text instead of one reactive view per call site
    // (the locale never changes without a full reload; this keeps the WASM bundle small).
    let cfg = Config::new("zh")?
        .add_locale("en")?
        .add_namespaces([
            "common",
            "vendors",
            "customers",
            "clues",
            "auth",
            "admin",
            "forms",
            "lists",
            "today",
            "bulk",
        ])?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
