//! `quid completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell.
//! After `-g` / `--group`, bash, zsh and fish complete the names of your groups (asked of
//! the server through `quid groups names` when Tab is pressed), not file names.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError};

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    pub shell: Shell,
}

/// What lists the user's group names, quietly (no token or no server: nothing).
const GROUP_NAMES: &str = "quid groups names 2>/dev/null";

/// Writes the script to stdout.
pub fn run(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "quid", &mut script);
    let script = String::from_utf8_lossy(&script);
    super::output::line(complete_groups(args.shell, &script).trim_end())
}

/// The generated script with group names completed after `-g` / `--group`.
fn complete_groups(shell: Shell, script: &str) -> String {
    match shell {
        Shell::Bash => {
            let mut out = Vec::new();
            let mut after_group = false;
            for line in script.lines() {
                if after_group && line.contains("compgen -f") {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    out.push(format!(
                        "{indent}COMPREPLY=($(compgen -W \"$({GROUP_NAMES})\" -- \"${{cur}}\"))"
                    ));
                } else {
                    out.push(line.to_owned());
                }
                after_group = matches!(line.trim(), "--group)" | "-g)");
            }
            out.join("\n")
        }
        Shell::Fish => script
            .lines()
            .map(|line| {
                if line.contains(" -l group ") && line.ends_with(" -r") {
                    format!("{line} -f -a \"({GROUP_NAMES})\"")
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Shell::Zsh => script.replace(
            ":GROUP:_default",
            &format!(":GROUP:{{compadd -- ${{(f)\"$({GROUP_NAMES})\"}}}}"),
        ),
        _ => script.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: Shell) -> String {
        let mut command = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command, "quid", &mut script);
        complete_groups(shell, &String::from_utf8_lossy(&script))
    }

    /// After -g, bash, fish and zsh offer group names, never file names.
    #[test]
    fn group_names_after_g() {
        let bash = script(Shell::Bash);
        let lines: Vec<&str> = bash.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if matches!(line.trim(), "--group)" | "-g)") {
                assert!(lines[i + 1].contains(GROUP_NAMES), "{}", lines[i + 1]);
            }
        }
        assert!(bash.contains(GROUP_NAMES));
        let fish = script(Shell::Fish);
        assert!(
            fish.lines()
                .filter(|l| l.contains(" -l group "))
                .all(|l| l.contains(GROUP_NAMES))
        );
        let zsh = script(Shell::Zsh);
        assert!(zsh.contains(GROUP_NAMES) && !zsh.contains(":GROUP:_default"));
    }
}
