// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CXL command policy: which command may run through fwctl at which
 * scope, decided from the device's own Command Effects Log. Pure functions
 * of their inputs, shared by the switch CCI and memory device drivers.
 *
 *  not in the CEL                                refused, EOPNOTSUPP
 *  no effects                                    CONFIGURATION
 *  background operation only                     DEBUG_READ_ONLY
 *  config change after a reset only              DEBUG_WRITE
 *  immediate config, policy or log change        DEBUG_WRITE_FULL
 *  immediate data or security state change       refused; DEBUG_WRITE_FULL
 *                                                with the BMC option
 *  vendor opcode (0xc000-0xffff)                 DEBUG_WRITE_FULL
 *  reserved effect bits set                      refused
 *  kernel-owned on this device                   refused, EBUSY
 *  Get Supported Features, Get Feature           CONFIGURATION
 *  Set Feature                                   by the named feature: not
 *                                                listed or not changeable:
 *                                                refused; immediate config,
 *                                                data, policy or log change:
 *                                                DEBUG_WRITE_FULL; otherwise
 *                                                DEBUG_WRITE
 *  tunnel                                        the tunnelled command,
 *                                                judged against the CEL of
 *                                                the component behind it
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/unaligned.h>

#include "cxl_fwctl.h"

static int cel_cmp(const void *a, const void *b)
{
	const u16 *x = a, *y = b;

	return (int)*x - (int)*y;
}

/**
 * cxl_cel_parse() - parse a Command Effects Log
 * @log: the log as the device returned it: {le16 opcode, le16 effects}...
 * @len: its length in bytes
 * @celp: the parsed log, kvfree() it
 *
 * Entries are sorted by opcode; an opcode listed twice keeps the union of
 * its effects, so the stricter reading wins.
 *
 * Return: 0, -EINVAL for a length that is not whole entries, -E2BIG for
 * more entries than there are opcodes, -ENOMEM.
 */
int cxl_cel_parse(const void *log, size_t len, struct cxl_cel **celp)
{
	const u8 *raw = log;
	struct cxl_cel *cel;
	size_t n = len / 4, i, out = 0;

	if (len % 4)
		return -EINVAL;
	if (n > CXL_CEL_MAX_ENTRIES)
		return -E2BIG;
	cel = kvzalloc(struct_size(cel, ent, n), GFP_KERNEL);
	if (!cel)
		return -ENOMEM;
	cel->count = n;
	for (i = 0; i < n; i++) {
		cel->ent[i].opcode = get_unaligned_le16(raw + 4 * i);
		cel->ent[i].effects = get_unaligned_le16(raw + 4 * i + 2);
	}
	sort(cel->ent, n, sizeof(cel->ent[0]), cel_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (out && cel->ent[out - 1].opcode == cel->ent[i].opcode) {
			cel->ent[out - 1].effects |= cel->ent[i].effects;
			cel->duplicates++;
			continue;
		}
		cel->ent[out++] = cel->ent[i];
	}
	cel->count = out;
	*celp = cel;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_cel_parse, CXL_FWCTL);

/**
 * cxl_cel_effects() - look an opcode up in a CEL
 * @cel: the log
 * @opcode: the opcode
 *
 * Return: a pointer to its effects, or NULL when the device does not list it.
 */
const u16 *cxl_cel_effects(const struct cxl_cel *cel, u16 opcode)
{
	unsigned int lo = 0, hi = cel->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (cel->ent[mid].opcode == opcode)
			return &cel->ent[mid].effects;
		if (cel->ent[mid].opcode < opcode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(cxl_cel_effects, CXL_FWCTL);

static bool op_in(const u16 *set, unsigned int n, u16 opcode)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set[i] == opcode)
			return true;
	return false;
}

