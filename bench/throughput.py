"""Requests per second and latency of a running portal under concurrent clients.

    .venv/bin/python bench/throughput.py URL [CLIENTS=10] [REQUESTS=200]

Each client is a thread with its own connection; prints requests/s, median and
p95 latency (ms) and the number of non-200 answers. Read-only: GET only.
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
import urllib.request


def run(url: str, clients: int, requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def client() -> None:
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as answer:
                    answer.read()
                    ok = answer.status == 200
            except Exception:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                errors[0] += 0 if ok else 1

    urllib.request.urlopen(url, timeout=60).read()  # warm up
    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "median": statistics.median(latencies),
            "p95": latencies[int(len(latencies) * 0.95) - 1], "errors": errors[0]}


if __name__ == "__main__":
    url = sys.argv[1]
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    requests = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    r = run(url, clients, requests)
    print(f"{url}  clients={clients}  {r['rps']:.1f} req/s  median {r['median']:.0f} ms  "
          f"p95 {r['p95']:.0f} ms  errors {r['errors']}")
