// SPDX-License-Identifier: GPL-2.0-only
/*
 * hrp_bench: HRP's state backup at the HRP layer, end to end - synthetic
 * session records -> transfer form (records/xfer.h) -> TLV records
 * (hrp_record) -> RECORDS / BULK_CHUNK frames on a real hrp_link pair
 * (HELLO, HMAC-SHA256, sequence, TCP over lo) -> the receiver's real
 * check (hrp_recs_check) and install path (hsb_install_session) into a
 * real session map of a datapath loaded from the skeleton (not attached).
 *
 * What is synthetic: the records do not come from XDP and the ring, and
 * the sender's gathering (60 KiB frame or 1 ms after its first record;
 * a batch backup walking the map 1024 entries at a time for up to 1 ms
 * per 1 ms tick while less than 1 MiB is queued) is this file's copy of
 * hrp_engine.c's policy, not the engine itself (it needs a whole hsbd).
 *
 * The two hosts are two processes (fork), each with its own event loop,
 * as two hsbd would be: on a machine with two CPUs each side has one.
 * -s runs both on one event loop in one thread instead (sharing a CPU,
 * as this bench did before; the figures of docs/benchmarks.md say which).
 *
 *   -m live  N new sessions as fast as the link takes them: records/s
 *   -m lag   N new sessions at -r RATE/s: applied lag p50/p99 (creation
 *            time = the record's scheduled time; presence = installed)
 *   -m bulk  N sessions in the sender's map, one batch backup: time until
 *            the N are installed, bytes on the wire per session
 *   -m owner N sessions from the peer in a map: the ownership claim of a
 *            takeover as one loop iteration (the whole table at once,
 *            as before it was sliced), then a yield and a claim sliced
 *            as hrp_engine.c runs them (hrp_owner_step() per 1 ms tick):
 *            the longest iteration of each (no link, no receiver)
 *   -z LEVEL bulk: BULK_CHUNK frames zlib-compressed at LEVEL (1..9, as
 *            hrp_engine.c does at HRP_BULK_ZLIB_LEVEL); 0: uncompressed
 *   -s       one process, one thread for both hosts
 *   -1       install one by one (hsb_install_session() per record, as
 *            before the batched install) instead of hsb_install_sessions()
 *
 * Prints one JSON object on stdout. Run it in a fresh network namespace
 * (it binds 127.0.0.1/127.0.0.2 on lo).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "evloop.h"
#include "hsb/events.h"
#include "hsb/maps.h"
#include "hsb/counters.h"
#include "hsb/lists.h"
#include "hsb/policy.h"
#include "hsb/session.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"
#include "datapath/datapath.h"
#include "datapath/install.h"
#include "datapath/map_walk.h"
#include "hrp_chunk.h"
#include "hrp/hrp_link.h"
#include "hrp/hrp_owner.h"
#include "hrp/hrp_record.h"
#include "records/xfer.h"

#define FRAME_PAYLOAD (60u * 1024u) /* as HRP_FRAME_PAYLOAD */
#define FLUSH_MS 1 /* as HRP_FLUSH_MS */
#define BULK_QUEUE_MAX (1u << 20) /* as hrp_engine.c */
#define BULK_BATCH 1024
#define BULK_STEP_NS HRP_OWNER_STEP_NS /* as hrp_engine.c */
#define LIVE_QUEUE_MAX (2u << 20)
#define KEY "hrp-bench-key"

static const char *mode = "live";
static uint64_t n_total = 1000000;
static uint64_t rate = 100000;
static bool one_by_one; /* -1: hsb_install_session() per record */
static int zlevel; /* -z: compressed BULK_CHUNK frames */
static struct hrp_deflater zip;
static uint8_t zout[HRP_MAX_PAYLOAD];
static struct hsb_loop *loop;
static struct hrp_link *la, *lb;
static struct hsb_xdp_bpf *skel_a, *skel_b;
static struct hsb_install inst;
static bool a_is_up;

