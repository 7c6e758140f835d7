#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The conntrackd baseline of hrp_bench.sh (Debian's conntrack-tools,
FTFW over UDP between two namespaces).

  ct_bench.py gen DST N RATE
      In fwA's namespace: N new UDP flows to DST (ports vary: each is a new
      conntrack entry, masqueraded by nftables on the way out) at RATE/s
      (0: as fast as it goes), paced in 1 ms slices. Prints JSON: the
      CLOCK_MONOTONIC start and end and the rate achieved.
  ct_bench.py poll CONF N TIMEOUT_S
      In fwB's namespace: polls `conntrackd -C CONF -s` until its external
      cache holds N entries (or TIMEOUT_S); prints JSON: the samples
      (monotonic time, count).
  ct_bench.py lag GEN_JSON POLL_JSON N
      Lag quantiles from the two curves: entry k was created when the
      generator's count passed k (its curve, one point per 1 ms slice)
      and is taken as present on fwB at the first sample with count > k
      (FIFO: conntrackd's per-entry times are not observable). Sampling
      adds up to one poll interval (~5-10 ms) of resolution.
"""
import json
import socket
import subprocess
import sys
import time


def gen(dst, n, rate):
    # 32 source ports x 65000 destination ports: distinct 5-tuples
    socks = []
    for i in range(32):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 20000 + i))
        socks.append(s)
    payload = b"x"
    t0 = time.monotonic()
    sent = 0
    curve = [(t0, 0)]
    while sent < n:
        if rate:
            due = min(n, int((time.monotonic() - t0) * rate) + 1)
        else:
            due = min(n, sent + 4096)
        while sent < due:
            s = socks[sent // 65000]
            try:
                s.sendto(payload, (dst, 1 + sent % 65000))
            except OSError:
                pass  # ENOBUFS/ECONNREFUSED: the entry exists anyway
            sent += 1
        curve.append((time.monotonic(), sent))
        if rate and sent < n:
            time.sleep(0.0005)
    t1 = time.monotonic()
    print(json.dumps({"start": t0, "end": t1, "n": n, "curve": curve,
                      "rate": n / (t1 - t0) if t1 > t0 else 0}))


def ext_count(conf):
    out = subprocess.run(["conntrackd", "-C", conf, "-s"],
                         capture_output=True, text=True, timeout=5).stdout
    part = out.split("cache external:", 1)
    if len(part) < 2:
        return -1
    for line in part[1].splitlines():
        if line.startswith("current active connections:"):
            return int(line.split(":")[1])
    return -1


def poll(conf, n, timeout):
    samples = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        c = ext_count(conf)
        samples.append((time.monotonic(), c))
        if c >= n:
            break
        time.sleep(0.002)
    print(json.dumps({"samples": samples}))


def lag(gen_json, poll_json, n):
    g = json.load(open(gen_json))
    samples = json.load(open(poll_json))["samples"]
    curve = g["curve"]
    lags = []
    i = j = 0
    for k in range(0, n, max(1, n // 10000)):
        while i < len(curve) - 1 and curve[i][1] <= k:
            i += 1
        created = curve[i][0]  # the end of the slice that sent k
        while j < len(samples) and samples[j][1] <= k:
            j += 1
        if j == len(samples):
            lags.append(None)
            continue
        lags.append(max(0.0, samples[j][0] - created))
    got = sorted(x for x in lags if x is not None)
    missing = len(lags) - len(got)
    res = {"generator_rate": g["rate"], "missing_fraction": missing / len(lags)}
    if got and not missing:
        res["lag_p50_ms"] = got[len(got) // 2] * 1000
        res["lag_p99_ms"] = got[len(got) * 99 // 100] * 1000
        res["lag_max_ms"] = got[-1] * 1000
    last = next((t for t, c in samples if c >= n), None)
    if last is not None:
        res["seconds"] = last - g["start"]
        res["records_per_s"] = n / (last - g["start"])
    print(json.dumps(res))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(a[0], int(a[1]), float(a[2]))
    elif cmd == "poll":
        poll(a[0], int(a[1]), float(a[2]))
    elif cmd == "lag":
        lag(a[0], a[1], int(a[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
