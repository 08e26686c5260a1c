"""Fast batch signing for the signing queue: many PDFs, one PKCS#12 key, both CPU cores.

Per worker process the key is loaded once, the CMS container is built from a template and its
size reserved up front (no dry-run signature), the QR code is drawn by portal.signing.qr_code,
and nothing is read back after signing. With a TSA, documents in a worker are signed concurrently
so the TSA round trips overlap. One bad document yields a ``SigningError`` in its slot; the rest go on.
"""
from __future__ import annotations

import asyncio
import atexit
import gc
import hashlib
import multiprocessing
import os
import threading
from io import BytesIO
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pyhanko.sign.timestamps import HTTPTimeStamper

from portal.core.collector import tune_for_batches
from portal.signing.number_text import prepare_fonts
from portal.signing.pades import (
    SigningError,
    SignOutcome,
    SignRequest,
    async_sign_pdf,
    load_pkcs12_signer,
)

Item = tuple[bytes, SignRequest]
Result = SignOutcome | SigningError

# Below this many documents a pool costs more than it saves.
MIN_PARALLEL = 8
# TSA requests in flight per worker; the TSA's latency, not our CPU, bounds B-T signing.
TSA_CONCURRENCY = 8
# Signing processes yield the CPU to the process that records their results (and to its
# database): the next chunk is signed while the last one is stored, so signing has time to
# spare, while every wait of the recording thread holds up the batch (PostgreSQL letters:
# 64 -> 78 documents/s on two cores).
WORKER_NICENESS = 10


class _Worker:
    """Signing state of one process: loaded key, optional TSA client, one event loop."""

    def __init__(self, p12_path: str, passphrase: bytes, timestamper_url: str | None):
        self.signer = load_pkcs12_signer(p12_path, passphrase)
        self.timestamper = HTTPTimeStamper(timestamper_url) if timestamper_url else None
        self.loop = asyncio.new_event_loop()

    def sign_chunk(self, chunk: list[Item]) -> list[Result]:
        return self.loop.run_until_complete(self._sign_chunk(chunk))

    def close(self) -> None:
        self.loop.close()

    async def _sign_chunk(self, chunk: list[Item]) -> list[Result]:
        if self.timestamper is None:
            # Pure CPU work: concurrency would only add scheduling overhead.
            return [await self._sign_one(pdf, req) for pdf, req in chunk]
        gate = asyncio.Semaphore(TSA_CONCURRENCY)

        async def gated(pdf: bytes, req: SignRequest) -> Result:
            async with gate:
                return await self._sign_one(pdf, req)

        return list(await asyncio.gather(*(gated(pdf, req) for pdf, req in chunk)))

    async def _sign_one(self, pdf: bytes, req: SignRequest) -> Result:
        try:
            return await async_sign_pdf(pdf, self.signer, req, timestamper=self.timestamper)
        except SigningError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - one document must not sink the batch
            return SigningError(f"Kesalahan tak terduga saat menandatangani: "
                                f"{type(exc).__name__}: {exc}")


_worker: _Worker | None = None


def _init_worker(p12_path: str, passphrase: bytes, timestamper_url: str | None) -> None:
    global _worker
    try:
        os.nice(WORKER_NICENESS)
    except OSError:
        pass  # a platform without it signs at normal priority
    _worker = _Worker(p12_path, passphrase, timestamper_url)
    tune_for_batches()  # a signing process only signs: the loaded code and key are never garbage


def _sign_chunk_in_worker(chunk: list[Item]) -> list[Result]:
    assert _worker is not None, "worker not initialised"
    return _worker.sign_chunk(chunk)