/* sender */
static uint8_t out[FRAME_PAYLOAD];
static size_t out_len;
static uint32_t out_count;
static enum hrp_frame_type out_type;
static struct hsb_timer *flush_t, *prod_t;
static uint64_t produced, t_start, send_fail;
static uint64_t sender_ns; /* CPU spent in the sender's code */
static bool sent_all; /* the last record or BULK_END is queued */
static uint64_t bytes0;
static struct hsb_map_walk *walk;
static bool bulk_walking;

/* receiver: in memory shared with the sender's process */
struct rx_shared {
	uint64_t t_start; /* the sender's, set before its first record */
	uint64_t t_end; /* the last install */
	uint64_t installed, refused;
	uint64_t receiver_ns; /* CPU spent in the receiver's code */
	uint64_t install_ns; /* of receiver_ns: in the install path */
	uint64_t batches; /* install batches */
	uint64_t lag_n;
	bool up, done;
};
static struct rx_shared *rx;
static uint32_t *lag_us; /* lag mode: per record, shared too */
static bool single; /* -s */
static struct hsb_loop *loop_b; /* the receiver's (loop when single) */

static uint64_t now_ns(void)
{
	return hsb_now_ns();
}

/* Session i: 10.a.b.c:port -> 198.51.100.7:443, TCP established. */
static void make_event(uint64_t i, uint64_t now, struct hsb_session_event *ev)
{
	uint32_t a = htonl(0x0a000000u | (uint32_t)(i >> 8 & 0xffffff));

	memset(ev, 0, sizeof(*ev));
	ev->hdr.type = HSB_EV_SESSION_NEW;
	memcpy(ev->key.addr_a, &a, 4);
	ev->key.addr_b[0] = 198;
	ev->key.addr_b[1] = 51;
	ev->key.addr_b[2] = 100;
	ev->key.addr_b[3] = 7;
	ev->key.port_a = htons((uint16_t)(1024 + (i & 0xff)));
	ev->key.port_b = htons(443);
	ev->key.proto = IPPROTO_TCP;
	ev->key.family = HSB_FAMILY_IPV4;
	ev->sess.state = HSB_CT_ESTABLISHED;
	ev->sess.zone_in = 1;
	ev->sess.zone_out = 2;
	ev->sess.created_ns = now - 1000;
	ev->sess.last_seen_ns = now - 100;
	ev->sess.packets[0] = 3;
	ev->sess.packets[1] = 2;
	ev->sess.bytes[0] = 180;
	ev->sess.bytes[1] = 120;
}

static uint64_t index_of(const struct hsb_flow_key *k)
{
	uint32_t a;

	memcpy(&a, k->addr_a, 4);
	return (uint64_t)(ntohl(a) & 0xffffff) << 8 | (ntohs(k->port_a) - 1024);
}

/* --- sender: hrp_engine.c's add() / flush() ------------------------- */

static void flush(void)
{
	uint64_t t0 = now_ns();
	int ret;

	size_t z = 0;

	if (!out_count)
		return;
	/* as hrp_engine.c's send_out() */
	if (zlevel && out_type == HRP_FT_BULK_CHUNK)
		z = hrp_chunk_deflate(&zip, out, out_len, zout, sizeof(zout));
	if (z)
		ret = hrp_link_send(la, out_type, HRP_FF_ZLIB, out_count, zout,
				    z);
	else
		ret = hrp_link_send(la, out_type, 0, out_count, out, out_len);
	if (ret)
		send_fail++;
	out_len = 0;
	out_count = 0;
	hsb_timer_arm(flush_t, 0, 0);
	sender_ns += now_ns() - t0;
}

static void on_flush(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	(void)l;
	(void)t;
	(void)ctx;
	flush();
}

static void add(const struct hsb_session_event *ev, uint64_t now,
		enum hrp_frame_type type)
{
	struct hrp_rec r;
	size_t n;

