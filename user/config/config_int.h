/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the configuration parser, shared by its .c files only. */
#ifndef HSB_CONFIG_INT_H
#define HSB_CONFIG_INT_H

#include "config.h"

#define HCFG_MAX_LINE 4096
#define HCFG_MAX_TOKENS 128

struct hcfg_tok {
	const char *s; /* unescaped, NUL-terminated */
	unsigned int col; /* 1-based; the opening quote for quoted tokens */
	unsigned int end; /* 1-based column just past the token */
	bool quoted;
};

struct hcfg_line {
	struct hcfg_tok tok[HCFG_MAX_TOKENS];
	unsigned int n;
	char buf[HCFG_MAX_LINE + 1]; /* token text, NUL separated */
};

/* One command being applied. Handlers read tokens from pos on and must not
 * change cfg before everything is parsed and validated. */
struct hcfg_parse {
	struct hsb_config *cfg;
	struct hcfg_line *line;
	unsigned int pos;
	bool undo;
	const char *file;
	unsigned int lineno;
	struct hsb_cfg_error *err;
};

/* lexer.c */
int hcfg_lex(struct hcfg_parse *p, const char *s, size_t len);

/* grammar.c */
int hcfg_apply_buf(struct hsb_config *cfg, const char *buf, size_t len,
		   enum hsb_cfg_accept accept, const char *file,
		   struct hsb_cfg_error *err);

