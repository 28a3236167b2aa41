//! The exact `chainmesh` command line that reproduces a result (both fronts
//! show it: the batch commands' outputs and the TUI's footer).

use crate::report::escape::is_unsafe;

/// Quote `s` for a POSIX shell if it needs it. A value with control or
/// bidi characters ([`is_unsafe`]) is written in ANSI-C quoting (`$'…\u001b…'`,
/// bash/zsh/ksh), so the line stays exact *and* never drives a terminal.
pub fn shell_quote(s: &str) -> String {
    if s.chars().any(is_unsafe) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                // `\u` takes at most four hex digits: `\U` beyond the BMP.
                c if is_unsafe(c) && u32::from(c) > 0xFFFF => {
                    out.push_str(&format!("\\U{:08x}", u32::from(c)));
                }
                c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Builder for a reproduce command; only options that change results go in.
#[derive(Debug, Clone, Default)]
pub struct Reproduce {
    words: Vec<String>,
}

impl Reproduce {
    /// `chainmesh <subcommand> <scenarios...>`.
    pub fn new<S: AsRef<str>>(subcommand: &str, scenarios: &[S]) -> Self {
        let mut words = vec!["chainmesh".to_string(), subcommand.to_string()];
        words.extend(scenarios.iter().map(|s| shell_quote(s.as_ref())));
        Reproduce { words }
    }

    /// Append `--name value`.
    pub fn opt(mut self, name: &str, value: impl ToString) -> Self {
        self.words.push(format!("--{name}"));
        self.words.push(shell_quote(&value.to_string()));
        self
    }

    /// Append `--name value` when `value` is given.
    pub fn opt_some(self, name: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.opt(name, v),
            None => self,
        }
    }

    /// Append one `--scale spec` per entry.
    pub fn scales<S: AsRef<str>>(mut self, scales: &[S]) -> Self {
        for s in scales {
            self.words.push("--scale".to_string());
            self.words.push(shell_quote(s.as_ref()));
        }
        self
    }

    /// Append one `--shock 'spec'` per entry.
    pub fn shocks<S: AsRef<str>>(mut self, shocks: &[S]) -> Self {
        for s in shocks {
            self.words.push("--shock".to_string());
            self.words.push(shell_quote(s.as_ref()));
        }
        self
    }

    /// Append one `--set KEY=VALUES` per entry (each as the user would
    /// type it).
    pub fn sets<S: AsRef<str>>(mut self, specs: &[S]) -> Self {
        for spec in specs {
            self.words.push("--set".to_string());
            self.words.push(shell_quote(spec.as_ref()));
        }
        self
    }

    /// The command as one shell line.
    pub fn line(&self) -> String {
        self.words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        let c = Reproduce::new("run", &["agriculture", "my file.toml"])
            .opt("seed", 42)
            .shocks(&["at=3,select=nodes,nodes=farm"]);
        assert_eq!(
            c.line(),
            "chainmesh run agriculture 'my file.toml' --seed 42 --shock at=3,select=nodes,nodes=farm"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            shell_quote("a\u{1b}]0;x\u{7}'\\"),
            r"$'a\u001b]0;x\u0007\'\\'"
        );
    }
}
