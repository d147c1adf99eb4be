// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mock CXL switch CCIs for the fwctl selftests: TEST ONLY, never in a
 * production kernel (any root process can make a mailbox answer anything).
 *
 * Each mock switch is a mailbox register window in memory (the layout of
 * include/linux/pci-mmpt.h) on a platform device bound to the real switch
 * core through devm_cxl_switch_add(): the real policy, RPC path and fwctl
 * device, and whatever else that core creates. A kernel thread plays the
 * device: it watches the doorbell, runs the command against a model of the
 * switch and the components behind its ports (configured from userspace
 * through /dev/cxl_switch_mock, see mock.h), writes the reply and raises
 * the mailbox interrupt through an irq_sim domain when the driver enabled
 * it. It records which component executed which opcode, so a test can
 * show a refused request never reached the device.
 */
#include <linux/bitfield.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/fwctl-compat.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/irqdomain.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/xarray.h>

#include "mock.h"
#include "switch.h"

#define MOCK_NAME		"cxl_switch_mock"
#define MOCK_DEFAULT_SHIFT	11
/* The reply length field of the command register is 21 bits wide. */
#define MOCK_LEN_MAX		GENMASK(20, 0)
/* Get Physical Port State: the configuration state of an upstream port. */
#define MOCK_PORT_USP		4

/* Return codes the model gives itself. */
#define RC_OK			0x00
#define RC_BG			0x01
#define RC_INVALID		0x02
#define RC_UNSUPPORTED		0x03
#define RC_INTERNAL		0x04
#define RC_BUSY			0x06
#define RC_ABORTED		0x12
#define RC_BAD_LEN		0x16
#define RC_BAD_LOG		0x17

#define GET_LOG_IN		0x18
#define LOGS_HDR		8
#define LOG_ENTRY		0x14
#define TUNNEL_HDR		4
#define MSG_HDR			12

static const u8 mock_cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

struct mock_cmd {
	struct list_head node;	/* in mock_comp.cmds, sorted by opcode */
	u16 opcode;
	u16 effects;
	u16 cel_dups;
	u16 dup_effects;
	u16 rc;
	u16 bg_rc;
	u16 bg_opcode;
	u32 flags;
	u32 reply_len;
	u32 reply_size;
	u32 delay_ms;
	u32 bg_ms;
	u8 *reply;
};

struct mock_comp;

struct mock_port {
	u8 id;
	u8 state;
	u8 connected;
	u8 ltssm;
	u8 max_width;
	u8 width;
	u8 max_speed;
	u8 speed;
	u8 ld_count;
	bool in_use;
	bool host;
	struct mock_comp *child;
};

struct mock_vcs {
	bool used;
	u8 id;
	u8 state;
	u8 usp;
	u8 nr;
	struct cxl_mock_vppb vppb[CXL_MOCK_MAX_VPPBS];
};

/* A component's background operation. */
struct mock_bg {
	bool running;
	u16 opcode;	/* what the status register reports */
	u16 rc;		/* final return code */
	u8 percent;
	u64 start;
	u64 end;	/* ktime ns; U64_MAX: never */
};

struct mock_comp {
	u8 type;
	u8 max_msg_shift;
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_id;
	u64 serial;
	struct list_head cmds;
	struct mock_port ports[CXL_MOCK_MAX_PORTS];
	unsigned int nr_ports;
	struct mock_vcs vcs[CXL_MOCK_MAX_VCS];
	struct xarray counts;	/* opcode -> xa_mk_value(times executed) */
	struct mock_bg bg;
};

struct mock_file;

struct mock_sw {
	struct list_head node;		/* in mock_file.sws */
	u32 id;
	/* The model, the registers and the faults; the device thread holds it. */
	struct mutex lock;
	struct mock_comp *root;
	u8 *win;			/* the mailbox capability registers */
	size_t win_size;
	size_t payload_size;
	u32 caps;
	u8 *in;				/* staging of one command */
	u8 *out;
	u16 fn_vendor;
	u16 fn_device;
	u8 fn_revision;
	u32 faults;
	u32 fault_delay_ms;
	u32 bogus_len;
	/* The doorbell command executed, its reply held until ready_at. */
	bool pending;
	u64 ready_at;
	u16 p_opcode;
	u16 p_rc;
	size_t p_len;
	u32 p_reported;
	struct task_struct *thread;
	struct platform_device *pdev;
	int probe_ret;
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	int virq;
	u64 irqs_fired;
	u64 irqs_dropped;
	u64 doorbells;
};

struct mock_file {
	struct mutex lock;	/* one control operation at a time */
	struct list_head sws;
};

static DEFINE_IDA(mock_ida);

/* --- the register window ------------------------------------------------ */

static u32 win_rd32(struct mock_sw *sw, unsigned int off)
{
	return le32_to_cpu(READ_ONCE(*(__le32 *)(sw->win + off)));
}

static void win_wr32(struct mock_sw *sw, unsigned int off, u32 v)
{
	WRITE_ONCE(*(__le32 *)(sw->win + off), cpu_to_le32(v));
}

static u64 win_rd64(struct mock_sw *sw, unsigned int off)
{
	return le64_to_cpu(READ_ONCE(*(__le64 *)(sw->win + off)));
}

static void win_wr64(struct mock_sw *sw, unsigned int off, u64 v)
{
	WRITE_ONCE(*(__le64 *)(sw->win + off), cpu_to_le64(v));
}

static void mock_reset_regs(struct mock_sw *sw)
{
	memset(sw->win, 0, sw->win_size);
	win_wr32(sw, PCI_MMPT_CAPS, sw->caps);
	sw->pending = false;
}

/* Raise the mailbox interrupt, unless the device "forgets" to. */
static void mock_irq(struct mock_sw *sw)
{
	if (!sw->virq)
		return;
	if (sw->faults & CXL_MOCK_FAULT_NO_IRQ) {
		sw->irqs_dropped++;
		return;
	}
	sw->irqs_fired++;
	irq_set_irqchip_state(sw->virq, IRQCHIP_STATE_PENDING, true);
}

/* --- the model ---------------------------------------------------------- */

static u64 mock_now(void)
{
	return ktime_get_ns();
}

static void mock_count(struct mock_comp *c, u16 opcode)
{
	void *old = xa_load(&c->counts, opcode);
	unsigned long n = old ? xa_to_value(old) : 0;

	/* A failed allocation loses one count; the tests then fail loudly. */
	xa_store(&c->counts, opcode, xa_mk_value(n + 1), GFP_KERNEL);
}

static struct mock_cmd *find_cmd(struct mock_comp *c, u16 opcode)
{
	struct mock_cmd *e;

