//! `plumb completions SHELL` and `plumb man`, generated from the command line's definition.

use crate::{plumb, stderr, stdout};

#[test]
fn completions_name_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = plumb(&["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        for command in ["scan", "inspect", "snapshot", "iam-policy", "rules"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
    }
    let output = plumb(&["completions", "tcsh"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "an unknown shell is a usage error (exit 1)"
    );
}

#[test]
fn the_man_page_is_roff_and_documents_the_commands() {
    let output = plumb(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..80.min(page.len())]
    );
    assert!(
        page.contains(".TH plumb"),
        "{}",
        &page[..200.min(page.len())]
    );
    for command in ["scan", "snapshot", "iam\\-policy"] {
        assert!(page.contains(command), "the man page lacks {command}");
    }
}
