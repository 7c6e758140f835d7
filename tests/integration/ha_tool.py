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
      active (VRRP master / VGMP active) or neither was; a_active and
      b_active (samples where that host was), a_active_last and
      b_active_last (whether it was at the last sample it answered).
  ha_tool.py outage PROBE_FILE T_EVENT_NS
      The client-side outage around an event from a vrrp_probe.py file:
      "0" when replies went on without a loss, "none" when no reply came
      after the event (or none before it), else the gap in ms.
  ha_tool.py lost PROBE_FILE
      JSON: requests, replies, and lost: the requests without a reply,
      except those of the last 100 ms (in flight when the probe stopped).
  ha_tool.py wait TIMEOUT_S EXPR SOCK_A SOCK_B
      Polls both hosts every 10 ms (show vgmp, show vrrp, show hrp; one
      process, no hsbctl per poll) until the Python expression EXPR holds,
      at most TIMEOUT_S seconds (0: once). EXPR sees a and b, each a host
      (None when it does not answer) with role(h) (its first VGMP
      group's state), vrrp(h, STATE) (how many of its VRRP instances are
      in STATE), hrp_up(h), backup_done(h) (HRP's batch backup from the
      peer arrived), and the raw answers h["vgmp"], h["vrrp"], h["hrp"].
      Exits 0 when it held, printing the seconds waited; 1 on timeout,
      printing the last states.
  ha_tool.py outages PROBE_FILE T_EVENT_NS...
      The same for each of several events in one probe file, each judged
      only up to 300 ms before the next one: one line per event (as
      "outage"), then a JSON summary: events, those without a reply
      after them, those with a loss, the median and max outage (ms, a
      lossless event counting 0) and the probe's totals.
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
                          "none_active_ms": longest_ms(rows, none),
                          "a_active": sum(r[1].get(k) in ACTIVE
                                          for r in rows),
                          "b_active": sum(r[2].get(k) in ACTIVE
                                          for r in rows),
                          "a_active_last": last_active(rows, 1, 3, k),
                          "b_active_last": last_active(rows, 2, 4, k)}
    print(json.dumps(res, sort_keys=True))


def last_active(rows, col, dead_col, key):
    answered = [r for r in rows if not r[dead_col]]
    return bool(answered) and answered[-1][col].get(key) in ACTIVE


def lost(path):
    import vrrp_probe
    sent, recv = vrrp_probe.load_probe(path)
    end = max(sent.values(), default=0) - 100_000_000
    print(json.dumps({"requests": len(sent), "replies": len(recv),
                      "lost": sum(1 for q, t in sent.items()
                                  if q not in recv and t < end)}))


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


def host(path):
    try:
        return {k: request(path, "show " + k) for k in ("vgmp", "vrrp", "hrp")}
    except (OSError, ValueError):
        return None


def role(h):
    try:
        return h["vgmp"]["groups"][0]["state"]
    except (TypeError, KeyError, IndexError):
        return None


def vrrp(h, state):
    if h is None:
        return 0
    return sum(1 for i in h["vrrp"].get("instances", [])
               if i["state"] == state)


def hrp_up(h):
    return h is not None and h["hrp"]["connection"]["up"] is True


def backup_done(h):
    return h is not None and \
        h["hrp"]["ownership"]["backup_from_peer_complete"] is True


def wait(timeout, expr, socks):
    code = compile(expr, "EXPR", "eval")
    t0 = time.monotonic()
    while True:
        env = {"a": host(socks[0]), "b": host(socks[1]), "role": role,
               "vrrp": vrrp, "hrp_up": hrp_up, "backup_done": backup_done}
        if eval(code, env):
            print("%.3f" % (time.monotonic() - t0))
            return 0
        if time.monotonic() - t0 >= timeout:
            print("timeout: a %s (vrrp master %d, hrp up %s, backup %s), "
                  "b %s (vrrp master %d, hrp up %s, backup %s)" % (
                      role(env["a"]), vrrp(env["a"], "master"),
                      hrp_up(env["a"]), backup_done(env["a"]),
                      role(env["b"]), vrrp(env["b"], "master"),
                      hrp_up(env["b"]), backup_done(env["b"])))
            return 1
        time.sleep(0.01)


def outages(path, events):
    import vrrp_probe
    sent, recv = vrrp_probe.load_probe(path)
    events = sorted(events)
    gaps, none = [], 0
    for i, t in enumerate(events):
        hi = events[i + 1] - 300_000_000 if i + 1 < len(events) else None
        s = {q: v for q, v in sent.items() if hi is None or v < hi}
        r = {q: v for q, v in recv.items() if hi is None or v < hi}
        g = vrrp_probe.gap_of(s, r, t)
        if g.get("gap_ns") is not None:
            gaps.append(g["gap_ns"] / 1e6)
            print("%.1f" % gaps[-1])
        elif [v for v in r.values() if v > t] and \
                g.get("replies_before_event"):
            gaps.append(0.0)
            print("0")
        else:
            none += 1
            print("none")
    gaps.sort()
    print(json.dumps({
        "events": len(events), "no_reply_after": none,
        "with_loss": sum(1 for g in gaps if g > 0),
        "median_ms": round(gaps[len(gaps) // 2], 1) if gaps else None,
        "max_ms": round(gaps[-1], 1) if gaps else None,
        "requests": len(sent), "replies": len(recv)}))


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
    if len(argv) == 3 and argv[1] == "lost":
        lost(argv[2])
        return 0
    if len(argv) == 6 and argv[1] == "wait":
        return wait(float(argv[2]), argv[3], argv[4:6])
    if len(argv) >= 4 and argv[1] == "outages":
        outages(argv[2], [int(t) for t in argv[3:]])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
