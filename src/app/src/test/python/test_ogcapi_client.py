"""OGC API - Processes tests of `eo2sar serve` with real clients: OWSLib and GDAL's /vsicurl/."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from typing import Any

import pytest
import requests
from owslib.ogcapi.processes import Processes

from conftest import RunningServer

PROCESS = "tiny-tileinvariant"


def gdalinfo(target: str) -> dict[str, Any]:
    if shutil.which("gdalinfo") is None:
        pytest.fail("gdalinfo not found: install Debian's gdal-bin")
    env = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "CPL_VSIL_CURL_USE_HEAD": "YES", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["gdalinfo", "-json", target], check=True, capture_output=True, text=True, env=env, timeout=120)
    return json.loads(out.stdout)


def assert_same_grid(result: dict[str, Any], source: dict[str, Any]) -> None:
    assert result["size"] == source["size"]
    assert result["geoTransform"] == pytest.approx(source["geoTransform"], rel=1e-12, abs=1e-9)
    assert 'ID["EPSG",32618]' in result["coordinateSystem"]["wkt"]
    assert len(result["bands"]) == 1


def wait_for_job(server: RunningServer, job_id: str) -> dict[str, Any]:
    while True:  # bounded by the test runner, not by a timed assertion
        status = requests.get(f"{server.url}/jobs/{job_id}", timeout=30).json()
        if status["status"] not in ("accepted", "running"):
            return status
        time.sleep(0.1)


def test_landing_conformance_and_api(server: RunningServer) -> None:
    p = Processes(server.url)
    assert any(link["rel"] == "service-desc" for link in p.links)
    conforms = p.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conforms
    api = p.api()
    assert api["openapi"].startswith("3.")
    assert "/processes/{processId}/execution" in api["paths"]


def test_lists_and_describes_one_process_per_model(server: RunningServer) -> None:
    p = Processes(server.url)
    ids = [proc["id"] for proc in p.processes()]
    assert {"tiny-instancenorm", "tiny-tileinvariant"} <= set(ids)
    desc = p.process(PROCESS)
    assert desc["id"] == PROCESS
    assert set(desc["inputs"]) >= {"input", "bands", "tile", "margin", "blend", "outputType", "aoi"}
    assert desc["inputs"]["tile"]["schema"]["default"] == desc["modelCard"]["tileSize"]
    assert desc["modelCard"]["inputBands"] == ["red", "green", "blue"]


def test_sync_execute_result_opens_in_gdal_over_http(server: RunningServer) -> None:
    p = Processes(server.url)
    result = p.execute(PROCESS, inputs={"input": {"href": "RGB.byte.tif"}, "bands": [1, 2, 3]})
    href = result["result"]["href"]
    assert href.startswith(server.url + "/jobs/")
    remote = gdalinfo("/vsicurl/" + href)
    source = gdalinfo(str(server.config.data_dir / "RGB.byte.tif"))
    assert_same_grid(remote, source)
    assert remote["bands"][0]["type"] == "Float32"


def test_async_execute_reports_progress_and_results(server: RunningServer) -> None:
    p = Processes(server.url)
    created = p.execute(PROCESS, inputs={"input": {"href": "rgb_deflate.tif"}, "outputType": "uint8", "tile": 128},
                        async_=True)
    assert p.response_headers["Location"].endswith("/jobs/" + created["jobID"])
    status = wait_for_job(server, created["jobID"])
    assert status["status"] == "successful", status
    assert status["progress"] == 100
    results = requests.get(f"{server.url}/jobs/{created['jobID']}/results", timeout=30).json()
    remote = gdalinfo("/vsicurl/" + results["result"]["href"])
    assert_same_grid(remote, gdalinfo(str(server.config.data_dir / "rgb_deflate.tif")))
    assert remote["bands"][0]["type"] == "Byte"


def test_rejects_paths_outside_the_data_dir(server: RunningServer) -> None:
    p = Processes(server.url)
    for ref in ["../rasters/RGB.byte.tif", "/etc/passwd", "http://127.0.0.1:9/x.tif", "file:///etc/passwd"]:
        with pytest.raises(RuntimeError) as err:
            p.execute(PROCESS, inputs={"input": {"href": ref}})
        assert json.loads(str(err.value))["status"] == 400


def test_unknown_ids_and_malformed_json(server: RunningServer) -> None:
    assert requests.get(f"{server.url}/processes/nope", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/jobs/nope", timeout=30).status_code == 404
    r = requests.post(f"{server.url}/processes/{PROCESS}/execution", data="{not json", timeout=30,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert set(r.json()) >= {"type", "title", "status", "detail"}
