// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fwctl RPC path of CXL mailboxes: validate the request, judge it with
 * the policy, run it on the MMPT mailbox, return the reply; and commands
 * sent through tunnels, used to read the CEL of the components behind a
 * switch.
 */
#include <kunit/visibility.h>
#include <linux/audit.h>
#include <linux/fwctl-compat.h>
#include <linux/fwctl.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <uapi/fwctl/cxl.h>

#include "../cxlmem.h"
#include "cxl_fwctl.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Bytes each tunnel level adds: its header and the CCI message header. */
#define CXL_TUNNEL_OVERHEAD (CXL_TUNNEL_HDR + CXL_CCI_MSG_HDR)

/* The layout of mainline's <fwctl/cxl.h> and <cxl/features.h>. */
static_assert(sizeof(struct fwctl_rpc_cxl_hdr) == 16);
static_assert(sizeof(struct fwctl_rpc_cxl) == 48);
static_assert(offsetof(struct fwctl_rpc_cxl, get_sup_feats_in) == 16);
static_assert(offsetof(struct fwctl_rpc_cxl, set_feat_in) == 16);
static_assert(offsetof(struct fwctl_rpc_cxl, payload) == 16);
static_assert(sizeof(struct fwctl_rpc_cxl_out_hdr) == 8);
static_assert(sizeof(struct fwctl_rpc_cxl_out) == 16);
static_assert(offsetof(struct fwctl_rpc_cxl_out, payload) == 8);
static_assert(sizeof(struct cxl_mbox_get_sup_feats_in) == 8);
static_assert(sizeof(struct cxl_mbox_get_feat_in) == 21);
static_assert(sizeof(struct cxl_mbox_set_feat_hdr) == CXL_SET_FEATURE_HDR);
static_assert(sizeof(struct cxl_feat_entry) == CXL_FEATURE_ENTRY);
static_assert(sizeof(struct cxl_mbox_get_sup_feats_out) == 8);

/*
 * The size rules of mainline's Feature commands, on devices whose policy
 * judges them by feature (memory devices): Get Supported Features and Get
 * Feature take exactly their input, Get Feature a non-zero count, Set
 * Feature its header and at least one byte of data.
 */
static bool cxl_fwctl_feature_malformed(const struct cxl_fwctl_policy *pol,
					const struct fwctl_rpc_cxl *in)
{
	if (!pol->features)
		return false;
	switch (in->opcode) {
	case CXL_OP_GET_SUPPORTED_FEATURES:
		return in->op_size != sizeof(in->get_sup_feats_in);
	case CXL_OP_GET_FEATURE:
		return in->op_size != sizeof(in->get_feat_in) ||
		       !le16_to_cpu(in->get_feat_in.count);
	case CXL_OP_SET_FEATURE:
		return in->op_size <= sizeof(in->set_feat_in.hdr);
	}
	return false;
}

/**
 * cxl_fwctl_rpc_check() - the size and field rules of a CXL fwctl request
 * @pol: the device's policy inputs
 * @in: the request
 * @in_len: bytes at @in
 * @out_len: the room the caller has for the reply
 * @payload_size: the mailbox's payload area
 *
 * Mainline's rules: a header, op_size at most what follows it (more is
 * accepted and ignored), room for the reply header; flags and reserved
 * fields zero, a 16-bit opcode, a payload the mailbox can take, and the
 * Feature commands' own sizes.
 *
 * Return: true when the request is well formed.
 */
bool cxl_fwctl_rpc_check(const struct cxl_fwctl_policy *pol,
			 const struct fwctl_rpc_cxl *in, size_t in_len,
			 size_t out_len, size_t payload_size)
{
	if (in_len < sizeof(in->hdr) ||
	    out_len < sizeof(struct fwctl_rpc_cxl_out_hdr))
		return false;
	return !in->flags && !in->reserved1 && in->opcode <= U16_MAX &&
	       in->op_size <= in_len - sizeof(in->hdr) &&
	       in->op_size <= payload_size &&
	       !cxl_fwctl_feature_malformed(pol, in);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc_check, "CXL_FWCTL");

/*
 * The port, VCS, vPPB and LD a fabric manager's command names, from the
 * innermost payload, which cxl_fwctl_judge() found whole (each tunnel
 * level before it adds CXL_TUNNEL_OVERHEAD bytes).
 */
