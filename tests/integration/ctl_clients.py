#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Control-socket clients and a fake server for tests/integration/test_ctl.sh
(Python 3 standard library only; every mode is bounded in time).

  ctl_clients.py idle SOCK N SECONDS
      open N connections that never send anything, hold them SECONDS
      (reopening any hsbd closes), print how many were open at the end
  ctl_clients.py loris SOCK N SECONDS
      N connections that each send one byte of "status\\n" every 0.2 s,
      reconnecting when closed, for SECONDS
  ctl_clients.py refuse SOCK SECONDS MESSAGE
      a server that answers every connection with MESSAGE at once and
      closes it without reading the request (as hsbd does for a client it
      refuses), for SECONDS
"""
import os
import select
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
    except OSError:
        s.close()
        return None
    s.setblocking(False)
    return s


def closed(s):
    """The server closed (or reset) the connection."""
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def idle(path, n, seconds):
    end = time.monotonic() + seconds
    conns = [c for c in (connect(path) for _ in range(n)) if c]
    while time.monotonic() < end:
        r, _, _ = select.select(conns, [], [], 0.1)
        for s in r:
            if closed(s):
                conns.remove(s)
                s.close()
                c = connect(path)
                if c:
                    conns.append(c)
    print(len(conns))
    for s in conns:
        s.close()


def loris(path, n, seconds):
    req = b"status\n"
    end = time.monotonic() + seconds
    conns = {}
    while time.monotonic() < end:
        while len(conns) < n:
            c = connect(path)
            if not c:
                break
            conns[c] = 0
        for s in list(conns):
            if closed(s):
                del conns[s]
                s.close()
                continue
            # never the last byte: the request is never complete
            off = conns[s] % (len(req) - 1)
            try:
                s.send(req[off:off + 1])
                conns[s] = off + 1
            except OSError:
                del conns[s]
                s.close()
        time.sleep(0.2)
    for s in conns:
        s.close()


def refuse(path, seconds, message):
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    srv.settimeout(0.2)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        c.sendall(message.encode() + b"\n")
        c.close()
    srv.close()
    os.unlink(path)


def main():
    mode = sys.argv[1]
    if mode == "idle":
        idle(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "loris":
        loris(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "refuse":
        refuse(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("unknown mode " + mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