	list_for_each_entry(e, &c->cmds, node)
		if (e->opcode == opcode)
			return e;
	return NULL;
}

static struct mock_port *find_port(struct mock_comp *c, u8 id)
{
	unsigned int i;

	for (i = 0; i < c->nr_ports; i++)
		if (c->ports[i].id == id)
			return &c->ports[i];
	return NULL;
}

static void insert_cmd(struct mock_comp *c, struct mock_cmd *n)
{
	struct mock_cmd *e;

	list_for_each_entry(e, &c->cmds, node) {
		if (e->opcode > n->opcode) {
			list_add_tail(&n->node, &e->node);
			return;
		}
	}
	list_add_tail(&n->node, &c->cmds);
}

static void free_cmd(struct mock_cmd *e)
{
	list_del(&e->node);
	kfree(e->reply);
	kfree(e);
}

static void free_comp(struct mock_comp *c)
{
	struct mock_cmd *e, *tmp;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->nr_ports; i++)
		free_comp(c->ports[i].child);
	list_for_each_entry_safe(e, tmp, &c->cmds, node)
		free_cmd(e);
	xa_destroy(&c->counts);
	kfree(c);
}

static const u16 mock_builtin_generic[] = { 0x0001, 0x0002, 0x0005, 0x0400,
					    0x0401 };
static const u16 mock_builtin_switch[] = { 0x5100, 0x5101, 0x5200, 0x5300 };

static int add_builtins(struct mock_comp *c, const u16 *ops, unsigned int n)
{
	struct mock_cmd *e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		e = kzalloc_obj(*e, GFP_KERNEL);
		if (!e)
			return -ENOMEM;
		e->opcode = ops[i];
		e->flags = CXL_MOCK_CMD_BUILTIN | CXL_MOCK_CMD_IN_CEL;
		insert_cmd(c, e);
	}
	return 0;
}

static struct mock_comp *alloc_comp(const struct cxl_mock_component *d)
{
	struct mock_comp *c = kzalloc_obj(*c, GFP_KERNEL);
	int ret;

	if (!c)
		return NULL;
	INIT_LIST_HEAD(&c->cmds);
	xa_init(&c->counts);
	c->type = d->type;
	c->max_msg_shift = d->max_msg_shift;
	c->vendor = d->vendor;
	c->device = d->device;
	c->subsys_vendor = d->subsys_vendor;
	c->subsys_id = d->subsys_id;
	c->serial = d->serial;
	ret = add_builtins(c, mock_builtin_generic,
			   ARRAY_SIZE(mock_builtin_generic));
	if (!ret && c->type == CXL_MOCK_COMP_SWITCH)
		ret = add_builtins(c, mock_builtin_switch,
				   ARRAY_SIZE(mock_builtin_switch));
	if (ret) {
		free_comp(c);
		return NULL;
	}
	return c;
}

static void reset_counts(struct mock_comp *c)
{
	unsigned int i;

	if (!c)
		return;
	xa_destroy(&c->counts);
	for (i = 0; i < c->nr_ports; i++)
		reset_counts(c->ports[i].child);
}

/* The component at a path, or NULL. */
static struct mock_comp *walk(struct mock_sw *sw, const struct cxl_mock_path *p,
			      unsigned int depth)
{
	struct mock_comp *c = sw->root;
	struct mock_port *port;
	unsigned int i;

	for (i = 0; i < depth && c; i++) {
		port = find_port(c, p->port[i]);
		c = port ? port->child : NULL;
	}
	return c;
}

static struct mock_comp *lookup(struct mock_sw *sw,
				const struct cxl_mock_path *p)
{
	if (p->depth > CXL_MOCK_MAX_DEPTH)
		return NULL;
	return walk(sw, p, p->depth);
}

/* Finish a component's background operation when its time has come. */
static bool bg_tick(struct mock_comp *c, u64 now)
{
	struct mock_bg *bg = &c->bg;

	if (!bg->running)
		return false;
	if (bg->end != U64_MAX && now >= bg->end) {
		bg->running = false;
		bg->percent = 100;
		return true;
	}
	if (bg->end != U64_MAX && bg->end > bg->start)
		bg->percent = min_t(u64, 99, div64_u64((now - bg->start) * 100,
						       bg->end - bg->start));
	return false;
}

static u64 bg_reg(const struct mock_bg *bg)
{
	return FIELD_PREP(PCI_MMPT_BG_OPCODE, bg->opcode) |
	       FIELD_PREP(PCI_MMPT_BG_PERCENT, bg->percent) |
	       FIELD_PREP(PCI_MMPT_BG_RC, bg->running ? 0 : bg->rc);
}

/* Reflect the switch's background state in its registers. */
static void sync_bg_regs(struct mock_sw *sw)
{
	u64 status = win_rd64(sw, PCI_MMPT_STATUS) & ~PCI_MMPT_STATUS_BG;

	if (sw->root->bg.running)
		status |= PCI_MMPT_STATUS_BG;
	win_wr64(sw, PCI_MMPT_STATUS, status);
	win_wr64(sw, PCI_MMPT_BG_STATUS, bg_reg(&sw->root->bg));
}

static void bg_done_irq(struct mock_sw *sw)
{
	sync_bg_regs(sw);
	if ((win_rd32(sw, PCI_MMPT_CTRL) & PCI_MMPT_CTRL_BG_IRQ) &&
	    (sw->caps & PCI_MMPT_CAPS_BG_IRQ))
		mock_irq(sw);
}

/* What one command did. */
struct mock_res {
	u16 rc;
	size_t len;		/* bytes written to the output */
	u32 reported;		/* the length the device reports */
	u32 delay_ms;
};

static void mock_exec(struct mock_sw *sw, struct mock_comp *c,
		      unsigned int depth, u16 opcode, const u8 *in,
		      size_t in_len, u8 *out, size_t cap, struct mock_res *r);

static bool reply_room(size_t cap, size_t len, struct mock_res *r)
{
	if (len > cap) {
		r->rc = RC_INTERNAL;
		return false;
	}
	r->len = len;
	return true;
}

static void b_identify(struct mock_sw *sw, struct mock_comp *c, u8 *out,
		       size_t cap, struct mock_res *r)
{
	if (!reply_room(cap, 0x12, r))
		return;
	put_unaligned_le16(c->vendor, out);
	put_unaligned_le16(c->device, out + 2);
	put_unaligned_le16(c->subsys_vendor, out + 4);
	put_unaligned_le16(c->subsys_id, out + 6);
	put_unaligned_le64(c->serial, out + 8);
	out[0x10] = c->max_msg_shift ?: ilog2(sw->payload_size);
	out[0x11] = c->type;
}