static void fabric_args(const struct cxl_fwctl_verdict *v, const u8 *p,
			size_t len, struct cxl_fwctl_fabric_args *a)
{
	size_t skip = v->depth * CXL_TUNNEL_OVERHEAD;

	*a = (struct cxl_fwctl_fabric_args){ -1, -1, -1, -1 };
	if (len < skip)
		return;
	p += skip;
	len -= skip;
	switch (v->opcode) {
	case CXL_OP_PORT_CONTROL:
		if (len >= 1)
			a->port = p[0];
		break;
	case CXL_OP_BIND_VPPB:
		if (len >= 6)
			a->ld = get_unaligned_le16(p + 4);
		if (len >= 3)
			a->port = p[2];
		fallthrough;
	case CXL_OP_UNBIND_VPPB:
		if (len >= 2) {
			a->vcs = p[0];
			a->vppb = p[1];
		}
		break;
	}
}

static int tunnel_unwrap(const u8 *p, size_t len, unsigned int depth,
			 const u8 **payload, size_t *plen, u16 *rc);

/*
 * The return code of the innermost command, or of the first tunnel level
 * that failed; U16_MAX for a reply that cannot be unwrapped.
 */
static u16 inner_rc(const struct cxl_fwctl_verdict *v,
		    const struct pci_mmpt_cmd *cmd)
{
	u16 rc = cmd->return_code;
	const u8 *payload;
	size_t plen;

	if (!rc && v->depth &&
	    tunnel_unwrap(cmd->out, min(cmd->out_len, cmd->out_size),
			  v->depth, &payload, &plen, &rc))
		return U16_MAX;
	return rc;
}

/* The record and the events print a path of two levels. */
static_assert(CXL_TUNNEL_MAX_DEPTH == 2);

/*
 * A command that reached the device and changed something an auditor must
 * see: a fabric manager's configuration command (it changed what another
 * host sees of the fabric, at whatever scope it ran) or any command that
 * needed a write scope. It is recorded like lockdown and module loading
 * are, with the login identity (auid, ses) of the process behind it: the
 * innermost command a tunnel carried and the port or LD of each level, not
 * the Tunnel Management Command around it. @result is the device's return
 * code, or a negative errno when the wait for it failed (the device may
 * have acted); res=1 only for a command that completed with success. Out
 * of line: no other RPC pays for its buffers.
 */
static noinline void cxl_fwctl_audit(struct fwctl_uctx *uctx,
				     const struct cxl_fwctl_verdict *v,
				     const struct fwctl_rpc_cxl *in, u32 scope,
				     int result)
{
	struct device *dev = &uctx->fwctl->dev;
	struct cxl_fwctl_fabric_args a;
	struct audit_buffer *ab;

	fabric_args(v, in->payload, in->op_size, &a);
	if (v->fabric)
		trace_cxl_fwctl_fabric(dev, v, &a, scope, result);
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=%s dev=%s opcode=0x%04x",
			 v->fabric ? "cxl_fabric_config" : "cxl_fwctl_write",
			 dev_name(dev), v->opcode);
	audit_log_format(ab, " depth=%u path=%u.%u", v->depth, v->path[0],
			 v->path[1]);
	audit_log_format(ab, " port=%d vcs=%d vppb=%d ld=%d", a.port, a.vcs,
			 a.vppb, a.ld);
	audit_log_format(ab, " scope=%u needs=%u rc=%d res=%d", scope,
			 v->needed, result, !result);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/**
 * cxl_fwctl_rpc_record() - trace a judged command, audit one that ran
 * @uctx: the RPC's context
 * @in: the request
 * @v: the policy's verdict on it
 * @scope: the scope the RPC asked for
 * @ran: the command reached the device (it may have acted on it even when
 *	the wait for it failed)
 * @result: a negative errno, or the device's return code (for a tunnel,
 *	the innermost)
 *
 * Every judged command fires the cxl_fwctl_rpc event. One that ran and
 * needed a write scope, or configured the fabric for other hosts, is also
 * recorded by the audit subsystem. cxl_fwctl_rpc_send() does this itself;
 * a driver that sends a judged command another way (the memory device's
 * Feature transfers) calls this after it.
 */
