// SPDX-License-Identifier: GPL-2.0-only
/*
 * HRP's connection (user/hsbd/hrp/hrp_link.h) on real TCP sockets, two
 * ends in one process, in a namespace of its own (127.0.0.1 connects,
 * 127.0.0.2 listens): the HELLOs bring it up, frames flow both ways,
 * keepalives keep an idle connection up, a restarted connector replaces
 * the listener's old connection, a wrong key never comes up and is
 * counted, and a peer that does not read makes sending refuse with
 * -ENOBUFS instead of growing.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "evloop.h"
#include "hrp/hrp_link.h"
#include "netns_harness.h"

#define T_TIMEOUT_S 60
#define KEY "a shared secret"

struct end {
	const char *name;
	struct hrp_link *l;
	unsigned int ups, downs, frames;
	uint8_t last[64];
	size_t last_len;
	uint32_t last_count;
};

static struct hsb_loop *loop;

static void on_up(void *ctx, const struct hrp_hello *peer)
{
	struct end *e = ctx;

	(void)peer;
	e->ups++;
}

static void on_down(void *ctx, const char *why)
{
	struct end *e = ctx;

	(void)why;
	e->downs++;
}

static void on_frame(void *ctx, const struct hrp_frame *f)
{
	struct end *e = ctx;

	e->frames++;
	e->last_count = f->count;
	e->last_len = f->payload_len < sizeof(e->last) ? f->payload_len :
							 sizeof(e->last);
	memcpy(e->last, f->payload, e->last_len);
}

static const struct hrp_link_ops ops = { on_up, on_down, on_frame };

static void addr(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(18514);
	inet_pton(AF_INET, ip, &s->sin_addr);
}

static void start(struct end *e, const char *local, const char *remote,
		  const char *key)
{
	struct hrp_link_cfg c;
	char err[160];

	memset(&c, 0, sizeof(c));
	snprintf(c.ifname, sizeof(c.ifname), "lo");
	addr(&c.addr.local, local);
	addr(&c.addr.remote, remote);
	c.addr.node[10] = c.addr.node[11] = 0xff;
	memcpy(c.addr.node + 12,
	       &((struct sockaddr_in *)&c.addr.local)->sin_addr, 4);
	memcpy(c.key, key, strlen(key));
	c.keylen = strlen(key);
	e->l = hrp_link_new(loop, &c, &ops, e, err, sizeof(err));
	if (!e->l)
		fail_msg("%s: %s", e->name, err);
}

/* Runs the loop until cond holds or ms pass; returns cond. */
struct wait {
	bool (*cond)(void *);
	void *arg;
	uint64_t end;
};

static void poll_cond(struct hsb_loop *l, struct hsb_timer *t, void *ctx)
{
	struct wait *w = ctx;

	(void)t;
	if ((w->cond && w->cond(w->arg)) || hsb_now_ms() >= w->end)
		hsb_loop_stop(l);
}

static bool run_until(bool (*cond)(void *), void *arg, unsigned int ms)
{
	struct wait w = { cond, arg, hsb_now_ms() + ms };
	struct hsb_timer *t = hsb_timer_new(loop, poll_cond, &w);

	assert_non_null(t);
	hsb_timer_arm(t, 5, 5);
	hsb_loop_run(loop);
	hsb_timer_free(t);
	return cond ? cond(arg) : true;
}

static struct end a = { .name = "a" }, b = { .name = "b" };

static bool both_up(void *arg)
{
	(void)arg;
	return hrp_link_is_up(a.l) && hrp_link_is_up(b.l);
}

static bool got(void *arg)
{
	struct end *e = arg;

	return e->frames > 0;
}

