"""The command line: help needs no settings (issue 11.17); errors are one line and status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from dpsupport.cli import main
from dpsupport.cli_fail import fail
from dpsupport.errors import UserError


def _every_command_path() -> list[list[str]]:
    """["db"], ["db", "upgrade"], ["serve"], ...: every command and group, found from the CLI
    itself so that a command added later is checked too."""
    paths: list[list[str]] = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None
            paths.append(prefix + [name])
            if isinstance(command, click.Group):
                walk(command, prefix + [name])

    walk(main, [])
    return paths


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # An empty environment: no DPSUPPORT_SECRET_KEY, no DPSUPPORT_ENV (so production).
    return subprocess.run([sys.executable, "-m", "dpsupport.cli", *args], capture_output=True,
                          text=True, env={}, cwd=cwd, timeout=120)


def test_help_needs_no_settings(tmp_path: Path) -> None:
    paths = _every_command_path()
    assert ["db", "upgrade"] in paths and ["serve"] in paths and ["import-statement"] in paths
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage: dpsupport" in result.stdout and result.stderr == ""
    for name in ("db", "serve", "prepare-demo", "check-schema", "import-statement"):
        assert name in result.stdout
    for path in paths:
        result = _run([*path, "--help"], tmp_path)
        assert result.returncode == 0, f"{' '.join(path)} --help: {result.stderr}"
        assert f"Usage: dpsupport {' '.join(path)}" in result.stdout
        assert result.stderr == ""
    assert list(tmp_path.iterdir()) == [], "help wrote nothing (no instance folder, no key)"


def test_the_installed_command_shows_help_and_its_version(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("dpsupport")
    result = subprocess.run([str(command), "--help"], capture_output=True, text=True, env={},
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0 and "Usage: dpsupport" in result.stdout, result.stderr
    version = _run(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("dpsupport, version ")


def test_a_command_that_needs_the_settings_still_asks_for_them(tmp_path: Path) -> None:
    for args in (["db", "upgrade"], ["check-schema"], ["prepare-demo"]):
        result = _run(args, tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.startswith("dpsupport: DPSUPPORT_SECRET_KEY is not set"), args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert result.stdout == ""


def test_fail_shows_a_user_error_as_one_line_and_exits_2() -> None:
    @click.command("try-it")
    def try_it() -> None:
        fail(UserError("The file is empty.\nThere is nothing to import.",
                       next_step="Choose another file."))

    result = CliRunner().invoke(try_it, [], prog_name="dpsupport try-it")
    assert result.exit_code == 2
    assert result.stderr == ("dpsupport try-it: The file is empty. There is nothing to import. "
                             "Choose another file.\n")
    assert result.stdout == ""

    @click.command("plain")
    def plain() -> None:
        fail("Nothing to do.")

    result = CliRunner().invoke(plain, [], prog_name="dpsupport plain")
    assert (result.exit_code, result.stderr) == (2, "dpsupport plain: Nothing to do.\n")


def test_the_import_commands_help_names_the_bank_layouts() -> None:
    """It used to point to a --list-profiles option that does not exist."""
    result = CliRunner().invoke(main, ["import-statement", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--list-profiles" not in text
    assert "nationwide" in text
