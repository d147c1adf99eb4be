// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fwctl RPC path of CXL mailboxes: validate the request, judge it with
 * the policy, run it on the MMPT mailbox, return the reply; and commands
 * sent through tunnels, used to read the CEL of the components behind a
 * switch.
 */
#include <linux/fwctl.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <uapi/fwctl/cxl.h>

#include "cxl_fwctl.h"

/* Bytes each tunnel level adds: its header and the CCI message header. */
#define CXL_TUNNEL_OVERHEAD (CXL_TUNNEL_HDR + CXL_CCI_MSG_HDR)

/**
 * cxl_fwctl_rpc_send() - run one fwctl RPC on a CXL mailbox
 * @mbox: the mailbox
 * @pol: the device's policy inputs
 * @req: the RPC, see &struct fwctl_rpc_req
 * @send: runs the command; NULL for pci_mmpt_send() on @mbox
 * @priv: argument of @send
 *
 * Return: 0 with the reply in @req, -EINVAL for a malformed request, the
 * policy's -EOPNOTSUPP or -EBUSY, -EPERM when the scope is too low, or the
 * mailbox's errno.
 */
int cxl_fwctl_rpc_send(struct pci_mmpt *mbox,
		       const struct cxl_fwctl_policy *pol,
		       struct fwctl_rpc_req *req, cxl_fwctl_send_t send,
		       void *priv)
{
	const struct fwctl_rpc_cxl *in = req->in;
	struct fwctl_rpc_cxl_out *out;
	struct cxl_fwctl_verdict v;
	struct pci_mmpt_cmd cmd;
	size_t out_size;
	int ret;

	if (req->in_len < sizeof(*in) || req->out_len < sizeof(*out) ||
	    in->flags || in->reserved1 || in->opcode > U16_MAX ||
	    in->op_size != req->in_len - sizeof(*in) ||
	    in->op_size > mbox->payload_size)
		return -EINVAL;
	req->cmd = in->opcode;

	ret = cxl_fwctl_judge(pol, in->opcode, in->payload, in->op_size, &v);
	req->needed = v.needed;
	if (ret)
		return ret;
	if (req->scope < v.needed)
		return -EPERM;

	/*
	 * Room for what the caller can take, not zeroed: only the bytes the
	 * device returned are copied out (the core copies at most
	 * min(req->out_len, the caller's length)), and a longer reply still
	 * reports its full length.
	 */
	out_size = min(mbox->payload_size, req->out_len - sizeof(*out));
	out = kvmalloc(sizeof(*out) + out_size, GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	cmd = (struct pci_mmpt_cmd){
		.opcode = in->opcode,
		.in = in->payload,
		.in_len = in->op_size,
		.out = out->payload,
		.out_size = out_size,
	};
	/* Background operations of this mailbox, not of a tunnel's target. */
	if (!v.depth && (v.effects & CXL_CEL_BACKGROUND)) {
		cmd.flags = PCI_MMPT_CMD_BACKGROUND;
		if (v.effects & CXL_CEL_ABORT)
			cmd.flags |= PCI_MMPT_CMD_ABORTABLE;
	}
	ret = send ? send(priv, &cmd) : pci_mmpt_send(mbox, &cmd);
	/* Refused by the library before the doorbell rang: nothing ran. */
	req->executed = ret != -EBUSY && ret != -E2BIG && ret != -EINVAL &&
			!(ret == -ESHUTDOWN && (cmd.flags & PCI_MMPT_CMD_BACKGROUND));
	if (ret) {
		kvfree(out);
		return ret;
	}
	out->size = cmd.out_len;
	out->retval = cmd.return_code;
	req->out = out;
	req->out_len = sizeof(*out) + cmd.out_len;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc_send, CXL_FWCTL);

/**
 * cxl_fwctl_rpc() - run one fwctl RPC on a mailbox the caller owns alone
 * @mbox: the mailbox
 * @pol: the device's policy inputs
 * @req: the RPC, see &struct fwctl_rpc_req
 *
 * Return: as cxl_fwctl_rpc_send().
 */
int cxl_fwctl_rpc(struct pci_mmpt *mbox, const struct cxl_fwctl_policy *pol,
		  struct fwctl_rpc_req *req)
{
	return cxl_fwctl_rpc_send(mbox, pol, req, NULL, NULL);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_rpc, CXL_FWCTL);

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
 * cxl_fwctl_xfer() - send a command to a mailbox or through tunnels
 * @mbox: the mailbox
 * @path: port or LD ID of each tunnel level
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @opcode: the command
 * @in: its input payload
 * @in_len: bytes of @in
 * @out: buffer for the innermost output payload
 * @out_size: bytes at @out
 *
 * Return: the output length (copied up to @out_size), or a negative errno;
 * a device return code other than success gives its pci_mmpt_rc_errno().
 */
ssize_t cxl_fwctl_xfer(struct pci_mmpt *mbox, const u8 *path,
		       unsigned int depth, u16 opcode, const void *in,
		       size_t in_len, void *out, size_t out_size)
{
	u8 *req __free(kvfree) = kvzalloc(mbox->payload_size, GFP_KERNEL);
	u8 *resp __free(kvfree) = kvzalloc(mbox->payload_size, GFP_KERNEL);
	size_t cap = mbox->payload_size, plen;
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
	ret = pci_mmpt_send(mbox, &cmd);
	if (ret)
		return ret;
	if (cmd.return_code)
		return pci_mmpt_rc_errno(cmd.return_code);
	ret = tunnel_unwrap(resp, cmd.out_len, depth, &payload, &plen, &rc);
	if (ret)
		return ret;
	if (rc)
		return pci_mmpt_rc_errno(rc);
	memcpy(out, payload, min(plen, out_size));
	return plen;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_xfer, CXL_FWCTL);

static const u8 cxl_cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

#define CXL_LOG_ENTRY		0x14
#define CXL_LOGS_HDR		8
#define CXL_GET_LOG_IN		0x18
#define CXL_CEL_MAX_BYTES	(CXL_CEL_MAX_ENTRIES * 4)

/**
 * cxl_fwctl_read_cel() - read and parse a component's Command Effects Log
 * @mbox: the mailbox
 * @path: the tunnel path to the component
 * @depth: tunnel levels, 0 for the mailbox's own component
 * @celp: the parsed log, kvfree() it
 *
 * Get Supported Logs, then Get Log for the CEL: whole when it fits one
 * reply (QEMU 10 counts Get Log offsets in entries, so a log that fits is
 * never split), otherwise in chunks with byte offsets as the spec says.
 *
 * Return: 0, -ENOENT when the device lists no CEL, -EIO for a malformed
 * answer, or the errno of a failed command.
 */
int cxl_fwctl_read_cel(struct pci_mmpt *mbox, const u8 *path,
		       unsigned int depth, struct cxl_cel **celp)
{
	u8 *logs __free(kvfree) = kvzalloc(mbox->payload_size, GFP_KERNEL);
	u8 *log __free(kvfree) = NULL;
	size_t chunk = (mbox->payload_size - depth * CXL_TUNNEL_OVERHEAD) & ~3UL;
	u8 in[CXL_GET_LOG_IN];
	size_t size = 0, off, i, n;
	bool found = false;
	ssize_t len;

	if (!logs)
		return -ENOMEM;
	len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_GET_SUPPORTED_LOGS,
			     NULL, 0, logs, mbox->payload_size);
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
	for (off = 0; off < size; off += len) {
		memcpy(in, cxl_cel_uuid, sizeof(cxl_cel_uuid));
		put_unaligned_le32(off, in + 16);
		put_unaligned_le32(min(size - off, chunk), in + 20);
		len = cxl_fwctl_xfer(mbox, path, depth, CXL_OP_GET_LOG, in,
				     sizeof(in), log + off, size - off);
		if (len < 0)
			return len;
		if (!len || len > size - off)
			return -EIO;
	}
	return cxl_cel_parse(log, size, celp);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_read_cel, CXL_FWCTL);

