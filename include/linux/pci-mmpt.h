/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCIe Management Messaging Pass-Through (MMPT) mailboxes: the register
 * protocol shared by the CXL mailbox and other PCI management mailboxes.
 * The library knows the registers and nothing of any command set.
 */
#ifndef _LINUX_PCI_MMPT_H
#define _LINUX_PCI_MMPT_H

#include <linux/bits.h>
#include <linux/interrupt.h>
#include <linux/types.h>

struct device;
struct pci_dev;

/* Register offsets from the start of the mailbox capability. */
#define PCI_MMPT_CAPS			0x00
#define   PCI_MMPT_CAPS_PAYLOAD_SIZE	GENMASK(4, 0)
#define   PCI_MMPT_CAPS_DOORBELL_IRQ	BIT(5)
#define   PCI_MMPT_CAPS_BG_IRQ		BIT(6)
#define   PCI_MMPT_CAPS_MSGNUM		GENMASK(10, 7)
#define   PCI_MMPT_CAPS_READY_TIME	GENMASK(18, 11)
#define   PCI_MMPT_CAPS_TYPE		GENMASK(22, 19)
#define PCI_MMPT_CTRL			0x04
#define   PCI_MMPT_CTRL_DOORBELL	BIT(0)
#define   PCI_MMPT_CTRL_DOORBELL_IRQ	BIT(1)
#define   PCI_MMPT_CTRL_BG_IRQ		BIT(2)
#define PCI_MMPT_CMD			0x08
#define   PCI_MMPT_CMD_OPCODE		GENMASK_ULL(15, 0)
#define   PCI_MMPT_CMD_LENGTH		GENMASK_ULL(36, 16)
#define PCI_MMPT_STATUS			0x10
#define   PCI_MMPT_STATUS_BG		BIT_ULL(0)
#define   PCI_MMPT_STATUS_RC		GENMASK_ULL(47, 32)
#define   PCI_MMPT_STATUS_VENDOR	GENMASK_ULL(63, 48)
#define PCI_MMPT_BG_STATUS		0x18
#define   PCI_MMPT_BG_OPCODE		GENMASK_ULL(15, 0)
#define   PCI_MMPT_BG_PERCENT		GENMASK_ULL(22, 16)
#define   PCI_MMPT_BG_RC		GENMASK_ULL(47, 32)
#define   PCI_MMPT_BG_VENDOR		GENMASK_ULL(63, 48)
#define PCI_MMPT_PAYLOAD		0x20

#define PCI_MMPT_MIN_PAYLOAD		256
#define PCI_MMPT_MAX_PAYLOAD		SZ_1M

/*
 * The two return codes the register protocol itself gives a meaning to:
 * the command completed, or it went on in the background. Every other code
 * belongs to the command set and is the consumer's to interpret.
 */
#define PCI_MMPT_RC_SUCCESS		0x00
#define PCI_MMPT_RC_BACKGROUND		0x01

/**
 * enum pci_mmpt_cmd_flags - how pci_mmpt_send() treats a command
 * @PCI_MMPT_CMD_BACKGROUND: the command may start a background operation.
 *	Refused with -EBUSY while another runs, before it reaches the device
 *	(one the device finished unseen gives up the slot first). A command
 *	the device runs in the background is tracked whether flagged or not.
 * @PCI_MMPT_CMD_ABORTABLE: when the wait for its background operation
 *	times out or a fatal signal ends it, ask the device to abort it with
 *	the command set's abort request (&pci_mmpt_config.abort_opcode);
 *	-EINVAL on a mailbox whose command set has none
 * @PCI_MMPT_CMD_NO_WAIT: return as soon as the background operation has
 *	started; the caller owns it through &pci_mmpt_cmd.bg_handle and ends
 *	it with pci_mmpt_bg_wait() or pci_mmpt_bg_notify()
 * @PCI_MMPT_CMD_CLAMP_LEN: a reply length beyond the payload area is
 *	clamped to the payload area (warned about once) instead of failing
 *	with -EIO; for consumers whose ABI always did so
 * @PCI_MMPT_CMD_FOREGROUND: the command never starts a background
 *	operation (the caller knows it from the device's Command Effects
 *	Log). A device that answers "background command started" anyway is
 *	lying: the command fails with -EPROTO, the device is asked to abort
 *	the operation when no other background command is tracked (and the
 *	command set has an abort request), and the
 *	background slot is not taken, so nothing waits on it or watches it
 */
enum pci_mmpt_cmd_flags {
	PCI_MMPT_CMD_BACKGROUND = BIT(0),
	PCI_MMPT_CMD_ABORTABLE = BIT(1),
	PCI_MMPT_CMD_NO_WAIT = BIT(2),
	PCI_MMPT_CMD_CLAMP_LEN = BIT(3),
	PCI_MMPT_CMD_FOREGROUND = BIT(4),
};