static void b_bg_status(struct mock_comp *c, u8 *out, size_t cap,
			struct mock_res *r)
{
	if (!reply_room(cap, 8, r))
		return;
	memset(out, 0, 8);
	out[0] = (c->bg.running ? 1 : 0) | c->bg.percent << 1;
	put_unaligned_le16(c->bg.opcode, out + 2);
	put_unaligned_le16(c->bg.running ? 0 : c->bg.rc, out + 4);
}

static void b_abort(struct mock_sw *sw, struct mock_comp *c)
{
	if (!c->bg.running)
		return;
	c->bg.running = false;
	c->bg.rc = RC_ABORTED;
	if (c == sw->root)
		bg_done_irq(sw);
}

static size_t cel_bytes(struct mock_comp *c)
{
	struct mock_cmd *e;
	size_t n = 0;

	list_for_each_entry(e, &c->cmds, node)
		if (e->flags & CXL_MOCK_CMD_IN_CEL)
			n += 4 * (1 + e->cel_dups);
	return n;
}

static void b_supported_logs(struct mock_comp *c, u8 *out, size_t cap,
			     struct mock_res *r)
{
	if (!reply_room(cap, LOGS_HDR + LOG_ENTRY, r))
		return;
	memset(out, 0, LOGS_HDR + LOG_ENTRY);
	put_unaligned_le16(1, out);
	memcpy(out + LOGS_HDR, mock_cel_uuid, sizeof(mock_cel_uuid));
	put_unaligned_le32(cel_bytes(c), out + LOGS_HDR + 16);
}

/* Get Log of the CEL: byte offsets, any chunk that fits the reply. */
static void b_get_log(struct mock_comp *c, const u8 *in, size_t in_len,
		      u8 *out, size_t cap, struct mock_res *r)
{
	size_t size = cel_bytes(c), off, len, pos = 0, i;
	struct mock_cmd *e;
	u8 ent[4];

	if (in_len != GET_LOG_IN) {
		r->rc = RC_BAD_LEN;
		return;
	}
	if (memcmp(in, mock_cel_uuid, sizeof(mock_cel_uuid))) {
		r->rc = RC_BAD_LOG;
		return;
	}
	off = get_unaligned_le32(in + 16);
	len = get_unaligned_le32(in + 20);
	if (off > size || len > cap) {
		r->rc = RC_INVALID;
		return;
	}
	len = min(len, size - off);
	list_for_each_entry(e, &c->cmds, node) {
		if (!(e->flags & CXL_MOCK_CMD_IN_CEL))
			continue;
		for (i = 0; i <= e->cel_dups; i++, pos += 4) {
			size_t b;

			put_unaligned_le16(e->opcode, ent);
			put_unaligned_le16(i ? e->dup_effects : e->effects,
					   ent + 2);
			for (b = 0; b < 4; b++)
				if (pos + b >= off && pos + b < off + len)
					out[pos + b - off] = ent[b];
		}
	}
	r->len = len;
}

static void b_identify_switch(struct mock_comp *c, u8 *out, size_t cap,
			      struct mock_res *r)
{
	unsigned int i, nvcs = 0, total = 0, bound = 0, v;

	if (!reply_room(cap, CXL_IDENTIFY_SWITCH_LEN, r))
		return;
	memset(out, 0, CXL_IDENTIFY_SWITCH_LEN);
	out[0] = 0;			/* ingress port: the CCI */
	out[2] = c->nr_ports;
	for (i = 0; i < c->nr_ports; i++)
		out[4 + c->ports[i].id / 8] |= BIT(c->ports[i].id % 8);
	for (i = 0; i < CXL_MOCK_MAX_VCS; i++) {
		const struct mock_vcs *vcs = &c->vcs[i];

		if (!vcs->used)
			continue;
		nvcs++;
		out[0x24 + vcs->id / 8] |= BIT(vcs->id % 8);
		total += vcs->nr;
		for (v = 0; v < vcs->nr; v++)
			if (vcs->vppb[v].status == 2 || vcs->vppb[v].status == 3)
				bound++;
	}
	out[3] = nvcs;
	put_unaligned_le16(total, out + 0x44);
	put_unaligned_le16(bound, out + 0x46);
	out[0x48] = 4;			/* HDM decoders per USP */
}

static u8 port_connected(const struct mock_port *p)
{
	if (p->connected != CXL_MOCK_PORT_AUTO)
		return p->connected;
	if (!p->child)
		return 0;
	return p->child->type == CXL_MOCK_COMP_TYPE3 ? 4 : 1;
}

static void b_port_state(struct mock_comp *c, const u8 *in, size_t in_len,
			 u8 *out, size_t cap, struct mock_res *r)
{
	unsigned int n, i;

	if (!in_len || in_len != 1 + (size_t)in[0]) {
		r->rc = RC_BAD_LEN;
		return;
	}
	n = in[0];
	for (i = 0; i < n; i++) {
		if (!find_port(c, in[1 + i])) {
			r->rc = RC_INVALID;
			return;
		}
	}
	if (!reply_room(cap, CXL_PORT_STATE_HDR + n * CXL_PORT_STATE_LEN, r))
		return;
	memset(out, 0, r->len);
	out[0] = n;
	for (i = 0; i < n; i++) {
		const struct mock_port *p = find_port(c, in[1 + i]);
		u8 *b = out + CXL_PORT_STATE_HDR + i * CXL_PORT_STATE_LEN;

		b[0] = p->id;
		b[1] = p->state & 0xf;
		b[2] = 0x0e;		/* CXL 1.1 .. 3.0 */
		b[4] = port_connected(p);
		b[5] = 0x0e;
		b[6] = p->max_width;
		b[7] = p->width;
		b[8] = (BIT(min_t(u8, p->max_speed, 7)) - 1) & 0xff;
		b[9] = p->max_speed;
		b[10] = p->speed;
		b[11] = p->ltssm;
		b[15] = p->ld_count;
	}
}