static void test_up_and_frames(void **state)
{
	(void)state;
	start(&b, "127.0.0.2", "127.0.0.1", KEY);
	start(&a, "127.0.0.1", "127.0.0.2", KEY);
	assert_true(hrp_link_connects(a.l));
	assert_false(hrp_link_connects(b.l));
	assert_true(run_until(both_up, NULL, 3000));
	assert_int_equal(a.ups, 1);
	assert_int_equal(b.ups, 1);

	assert_int_equal(hrp_link_send(a.l, HRP_FT_RECORDS, 0, 3,
				       (const uint8_t *)"from a", 6),
			 0);
	assert_true(run_until(got, &b, 2000));
	assert_int_equal(b.last_count, 3);
	assert_memory_equal(b.last, "from a", 6);
	assert_int_equal(hrp_link_send(b.l, HRP_FT_RECORDS, 0, 1,
				       (const uint8_t *)"from b", 6),
			 0);
	assert_true(run_until(got, &a, 2000));
	assert_memory_equal(a.last, "from b", 6);

	/* idle: keepalives keep it up, and are not handed up as frames */
	a.frames = b.frames = 0;
	run_until(NULL, NULL, 2500);
	assert_true(both_up(NULL));
	assert_int_equal(a.frames, 0);
	assert_true(hrp_link_stats(b.l)->frames_rx >= 2);
	assert_int_equal(a.downs + b.downs, 0);
}

static bool b_replaced(void *arg)
{
	(void)arg;
	return hrp_link_stats(b.l)->replaced == 1 && both_up(NULL);
}

static void test_connector_restart(void **state)
{
	pid_t holder;

	(void)state;
	/* a's host dies without a word: no FIN or RST reaches b, whose old
	 * connection stays half-open (a forked child holding the sockets
	 * keeps the kernel from closing them); a comes back and its new
	 * connection takes over at once */
	holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		pause();
		_exit(0);
	}
	hrp_link_free(a.l);
	a.ups = a.frames = 0;
	start(&a, "127.0.0.1", "127.0.0.2", KEY);
	assert_true(run_until(b_replaced, NULL, 3000));
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	assert_int_equal(a.ups, 1);
	b.frames = 0;
	assert_int_equal(hrp_link_send(a.l, HRP_FT_RECORDS, 0, 1,
				       (const uint8_t *)"again", 5),
			 0);
	assert_true(run_until(got, &b, 2000));
	assert_memory_equal(b.last, "again", 5);
}

static bool auth_refused(void *arg)
{
	(void)arg;
	return hrp_link_stats(b.l)->rx_err[HRP_FE_AUTH] >= 2;
}

static void test_wrong_key(void **state)
{
	unsigned int ups = b.ups;

	(void)state;
	hrp_link_free(a.l);
	a.ups = 0;
	start(&a, "127.0.0.1", "127.0.0.2", "not the shared secret");
	/* b refuses every attempt; a retries with backoff */
	assert_true(run_until(auth_refused, NULL, 5000));
	assert_int_equal(a.ups, 0);
	assert_false(hrp_link_is_up(a.l));
	assert_int_equal(b.ups, ups);
	hrp_link_free(a.l);
	a.l = NULL;
}

/* Nobody reads b's side: a's sending is refused at the bound, counted,
 * instead of growing. */
static void test_bounded_send(void **state)
{
	static uint8_t big[HRP_MAX_PAYLOAD];
	unsigned int i, sent = 0;
	int ret = 0;

	(void)state;
	start(&a, "127.0.0.1", "127.0.0.2", KEY);
	assert_true(run_until(both_up, NULL, 3000));
	for (i = 0; i < 1000; i++) {
		ret = hrp_link_send(a.l, HRP_FT_RECORDS, 0, 1, big,
				    sizeof(big));
		if (ret)
			break;
		sent++;
	}
	assert_int_equal(ret, -ENOBUFS);
	assert_true(hrp_link_queued(a.l) <= HRP_LINK_SNDBUF);
	assert_true(sent >= HRP_LINK_SNDBUF / sizeof(big) / 2);
	assert_int_equal(hrp_link_stats(a.l)->sndbuf_full, 1);
	/* oversized payloads are refused outright */
	assert_int_equal(hrp_link_send(a.l, HRP_FT_RECORDS, 0, 1, big,
				       HRP_MAX_PAYLOAD + 1),
			 -EMSGSIZE);
	hrp_link_free(a.l);
	hrp_link_free(b.l);
}

static int run_all(void)
{
	static const char *const setup[] = { "ip link set lo up" };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_and_frames),
		cmocka_unit_test(test_connector_restart),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_bounded_send),
	};

	if (hsb_netns_enter(setup, 1))
		return 1;
	loop = hsb_loop_new();
	if (!loop)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(void)
{
	return hsb_netns_run("hrplink", run_all, T_TIMEOUT_S);
}
