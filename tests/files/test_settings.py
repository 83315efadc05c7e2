"""The storage follows the environment: the data folder by default, S3 when S3_BUCKET is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kontor.files import jobs


def _storages(tmp_path, **env: str) -> dict:  # noqa: ANN001
    script = ("import json; from kontor import settings; "
              "print(json.dumps({'storage': settings.STORAGES['default'], "
              "'limit': settings.KONTOR_MAX_UPLOAD_BYTES}, default=str))")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    environment.update(KONTOR_DATA_DIR=str(tmp_path), **env)
    output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output)


def test_files_live_in_the_data_folder_by_default(tmp_path):
    configured = _storages(tmp_path)
    assert configured["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured["storage"]["OPTIONS"]["location"] == str(tmp_path / "files")
    assert configured["limit"] == 25 * 1024 * 1024


def test_s3_bucket_switches_to_a_private_s3_storage(tmp_path):
    configured = _storages(tmp_path, S3_BUCKET="kontor-files", S3_ENDPOINT_URL="https://s3.example.com",
                           S3_REGION="eu-central-1", KONTOR_MAX_UPLOAD_BYTES="1000")
    assert configured["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = configured["storage"]["OPTIONS"]
    assert options["bucket_name"] == "kontor-files" and options["endpoint_url"] == "https://s3.example.com"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    assert configured["limit"] == 1000


def test_the_daily_job_purges_files_deleted_long_ago(alice, anna):
    from .conftest import put_file
    put_file(alice, anna.record)
    assert jobs.purge_deleted_files.call_local() == 0
