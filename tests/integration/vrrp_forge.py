#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send forged VRRPv3 advertisements (IPv4) on one interface, for the VRRP
integration tests: any source address (0.0.0.0 included, which the socket
layer will not send), any priority, COUNT of them back to back. Whole
Ethernet frames go out through an AF_PACKET socket, so no route, source
check or multicast setting of the sending namespace is involved.
Python 3 standard library only.

  vrrp_forge.py DEV --src A.B.C.D --vrid N --prio P [--count N]
                [--interval-cs N] [--vip A.B.C.D ...] [--ttl N]
"""
import argparse
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src_mac, src, dst, vrid, prio, interval_cs, vips, ttl):
    addrs = b"".join(socket.inet_aton(v) for v in vips)
    # RFC 5798 §5.2: version 3, type 1; checksum over the IPv4
    # pseudo-header and the message
    msg = struct.pack("!BBBBHH", 0x31, vrid, prio, len(vips),
                      interval_cs & 0x0FFF, 0) + addrs
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(
        "!BBH", 0, 112, len(msg))
    msg = msg[:6] + struct.pack("!H", csum(pseudo + msg)) + msg[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(msg), 0, 0, ttl,
                     112, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    d = socket.inet_aton(dst)
    dst_mac = bytes([0x01, 0x00, 0x5E, d[1] & 0x7F, d[2], d[3]])
    return dst_mac + src_mac + b"\x08\x00" + ip + msg


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dev")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", default="224.0.0.18")
    p.add_argument("--vrid", type=int, required=True)
    p.add_argument("--prio", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--interval-cs", type=int, default=10)
    p.add_argument("--vip", action="append", default=[])
    p.add_argument("--ttl", type=int, default=255)
    a = p.parse_args()
    if not 1 <= a.count <= 100000:
        sys.exit("count: 1..100000")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.dev, 0))
    with open("/sys/class/net/%s/address" % a.dev) as f:
        src_mac = bytes.fromhex(f.read().strip().replace(":", ""))
    buf = frame(src_mac, a.src, a.dst, a.vrid, a.prio, a.interval_cs,
                a.vip or ["192.0.2.1"], a.ttl)
    for _ in range(a.count):
        s.send(buf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