void cxl_fwctl_rpc_record(struct fwctl_uctx *uctx,
			  const struct fwctl_rpc_cxl *in,
			  const struct cxl_fwctl_verdict *v, u32 scope,
			  bool ran, int result)
{
	trace_cxl_fwctl_rpc(&uctx->fwctl->dev, in->opcode, v, scope, ran,
			    result);
	if (ran && (v->fabric || v->needed >= FWCTL_RPC_DEBUG_WRITE))
		cxl_fwctl_audit(uctx, v, in, scope, result);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc_record, "CXL_FWCTL");

/* A request refused before the device saw it: traced. */
static void *rpc_refused(struct fwctl_uctx *uctx,
			 const struct fwctl_rpc_cxl *in,
			 const struct cxl_fwctl_verdict *v, u32 scope, int err)
{
	cxl_fwctl_rpc_record(uctx, in, v, scope, false, err);
	return ERR_PTR(err);
}

/*
 * FWCTL_CXL_QUERY_COMMANDS: the policy's table, at any scope; nothing
 * reaches the device. The reply carries the whole table: the core copies
 * what the caller has room for and reports the full length.
 */
static void *cxl_fwctl_query_commands(const struct cxl_fwctl_policy *pol,
				      const struct fwctl_rpc_cxl *in,
				      size_t *out_len)
{
	struct fwctl_cxl_command *cmds __free(kvfree) = NULL;
	struct fwctl_rpc_cxl_out *out;
	size_t count, len;

	if (in->flags || in->reserved1 || in->op_size ||
	    *out_len < sizeof(out->hdr))
		return ERR_PTR(-EINVAL);
	cmds = cxl_fwctl_commands(pol, &count);
	if (IS_ERR(cmds))
		return no_free_ptr(cmds);
	len = count * sizeof(*cmds);
	out = kvzalloc(sizeof(out->hdr) + len, GFP_KERNEL_ACCOUNT);
	if (!out)
		return ERR_PTR(-ENOMEM);
	out->size = len;
	memcpy(out->payload, cmds, len);
	*out_len = sizeof(out->hdr) + len;
	return out;
}

/**
 * cxl_fwctl_rpc_send() - run one fwctl RPC on a CXL mailbox
 * @uctx: the RPC's context
 * @scope: the scope it runs at
 * @rpc_in: the request, a &struct fwctl_rpc_cxl
 * @in_len: bytes at @rpc_in
 * @out_len: in: the room the caller has; out: the reply's length
 * @mbox: the mailbox
 * @pol: the device's policy inputs
 * @send: runs the command; NULL for pci_mmpt_send() on @mbox
 * @priv: argument of @send
 *
 * The first five arguments are those of &fwctl_ops.fw_rpc. The command is
 * judged by the policy and refused when it needs a higher scope than
 * @scope; the core has tainted the kernel for a write scope already.
 * FWCTL_CXL_QUERY_COMMANDS is answered from the policy.
 *
 * Context: process context, with the caller's policy held stable (its
 * policy lock held for read) for the whole call.
 *
 * Return: the reply (kvfree() it), or ERR_PTR(-EINVAL) for a malformed
 * request, the policy's -EOPNOTSUPP or -EBUSY, -EPERM when the scope is
 * too low, or the mailbox's errno.
 */
