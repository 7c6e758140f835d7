#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the VRRP failover benchmark (tests/bench/vrrp_bench.sh).

  vrrp_probe.py probe DST RATE_HZ MAX_S OUT
      ICMP echo to DST at RATE_HZ from a raw socket until SIGTERM/SIGINT or
      MAX_S seconds. Every request's send time and every reply's kernel
      receive time (SO_TIMESTAMPNS, CLOCK_REALTIME: the clock of pcap
      timestamps) go to OUT, one per line: "s SEQ NS" / "r SEQ NS";
      OUT.ready is created at the first reply.
  vrrp_probe.py gap OUT T_EVENT_NS
      Prints the longest gap between replies around the event (ms).
  vrrp_probe.py report RUNS_TSV PCAP META_JSON OUT_JSON
      Analyses every run (probe file + the client-side capture of VRRP
      and ARP), writes the JSON and prints the table.
"""
import json
import os
import select
import signal
import socket
import statistics
import struct
import sys
import time

SO_TIMESTAMPNS = 35  # asm-generic/socket.h; SCM_TIMESTAMPNS has the same value


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def probe(dst, rate, max_s, out):
    ident = os.getpid() & 0xFFFF
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.setblocking(False)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    period = 1.0 / rate
    lines = []
    ready = False
    seq = 0
    t0 = time.monotonic()
    nxt = t0
    end = t0 + max_s
    while not stop:
        now = time.monotonic()
        if now >= end:
            break
        if now >= nxt:
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xFFFF)
            pay = struct.pack("!Q", seq)
            pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + pay), ident,
                              seq & 0xFFFF) + pay
            try:
                s.sendto(pkt, (dst, 0))
                lines.append("s %d %d" % (seq, time.time_ns()))
            except OSError:
                lines.append("e %d %d" % (seq, time.time_ns()))
            seq += 1
            nxt += period
            if nxt < now:  # we were descheduled: no catch-up burst
                nxt = now + period
        wait = max(0.0, min(nxt, end) - time.monotonic())
        try:
            select.select([s], [], [], wait)
        except InterruptedError:
            pass
        while True:
            try:
                data, anc, _, _ = s.recvmsg(256, 64)
            except (BlockingIOError, InterruptedError):
                break
            ihl = (data[0] & 0x0F) * 4
            if len(data) < ihl + 16:
                continue
            typ, _, _, rid, _ = struct.unpack_from("!BBHHH", data, ihl)
            if typ != 0 or rid != ident:
                continue
            (rseq,) = struct.unpack_from("!Q", data, ihl + 8)
            ts = None
            for lvl, typ2, val in anc:
                if lvl == socket.SOL_SOCKET and typ2 == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", val[:16])
                    ts = sec * 1000000000 + nsec
            if ts is None:
                ts = time.time_ns()
            lines.append("r %d %d" % (rseq, ts))
            if not ready:
                open(out + ".ready", "w").close()
                ready = True
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def load_probe(path):
    sent, recv = {}, {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 3:
                continue
            if p[0] == "s":
                sent[int(p[1])] = int(p[2])
            elif p[0] == "r":
                recv.setdefault(int(p[1]), int(p[2]))
    return sent, recv


def gap_around(path, t_event):
    """The outage: the longest gap (ns) between consecutive replies, from
    300 ms before the event on, among the gaps during which at least one
    request went unanswered (a gap without a lost request is the probe or
    the whole VM being descheduled, not an outage); the replies that
    bound it, and the longest pause between two sends inside it (how much
    of it the probe itself may have added)."""
    sent, recv = load_probe(path)
    return gap_of(sent, recv, t_event)


def gap_of(sent, recv, t_event):
    """gap_around() over loaded sends and replies."""
    res = {"requests": len(sent), "replies": len(recv),
           "lost": len(sent) - len(recv), "gap_ns": None}
    if not sent:
        return res
    lo = t_event - 300_000_000
    ts = sorted(t for t in recv.values() if t >= lo)
    res["replies_before_event"] = sum(1 for t in ts if t <= t_event)
    if not res["replies_before_event"] or ts[-1] <= t_event:
        return res
    lost = sorted(t for q, t in sent.items() if q not in recv and t >= lo)
    st = sorted(t for t in sent.values() if t >= lo)
    best = None
    j = 0
    for a, b in zip(ts, ts[1:]):
        while j < len(lost) and lost[j] <= a:
            j += 1
        if j < len(lost) and lost[j] < b and (best is None or
                                             b - a > best[1] - best[0]):
            best = (a, b)
    stall = max(((b - a) for a, b in zip(ts, ts[1:])), default=0)
    res["longest_reply_gap_ns"] = stall
    if best is None:
        return res
    a, b = best
    inside = [t for t in st if a - 5_000_000 <= t <= b]
    res.update(gap_ns=b - a, gap_from=a, gap_to=b,
               max_send_gap_ns=max((y - x for x, y in
                                    zip(inside, inside[1:])), default=None))
    # resolution: the send spacing at both edges of the outage (the
    # outage can be overstated by up to the sum)
    by_t = {t: q for q, t in recv.items()}
    qa, qb = by_t.get(a), by_t.get(b)
    if qa is not None and qa + 1 in sent and qa in sent:
        res["edge_start_ns"] = sent[qa + 1] - sent[qa]
    if qb is not None and qb - 1 in sent and qb in sent:
        res["edge_end_ns"] = sent[qb] - sent[qb - 1]
    return res


# --- pcap (nanosecond or microsecond) -------------------------------------
def read_pcap(path):
    out = []
    try:
        data = open(path, "rb").read()
    except OSError:
        return out
    if len(data) < 24:
        return out
    magic = struct.unpack_from("<I", data)[0]
    if magic in (0xA1B23C4D, 0xA1B2C3D4):
        end = "<"
    else:
        end = ">"
        magic = struct.unpack_from(">I", data)[0]
    nano = magic == 0xA1B23C4D
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(end + "IIII", data, off)
        off += 16
        if off + incl > len(data):
            break
        ts = sec * 1000000000 + (frac if nano else frac * 1000)
        out.append((ts, data[off:off + incl]))
        off += incl
    return out


def mac(b):
    return ":".join("%02x" % x for x in b)


def decode(frames, vip):
    """VRRP adverts and ARP packets about the VIP."""
    ev = []
    for ts, f in frames:
        if len(f) < 14:
            continue
        src_mac = mac(f[6:12])
        etype = struct.unpack_from("!H", f, 12)[0]
        if etype == 0x0800 and len(f) >= 34 and f[23] == 112:
            ihl = (f[14] & 0x0F) * 4
            src = socket.inet_ntoa(f[26:30])
            v = f[14 + ihl:]
            if len(v) >= 8:
                ev.append({"t": ts, "kind": "advert", "src": src,
                           "mac": src_mac, "vrid": v[1], "prio": v[2],
                           "intvl_cs": struct.unpack_from("!H", v, 4)[0]
                           & 0x0FFF})
        elif etype == 0x0806 and len(f) >= 42:
            op = struct.unpack_from("!H", f, 20)[0]
            spa = socket.inet_ntoa(f[28:32])
            tpa = socket.inet_ntoa(f[38:42])
            sha = mac(f[22:28])
            if spa == vip and (tpa == vip or op == 2):
                ev.append({"t": ts, "kind": "garp", "mac": sha, "op": op})
            elif tpa == vip and op == 1:
                ev.append({"t": ts, "kind": "arp_req_for_vip", "mac": sha})
    return ev


def ms(ns):
    return None if ns is None else round(ns / 1e6, 3)


def analyse_run(r, ev, vip):
    t_ev = int(r["t_event_ns"])
    t_done = int(r["t_event_done_ns"])
    g = gap_around(r["probe"], t_ev)
    out = {k: r[k] for k in ("impl", "interval_cs", "event", "round", "old",
                             "new")}
    out["probe"] = {k: v for k, v in g.items()
                    if k in ("requests", "replies", "lost",
                             "replies_before_event")}
    out["probe"]["max_send_gap_in_outage_ms"] = ms(g.get("max_send_gap_ns"))
    out["probe"]["longest_reply_gap_ms"] = ms(g.get("longest_reply_gap_ns"))
    out["probe"]["send_spacing_at_outage_start_ms"] = ms(g.get("edge_start_ns"))
    out["probe"]["send_spacing_at_outage_end_ms"] = ms(g.get("edge_end_ns"))
    out["outage_ms"] = ms(g.get("gap_ns"))
    out["takeover_seen"] = r.get("takeover") == "1"
    if g.get("gap_ns") is None:
        return out
    t_back, t_stop = g["gap_to"], g["gap_from"]
    old_ip, new_ip = r["old_ip"], r["new_ip"]
    old_adv = [e for e in ev if e["kind"] == "advert" and e["src"] == old_ip
               and e["prio"] > 0 and e["t"] <= t_done]
    prio0 = [e for e in ev if e["kind"] == "advert" and e["src"] == old_ip
             and e["prio"] == 0 and t_ev <= e["t"] <= t_back]
    new_adv = [e for e in ev if e["kind"] == "advert" and e["src"] == new_ip
               and e["t"] >= t_ev]
    garps = [e for e in ev if e["kind"] == "garp"
             and e["mac"] == r["new_mac"] and t_ev <= e["t"] <= t_back + 10**9]
    arpq = [e for e in ev if e["kind"] == "arp_req_for_vip"
            and e["mac"] == r["client_mac"] and t_ev <= e["t"] <= t_back]
    i_ns = r["interval_cs"] * 10_000_000
    if any(e["kind"] == "advert" and e["src"] == new_ip and
           t_ev - 300_000_000 - i_ns <= e["t"] < t_ev for e in ev):
        # the "backup" was advertising before the event: not a failover
        out["invalid"] = "new-master-advertised-before-event"
    last_old = old_adv[-1]["t"] if old_adv else None
    first_new = new_adv[0]["t"] if new_adv else None
    first_garp = garps[0]["t"] if garps else None
    ref = prio0[0]["t"] if (r["event"] == "term" and prio0) else last_old
    out["timeline_ms"] = {
        # kill: the old master's last advert -> its last echo reply (the
        # port going down): where in the advert interval the kill fell
        "phase": ms(t_stop - last_old)
        if (last_old and r["event"] == "kill") else None,
        # term: SIGTERM -> priority-0 advert, and that advert -> the old
        # master's last reply (VIP removed; < 0: removed before)
        "signal_to_prio0": ms(prio0[0]["t"] - t_ev) if prio0 else None,
        "prio0_to_stop": ms(t_stop - prio0[0]["t"]) if prio0 else None,
        # the RFC's timer as seen on the wire: last advert (kill) or the
        # priority-0 advert (term) to the new master's first advert
        "detect": ms(first_new - ref) if (first_new and ref) else None,
        "advert_to_garp": ms(first_garp - first_new)
        if (first_garp and first_new) else None,
        "garp_to_reply": ms(t_back - first_garp) if first_garp else None,
        "client_arp_requests": len(arpq),
        "garps_within_1s": len(garps),
    }
    # the outage measured from the last advert heard (kill) or from the
    # priority-0 advert (term): independent of the kill's phase
    out["from_advert_ms"] = ms(t_back - ref) if ref else None
    return out


def rfc(interval_cs, prio):
    i_ms = interval_cs * 10.0
    skew = (256 - prio) * i_ms / 256.0
    return {"skew_ms": skew, "master_down_ms": 3 * i_ms + skew}


def stats(vals):
    v = [x for x in vals if x is not None]
    if not v:
        return {"n": 0, "median": None, "max": None, "min": None}
    return {"n": len(v), "median": round(statistics.median(v), 3),
            "max": max(v), "min": min(v)}


def fmt(x, w=8):
    return ("%*.1f" % (w, x)) if x is not None else "%*s" % (w, "-")


def report(runs_tsv, pcap, meta_path, out_path):
    meta = json.load(open(meta_path))
    vip = meta["vip"]
    margin = meta["target_margin_ms"]
    tol = meta["vs_keepalived_tolerance_ms"]
    rows = []
    with open(runs_tsv) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(hdr, line.rstrip("\n").split("\t"))))
    ev = decode(read_pcap(pcap), vip)
    runs = []
    for r in rows:
        r["interval_cs"] = int(r["interval_cs"])
        r["round"] = int(r["round"])
        runs.append(analyse_run(r, ev, vip))
    cells = []
    table = []
    impls = meta["implementations"]
    for ics in meta["intervals_cs"]:
        b = rfc(ics, meta["priority"])
        for event in ("kill", "term"):
            bound = b["master_down_ms"] if event == "kill" else b["skew_ms"]
            cell = {"interval_cs": ics, "interval_ms": ics * 10,
                    "event": event,
                    "rfc": {"skew_ms": b["skew_ms"],
                            "master_down_ms": b["master_down_ms"],
                            "bound_ms": bound,
                            "bound_name": "Master_Down_Interval"
                            if event == "kill" else "Skew_Time",
                            "target_ms": bound + margin}}
            for impl in impls:
                rr = [x for x in runs if x["impl"] == impl
                      and x["interval_cs"] == ics and x["event"] == event
                      and not x.get("invalid")]
                tl = {}
                for k in ("detect", "phase", "signal_to_prio0",
                          "prio0_to_stop", "advert_to_garp",
                          "garp_to_reply"):
                    tl[k] = stats([x.get("timeline_ms", {}).get(k)
                                   for x in rr])
                cell[impl] = {
                    "runs": len(rr),
                    "valid_runs": sum(1 for x in rr
                                      if x["outage_ms"] is not None),
                    "outage_ms": stats([x["outage_ms"] for x in rr]),
                    "outage_runs_ms": [x["outage_ms"] for x in rr],
                    "from_advert_ms": stats([x.get("from_advert_ms")
                                             for x in rr]),
                    "from_advert_runs_ms": [x.get("from_advert_ms")
                                            for x in rr],
                    "timeline_median_ms": {k: v["median"]
                                           for k, v in tl.items()},
                }
            h = cell.get("hsbd")
            k = cell.get("keepalived")
            verdict = {}
            if h and h["outage_ms"]["n"]:
                okr = (h["outage_ms"]["max"] <= bound + margin and
                       h["valid_runs"] == h["runs"])
                verdict["rfc"] = "PASS" if okr else "MISS"
                fa = h["from_advert_ms"]
                verdict["rfc_from_advert"] = (
                    None if not fa["n"] else
                    "PASS" if fa["max"] <= bound + margin else "MISS")
            if h and k and h["outage_ms"]["n"] and k["outage_ms"]["n"]:
                # kill: compare the phase-free figure (from the last advert);
                # term: the client outage itself
                key = "from_advert_ms" if event == "kill" else "outage_ms"
                hm, km = h[key]["median"], k[key]["median"]
                if hm is None or km is None:
                    key = "outage_ms"
                    hm, km = h[key]["median"], k[key]["median"]
                verdict["vs_keepalived"] = ("PASS" if hm <= km + tol
                                            else "MISS")
                verdict["vs_keepalived_metric"] = key + ".median"
                verdict["hsbd_minus_keepalived_ms"] = round(hm - km, 3)
            cell["verdict"] = verdict
            cells.append(cell)
            table.append(cell)
    res = dict(meta)
    res["cells"] = cells
    res["runs"] = runs
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    # --- table ---
    print("VRRP failover outage seen by the client (ms): median / max of "
          "the runs; backup priority %d; probe %d Hz ICMP echo"
          % (meta["priority"], meta["probe_hz"]))
    print("'adv' = outage measured from the old master's last advert "
          "(kill) or its priority-0 advert (term): no kill-phase noise")
    print()
    hd = ("%-6s %-5s %-22s %-4s %-17s %-17s %-17s %-17s %-5s %-5s"
          % ("intvl", "event", "RFC bound (+%g)" % margin, "n",
             "hsbd outage", "keepalived", "hsbd adv", "keepalived adv",
             "RFC", "vs-ka"))
    print(hd)
    print("-" * len(hd))
    for c in table:
        h, k = c.get("hsbd", {}), c.get("keepalived", {})

        def mm(x, key):
            s = x.get(key, {}) if x else {}
            return "%s /%s" % (fmt(s.get("median")), fmt(s.get("max")))
        bn = "%s %.1f" % ("MDI" if c["event"] == "kill" else "Skew",
                          c["rfc"]["bound_ms"])
        n = "%d/%d" % (h.get("valid_runs", 0), k.get("valid_runs", 0))
        print("%-6s %-5s %-22s %-4s %-17s %-17s %-17s %-17s %-5s %-5s" % (
            "%dms" % c["interval_ms"], c["event"], bn, n,
            mm(h, "outage_ms"), mm(k, "outage_ms"),
            mm(h, "from_advert_ms"), mm(k, "from_advert_ms"),
            c["verdict"].get("rfc", "-"),
            c["verdict"].get("vs_keepalived", "-")))
    print()
    print("Where the time goes (medians, ms). kill: phase = the old master's "
          "last advert -> its port going dark;")
    print("term: sig->p0 = SIGTERM -> priority-0 advert, p0->stop = that "
          "advert -> the old master's last reply.")
    print("detect = last advert (kill) / priority-0 advert (term) -> the new "
          "master's first advert (RFC: MDI / Skew_Time);")
    print("adv->garp = that advert -> its first gratuitous ARP; garp->reply "
          "= GARP -> first echo reply at the client; arp = client ARP "
          "requests for the VIP per run")
    print("%-6s %-5s %-11s %8s %8s %8s %9s %9s %11s  %s" % (
        "intvl", "event", "impl", "phase", "sig->p0", "p0->stop", "detect",
        "adv->garp", "garp->reply", "arp"))
    for c in table:
        for impl in impls:
            x = c.get(impl)
            if not x:
                continue
            t = x["timeline_median_ms"]
            rr = [r for r in runs if r["impl"] == impl and
                  r["interval_cs"] == c["interval_cs"] and
                  r["event"] == c["event"]]
            aq = [r.get("timeline_ms", {}).get("client_arp_requests")
                  for r in rr]
            print("%-6s %-5s %-11s %s %s %s %s %s %s  %s" % (
                "%dms" % c["interval_ms"], c["event"], impl,
                fmt(t["phase"]), fmt(t["signal_to_prio0"]),
                fmt(t["prio0_to_stop"]), fmt(t["detect"], 9),
                fmt(t["advert_to_garp"], 9), fmt(t["garp_to_reply"], 11),
                ",".join("-" if a is None else str(a) for a in aq)))
    bad = [r for r in runs if r["outage_ms"] is None or
           not r.get("takeover_seen")]
    if bad:
        print("\nruns without a measurable takeover: %d" % len(bad))
    inv = [r for r in runs if r.get("invalid")]
    if inv:
        print("runs left out (%s): %d" % (inv[0]["invalid"], len(inv)))
    print("\ndual-master episodes during the run (a backup took over from a "
          "live master, then yielded): %s; runs discarded before the event "
          "and retried: %d" % (
              ", ".join("%s %d" % kv for kv in
                        meta["dual_master_episodes"].items()),
              len(meta["discarded_runs"])))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "probe" and len(argv) == 6:
        probe(argv[2], float(argv[3]), float(argv[4]), argv[5])
        return 0
    if len(argv) == 4 and argv[1] == "gap":
        g = gap_around(argv[2], int(argv[3]))
        print("-" if g.get("gap_ns") is None else "%.1f" % (g["gap_ns"] / 1e6))
        return 0
    if len(argv) == 6 and argv[1] == "report":
        return report(argv[2], argv[3], argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
