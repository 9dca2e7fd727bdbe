"""The built wheel, installed in a fresh virtual environment outside the checkout, is a working gdegraph.

The slow test builds the wheel with pip, creates a new venv (no system site
packages), lets pip install the wheel and resolve its dependencies from the
configured index, and runs the ``gdegraph`` console script from a temporary
folder -- never the checkout -- on the packaged ontology, data, shapes and
queries: build, query, network, publish, site and serve (a real server on
127.0.0.1). The shared folder is given by ``GDEGRAPH_SHARED`` only where the
seed articles are needed (build); name resolution and 360Giving checks run on
the reference files and schemas shipped in the wheel.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from gdegraph.core import paths
from test_server_support import free_port

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _data_files() -> dict[str, Path]:
    """In-wheel name -> checkout file, for every data file pyproject.toml maps into the package."""
    files = {}
    for folder, pattern, inside in [("ontology", "*.ttl", "ontology"), ("data", "*.ttl", "data"),
                                    ("shapes", "*.ttl", "shapes"), ("queries", "**/*.rq", "queries"),
                                    ("vendor/refdata", "*", "refdata"), ("vendor/giving360", "*", "giving360")]:
        for path in sorted((ROOT / folder).glob(pattern)):
            rel = path.relative_to(ROOT / folder)
            files[f"gdegraph/{paths.PACKAGED}/{inside}/{rel}"] = path
    return files


@pytest.mark.parametrize("sub, vendored", [("refdata", "refdata"), ("standards/360giving", "giving360")])
def test_vendored_copies_equal_the_shared_folder(sub: str, vendored: str) -> None:
    shared, copy = SHARED / sub, ROOT / "vendor" / vendored
    if not shared.is_dir():
        pytest.skip(f"no shared folder at {shared}")
    names = sorted(p.name for p in shared.iterdir())
    assert names == sorted(p.name for p in copy.iterdir()), f"vendor/{vendored} lists other files than {shared}"
    match, mismatch, errors = filecmp.cmpfiles(shared, copy, names, shallow=False)
    assert not mismatch and not errors, f"vendor/{vendored} differs from {shared}: {mismatch + errors}: copy it again"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of just what pyproject.toml packages (pip's in-tree build would
    leave build/ and an egg-info in the checkout, and the copy shows nothing else is needed)."""
    out, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("gdegraph", "ontology", "data", "shapes", "queries", "vendor"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                    "-w", str(out), str(source)], check=True, capture_output=True, timeout=300)
    (found,) = out.glob("gdegraph-*.whl")
    return found


@pytest.mark.slow
def test_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "gdegraph").rglob("*.py")}
    assert modules - names == set(), "modules missing from the wheel: list their package in pyproject.toml"
    assert set(_data_files()) - names == set(), "data files missing from the wheel: map them in pyproject.toml"
    assert not {n for n in names if "/seeds/" in n or n.endswith(".txt") and "seed" in n}, "seed articles shipped"


class Installed:
    """A fresh venv with the wheel installed, and a working folder outside the checkout."""

    def __init__(self, root: Path, wheel: Path) -> None:
        self.root, self.work = root, root / "work"
        self.work.mkdir()
        venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        self.bin = venv / "bin"
        # Without the test run's PYTHONPATH: pip would take a checkout on it for an installed gdegraph.
        install = subprocess.run([str(self.bin / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                                  str(wheel)], capture_output=True, text=True, timeout=600, env=self.env(False))
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    def env(self, shared: bool) -> dict[str, str]:
        """The test run's environment without PYTHONPATH, with or without the shared folder."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", paths.SHARED_ENV)}
        if shared:
            env[paths.SHARED_ENV] = str(SHARED)
        return env

    def run(self, *args: str, shared: bool = True, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(self.bin / "gdegraph"), *args], cwd=self.work, env=self.env(shared),
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        if ok:
            assert done.returncode == 0, f"gdegraph {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        return done


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    if not SHARED.is_dir():
        pytest.skip(f"no shared folder at {SHARED}")
    return Installed(tmp_path_factory.mktemp("installed"), wheel)


@pytest.mark.slow
def test_installed_package_reads_its_own_data(installed: Installed) -> None:
    probe = subprocess.run([str(installed.bin / "python"), "-c",
                            "import gdegraph.core.paths as p; print(p.checkout_root()); print(p.ontology_dir())"],
                           cwd=installed.work, env=installed.env(False), capture_output=True, text=True, check=True)
    root, ontology = probe.stdout.splitlines()
    assert root == "None" and "site-packages/gdegraph/_resources/ontology" in ontology
    assert str(ROOT) not in probe.stdout


@pytest.mark.slow
def test_installed_commands_run_outside_the_checkout(installed: Installed) -> None:
    work = installed.work
    built = installed.run("build", "--out", "dist")
    assert (work / "dist" / "gdegraph.trig").is_file(), built.stdout
    answer = installed.run("query", "pairings", "--format", "csv")
    assert answer.stdout.count("\n") > 20 and "gdegraph: note: " not in answer.stderr  # the build is current
    pairings = installed.run("query", "pairings", "--format", "csv", "--data", "dist/gdegraph.trig", shared=False)
    assert pairings.stdout == answer.stdout  # a dump needs neither checkout nor shared folder
    published = installed.run("publish", "--out", "dist")
    assert (work / "dist" / "gdegraph.nt").is_file() and (work / "dist" / "awards-360giving.json").is_file(), published.stdout
    installed.run("network", "--out", "dist/network")
    assert (work / "dist" / "network" / "pairing-network.png").is_file()
    installed.run("site", "--out", "dist/site", "--data", "dist/gdegraph.trig", "--dist", "dist")
    assert (work / "dist" / "site" / "index.html").is_file()
    both = installed.run("publish", "--site", "--out", "release")  # the dumps and the site from one build
    page = Path("site") / "id" / "trust" / "RQ6.html"  # a page made from the graph alone (the home page shows pictures)
    assert (work / "release" / page).read_bytes() == (work / "dist" / page).read_bytes(), both.stdout
    _serve(installed)


def _serve(installed: Installed) -> None:
    port = free_port()
    server = subprocess.Popen([str(installed.bin / "gdegraph"), "serve", "--port", str(port), "--data",
                               "dist/gdegraph.trig", "--dist", "dist", "--quiet", "--workers", "1"],
                              cwd=installed.work, env=installed.env(False), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline, answer = time.monotonic() + 60, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql", timeout=2, trust_env=False,
                                   params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/gdegraph/def#Trust> }"},
                                   headers={"Accept": "application/sparql-results+json"})
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert answer is not None and answer.status_code == 200, server.stdout.read() if server.poll() is not None else ""
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 100
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


@pytest.mark.slow
def test_installed_without_shared_folder(installed: Installed) -> None:
    resolved = installed.run("resolve", "Salford Royal Hospitals Trust", shared=False)
    assert "RM3" in resolved.stdout  # the ODS files shipped in the wheel
    failed = installed.run("build", "--out", "nowhere", shared=False, ok=False)
    assert failed.returncode == 2 and "seed articles are not shipped" in failed.stderr
    assert "GDEGRAPH_SHARED" in failed.stderr and not (installed.work / "nowhere").exists()