static void b_vcs_info(struct mock_comp *c, const u8 *in, size_t in_len,
		       u8 *out, size_t cap, struct mock_res *r)
{
	unsigned int start, limit, n, i, j, v, listed;
	const struct mock_vcs *vcs;
	size_t len = 4;

	if (in_len < 3 || in_len != 3 + (size_t)in[2]) {
		r->rc = RC_BAD_LEN;
		return;
	}
	start = in[0];
	limit = in[1];
	n = in[2];
	/* Check and size first: an unknown VCS changes nothing. */
	for (i = 0; i < n; i++) {
		vcs = NULL;
		for (j = 0; j < CXL_MOCK_MAX_VCS; j++)
			if (c->vcs[j].used && c->vcs[j].id == in[3 + i])
				vcs = &c->vcs[j];
		if (!vcs) {
			r->rc = RC_INVALID;
			return;
		}
		listed = vcs->nr > start ?
			 min_t(unsigned int, vcs->nr - start, limit) : 0;
		len += 4 + 4 * listed;
	}
	if (!reply_room(cap, len, r))
		return;
	memset(out, 0, len);
	out[0] = n;
	len = 4;
	for (i = 0; i < n; i++) {
		for (j = 0; j < CXL_MOCK_MAX_VCS; j++)
			if (c->vcs[j].used && c->vcs[j].id == in[3 + i])
				break;
		vcs = &c->vcs[j];
		out[len] = vcs->id;
		out[len + 1] = vcs->state;
		out[len + 2] = vcs->usp;
		out[len + 3] = vcs->nr;
		len += 4;
		listed = vcs->nr > start ?
			 min_t(unsigned int, vcs->nr - start, limit) : 0;
		for (v = 0; v < listed; v++, len += 4) {
			const struct cxl_mock_vppb *b = &vcs->vppb[start + v];

			out[len] = b->status;
			out[len + 1] = b->port;
			out[len + 2] = b->ld;
		}
	}
}

/*
 * Tunnel Management Command: unwrap, run the message on the component
 * behind the port and wrap its response as QEMU does: {response length,
 * reserved} then the CCI response message {category 1, tag echoed,
 * reserved, opcode, payload length (21 bits), return code, vendor status}.
 */
static void b_tunnel(struct mock_sw *sw, struct mock_comp *c,
		     unsigned int depth, const u8 *in, size_t in_len,
		     u8 *out, size_t cap, struct mock_res *r)
{
	const u8 *msg = in + TUNNEL_HDR;
	struct mock_res ir = {};
	struct mock_port *p;
	u8 *rmsg = out + TUNNEL_HDR;
	u32 mlen;
	u16 op;

	if (in_len < TUNNEL_HDR + MSG_HDR ||
	    get_unaligned_le16(in + 2) != in_len - TUNNEL_HDR) {
		r->rc = RC_BAD_LEN;
		return;
	}
	p = find_port(c, in[0]);
	if (in[1] || (msg[0] & 0xf) || !p || !p->child ||
	    cap < TUNNEL_HDR + MSG_HDR) {
		r->rc = RC_INVALID;
		return;
	}
	op = msg[3] | msg[4] << 8;
	mlen = msg[5] | msg[6] << 8 | msg[7] << 16;
	if (mlen != in_len - TUNNEL_HDR - MSG_HDR)
		ir.rc = RC_BAD_LEN;
	else
		mock_exec(sw, p->child, depth + 1, op, msg + MSG_HDR, mlen,
			  rmsg + MSG_HDR, cap - TUNNEL_HDR - MSG_HDR, &ir);
	r->delay_ms += ir.delay_ms;

	memset(rmsg, 0, MSG_HDR);
	rmsg[0] = 1;
	rmsg[1] = msg[1];
	rmsg[3] = msg[3];
	rmsg[4] = msg[4];
	rmsg[5] = ir.reported & 0xff;
	rmsg[6] = (ir.reported >> 8) & 0xff;
	rmsg[7] = (ir.reported >> 16) & 0x1f;
	put_unaligned_le16(ir.rc, rmsg + 8);
	put_unaligned_le16(MSG_HDR + ir.len, out);
	out[2] = 0;
	out[3] = 0;
	r->len = TUNNEL_HDR + MSG_HDR + ir.len;
}

static void mock_builtin(struct mock_sw *sw, struct mock_comp *c,
			 unsigned int depth, u16 opcode, const u8 *in,
			 size_t in_len, u8 *out, size_t cap, struct mock_res *r)
{
	switch (opcode) {
	case 0x0001:
		b_identify(sw, c, out, cap, r);
		break;
	case 0x0002:
		b_bg_status(c, out, cap, r);
		break;
	case CXL_OP_ABORT_BG:
		b_abort(sw, c);
		break;
	case 0x0400:
		b_supported_logs(c, out, cap, r);
		break;
	case 0x0401:
		b_get_log(c, in, in_len, out, cap, r);
		break;
	case 0x5100:
		b_identify_switch(c, out, cap, r);
		break;
	case 0x5101:
		b_port_state(c, in, in_len, out, cap, r);
		break;
	case 0x5200:
		b_vcs_info(c, in, in_len, out, cap, r);
		break;
	case 0x5300:
		b_tunnel(sw, c, depth, in, in_len, out, cap, r);
		break;
	default:
		r->rc = RC_UNSUPPORTED;
		break;
	}
	if (r->rc)
		r->len = 0;
	r->reported = r->len;
}

static void mock_exec(struct mock_sw *sw, struct mock_comp *c,
		      unsigned int depth, u16 opcode, const u8 *in,
		      size_t in_len, u8 *out, size_t cap, struct mock_res *r)
{
	struct mock_cmd *e = find_cmd(c, opcode);
	u64 now = mock_now();

	mock_count(c, opcode);
	r->rc = RC_OK;
	r->len = 0;
	r->reported = 0;
	if (!e || (e->flags & CXL_MOCK_CMD_NOT_IMPL)) {
		r->rc = RC_UNSUPPORTED;
		return;
	}
	r->delay_ms += e->delay_ms;
	if (c != sw->root)
		bg_tick(c, now);
	if (e->flags & CXL_MOCK_CMD_BUILTIN) {
		mock_builtin(sw, c, depth, opcode, in, in_len, out, cap, r);
		return;
	}
	r->rc = e->rc;
	if (e->flags & CXL_MOCK_CMD_BG) {
		if (c->bg.running) {
			r->rc = RC_BUSY;
			return;
		}
		c->bg = (struct mock_bg){
			.running = true,
			.opcode = (e->flags & CXL_MOCK_CMD_BG_OPCODE) ?
				  e->bg_opcode : opcode,
			.rc = e->bg_rc,
			.start = now,
			.end = e->bg_ms == CXL_MOCK_BG_NEVER ? U64_MAX :
			       now + (u64)e->bg_ms * NSEC_PER_MSEC,
		};
		r->rc = e->rc ?: RC_BG;
	}
	r->len = min_t(size_t, e->reply_size, cap);
	if (r->len)
		memcpy(out, e->reply, r->len);
	r->reported = e->reply_len ?: e->reply_size;
}

/* --- the device thread -------------------------------------------------- */