void *cxl_fwctl_rpc_send(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			 void *rpc_in, size_t in_len, size_t *out_len,
			 struct pci_mmpt *mbox,
			 const struct cxl_fwctl_policy *pol,
			 cxl_fwctl_send_t send, void *priv)
{
	const struct fwctl_rpc_cxl *in = rpc_in;
	struct fwctl_rpc_cxl_out *out;
	/* Both are set whole before they are read: not cleared first. */
	struct cxl_fwctl_verdict v __uninitialized;
	struct pci_mmpt_cmd cmd __uninitialized;
	size_t out_size;
	int ret, result;
	bool ran;

	if (in_len >= sizeof(in->hdr) && in->opcode == FWCTL_CXL_QUERY_COMMANDS)
		return cxl_fwctl_query_commands(pol, in, out_len);
	if (!cxl_fwctl_rpc_check(pol, in, in_len, *out_len,
				 pci_mmpt_payload_size(mbox)))
		return ERR_PTR(-EINVAL);

	ret = cxl_fwctl_judge(pol, in->opcode, in->payload, in->op_size, &v);
	if (ret)
		return rpc_refused(uctx, in, &v, scope, ret);
	if (scope < v.needed)
		return rpc_refused(uctx, in, &v, scope, -EPERM);

	/*
	 * Room for what the caller can take, not zeroed: only the bytes the
	 * device returned are copied out (the core copies at most
	 * min(*out_len, the caller's length)), and a longer reply still
	 * reports its full length.
	 */
	out_size = min(pci_mmpt_payload_size(mbox),
		       *out_len - sizeof(out->hdr));
	out = kvmalloc(sizeof(out->hdr) + out_size, GFP_KERNEL_ACCOUNT);
	if (!out)
		return rpc_refused(uctx, in, &v, scope, -ENOMEM);
	cmd = (struct pci_mmpt_cmd){
		.opcode = in->opcode,
		.in = in->payload,
		.in_len = in->op_size,
		.out = out->payload,
		.out_size = out_size,
	};
	/*
	 * Background operations of this mailbox, not of a tunnel's target
	 * (a tunnel runs in the foreground whatever it carries). A command
	 * its CEL entry does not mark as one must not become one.
	 */
	if (!v.depth && (v.effects & CXL_CEL_BACKGROUND)) {
		cmd.flags = PCI_MMPT_CMD_BACKGROUND;
		if (v.effects & CXL_CEL_ABORT)
			cmd.flags |= PCI_MMPT_CMD_ABORTABLE;
	} else {
		cmd.flags = PCI_MMPT_CMD_FOREGROUND;
	}
	ret = send ? send(priv, &cmd) : pci_mmpt_send(mbox, &cmd);
	/*
	 * Unless the library refused it before the doorbell, the device may
	 * have acted on it, even when the wait for it failed: tell the
	 * driver either way, so its caches do not outlive the change.
	 */
	ran = ret != -EBUSY && ret != -E2BIG && ret != -EINVAL;
	result = ret ?: inner_rc(&v, &cmd);
	if (ran && pol->executed)
		pol->executed(pol->priv, &v, ret ? U16_MAX : cmd.return_code);
	cxl_fwctl_rpc_record(uctx, in, &v, scope, ran, result);
	if (ret) {
		kvfree(out);
		/* The mailbox is torn down under the RPC: the device is gone. */
		return ERR_PTR(ret == -ESHUTDOWN ? -ENODEV : ret);
	}
	out->size = cmd.out_len;
	out->retval = cmd.return_code;
	*out_len = sizeof(out->hdr) + cmd.out_len;
	return out;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc_send, "CXL_FWCTL");

/**
 * cxl_fwctl_rpc() - run one fwctl RPC on a mailbox the caller owns alone
 * @uctx: the RPC's context
 * @scope: the scope it runs at
 * @rpc_in: the request
 * @in_len: bytes at @rpc_in
 * @out_len: in: the room the caller has; out: the reply's length
 * @mbox: the mailbox
 * @pol: the device's policy inputs
 *
 * Return: as cxl_fwctl_rpc_send().
 */
void *cxl_fwctl_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		    void *rpc_in, size_t in_len, size_t *out_len,
		    struct pci_mmpt *mbox, const struct cxl_fwctl_policy *pol)
{
	return cxl_fwctl_rpc_send(uctx, scope, rpc_in, in_len, out_len, mbox,
				  pol, NULL, NULL);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc, "CXL_FWCTL");

/* Write the payload of a command sent through @depth tunnels into dst. */
static ssize_t tunnel_build(u8 *dst, size_t cap, const u8 *path,
			    unsigned int depth, u16 opcode, const void *in,
			    size_t in_len)
{
	u16 msg_op = depth == 1 ? opcode : CXL_OP_TUNNEL;
	u8 *msg = dst + CXL_TUNNEL_HDR;
	ssize_t inner;

	if (!depth) {
		if (in_len > cap)
			return -E2BIG;
		memcpy(dst, in, in_len);
		return in_len;
	}
	if (cap < CXL_TUNNEL_OVERHEAD)
		return -E2BIG;
	inner = tunnel_build(msg + CXL_CCI_MSG_HDR, cap - CXL_TUNNEL_OVERHEAD,
			     path + 1, depth - 1, opcode, in, in_len);
	if (inner < 0)
		return inner;
	dst[0] = path[0];
	dst[1] = 0;
	put_unaligned_le16(CXL_CCI_MSG_HDR + inner, dst + 2);
	memset(msg, 0, CXL_CCI_MSG_HDR);
	msg[3] = msg_op & 0xff;
	msg[4] = msg_op >> 8;
	put_unaligned_le16(inner & 0xffff, msg + 5);
	msg[7] = (inner >> 16) & 0x1f;
	return CXL_TUNNEL_OVERHEAD + inner;
}

