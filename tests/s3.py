"""A local S3 server for the tests: moto's server mode (`moto_server`, from the test tools) on a free
loopback port, with one bucket, started once per test session and stopped at its end. No network
beyond 127.0.0.1 and no account anywhere.

tests/conftest.py loads this module as a plugin, so its fixtures are there in every test:

- `s3_server` (session): the running server. `.env` holds the S3_* variables an operator would set
  (for a `kontor ...` subprocess), `.keys(prefix)` lists what the bucket holds, `.read(key)` the bytes.
- `s3_storage` (per test): points Kontor's default storage at the bucket, with a folder of its own
  (S3_PREFIX) for the test, and yields that folder's name. The storage options are the ones
  kontor/settings.py builds from the S3_* variables, read from a fresh `kontor.settings` in a
  subprocess, so the tests exercise exactly what an install with S3_BUCKET set runs.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

BUCKET = "kontor-test"
# moto accepts any credentials; set explicitly, boto3 never looks for the developer's own ones.
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "eu-central-1"
# Usually listening within a few seconds; the margin is for a CI machine under heavy load.
START_TIMEOUT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server ended at once with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"moto_server did not listen on 127.0.0.1:{port} within {START_TIMEOUT_SECONDS} s")


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str = BUCKET
    storage_template: dict[str, Any] | None = None
    _client: Any = field(default=None, repr=False)

    @property
    def env(self) -> dict[str, str]:
        """The environment an operator sets for Kontor to keep its files in this bucket."""
        return {"S3_BUCKET": self.bucket, "S3_ENDPOINT_URL": self.endpoint_url, "S3_REGION": REGION,
                "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY}

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION,
                                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        return self._client

    def keys(self, prefix: str = "") -> list[str]:
        """Every object name in the bucket under `prefix`, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def storage_settings(self, prefix: str, data_dir: Path) -> dict[str, Any]:
        """settings.STORAGES["default"] as kontor/settings.py makes it from S3_* with this prefix."""
        script = "import json; from kontor import settings; print(json.dumps(settings.STORAGES['default']))"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
        environment.update(self.env, S3_PREFIX=prefix, KONTOR_DATA_DIR=str(data_dir))
        output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                                check=True).stdout
        return json.loads(output)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto_server from the virtual environment's bin folder, with the bucket made; stopped at the end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    binary = Path(sys.executable).with_name("moto_server")
    # NO_PROXY: a proxy configured on the machine must not see the loopback traffic.
    environment = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    with log.open("wb") as output:
        process = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=output,
                                   stderr=subprocess.STDOUT, env=environment)
    try:
        _wait_until_listening(port, process)
        server = S3Server(endpoint_url=f"http://127.0.0.1:{port}")
        server.client.create_bucket(Bucket=server.bucket,
                                    CreateBucketConfiguration={"LocationConstraint": REGION})
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_storage(s3_server: S3Server, settings: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Kontor's files go to the bucket, under a folder of this test's own; returns the folder."""
    if s3_server.storage_template is None:  # read once per session: it takes a Python start
        s3_server.storage_template = s3_server.storage_settings("PREFIX", tmp_path_factory.mktemp("s3-settings"))
    prefix = f"test-{secrets.token_hex(6)}"
    storage = json.loads(json.dumps(s3_server.storage_template))
    storage["OPTIONS"]["location"] = prefix
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return prefix
