#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the hand-made seeds of the binary harnesses into
tests/fuzz/corpus/NAME/ (files named by their SHA-1, so rerunning it adds
nothing twice). Each seed is a valid input, in the layout the harness's
header comment describes; libFuzzer grows the rest from these.

    tests/fuzz/gen_seeds.py            # all harnesses
    tests/fuzz/gen_seeds.py fuzz_vrrp  # one
"""
import hashlib
import hmac
import ipaddress
import os
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    d = os.path.join(ROOT, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip(a):
    return ipaddress.ip_address(a).packed


# --- VRRP (fuzz_vrrp.c) ----------------------------------------------------
def vrrp_msg(version, vrid, prio, interval, addrs, src, dst):
    n = len(addrs)
    if version == 3:
        hdr = struct.pack("!BBBBHH", 0x31, vrid, prio, n, interval & 0xFFF, 0)
        body = hdr + b"".join(addrs)
        if len(src) == 4:
            pseudo = src + dst + struct.pack("!BBH", 0, 112, len(body))
        else:
            pseudo = src + dst + struct.pack("!IBBBB", len(body), 0, 0, 0, 112)
        c = csum(pseudo + body)
    else:
        hdr = struct.pack("!BBBBBBH", 0x21, vrid, prio, n, 0, interval, 0)
        body = hdr + b"".join(addrs) + b"\0" * 8
        c = csum(body)
    return body[:6] + struct.pack("!H", c) + body[8:]


def ipv4_hdr(src, dst, payload, ttl=255):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 1, 0,
                       ttl, 112, 0, src, dst) + payload


def seeds_vrrp():
    s4, g4 = ip("192.0.2.20"), ip("224.0.0.18")
    s6, g6 = ip("fe80::20"), ip("ff02::12")
    for flags in (0, 2, 4):
        for version, interval in ((3, 100), (2, 1)):
            for prio in (100, 150, 0, 255):
                for addrs in ([ip("192.0.2.1")],
                              [ip("192.0.2.1"), ip("192.0.2.2")]):
                    m = vrrp_msg(version, 1, prio, interval, addrs, s4, g4)
                    write("fuzz_vrrp", bytes([flags]) + ipv4_hdr(s4, g4, m))
        for prio in (100, 150, 0):
            for addrs in ([ip("fe80::1")], [ip("fe80::1"), ip("2001:db8::1")]):
                m = vrrp_msg(3, 1, prio, 100, addrs, s6, g6)
                write("fuzz_vrrp", bytes([flags | 1]) + s6 + g6 + b"\xff" + m)
    # unicast, another VRID, an IP option
    m = vrrp_msg(3, 7, 100, 50, [ip("198.51.100.1")], s4, ip("192.0.2.10"))
    write("fuzz_vrrp", b"\0" + ipv4_hdr(s4, ip("192.0.2.10"), m))
    m = vrrp_msg(3, 1, 100, 100, [ip("192.0.2.1")], s4, g4)
    opt = struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, 24 + len(m), 1, 0, 255,
                      112, 0, s4, g4) + b"\x94\x04\0\0" + m
    write("fuzz_vrrp", b"\0" + opt)


# --- VGMP (fuzz_vgmp.c): the message without its HMAC -------------------------
def vgmp_msg(typ, flags, seq, ack, groups):
    body = b""
    for name, state, gflags, prio, pen, members in groups:
        g = name.encode().ljust(32, b"\0") + struct.pack(
            "!BBBBII4x", state, gflags, len(members), 0, prio, pen)
        for vrid, mstate, fam in members:
            g += struct.pack("!BBBx", vrid, mstate, fam)
        body += g
    length = 56 + len(body) + 32
    node = bytes([0x20, 1, 0xd, 0xb8]) + b"\0" * 11 + b"\x02"
    hdr = struct.pack("!HBBHHQQQ16sHB5x", 0x5647, 1, typ, flags, length,
                      1700000000000, seq, ack, node, 1000, len(groups))
    return hdr + body


def seeds_vgmp():
    g1 = ("g1", 2, 0x05, 65001, 0, [(10, 2, 4), (20, 2, 6)])
    g1s = ("g1", 1, 0x01, 64990, 11, [(10, 1, 4)])
    g2 = ("g2", 1, 0x04, 65000, 2, [])
    for m in (vgmp_msg(1, 0, 1, 0, [g1]), vgmp_msg(1, 1, 2, 0, [g1s, g2]),
              vgmp_msg(1, 0, 3, 0, [g2]), vgmp_msg(2, 0, 4, 3, []),
              vgmp_msg(1, 0, 5, 0, [])):
        write("fuzz_vgmp", b"\0" + m)
        write("fuzz_vgmp", b"\2" + m)
    # raw: a whole datagram with the harness's key, and one with a bad HMAC
    m = vgmp_msg(1, 0, 1, 0, [g1])
    mac = hmac.new(b"fuzz-vgmp-key", m, hashlib.sha256).digest()
    write("fuzz_vgmp", b"\1" + m + mac)
    write("fuzz_vgmp", b"\1" + m + bytes(32))


# --- HRP (fuzz_hrp.c) --------------------------------------------------------
def hrp_spec(typ, seq, count, payload, flags=0):
    hdr = struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, typ, flags, 0, seq, count)
    return hdr + struct.pack("!H", len(payload)) + payload


def seeds_hrp():
    recs = bytes(range(48))
    frames = [hrp_spec(2, 1, 1, recs), hrp_spec(6, 2, 0, b""),
              hrp_spec(3, 3, 0, b""), hrp_spec(4, 4, 2, b"x\x9c" + recs),
              hrp_spec(5, 5, 0, b""), hrp_spec(7, 6, 1,
                                               b"firewall blacklist 192.0.2.1\n")]
    for mode in (0x00, 0x04, 0x34, 0xF4):
        write("fuzz_hrp", bytes([mode]) + b"".join(frames))
    for f in frames:
        write("fuzz_hrp", b"\x04" + f)
    # real records (docs/hrp.md, "Records"): the worked session, a
    # session delete, a NAT entry, a NAT delete, and an unknown type
    sess = bytes.fromhex(
        "0100007c"
        "c0a80a0a000000000000000000000000"
        "c6336407000000000000000000000000"
        "d43101bb060400000000000104030000"
        "0002c35700000001cb007105000000000000000000000000"
        "00000002540be40000000000000f4240"
        "000000000000000c000000000000000a"
        "00000000000007d000000000000030d4")
    sdel = b"\x02\x00\x00\x2c" + sess[4:44]
    nat = (b"\x03\x00\x00\x38" + bytes([3, 6, 0, 0]) +
           bytes.fromhex("cb0071051f90") + struct.pack("!H", 8080) +
           bytes.fromhex("c0a80a64") + struct.pack("!HHI", 0, 1, 0) +
           b"\x00\x00\x00\x00" + struct.pack("!QQQ", 10**9, 10**6, 0))
    ndel = b"\x04\x00\x00\x10" + bytes([1, 6, 0, 0]) + \
        bytes.fromhex("cb0071051f900000")
    unknown = b"\xc8\x00\x00\x08" + bytes(4)
    body = sess + sdel + nat + ndel + unknown
    write("fuzz_hrp", b"\x04" + hrp_spec(2, 1, 5, body))
    write("fuzz_hrp", b"\x04" + hrp_spec(4, 1, 4, sess + sdel + nat + ndel))
    # compressed chunks (flag 1, docs/hrp.md "Compressed chunks"): the
    # records above; many sessions; one declaring less than it inflates to
    def zchunk(raw, declared=None):
        n = len(raw) if declared is None else declared
        return struct.pack("!I", n) + zlib.compress(raw, 1)
    recs4 = sess + sdel + nat + ndel
    write("fuzz_hrp", b"\x04" + hrp_spec(4, 1, 4, zchunk(recs4), 1))
    write("fuzz_hrp", b"\x04" + hrp_spec(4, 1, 40, zchunk(sess * 40), 1))
    write("fuzz_hrp", b"\x04" + hrp_spec(4, 1, 4, zchunk(recs4, 100), 1))
    # raw: a header alone, a HELLO-shaped frame with a wrong HMAC
    write("fuzz_hrp", b"\x01" + frames[0][:32])
    hello = struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, 1, 0, 104, 0, 0)
    write("fuzz_hrp", b"\x03" + hello + bytes(72))
    write("fuzz_hrp", b"\x11" + hello + bytes(72))


# --- HRP configuration backup (fuzz_hrp_cfg.c) -------------------------------
def cfg_offer(flags, gen, text, chunk):
    digest = hashlib.sha256(text).digest()
    out = []
    for off in range(0, max(len(text), 1), chunk):
        part = text[off:off + chunk]
        f = flags | (1 if off == 0 else 0) | \
            (2 if off + len(part) == len(text) else 0)
        out.append(struct.pack("!BBHQ", 1, f, 0, gen) + digest +
                   struct.pack("!II", len(text), off) + part)
    return out


def cfg_result(status, gen, text, reason=b""):
    return struct.pack("!BBHQ", 2, status, 0, gen) + \
        hashlib.sha256(text).digest() + bytes(8) + reason


def seeds_hrp_cfg():
    texts = [b"firewall zone dmz9\n",
             b"firewall zone z9\nfirewall session timeout udp 30\n"
             b"firewall blacklist 198.51.100.0/24 expire 60\n"
             b"firewall whitelist 2001:db8::42\n"
             b"security-policy rule web from untrust to mgmt destination "
             b"10.0.2.0/24 protocol tcp destination-port 80-443 action permit\n"
             b"nat address-group pool1 mode pat port-range 2048 60000\n"
             b"nat address-group pool1 section 192.168.20.50 192.168.20.52\n"
             b"nat policy rule out from trust to untrust source "
             b"192.168.10.0/24 action source-nat address-group pool1\n"
             b"nat server web protocol tcp global 192.168.20.60 8080 inside "
             b"192.168.10.100 8080 zone untrust\n"
             b"nat address-group pool1 vrrp vrid 20\n",
             b"interface eth9\n", b"undo firewall zone mgmt\n", b""]
    for state in (0x02, 0x00, 0x05, 0x0d):
        for t in texts:
            for chunk in (4096, 40):
                body = b"".join(struct.pack("!H", len(p)) + p
                                for p in cfg_offer(4, 3, t, chunk))
                write("fuzz_hrp_cfg", bytes([state]) + body)
    r = cfg_result(3, 7, texts[1], b"zone 'z9' is not defined")
    write("fuzz_hrp_cfg", b"\x01" + struct.pack("!H", len(r)) + r)
    r = cfg_result(0, 7, texts[1])
    write("fuzz_hrp_cfg", b"\x01" + struct.pack("!H", len(r)) + r)


# --- control protocol (fuzz_ctl_proto.c) -------------------------------------
def seeds_ctl_proto():
    reqs = [b"status\n", b"show running-config\n", b"show sessions zone trust\n",
            b"show vrrp 1\n", b"show vgmp g1\n", b"switchover g1\n",
            b"clear sessions all\n", b"save\n", b"reload\n",
            b"show nat pat\n", b"show counters\r\n",
            b"config 12 file.conf\nsysname fw-a\n", b"config 0\n",
            b"config 29\nfirewall blacklist 192.0.2.1\n"]
    for r in reqs:
        write("fuzz_ctl_proto", b"\0" + r)
        write("fuzz_ctl_proto", b"\3" + r)
    return reqs


# --- control requests into the fake daemon (fuzz_ctl_request.c) -------------
def seeds_ctl_request():
    reqs = seeds_ctl_proto() + [
        b"show sessions source 10.0.0.0/8 destination 2001:db8::/32\n",
        b"show sessions port 443 protocol tcp zone trust state established\n",
        b"show sessions protocol icmpv6 source ::1 state syn-sent\n",
        b"clear sessions destination 192.0.2.1 port 53 protocol udp\n",
        b"show nat sessions zone untrust source 0.0.0.0/0\n",
        b"show vrrp\n", b"show vgmp\n", b"switchover\n", b"status extra\n",
        b"config 31 t.conf\nvgmp group g2\nsysname other\n"]
    for r in reqs:
        write("fuzz_ctl_request", r)


# --- ring records (fuzz_event_check.c) ---------------------------------------
def seeds_event_check():
    for typ in (1, 2, 3):
        for fam in (4, 6):
            rec = struct.pack("<HHIQ", typ, 224, 0, 123456789)
            key = bytes(32) + struct.pack("<HHBBH", 1024, 80, 6, fam, 0)
            write("fuzz_event_check", rec + key + bytes(168))
            # ring padding after the record
            write("fuzz_event_check", rec + key + bytes(168 + 8))
    for table in (1, 2, 3):
        rec = struct.pack("<HHIQ", 6, 72, 0, 1) + bytes([table]) + bytes(55)
        write("fuzz_event_check", rec)
    write("fuzz_event_check", struct.pack("<HHIQ", 4, 224, 0, 1) + bytes(208))


ALL = {"fuzz_vrrp": seeds_vrrp, "fuzz_vgmp": seeds_vgmp, "fuzz_hrp": seeds_hrp,
       "fuzz_hrp_cfg": seeds_hrp_cfg,
       "fuzz_ctl_proto": seeds_ctl_proto,
       "fuzz_ctl_request": seeds_ctl_request,
       "fuzz_event_check": seeds_event_check}

if __name__ == "__main__":
    for n in sys.argv[1:] or ALL:
        ALL[n]()
