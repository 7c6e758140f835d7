#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes examples.pcap for test_wireshark.sh from the worked examples
of the docs (the bytes the unit tests assert), stdlib only.

  hsb_pcap.py OUTDIR  writes into OUTDIR
  examples.pcap     frames 1-9: the HELLO and the RECORDS frame of
                    docs/hrp.md as one TCP stream (handshake first; every
                    data segment acknowledged), cut at awkward places:
                    frame 4 ends inside the HELLO's header (before its
                    length field is complete), frame 6 carries the rest of
                    the HELLO and the first 20 bytes of RECORDS, frame 8
                    the rest of RECORDS and nothing else;
                    frame 10: the hello of docs/vgmp.md;
                    frames 11-18: datagrams hsbd drops (bad_vgmp());
                    frames 19-28: two more TCP connections to port 18514,
                    each with one segment hsbd closes it for (bad_hrp():
                    frames 22 and 27);
                    frames 29-33: the HELLO and a RECORDS frame with a
                    session and a NAT entry (frame 32);
                    frames 34-40: the HELLO and a zlib-compressed
                    BULK_CHUNK of the same records (frame 37), then a
                    chunk that does not inflate (frame 39);
                    frames 41-45: the HELLO and an ACK of sequence 7
                    (frame 44);
                    frames 46-52: the HELLO and the CONFIG offer of
                    docs/hrp.md "CONFIG payload" (frame 49), then a
                    CONFIG result refusing it with a reason (frame 51);
                    frame 53: a TCP SYN+ACK forwarded to the peer by
                    quick session backup (ethertype 0x88B5, zone 3);
                    frame 54: the same with tag version 2;
  reasons.txt       "FRAME REASON" for frames 11-18, 22 and 27: the
                    reason hsbd counts each under.
"""
import os
import hashlib
import re
import struct
import sys
import zlib

PORT = 18514
A, B = "10.255.0.1", "10.255.0.2"


def worked_example(path):
    """The hex blocks under "### Worked example" in a doc: a list of
    messages (blank lines separate them), each as bytes."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"### Worked example.*?```\n(.*?)```", text, re.S)
    if not m:
        sys.exit(f"{path}: no worked example")
    msgs, cur = [], b""
    for line in m.group(1).split("\n"):
        hexpart = re.split(r"\s{2,}", line.strip())[0].replace(" ", "")
        if not hexpart:
            if cur:
                msgs.append(cur)
            cur = b""
            continue
        cur += bytes.fromhex(hexpart)
    if cur:
        msgs.append(cur)
    return msgs


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), ident,
                      0x4000, 64, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def l4_csum(src, dst, proto, seg):
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, len(seg))
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, payload):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    c = l4_csum(src, dst, 6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_csum(src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def ether(ip_packet, to_b):
    ma, mb = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x02"
    dst, src = (mb, ma) if to_b else (ma, mb)
    return dst + src + b"\x08\x00" + ip_packet


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1796000000, i * 1000, len(fr),
                                len(fr)))
            f.write(fr)


def tcp_stream(cport, segs):
    """A connection from A:cport to B:PORT: handshake, then each of segs
    from A, acknowledged by B."""
    sa, sb = 1000, 5000  # initial sequence numbers of A and B
    frames = []

    def pkt(to_b, seq, ack, flags, payload=b""):
        src, dst = (A, B) if to_b else (B, A)
        sport, dport = (cport, PORT) if to_b else (PORT, cport)
        frames.append(ether(ipv4(src, dst, 6, tcp(
            src, dst, sport, dport, seq, ack, flags, payload),
            len(frames) + 1), to_b))

    SYN, ACK, PSH = 0x02, 0x10, 0x08
    pkt(True, sa, 0, SYN)
    pkt(False, sb, sa + 1, SYN | ACK)
    pkt(True, sa + 1, sb + 1, ACK)
    seq = sa + 1
    for s in segs:
        pkt(True, seq, sb + 1, PSH | ACK, s)
        seq += len(s)
        pkt(False, sb + 1, seq, ACK)
    return frames


def hrp_frames(doc):
    hello, records = worked_example(doc)
    assert len(hello) == 104 and len(records) == 68, "docs/hrp.md changed"
    return tcp_stream(40000, [hello[:10], hello[10:] + records[:20],
                              records[20:]])


# docs/hrp.md "Records": the example session, and a NAT server entry
# 203.0.113.5:8080 -> 192.168.10.100:80, in a RECORDS frame (seq 1,
# count 2; the HMAC is not the dissector's business: zeros)
REC_SESSION = bytes.fromhex(
    "0100007c"
    "c0a80a0a000000000000000000000000"
    "c6336407000000000000000000000000"
    "d43101bb060400000000000104030000"
    "0002c35700000001cb007105000000000000000000000000"
    "00000002540be40000000000000f4240"
    "000000000000000c000000000000000a"
    "00000000000007d000000000000030d4")
REC_NAT = (b"\x03\x00\x00\x38" + bytes([3, 6, 0, 0]) +
           bytes.fromhex("cb0071051f90") + struct.pack("!H", 80) +
           bytes.fromhex("c0a80a64") + struct.pack("!HHI", 2, 1, 0) +
           bytes(4) + struct.pack("!QQQ", 5 * 10**9, 10**6, 0))


def records_frame():
    body = REC_SESSION + REC_NAT
    hdr = struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, 2, 0,
                      32 + len(body) + 32, 1, 2)
    return hdr + body + bytes(32)