/* The scope one command needs from its own effects. */
static int effects_scope(const struct cxl_fwctl_policy *pol, u16 opcode,
			 u16 effects, enum fwctl_rpc_scope *needed, u32 *flags)
{
	if (effects & CXL_CEL_BACKGROUND)
		*flags |= FWCTL_COMMAND_BACKGROUND;
	if (effects & CXL_CEL_RESERVED)
		return -EOPNOTSUPP;
	/* A vendor command's self-reported effects are not trusted. */
	if (opcode >= CXL_OP_VENDOR_FIRST) {
		*needed = FWCTL_RPC_DEBUG_WRITE_FULL;
		return 0;
	}
	if (effects & (CXL_CEL_DATA_IMM | CXL_CEL_SECURITY)) {
		if (!pol->allow_data_writes)
			return -EOPNOTSUPP;
		*needed = FWCTL_RPC_DEBUG_WRITE_FULL;
	} else if (effects & (CXL_CEL_CFG_IMM | CXL_CEL_POLICY_IMM |
			      CXL_CEL_LOG_IMM)) {
		*needed = FWCTL_RPC_DEBUG_WRITE_FULL;
	} else if (effects & (CXL_CEL_CFG_RESET | CXL_CEL_CFG_CONV_RESET |
			      CXL_CEL_CFG_CXL_RESET)) {
		*needed = FWCTL_RPC_DEBUG_WRITE;
	} else if (effects & CXL_CEL_BACKGROUND) {
		*needed = FWCTL_RPC_DEBUG_READ_ONLY;
	} else {
		*needed = FWCTL_RPC_CONFIGURATION;
	}
	return 0;
}

