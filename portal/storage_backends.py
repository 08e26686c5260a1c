"""Where stored documents live: local disk (embedded default) or an S3-compatible bucket.

Both backends keep each object's SHA-256 beside it (S3 object metadata, a `.sha256` file on disk)
so that every read is checked against the hash recorded when it was written.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterator


class StoredFileDamaged(OSError):
    """The bytes read back do not match the hash recorded when they were stored."""


class LocalDiskStorage:
    name = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the storage folder")
        return path

    def put(self, key: str, data: bytes, sha256: str) -> None:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The hash needs no fsync of its own: lost in a crash, the file is read unchecked against it
        # (the database's hash still checks it); never a wrong hash, thanks to the atomic rename.
        _write_durably(path.with_name(path.name + ".sha256"), sha256.encode(), sync=False)
        _write_durably(path, data)  # on disk before the database commit that points at it

    def get(self, key: str) -> tuple[bytes, str | None]:
        path = self.path_for(key)
        data = path.read_bytes()
        try:
            recorded = path.with_name(path.name + ".sha256").read_text().strip()
        except FileNotFoundError:
            recorded = None  # stored before hashes were kept beside files
        return data, recorded

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for dirpath, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if name.endswith((".part", ".sha256")):
                    continue
                yield Path(dirpath, name).relative_to(self.root).as_posix()

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise OSError(f"storage folder {self.root} is not writable")


class S3Storage:
    """Any S3-protocol service (AWS S3, MinIO, Ceph RGW); keys are stored under an optional prefix."""

    name = "s3"

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, prefix: str = ""):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or "us-east-1",
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
        )

    def _name(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError("storage key escapes the storage folder")
        return self.prefix + key

    def put(self, key: str, data: bytes, sha256: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, Metadata={"sha256": sha256})

    def get(self, key: str) -> tuple[bytes, str | None]:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from exc
            raise OSError(f"object storage: {exc}") from exc
        return answer["Body"].read(), answer.get("Metadata", {}).get("sha256")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError:
            return False
        return True

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix):]

    def ping(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"object storage bucket {self.bucket}: {exc}") from exc


def backend_from_config(config) -> LocalDiskStorage | S3Storage:
    if (config.get("STORAGE_BACKEND") or "local") == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return S3Storage(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"),
                         config.get("S3_ACCESS_KEY_ID"), config.get("S3_SECRET_ACCESS_KEY"),
                         config.get("S3_PREFIX") or "")
    return LocalDiskStorage(config["STORAGE_DIR"])


def verified(key: str, data: bytes, *hashes: str | None) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    for expected in hashes:
        if expected and expected.lower() != actual:
            raise StoredFileDamaged(f"stored file {key} does not match its recorded SHA-256")
    return data


def _write_durably(path: Path, data: bytes, sync: bool = True) -> None:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)  # never a half-written file under the final name