/* Find the innermost response in a tunnelled reply. */
static int tunnel_unwrap(const u8 *p, size_t len, unsigned int depth,
			 const u8 **payload, size_t *plen, u16 *rc)
{
	const u8 *msg = p + CXL_TUNNEL_HDR;
	size_t rlen, mlen;

	if (!depth) {
		*payload = p;
		*plen = len;
		return 0;
	}
	if (len < CXL_TUNNEL_OVERHEAD)
		return -EIO;
	rlen = get_unaligned_le16(p);
	mlen = (get_unaligned_le32(msg + 4) >> 8) & GENMASK(20, 0);
	if (rlen > len - CXL_TUNNEL_HDR || rlen < CXL_CCI_MSG_HDR ||
	    (msg[0] & 0xf) != 1 || mlen > rlen - CXL_CCI_MSG_HDR)
		return -EIO;
	*rc = get_unaligned_le16(msg + 8);
	if (*rc) {
		*plen = 0;
		return 0;
	}
	return tunnel_unwrap(msg + CXL_CCI_MSG_HDR, mlen, depth - 1, payload,
			     plen, rc);
}

/**
 * cxl_fwctl_core_send() - send one of the policy's own commands through the
 *	CXL core's mailbox path
 * @cxl_mbox: the &struct cxl_mailbox of a memory device
 * @cmd: a command that never runs in the background (the CEL and feature
 *	reads)
 *
 * The &cxl_fwctl_mbox.send of a memory device: its mbox_send runs the
 * command as every command the kernel sends, under the mailbox mutex,
 * behind the sanitize fence (-EBUSY while the device sanitizes) and seen
 * by the CXL core's hooks.
 *
 * Unlike pci_mmpt_send(), it takes no flags and waits for no background
 * operation: cxl_pci checks a command that went to the background once
 * and reports -ETIMEDOUT, keeping it tracked until the device is done.
 * The reply's length is clamped to @cmd->out_size, and to the payload
 * area rather than failing with -EIO, as mbox_send always did.
 *
 * Return: 0 with the device's return code in @cmd->return_code and the
 * reply's length in @cmd->out_len (0 on a device error); -EINVAL for a
 * flagged command; or mbox_send's errno.
 */
int cxl_fwctl_core_send(void *cxl_mbox, struct pci_mmpt_cmd *cmd)
{
	struct cxl_mailbox *mbox = cxl_mbox;
	struct cxl_mbox_cmd mc = {
		.opcode = cmd->opcode,
		.payload_in = (void *)cmd->in,
		.size_in = cmd->in_len,
		.payload_out = cmd->out,
		.size_out = cmd->out_size,
	};
	int ret;

	pci_mmpt_cmd_clear_out(cmd);
	if (cmd->flags)
		return -EINVAL;
	ret = mbox->mbox_send(mbox, &mc);
	if (ret)
		return ret;
	cmd->return_code = mc.return_code;
	cmd->out_len = mc.return_code ? 0 : mc.size_out;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_core_send, "CXL_FWCTL");

/* A buffer of the mailbox's payload size, for a request or a reply. */
static void *payload_buf(const struct cxl_fwctl_mbox *mbox)
{
	return kvzalloc(pci_mmpt_payload_size(mbox->mmpt), GFP_KERNEL);
}

/*
 * The errno of a device's return code: the CXL core's table's, except for
 * the codes whose errno the policy's callers act on and userspace has
 * always been told: a command the device does not support (at all, or on
 * this mailbox), a busy device, one that asks for a retry. The core's
 * table makes them all -ENXIO.
 */
static int xfer_rc_errno(u16 rc)
{
	switch (rc) {
	case CXL_MBOX_CMD_RC_UNSUPPORTED:
	case CXL_MBOX_CMD_RC_MBUNSUPPORTED:
		return -EOPNOTSUPP;
	case CXL_MBOX_CMD_RC_BUSY:
		return -EBUSY;
	case CXL_MBOX_CMD_RC_RETRY:
		return -EAGAIN;
	}
	return cxl_mbox_cmd_rc(rc)->err;
}

