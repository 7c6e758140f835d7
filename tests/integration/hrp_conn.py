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
#   hrp_conn.py udpserver PORT OUTFILE
#       echoes every datagram to its sender; writes one line per sender
#       address:port it has not seen before ("peer ADDR:PORT").
#   hrp_conn.py udpclient ADDR PORT N SECONDS OUTFILE [STOPFILE]
#       N UDP flows (one socket, one source port each), a numbered
#       datagram on each per interval; the report as the client's, with
#       "lost" (datagrams without an echo, the last second's left out)
#       instead of errors.
# HRP_CONN_INTERVAL_MS sets the sending interval of both clients (20 ms;
# many connections on a small VM want a longer one).
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


INTERVAL = float(os.environ.get("HRP_CONN_INTERVAL_MS", "20")) / 1000


def udp_server(port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    seen = set()
    log = open(out, "a", buffering=1)
    while True:
        data, peer = s.recvfrom(2048)
        if peer not in seen:
            seen.add(peer)
            log.write("peer %s:%d\n" % peer)
        s.sendto(data, peer)


def udp_client(addr, port, n, seconds, out, stop):
    flows = []
    sel = selectors.DefaultSelector()
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((addr, port))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
        flows.append({"s": s, "seq": 0, "sent": {}, "last": None,
                      "gap": 0.0, "port": s.getsockname()[1]})
    echoes = 0
    end = time.monotonic() + seconds
    next_send = time.monotonic()
    while time.monotonic() < end and not (stop and os.path.exists(stop)):
        now = time.monotonic()
        if now >= next_send:
            for f in flows:
                f["seq"] += 1
                f["sent"][f["seq"]] = now
                try:
                    f["s"].send(b"%d" % f["seq"])
                except OSError:
                    pass
            next_send = now + INTERVAL
        for key, _ in sel.select(0.005):
            f = flows[key.data]
            try:
                data = f["s"].recv(2048)
            except OSError:
                continue
            t = time.monotonic()
            f["sent"].pop(int(data), None)
            if f["last"] is not None:
                f["gap"] = max(f["gap"], t - f["last"])
            f["last"] = t
            echoes += 1
    t = time.monotonic()
    lost = sum(1 for f in flows for at in f["sent"].values() if at < t - 1)
    for f in flows:
        if f["last"] is not None:
            f["gap"] = max(f["gap"], t - f["last"])
    worst = max(flows, key=lambda f: f["gap"])
    report = {"flows": n, "lost": lost, "echoes": echoes,
              "max_gap_ms": int(worst["gap"] * 1000),
              "max_gap_port": worst["port"],
              "silent_flows": sum(1 for f in flows if f["last"] is None)}
    with open(out, "w") as fh:
        json.dump(report, fh)
    print(json.dumps(report))
    return 0


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
            next_send = now + INTERVAL
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
    elif sys.argv[1] == "udpserver":
        udp_server(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "udpclient":
        sys.exit(udp_client(sys.argv[2], int(sys.argv[3]),
                            int(sys.argv[4]), float(sys.argv[5]),
                            sys.argv[6],
                            sys.argv[7] if len(sys.argv) > 7 else None))
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                        float(sys.argv[5]), sys.argv[6],
                        sys.argv[7] if len(sys.argv) > 7 else None,
                        sys.argv[8] if len(sys.argv) > 8 else None))