	if (out_count && out_type != type)
		flush();
	if (out_len + HRP_REC_MAX_LEN > sizeof(out))
		flush();
	memset(&r, 0, sizeof(r));
	r.type = HRP_REC_SESSION;
	hsb_xfer_session_of(ev, now, &r.s);
	n = hrp_rec_encode(&r, out + out_len, sizeof(out) - out_len);
	if (!n)
		return;
	if (!out_count) {
		out_type = type;
		if (type == HRP_FT_RECORDS)
			hsb_timer_arm(flush_t, FLUSH_MS, 0);
	}
	out_len += n;
	out_count++;
}

/* live / lag: what the bus would deliver by now */
static void on_produce(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	struct hsb_session_event ev;
	uint64_t now = now_ns(), t0 = now, due;

	(void)l;
	(void)t;
	(void)ctx;
	if (!strcmp(mode, "lag")) {
		due = (now - t_start) * rate / 1000000000ull + 1;
		if (due > n_total)
			due = n_total;
	} else {
		/* as fast as the link drains: keep LIVE_QUEUE_MAX queued */
		if (hrp_link_queued(la) >= LIVE_QUEUE_MAX)
			return;
		due = produced + 8 * (FRAME_PAYLOAD / HRP_REC_SESSION_LEN);
		if (due > n_total)
			due = n_total;
	}
	while (produced < due) {
		make_event(produced, now, &ev);
		add(&ev, now, HRP_FT_RECORDS);
		produced++;
	}
	sender_ns += now_ns() - t0;
	if (strcmp(mode, "lag"))
		flush(); /* the frame is full or the burst is over */
	if (produced >= n_total) {
		flush();
		sent_all = true;
		hsb_timer_arm(prod_t, 0, 0);
	}
}

/* bulk: hrp_engine.c's on_bulk(), sessions only */
static void on_bulk(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	const void *keys, *vals;
	uint64_t t0 = now_ns();
	int n, i;

	(void)l;
	(void)t;
	(void)ctx;
	while (bulk_walking && now_ns() - t0 < BULK_STEP_NS &&
	       hrp_link_queued(la) < BULK_QUEUE_MAX) {
		n = hsb_map_walk_next(walk, &keys, &vals);
		for (i = 0; i < n; i++) {
			struct hsb_session_event ev;

			memset(&ev, 0, sizeof(ev));
			ev.hdr.type = HSB_EV_SESSION_RESYNC;
			ev.key = ((const struct hsb_flow_key *)keys)[i];
			ev.sess = ((const struct hsb_session *)vals)[i];
			add(&ev, t0, HRP_FT_BULK_CHUNK);
			produced++;
		}
		flush();
		if (n < 0 || !hsb_map_walk_in_pass(walk)) {
			bulk_walking = false;
			hrp_link_send(la, HRP_FT_BULK_END, 0, 0, NULL, 0);
			sent_all = true;
			hsb_timer_arm(prod_t, 0, 0);
		}
	}
	sender_ns += now_ns() - t0;
}

/* --- receiver: hrp_engine.c's on_frame() ----------------------------- */

static void b_frame(void *ctx, const struct hrp_frame *f)
{
	struct hrp_rec_iter it;
	struct hrp_rec r;
	static struct hsb_xfer_session sess[HSB_INSTALL_BATCH];
	uint32_t unknown;
	uint64_t now = now_ns(), t1, ti;
	size_t ns = 0, ok = 0;

	(void)ctx;
	if (f->type != HRP_FT_RECORDS && f->type != HRP_FT_BULK_CHUNK)
		return;
	if (hrp_recs_check(f->payload, f->payload_len, f->count, &unknown) !=
	    HRP_RE_OK) {
		rx->refused += f->count;
		return;
	}
	hrp_rec_iter_init(&it, f->payload, f->payload_len);
	for (;;) {
		bool more = hrp_rec_next(&it, &r);
		size_t k;

		if (more && r.type == HRP_REC_SESSION)
			sess[ns++] = r.s;
		if (more && ns < HSB_INSTALL_BATCH)
			continue;
		/* as hrp_engine.c: a batch of consecutive sessions */
		ti = now_ns();
		if (one_by_one) {
			for (k = 0; k < ns; k++)
				if (hsb_install_session(&inst, &sess[k], now) ==
				    HSB_INSF_OK)
					ok++;
		} else {
			ok += hsb_install_sessions(&inst, sess, ns, now);
		}
		rx->install_ns += now_ns() - ti;
		rx->refused += ns - ok;
		rx->installed += ok;
		if (lag_us) {
			uint64_t t = now_ns();

			for (k = 0; k < ns && rx->lag_n < n_total; k++) {
				uint64_t i = index_of(&sess[k].key);
				uint64_t sched =
					rx->t_start + i * 1000000000ull / rate;

				lag_us[rx->lag_n++] =
					(uint32_t)((t > sched ? t - sched : 0) /
						   1000);
			}
		}
		ns = 0;
		ok = 0;
		if (!more)
			break;
	}
	t1 = now_ns();
	rx->receiver_ns += t1 - now;
	if (rx->installed + rx->refused >= n_total) {
		rx->t_end = t1;
		rx->done = true;
		rx->batches = inst.stats.batches;
		hsb_loop_stop(loop_b);
	}
}

