#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for systemd's NOTIFY_SOCKET (sd_notify(3)).

Binds an AF_UNIX datagram socket at PATH and writes every message it
receives to LOG, one line each: milliseconds on CLOCK_MONOTONIC, then the
message with its newlines shown as '|'. With --on-ready CMD, runs CMD
(sh -c) the moment the first READY=1 arrives, before reading further, and
logs "CHECK rc=N": what was true when hsbd said it was ready. Exits after
--timeout seconds, so a test that forgets it cannot leave it behind.
"""
import argparse
import os
import socket
import subprocess
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("log")
    ap.add_argument("--on-ready")
    ap.add_argument("--timeout", type=float, default=120.0)
    a = ap.parse_args()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(a.path)
    end = time.monotonic() + a.timeout
    checked = False
    with open(a.log, "a", buffering=1) as log:
        while time.monotonic() < end:
            s.settimeout(max(0.01, end - time.monotonic()))
            try:
                msg = s.recv(4096).decode("utf-8", "replace")
            except socket.timeout:
                break
            now = int(time.monotonic() * 1000)
            log.write("%d %s\n" % (now, msg.strip("\n").replace("\n", "|")))
            if a.on_ready and not checked and "READY=1" in msg.split("\n"):
                checked = True
                rc = subprocess.call(["sh", "-c", a.on_ready])
                log.write("%d CHECK rc=%d\n" % (now, rc))
    os.unlink(a.path)


if __name__ == "__main__":
    main()
