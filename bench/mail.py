# SPDX-License-Identifier: Apache-2.0
"""The SMTP side of bench/mail.sh, on Debian's aiosmtpd under /usr/bin/python3.

  mail.py serve PORT STATE
      An SMTP server on 127.0.0.1:PORT that accepts every message and keeps
      nothing of it but the count. Every 50 ms it writes STATE (replaced
      whole): "COUNT BYTES FIRST LAST", the messages accepted so far, their
      bytes, and the wall-clock times (seconds since the epoch) of the first
      and the last. Prints "ready" once it listens; runs until killed.

  mail.py send PORT N SIZE
      The reference: N messages of SIZE bytes sent to PORT with smtplib one
      after another over one connection, as piirid's delivery process sends
      a run of messages (connect and EHLO once, then MAIL, RCPT, DATA for
      each). Prints "SECONDS" taken.
"""

import os
import smtplib
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    """aiosmtpd handler: counts what it accepts, under a lock (the writer thread reads it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = self.bytes = 0
        self.first = self.last = 0.0

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
            self.first = self.first or now
            self.last = now
        return "250 Message accepted"

    def line(self):
        with self.lock:
            return f"{self.count} {self.bytes} {self.first:.6f} {self.last:.6f}\n"


def serve(port, state):
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    tmp = state + ".tmp"
    while True:
        with open(tmp, "w") as f:
            f.write(counter.line())
        os.replace(tmp, state)
        time.sleep(0.05)


def send(port, n, size):
    line = "Bench message body, the size of the ones piirid sent.\r\n"
    body = (line * (size // len(line) + 1))[:size]
    msg = "From: bench@example.org\r\nTo: reference@example.org\r\nSubject: Reference\r\n\r\n" + body
    t0 = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port) as s:
        for _ in range(n):
            s.sendmail("bench@example.org", ["reference@example.org"], msg)
    print(f"{time.monotonic() - t0:.6f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "send":
        send(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