#define CXL_FEATS_IN		8
#define CXL_FEATS_HDR		8
/* More than any device lists; bounds a device that keeps answering. */
#define CXL_FEATS_MAX		1024

/**
 * cxl_fwctl_read_features() - read the device's supported features
 * @mbox: the mailbox
 * @featsp: the features, kvfree() it; NULL when there are none
 * @nr: entries of @featsp
 *
 * Get Supported Features from index 0 until the device has listed all it
 * says it supports, as many entries per command as the payload holds.
 *
 * Return: 0, -EIO for a malformed answer, or the errno of a failed command.
 */
int cxl_fwctl_read_features(struct pci_mmpt *mbox, struct cxl_feature **featsp,
			    unsigned int *nr)
{
	u8 *buf __free(kvfree) = kvzalloc(mbox->payload_size, GFP_KERNEL);
	struct cxl_feature *feats __free(kvfree) = NULL;
	size_t room = (mbox->payload_size - CXL_FEATS_HDR) / CXL_FEATURE_ENTRY;
	unsigned int total = 0, n = 0, got, i;
	u8 in[CXL_FEATS_IN] = {};
	ssize_t len;

	*featsp = NULL;
	*nr = 0;
	if (!buf)
		return -ENOMEM;
	do {
		put_unaligned_le32(CXL_FEATS_HDR + room * CXL_FEATURE_ENTRY, in);
		put_unaligned_le16(n, in + 4);
		len = cxl_fwctl_xfer(mbox, NULL, 0, CXL_OP_GET_SUPPORTED_FEATURES,
				     in, sizeof(in), buf, mbox->payload_size);
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
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_read_features, CXL_FWCTL);
