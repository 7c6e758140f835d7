// SPDX-License-Identifier: GPL-2.0-only
/* HRP commands: the heartbeat/backup link and what it backs up. */
#include <string.h>

#include "config_int.h"

/* "hrp ... enable" style switches: the command sets, undo clears. */
static int flag_cmd(struct hcfg_parse *p, bool *flag)
{
	if (hcfg_end(p))
		return -1;
	*flag = !p->undo;
	return 0;
}

int hcfg_cmd_hrp_enable(struct hcfg_parse *p)
{
	return flag_cmd(p, &p->cfg->hrp.enable);
}

int hcfg_cmd_hrp_mirror(struct hcfg_parse *p)
{
	return flag_cmd(p, &p->cfg->hrp.mirror_session);
}

int hcfg_cmd_hrp_standby(struct hcfg_parse *p)
{
	return flag_cmd(p, &p->cfg->hrp.standby_config);
}

int hcfg_cmd_hrp_auto_sync(struct hcfg_parse *p)
{
	static const char *const what[] = { "config", "state", NULL };
	struct hsb_cfg_hrp *hrp = &p->cfg->hrp;
	int idx;

	if (hcfg_keyword(p, "auto-sync", what, &idx))
		return -1;
	return flag_cmd(p,
			idx ? &hrp->auto_sync_state : &hrp->auto_sync_config);
}

/*
 * The key is parsed here rather than with hcfg_string()/hcfg_end(): their
 * errors quote the token, and a key one character too long, or a key
 * with a space left unquoted, is still (most of) the real key. Errors
 * ending up in logs, hsbctl output and the journal must not carry it.
 */
int hcfg_cmd_hrp_key(struct hcfg_parse *p)
{
	const size_t max = HSB_CFG_KEY_SIZE - 1;
	char key[HSB_CFG_KEY_SIZE] = "";
	const struct hcfg_tok *t;
	size_t n;

	if (!p->undo) {
		t = hcfg_next(p);
		n = t ? strlen(t->s) : 0;
		if (!t)
			return hcfg_err(
				p, t,
				"authentication-key: expected a quoted string of 8..%zu characters",
				max);
		if (n < 8 || n > max)
			return hcfg_err(
				p, t,
				"authentication-key: expected a quoted string of 8..%zu characters, got %zu characters (the key is not shown)",
				max, n);
		strcpy(key, t->s);
	}
	t = hcfg_peek(p);
	if (t && p->undo)
		return hcfg_err(
			p, t,
			"undo hrp authentication-key takes no key (what follows is not shown)");
	if (t)
		return hcfg_err(
			p, t,
			"authentication-key: more than one word; quote a key that has spaces (the rest is not shown)");
	strcpy(p->cfg->hrp.auth_key, key);
	return 0;
}

static void clear_link(struct hsb_cfg_hrp *hrp)
{
	hrp->has_link = false;
	memset(hrp->ifname, 0, sizeof(hrp->ifname));
	memset(&hrp->remote, 0, sizeof(hrp->remote));
	memset(&hrp->local, 0, sizeof(hrp->local));
	hrp->port = HSB_CFG_DEF_HRP_PORT;
}

/* "undo hrp interface [IFNAME]" */
static int link_undo(struct hcfg_parse *p)
{
	struct hsb_cfg_hrp *hrp = &p->cfg->hrp;
	const struct hcfg_tok *t = hcfg_peek(p);
	char ifname[HSB_CFG_IFNAME_SIZE];

	if (t && hcfg_ifname(p, "interface", ifname))
		return -1;
	if (hcfg_end(p))
		return -1;
	if (!hrp->has_link || (t && strcmp(ifname, hrp->ifname)))
		return hcfg_err(p, t, "no such hrp interface%s%s%s",
				t ? " '" : "", t ? t->s : "", t ? "'" : "");
	clear_link(hrp);
	return 0;
}

enum { H_REMOTE, H_LOCAL, H_PORT };
static const char *const link_clauses[] = { "remote", "local", "port", NULL };

/* There is one heartbeat link; giving it again replaces it whole. */
int hcfg_cmd_hrp_interface(struct hcfg_parse *p)
{
	const struct hcfg_tok *at[H_PORT + 1] = { 0 };
	struct hsb_cfg_hrp hrp = p->cfg->hrp;
	unsigned int seen = 0;
	int c, rc;

	if (p->undo)
		return link_undo(p);
	clear_link(&hrp);
	if (hcfg_ifname(p, "interface", hrp.ifname))
		return -1;
	while ((rc = hcfg_clause(p, link_clauses, &seen, &c)) == 0) {
		at[c] = hcfg_prev(p);
		if (c == H_REMOTE)
			rc = hcfg_addr(p, "remote", AF_UNSPEC, &hrp.remote);
		else if (c == H_LOCAL)
			rc = hcfg_addr(p, "local", AF_UNSPEC, &hrp.local);
		else
			rc = hcfg_port(p, "port", &hrp.port);
		if (rc)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (!at[H_REMOTE])
		return hcfg_err(p, NULL, "missing 'remote ADDR'");
	if (at[H_LOCAL] && hrp.local.family != hrp.remote.family)
		return hcfg_err(
			p, at[H_LOCAL],
			"local and remote must be of the same address family");
	if (hcfg_addr_eq(&hrp.local, &hrp.remote))
		return hcfg_err(p, at[H_LOCAL],
				"local and remote must be different addresses");
	hrp.has_link = true;
	p->cfg->hrp = hrp;
	return 0;
}
