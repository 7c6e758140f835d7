#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""One run of the agent-restart benchmark (tests/bench/restart_bench.sh).

  restart_report.py PROBE SAMPLE CONNS NOTIFY CAPTURE T_EVENT_NS T_EVENT_MONO_MS

PROBE: vrrp_probe.py's file (client -> server ICMP through the gateway);
SAMPLE: ha_tool.py's state samples of both hosts, or "-" (keepalived:
the peer's mastership is then read from the capture, its adverts);
CONNS: hrp_conn.py client's JSON; NOTIFY: notify_listen.py's log of the
restarted hsbd (CLOCK_MONOTONIC ms), or "-"; CAPTURE: `tcpdump -tt -n`
of VRRP and ARP on the inside segment; T_EVENT: the SIGTERM to the old
agent, realtime ns and monotonic ms. Prints one JSON object: probes
sent and lost, the longest reply gap (ms), how long the peer was master
and how many adverts it sent, how long the restarting host did not
answer, the connections' resets and longest stall, the priority-0
adverts and gratuitous ARPs for the VIP after the event, and the time
from the SIGTERM to the new hsbd's READY=1.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_probe  # noqa: E402


def states(field):
    if field == "dead":
        return None
    return dict(kv.split("=", 1) for kv in field.split(",") if "=" in kv)


def capture(path, t_ev_ns, vip, peer):
    """Priority-0 adverts and gratuitous ARPs for vip after the event, and
    the times (ns) of the peer's adverts after it."""
    prio0 = garps = 0
    peer_at = []
    v = re.escape(vip)
    garp_req = re.compile(r"who-has %s (\([^)]*\) )?tell %s," % (v, v))
    for line in open(path):
        p = line.split()
        if len(p) < 2 or float(p[0]) * 1e9 < t_ev_ns:
            continue
        if "VRRP" in line and ", prio 0," in line:
            prio0 += 1
        elif "VRRP" in line and len(p) > 2 and p[2] == peer:
            peer_at.append(float(p[0]) * 1e9)
        # "ARP, Request who-has VIP tell VIP" (keepalived: "who-has VIP
        # (Broadcast) tell VIP") / "ARP, Reply VIP is-at"
        if " ARP, " in line and (garp_req.search(line)
                                 or "Reply %s is-at" % vip in line):
            garps += 1
    return prio0, garps, peer_at


def main(probe, sample, conns, notify, cap, t_ev_ns, t_ev_ms):
    sent, recv = vrrp_probe.load_probe(probe)
    lost = [s for s in sent if s not in recv]
    # replies in time order: the longest silence, whatever caused it
    rt = sorted(recv.values())
    gap = max((b - a for a, b in zip(rt, rt[1:])), default=0)
    peer_master, a_dead, rows = 0, 0, []
    prio0, garps, peer_at = capture(cap, t_ev_ns, "192.168.10.1",
                                    "192.168.10.3")
    for line in open(sample) if sample != "-" else []:
        p = line.split()
        if len(p) != 3:
            continue
        rows.append(int(p[0]))
        a, b = states(p[1]), states(p[2])
        a_dead += a is None
        if b and "master" in b.values():
            peer_master += 1
    tick = ((rows[-1] - rows[0]) / max(len(rows) - 1, 1) / 1e6) if rows else 0
    if sample == "-":
        # the peer's adverts span its mastership (one interval each)
        peer_master_ms = ((peer_at[-1] - peer_at[0]) / 1e6 + 100
                          if peer_at else 0)
        silent_ms = None
    else:
        peer_master_ms = peer_master * tick
        silent_ms = round(a_dead * tick)
    ready = None
    for line in open(notify) if notify != "-" else []:
        t, msg = line.split(" ", 1)
        if "READY=1" in msg.strip().split("|") and int(t) >= t_ev_ms:
            ready = int(t) - t_ev_ms
            break
    c = json.load(open(conns))
    print(json.dumps({
        "probes_sent": len(sent),
        "probes_lost": len(lost),
        "longest_reply_gap_ms": round(gap / 1e6, 1),
        "peer_master_ms": round(peer_master_ms),
        "peer_adverts": len(peer_at),
        "restarting_host_silent_ms": silent_ms,
        "connections": c["connections"],
        "connection_resets": c["errors"],
        "connection_longest_stall_ms": c["max_gap_ms"],
        "sigterm_to_ready_ms": ready,
        "priority0_adverts": prio0,
        "vip_garps": garps,
    }, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 8:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:6], int(sys.argv[6]), int(sys.argv[7]))