/* --- setup --------------------------------------------------------------- */

static void a_up(void *ctx, const struct hrp_hello *peer)
{
	(void)ctx;
	(void)peer;
	a_is_up = true;
}

static void b_up(void *ctx, const struct hrp_hello *peer)
{
	(void)ctx;
	(void)peer;
	rx->up = true;
}

static void a_down(void *ctx, const char *why)
{
	(void)ctx;
	if (!rx->done)
		fprintf(stderr, "hrp_bench: link down at the sender: %s\n",
			why);
	hsb_loop_stop(loop);
}

static void b_down(void *ctx, const char *why)
{
	(void)ctx;
	fprintf(stderr, "hrp_bench: link down at the receiver: %s\n", why);
	hsb_loop_stop(loop_b);
}

static void a_frame(void *ctx, const struct hrp_frame *f)
{
	(void)ctx;
	(void)f;
}

static const struct hrp_link_ops ops_a = { a_up, a_down, a_frame };
static const struct hrp_link_ops ops_b = { b_up, b_down, b_frame };

static void addr4(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, a, &s->sin_addr);
}

static void link_cfg(struct hrp_link_cfg *c, const char *local,
		     const char *remote)
{
	struct in_addr in;

	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "lo");
	addr4(&c->addr.local, local, 18514);
	addr4(&c->addr.remote, remote, 18514);
	inet_pton(AF_INET, local, &in);
	c->addr.node[10] = 0xff;
	c->addr.node[11] = 0xff;
	memcpy(&c->addr.node[12], &in, 4);
	c->keylen = strlen(KEY);
	memcpy(c->key, KEY, c->keylen);
}

static struct hsb_xdp_bpf *load(uint32_t max)
{
	struct hsb_xdp_bpf *s = hsb_xdp_bpf__open();
	struct bpf_map *m;

