-- SPDX-License-Identifier: GPL-2.0-only
--[[
hsb.lua: Wireshark dissectors for the two protocols hsbd speaks on the
heartbeat link between the two hosts.

  VGMP  group hellos and ACKs, UDP port 18514 (docs/vgmp.md, "Wire format")
  HRP   state-backup frames, TCP port 18514 (docs/hrp.md, "Wire format"),
        reassembled across TCP segments
  hsbpeer  packets forwarded to the peer by quick session backup,
        ethertype 0x88B5 (docs/hrp.md, "Quick session backup"): the tag,
        then the packet inside decoded as usual

Use it for one run:

  wireshark -X lua_script:tools/wireshark/hsb.lua hb.pcap
  tshark -X lua_script:tools/wireshark/hsb.lua -r hb.pcap -O vgmp,hrp -V

or for every run: copy it into the personal plugin folder (not both: a
second copy fails with "there cannot be two protocols ..."):

  mkdir -p ~/.local/lib/wireshark/plugins
  cp tools/wireshark/hsb.lua ~/.local/lib/wireshark/plugins/

Capture on the heartbeat link of either host, for example
`ip netns exec NS tcpdump -i hb0 -w hb.pcap port 18514`.

Both ports are preferences (Preferences > Protocols > VGMP / HRP, or
`tshark -o vgmp.port:N -o hrp.port:N`) for a link configured with
`hrp interface IF remote ADDR port N`; 0 unregisters the dissector.

HMACs are shown as bytes and NOT verified: the dissector does not know
the `hrp authentication-key` (HRP's per-connection keys need it and both
nonces). A message shown here without errors may still be one hsbd drops
as `authentication` (wrong key, altered) or `replay` / `sequence`. What
hsbd would drop for any other reason is flagged with expert info named
after hsbd's counter (`bad-magic`, `bad-length`, ...).

Fields are named vgmp.*, hrp.* and hsbpeer.*; list them with
`tshark -G fields -X lua_script:tools/wireshark/hsb.lua | grep -P '\t(vgmp|hrp|hsbpeer)\.'`
(-G first). Expert infos are filterable as vgmp.bad_length, hrp.bad_magic, ...
tests/integration/test_wireshark.sh checks this file against a live capture
of two hsbd and against the worked examples of the docs.
]]

local DEFAULT_PORT = 18514

-- ---------------------------------------------------------------------
-- helpers