/**
 * cxl_fwctl_xfer() - send a command to a mailbox or through tunnels
 * @mbox: the mailbox, and how to send on it
 * @path: port or LD ID of each tunnel level
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @opcode: the command
 * @in: its input payload
 * @in_len: bytes of @in
 * @out: buffer for the innermost output payload
 * @out_size: bytes at @out
 *
 * Return: the output length (copied up to @out_size), or a negative errno;
 * a device return code other than success gives the errno the CXL core's
 * return-code table has for it, but -EOPNOTSUPP for a command the device
 * does not support, -EBUSY when it is busy and -EAGAIN for a retry.
 */
ssize_t cxl_fwctl_xfer(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, u16 opcode, const void *in,
		       size_t in_len, void *out, size_t out_size)
{
	u8 *req __free(kvfree) = payload_buf(mbox);
	u8 *resp __free(kvfree) = payload_buf(mbox);
	size_t cap = pci_mmpt_payload_size(mbox->mmpt), plen;
	struct pci_mmpt_cmd cmd = {};
	const u8 *payload;
	ssize_t len;
	u16 rc = 0;
	int ret;

	if (!req || !resp)
		return -ENOMEM;
	len = tunnel_build(req, cap, path, depth, opcode, in, in_len);
	if (len < 0)
		return len;
	cmd.opcode = depth ? CXL_OP_TUNNEL : opcode;
	cmd.in = req;
	cmd.in_len = len;
	cmd.out = resp;
	cmd.out_size = cap;
	ret = mbox->send ? mbox->send(mbox->priv, &cmd) :
			   pci_mmpt_send(mbox->mmpt, &cmd);
	if (ret)
		return ret;
	if (cmd.return_code)
		return xfer_rc_errno(cmd.return_code);
	ret = tunnel_unwrap(resp, cmd.out_len, depth, &payload, &plen, &rc);
	if (ret)
		return ret;
	if (rc)
		return xfer_rc_errno(rc);
	memcpy(out, payload, min(plen, out_size));
	return plen;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_xfer, "CXL_FWCTL");

/**
 * cxl_fwctl_lock_fresh() - take a driver's policy for reading, read again
 *	first when it went stale
 * @lock: the lock of the policy's inputs (CEL, features)
 * @stale: set when they must be read again (a firmware activation)
 * @refresh: reads them again and clears @stale, taking @lock for writing
 *	itself; returns 0 or an errno
 * @priv: argument of @refresh
 *
 * A refresh may become due between the check and the lock: look again
 * under it. A caller killed while it waits for @lock gives up.
 *
 * Return: 0 with @lock held for reading, -EINTR when killed waiting, or
 * the errno of @refresh.
 */
int cxl_fwctl_lock_fresh(struct rw_semaphore *lock, const bool *stale,
			 int (*refresh)(void *priv), void *priv)
{
	int ret;

	for (;;) {
		if (READ_ONCE(*stale)) {
			ret = refresh(priv);
			if (ret)
				return ret;
		}
		if (down_read_killable(lock))
			return -EINTR;
		if (!READ_ONCE(*stale))
			return 0;
		up_read(lock);
	}
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_lock_fresh, "CXL_FWCTL");

/**
 * cxl_fwctl_identify() - read a component's identity with Identify
 * @mbox: the mailbox, and how to send on it
 * @path: the tunnel path to the component
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @t: filled with the component type, vendor, device and serial number
 *
 * Return: 0, -EIO for a short answer, or the errno of a failed command.
 */
int cxl_fwctl_identify(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, struct cxl_fwctl_target *t)
{
	u8 id[0x12];
	ssize_t len;

	len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_IDENTIFY, NULL, 0, id,
			     sizeof(id));
	if (len < 0)
		return len;
	if (len < sizeof(id))
		return -EIO;
	t->vendor = get_unaligned_le16(id);
	t->device = get_unaligned_le16(id + 2);
	t->serial = get_unaligned_le64(id + 8);
	t->component = id[0x11];
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_identify, "CXL_FWCTL");

