"""The `./eo2sar` launcher's class-data sharing archive: used when fresh, remade when stale, never noisy."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from conftest import repo_root


def launch(*args: str, java_opts: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EO2SAR_JAVA_OPTS=java_opts)
    env.pop("EO2SAR_CDS", None)
    return subprocess.run([str(repo_root() / "eo2sar"), *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def archive() -> Path:
    return repo_root() / "src" / "app" / os.environ.get("EO2SAR_BUILD", "target") / "eo2sar.jsa"


def test_classes_come_from_the_archive() -> None:
    assert launch("--version").returncode == 0  # makes the archive if this build has none yet
    assert archive().is_file()
    r = launch("--version", java_opts="-Xlog:class+load=info")
    assert r.returncode == 0, r.stderr
    main = [line for line in r.stdout.splitlines() if " org.eo2sar.app.Main " in line]
    assert main and "shared objects file" in main[0], main


def test_a_stale_archive_is_remade_without_warnings() -> None:
    assert launch("--version").returncode == 0
    old = time.time() - 10 * 365 * 86400  # older than the jar: as after a rebuild
    os.utime(archive(), (old, old))
    r = launch("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("eo2sar ")
    assert r.stderr == "", r.stderr
    assert archive().stat().st_mtime > old + 86400, "the launcher made a new archive"
