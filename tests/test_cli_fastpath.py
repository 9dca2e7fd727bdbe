"""The click-free fast path of ``gdegraph query`` reads its arguments exactly as click does, or not at all.

:mod:`gdegraph.cli.fastpath` parses a plain ``gdegraph query`` itself so that the command
need not import click. These tests hold it to click's own parse: the options it knows are
the ones the click command declares, every command line it accepts gives the values click
gives, and every command line click rejects (or answers itself: help, completion) it hands
back to click. Which modules the query imports is checked in tests/test_cli_query.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from gdegraph.cli import fastpath
from gdegraph.cli.app import cli
from gdegraph.cli.query import query as query_command
from gdegraph.core.paths import SHARED_ENV
from gdegraph.store.base import ENGINES

ROOT = Path(__file__).resolve().parents[1]
ENV = (SHARED_ENV, fastpath.AUTH_USER_ENV, fastpath.AUTH_PASSWORD_ENV, fastpath.AUTH_TOKEN_ENV, fastpath.COMPLETE_ENV)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stray credentials or shared folder from the caller (set first, so that the end restores them)."""
    for name in ENV:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def click_parse(argv: list[str]) -> dict[str, Any] | None:
    """What click gives the query command (and the group's flags) for ``argv``; None if click refuses it."""
    if "query" not in argv:
        return None
    at = argv.index("query")
    shared = os.environ.get(SHARED_ENV)
    try:
        group = cli.make_context("gdegraph", [*argv[:at], "query"])
        command = query_command.make_context("query", argv[at + 1:], parent=group)
    except (click.ClickException, click.exceptions.Exit):
        return None
    finally:  # the --shared option's callback exports the folder: undo it, as a new process would start
        if shared is None:
            os.environ.pop(SHARED_ENV, None)
        else:
            os.environ[SHARED_ENV] = shared
    if group.params["quiet"] and group.params["verbose"]:
        return None  # the group's callback refuses the pair when it runs
    return {**command.params, **group.params}


def test_the_fast_path_knows_the_options_click_declares() -> None:
    fields = fastpath.QueryArgs._fields
    declared = {}
    for param in query_command.params:
        if isinstance(param, click.Argument):
            assert param.name == "name" and param.required
            continue
        spellings = {*param.opts, *param.secondary_opts}
        assert {fastpath._OPTIONS.get(s) for s in spellings} == {param.name}, spellings
        declared.update(dict.fromkeys(spellings, param.name))
        assert param.multiple == (param.name == "params")
        assert param.envvar == (dict(fastpath._ENVIRONMENT).get(param.name)), param.name
        assert param.name in fields  # its default: the parse of a bare `query NAME` below
        if isinstance(param.type, click.Choice):
            assert tuple(param.type.choices) == {"fmt": fastpath.QUERY_FORMATS, "engine": fastpath.LOCAL_ENGINES}[param.name]
    assert declared == fastpath._OPTIONS
    assert fastpath.LOCAL_ENGINES == tuple(ENGINES)
    flags = {s: p.name for p in cli.params if getattr(p, "is_flag", False) and p.expose_value for s in p.opts}
    assert flags == fastpath._GROUP_FLAGS


def _corpus(tmp: Path) -> list[list[str]]:
    data, folder, out = tmp / "g.trig", tmp / "shared", tmp / "o.csv"
    data.write_text("", encoding="utf-8")
    folder.mkdir()
    return [
        ["query", "pairings"],
        ["query", "followers-of", "-p", "exemplar=RQ6", "--data", str(data), "--format", "tsv"],
        ["-q", "query", "pairings", "--format=csv", f"--data={data}"],
        ["--verbose", "query", "x", "-pexemplar=RQ6", "--param", "a=b", "-p", "c=d", "--param=e=f=g"],
        ["query", "--format", "csv", "x", "--format", "json", "--engine", "rdflib", "--engine", "oxigraph"],
        ["query", "x", "--endpoint", "http://h/q", "--user", "u", "--password", "p w", "--token", "t", "--timeout", "2.5"],
        ["query", "x", "-p=a=b", "--user=", "--timeout", " 7 "],
        ["query", "x", "--out", str(out), "--shared", str(folder)],
        ["query", str(tmp / "mine.rq"), "-p", "text=} ; DROP ALL", "-p", "q=\"''\\"],
        # click refuses these, or answers them itself: the fast path must hand them over
        ["query"], ["query", "a", "b"], ["query", "x", "--nope"], ["query", "x", "-h"], ["query", "x", "--help"],
        ["--help", "query", "x"], ["--version", "query", "x"], ["query", "x", "--format", "xls"],
        ["query", "x", "--format"], ["query", "x", "--engine", "virtuoso"], ["query", "x", "--timeout", "0.05"],
        ["query", "x", "--timeout", "soon"], ["query", "x", "--data", str(tmp / "missing.trig")],
        ["query", "x", "--data", str(tmp)], ["query", "x", "--out", str(tmp)], ["query", "x", "--shared", str(data)],
        ["query", "x", "--shared", str(tmp / "nowhere")], ["query", "x", "--data="], ["-q", "-v", "query", "x"],
        ["-qv", "query", "x"], ["query", "x", "-q"], ["--quiet", "--", "query", "x"],
        # click accepts these; the fast path may hand them over (a value that looks like an option, "--")
        ["query", "x", "-p", "-1"], ["query", "x", "--user", "--token"], ["query", "--", "x"], ["query", "x", "--", "-y"],
        ["query", "-"],
        # not the query command at all
        [], ["stats"], ["queries"], ["push"], ["-q", "stats"], ["queryx", "x"],
    ]


def test_whatever_the_fast_path_accepts_it_reads_as_click_does(tmp_path: Path) -> None:
    accepted = 0
    for argv in _corpus(tmp_path):
        fast = fastpath.parse(list(argv))
        theirs = click_parse(list(argv))
        if fast is not None:
            accepted += 1
            assert theirs is not None, f"the fast path accepts what click refuses: {argv}"
            assert fast._asdict() == theirs, argv
    assert accepted == 9  # the first nine: everything a plain query can say


def test_environment_variables_fill_unset_options_as_click_reads_them(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.setenv(fastpath.AUTH_USER_ENV, "from-env")
    monkeypatch.setenv(fastpath.AUTH_TOKEN_ENV, "")  # empty: unset, for click as here
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    for argv in (["query", "x"], ["query", "x", "--user", "given", "--shared", str(ROOT)]):
        fast = fastpath.parse(argv)
        assert fast is not None and fast._asdict() == click_parse(argv)
    monkeypatch.setenv(SHARED_ENV, str(tmp_path / "nowhere"))
    assert fastpath.parse(["query", "x"]) is None and click_parse(["query", "x"]) is None
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    monkeypatch.setenv(fastpath.COMPLETE_ENV, "bash_complete")
    assert fastpath.parse(["query", "x"]) is None  # shell completion is click's


def _gdegraph(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "gdegraph.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_help_and_usage_errors_of_query_stay_clicks() -> None:
    shown = _gdegraph("query", "--help")
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: gdegraph query [OPTIONS] NAME")
    assert "--param" in shown.stdout and "GDEGRAPH_USER" in shown.stdout
    wrong = _gdegraph("query", "pairings", "--format", "xls")
    assert wrong.returncode == 2 and "Invalid value for '--format'" in wrong.stderr
    missing = _gdegraph("query")
    assert missing.returncode == 2 and "Missing argument 'NAME'" in missing.stderr
    both = _gdegraph("-q", "-v", "query", "pairings")
    assert both.returncode == 2 and "contradict" in both.stderr