/**
 * cxl_fwctl_fw_key() - what firmware a component says it runs
 * @mbox: the mailbox, and how to send on it
 * @path: the tunnel path to the component
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @key: Get FW Info's output: slot count, active and staged slot,
 *	activation capabilities, the four slots' revisions
 *
 * Return: 0, or a negative errno (-EOPNOTSUPP when it has no Get FW Info,
 * -EIO for a short answer).
 */
int cxl_fwctl_fw_key(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		     unsigned int depth, u8 key[CXL_FW_KEY_LEN])
{
	ssize_t len;

	len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_GET_FW_INFO, NULL, 0,
			     key, CXL_FW_KEY_LEN);
	if (len < 0)
		return len;
	return len < CXL_FW_KEY_LEN ? -EIO : 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_fw_key, "CXL_FWCTL");

static const u8 cxl_cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

/*
 * How long reading a component's CEL, or a memory device's features, may
 * take in all, over every command it needs: checked before each command,
 * so a read that paces its replies (or a merely slow one) lasts at most
 * this plus one command's timeout. A request may read more than one CEL
 * (the switch's, then a target's at each tunnel level).
 */
VISIBLE_IF_KUNIT unsigned int cxl_fwctl_read_budget_ms = 10000;
EXPORT_SYMBOL_IF_KUNIT(cxl_fwctl_read_budget_ms);
module_param_named(read_budget_ms, cxl_fwctl_read_budget_ms, uint, 0644);
MODULE_PARM_DESC(read_budget_ms,
		 "time reading a CEL or a feature list may take in all (ms)");

static unsigned long read_deadline(void)
{
	return jiffies + msecs_to_jiffies(READ_ONCE(cxl_fwctl_read_budget_ms));
}

/* Before each further command of a read: a kill ends it, so does time. */
static int read_go_on(unsigned long deadline)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	return time_after(jiffies, deadline) ? -ETIMEDOUT : 0;
}

#define CXL_LOG_ENTRY		0x14
#define CXL_LOGS_HDR		8
#define CXL_GET_LOG_IN		0x18
#define CXL_CEL_MAX_BYTES	(CXL_CEL_MAX_ENTRIES * 4)

/**
 * cxl_fwctl_read_cel() - read and parse a component's Command Effects Log
 * @mbox: the mailbox, and how to send on it
 * @path: the tunnel path to the component
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @celp: the parsed log, kvfree() it
 *
 * Get Supported Logs, then Get Log for the CEL: whole when it fits one
 * reply (QEMU 10 counts Get Log offsets in entries, so a log that fits is
 * never split), otherwise in chunks with byte offsets as the spec says.
 * A reply shorter than the chunk asked for ends the log, and the read
 * ends after cxl_fwctl_read_budget_ms or when the caller is killed: a
 * device cannot pace it into hours.
 *
 * Return: 0, -ENOENT when the device lists no CEL, -EIO for a malformed
 * answer, -ETIMEDOUT past the budget, -EINTR when the caller was
 * killed, or the errno of a failed command.
 */
int cxl_fwctl_read_cel(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, struct cxl_cel **celp)
{
	u8 *logs __free(kvfree) = payload_buf(mbox);
	u8 *log __free(kvfree) = NULL;
	size_t cap = pci_mmpt_payload_size(mbox->mmpt);
	size_t chunk = (cap - depth * CXL_TUNNEL_OVERHEAD) & ~3UL;
	u8 in[CXL_GET_LOG_IN];
	unsigned long deadline = read_deadline();
	size_t size = 0, off, want, i, n;
	bool found = false;
	ssize_t len;
	int ret;

	if (!logs)
		return -ENOMEM;
	len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_GET_SUPPORTED_LOGS,
			     NULL, 0, logs, cap);
	if (len < 0)
		return len;
	if (len < CXL_LOGS_HDR)
		return -EIO;
	n = get_unaligned_le16(logs);
	if (CXL_LOGS_HDR + n * CXL_LOG_ENTRY > len)
		return -EIO;
	for (i = 0; i < n; i++) {
		const u8 *e = logs + CXL_LOGS_HDR + i * CXL_LOG_ENTRY;

		if (!memcmp(e, cxl_cel_uuid, sizeof(cxl_cel_uuid))) {
			size = get_unaligned_le32(e + 16);
			found = true;
			break;
		}
	}
	if (!found)
		return -ENOENT;
	if (size > CXL_CEL_MAX_BYTES || size % 4)
		return -EIO;

	log = kvzalloc(size ?: 1, GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	for (off = 0; off < size; off += want) {
		ret = read_go_on(deadline);
		if (ret)
			return ret;
		want = min(size - off, chunk);
		memcpy(in, cxl_cel_uuid, sizeof(cxl_cel_uuid));
		put_unaligned_le32(off, in + 16);
		put_unaligned_le32(want, in + 20);
		len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_GET_LOG, in,
				     sizeof(in), log + off, want);
		if (len < 0)
			return len;
		/*
		 * The whole chunk, or less (nothing included) as the end of
		 * the log, as the CXL core reads it: every short reply is the
		 * last, so a device cannot pace the read in small pieces.
		 */
		if (len > want || len % 4)
			return -EIO;
		if (len < want) {
			size = off + len;
			break;
		}
	}
	return cxl_cel_parse(log, size, celp);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_read_cel, "CXL_FWCTL");

