// SPDX-License-Identifier: GPL-2.0-only
/*
 * trafficgen: the packet source and sink of the forwarding benchmark.
 *
 *   trafficgen send -i DEV -m DST_MAC -s SRC_IP -d DST_IP [-f FLOWS]
 *                   [-t SECONDS] [-l FRAME_LEN] [-b SPORT] [-p DPORT]
 *                   [-r RATE]
 *     Runs bpf/bench/trafficgen.bpf.c under BPF_PROG_TEST_RUN with
 *     BPF_F_TEST_XDP_LIVE_FRAMES: every frame is built by the program and
 *     transmitted out of DEV (XDP_TX on ctx.ingress_ifindex). Calls are
 *     sized by time (~50 ms each), not by a huge frame count, and the loop
 *     is bounded in time and in calls. FLOWS beyond the source ports
 *     SPORT..65535 take the destination ports after DPORT as well. With
 *     -r, RATE frames a second in a call of RATE / 1000 frames every
 *     millisecond (absolute times: a late call does not shift the rest),
 *     e.g. RATE new flows a second with FLOWS = RATE x SECONDS. -P sends
 *     the same frames through an AF_PACKET socket (sendmmsg, one batch a
 *     millisecond with -r) instead: slower, but on any kernel (6.18.44's
 *     live frames refuse XDP_TX with EPERM). Prints one JSON object:
 *     {"frames": N, "seconds": S, "pps": P}.
 *
 *   trafficgen sink-attach DEV   attach bpf/bench/xdp_sink.bpf.c (native XDP)
 *   trafficgen sink-read DEV     print the sink's packet count
 *   trafficgen sink-detach DEV   detach it
 *
 * All of it acts in the caller's network namespace (run it with
 * `ip netns exec`).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "../../bpf/bench/trafficgen.h"
#include "bench/trafficgen.skel.h"
#include "bench/xdp_sink.skel.h"

#define CALL_TARGET_NS 50000000ULL /* aim each test-run call at 50 ms */
#define MAX_SECONDS 600
#define MAX_CALLS 100000
#define MIN_REPEAT 4096U
#define MAX_REPEAT (1U << 24)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: trafficgen send -i DEV -m DST_MAC -s SRC_IP -d DST_IP\n"
		"                       [-f FLOWS] [-t SECONDS] [-l FRAME_LEN]\n"
		"                       [-b SPORT_BASE] [-p DPORT] [-r RATE] [-P]\n"
		"       trafficgen sink-attach|sink-read|sink-detach DEV\n");
	return 2;
}

static int dev_index(const char *dev)
{
	int ifindex = (int)if_nametoindex(dev);

	if (!ifindex)
		fprintf(stderr, "trafficgen: no interface '%s'\n", dev);
	return ifindex;
}