-- "name" of a byte string for display: printable ASCII as is, the rest
-- as \xNN; stops at the first NUL.
local function printable(tvbr)
	local s = {}
	for i = 0, tvbr:len() - 1 do
		local b = tvbr(i, 1):uint()
		if b == 0 then
			break
		elseif b >= 0x21 and b <= 0x7e then
			s[#s + 1] = string.char(b)
		else
			s[#s + 1] = string.format("\\x%02x", b)
		end
	end
	return table.concat(s)
end

-- true when every byte of the range is zero
local function all_zero(tvbr)
	for i = 0, tvbr:len() - 1 do
		if tvbr(i, 1):uint() ~= 0 then
			return false
		end
	end
	return true
end

-- bit mask (a power of two) is set in v. Not bit32: it is no standard
-- library after Lua 5.2 (Debian 12's Wireshark 4.0), and 4.4+ runs Lua 5.4
local function has_bit(v, mask)
	return math.floor(v / mask) % 2 == 1
end

-- names of the set bits of v from a {mask, name} list
local function flag_names(v, names)
	local s = {}
	for _, f in ipairs(names) do
		if has_bit(v, f[1]) then
			s[#s + 1] = f[2]
		end
	end
	return #s > 0 and table.concat(s, "|") or "none"
end

-- an IPv4-mapped node id (::ffff:a.b.c.d) as a.b.c.d, others as IPv6
local function node_text(tvbr)
	if all_zero(tvbr(0, 10)) and tvbr(10, 2):uint() == 0xffff then
		return tostring(tvbr(12, 4):ipv4())
	end
	return tostring(tvbr:ipv6())
end

-- ---------------------------------------------------------------------
-- VGMP (docs/vgmp.md, user/vgmp/vgmp_codec.c)

local VGMP_MAGIC = 0x5647
local VGMP_VERSION = 1
local VGMP_HDR_LEN = 56
local VGMP_GROUP_LEN = 48
local VGMP_MEMBER_LEN = 4
local VGMP_HMAC_LEN = 32
local VGMP_MAX_GROUPS = 8
local VGMP_MAX_MEMBERS = 64
local VGMP_NAME_LEN = 32
local VGMP_MAX_MSG = VGMP_HDR_LEN
	+ VGMP_MAX_GROUPS * (VGMP_GROUP_LEN + VGMP_MAX_MEMBERS * VGMP_MEMBER_LEN)
	+ VGMP_HMAC_LEN

local vgmp_types = { [1] = "hello", [2] = "ack" }
local vgmp_states = { [0] = "initialize", [1] = "standby", [2] = "active" }
local vgmp_member_states = { [0] = "down", [1] = "backup", [2] = "master" }
local vgmp_families = { [4] = "IPv4", [6] = "IPv6" }
local vgmp_group_flags = {
	{ 0x01, "ready" },
	{ 0x02, "handover" },
	{ 0x04, "preempt" },
}

local vgmp = Proto("vgmp", "hsb VGMP (VRRP group management)")

local vf = {
	magic = ProtoField.uint16("vgmp.magic", "Magic", base.HEX),
	version = ProtoField.uint8("vgmp.version", "Version", base.DEC),
	type = ProtoField.uint8("vgmp.type", "Type", base.DEC, vgmp_types),
	flags = ProtoField.uint16("vgmp.flags", "Flags", base.HEX),
	flag_ack = ProtoField.bool("vgmp.flags.ack_requested", "ACK requested",
		16, nil, 0x0001),
	length = ProtoField.uint16("vgmp.length", "Length", base.DEC, nil, nil,
		"whole message, HMAC included"),
	epoch = ProtoField.uint64("vgmp.epoch", "Epoch", base.DEC, nil, nil,
		"the sender's start, ns since the Unix epoch"),
	epoch_time = ProtoField.absolute_time("vgmp.epoch_time",
		"Sender started", base.UTC),
	seq = ProtoField.uint64("vgmp.seq", "Sequence", base.DEC),
	ack = ProtoField.uint64("vgmp.ack", "Acknowledged sequence", base.DEC),
	node = ProtoField.ipv6("vgmp.node", "Node id", "the sender's heartbeat address"),
	interval = ProtoField.uint16("vgmp.interval", "Hello interval (ms)",
		base.DEC),
	group_count = ProtoField.uint8("vgmp.group_count", "Groups", base.DEC),
	hold = ProtoField.uint32("vgmp.hold", "Hold (ms)", base.DEC, nil, nil,
		"the sender's agent restarts: keep it for alive this long; 0 otherwise"),
	reserved = ProtoField.bytes("vgmp.reserved", "Reserved"),
	group = ProtoField.none("vgmp.group", "Group"),
	g_name = ProtoField.string("vgmp.group.name", "Name"),
	g_state = ProtoField.uint8("vgmp.group.state", "State", base.DEC,
		vgmp_states),
	g_flags = ProtoField.uint8("vgmp.group.flags", "Flags", base.HEX),
	g_ready = ProtoField.bool("vgmp.group.flags.ready",
		"Ready (state backup complete)", 8, nil, 0x01),
	g_handover = ProtoField.bool("vgmp.group.flags.handover",
		"Handing over", 8, nil, 0x02),
	g_preempt = ProtoField.bool("vgmp.group.flags.preempt", "Preempt", 8,
		nil, 0x04),
	g_member_count = ProtoField.uint8("vgmp.group.member_count", "Members",
		base.DEC),
	g_priority = ProtoField.uint32("vgmp.group.priority",
		"Running priority", base.DEC),
	g_penalty = ProtoField.uint32("vgmp.group.penalty", "Penalty",
		base.DEC),
	g_base = ProtoField.uint32("vgmp.group.base_priority",
		"Base priority (running + penalty)", base.DEC),
	member = ProtoField.none("vgmp.member", "Member"),
	m_vrid = ProtoField.uint8("vgmp.member.vrid", "VRID", base.DEC),
	m_state = ProtoField.uint8("vgmp.member.state", "State", base.DEC,
		vgmp_member_states),
	m_family = ProtoField.uint8("vgmp.member.family", "Family", base.DEC,
		vgmp_families),
	trailing = ProtoField.bytes("vgmp.trailing", "Bytes after the groups"),
	hmac = ProtoField.bytes("vgmp.hmac", "HMAC-SHA256", base.NONE,
		"not verified: the dissector has no key"),
}
vgmp.fields = vf

-- one per reason hsbd drops a message for (vgmp_rx_reason_name())
local ve = {
	short = ProtoExpert.new("vgmp.short", "short",
		expert.group.MALFORMED, expert.severity.ERROR),
	bad_magic = ProtoExpert.new("vgmp.bad_magic", "bad-magic",
		expert.group.MALFORMED, expert.severity.ERROR),
	unknown_version = ProtoExpert.new("vgmp.unknown_version",
		"unknown-version", expert.group.PROTOCOL, expert.severity.ERROR),
	bad_length = ProtoExpert.new("vgmp.bad_length", "bad-length",
		expert.group.MALFORMED, expert.severity.ERROR),
	unknown_type = ProtoExpert.new("vgmp.unknown_type", "unknown-type",
		expert.group.PROTOCOL, expert.severity.ERROR),
	too_many = ProtoExpert.new("vgmp.too_many_entries",
		"too-many-entries", expert.group.MALFORMED, expert.severity.ERROR),
	bad_field = ProtoExpert.new("vgmp.bad_field", "bad-field",
		expert.group.MALFORMED, expert.severity.ERROR),
}
vgmp.experts = ve

vgmp.prefs.port = Pref.uint("UDP port", DEFAULT_PORT,
	"UDP port of VGMP hellos (`hrp interface ... port N`, default 18514); 0: off")

-- the reasons hsbd would drop the message being dissected, for Info
local vgmp_reasons = {}

-- hsbd drops the message: the reason it counts, and why
local function vgmp_drop(item, ef, reason, why)
	item:add_proto_expert_info(ef, reason .. ": " .. why .. " (hsbd drops it)")
	vgmp_reasons[#vgmp_reasons + 1] = reason
end

-- the Info column: text, then the drop reasons in brackets
local function vgmp_info(pinfo, text)
	if #vgmp_reasons > 0 then
		text = text .. " [" .. table.concat(vgmp_reasons, ", ") .. "]"
	end
	pinfo.cols.info = text
end

-- a header field if the datagram holds it; nil otherwise
local function vgmp_hdr(t, tvb, f, off, size)
	if off + size <= tvb:len() then
		return t:add(f, tvb(off, size))
	end
end

-- one group record and its members at off; body is where the HMAC
-- starts. Returns the offset after it, or nil when it does not fit.
local function vgmp_group(tvb, t, off, body, idx)
	if off + VGMP_GROUP_LEN > body then
		local it = t:add(vf.trailing, tvb(off, body - off))
		vgmp_drop(it, ve.bad_length, "bad-length", string.format(
			"group %d needs %d bytes, %d left", idx, VGMP_GROUP_LEN,
			body - off))
		return nil
	end
	local name_r = tvb(off, VGMP_NAME_LEN)
	local name = printable(name_r)
	local state = tvb(off + 32, 1):uint()
	local gflags = tvb(off + 33, 1):uint()
	local nm = tvb(off + 34, 1):uint()
	local prio = tvb(off + 36, 4):uint()
	local penalty = tvb(off + 40, 4):uint()
	local fits = math.min(nm, math.floor((body - off - VGMP_GROUP_LEN)
		/ VGMP_MEMBER_LEN))
	local glen = VGMP_GROUP_LEN + fits * VGMP_MEMBER_LEN

	local gt = t:add(vf.group, tvb(off, glen))
	gt:set_text(string.format(
		"Group %s: %s, priority %d (penalty %d), %s, %d member%s",
		name, vgmp_states[state] or ("state " .. state), prio, penalty,
		flag_names(gflags, vgmp_group_flags), nm, nm == 1 and "" or "s"))

	local ni = gt:add(vf.g_name, name_r, name)
	-- NUL-padded, 1..32 printable characters (name_valid())
	local valid = name_r(0, 1):uint() ~= 0
	local seen_nul = false
	for i = 0, VGMP_NAME_LEN - 1 do
		local b = name_r(i, 1):uint()
		if b == 0 then
			seen_nul = true
		elseif seen_nul or b < 0x21 or b > 0x7e then
			valid = false
		end
	end
	if not valid then
		vgmp_drop(ni, ve.bad_field, "bad-field",
			"a name is 1..32 printable characters, NUL-padded")
	end
	local si = gt:add(vf.g_state, tvb(off + 32, 1))
	if not vgmp_states[state] then
		vgmp_drop(si, ve.bad_field, "bad-field",
			"group state " .. state .. " (0..2)")
	end
	local fi = gt:add(vf.g_flags, tvb(off + 33, 1))
	fi:append_text(" (" .. flag_names(gflags, vgmp_group_flags) .. ")")
	fi:add(vf.g_ready, tvb(off + 33, 1))
	fi:add(vf.g_handover, tvb(off + 33, 1))
	fi:add(vf.g_preempt, tvb(off + 33, 1))
	local mi = gt:add(vf.g_member_count, tvb(off + 34, 1))
	if nm > VGMP_MAX_MEMBERS then
		vgmp_drop(mi, ve.too_many, "too-many-entries", string.format(
			"%d members, at most %d", nm, VGMP_MAX_MEMBERS))
	end
	gt:add(vf.reserved, tvb(off + 35, 1))
	gt:add(vf.g_priority, tvb(off + 36, 4))
	gt:add(vf.g_penalty, tvb(off + 40, 4))
	gt:add(vf.g_base, tvb(off + 36, 8), prio + penalty):set_generated()
	gt:add(vf.reserved, tvb(off + 44, 4))

	local p = off + VGMP_GROUP_LEN
	for _ = 1, fits do
		local vrid = tvb(p, 1):uint()
		local ms = tvb(p + 1, 1):uint()
		local fam = tvb(p + 2, 1):uint()
		local mt = gt:add(vf.member, tvb(p, VGMP_MEMBER_LEN))
		mt:set_text(string.format("Member VRID %d: %s, %s", vrid,
			vgmp_member_states[ms] or ("state " .. ms),
			vgmp_families[fam] or ("family " .. fam)))
		local vi = mt:add(vf.m_vrid, tvb(p, 1))
		local msi = mt:add(vf.m_state, tvb(p + 1, 1))
		local fai = mt:add(vf.m_family, tvb(p + 2, 1))
		mt:add(vf.reserved, tvb(p + 3, 1))
		if vrid == 0 then
			vgmp_drop(vi, ve.bad_field, "bad-field", "VRID 0")
		end
		if not vgmp_member_states[ms] then
			vgmp_drop(msi, ve.bad_field, "bad-field",
				"member state " .. ms .. " (0..2)")
		end
		if not vgmp_families[fam] then
			vgmp_drop(fai, ve.bad_field, "bad-field",
				"family " .. fam .. " (4 or 6)")
		end
		p = p + VGMP_MEMBER_LEN
	end
	if fits < nm then
		vgmp_drop(gt, ve.bad_length, "bad-length", string.format(
			"group %s lists %d members, %d fit", name, nm, fits))
		return nil
	end
	return p, string.format("%s=%s/%d", name,
		vgmp_states[state] or tostring(state), prio)
end

function vgmp.dissector(tvb, pinfo, tree)
	local len = tvb:len()
	if len == 0 then
		return 0
	end
	pinfo.cols.protocol = "VGMP"
	vgmp_reasons = {}
	local t = tree:add(vgmp, tvb())
	local info

	-- header, as far as the datagram goes
	local magic_i = vgmp_hdr(t, tvb, vf.magic, 0, 2)
	local ver_i = vgmp_hdr(t, tvb, vf.version, 2, 1)
	if magic_i and tvb(0, 2):uint() ~= VGMP_MAGIC then
		vgmp_drop(magic_i, ve.bad_magic, "bad-magic", string.format(
			"0x%04x, not 0x%04x", tvb(0, 2):uint(), VGMP_MAGIC))
		vgmp_info(pinfo, "not a VGMP message")
		return len
	end
	if ver_i and tvb(2, 1):uint() ~= VGMP_VERSION then
		vgmp_drop(ver_i, ve.unknown_version, "unknown-version",
			string.format("version %d, not %d", tvb(2, 1):uint(),
				VGMP_VERSION))
		vgmp_info(pinfo, "VGMP version " .. tvb(2, 1):uint())
		return len
	end
	local type_i = vgmp_hdr(t, tvb, vf.type, 3, 1)
	local flags_i = vgmp_hdr(t, tvb, vf.flags, 4, 2)
	if flags_i then
		flags_i:add(vf.flag_ack, tvb(4, 2))
	end
	local len_i = vgmp_hdr(t, tvb, vf.length, 6, 2)
	local epoch_i = vgmp_hdr(t, tvb, vf.epoch, 8, 8)
	if epoch_i then
		local ns = tvb(8, 8):uint64()
		local e = NSTime.new((ns / 1000000000):tonumber(),
			(ns % 1000000000):tonumber())
		epoch_i:add(vf.epoch_time, tvb(8, 8), e):set_generated()
	end
	vgmp_hdr(t, tvb, vf.seq, 16, 8)
	vgmp_hdr(t, tvb, vf.ack, 24, 8)
	vgmp_hdr(t, tvb, vf.node, 32, 16)
	vgmp_hdr(t, tvb, vf.interval, 48, 2)
	local ng_i = vgmp_hdr(t, tvb, vf.group_count, 50, 1)
	vgmp_hdr(t, tvb, vf.reserved, 51, 1)
	vgmp_hdr(t, tvb, vf.hold, 52, 4)

	if len < VGMP_HDR_LEN + VGMP_HMAC_LEN then
		vgmp_drop(t, ve.short, "short", string.format(
			"%d byte%s, a message has at least %d", len, len == 1 and "" or "s",
			VGMP_HDR_LEN + VGMP_HMAC_LEN))
		vgmp_info(pinfo, string.format("%d byte%s", len,
			len == 1 and "" or "s"))
		return len
	end

	local mtype = tvb(3, 1):uint()
	local ng = tvb(50, 1):uint()
	local body = len - VGMP_HMAC_LEN
	t:append_text(string.format(", %s, seq %s, node %s",
		vgmp_types[mtype] or ("type " .. mtype), tostring(tvb(16, 8):uint64()),
		node_text(tvb(32, 16))))
	if mtype == 2 then
		info = string.format("ack seq %s ack %s",
			tostring(tvb(16, 8):uint64()), tostring(tvb(24, 8):uint64()))
	else
		info = string.format("%s seq %s",
			vgmp_types[mtype] or ("type " .. mtype),
			tostring(tvb(16, 8):uint64()))
	end
	if has_bit(tvb(4, 2):uint(), 0x0001) then
		info = info .. " [ACK requested]"
	end
	if len >= VGMP_HDR_LEN and tvb(52, 4):uint() ~= 0 then
		info = info .. string.format(" [restarting: hold %d ms]",
			tvb(52, 4):uint())
	end

	if tvb(6, 2):uint() ~= len then
		vgmp_drop(len_i, ve.bad_length, "bad-length", string.format(
			"length field %d, datagram %d", tvb(6, 2):uint(), len))
	elseif len > VGMP_MAX_MSG then
		vgmp_drop(len_i, ve.bad_length, "bad-length", string.format(
			"%d bytes, at most %d", len, VGMP_MAX_MSG))
	end
	if not vgmp_types[mtype] then
		vgmp_drop(type_i, ve.unknown_type, "unknown-type",
			"type " .. mtype .. " (1 hello, 2 ack)")
	end
	if ng > VGMP_MAX_GROUPS then
		vgmp_drop(ng_i, ve.too_many, "too-many-entries", string.format(
			"%d groups, at most %d", ng, VGMP_MAX_GROUPS))
	end
	if mtype == 2 and ng > 0 then
		vgmp_drop(ng_i, ve.bad_field, "bad-field", "an ACK lists no groups")
	end

	local off = VGMP_HDR_LEN
	local names = {}
	for i = 1, ng do
		local nxt, summary = vgmp_group(tvb, t, off, body, i)
		if not nxt then
			off = body
			break
		end
		names[#names + 1] = summary
		off = nxt
	end
	if off < body then
		local it = t:add(vf.trailing, tvb(off, body - off))
		vgmp_drop(it, ve.bad_length, "bad-length", string.format(
			"%d bytes after the last group", body - off))
	end
	t:add(vf.hmac, tvb(body, VGMP_HMAC_LEN))
		:append_text(" [not verified: no key]")

	if #names > 0 then
		info = info .. " " .. table.concat(names, " ")
	end
	vgmp_info(pinfo, info)
	return len
end

-- ---------------------------------------------------------------------
-- HRP (docs/hrp.md, user/hrp/hrp_frame.c)

local HRP_MAGIC = 0x4852
local HRP_VERSION = 1
local HRP_HDR_LEN = 32
local HRP_HMAC_LEN = 32
local HRP_MAX_FRAME = 256 * 1024
local HRP_HELLO_LEN = 40

local hrp_types = {
	[1] = "HELLO", [2] = "RECORDS", [3] = "BULK_BEGIN", [4] = "BULK_CHUNK",
	[5] = "BULK_END", [6] = "KEEPALIVE", [7] = "CONFIG", [8] = "ACK",
}

local hrp = Proto("hrp", "hsb HRP (hot-standby state backup)")

local hf = {
	magic = ProtoField.uint16("hrp.magic", "Magic", base.HEX),
	version = ProtoField.uint8("hrp.version", "Version", base.DEC),
	type = ProtoField.uint8("hrp.type", "Type", base.DEC, hrp_types),
	flags = ProtoField.uint16("hrp.flags", "Flags", base.HEX),
	flag_zlib = ProtoField.bool("hrp.flags.zlib", "zlib-compressed chunk",
		16, nil, 0x0001),
	reserved = ProtoField.bytes("hrp.reserved", "Reserved"),
	ack_seq = ProtoField.uint64("hrp.ack.seq", "Applied up to sequence",
		base.DEC, nil, nil, "the last RECORDS frame the peer applied"),
	chunk_raw = ProtoField.uint32("hrp.chunk.raw_length",
		"Records length, inflated", base.DEC),
	chunk_zlib = ProtoField.bytes("hrp.chunk.zlib", "zlib stream"),
	length = ProtoField.uint32("hrp.length", "Length", base.DEC, nil, nil,
		"whole frame: header, payload, HMAC"),
	seq = ProtoField.uint64("hrp.seq", "Sequence", base.DEC),
	count = ProtoField.uint32("hrp.count", "Record count", base.DEC, nil,
		nil, "records in the payload, as the sender says"),
	payload = ProtoField.bytes("hrp.payload", "Payload"),
	undecoded = ProtoField.bytes("hrp.undecoded", "Undecoded"),
	payload_len = ProtoField.uint32("hrp.payload_length", "Payload length",
		base.DEC),
	hello = ProtoField.bytes("hrp.hello", "HELLO payload"),
	nonce = ProtoField.bytes("hrp.hello.nonce", "Nonce"),
	node = ProtoField.ipv6("hrp.hello.node", "Node id",
		"the sender's heartbeat address"),
	hello_flags = ProtoField.uint32("hrp.hello.flags", "Flags", base.HEX),
	hmac = ProtoField.bytes("hrp.hmac", "HMAC-SHA256", base.NONE,
		"not verified: the dissector has no key"),
	-- state records (docs/hrp.md, "Records"; user/hsbd/hrp/hrp_record.c)
	rec = ProtoField.bytes("hrp.rec", "Record"),
	rec_type = ProtoField.uint8("hrp.rec.type", "Type", base.DEC,
		{ [1] = "session", [2] = "session-delete", [3] = "nat",
		  [4] = "nat-delete" }),
	rec_len = ProtoField.uint16("hrp.rec.length", "Length", base.DEC),
	rec_family = ProtoField.uint8("hrp.rec.family", "Family", base.DEC),
	rec_proto = ProtoField.uint8("hrp.rec.proto", "Protocol", base.DEC),
	rec_a = ProtoField.string("hrp.rec.a", "Endpoint a"),
	rec_b = ProtoField.string("hrp.rec.b", "Endpoint b"),
	rec_flags = ProtoField.uint32("hrp.rec.flags", "Session flags",
		base.HEX),
	rec_state = ProtoField.uint8("hrp.rec.state", "State", base.DEC),
	rec_nat = ProtoField.string("hrp.rec.nat", "Translation"),
	rec_age = ProtoField.uint64("hrp.rec.age_ns", "Age (ns)", base.DEC),
	rec_idle = ProtoField.uint64("hrp.rec.idle_ns", "Idle (ns)", base.DEC),
	rec_table = ProtoField.uint8("hrp.rec.table", "NAT table", base.DEC,
		{ [1] = "pat", [2] = "no-pat", [3] = "server" }),
	rec_pub = ProtoField.string("hrp.rec.public", "Public"),
	rec_inside = ProtoField.string("hrp.rec.inside", "Inside"),
	-- configuration backup (docs/hrp.md, "CONFIG payload";
	-- user/hrp/hrp_cfgsync.c)
	cfg_kind = ProtoField.uint8("hrp.cfg.kind", "Kind", base.DEC,
		{ [1] = "offer", [2] = "result" }),
	cfg_flags = ProtoField.uint8("hrp.cfg.flags", "Offer flags", base.HEX),
	cfg_status = ProtoField.uint8("hrp.cfg.status", "Result", base.DEC,
		{ [0] = "applied", [1] = "same", [2] = "kept", [3] = "refused" }),
	cfg_gen = ProtoField.uint64("hrp.cfg.generation", "Generation",
		base.DEC),
	cfg_digest = ProtoField.bytes("hrp.cfg.digest", "SHA-256 of the text"),
	cfg_total = ProtoField.uint32("hrp.cfg.total", "Text length",
		base.DEC),
	cfg_offset = ProtoField.uint32("hrp.cfg.offset", "Chunk offset",
		base.DEC),
	cfg_text = ProtoField.string("hrp.cfg.text", "Configuration text"),
	cfg_reason = ProtoField.string("hrp.cfg.reason", "Reason"),
}
hrp.fields = hf

-- hrp_frame_err_name(): the reasons hsbd closes the connection for
local he = {
	bad_magic = ProtoExpert.new("hrp.bad_magic", "bad-magic",
		expert.group.MALFORMED, expert.severity.ERROR),
	unknown_version = ProtoExpert.new("hrp.unknown_version",
		"unknown-version", expert.group.PROTOCOL, expert.severity.ERROR),
	unknown_type = ProtoExpert.new("hrp.unknown_type", "unknown-type",
		expert.group.PROTOCOL, expert.severity.ERROR),
	bad_length = ProtoExpert.new("hrp.bad_length", "bad-length",
		expert.group.MALFORMED, expert.severity.ERROR),
	hello = ProtoExpert.new("hrp.bad_hello", "hello",
		expert.group.PROTOCOL, expert.severity.ERROR),
	chunk_corrupt = ProtoExpert.new("hrp.chunk_corrupt", "chunk-corrupt",
		expert.group.MALFORMED, expert.severity.ERROR),
	chunk_size = ProtoExpert.new("hrp.chunk_too_large", "chunk-too-large",
		expert.group.MALFORMED, expert.severity.ERROR),
	-- hrp_rec_err_name(): a frame's records refused whole
	bad_records = ProtoExpert.new("hrp.bad_records", "bad-records",
		expert.group.MALFORMED, expert.severity.ERROR),
	-- hrp_cfg_err_name(): a CONFIG payload dropped (the connection stays)
	bad_config = ProtoExpert.new("hrp.bad_config", "bad-config",
		expert.group.MALFORMED, expert.severity.WARN),
}
hrp.experts = he

hrp.prefs.port = Pref.uint("TCP port", DEFAULT_PORT,
	"TCP port of HRP (`hrp interface ... port N`, default 18514); 0: off")

local hrp_reasons = {}

local function hrp_close(item, ef, reason, why)
	item:add_proto_expert_info(ef, reason .. ": " .. why
		.. " (hsbd closes the connection)")
	hrp_reasons[#hrp_reasons + 1] = reason
end

-- The header's fixed fields are sane (check_header()): the frame length
-- can be believed. Needs 12 bytes at off.
local function hrp_header_ok(tvb, off)
	local total = tvb(off + 8, 4):uint()
	return tvb(off, 2):uint() == HRP_MAGIC
		and tvb(off + 2, 1):uint() == HRP_VERSION
		and hrp_types[tvb(off + 3, 1):uint()] ~= nil
		and total >= HRP_HDR_LEN + HRP_HMAC_LEN and total <= HRP_MAX_FRAME
end

-- dissect_tcp_pdus: the length of the PDU at off (at least a header is
-- there). A header hsbd refuses ends the stream for hsbd: the rest of
-- the segment is shown as one bad PDU.
local function hrp_pdu_len(tvb, _, off)
	if not hrp_header_ok(tvb, off) then
		return tvb:len() - off
	end
	return tvb(off + 8, 4):uint()
end

local hrp_pdus -- PDUs shown in this call, for the Info column

-- An address of a record: 16 bytes, IPv4 in the first 4.
local function rec_addr(r, family)
	if family == 4 then
		return tostring(r(0, 4):ipv4())
	end
	return tostring(r(0, 16):ipv6())
end

local REC_LEN = { [1] = 124, [2] = 44, [3] = 56, [4] = 16 }
local HRP_FF_ZLIB = 0x0001
local HRP_CHUNK_RAW_MAX = HRP_MAX_FRAME - HRP_HDR_LEN - HRP_HMAC_LEN

-- The records of a RECORDS / BULK_CHUNK payload, each a subtree; a length
-- hsbd would refuse is flagged (the frame is refused whole there).
local function hrp_records(pr, t, count)
	local off, n, plen = 0, 0, pr:len()
	while off < plen do
		if plen - off < 4 then
			t:add_proto_expert_info(he.bad_records,
				"short: a record header cut by the end")
			return
		end
		local typ, len = pr(off, 1):uint(), pr(off + 2, 2):uint()
		if len < 4 or off + len > plen or
		   (REC_LEN[typ] and len ~= REC_LEN[typ]) then
			t:add_proto_expert_info(he.bad_records, string.format(
				"bad-length: record %d, type %d, length %d", n + 1,
				typ, len))
			return
		end
		local r = pr(off, len)
		local rt = t:add(hf.rec, r)
		rt:add(hf.rec_type, r(0, 1))
		rt:add(hf.rec_len, r(2, 2))
		local b = r(4)
		if typ == 1 or typ == 2 then
			local fam = b(37, 1):uint()
			local a = rec_addr(b(0, 16), fam) .. ":" .. b(32, 2):uint()
			local z = rec_addr(b(16, 16), fam) .. ":" .. b(34, 2):uint()
			rt:add(hf.rec_family, b(37, 1))
			rt:add(hf.rec_proto, b(36, 1))
			rt:add(hf.rec_a, b(0, 16), a)
			rt:add(hf.rec_b, b(16, 16), z)
			rt:set_text(string.format("Record: %s %s <-> %s",
				typ == 1 and "session" or "session-delete", a, z))
			if typ == 1 then
				rt:add(hf.rec_flags, b(40, 4))
				rt:add(hf.rec_state, b(44, 1))
				if b(47, 1):uint() ~= 0 then
					rt:add(hf.rec_nat, b(56, 16), rec_addr(b(56, 16),
						fam) .. ":" .. b(50, 2):uint())
				end
				rt:add(hf.rec_age, b(72, 8))
				rt:add(hf.rec_idle, b(80, 8))
			end
		elseif typ == 3 or typ == 4 then
			local pub = tostring(b(4, 4):ipv4()) .. ":" .. b(8, 2):uint()
			rt:add(hf.rec_table, b(0, 1))
			rt:add(hf.rec_proto, b(1, 1))
			rt:add(hf.rec_pub, b(4, 6), pub)
			if typ == 3 then
				rt:add(hf.rec_inside, b(12, 4), tostring(b(12, 4):ipv4())
					.. ":" .. b(10, 2):uint())
				rt:add(hf.rec_age, b(28, 8))
			end
			rt:set_text(string.format("Record: %s %s",
				typ == 3 and "nat" or "nat-delete", pub))
		else
			rt:set_text(string.format("Record: type %d (%d bytes, unknown)",
				typ, len))
		end
		off = off + len
		n = n + 1
	end
	if n ~= count then
		t:add_proto_expert_info(he.bad_records, string.format(
			"bad-count: %d records, the header says %d", n, count))
	end
end

-- A compressed BULK_CHUNK payload (hrp_chunk.h): the inflated length,
-- the zlib stream, and the records it inflates to (a tab of their own);
-- what hsbd's bounded inflate refuses is flagged with its reason.
local function hrp_chunk(pr, t, count)
	local plen = pr:len()
	if plen <= 4 then
		hrp_close(t, he.chunk_corrupt, "chunk-corrupt",
			"no zlib stream after the length")
		return
	end
	local want = pr(0, 4):uint()
	t:add(hf.chunk_raw, pr(0, 4))
	local zi = t:add(hf.chunk_zlib, pr(4))
	if want == 0 or want > HRP_CHUNK_RAW_MAX then
		hrp_close(zi, he.chunk_size, "chunk-too-large", string.format(
			"declares %d bytes, 1..%d", want, HRP_CHUNK_RAW_MAX))
		return
	end
	local raw = pr(4):uncompress("Inflated records")
	if raw == nil then
		hrp_close(zi, he.chunk_corrupt, "chunk-corrupt",
			"the zlib stream does not inflate")
		return
	end
	if raw:len() > want then
		hrp_close(zi, he.chunk_size, "chunk-too-large", string.format(
			"inflates past the %d bytes it declares", want))
		return
	end
	if raw:len() ~= want then
		hrp_close(zi, he.chunk_corrupt, "chunk-corrupt", string.format(
			"inflates to %d bytes, declares %d", raw:len(), want))
		return
	end
	zi:append_text(string.format(" (%d bytes, inflated %d)", plen - 4, want))
	hrp_records(raw(), t, count)
end

local HRP_CFG_HDR_LEN = 52
local HRP_CFG_MAX_TEXT = 8 * 1024 * 1024
local cfg_flag_names = { { 0x01, "first" }, { 0x02, "last" },
	{ 0x04, "HRP_M" }, { 0x08, "pushed" } }
local cfg_status_names = { [0] = "applied", [1] = "same", [2] = "kept",
	[3] = "refused" }

-- A CONFIG payload as hrp_cfg_decode() reads it; returns a summary.
-- hsbd drops a bad one and keeps the connection.
local function hrp_config(pr, t)
	local plen = pr:len()
	if plen < HRP_CFG_HDR_LEN then
		t:add_proto_expert_info(he.bad_config, string.format(
			"short: %d bytes, the header is %d (hsbd drops it)", plen,
			HRP_CFG_HDR_LEN))
		return "CONFIG (short)"
	end
	local kind = pr(0, 1):uint()
	local gen = pr(4, 8):uint64()
	t:add(hf.cfg_kind, pr(0, 1))
	if kind == 1 then
		local fl = pr(1, 1):uint()
		t:add(hf.cfg_flags, pr(1, 1)):append_text(" ("
			.. flag_names(fl, cfg_flag_names) .. ")")
	else
		t:add(hf.cfg_status, pr(1, 1))
	end
	t:add(hf.reserved, pr(2, 2))
	t:add(hf.cfg_gen, pr(4, 8))
	t:add(hf.cfg_digest, pr(12, 32))
	t:add(hf.cfg_total, pr(44, 4))
	t:add(hf.cfg_offset, pr(48, 4))
	local body = plen > HRP_CFG_HDR_LEN and pr(HRP_CFG_HDR_LEN) or nil
	if kind == 1 then
		local total, off = pr(44, 4):uint(), pr(48, 4):uint()
		if total > HRP_CFG_MAX_TEXT or off > total
			or plen - HRP_CFG_HDR_LEN > total - off then
			t:add_proto_expert_info(he.bad_config,
				"size: the chunk is past its own total (hsbd drops it)")
		end
		if body then
			t:add(hf.cfg_text, body, body:string())
		end
		return string.format("CONFIG offer gen %s, %d of %d bytes at %d",
			tostring(gen), plen - HRP_CFG_HDR_LEN, total, off)
	elseif kind == 2 then
		local st = pr(1, 1):uint()
		if body then
			t:add(hf.cfg_reason, body, body:string())
		end
		return string.format("CONFIG result gen %s %s%s", tostring(gen),
			cfg_status_names[st] or "?",
			body and (": " .. body:string()) or "")
	end
	t:add_proto_expert_info(he.bad_config,
		"kind: " .. kind .. " (1..2; hsbd drops it)")
	return "CONFIG (unknown kind)"
end

local function hrp_pdu(tvb, pinfo, tree)
	local len = tvb:len()
	pinfo.cols.protocol = "HRP"
	hrp_reasons = {}
	local t = tree:add(hrp, tvb())
	local ftype = tvb(3, 1):uint()
	local total = tvb(8, 4):uint()
	local seq = tvb(16, 8):uint64()
	local count = tvb(24, 4):uint()
	local summary

	local magic_i = t:add(hf.magic, tvb(0, 2))
	local ver_i = t:add(hf.version, tvb(2, 1))
	local type_i = t:add(hf.type, tvb(3, 1))
	local flags_i = t:add(hf.flags, tvb(4, 2))
	if ftype == 4 then
		flags_i:add(hf.flag_zlib, tvb(4, 2))
	end
	t:add(hf.reserved, tvb(6, 2))
	local len_i = t:add(hf.length, tvb(8, 4))
	t:add(hf.reserved, tvb(12, 4))
	t:add(hf.seq, tvb(16, 8))
	t:add(hf.count, tvb(24, 4))
	t:add(hf.reserved, tvb(28, 4))

	if not hrp_header_ok(tvb, 0) then
		if tvb(0, 2):uint() ~= HRP_MAGIC then
			hrp_close(magic_i, he.bad_magic, "bad-magic", string.format(
				"0x%04x, not 0x%04x", tvb(0, 2):uint(), HRP_MAGIC))
		elseif tvb(2, 1):uint() ~= HRP_VERSION then
			hrp_close(ver_i, he.unknown_version, "unknown-version",
				"version " .. tvb(2, 1):uint())
		elseif not hrp_types[ftype] then
			hrp_close(type_i, he.unknown_type, "unknown-type",
				"type " .. ftype .. " (1..8)")
		else
			hrp_close(len_i, he.bad_length, "bad-length", string.format(
				"%d bytes, %d..%d", total, HRP_HDR_LEN + HRP_HMAC_LEN,
				HRP_MAX_FRAME))
		end
		if len > HRP_HDR_LEN then
			t:add(hf.undecoded, tvb(HRP_HDR_LEN))
		end
		summary = "not an HRP frame"
	else
		local plen = len - HRP_HDR_LEN - HRP_HMAC_LEN
		local pr = tvb(HRP_HDR_LEN, plen)
		t:add(hf.payload_len, pr, plen):set_generated()
		if ftype == 1 then
			local ht = t:add(hf.hello, pr)
			ht:set_text(string.format("HELLO payload (%d bytes)", plen))
			if plen ~= HRP_HELLO_LEN then
				hrp_close(ht, he.hello, "hello", string.format(
					"payload %d bytes, not %d", plen, HRP_HELLO_LEN))
			else
				ht:add(hf.nonce, pr(0, 16))
				ht:add(hf.node, pr(16, 16))
				ht:add(hf.hello_flags, pr(32, 4))
				ht:add(hf.reserved, pr(36, 4))
			end
			if seq ~= UInt64(0) then
				hrp_close(type_i, he.hello, "hello",
					"a HELLO carries sequence 0")
			end
			summary = string.format("HELLO node %s",
				plen == HRP_HELLO_LEN and node_text(pr(16, 16)) or "?")
		else
			if plen > 0 then
				local pt = t:add(hf.payload, pr):append_text(
					string.format(" (%d bytes, %d record%s)", plen,
						count, count == 1 and "" or "s"))
				if ftype == 4 and has_bit(tvb(4, 2):uint(), HRP_FF_ZLIB) then
					hrp_chunk(pr, pt, count)
				elseif ftype == 2 or ftype == 4 then
					hrp_records(pr, pt, count)
				end
			end
			summary = string.format("%s seq %s count %d", hrp_types[ftype],
				tostring(seq), count)
			if ftype == 7 then
				summary = hrp_config(pr, t) .. " seq " .. tostring(seq)
			end
			if ftype == 8 and plen == 8 then
				t:add(hf.ack_seq, pr(0, 8))
				summary = summary .. " applied " .. tostring(pr(0, 8):uint64())
			end
		end
		t:add(hf.hmac, tvb(len - HRP_HMAC_LEN, HRP_HMAC_LEN))
			:append_text(" [not verified: no key]")
		t:append_text(", " .. summary)
	end

	if #hrp_reasons > 0 then
		summary = summary .. " [" .. table.concat(hrp_reasons, ", ") .. "]"
	end
	if hrp_pdus == 0 then
		pinfo.cols.info:set(summary)
	else
		pinfo.cols.info:append(", " .. summary)
	end
	hrp_pdus = hrp_pdus + 1
	return len
end

function hrp.dissector(tvb, pinfo, tree)
	hrp_pdus = 0
	return dissect_tcp_pdus(tvb, tree, HRP_HDR_LEN, hrp_pdu_len, hrp_pdu,
		true)
end

-- ---------------------------------------------------------------------
-- hsbpeer: a packet quick session backup forwards to the peer
-- (include/hsb/peer.h): version, the sender's ingress zone, the packet's
-- own ethertype, then the packet, handed to the dissector of that type.

local HSB_ETH_P_PEER = 0x88B5
local hsbpeer = Proto("hsbpeer", "hsb forwarded to the peer (quick session backup)")
local peer_f = {
	version = ProtoField.uint8("hsbpeer.version", "Version", base.DEC),
	zone = ProtoField.uint8("hsbpeer.zone", "Ingress zone", base.DEC),
	type = ProtoField.uint16("hsbpeer.type", "Type", base.HEX),
}
hsbpeer.fields = peer_f
local peer_ef = {
	bad = ProtoExpert.new("hsbpeer.bad", "peer_fwd_bad", expert.group.MALFORMED,
		expert.severity.ERROR),
}
hsbpeer.experts = peer_ef

function hsbpeer.dissector(tvb, pinfo, tree)
	local t = tree:add(hsbpeer, tvb(0, math.min(4, tvb:len())))
	pinfo.cols.protocol = "hsbpeer"
	if tvb:len() < 4 then
		t:add_proto_expert_info(peer_ef.bad, "peer_fwd_bad: truncated tag")
		return tvb:len()
	end
	local version = tvb(0, 1):uint()
	local inner = tvb(2, 2):uint()
	t:add(peer_f.version, tvb(0, 1))
	t:add(peer_f.zone, tvb(1, 1))
	t:add(peer_f.type, tvb(2, 2))
	if version ~= 1 or (inner ~= 0x0800 and inner ~= 0x86DD) then
		t:add_proto_expert_info(peer_ef.bad,
			"peer_fwd_bad: version or type hsbd does not take")
		pinfo.cols.info = string.format(
			"forwarded to the peer: version %d, type 0x%04x (dropped)",
			version, inner)
		return tvb:len()
	end
	local d = DissectorTable.get("ethertype"):get_dissector(inner)
	if d and tvb:len() > 4 then
		d:call(tvb(4):tvb(), pinfo, tree)
	end
	pinfo.cols.info:prepend("[via peer, zone " .. tvb(1, 1):uint() .. "] ")
	return tvb:len()
end

DissectorTable.get("ethertype"):add(HSB_ETH_P_PEER, hsbpeer)

-- ---------------------------------------------------------------------
-- registration: the default port, moved by the preferences

local registered = { [vgmp] = 0, [hrp] = 0 }

local function register(proto, table_name, port)
	local dt = DissectorTable.get(table_name)
	if registered[proto] ~= 0 then
		dt:remove(registered[proto], proto)
	end
	if port ~= 0 then
		dt:add(port, proto)
	end
	registered[proto] = port
end

function vgmp.prefs_changed()
	if vgmp.prefs.port ~= registered[vgmp] then
		register(vgmp, "udp.port", vgmp.prefs.port)
	end
end

function hrp.prefs_changed()
	if hrp.prefs.port ~= registered[hrp] then
		register(hrp, "tcp.port", hrp.prefs.port)
	end
end

register(vgmp, "udp.port", DEFAULT_PORT)
register(hrp, "tcp.port", DEFAULT_PORT)
