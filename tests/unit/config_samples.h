/* SPDX-License-Identifier: GPL-2.0-only */
/* Configurations shared by the configuration tests. */
#ifndef HSB_TEST_CONFIG_SAMPLES_H
#define HSB_TEST_CONFIG_SAMPLES_H

/* Every command of the language, with most clauses. */
static const char hsb_test_rich_config[] =
	"sysname fw-a.dc1\n"
	"log level debug\n"
	"firewall zone dmz2\n"
	"firewall zone mgmt\n"
	"firewall zone trust\n"
	"interface eth0 zone trust xdp-mode native\n"
	"interface eth1 zone untrust\n"
	"interface eth2 zone dmz2 xdp-mode generic\n"
	"interface eth3\n"
	"interface veth-x.1 zone mgmt\n"
	"firewall session table-size 4194304\n"
	"firewall session timeout tcp-syn 10\n"
	"firewall session timeout tcp-established 7200\n"
	"firewall session timeout tcp-fin 60\n"
	"firewall session timeout tcp-time-wait 30\n"
	"firewall session timeout tcp-close 5\n"
	"firewall session timeout udp 90\n"
	"firewall session timeout icmp 15\n"
	"firewall blacklist 192.0.2.0/24 expire 600\n"
	"firewall blacklist 198.51.100.7\n"
	"firewall blacklist 2001:db8:bad::/48\n"
	"firewall whitelist 203.0.113.0/28\n"
	"firewall whitelist 2001:db8::42\n"
	"security-policy rule web from untrust to dmz2 destination 10.0.2.0/24 protocol tcp destination-port 80-443 action permit\n"
	"security-policy rule dns action permit protocol udp destination-port 53 from trust to untrust\n"
	"security-policy rule ping6 from trust to untrust source 2001:db8:1::/48 destination ::/0 protocol icmpv6 action permit\n"
	"security-policy rule ping from trust to untrust source 0.0.0.0/0 protocol icmp action permit\n"
	"security-policy rule gre from trust to untrust protocol 47 action permit\n"
	"security-policy rule ssh from mgmt to local protocol tcp destination-port 22 action permit\n"
	"security-policy rule deny-all from untrust to trust action deny\n"
	"security-policy rule ssh move before web\n"
	"nat address-group pool1 mode pat port-range 2048 60000\n"
	"nat address-group pool1 section 203.0.113.16 203.0.113.20\n"
	"nat address-group pool1 section 203.0.113.30\n"
	"nat address-group pool2 section 203.0.113.40 203.0.113.47 mode no-pat\n"
	"nat address-group empty\n"
	"nat port-partition upper\n"
	"nat policy rule out from trust to untrust source 10.0.0.0/8 protocol any action source-nat address-group pool1\n"
	"nat policy rule dmz-out from dmz2 to untrust source 10.0.2.0/24 destination 198.51.100.0/24 protocol udp action source-nat address-group pool2\n"
	"nat policy rule keep from trust to dmz2 action no-nat\n"
	"nat policy rule keep move before out\n"
	"nat server www protocol tcp global 203.0.113.100 80 inside 10.0.2.10 8080 zone untrust\n"
	"nat server dns protocol udp global 203.0.113.100 53 inside 10.0.2.11 53\n"
	"nat server all protocol any global 203.0.113.101 inside 10.0.2.12\n"
	"hrp interface eth3 remote 10.255.0.2 local 10.255.0.1 port 20000\n"
	"hrp authentication-key \"k3y with \\\"quotes\\\", \\\\ and # hash\"\n"
	"hrp mirror session enable\n"
	"undo hrp auto-sync config\n"
	"undo hrp auto-sync state\n"
	"hrp standby-config enable\n"
	"hrp enable\n"
	"vgmp group vg1 priority 120 preempt delay 30 hello-interval 500 dead-count 4\n"
	"vgmp group vg2 mode load-balance preempt\n"
	"vgmp group vg3\n"
	"vgmp group vg1 track interface eth0 reduce 20\n"
	"vgmp group vg1 track interface eth9\n"
	"vgmp group vg1 track ip 10.0.0.254 interface eth0 interval 200 reduce 50\n"
	"vgmp group vg2 track ip 2001:db8::fe\n"
	"vrrp vrid 1 interface eth1 virtual-ip 192.0.2.1 192.0.2.2/24 priority 120 advert-interval 50 preempt delay 300 accept\n"
	"vrrp vrid 1 interface eth1 unicast-peer 192.0.2.250 192.0.2.251 garp count 3 interval 100 refresh 60 vmac vgmp-group vg1 notify \"/usr/local/bin/vrrp-notify \\\"eth1\\\" # 1\"\n"
	"vrrp vrid 2 interface eth0 virtual-ip 10.0.0.1 version 2 advert-interval 200 no-preempt priority 255\n"
	"vrrp vrid 3 interface eth0 virtual-ip fe80::1 2001:db8::1/64 unicast-peer fe80::2 garp count 1 interval 10 vgmp-group vg2\n"
	"vrrp vrid 255 interface eth2 virtual-ip 10.0.2.1\n"
	"nat address-group pool2 vrrp vrid 255\n"
	"metrics listen 2001:db8::10 9100\n";

/* A configuration from text every command of which must be accepted
 * (cmocka tests). */
static inline struct hsb_config *parse_or_fail(const char *text)
{
	struct hsb_config *cfg = hsb_config_new();
	struct hsb_cfg_error err;
	char msg[512];

	assert_non_null(cfg);
	if (hsb_config_apply_text(cfg, text, HSB_CFG_ALL_KNOWN, "text", &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	return cfg;
}

#endif /* HSB_TEST_CONFIG_SAMPLES_H */