/* A doorbell rang: run the command now, hold the reply until ready_at. */
static void mock_doorbell(struct mock_sw *sw)
{
	u64 reg = win_rd64(sw, PCI_MMPT_CMD);
	size_t in_len = FIELD_GET(PCI_MMPT_CMD_LENGTH, reg);
	struct mock_res r = {};

	sw->p_opcode = FIELD_GET(PCI_MMPT_CMD_OPCODE, reg);
	if (in_len > sw->payload_size) {
		r.rc = RC_BAD_LEN;
	} else {
		memcpy(sw->in, sw->win + PCI_MMPT_PAYLOAD, in_len);
		mock_exec(sw, sw->root, 0, sw->p_opcode, sw->in, in_len,
			  sw->out, sw->payload_size, &r);
	}
	sw->p_rc = r.rc;
	sw->p_len = r.len;
	sw->p_reported = sw->bogus_len ?: r.reported;
	sw->ready_at = mock_now() +
		       (u64)(r.delay_ms + sw->fault_delay_ms) * NSEC_PER_MSEC;
	sw->pending = true;
}

/* Write the held reply, clear the doorbell, interrupt. */
static void mock_complete(struct mock_sw *sw, u16 rc)
{
	u64 status;
	u32 ctrl;

	if (!rc && sw->p_len)
		memcpy(sw->win + PCI_MMPT_PAYLOAD, sw->out, sw->p_len);
	win_wr64(sw, PCI_MMPT_CMD,
		 FIELD_PREP(PCI_MMPT_CMD_OPCODE, sw->p_opcode) |
		 FIELD_PREP(PCI_MMPT_CMD_LENGTH,
			    min_t(u32, sw->p_reported, MOCK_LEN_MAX)));
	status = FIELD_PREP(PCI_MMPT_STATUS_RC, rc);
	if (sw->root->bg.running)
		status |= PCI_MMPT_STATUS_BG;
	win_wr64(sw, PCI_MMPT_STATUS, status);
	win_wr64(sw, PCI_MMPT_BG_STATUS, bg_reg(&sw->root->bg));
	/* The reply is in place before the doorbell clears. */
	smp_wmb();
	ctrl = win_rd32(sw, PCI_MMPT_CTRL);
	win_wr32(sw, PCI_MMPT_CTRL, ctrl & ~PCI_MMPT_CTRL_DOORBELL);
	sw->pending = false;
	sw->doorbells++;
	if ((ctrl & PCI_MMPT_CTRL_DOORBELL_IRQ) &&
	    (sw->caps & PCI_MMPT_CAPS_DOORBELL_IRQ))
		mock_irq(sw);
}

/* One look at the device; true while it has something to do soon. */
static bool mock_step(struct mock_sw *sw)
{
	u64 now = mock_now();

	lockdep_assert_held(&sw->lock);
	if (sw->faults & CXL_MOCK_FAULT_ALL_ONES) {
		/* Whatever the driver wrote, every register reads all ones. */
		memset(sw->win, 0xff, sw->win_size);
		return true;
	}
	if (bg_tick(sw->root, now))
		bg_done_irq(sw);
	else if (sw->root->bg.running)
		sync_bg_regs(sw);

	if (!(win_rd32(sw, PCI_MMPT_CTRL) & PCI_MMPT_CTRL_DOORBELL)) {
		sw->pending = false;
		return sw->root->bg.running;
	}
	if (sw->faults & CXL_MOCK_FAULT_STUCK)
		return false;
	/* The command and payload were written before the doorbell. */
	smp_rmb();
	if (!sw->pending)
		mock_doorbell(sw);
	if (now < sw->ready_at)
		return true;
	mock_complete(sw, sw->p_rc);
	return true;
}

static int mock_thread(void *data)
{
	struct mock_sw *sw = data;
	unsigned int idle = 0;
	bool busy;

	while (!kthread_should_stop()) {
		mutex_lock(&sw->lock);
		busy = mock_step(sw);
		mutex_unlock(&sw->lock);
		idle = busy ? 0 : min(idle + 1, 1000U);
		/* Quick while busy or lately busy, lazier when idle. */
		if (idle < 200)
			usleep_range(20, 50);
		else
			usleep_range(500, 1000);
	}
	return 0;
}

/* --- the platform device and the core's bus callbacks ------------------- */

static void mock_setup_irq(struct cxl_switch *cs)
{
	struct mock_sw *sw = cxl_switch_bus_priv(cs);
	int ret;

	if (!sw->virq)
		return;
	ret = pci_mmpt_request_irq(cs->mbox, sw->virq);
	if (ret)
		dev_info(cs->dev, "mailbox interrupt unavailable (%d), polling\n",
			 ret);
}

static bool mock_port_in_use(struct cxl_switch *cs, u8 port)
{
	struct mock_sw *sw = cxl_switch_bus_priv(cs);
	struct mock_port *p;

	guard(mutex)(&sw->lock);
	p = find_port(sw->root, port);
	return !p || p->in_use;
}

/*
 * Any downstream port of the switch flagged as leading to this kernel; an
 * upstream port leads to a host, not below the switch.
 */
static bool mock_ports_in_use(struct cxl_switch *cs)
{
	struct mock_sw *sw = cxl_switch_bus_priv(cs);
	struct mock_port *p;
	unsigned int i;

	guard(mutex)(&sw->lock);
	for (i = 0; i < sw->root->nr_ports; i++) {
		p = &sw->root->ports[i];
		if (p->in_use && !p->host && (p->state & 0xf) != MOCK_PORT_USP)
			return true;
	}
	return false;
}

/* The switch's own port flagged as the one this host comes in through. */
static int mock_host_port(struct cxl_switch *cs)
{
	struct mock_sw *sw = cxl_switch_bus_priv(cs);
	unsigned int i;

	guard(mutex)(&sw->lock);
	for (i = 0; i < sw->root->nr_ports; i++)
		if (sw->root->ports[i].host)
			return sw->root->ports[i].id;
	return -ENODEV;
}

static const struct cxl_switch_bus_ops mock_bus_ops = {
	.setup_irq = mock_setup_irq,
	.port_in_use = mock_port_in_use,
	.ports_in_use = mock_ports_in_use,
	.host_port = mock_host_port,
};

static int mock_probe(struct platform_device *pdev)
{
	struct mock_sw *sw = *(struct mock_sw **)dev_get_platdata(&pdev->dev);

	sw->probe_ret = devm_cxl_switch_add(&(struct cxl_switch_desc){
		.dev = &pdev->dev,
		.mbox = (void __iomem __force *)sw->win,
		.mbox_size = sw->win_size,
		.vendor = sw->fn_vendor,
		.device = sw->fn_device,
		.revision = sw->fn_revision,
		.ops = &mock_bus_ops,
		.bus_priv = sw,
	});
	return sw->probe_ret;
}

