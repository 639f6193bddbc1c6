"""Starts the real `./eo2sar serve` on a free loopback port for the OGC API client tests."""
from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest


def repo_root() -> Path:
    """The repository root: the first parent with the root pom.xml and src/core."""
    for p in Path(__file__).resolve().parents:
        if (p / "pom.xml").is_file() and (p / "src" / "core").is_dir():
            return p
    raise RuntimeError(f"cannot find the repository root above {__file__}")


@dataclass(frozen=True)
class ServerConfig:
    """How the server under test is started."""

    root: Path
    data_dir: Path
    models_dir: Path
    work_dir: Path
    startup_timeout_s: float = 300.0  # the first run may build the app with Maven


@dataclass(frozen=True)
class RunningServer:
    url: str
    config: ServerConfig


@pytest.fixture(scope="session")
def server_config(tmp_path_factory: pytest.TempPathFactory) -> ServerConfig:
    root = repo_root()
    data = (root / ".." / "shared" / "data" / "rasters").resolve()
    if not (data / "RGB.byte.tif").is_file():
        pytest.fail(f"shared test data missing: {data}")
    return ServerConfig(root=root, data_dir=data,
                        models_dir=root / "src" / "core" / "src" / "test" / "resources" / "models",
                        work_dir=tmp_path_factory.mktemp("eo2sar-work"))


@pytest.fixture(scope="session")
def server(server_config: ServerConfig) -> Iterator[RunningServer]:
    c = server_config
    cmd = [str(c.root / "eo2sar"), "serve", "--port", "0", "--bind", "127.0.0.1",
           "--data-dir", str(c.data_dir), "--models-dir", str(c.models_dir), "--work-dir", str(c.work_dir)]
    proc = subprocess.Popen(cmd, cwd=c.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ))
    found: dict[str, str] = {}
    seen: list[str] = []

    def read() -> None:  # the server announces its URL; --port 0 means no port race
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line.rstrip())
            m = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
            if m and "url" not in found:
                found["url"] = m.group(1)
                ready.set()
        ready.set()

    ready = threading.Event()
    threading.Thread(target=read, daemon=True).start()
    ready.wait(c.startup_timeout_s)
    if "url" not in found:
        proc.kill()
        pytest.fail("eo2sar serve did not start:\n" + "\n".join(seen[-30:]))
    try:
        yield RunningServer(url=found["url"], config=c)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