static int dev_mac(const char *dev, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static uint16_t ip_csum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

struct send_opts {
	const char *dev;
	uint8_t dst_mac[6];
	struct in_addr src, dst;
	unsigned int flows, seconds, frame_len, sport, dport, rate, sports;
	int packet_socket;
};

static void build_template(const struct send_opts *o, const uint8_t src[6],
			   uint8_t *h)
{
	unsigned int ip_len = o->frame_len - 14, udp_len = ip_len - 20;
	uint16_t csum;

	memcpy(h, o->dst_mac, 6);
	memcpy(h + 6, src, 6);
	h[12] = 0x08; /* IPv4 */
	h[13] = 0x00;
	h += 14;
	h[0] = 0x45;
	h[1] = 0;
	h[2] = (uint8_t)(ip_len >> 8);
	h[3] = (uint8_t)ip_len;
	h[4] = h[5] = 0; /* id */
	h[6] = 0x40; /* DF */
	h[7] = 0;
	h[8] = 64; /* TTL */
	h[9] = 17; /* UDP */
	h[10] = h[11] = 0;
	memcpy(h + 12, &o->src, 4);
	memcpy(h + 16, &o->dst, 4);
	csum = ip_csum(h, 20);
	h[10] = (uint8_t)(csum >> 8);
	h[11] = (uint8_t)csum;
	h += 20;
	h[0] = (uint8_t)(o->sport >> 8); /* rewritten per frame */
	h[1] = (uint8_t)o->sport;
	h[2] = (uint8_t)(o->dport >> 8);
	h[3] = (uint8_t)o->dport;
	h[4] = (uint8_t)(udp_len >> 8);
	h[5] = (uint8_t)udp_len;
	h[6] = h[7] = 0; /* no UDP checksum (valid over IPv4) */
}

/* -r: sleep until the frames sent so far are due (RATE per second from
 * t0, absolute), then size the next call at a millisecond's worth. */
static void paced_wait(const struct send_opts *o, uint64_t t0, uint64_t frames,
		       unsigned int *repeat)
{
	uint64_t due = t0 + frames * 1000000000ULL / o->rate;
	struct timespec ts = { .tv_sec = (time_t)(due / 1000000000ULL),
			       .tv_nsec = (long)(due % 1000000000ULL) };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	*repeat = o->rate / 1000 ? o->rate / 1000 : 1;
}

#define PS_BATCH_MAX 1024

/* -P: the frames of trafficgen.bpf.c, built here and sent through an
 * AF_PACKET socket, sendmmsg() batches (a millisecond's worth with -r). */
static int send_packet_socket(const struct send_opts *o,
			      const uint8_t src_mac[6], int ifindex)
{
	static uint8_t frames_buf[PS_BATCH_MAX][1500];
	static struct mmsghdr msgs[PS_BATCH_MAX];
	static struct iovec iov[PS_BATCH_MAX];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = ifindex,
				   .sll_halen = 6 };
	uint64_t t0, t1, deadline, frames = 0, calls = 0;
	unsigned int batch = 256, i, flow = 0;
	uint8_t hdr[TG_HDR_LEN];
	int fd, err = 0;

	fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: receives nothing */
	if (fd < 0) {
		fprintf(stderr, "trafficgen: packet socket: %s\n",
			strerror(errno));
		return 1;
	}
	build_template(o, src_mac, hdr);
	memcpy(sll.sll_addr, o->dst_mac, 6);
	if (o->rate)
		batch = o->rate / 1000 ? o->rate / 1000 : 1;
	if (batch > PS_BATCH_MAX)
		batch = PS_BATCH_MAX;
	for (i = 0; i < batch; i++) {
		memcpy(frames_buf[i], hdr, sizeof(hdr));
		iov[i].iov_base = frames_buf[i];
		iov[i].iov_len = o->frame_len;
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &sll,
						   .msg_namelen = sizeof(sll),
						   .msg_iov = &iov[i],
						   .msg_iovlen = 1 };
	}
	t0 = now_ns();
	deadline = t0 + (uint64_t)o->seconds * 1000000000ULL;
	t1 = t0;
	while (t1 < deadline && calls < (uint64_t)MAX_SECONDS * 1000 * 100) {
		unsigned int n = batch;
		int sent;

		for (i = 0; i < n; i++) {
			uint16_t sport =
				(uint16_t)(o->sport + flow % o->sports);
			uint16_t dport =
				(uint16_t)(o->dport + flow / o->sports);

			frames_buf[i][TG_SPORT_OFF] = (uint8_t)(sport >> 8);
			frames_buf[i][TG_SPORT_OFF + 1] = (uint8_t)sport;
			frames_buf[i][TG_DPORT_OFF] = (uint8_t)(dport >> 8);
			frames_buf[i][TG_DPORT_OFF + 1] = (uint8_t)dport;
			flow = flow + 1 >= o->flows ? 0 : flow + 1;
		}
		sent = sendmmsg(fd, msgs, n, 0);
		if (sent < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				sent = 0;
			else {
				err = -errno;
				fprintf(stderr, "trafficgen: sendmmsg: %s\n",
					strerror(errno));
				break;
			}
		}
		frames += (uint64_t)sent;
		calls++;
		if (o->rate) {
			unsigned int r;

			/* due by frames sent, so a short send is made up */
			paced_wait(o, t0, frames, &r);
		}
		t1 = now_ns();
	}
	close(fd);
	printf("{\"frames\": %llu, \"built\": %llu, \"seconds\": %.6f, "
	       "\"pps\": %.0f, \"calls\": %llu, \"packet_socket\": true}\n",
	       (unsigned long long)frames, (unsigned long long)frames,
	       (double)(t1 - t0) / 1e9,
	       t1 > t0 ? (double)frames * 1e9 / (double)(t1 - t0) : 0.0,
	       (unsigned long long)calls);
	return err ? 1 : 0;
}