/* Set Feature: judged by the feature it names, as mainline does. */
static int judge_set_feature(const struct cxl_fwctl_policy *pol, const u8 *p,
			     size_t len, struct cxl_fwctl_verdict *v)
{
	const struct cxl_feature *f = NULL;
	unsigned int i;

	if (len < CXL_SET_FEATURE_HDR)
		return -EINVAL;
	for (i = 0; i < pol->nr_feats; i++) {
		if (!memcmp(pol->feats[i].uuid, p, sizeof(f->uuid))) {
			f = &pol->feats[i];
			break;
		}
	}
	if (!f || !(f->flags & CXL_FEATURE_CHANGEABLE) ||
	    (f->set_effects & CXL_CEL_RESERVED))
		return -EOPNOTSUPP;
	v->effects = f->set_effects;
	if (f->kernel_owned) {
		v->flags |= FWCTL_COMMAND_KERNEL_OWNED;
		return -EBUSY;
	}
	if (f->set_effects & (CXL_CEL_CFG_IMM | CXL_CEL_DATA_IMM |
			      CXL_CEL_POLICY_IMM | CXL_CEL_LOG_IMM))
		v->needed = max(v->needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	else
		v->needed = max(v->needed, FWCTL_RPC_DEBUG_WRITE);
	return 0;
}

static int judge(const struct cxl_fwctl_policy *pol, const struct cxl_cel *cel,
		 u16 opcode, const u8 *p, size_t len,
		 struct cxl_fwctl_verdict *v, u8 *path, unsigned int depth)
{
	enum fwctl_rpc_scope needed = FWCTL_RPC_CONFIGURATION;
	const struct cxl_cel *target;
	u32 size, plen;
	const u16 *eff;
	u16 inner;
	int ret;

	v->opcode = opcode;
	v->depth = depth;
	v->effects = 0;
	if (!depth) {
		if (op_in(pol->kernel_owned, pol->nr_kernel_owned, opcode)) {
			v->flags |= FWCTL_COMMAND_KERNEL_OWNED;
			return -EBUSY;
		}
		if (op_in(pol->quirk_refused, pol->nr_quirk_refused, opcode))
			return -EOPNOTSUPP;
	}

	if (!cel) {
		/* Behind a tunnel whose target's CEL could not be read. */
		if (opcode == CXL_OP_IDENTIFY ||
		    opcode == CXL_OP_GET_SUPPORTED_LOGS ||
		    opcode == CXL_OP_GET_LOG)
			return 0;
		return -EOPNOTSUPP;
	}
	eff = cxl_cel_effects(cel, opcode);
	if (!eff)
		return -EOPNOTSUPP;
	v->effects = *eff;
	if (!depth && pol->features) {
		switch (opcode) {
		case CXL_OP_GET_SUPPORTED_FEATURES:
		case CXL_OP_GET_FEATURE:
			return 0;
		case CXL_OP_SET_FEATURE:
			return judge_set_feature(pol, p, len, v);
		}
	}
	ret = effects_scope(pol, opcode, *eff, &needed, &v->flags);
	if (ret)
		return ret;
	v->needed = max(v->needed, needed);
	if (opcode != CXL_OP_TUNNEL)
		return 0;

	/* Judge what the tunnel carries against its target's CEL. */
	if (depth >= CXL_TUNNEL_MAX_DEPTH)
		return -EOPNOTSUPP;
	if (len < CXL_TUNNEL_HDR + CXL_CCI_MSG_HDR)
		return -EINVAL;
	size = get_unaligned_le16(p + 2);
	if (p[1] != 0 || size != len - CXL_TUNNEL_HDR)
		return -EINVAL;
	p += CXL_TUNNEL_HDR;
	/* A request (category 0) whose length field matches what follows. */
	inner = p[3] | p[4] << 8;
	plen = get_unaligned_le32(p + 4) >> 8;
	if ((p[0] & 0xf) != 0 || plen != size - CXL_CCI_MSG_HDR)
		return -EINVAL;
	path[depth] = p[-CXL_TUNNEL_HDR];
	target = pol->tunnel_cel ? pol->tunnel_cel(pol->priv, path, depth + 1) :
				   NULL;
	return judge(pol, target, inner, p + CXL_CCI_MSG_HDR, plen, v, path,
		     depth + 1);
}

/**
 * cxl_fwctl_judge() - decide whether and at which scope a command may run
 * @pol: the device's policy inputs
 * @opcode: the command
 * @payload: its input payload (read for tunnels)
 * @len: bytes of @payload
 * @v: the verdict: the scope it needs and qualifiers
 *
 * Return: 0 when the command may run at @v->needed or above; -EOPNOTSUPP
 * when it never runs through fwctl on this device; -EBUSY when the kernel
 * owns it; -EINVAL for a malformed tunnel.
 */
int cxl_fwctl_judge(const struct cxl_fwctl_policy *pol, u16 opcode,
		    const void *payload, size_t len,
		    struct cxl_fwctl_verdict *v)
{
	u8 path[CXL_TUNNEL_MAX_DEPTH];

	*v = (struct cxl_fwctl_verdict){ .needed = FWCTL_RPC_CONFIGURATION };
	if (!pol->cel)
		return -EOPNOTSUPP;
	return judge(pol, pol->cel, opcode, payload, len, v, path, 0);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_judge, CXL_FWCTL);

/*
 * A feature command in the commands list: Set Feature is listed with the
 * lowest scope any of the device's features allows, refused when none may
 * be set; each request is judged by the feature it names.
 */
static void feature_cmd_scope(const struct cxl_fwctl_policy *pol, u16 op,
			      enum fwctl_rpc_scope *needed, u32 *flags)
{
	struct cxl_fwctl_verdict v;
	u8 hdr[CXL_SET_FEATURE_HDR] = {};
	bool any = false;
	unsigned int i;

	if (op != CXL_OP_SET_FEATURE)
		return;
	for (i = 0; i < pol->nr_feats; i++) {
		v = (struct cxl_fwctl_verdict){ .needed = FWCTL_RPC_CONFIGURATION };
		memcpy(hdr, pol->feats[i].uuid, sizeof(pol->feats[i].uuid));
		if (judge_set_feature(pol, hdr, sizeof(hdr), &v))
			continue;
		*needed = any ? min(*needed, v.needed) : v.needed;
		any = true;
	}
	if (!any)
		*flags |= FWCTL_COMMAND_REFUSED;
}

/**
 * cxl_fwctl_commands() - every command of the device and the scope it needs
 * @pol: the device's policy inputs
 * @locked_down: the kernel refuses DEBUG_WRITE_FULL now
 * @count: entries returned
 *
 * The answer to FWCTL_INFO_FLAG_COMMANDS: each CEL entry judged by its own
 * effects (a tunnel's by the tunnel's; what it carries is judged per
 * request), then the kernel-owned commands the CEL does not list.
 *
 * Return: a kvmalloc()ed array, or an ERR_PTR.
 */
struct fwctl_command_info *cxl_fwctl_commands(const struct cxl_fwctl_policy *pol,
					      bool locked_down, size_t *count)
{
	unsigned int n = pol->cel ? pol->cel->count : 0, i, k = 0;
	struct fwctl_command_info *cmds;

	cmds = kvcalloc(n + pol->nr_kernel_owned, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		struct fwctl_command_info *c = &cmds[k++];
		u16 op = pol->cel->ent[i].opcode;
		enum fwctl_rpc_scope needed = FWCTL_RPC_CONFIGURATION;

		c->id = op;
		if (op_in(pol->kernel_owned, pol->nr_kernel_owned, op))
			c->flags |= FWCTL_COMMAND_KERNEL_OWNED |
				    FWCTL_COMMAND_REFUSED;
		else if (op_in(pol->quirk_refused, pol->nr_quirk_refused, op))
			c->flags |= FWCTL_COMMAND_REFUSED;
		else if (pol->features && op >= CXL_OP_GET_SUPPORTED_FEATURES &&
			 op <= CXL_OP_SET_FEATURE)
			feature_cmd_scope(pol, op, &needed, &c->flags);
		else if (effects_scope(pol, op, pol->cel->ent[i].effects,
				       &needed, &c->flags))
			c->flags |= FWCTL_COMMAND_REFUSED;
		c->scope = needed;
		if (needed == FWCTL_RPC_DEBUG_WRITE_FULL && locked_down)
			c->flags |= FWCTL_COMMAND_LOCKDOWN;
	}
	for (i = 0; i < pol->nr_kernel_owned; i++) {
		if (pol->cel && cxl_cel_effects(pol->cel, pol->kernel_owned[i]))
			continue;
		cmds[k].id = pol->kernel_owned[i];
		cmds[k++].flags = FWCTL_COMMAND_KERNEL_OWNED |
				  FWCTL_COMMAND_REFUSED;
	}
	*count = k;
	return cmds;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_commands, CXL_FWCTL);

struct cxl_tunnel_target {
	struct list_head entry;
	u8 path[CXL_TUNNEL_MAX_DEPTH];
	unsigned int depth;
	u8 port_key[3];
	struct cxl_cel *cel;
};

/**
 * cxl_tunnel_cache_init() - set up an empty tunnel target cache
 * @tc: the cache
 * @port_key: how to learn the state of a first-level port
 * @read_cel: how to read the CEL of a tunnel target
 * @priv: argument of the callbacks
 */
void cxl_tunnel_cache_init(struct cxl_tunnel_cache *tc,
			   int (*port_key)(void *priv, u8 port, u8 key[3]),
			   int (*read_cel)(void *priv, const u8 *path,
					   unsigned int depth,
					   struct cxl_cel **celp),
			   void *priv)
{
	mutex_init(&tc->lock);
	INIT_LIST_HEAD(&tc->targets);
	tc->nr = 0;
	tc->port_key = port_key;
	tc->read_cel = read_cel;
	tc->priv = priv;
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_init, CXL_FWCTL);

static void tunnel_cache_clear(struct cxl_tunnel_cache *tc)
{
	struct cxl_tunnel_target *t, *tmp;

	list_for_each_entry_safe(t, tmp, &tc->targets, entry) {
		list_del(&t->entry);
		kvfree(t->cel);
		kfree(t);
	}
	tc->nr = 0;
}

/**
 * cxl_tunnel_cache_destroy() - free every cached CEL
 * @tc: the cache
 */
void cxl_tunnel_cache_destroy(struct cxl_tunnel_cache *tc)
{
	tunnel_cache_clear(tc);
	mutex_destroy(&tc->lock);
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_destroy, CXL_FWCTL);

/**
 * cxl_tunnel_cache_get() - the CEL of the component behind a tunnel path
 * @tc: the cache, its lock held
 * @path: port or LD ID of each level
 * @depth: levels in @path
 *
 * Reads the state of the first port every time; the CEL is read through
 * the tunnel the first time and again whenever that state changed (another
 * device, or a link that went down and up). An unreadable CEL is remembered
 * as such until the port's state changes. The cache holds at most
 * %CXL_TUNNEL_CACHE_MAX targets and starts over when full.
 *
 * Return: the CEL, valid while the lock is held, or NULL.
 */
const struct cxl_cel *cxl_tunnel_cache_get(struct cxl_tunnel_cache *tc,
					   const u8 *path, unsigned int depth)
{
	struct cxl_tunnel_target *t;
	u8 key[3];

	lockdep_assert_held(&tc->lock);
	if (!depth || depth > CXL_TUNNEL_MAX_DEPTH ||
	    tc->port_key(tc->priv, path[0], key))
		return NULL;

	list_for_each_entry(t, &tc->targets, entry) {
		if (t->depth != depth || memcmp(t->path, path, depth))
			continue;
		if (!memcmp(t->port_key, key, sizeof(key)))
			return t->cel;
		kvfree(t->cel);
		t->cel = NULL;
		goto read;
	}
	if (tc->nr >= CXL_TUNNEL_CACHE_MAX)
		tunnel_cache_clear(tc);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	memcpy(t->path, path, depth);
	t->depth = depth;
	list_add(&t->entry, &tc->targets);
	tc->nr++;
read:
	memcpy(t->port_key, key, sizeof(key));
	if (tc->read_cel(tc->priv, path, depth, &t->cel))
		t->cel = NULL;
	return t->cel;
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_get, CXL_FWCTL);

MODULE_DESCRIPTION("CXL fwctl command policy and mailbox RPC");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(PCI_MMPT);
