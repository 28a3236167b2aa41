//! Scenarios embedded in the binary (the files in `scenarios/`), so
//! `chainmesh run agriculture` works from any directory.

/// A scenario file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Name used on the command line (the file stem).
    pub name: &'static str,
    /// The TOML text.
    pub text: &'static str,
}

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// Every built-in scenario, the default first.
        pub const BUILTINS: &[Builtin] = &[
            $(Builtin { name: $name, text: include_str!(concat!("../../scenarios/", $name, ".toml")) },)*
        ];
    };
}

builtins!(
    "agriculture",
    "manufacturing",
    "smart-city",
    "ecosystem-archetypes",
    "pandemic-2020",
    "marketing",
    "ecommerce-platform",
);

/// The scenario the TUI opens when none is named.
pub const DEFAULT: &str = "agriculture";

/// The built-in scenario called `name` (with or without `.toml`).
pub fn find(name: &str) -> Option<&'static Builtin> {
    let name = name.strip_suffix(".toml").unwrap_or(name);
    BUILTINS.iter().find(|b| b.name == name)
}