static int cmd_send(int argc, char **argv)
{
	struct send_opts o = { .flows = 1,
			       .seconds = 2,
			       .frame_len = 64,
			       .sport = 10000,
			       .dport = 9 };
	uint8_t pkt[1500] = { 0 }, src_mac[6];
	struct trafficgen_bpf *skel;
	uint64_t t0, t1, frames = 0, elapsed, deadline;
	unsigned int repeat = 65536, calls = 0;
	int opt, ifindex, prog_fd, have_mac = 0, err = 0;

	while ((opt = getopt(argc, argv, "i:m:s:d:f:t:l:b:p:r:P")) != -1) {
		switch (opt) {
		case 'i':
			o.dev = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, o.dst_mac))
				return usage();
			have_mac = 1;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &o.src) != 1)
				return usage();
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &o.dst) != 1)
				return usage();
			break;
		case 'f':
			o.flows = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.seconds = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			o.frame_len = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			o.sport = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			o.dport = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o.rate = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'P':
			o.packet_socket = 1;
			break;
		default:
			return usage();
		}
	}
	if (!o.dev || !have_mac || !o.src.s_addr || !o.dst.s_addr)
		return usage();
	if (o.sport < 1 || o.sport > 65535 || o.dport < 1 || o.dport > 65535) {
		fprintf(stderr, "trafficgen: option out of range\n");
		return 2;
	}
	o.sports = 65536 - o.sport;
	if (o.flows < o.sports)
		o.sports = o.flows;
	if (o.flows < 1 ||
	    (uint64_t)o.flows > (uint64_t)o.sports * (65536 - o.dport) ||
	    o.seconds < 1 || o.seconds > MAX_SECONDS || o.frame_len < 60 ||
	    o.frame_len > sizeof(pkt) || o.rate > 100000000) {
		fprintf(stderr, "trafficgen: option out of range\n");
		return 2;
	}
	ifindex = dev_index(o.dev);
	if (!ifindex)
		return 1;
	if (dev_mac(o.dev, src_mac)) {
		fprintf(stderr, "trafficgen: no MAC for %s\n", o.dev);
		return 1;
	}

	if (o.packet_socket)
		return send_packet_socket(&o, src_mac, ifindex);

	skel = trafficgen_bpf__open();
	if (!skel)
		return 1;
	build_template(&o, src_mac, skel->data->tg_cfg.hdr);
	skel->data->tg_cfg.sport_base = (uint16_t)o.sport;
	skel->data->tg_cfg.n_flows = o.flows;
	skel->data->tg_cfg.dport_base = (uint16_t)o.dport;
	skel->data->tg_cfg.sports = o.sports;
	if (trafficgen_bpf__load(skel)) {
		fprintf(stderr, "trafficgen: load failed\n");
		trafficgen_bpf__destroy(skel);
		return 1;
	}
	/* The initial frame; the program rewrites every header byte anyway. */
	memcpy(pkt, skel->data->tg_cfg.hdr, sizeof(skel->data->tg_cfg.hdr));
	prog_fd = bpf_program__fd(skel->progs.bench_tgen);

	if (o.rate)
		repeat = o.rate / 1000 ? o.rate / 1000 : 1;
	t0 = now_ns();
	deadline = t0 + (uint64_t)o.seconds * 1000000000ULL;
	t1 = t0;
	while (t1 < deadline && calls < MAX_CALLS) {
		struct xdp_md ctx = { .data_end = o.frame_len,
				      .ingress_ifindex = (__u32)ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt,
			    .data_size_in = o.frame_len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = repeat,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
		uint64_t c0 = now_ns(), dt, left;

		if (bpf_prog_test_run_opts(prog_fd, &topts)) {
			err = -errno;
			fprintf(stderr, "trafficgen: test run: %s\n",
				strerror(errno));
			break;
		}
		t1 = now_ns();
		frames += repeat;
		calls++;
		if (o.rate) {
			paced_wait(&o, t0, frames, &repeat);
			t1 = now_ns();
			continue;
		}
		/* Next call: ~CALL_TARGET_NS, never past the deadline. */
		dt = t1 - c0 ? t1 - c0 : 1;
		left = t1 < deadline ? deadline - t1 : 0;
		if (left > CALL_TARGET_NS)
			left = CALL_TARGET_NS;
		repeat = (unsigned int)((double)repeat * (double)left /
					(double)dt);
		if (repeat < MIN_REPEAT)
			repeat = MIN_REPEAT;
		if (repeat > MAX_REPEAT)
			repeat = MAX_REPEAT;
	}
	elapsed = t1 - t0;
	/* Frames the program built: the runner's count, for a cross-check. */
	printf("{\"frames\": %llu, \"built\": %llu, \"seconds\": %.6f, "
	       "\"pps\": %.0f, \"calls\": %u}\n",
	       (unsigned long long)frames,
	       (unsigned long long)skel->bss->tg_frames, (double)elapsed / 1e9,
	       elapsed ? (double)frames * 1e9 / (double)elapsed : 0.0, calls);
	trafficgen_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int cmd_sink_attach(const char *dev)
{
	struct xdp_sink_bpf *skel;
	int ifindex = dev_index(dev), err;

	if (!ifindex)
		return 1;
	skel = xdp_sink_bpf__open_and_load();
	if (!skel)
		return 1;
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.bench_sink),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		fprintf(stderr, "trafficgen: attach to %s: %s\n", dev,
			strerror(-err));
	/* The attachment holds the program (and its map) after we exit. */
	xdp_sink_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int sink_map_fd(int ifindex)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), map_id = 0, prog_id = 0;
	int prog_fd, map_fd;

	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &prog_id) || !prog_id)
		return -1;
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -1;
	info.nr_map_ids = 1;
	info.map_ids = (__u64)(unsigned long)&map_id;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) || !map_id ||
	    strcmp(info.name, "bench_sink")) {
		close(prog_fd);
		return -1;
	}
	close(prog_fd);
	map_fd = bpf_map_get_fd_by_id(map_id);
	return map_fd;
}

static int cmd_sink_read(const char *dev)
{
	int ifindex = dev_index(dev), ncpu, map_fd, i;
	unsigned long long sum = 0;
	__u64 *v;
	__u32 key = 0;

	if (!ifindex)
		return 1;
	map_fd = sink_map_fd(ifindex);
	if (map_fd < 0) {
		fprintf(stderr, "trafficgen: no bench_sink on %s\n", dev);
		return 1;
	}
	ncpu = libbpf_num_possible_cpus();
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v || bpf_map_lookup_elem(map_fd, &key, v)) {
		free(v);
		close(map_fd);
		return 1;
	}
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	printf("%llu\n", sum);
	free(v);
	close(map_fd);
	return 0;
}

static int cmd_sink_detach(const char *dev)
{
	int ifindex = dev_index(dev);

	if (!ifindex)
		return 1;
	return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "sink-attach"))
		return cmd_sink_attach(argv[2]);
	if (!strcmp(argv[1], "sink-read"))
		return cmd_sink_read(argv[2]);
	if (!strcmp(argv[1], "sink-detach"))
		return cmd_sink_detach(argv[2]);
	return usage();
}