# docs/hrp.md "Compressed chunks": the same records as one chunk of a
# batch backup (seq 1, count 2, flag zlib), then a chunk that is no zlib
# stream (seq 2): hsbd refuses it as chunk-corrupt
def chunk_frames():
    body = REC_SESSION + REC_NAT
    good = struct.pack("!I", len(body)) + zlib.compress(body, 1)
    bad = struct.pack("!I", 1000) + b"this is not a zlib stream"
    out = []
    for seq, count, p in ((1, 2, good), (2, 1, bad)):
        out.append(struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, 4, 1,
                               32 + len(p) + 32, seq, count) + p + bytes(32))
    return out


# docs/hrp.md "CONFIG payload": HRP_M offers `firewall zone dmz9\n` at
# generation 3 (seq 1), and a RESULT refusing it (seq 2)
CFG_TEXT = b"firewall zone dmz9\n"


def config_frames():
    digest = hashlib.sha256(CFG_TEXT).digest()
    offer = (struct.pack("!BBHQ", 1, 0x07, 0, 3) + digest +
             struct.pack("!II", len(CFG_TEXT), 0) + CFG_TEXT)
    assert offer.hex().startswith("01070000000000000000000" + "30c834dd0"), \
        "docs/hrp.md changed"
    result = (struct.pack("!BBHQ", 2, 3, 0, 3) + digest + bytes(8) +
              b"zone 'dmz9': not here")
    out = []
    for seq, p in ((1, offer), (2, result)):
        out.append(struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, 7, 0,
                               32 + len(p) + 32, seq, 1) + p + bytes(32))
    return out


# streams hsbd closes at once, each with the reason it counts
def bad_hrp(hello):
    short_len = bytearray(hello)
    short_len[8:12] = struct.pack("!I", 16)
    return [
        ("bad-magic", b"GET / HTTP/1.1\r\nHost: fw-b\r\nAccept: */*\r\n\r\n"),
        ("bad-length", bytes(short_len)),
    ]


# datagrams hsbd drops, each with the reason hsbd counts it under
def bad_vgmp(hello):
    bad_state = bytearray(hello)
    bad_state[56 + 32] = 7  # the group's state
    wrong_len = bytearray(hello)
    wrong_len[6:8] = struct.pack("!H", len(hello) + 4)
    many = bytearray(hello)
    many[50] = 9  # groups
    # one group announced, 40 bytes of it there; the length field agrees
    cut = bytearray(hello[:56] + b"\x01" * 40 + hello[-32:])
    cut[6:8] = struct.pack("!H", len(cut))
    return [
        ("short", hello[:40]),
        ("short", b"\x56"),
        ("bad-magic", b"\x47\x56" + hello[2:]),
        ("unknown-version", hello[:2] + b"\x02" + hello[3:]),
        ("bad-length", bytes(wrong_len)),
        ("bad-field", bytes(bad_state)),
        ("too-many-entries", bytes(many)),
        ("bad-length", bytes(cut)),
    ]


def vgmp_frames(doc):
    (hello,) = worked_example(doc)
    assert len(hello) == 144, "docs/vgmp.md changed"
    frames = []
    for i, dgram in enumerate([hello] + [d for _, d in bad_vgmp(hello)]):
        frames.append(ether(ipv4(A, B, 17, udp(A, B, PORT, PORT, dgram),
                                 i + 1), True))
    return frames


def peer_frames():
    """A SYN+ACK from the server 192.0.2.80:80 to the client 10.0.0.5:40000
    as quick session backup forwards it (include/hsb/peer.h): tagged
    with version 1 and zone 3, then with version 2 (refused)."""
    seg = tcp("192.0.2.80", "10.0.0.5", 80, 40000, 7000, 1001, 0x12, b"")
    pkt = ipv4("192.0.2.80", "10.0.0.5", 6, seg, 77)
    ma, mb = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x02"
    return [mb + ma + b"\x88\xb5" + bytes([v, 3]) + b"\x08\x00" + pkt
            for v in (1, 2)]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "docs")
    hrp = hrp_frames(os.path.join(docs, "hrp.md"))
    hrp_hello = worked_example(os.path.join(docs, "hrp.md"))[0]
    vgmp = vgmp_frames(os.path.join(docs, "vgmp.md"))
    frames = hrp + vgmp
    reasons = [(len(hrp) + 2 + i, r)
               for i, (r, _) in enumerate(bad_vgmp(bytes(144)))]
    for i, (r, seg) in enumerate(bad_hrp(hrp_hello)):
        stream = tcp_stream(40001 + i, [seg])
        reasons.append((len(frames) + 4, r))  # after the handshake
        frames += stream
    # a stream carrying state records, after the worked HELLO
    rec_stream = tcp_stream(40100, [hrp_hello + records_frame()])
    frames += rec_stream
    good, bad = chunk_frames()
    chunk_stream = tcp_stream(40200, [hrp_hello + good, bad])
    reasons.append((len(frames) + 6, "chunk-corrupt"))
    frames += chunk_stream
    ack = struct.pack("!HBBH2xI4xQI4x", 0x4852, 1, 8, 0, 32 + 8 + 32, 1, 0)
    frames += tcp_stream(40300, [hrp_hello + ack + struct.pack("!Q", 7) +
                                 bytes(32)])
    offer, result = config_frames()
    frames += tcp_stream(40400, [hrp_hello + offer, result])
    frames += peer_frames()
    write_pcap(os.path.join(out, "examples.pcap"), frames)
    with open(os.path.join(out, "reasons.txt"), "w") as f:
        f.write("".join(f"{n} {r}\n" for n, r in reasons))


if __name__ == "__main__":
    main()
