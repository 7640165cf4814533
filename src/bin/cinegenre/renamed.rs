//! Flags renamed to the one vocabulary of the command line (ARCHITECTURE.md, "The command
//! line's vocabulary"). Each old spelling still parses, as a hidden clap `alias` on the new
//! flag, for one release; using it prints one deprecation line on standard error naming the
//! new spelling. clap does not say which alias matched, so the command line is scanned against
//! this table, for the command clap matched.

/// (command path, old spelling, new spelling).
pub const RENAMED: &[(&str, &str, &str)] = &[
    ("run", "--poster-precision", "--precision"),
    ("run", "--poster-size", "--image-size"),
    ("run", "--text-output", "--text-output-layer"),
    ("features vgg16", "--weights", "--vgg-weights"),
    ("features vgg16", "--size", "--image-size"),
    ("bench vgg", "--size", "--image-size"),
    ("bench gemm", "--dtype", "--precision"),
    ("train nb", "--model", "--out"),
    ("train svm", "--model", "--out"),
    ("train mlp", "--model", "--out"),
    ("train mlp", "--output", "--output-layer"),
];

/// The deprecation lines for the old spellings among `args` (the arguments after the program
/// name) given to the command `path` (`"train mlp"`), one per old spelling used.
pub fn deprecations(path: &str, args: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    for &(command, old, new) in RENAMED {
        if command != path {
            continue;
        }
        // Up to `--`, past which every word is a value.
        let used = args
            .iter()
            .take_while(|a| *a != "--")
            .any(|a| a == old || a.strip_prefix(old).is_some_and(|rest| rest.starts_with('=')));
        if used {
            lines.push(format!(
                "warning: `{old}` is deprecated: use `{new}` (`cinegenre {path} {old}` is accepted until the \
                 next release)"
            ));
        }
    }
    lines
}

/// The command path clap matched: the subcommand names, space-separated.
pub fn command_path(matches: &clap::ArgMatches) -> String {
    let mut names = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        names.push(name);
        current = sub;
    }
    names.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn old_spellings_are_named_only_for_their_command() {
        let lines = deprecations("train mlp", &args(&["train", "mlp", "--output=softmax", "--model", "m"]));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("`--model` is deprecated: use `--out`"), "{lines:?}");
        assert!(lines[1].contains("`--output` is deprecated: use `--output-layer`"), "{lines:?}");
        // `--size` is old for `bench vgg`, not `--sizes` of `bench gemm`, and not past `--`.
        assert!(deprecations("bench gemm", &args(&["bench", "gemm", "--sizes", "8"])).is_empty());
        assert!(deprecations("bench vgg", &args(&["bench", "vgg", "--sizes"])).is_empty());
        assert!(deprecations("bench vgg", &args(&["bench", "vgg", "--", "--size"])).is_empty());
        assert_eq!(deprecations("bench vgg", &args(&["bench", "vgg", "--size", "64"])).len(), 1);
        // Predict's `--model` is its input: not renamed.
        assert!(deprecations("predict", &args(&["predict", "--model", "m"])).is_empty());
    }

    /// Every renamed flag's old spelling is an alias of the new one on its command.
    #[test]
    fn every_old_spelling_still_parses_as_the_new_flag() {
        use clap::CommandFactory;
        let cli = crate::Cli::command();
        for &(path, old, new) in RENAMED {
            let mut cmd = &cli;
            for name in path.split(' ') {
                cmd = cmd.find_subcommand(name).unwrap_or_else(|| panic!("no command {path}"));
            }
            let arg = cmd
                .get_arguments()
                .find(|a| a.get_long() == Some(&new[2..]))
                .unwrap_or_else(|| panic!("{path} has no {new}"));
            let aliases = arg.get_all_aliases().unwrap_or_default();
            assert!(aliases.contains(&&old[2..]), "{path} {new}: {old} is not an alias ({aliases:?})");
        }
    }
}
