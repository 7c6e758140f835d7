// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metrics collectors (user/hsbd/metrics/collect.c) on a daemon with
 * no datapath and no engines: sessions by protocol and state tallied from
 * the sweeper's passes on a real record bus (a pass under way is not
 * shown, a subscription that starts mid-pass waits for the next, states
 * sharing a name are summed into one series), hsbd's own families, and
 * /readyz refusing without a datapath. No refused sample anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "hsbd.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"
#include "records/bus.h"

struct fix {
	struct hsbd d;
	struct hsb_metrics m;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->d.cfg = hsb_config_new();
	f->d.bus = hsb_bus_new();
	assert_non_null(f->d.cfg);
	assert_non_null(f->d.bus);
	f->m.d = &f->d;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	hsb_met_collect_stop(&f->m);
	hsb_bus_free(f->d.bus);
	hsb_config_free(f->d.cfg);
	free(f);
	return 0;
}

static char *scrape(struct fix *f)
{
	struct hsb_expo e;
	char *out;

	hsb_expo_init(&e);
	hsb_met_collect(&f->m, &e);
	assert_false(e.oom);
	assert_int_equal(e.errors, 0);
	out = hsb_expo_take(&e, NULL);
	assert_non_null(out);
	return out;
}

static void sweep(struct hsb_bus *bus, enum hsb_bus_topic t,
		  const struct hsb_flow_key *k, const struct hsb_session *v,
		  size_t n)
{
	struct hsb_bus_batch b = { .topic = t, .n = n, .keys = k, .vals = v };

	hsb_bus_publish(bus, &b);
}

static void test_sessions_from_passes(void **state)
{
	struct fix *f = *state;
	struct hsb_flow_key k[5];
	struct hsb_session v[5];
	char *out;

	memset(k, 0, sizeof(k));
	memset(v, 0, sizeof(v));
	k[0].proto = IPPROTO_TCP;
	v[0].state = HSB_CT_ESTABLISHED;
	k[1].proto = IPPROTO_TCP;
	v[1].state = HSB_CT_ESTABLISHED;
	k[2].proto = IPPROTO_ICMP;
	v[2].state = HSB_CT_ICMP_REPLIED;
	/* another protocol in two states named alike ("new"): one series */
	k[3].proto = 47;
	v[3].state = HSB_CT_UDP_NEW;
	k[4].proto = 47;
	v[4].state = HSB_CT_ICMP_NEW;

	assert_int_equal(hsb_met_collect_start(&f->m), 0);
	/* subscribed mid-pass: this pass is not counted */
	sweep(f->d.bus, HSB_BUS_SWEEP_VISIT, k, v, 5);
	sweep(f->d.bus, HSB_BUS_SWEEP_END, NULL, NULL, 0);
	out = scrape(f);
	assert_null(strstr(out, "hsb_sessions{"));
	assert_null(strstr(out, "hsb_session_table_entries"));
	free(out);

	sweep(f->d.bus, HSB_BUS_SWEEP_BEGIN, NULL, NULL, 0);
	sweep(f->d.bus, HSB_BUS_SWEEP_VISIT, k, v, 3);
	/* a pass under way shows nothing yet */
	out = scrape(f);
	assert_null(strstr(out, "hsb_sessions{"));
	free(out);
	sweep(f->d.bus, HSB_BUS_SWEEP_VISIT, k + 3, v + 3, 2);
	sweep(f->d.bus, HSB_BUS_SWEEP_END, NULL, NULL, 0);
	out = scrape(f);
	assert_non_null(strstr(
		out,
		"hsb_sessions{protocol=\"tcp\",state=\"established\"} 2\n"));
	assert_non_null(strstr(
		out, "hsb_sessions{protocol=\"icmp\",state=\"replied\"} 1\n"));
	assert_non_null(strstr(
		out, "hsb_sessions{protocol=\"other\",state=\"new\"} 2\n"));
	assert_non_null(strstr(out, "hsb_session_table_entries 5\n"));
	free(out);

	/* the next pass replaces the figures */
	sweep(f->d.bus, HSB_BUS_SWEEP_BEGIN, NULL, NULL, 0);
	sweep(f->d.bus, HSB_BUS_SWEEP_VISIT, k + 2, v + 2, 1);
	sweep(f->d.bus, HSB_BUS_SWEEP_END, NULL, NULL, 0);
	out = scrape(f);
	assert_null(strstr(out, "protocol=\"tcp\""));
	assert_non_null(strstr(out, "hsb_session_table_entries 1\n"));
	free(out);
}

static void test_self_and_readiness(void **state)
{
	struct fix *f = *state;
	char *out;

	out = scrape(f);
	assert_non_null(strstr(out, "# TYPE hsb_build_info gauge\n"));
	assert_non_null(strstr(out, "hsb_ready 0\n"));
	assert_non_null(strstr(out, "# TYPE hsb_records_published_total "
				    "counter\n"));
	assert_non_null(strstr(
		out, "hsb_records_published_total{type=\"nat_resync\"} 0\n"));
	/* no datapath, no engines: none of their families */
	assert_null(strstr(out, "hsb_datapath_"));
	assert_null(strstr(out, "hsb_vrrp_"));
	assert_null(strstr(out, "hsb_hrp_"));
	free(out);
	assert_string_equal(hsb_met_not_ready(&f->m), "datapath not loaded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sessions_from_passes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_and_readiness, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("metrics_collect", tests, NULL,
					   NULL);
}
