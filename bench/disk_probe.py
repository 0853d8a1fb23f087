"""The disk's own commit latency, for benchmarks that print durable-write figures beside it: 4 KiB
appends each followed by fdatasync, as a WAL commit does, in the directory the server's data dir
is made in (same filesystem)."""

from __future__ import annotations

import os
import tempfile
import time


def fdatasync_latency(directory: str | None = None, appends: int = 2000) -> dict[str, float]:
    """p50 / p99 / p99.9 / max in ms of `appends` 4 KiB append + fdatasync steps."""
    block = os.urandom(4096)
    samples = []
    with tempfile.NamedTemporaryFile(dir=directory, prefix="nimbus-fsync-probe-") as file:
        fd = file.fileno()
        for _ in range(appends):
            began = time.perf_counter()
            os.write(fd, block)
            os.fdatasync(fd)
            samples.append((time.perf_counter() - began) * 1000)
    samples.sort()

    def at(q: float) -> float:
        return round(samples[min(len(samples) - 1, int(q * len(samples)))], 3)

    return {"p50_ms": at(0.50), "p99_ms": at(0.99), "p999_ms": at(0.999), "max_ms": round(samples[-1], 3)}
