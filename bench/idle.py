# SPDX-License-Identifier: Apache-2.0
"""Clients for bench/idle.sh: many idle keep-alive connections, and new
requests timed meanwhile. Runs under /usr/bin/python3 with nothing but the
standard library.

  idle.py hold PORT N PATH
      Opens N connections to 127.0.0.1:PORT (a few hundred at a time, as a
      burst of clients would), sends one GET PATH on each and reads the
      answer, keeping the connection open. Prints "open N" when all are in
      (or "failed: ..." and exits 1), then waits for its stdin to close;
      before exiting prints "still open K": the connections the server had
      not closed by then.

  idle.py probe PORT M PATH
      M requests one after another, each on a fresh connection (connect,
      GET PATH, the whole answer, close); prints "p50_ms p99_ms max_ms".
"""

import asyncio
import resource
import socket
import sys
import time

CONNECT_AT_ONCE = 256


def raise_nofile():
    """Raise the descriptor limit to the hard one: N connections need N descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def request(path):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def body_length(head):
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def one(port, path, gate):
    async with gate:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request(path))
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        await reader.readexactly(body_length(head))
        return reader, writer


async def hold(port, n, path):
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    results = await asyncio.gather(*(one(port, path, gate) for _ in range(n)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        print(f"failed: {len(errors)} of {n} connections: {errors[0]!r}", flush=True)
        return 1
    print(f"open {n}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await asyncio.sleep(0.1)  # let the loop notice connections closed meanwhile
    print(f"still open {sum(not reader.at_eof() for reader, _ in results)}", flush=True)
    for _, writer in results:
        writer.close()
    return 0


def probe(port, m, path):
    times = []
    req = request(path)
    for _ in range(m):
        t0 = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(req)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    raise RuntimeError("connection closed before the answer")
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
            need = body_length(head) - len(rest)
            while need > 0:
                chunk = s.recv(65536)
                if not chunk:
                    raise RuntimeError("connection closed in the body")
                need -= len(chunk)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, max(0, round(p / 100 * len(times)) - 1))]
    print(f"{pct(50):.3f} {pct(99):.3f} {times[-1]:.3f}")
    return 0


def main():
    mode, port, count, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    raise_nofile()
    if mode == "hold":
        return asyncio.run(hold(port, count, path))
    return probe(port, count, path)


if __name__ == "__main__":
    sys.exit(main())