_pools: dict[tuple, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool_for(p12_path: str, passphrase: bytes, timestamper_url: str | None,
              processes: int) -> ProcessPoolExecutor:
    """A pool kept for the life of the process, so later batches skip worker start-up and
    key loading. Keyed by a hash of the passphrase, never the passphrase itself."""
    real = os.path.realpath(p12_path)
    key = (real, os.stat(real).st_mtime_ns, hashlib.sha256(passphrase).digest(),
           timestamper_url, processes)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            # forkserver: workers fork from a clean single-threaded server (safe next to web
            # or queue threads), which preloads pyHanko once so each worker starts fast.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["portal.signing.batch", "portal.signing.number_text"])
            pool = ProcessPoolExecutor(max_workers=processes, mp_context=ctx,
                                       initializer=_init_worker,
                                       initargs=(real, passphrase, timestamper_url))
            _pools[key] = pool
        return pool


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic, writer

    pdf = writer.PdfFileWriter()
    pdf.insert_page(writer.PageObject(contents=pdf.add_object(generic.StreamObject(stream_data=b"")),
                                      media_box=(0, 0, 595, 842)))
    out = BytesIO()
    pdf.write(out)
    return out.getvalue()


def _worker_ready(_: int) -> int:
    """Sign a blank page once: the first real document then finds pyHanko's code paths, the stamp's
    font and QR code, and the signature size already loaded."""
    assert _worker is not None
    warm_up = SignRequest(verify_url="https://portal.invalid/v/pemanasan", page_index=0, box=(40.0, 40.0, 220.0, 140.0))
    try:  # never the timestamp service: starting the worker must not wait on the network
        asyncio.run(async_sign_pdf(_blank_pdf(), _worker.signer, warm_up))
    except SigningError:
        pass  # the real documents will say what is wrong
    prepare_fonts()  # and the faces a number is written in
    gc.freeze()  # what the warm-up loaded (font, QR tables) stays for good
    return os.getpid()


def prestart(p12_path: str | Path, passphrase: bytes | str, *, processes: int = 2,
             timestamper_url: str | None = None) -> None:
    """Start the workers and load the key now (e.g. when the queue worker boots), so the first
    batch does not pay for process start-up. Same arguments as :func:`sign_many`."""
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    load_pkcs12_signer(p12_path, passphrase)  # raises SigningError on a wrong passphrase
    processes = max(1, min(processes, os.cpu_count() or 1))
    pool = _pool_for(str(p12_path), passphrase, timestamper_url, processes)
    list(pool.map(_worker_ready, range(processes)))


def shutdown_pools() -> None:
    """Stop the worker processes (and drop the keys they hold)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pools)


def sign_many(items: list[Item], p12_path: str | Path, passphrase: bytes | str, *,
              processes: int = 2, timestamper_url: str | None = None) -> list[Result]:
    """Sign every ``(pdf_bytes, SignRequest)``; results come back in the same order, each a
    ``SignOutcome`` or the ``SigningError`` for that document (``retryable`` when the TSA or
    a worker failed). B-T when ``timestamper_url`` is given, else B-B."""
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    items = list(items)
    if not items:
        return []
    processes = max(1, min(processes, os.cpu_count() or 1))
    try:
        # Load here first (cached): a wrong passphrase fails fast, before any pool starts.
        load_pkcs12_signer(p12_path, passphrase)
    except SigningError as exc:
        return [exc] * len(items)
    if processes == 1 or len(items) < MIN_PARALLEL:
        worker = _Worker(str(p12_path), passphrase, timestamper_url)
        try:
            return worker.sign_chunk(items)
        finally:
            worker.close()
    pool = _pool_for(str(p12_path), passphrase, timestamper_url, processes)
    # A few chunks per worker balances uneven documents without much pickling overhead.
    n_chunks = min(len(items), processes * 4)
    size = -(-len(items) // n_chunks)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[Result] = []
    try:
        for chunk_result in pool.map(_sign_chunk_in_worker, chunks):
            results.extend(chunk_result)
    except BrokenProcessPool:
        with _pools_lock:
            for key, value in list(_pools.items()):
                if value is pool:
                    del _pools[key]
        failed = SigningError("Proses penandatanganan terhenti; coba lagi.", retryable=True)
        results.extend([failed] * (len(items) - len(results)))
    return results