/**
 * struct pci_mmpt_cmd - one mailbox command
 * @opcode: the command's opcode
 * @flags: &enum pci_mmpt_cmd_flags
 * @in: input payload, or NULL when @in_len is 0
 * @in_len: bytes of input; at most the mailbox payload size
 * @out: buffer for the output payload, or NULL
 * @out_size: bytes available at @out
 * @timeout_ms: for a background command pci_mmpt_send() waits for, how
 *	long to wait; 0 means the mailbox's default background timeout
 * @out_len: out: the output length the device reported. At most
 *	min(@out_size, @out_len) bytes were copied.
 * @return_code: out: the device's return code (for a background command
 *	that the library waited for, the final one)
 * @vendor_status: out: the device's vendor-specific status
 * @background: out: the device ran the command in the background
 * @bg_handle: out: with %PCI_MMPT_CMD_NO_WAIT, non-zero while the caller
 *	owns the background command; pci_mmpt_bg_wait() and
 *	pci_mmpt_bg_notify() take it and set it to 0
 */
struct pci_mmpt_cmd {
	u16 opcode;
	u32 flags;
	const void *in;
	size_t in_len;
	void *out;
	size_t out_size;
	unsigned int timeout_ms;
	size_t out_len;
	u16 return_code;
	u16 vendor_status;
	bool background;
	u32 bg_handle;
};

/**
 * pci_mmpt_cmd_clear_out() - reset what a send reports in a command
 * @cmd: the command
 *
 * For pci_mmpt_send() and for transports that report like it: nothing of
 * a previous send survives a send that fails before the device answers.
 */
static inline void pci_mmpt_cmd_clear_out(struct pci_mmpt_cmd *cmd)
{
	cmd->out_len = 0;
	cmd->return_code = 0;
	cmd->vendor_status = 0;
	cmd->background = false;
	cmd->bg_handle = 0;
}

/**
 * struct pci_mmpt_bg_status - the Background Command Status register
 * @opcode: the background command's opcode
 * @percent: percent complete, 0-100
 * @return_code: its return code, valid once @running is false
 * @vendor_status: its vendor-specific status
 * @running: the device still reports a background operation running
 */
struct pci_mmpt_bg_status {
	u16 opcode;
	u8 percent;
	u16 return_code;
	u16 vendor_status;
	bool running;
};

struct pci_mmpt;

/**
 * typedef pci_mmpt_bg_done_t - called when a background operation ended
 * @mbox: the mailbox
 * @st: its final status (valid when @err is 0)
 * @err: 0; -EPROTO when the device reported another command completed;
 *	-ESHUTDOWN when the mailbox's teardown ended the watch (not
 *	pci_mmpt_end_waits())
 * @ctx: the caller's argument of pci_mmpt_bg_notify()
 *
 * Called exactly once per accepted pci_mmpt_bg_notify(), from a workqueue,
 * after the background slot was freed.
 */
typedef void (*pci_mmpt_bg_done_t)(struct pci_mmpt *mbox,
				   const struct pci_mmpt_bg_status *st,
				   int err, void *ctx);

/**
 * struct pci_mmpt_config - what a consumer tells devm_pci_mmpt_create()
 * @timeout_ms: how long a doorbell may stay set before the command fails
 *	with -ETIMEDOUT (default 2000)
 * @bg_timeout_ms: default wait for a background command (default 60000)
 * @ready_timeout_ms: bound on the readiness wait at init (default: the
 *	ready time the device advertises, at least 1000)
 * @ready: optional extra readiness condition (for example a device status
 *	bit); polled with the doorbell until both hold
 * @ctx: argument of @ready
 * @abort_opcode: the command set's request to abort the background
 *	operation (CXL: Request Abort Background Operation); 0 when it has
 *	none
 * @aborted_rc: the return code the command set gives a background
 *	operation that was aborted; with @abort_opcode, neither 0 nor 1
 *
 * The library knows the registers, not the command set that runs over
 * them: what it must send to abort, and how the device then reports the
 * aborted command, come from here.
 */
struct pci_mmpt_config {
	unsigned int timeout_ms;
	unsigned int bg_timeout_ms;
	unsigned int ready_timeout_ms;
	bool (*ready)(void *ctx);
	void *ctx;
	u16 abort_opcode;
	u16 aborted_rc;
};

struct pci_mmpt *devm_pci_mmpt_create(struct device *dev,
				      void __iomem *base, size_t size,
				      const struct pci_mmpt_config *cfg);
size_t pci_mmpt_payload_size(const struct pci_mmpt *mbox);
unsigned int pci_mmpt_bg_timeout_ms(const struct pci_mmpt *mbox);
void pci_mmpt_end_waits(struct pci_mmpt *mbox);
int pci_mmpt_msgnum(const struct pci_mmpt *mbox);
int pci_mmpt_request_irq(struct pci_mmpt *mbox, int irq);
irqreturn_t pci_mmpt_irq(int irq, void *mbox);
int pci_mmpt_send(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd);
int pci_mmpt_bg_status(struct pci_mmpt *mbox, struct pci_mmpt_bg_status *st);
int pci_mmpt_bg_wait(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
		     unsigned int timeout_ms);
int pci_mmpt_bg_notify(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
		       pci_mmpt_bg_done_t done, void *ctx);

#endif