static struct platform_driver mock_driver = {
	.driver.name = MOCK_NAME,
	.probe = mock_probe,
};

static int mock_start(struct mock_sw *sw)
{
	struct platform_device *pdev;
	int ret;

	if (sw->pdev)
		return -EBUSY;
	pdev = platform_device_alloc(MOCK_NAME, sw->id);
	if (!pdev)
		return -ENOMEM;
	ret = platform_device_add_data(pdev, &sw, sizeof(sw));
	if (ret)
		goto put;
	sw->probe_ret = -ENXIO;
	ret = platform_device_add(pdev);
	if (ret)
		goto put;
	if (!pdev->dev.driver) {
		ret = sw->probe_ret ?: -ENXIO;
		platform_device_unregister(pdev);
		return ret;
	}
	sw->pdev = pdev;
	return 0;
put:
	platform_device_put(pdev);
	return ret;
}

static int mock_remove(struct mock_sw *sw, bool surprise)
{
	if (!sw->pdev)
		return -ENODEV;
	if (surprise) {
		scoped_guard(mutex, &sw->lock) {
			sw->faults |= CXL_MOCK_FAULT_ALL_ONES;
			memset(sw->win, 0xff, sw->win_size);
		}
	}
	/* The device keeps answering while the core finishes its RPCs. */
	platform_device_unregister(sw->pdev);
	sw->pdev = NULL;
	if (surprise) {
		guard(mutex)(&sw->lock);
		sw->faults &= ~CXL_MOCK_FAULT_ALL_ONES;
		mock_reset_regs(sw);
	}
	return 0;
}

/* --- control ------------------------------------------------------------ */

static void mock_destroy(struct mock_sw *sw)
{
	mock_remove(sw, false);
	if (sw->thread)
		kthread_stop(sw->thread);
	if (sw->virq)
		irq_dispose_mapping(sw->virq);
	if (sw->domain)
		irq_domain_remove_sim(sw->domain);
	if (sw->fwnode)
		irq_domain_free_fwnode(sw->fwnode);
	free_comp(sw->root);
	kvfree(sw->win);
	kvfree(sw->in);
	kvfree(sw->out);
	mutex_destroy(&sw->lock);
	ida_free(&mock_ida, sw->id);
	kfree(sw);
}

static int mock_create(struct mock_file *f, struct cxl_mock_create *d)
{
	struct cxl_mock_component root = { .type = CXL_MOCK_COMP_SWITCH };
	unsigned int shift = d->payload_shift ?: MOCK_DEFAULT_SHIFT;
	struct mock_sw *sw;
	int id, ret;

	if (d->flags & ~(CXL_MOCK_F_DOORBELL_IRQ | CXL_MOCK_F_BG_IRQ) ||
	    d->reserved || shift < 8 || shift > 16)
		return -EINVAL;
	id = ida_alloc(&mock_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	sw = kzalloc_obj(*sw, GFP_KERNEL);
	if (!sw) {
		ida_free(&mock_ida, id);
		return -ENOMEM;
	}
	sw->id = id;
	mutex_init(&sw->lock);
	INIT_LIST_HEAD(&sw->node);
	sw->payload_size = 1UL << shift;
	sw->win_size = PCI_MMPT_PAYLOAD + sw->payload_size;
	sw->fn_vendor = d->fn_vendor;
	sw->fn_device = d->fn_device;
	sw->fn_revision = d->fn_revision;
	sw->caps = FIELD_PREP(PCI_MMPT_CAPS_PAYLOAD_SIZE, shift);
	if (d->flags & CXL_MOCK_F_DOORBELL_IRQ)
		sw->caps |= PCI_MMPT_CAPS_DOORBELL_IRQ;
	if (d->flags & CXL_MOCK_F_BG_IRQ)
		sw->caps |= PCI_MMPT_CAPS_BG_IRQ;
	root.vendor = d->fn_vendor;
	root.device = d->fn_device;
	root.serial = id;
	sw->root = alloc_comp(&root);
	sw->win = kvzalloc(sw->win_size, GFP_KERNEL);
	sw->in = kvzalloc(sw->payload_size, GFP_KERNEL);
	sw->out = kvzalloc(sw->payload_size, GFP_KERNEL);
	if (!sw->root || !sw->win || !sw->in || !sw->out) {
		ret = -ENOMEM;
		goto err;
	}
	mock_reset_regs(sw);

	if (d->flags) {
		char name[32];

		snprintf(name, sizeof(name), MOCK_NAME ".%d", id);
		sw->fwnode = irq_domain_alloc_named_fwnode(name);
		if (!sw->fwnode) {
			ret = -ENOMEM;
			goto err;
		}
		sw->domain = irq_domain_create_sim(sw->fwnode, 1);
		if (IS_ERR(sw->domain)) {
			ret = PTR_ERR(sw->domain);
			sw->domain = NULL;
			goto err;
		}
		sw->virq = irq_create_mapping(sw->domain, 0);
		if (!sw->virq) {
			ret = -ENXIO;
			goto err;
		}
	}

	sw->thread = kthread_run(mock_thread, sw, MOCK_NAME "/%d", id);
	if (IS_ERR(sw->thread)) {
		ret = PTR_ERR(sw->thread);
		sw->thread = NULL;
		goto err;
	}
	list_add_tail(&sw->node, &f->sws);
	d->id = id;
	return 0;
err:
	mock_destroy(sw);
	return ret;
}

static struct mock_sw *find_sw(struct mock_file *f, u32 id)
{
	struct mock_sw *sw;

	list_for_each_entry(sw, &f->sws, node)
		if (sw->id == id)
			return sw;
	return NULL;
}

static struct mock_port *add_port(struct mock_comp *c, u8 id)
{
	struct mock_port *p = find_port(c, id);

	if (p)
		return p;
	if (c->nr_ports == CXL_MOCK_MAX_PORTS)
		return NULL;
	p = &c->ports[c->nr_ports++];
	*p = (struct mock_port){
		.id = id, .state = 3, .connected = CXL_MOCK_PORT_AUTO,
		.ltssm = 4, .max_width = 16, .width = 16, .max_speed = 5,
		.speed = 5, .ld_count = 1,
	};
	return p;
}

static int set_component(struct mock_sw *sw, const struct cxl_mock_component *d)
{
	struct mock_comp *parent, *c;
	struct mock_port *p;

	if (d->flags & ~CXL_MOCK_COMPF_REMOVE || d->reserved ||
	    d->path.depth > CXL_MOCK_MAX_DEPTH)
		return -EINVAL;
	if (d->type != CXL_MOCK_COMP_SWITCH && d->type != CXL_MOCK_COMP_TYPE3)
		return -EINVAL;
	guard(mutex)(&sw->lock);
	if (!d->path.depth) {
		if (d->flags)
			return -EINVAL;
		c = sw->root;
		c->type = d->type;
		c->max_msg_shift = d->max_msg_shift;
		c->vendor = d->vendor;
		c->device = d->device;
		c->subsys_vendor = d->subsys_vendor;
		c->subsys_id = d->subsys_id;
		c->serial = d->serial;
		return 0;
	}
	parent = walk(sw, &d->path, d->path.depth - 1);
	if (!parent)
		return -ENOENT;
	if (d->flags & CXL_MOCK_COMPF_REMOVE) {
		p = find_port(parent, d->path.port[d->path.depth - 1]);
		if (!p || !p->child)
			return -ENOENT;
		free_comp(p->child);
		p->child = NULL;
		return 0;
	}
	c = alloc_comp(d);
	if (!c)
		return -ENOMEM;
	p = add_port(parent, d->path.port[d->path.depth - 1]);
	if (!p) {
		free_comp(c);
		return -ENOSPC;
	}
	free_comp(p->child);
	p->child = c;
	return 0;
}

#define CMD_FLAGS (CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BUILTIN | \
		   CXL_MOCK_CMD_NOT_IMPL | CXL_MOCK_CMD_BG | \
		   CXL_MOCK_CMD_BG_OPCODE | CXL_MOCK_CMD_DELETE)