	if (!s)
		return NULL;
	bpf_object__for_each_map(m, s->obj)
		bpf_map__set_pin_path(m, NULL);
	bpf_map__set_max_entries(s->maps.hsb_sessions, max);
	if (hsb_xdp_bpf__load(s)) {
		hsb_xdp_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* bulk: N sessions into A's map, in batches (before the clock starts) */
static int fill_a(void)
{
	int fd = bpf_map__fd(skel_a->maps.hsb_sessions);
	enum { B = 8192 };
	static struct hsb_flow_key keys[B];
	static struct hsb_session vals[B];
	struct hsb_session_event ev;
	uint64_t now = now_ns(), i = 0;
	uint32_t j, cnt;

	while (i < n_total) {
		for (j = 0; j < B && i < n_total; j++, i++) {
			make_event(i, now, &ev);
			keys[j] = ev.key;
			vals[j] = ev.sess;
			if (!strcmp(mode, "owner"))
				vals[j].flags |= HSB_SESS_F_FROM_PEER;
		}
		cnt = j;
		if (bpf_map_update_batch(fd, keys, vals, &cnt, NULL))
			return -errno;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* owner: one pass, stepped with budget_ns per tick; the longest tick */
static void owner_pass(const struct hsb_dp_maps *m, bool claim,
		       uint64_t budget_ns, const char *name)
{
	struct hrp_owner_stats st = { 0 };
	struct hrp_owner_pass *p = hrp_owner_start(m, claim, &st);
	static uint32_t tick_us[1 << 20];
	uint64_t t0 = now_ns(), t, n = 0;
	bool done = !p;

	/* the ticks' lengths: the longest is the VM's scheduling as much as
	 * ours, the p99 shows what a tick costs */
	while (!done) {
		t = now_ns();
		done = hrp_owner_step(p, budget_ns);
		if (n < sizeof(tick_us) / sizeof(tick_us[0]))
			tick_us[n++] = (uint32_t)((now_ns() - t) / 1000);
	}
	qsort(tick_us, n, sizeof(*tick_us), cmp_u32);
	printf("%s\"%s\": {\"seconds\": %.4f, \"ticks\": %llu, "
	       "\"tick_p50_ms\": %.3f, \"tick_p99_ms\": %.3f, "
	       "\"longest_tick_ms\": %.3f, \"sessions\": %llu, "
	       "\"errors\": %llu}",
	       claim && budget_ns == UINT64_MAX ? "" : ", ", name,
	       (double)(now_ns() - t0) / 1e9, (unsigned long long)st.steps,
	       n ? tick_us[n / 2] / 1e3 : 0,
	       n ? tick_us[n * 99 / 100] / 1e3 : 0,
	       (double)st.longest_step_ns / 1e6,
	       (unsigned long long)st.sessions, (unsigned long long)st.errors);
	hrp_owner_free(p);
}

static int owner_mode(void)
{
	struct hsb_dp_maps m;

	memset(&m, 0, sizeof(m));
	m.sessions = bpf_map__fd(skel_a->maps.hsb_sessions);
	m.nat_pat = bpf_map__fd(skel_a->maps.hsb_nat_pat);
	m.nat_nopat = bpf_map__fd(skel_a->maps.hsb_nat_nopat);
	m.nat_srv = bpf_map__fd(skel_a->maps.hsb_nat_srv);
	printf("{\"mode\": \"owner\", \"n\": %llu, ",
	       (unsigned long long)n_total);
	owner_pass(&m, true, UINT64_MAX, "claim_whole");
	owner_pass(&m, false, HRP_OWNER_STEP_NS, "yield_sliced");
	owner_pass(&m, true, HRP_OWNER_STEP_NS, "claim_sliced");
	printf("}\n");
	return 0;
}

static void on_poke(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	(void)t;
	(void)ctx;
	hsb_loop_stop(l);
}

/* The sender, as two processes: its part is done once the last frame left
 * the link's buffer (the receiver's process is timed on its own). */
static void on_drained(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	(void)t;
	(void)ctx;
	if (sent_all && !hrp_link_queued(la))
		hsb_loop_stop(l);
}

static void dp_maps(struct hsb_xdp_bpf *sk, struct hsb_dp_maps *m)
{
	memset(m, 0, sizeof(*m));
	m->sessions = bpf_map__fd(sk->maps.hsb_sessions);
	m->nat_pat = bpf_map__fd(sk->maps.hsb_nat_pat);
	m->nat_nopat = bpf_map__fd(sk->maps.hsb_nat_nopat);
	m->nat_srv = bpf_map__fd(sk->maps.hsb_nat_srv);
	m->nat_release = bpf_program__fd(sk->progs.hsb_nat_release);
	m->install_buf = bpf_map__fd(sk->maps.hsb_install_buf);
	m->install_batch = bpf_program__fd(sk->progs.hsb_install_batch);
}

/* B: its datapath, installer and listening link on loop l. */
static int receiver_setup(struct hsb_loop *l)
{
	struct hrp_link_cfg cb;
	struct hsb_dp_maps m;
	char err[256] = "";

	skel_b = load((uint32_t)(n_total + n_total / 4 + 1024));
	if (!skel_b) {
		fprintf(stderr, "hrp_bench: cannot load the datapath\n");
		return -1;
	}
	dp_maps(skel_b, &m);
	hsb_install_init(&inst, &m, &skel_b->bss->hsb_nat_skip);
	loop_b = l;
	/* B (127.0.0.2) listens, A (lower node id) connects */
	link_cfg(&cb, "127.0.0.2", "127.0.0.1");
	lb = hrp_link_new(l, &cb, &ops_b, NULL, err, sizeof(err));
	if (!lb) {
		fprintf(stderr, "hrp_bench: %s\n", err);
		return -1;
	}
	return 0;
}

/* The receiver's process: listening, then one byte on ready_fd; runs
 * until every record is in (bounded: 120 s). */
static int receiver_main(int ready_fd)
{
	struct hsb_loop *l = hsb_loop_new();
	struct hsb_timer *bound;

	if (!l || receiver_setup(l))
		return 1;
	if (write(ready_fd, "r", 1) != 1)
		return 1;
	close(ready_fd);
	bound = hsb_timer_new(l, on_poke, NULL);
	if (!bound)
		return 1;
	hsb_timer_arm(bound, 125000, 0);
	hsb_loop_run(l);
	return rx->done ? 0 : 1;
}

/* The receiver in a process of its own (fork); returns its pid once it
 * listens, or -1. */
static pid_t receiver_start(void)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fds[0]);
		_exit(receiver_main(fds[1]));
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		close(fds[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(fds[0]);
	return pid;
}

static void *shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv)
{
	struct hrp_link_cfg ca;
	char err[256] = "";
	struct hsb_timer *poke_t, *drain_t = NULL;
	uint64_t deadline;
	pid_t child = -1;
	int c, status = 0;
	double secs;

	while ((c = getopt(argc, argv, "1m:n:r:sz:")) != -1) {
		switch (c) {
		case 'z':
			zlevel = atoi(optarg);
			if (zlevel < 0 || zlevel > 9 ||
			    (zlevel && hrp_deflater_init(&zip, zlevel))) {
				fprintf(stderr, "hrp_bench: bad -z\n");
				return 2;
			}
			break;
		case '1':
			one_by_one = true;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			n_total = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 0);
			break;
		case 's':
			single = true;
			break;
		default:
			fprintf(stderr,
				"usage: hrp_bench [-1] [-s] [-m live|lag|bulk|owner] [-n N] [-r RATE] [-z LEVEL]\n");
			return 2;
		}
	}
	if (!n_total || !rate || n_total > (1ull << 32)) {
		fprintf(stderr, "hrp_bench: bad -n / -r\n");
		return 2;
	}
	libbpf_set_print(NULL);
	rx = shared(sizeof(*rx));
	if (!rx)
		return 1;
	if (!strcmp(mode, "lag")) {
		lag_us = shared(n_total * sizeof(*lag_us));
		if (!lag_us)
			return 1;
	}
	if (!strcmp(mode, "bulk") || !strcmp(mode, "owner")) {
		skel_a = load((uint32_t)(n_total + n_total / 4 + 1024));
		uint64_t tf = now_ns();

		if (!skel_a || fill_a()) {
			fprintf(stderr, "hrp_bench: cannot fill A's map\n");
			return 1;
		}
		fprintf(stderr,
			"hrp_bench: filled A: %.1f ns/entry (batch update)\n",
			(double)(now_ns() - tf) / (double)n_total);
		if (!strcmp(mode, "owner"))
			return owner_mode();
		walk = hsb_map_walk_new(bpf_map__fd(skel_a->maps.hsb_sessions),
					sizeof(struct hsb_flow_key),
					sizeof(struct hsb_session), BULK_BATCH);
		if (!walk)
			return 1;
	}
	if (!single) {
		child = receiver_start();
		if (child < 0) {
			fprintf(stderr,
				"hrp_bench: the receiver did not start\n");
			return 1;
		}
	}
	loop = hsb_loop_new();
	if (!loop || (single && receiver_setup(loop)))
		goto fail;
	link_cfg(&ca, "127.0.0.1", "127.0.0.2");
	la = hrp_link_new(loop, &ca, &ops_a, NULL, err, sizeof(err));
	flush_t = hsb_timer_new(loop, on_flush, NULL);
	if (!la || !flush_t) {
		fprintf(stderr, "hrp_bench: %s\n", err);
		goto fail;
	}
	/* wait for the HELLOs (bounded) */
	poke_t = hsb_timer_new(loop, on_poke, NULL);
	deadline = hsb_now_ms() + 5000;
	while (poke_t && !(a_is_up && (!single || rx->up)) &&
	       hsb_now_ms() < deadline) {
		hsb_timer_arm(poke_t, 5, 0);
		hsb_loop_run(loop);
	}
	hsb_timer_free(poke_t);
	if (!a_is_up) {
		fprintf(stderr, "hrp_bench: the link did not come up\n");
		goto fail;
	}
	prod_t = hsb_timer_new(
		loop, !strcmp(mode, "bulk") ? on_bulk : on_produce, NULL);
	if (!single) {
		drain_t = hsb_timer_new(loop, on_drained, NULL);
		if (!drain_t)
			goto fail;
		hsb_timer_arm(drain_t, 1, 1);
	}
	bytes0 = hrp_link_stats(la)->bytes_tx;
	t_start = now_ns();
	rx->t_start = t_start;
	if (!strcmp(mode, "bulk")) {
		hrp_link_send(la, HRP_FT_BULK_BEGIN, 0, 0, NULL, 0);
		bulk_walking = true;
	}
	hsb_timer_arm(prod_t, 1, 1);
	/* bounded: 120 s at most */
	poke_t = hsb_timer_new(loop, on_poke, NULL);
	hsb_timer_arm(poke_t, 120000, 0);
	hsb_loop_run(loop);
	if (child > 0) {
		if (!sent_all || hrp_link_queued(la))
			kill(child, SIGTERM);
		if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fprintf(stderr, "hrp_bench: the receiver failed\n");
	}
	if (!rx->t_end)
		rx->t_end = now_ns();
	secs = (double)(rx->t_end - t_start) / 1e9;
	printf("{\"mode\": \"%s\", \"processes\": %d, \"n\": %llu, "
	       "\"installed\": %llu, "
	       "\"refused\": %llu, \"send_failures\": %llu, \"seconds\": %.4f, "
	       "\"records_per_s\": %.0f, \"wire_bytes\": %llu, "
	       "\"bytes_per_session\": %.1f, \"sender_ns_per_record\": %.1f, "
	       "\"receiver_ns_per_record\": %.1f, "
	       "\"install_ns_per_record\": %.1f",
	       mode, single ? 1 : 2, (unsigned long long)n_total,
	       (unsigned long long)rx->installed,
	       (unsigned long long)rx->refused, (unsigned long long)send_fail,
	       secs, secs > 0 ? (double)rx->installed / secs : 0,
	       (unsigned long long)(hrp_link_stats(la)->bytes_tx - bytes0),
	       rx->installed ? (double)(hrp_link_stats(la)->bytes_tx - bytes0) /
				       (double)rx->installed :
			       0,
	       produced ? (double)sender_ns / (double)produced : 0,
	       rx->installed ? (double)rx->receiver_ns / (double)rx->installed :
			       0,
	       rx->installed ? (double)rx->install_ns / (double)rx->installed :
			       0);
	if (lag_us && rx->lag_n) {
		uint64_t n = rx->lag_n;

		qsort(lag_us, n, sizeof(*lag_us), cmp_u32);
		printf(", \"rate\": %llu, \"lag_p50_ms\": %.3f, \"lag_p99_ms\": %.3f, "
		       "\"lag_max_ms\": %.3f",
		       (unsigned long long)rate, lag_us[n / 2] / 1000.0,
		       lag_us[n * 99 / 100] / 1000.0, lag_us[n - 1] / 1000.0);
	}
	printf(", \"zlib_level\": %d", zlevel);
	printf(", \"install_batches\": %llu}\n",
	       (unsigned long long)rx->batches);
	return rx->done ? 0 : 1;
fail:
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	return 1;
}