#define CXL_FEATS_IN		8
#define CXL_FEATS_HDR		8
/* More than any device lists; bounds a device that keeps answering. */
#define CXL_FEATS_MAX		1024

/**
 * cxl_fwctl_read_features() - read the device's supported features
 * @mbox: the mailbox, and how to send on it
 * @featsp: the features, kvfree() it; NULL when there are none
 * @nr: entries of @featsp
 *
 * Get Supported Features from index 0 until the device has listed all it
 * says it supports, as many entries per command as the payload holds,
 * going on from what a shorter page listed as the CXL core does, within
 * the budget of cxl_fwctl_read_cel().
 *
 * Return: 0, -EIO for a malformed answer, -ETIMEDOUT past the
 * budget, -EINTR when the caller was killed, or the errno of a failed
 * command.
 */
int cxl_fwctl_read_features(const struct cxl_fwctl_mbox *mbox, struct cxl_feature **featsp,
			    unsigned int *nr)
{
	u8 *buf __free(kvfree) = payload_buf(mbox);
	struct cxl_feature *feats __free(kvfree) = NULL;
	size_t cap = pci_mmpt_payload_size(mbox->mmpt);
	size_t room = (cap - CXL_FEATS_HDR) / CXL_FEATURE_ENTRY;
	unsigned long deadline = read_deadline();
	unsigned int total = 0, n = 0, got, i;
	u8 in[CXL_FEATS_IN] = {};
	ssize_t len;
	int ret;

	*featsp = NULL;
	*nr = 0;
	if (!buf)
		return -ENOMEM;
	do {
		ret = read_go_on(deadline);
		if (ret)
			return ret;
		put_unaligned_le32(CXL_FEATS_HDR + room * CXL_FEATURE_ENTRY, in);
		put_unaligned_le16(n, in + 4);
		len = cxl_fwctl_xfer(mbox, NULL, 0, CXL_OP_GET_SUPPORTED_FEATURES,
				     in, sizeof(in), buf, cap);
		if (len < 0)
			return len;
		if (len < CXL_FEATS_HDR)
			return -EIO;
		got = get_unaligned_le16(buf);
		if (!feats) {
			total = get_unaligned_le16(buf + 2);
			if (!total)
				return 0;
			if (total > CXL_FEATS_MAX)
				return -EIO;
			feats = kvcalloc(total, sizeof(*feats), GFP_KERNEL);
			if (!feats)
				return -ENOMEM;
		}
		if (!got || got > total - n ||
		    CXL_FEATS_HDR + got * CXL_FEATURE_ENTRY > len)
			return -EIO;
		for (i = 0; i < got; i++) {
			const u8 *e = buf + CXL_FEATS_HDR + i * CXL_FEATURE_ENTRY;
			struct cxl_feature *f = &feats[n + i];

			memcpy(f->entry, e, sizeof(f->entry));
			memcpy(f->uuid, e, sizeof(f->uuid));
			f->get_size = get_unaligned_le16(e + 0x12);
			f->set_size = get_unaligned_le16(e + 0x14);
			f->flags = get_unaligned_le32(e + 0x16);
			f->set_effects = get_unaligned_le16(e + 0x1c);
		}
		n += got;
	} while (n < total);
	*featsp = no_free_ptr(feats);
	*nr = n;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_read_features, "CXL_FWCTL");

