#!/usr/bin/env python3
# Long-lived TCP connections through the gateway, for the HRP tests and
# the demo (stdlib only).
#
#   hrp_conn.py server PORT OUTFILE
#       accepts connections, echoes every line; writes one line per
#       accepted connection ("accept ADDR:PORT") to OUTFILE as it comes.
#   hrp_conn.py client ADDR PORT N SECONDS OUTFILE [STOPFILE [MARKFILE]]
#       opens N connections, sends a numbered line on each every 20 ms
#       and reads its echo; runs SECONDS (or until STOPFILE exists) and
#       writes a JSON report to OUTFILE: connections opened, resets /
#       errors, the longest gap between two echoes on any connection (ms)
#       and that connection's local port, echoes received. With MARKFILE,
#       the same before it appeared and after (a gap counts where it
#       ends): one run, two events.
import json
import os
import selectors
import socket
import sys
import time


def server(port, out):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1024)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    log = open(out, "a", buffering=1)
    while True:
        for key, _ in sel.select(1.0):
            if key.data is None:
                c, addr = ls.accept()
                c.setblocking(False)
                log.write("accept %s:%d\n" % addr)
                sel.register(c, selectors.EVENT_READ, b"")
                continue
            c = key.fileobj
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(c)
                c.close()
                continue
            try:
                c.sendall(data)
            except OSError:
                sel.unregister(c)
                c.close()


def client(addr, port, n, seconds, out, stop, mark):
    conns = []
    for _ in range(n):
        # a loaded CI machine may lose a SYN: what is tested is what
        # happens to connections once they exist
        for attempt in range(3):
            try:
                s = socket.create_connection((addr, port), timeout=5)
                break
            except OSError:
                if attempt == 2:
                    raise
        s.setblocking(False)
        conns.append({"s": s, "seq": 0, "last": time.monotonic(),
                      "gap": 0.0, "gaps": [0.0, 0.0], "buf": b"",
                      "dead": False, "port": s.getsockname()[1]})
    errors = 0
    echoes = 0
    marked = 0  # 1 once MARKFILE exists

    def gap(c, t):
        g = t - c["last"]
        c["gap"] = max(c["gap"], g)
        c["gaps"][marked] = max(c["gaps"][marked], g)

    end = time.monotonic() + seconds
    sel = selectors.DefaultSelector()
    for i, c in enumerate(conns):
        sel.register(c["s"], selectors.EVENT_READ, i)
    next_send = time.monotonic()
    while time.monotonic() < end and not (stop and os.path.exists(stop)):
        if mark and not marked and os.path.exists(mark):
            marked = 1
        now = time.monotonic()
        if now >= next_send:
            for c in conns:
                if c["dead"]:
                    continue
                c["seq"] += 1
                try:
                    c["s"].send(b"%d\n" % c["seq"])
                except BlockingIOError:
                    pass
                except OSError:
                    c["dead"] = True
                    errors += 1
            next_send = now + 0.02
        for key, _ in sel.select(0.005):
            c = conns[key.data]
            try:
                data = c["s"].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                if not c["dead"]:
                    c["dead"] = True
                    errors += 1
                sel.unregister(c["s"])
                continue
            t = time.monotonic()
            gap(c, t)
            c["last"] = t
            echoes += data.count(b"\n")
    t = time.monotonic()
    for c in conns:
        if not c["dead"]:
            gap(c, t)
    worst = max(conns, key=lambda c: c["gap"])
    report = {
        "connections": n,
        "errors": errors,
        "max_gap_ms": int(worst["gap"] * 1000),
        "max_gap_port": worst["port"],
        "echoes": echoes,
    }
    if mark:
        report["mark_seen"] = bool(marked)
        for i, k in enumerate(("before", "after")):
            w = max(conns, key=lambda c: c["gaps"][i])
            report[k + "_mark"] = {"max_gap_ms": int(w["gaps"][i] * 1000),
                                   "port": w["port"]}
    with open(out, "w") as f:
        json.dump(report, f)
    print(json.dumps(report))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                        float(sys.argv[5]), sys.argv[6],
                        sys.argv[7] if len(sys.argv) > 7 else None,
                        sys.argv[8] if len(sys.argv) > 8 else None))
