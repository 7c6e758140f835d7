#!/usr/bin/env python3
# Short TCP connections at a set rate, each timed (stdlib only), for the
# quick session backup test.
#
#   conn_rate.py ADDR PORT N RATE OUTFILE [TIMEOUT_S]
#       opens N connections, RATE new ones per second, without waiting
#       for earlier ones; on each: the handshake (connect() to writable)
#       is timed, a line is sent and its echo awaited (hrp_conn.py
#       server), then it is closed. A connection not established, or not
#       echoed, within TIMEOUT_S (default 3) fails. Writes a JSON report:
#       n, established, failed, echoed, rate (connections started per
#       second, achieved), handshake_ms p50/p99/max, slow (handshakes
#       over 900 ms: the SYN was sent again, so a SYN or SYN+ACK was lost).
import errno
import json
import selectors
import socket
import sys
import time


def pct(v, p):
    if not v:
        return None
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100.0 * len(v)))]


def main():
    addr, port, n, rate, out = (sys.argv[1], int(sys.argv[2]),
                                int(sys.argv[3]), float(sys.argv[4]),
                                sys.argv[5])
    timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 3.0
    sel = selectors.DefaultSelector()
    hs, failed, echoed, started = [], 0, 0, 0
    live = {}  # socket -> [phase, t_start, deadline]
    t0 = time.monotonic()
    first = last_start = None
    while started < n or live:
        now = time.monotonic()
        # start the connections due by now
        while started < n and now >= t0 + started / rate:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            t = time.monotonic()
            first = first if first is not None else t
            last_start = t
            err = s.connect_ex((addr, port))
            if err not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
            else:
                live[s] = ["connect", t, t + timeout]
                sel.register(s, selectors.EVENT_WRITE)
            started += 1
        wait = 0.05
        if started < n:
            wait = max(0.0, min(wait, t0 + started / rate - now))
        for key, _ in sel.select(wait):
            s = key.fileobj
            st = live[s]
            now = time.monotonic()
            if st[0] == "connect":
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    failed += 1
                    sel.unregister(s)
                    s.close()
                    del live[s]
                    continue
                hs.append((now - st[1]) * 1000.0)
                st[0] = "echo"
                s.send(b"x\n")
                sel.modify(s, selectors.EVENT_READ)
            else:
                try:
                    data = s.recv(64)
                except OSError:
                    data = b""
                if data:
                    echoed += 1
                else:
                    failed += 1
                sel.unregister(s)
                s.close()
                del live[s]
        now = time.monotonic()
        for s in [s for s, st in live.items() if now > st[2]]:
            failed += 1
            sel.unregister(s)
            s.close()
            del live[s]
    span = (last_start - first) if n > 1 and last_start > first else 0
    rep = {
        "n": n,
        "established": len(hs),
        "failed": failed,
        "echoed": echoed,
        "rate": round((n - 1) / span, 1) if span else None,
        "handshake_ms": {
            "p50": round(pct(hs, 50), 3) if hs else None,
            "p99": round(pct(hs, 99), 3) if hs else None,
            "max": round(max(hs), 3) if hs else None,
        },
        "slow": sum(1 for h in hs if h > 900.0),
    }
    with open(out, "w") as f:
        json.dump(rep, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
