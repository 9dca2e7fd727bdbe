"""The installed ``gdegraph`` console script: help, version, exit codes and error output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gdegraph import __version__


def _console_script() -> str:
    beside = Path(sys.executable).parent / "gdegraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("gdegraph")
    assert found, "the gdegraph console script is not installed: run `make venv`"
    return found


GDEGRAPH = _console_script()


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GDEGRAPH_DEBUG"}
    environment.update(env or {})
    return subprocess.run(
        [GDEGRAPH, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_help_describes_project_and_commands() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "knowledge graph" in out and "NHS" in out
    for command in ("build", "validate", "stats"):
        assert command in out
    assert "GDEGRAPH_DEBUG" in out


@pytest.mark.parametrize("command", ["build", "validate", "stats"])
def test_command_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--shared" in result.stdout
    assert ("--out" if command == "build" else "--format") in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"gdegraph {__version__}"


def test_help_and_version_do_not_import_rdflib() -> None:
    result = run("--help", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "gdegraph.cli.main" in imported
    assert not {name for name in imported if name.split(".")[0] in {"rdflib", "pyoxigraph", "pyshacl"}}


def test_unknown_command_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_value_is_a_usage_error() -> None:
    result = run("validate", "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_shared_dir_is_a_usage_error(tmp_path: Path) -> None:
    result = run("build", "--shared", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "--shared" in result.stderr


def test_validate_malformed_turtle_reports_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix gde: <https://w3id.org/gdegraph/def#> .\n"
        "gde:a gde:p gde:b\n"
        "gde:c gde:p gde:d .\n",
        encoding="utf-8",
    )
    result = run("validate", str(bad))
    assert f"{bad}:3:1:" in result.stderr, result.stderr
    assert result.stderr.lstrip().startswith("gdegraph: error:")
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2


# --------------------------------------------------------------------------
# The error wrapper in main(), exercised through a throwaway command


WRAPPER = textwrap.dedent(
    """
    import sys
    import click
    from gdegraph.cli import main as cli
    from gdegraph.core.errors import InputError, ValidationFailed

    @cli.cli.command("boom")
    @click.argument("kind")
    def boom(kind):
        if kind == "input":
            raise InputError("bad thing", path="x.ttl", line=3, column=4, hint="fix it")
        if kind == "invalid":
            raise ValidationFailed("REPORT LINE", "validation failed: 1 violation")
        if kind == "interrupt":
            raise KeyboardInterrupt
        raise RuntimeError("kaput\\nsecond line")

    sys.exit(cli.main(sys.argv[1:]))
    """
)


def run_wrapper(kind: str, debug: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GDEGRAPH_DEBUG"}
    if debug:
        env["GDEGRAPH_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-c", WRAPPER, "boom", kind],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_input_error_exit_2_with_location() -> None:
    result = run_wrapper("input")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["gdegraph: error: x.ttl:3:4: bad thing", "  hint: fix it"]
    assert result.stdout == ""


def test_validation_failed_exit_1_with_report() -> None:
    result = run_wrapper("invalid")
    assert result.returncode == 1
    assert "REPORT LINE" in result.stderr
    assert result.stderr.rstrip().endswith("gdegraph: error: validation failed: 1 violation")


def test_keyboard_interrupt_exits_130() -> None:
    result = run_wrapper("interrupt")
    assert result.returncode == 130
    assert "Traceback" not in result.stderr


def test_unexpected_error_exit_3_without_traceback() -> None:
    result = run_wrapper("bug")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "gdegraph: error: internal error: RuntimeError: kaput" in result.stderr
    assert "second line" not in result.stderr
    assert "GDEGRAPH_DEBUG=1" in result.stderr


def test_unexpected_error_traceback_with_debug() -> None:
    result = run_wrapper("bug", debug=True)
    assert result.returncode == 3
    assert "Traceback" in result.stderr and "RuntimeError: kaput" in result.stderr