static int set_cmd(struct mock_sw *sw, const struct cxl_mock_cmd *d)
{
	struct mock_cmd *n, *old;
	struct mock_comp *c;
	u8 *reply = NULL;

	if (d->flags & ~CMD_FLAGS || d->reserved ||
	    d->reply_size > CXL_MOCK_MAX_REPLY ||
	    d->path.depth > CXL_MOCK_MAX_DEPTH)
		return -EINVAL;
	if (d->reply_size) {
		reply = memdup_user(u64_to_user_ptr(d->reply), d->reply_size);
		if (IS_ERR(reply))
			return PTR_ERR(reply);
	}
	n = kzalloc_obj(*n, GFP_KERNEL);
	if (!n) {
		kfree(reply);
		return -ENOMEM;
	}
	*n = (struct mock_cmd){
		.opcode = d->opcode, .effects = d->effects,
		.cel_dups = d->cel_dups, .dup_effects = d->dup_effects,
		.rc = d->return_code, .bg_rc = d->bg_rc,
		.bg_opcode = d->bg_opcode, .flags = d->flags,
		.reply_len = d->reply_len, .reply_size = d->reply_size,
		.delay_ms = d->delay_ms, .bg_ms = d->bg_ms, .reply = reply,
	};

	guard(mutex)(&sw->lock);
	c = lookup(sw, &d->path);
	old = c ? find_cmd(c, d->opcode) : NULL;
	if (!c || ((d->flags & CXL_MOCK_CMD_DELETE) && !old)) {
		kfree(reply);
		kfree(n);
		return -ENOENT;
	}
	if (old)
		free_cmd(old);
	if (d->flags & CXL_MOCK_CMD_DELETE) {
		kfree(reply);
		kfree(n);
		return 0;
	}
	insert_cmd(c, n);
	return 0;
}

static int set_port(struct mock_sw *sw, const struct cxl_mock_port *d)
{
	struct mock_comp *c;
	struct mock_port *p;
	unsigned int i;

	if (d->flags & ~(CXL_MOCK_PORT_IN_USE | CXL_MOCK_PORT_REMOVE |
			 CXL_MOCK_PORT_HOST) ||
	    memchr_inv(d->reserved, 0, sizeof(d->reserved)))
		return -EINVAL;
	guard(mutex)(&sw->lock);
	c = lookup(sw, &d->path);
	if (!c)
		return -ENOENT;
	if (d->flags & CXL_MOCK_PORT_REMOVE) {
		p = find_port(c, d->port);
		if (!p)
			return -ENOENT;
		free_comp(p->child);
		i = p - c->ports;
		memmove(p, p + 1, (c->nr_ports - i - 1) * sizeof(*p));
		c->nr_ports--;
		return 0;
	}
	p = add_port(c, d->port);
	if (!p)
		return -ENOSPC;
	p->state = d->state;
	p->connected = d->connected;
	p->ltssm = d->ltssm;
	p->max_width = d->max_width;
	p->width = d->width;
	p->max_speed = d->max_speed;
	p->speed = d->speed;
	p->ld_count = d->ld_count;
	p->in_use = d->flags & CXL_MOCK_PORT_IN_USE;
	p->host = d->flags & CXL_MOCK_PORT_HOST;
	return 0;
}

static int set_vcs(struct mock_sw *sw, const struct cxl_mock_vcs *d)
{
	struct mock_vcs *v = NULL, *free_slot = NULL;
	struct mock_comp *c;
	unsigned int i;

	if (d->flags & ~CXL_MOCK_VCS_REMOVE || d->nr_vppbs > CXL_MOCK_MAX_VPPBS)
		return -EINVAL;
	guard(mutex)(&sw->lock);
	c = lookup(sw, &d->path);
	if (!c)
		return -ENOENT;
	for (i = 0; i < CXL_MOCK_MAX_VCS; i++) {
		if (c->vcs[i].used && c->vcs[i].id == d->vcs)
			v = &c->vcs[i];
		else if (!c->vcs[i].used && !free_slot)
			free_slot = &c->vcs[i];
	}
	if (d->flags & CXL_MOCK_VCS_REMOVE) {
		if (!v)
			return -ENOENT;
		v->used = false;
		return 0;
	}
	if (!v)
		v = free_slot;
	if (!v)
		return -ENOSPC;
	v->used = true;
	v->id = d->vcs;
	v->state = d->state;
	v->usp = d->usp;
	v->nr = d->nr_vppbs;
	memcpy(v->vppb, d->vppb, sizeof(v->vppb));
	return 0;
}

#define FAULT_FLAGS (CXL_MOCK_FAULT_STUCK | CXL_MOCK_FAULT_ALL_ONES | \
		     CXL_MOCK_FAULT_NO_IRQ)