/* values.c: errors */
int hcfg_error_set(struct hsb_cfg_error *err, const char *file, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));
int hcfg_err_col(struct hcfg_parse *p, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int hcfg_err(struct hcfg_parse *p, const struct hcfg_tok *t, const char *fmt,
	     ...) __attribute__((format(printf, 3, 4)));
const char *hcfg_suggest(const char *word, const char *const *cands);

/* values.c: tokens and typed values; each consumes one token (or a fixed
 * group) and returns 0, or -1 with the error filled in. */
const struct hcfg_tok *hcfg_peek(struct hcfg_parse *p);
const struct hcfg_tok *hcfg_next(struct hcfg_parse *p);
const struct hcfg_tok *hcfg_prev(struct hcfg_parse *p);
bool hcfg_peek_is(struct hcfg_parse *p, const char *word);
int hcfg_end(struct hcfg_parse *p);
int hcfg_word(struct hcfg_parse *p, const char *word);
int hcfg_keyword(struct hcfg_parse *p, const char *label,
		 const char *const *words, int *idx);
int hcfg_clause(struct hcfg_parse *p, const char *const *clauses,
		unsigned int *seen, int *idx);
int hcfg_name(struct hcfg_parse *p, const char *label, char *out);
int hcfg_sysname(struct hcfg_parse *p, char *out);
int hcfg_ifname(struct hcfg_parse *p, const char *label, char *out);
int hcfg_uint(struct hcfg_parse *p, const char *label, uint32_t min,
	      uint32_t max, uint32_t *out);
int hcfg_port(struct hcfg_parse *p, const char *label, uint16_t *out);
int hcfg_port_range(struct hcfg_parse *p, const char *label, uint16_t *lo,
		    uint16_t *hi);
int hcfg_addr(struct hcfg_parse *p, const char *label, int family,
	      struct hsb_cfg_addr *out);
int hcfg_prefix(struct hcfg_parse *p, const char *label, int family,
		struct hsb_cfg_prefix *out);
int hcfg_vip(struct hcfg_parse *p, const char *label,
	     struct hsb_cfg_prefix *out);
int hcfg_string(struct hcfg_parse *p, const char *label, size_t min, size_t max,
		char *out);
int hcfg_protocol(struct hcfg_parse *p, int *out);

bool hcfg_is_uint(const struct hcfg_tok *t);
bool hcfg_addr_parse(const char *s, int family, struct hsb_cfg_addr *out);
bool hcfg_addr_eq(const struct hsb_cfg_addr *a, const struct hsb_cfg_addr *b);
bool hcfg_prefix_eq(const struct hsb_cfg_prefix *a,
		    const struct hsb_cfg_prefix *b);
const char *hcfg_fmt_addr(const struct hsb_cfg_addr *a, char *buf);
const char *hcfg_fmt_prefix(const struct hsb_cfg_prefix *p, char *buf);
#define HCFG_ADDRSTRLEN 52 /* INET6_ADDRSTRLEN + "/128" */

/* model.c */
extern const uint32_t hcfg_def_timeout[HSB_TMO_COUNT];
extern const char *const hcfg_tmo_names[];
bool hcfg_is_builtin_zone(const char *name);
int hcfg_need_zone(struct hcfg_parse *p, const struct hcfg_tok *t,
		   const char *zone);
int hcfg_find_iface(const struct hsb_config *cfg, const char *name);
/* Whether an IPv4 VRRP instance other than cfg->vrrp[except] (-1: none
 * excepted) has this VRID (nat address-group ... vrrp vrid N). */
bool hcfg_vrid_has_ipv4(const struct hsb_config *cfg, uint32_t vrid,
			int except);
int hcfg_find_zone(const struct hsb_config *cfg, const char *name);
int hcfg_find_sec_rule(const struct hsb_config *cfg, const char *name);
int hcfg_find_nat_rule(const struct hsb_config *cfg, const char *name);
int hcfg_find_nat_group(const struct hsb_config *cfg, const char *name);
int hcfg_find_nat_server(const struct hsb_config *cfg, const char *name);
int hcfg_find_vgmp(const struct hsb_config *cfg, const char *name);
int hcfg_find_vrrp(const struct hsb_config *cfg, uint32_t vrid,
		   const char *ifname);
void hcfg_arr_remove(void *base, size_t size, unsigned int *n,
		     unsigned int idx);
void hcfg_arr_move(void *base, size_t size, unsigned int from, unsigned int to);
void hcfg_vgmp_defaults(struct hsb_cfg_vgmp *g);
void hcfg_vrrp_defaults(struct hsb_cfg_vrrp *v);

/* Command handlers (cmd_*.c). */
int hcfg_cmd_sysname(struct hcfg_parse *p);
int hcfg_cmd_log_level(struct hcfg_parse *p);
int hcfg_cmd_interface(struct hcfg_parse *p);
int hcfg_cmd_zone(struct hcfg_parse *p);
int hcfg_cmd_table_size(struct hcfg_parse *p);
int hcfg_cmd_timeout(struct hcfg_parse *p);
int hcfg_cmd_blacklist(struct hcfg_parse *p);
int hcfg_cmd_whitelist(struct hcfg_parse *p);
int hcfg_cmd_sec_rule(struct hcfg_parse *p);
int hcfg_cmd_metrics(struct hcfg_parse *p);
int hcfg_cmd_nat_group(struct hcfg_parse *p);
int hcfg_cmd_nat_partition(struct hcfg_parse *p);
int hcfg_cmd_nat_rule(struct hcfg_parse *p);
int hcfg_cmd_nat_server(struct hcfg_parse *p);
int hcfg_cmd_hrp_enable(struct hcfg_parse *p);
int hcfg_cmd_hrp_interface(struct hcfg_parse *p);
int hcfg_cmd_hrp_key(struct hcfg_parse *p);
int hcfg_cmd_hrp_mirror(struct hcfg_parse *p);
int hcfg_cmd_hrp_auto_sync(struct hcfg_parse *p);
int hcfg_cmd_hrp_standby(struct hcfg_parse *p);
int hcfg_cmd_vgmp(struct hcfg_parse *p);
int hcfg_cmd_vrrp(struct hcfg_parse *p);

/* Shared by security and NAT rules (cmd_policy.c). Both clause lists
 * start with these, in this order. */
enum {
	HCFG_M_FROM,
	HCFG_M_TO,
	HCFG_M_SOURCE,
	HCFG_M_DESTINATION,
	HCFG_M_PROTOCOL,
	HCFG_M_DPORT, /* first clause that is not shared */
};
int hcfg_match_clause(struct hcfg_parse *p, int clause, struct hsb_cfg_match *m,
		      int family);
int hcfg_match_check(struct hcfg_parse *p, const struct hsb_cfg_match *m,
		     const struct hcfg_tok *const *at, int family);
int hcfg_rule_remove(struct hcfg_parse *p, void *base, size_t size,
		     unsigned int *n, int idx, const struct hcfg_tok *name,
		     const char *kind);
int hcfg_rule_move(struct hcfg_parse *p, void *base, size_t size, int idx,
		   const struct hcfg_tok *name, const char *kind,
		   int (*find)(const struct hsb_config *, const char *));

#endif /* HSB_CONFIG_INT_H */
