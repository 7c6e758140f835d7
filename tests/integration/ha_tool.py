#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the HA topology (tests/integration/ha_lib.sh).

  ha_tool.py sample OUT INTERVAL_MS MAX_S KIND SOCK_A SOCK_B
      Reads both hosts' states every INTERVAL_MS until SIGTERM/SIGINT or
      MAX_S seconds, straight from the control sockets (one "show vrrp"
      or "show vgmp" request per host and tick: hsbctl and a JSON parser
      per sample would cost more than the 10 ms tick). KIND is vrrp or
      vgmp. OUT gets one line per tick: "T_NS A B", each host as
      "KEY=STATE,..." (VRRP: vrid=state; VGMP: group=state), "dead" when
      the host does not answer. OUT.ready appears after the first tick.
  ha_tool.py report OUT
      JSON summary of a sample file: ticks, the real tick spacing, and per
      key the samples (and the longest run, in ms) where both hosts were
      active (VRRP master / VGMP active) or neither was.
  ha_tool.py outage PROBE_FILE T_EVENT_NS
      The client-side outage around an event from a vrrp_probe.py file:
      "0" when replies went on without a loss, "none" when no reply came
      after the event (or none before it), else the gap in ms.
"""
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "bench"))

ACTIVE = {"master", "active"}


def request(path, line, timeout=0.5):
    """One control request: hsbd answers "ok\\n" + JSON and closes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        buf = bytearray()
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
    finally:
        s.close()
    head, _, body = bytes(buf).partition(b"\n")
    if head != b"ok":
        raise OSError("hsbd: " + head.decode(errors="replace"))
    return json.loads(body)


def states(kind, path):
    try:
        if kind == "vgmp":
            d = request(path, "show vgmp")
            return ",".join("%s=%s" % (g["name"], g["state"])
                            for g in d.get("groups", [])) or "none"
        d = request(path, "show vrrp")
        return ",".join("%d=%s" % (i["vrid"], i["state"])
                        for i in d.get("instances", [])) or "none"
    except (OSError, ValueError, KeyError):
        return "dead"


def sample(out, interval_ms, max_s, kind, socks):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    period = interval_ms / 1000.0
    lines = []
    t0 = time.monotonic()
    nxt = t0
    while not stop and time.monotonic() - t0 < max_s:
        t = time.time_ns()
        lines.append("%d %s" % (t, " ".join(states(kind, p) for p in socks)))
        if len(lines) == 1:
            open(out + ".ready", "w").close()
        nxt += period
        wait = nxt - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        else:
            nxt = time.monotonic()  # late: no catch-up burst
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def parse(s):
    if s in ("dead", "none"):
        return {}
    return dict(kv.split("=", 1) for kv in s.split(","))


def report(out):
    rows = []
    for line in open(out):
        p = line.split()
        if len(p) == 3:
            rows.append((int(p[0]), parse(p[1]), parse(p[2]),
                         p[1] == "dead", p[2] == "dead"))
    keys = sorted({k for r in rows for k in list(r[1]) + list(r[2])})
    res = {"ticks": len(rows), "keys": {}}
    if len(rows) > 1:
        gaps = [(b[0] - a[0]) / 1e6 for a, b in zip(rows, rows[1:])]
        gaps.sort()
        res["tick_ms"] = {"median": round(gaps[len(gaps) // 2], 3),
                          "max": round(gaps[-1], 3)}
        res["span_s"] = round((rows[-1][0] - rows[0][0]) / 1e9, 3)
    res["dead_ticks"] = {"a": sum(r[3] for r in rows),
                         "b": sum(r[4] for r in rows)}
    for k in keys:
        both = [r[1].get(k) in ACTIVE and r[2].get(k) in ACTIVE
                for r in rows]
        none = [r[1].get(k) not in ACTIVE and r[2].get(k) not in ACTIVE
                for r in rows]
        res["keys"][k] = {"both_active": sum(both),
                          "both_active_ms": longest_ms(rows, both),
                          "both_active_total_ms": total_ms(rows, both),
                          "none_active": sum(none),
                          "none_active_ms": longest_ms(rows, none)}
    print(json.dumps(res, sort_keys=True))


def longest_ms(rows, flags):
    """The longest run of flagged ticks, from its first flagged tick to the
    first tick after it (a single flagged tick counts one tick)."""
    best, start = 0.0, None
    for i, f in enumerate(flags + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            end = rows[i][0] if i < len(rows) else rows[-1][0]
            best = max(best, (end - rows[start][0]) / 1e6)
            start = None
    return round(best, 3)


def total_ms(rows, flags):
    t = 0
    for i, f in enumerate(flags):
        if f and i + 1 < len(rows):
            t += rows[i + 1][0] - rows[i][0]
    return round(t / 1e6, 3)


def outage(path, t_event):
    import vrrp_probe
    g = vrrp_probe.gap_around(path, t_event)
    if g.get("gap_ns") is not None:
        print("%.1f" % (g["gap_ns"] / 1e6))
        return
    sent, recv = vrrp_probe.load_probe(path)
    after = [t for t in recv.values() if t > t_event]
    print("0" if after and g.get("replies_before_event") else "none")


def main(argv):
    if len(argv) == 8 and argv[1] == "sample" and argv[5] in ("vrrp", "vgmp"):
        sample(argv[2], float(argv[3]), float(argv[4]), argv[5], argv[6:8])
        return 0
    if len(argv) == 3 and argv[1] == "report":
        report(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "outage":
        outage(argv[2], int(argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