static int set_faults(struct mock_sw *sw, const struct cxl_mock_faults *d)
{
	u32 was;

	if (d->flags & ~FAULT_FLAGS)
		return -EINVAL;
	guard(mutex)(&sw->lock);
	was = sw->faults;
	sw->faults = d->flags;
	sw->fault_delay_ms = d->delay_ms;
	sw->bogus_len = d->bogus_len;
	if ((was & CXL_MOCK_FAULT_ALL_ONES) &&
	    !(d->flags & CXL_MOCK_FAULT_ALL_ONES)) {
		mock_reset_regs(sw);
		sync_bg_regs(sw);
	} else if ((was & CXL_MOCK_FAULT_STUCK) &&
		   !(d->flags & CXL_MOCK_FAULT_STUCK) &&
		   (win_rd32(sw, PCI_MMPT_CTRL) & PCI_MMPT_CTRL_DOORBELL)) {
		/* The stuck command is dropped, never executed. */
		sw->p_opcode = FIELD_GET(PCI_MMPT_CMD_OPCODE,
					 win_rd64(sw, PCI_MMPT_CMD));
		sw->p_len = 0;
		sw->p_reported = 0;
		mock_complete(sw, RC_INTERNAL);
	}
	if (d->flags & CXL_MOCK_FAULT_ALL_ONES)
		memset(sw->win, 0xff, sw->win_size);
	return 0;
}

static int get_count(struct mock_sw *sw, struct cxl_mock_count *d)
{
	struct mock_comp *c;
	void *v;

	if (d->flags & ~CXL_MOCK_COUNT_RESET || d->reserved)
		return -EINVAL;
	guard(mutex)(&sw->lock);
	c = lookup(sw, &d->path);
	if (!c)
		return -ENOENT;
	v = xa_load(&c->counts, d->opcode);
	d->count = v ? xa_to_value(v) : 0;
	if (d->flags & CXL_MOCK_COUNT_RESET)
		reset_counts(sw->root);
	return 0;
}

static void get_info(struct mock_sw *sw, struct cxl_mock_info *d)
{
	guard(mutex)(&sw->lock);
	d->started = !!sw->pdev;
	d->irq = sw->virq;
	d->irqs_fired = sw->irqs_fired;
	d->irqs_dropped = sw->irqs_dropped;
	d->doorbells = sw->doorbells;
	snprintf(d->name, sizeof(d->name), MOCK_NAME ".%u", sw->id);
}

/* The ioctls: each struct starts with the switch ID (but CREATE's). */
union mock_arg {
	struct cxl_mock_create create;
	struct cxl_mock_component comp;
	struct cxl_mock_cmd cmd;
	struct cxl_mock_port port;
	struct cxl_mock_vcs vcs;
	struct cxl_mock_faults faults;
	struct cxl_mock_count count;
	struct cxl_mock_info info;
	struct cxl_mock_id id;
};

static long mock_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct mock_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;
	size_t size = _IOC_SIZE(cmd);
	union mock_arg a;
	struct mock_sw *sw = NULL;
	int ret;

	switch (cmd) {
	case CXL_MOCK_CREATE:
	case CXL_MOCK_SET_COMPONENT:
	case CXL_MOCK_SET_CMD:
	case CXL_MOCK_SET_PORT:
	case CXL_MOCK_SET_VCS:
	case CXL_MOCK_SET_FAULTS:
	case CXL_MOCK_COUNT:
	case CXL_MOCK_INFO:
	case CXL_MOCK_START:
	case CXL_MOCK_REMOVE:
	case CXL_MOCK_DESTROY:
		break;
	default:
		return -ENOTTY;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&a, uarg, size))
		return -EFAULT;

	guard(mutex)(&f->lock);
	if (cmd != CXL_MOCK_CREATE) {
		/* Every other argument starts with the switch ID. */
		sw = find_sw(f, a.id.id);
		if (!sw)
			return -ENOENT;
	}
	switch (cmd) {
	case CXL_MOCK_CREATE:
		if (a.create.size != sizeof(a.create))
			return -EINVAL;
		ret = mock_create(f, &a.create);
		break;
	case CXL_MOCK_SET_COMPONENT:
		return set_component(sw, &a.comp);
	case CXL_MOCK_SET_CMD:
		return set_cmd(sw, &a.cmd);
	case CXL_MOCK_SET_PORT:
		return set_port(sw, &a.port);
	case CXL_MOCK_SET_VCS:
		return set_vcs(sw, &a.vcs);
	case CXL_MOCK_SET_FAULTS:
		return set_faults(sw, &a.faults);
	case CXL_MOCK_COUNT:
		ret = get_count(sw, &a.count);
		break;
	case CXL_MOCK_INFO:
		get_info(sw, &a.info);
		ret = 0;
		break;
	case CXL_MOCK_START:
		return a.id.flags ? -EINVAL : mock_start(sw);
	case CXL_MOCK_REMOVE:
		if (a.id.flags & ~CXL_MOCK_REMOVE_SURPRISE)
			return -EINVAL;
		return mock_remove(sw, a.id.flags & CXL_MOCK_REMOVE_SURPRISE);
	case CXL_MOCK_DESTROY:
		if (a.id.flags)
			return -EINVAL;
		list_del(&sw->node);
		mock_destroy(sw);
		return 0;
	default:
		return -ENOTTY;
	}
	if (!ret && copy_to_user(uarg, &a, size))
		ret = -EFAULT;
	return ret;
}

static int mock_open(struct inode *inode, struct file *filp)
{
	struct mock_file *f;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc_obj(*f, GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->sws);
	filp->private_data = f;
	return 0;
}

/* Closing the control file destroys everything it created. */
static int mock_release(struct inode *inode, struct file *filp)
{
	struct mock_file *f = filp->private_data;
	struct mock_sw *sw, *tmp;

	list_for_each_entry_safe(sw, tmp, &f->sws, node) {
		list_del(&sw->node);
		mock_destroy(sw);
	}
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations mock_fops = {
	.owner = THIS_MODULE,
	.open = mock_open,
	.release = mock_release,
	.unlocked_ioctl = mock_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mock_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = MOCK_NAME,
	.fops = &mock_fops,
	.mode = 0600,
};

static int __init mock_init(void)
{
	int ret;

	ret = platform_driver_register(&mock_driver);
	if (ret)
		return ret;
	ret = misc_register(&mock_misc);
	if (ret)
		platform_driver_unregister(&mock_driver);
	return ret;
}

static void __exit mock_exit(void)
{
	misc_deregister(&mock_misc);
	platform_driver_unregister(&mock_driver);
	ida_destroy(&mock_ida);
}

module_init(mock_init);
module_exit(mock_exit);

MODULE_DESCRIPTION("Mock CXL switch CCIs for the fwctl selftests (test only)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("CXL_SWITCH");
MODULE_IMPORT_NS("PCI_MMPT");
