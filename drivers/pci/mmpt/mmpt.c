// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIe Management Messaging Pass-Through mailbox library.
 *
 * One command at a time per mailbox: write the payload and the command
 * register, ring the doorbell, wait for it to clear (interrupt when the
 * device has one, with polling at a bounded interval as a safety net), read
 * status, the reported output length and only that many payload bytes.
 * Background commands (return code 1) are tracked so only one runs at a
 * time, and waited for through the background status register.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci-mmpt.h>
#include <linux/sched/signal.h>
#include <linux/unaligned.h>

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Doorbell reads spent spinning before the first sleep. */
#define MMPT_SPIN_READS		8

/*
 * How a wait sleeps between checks: intervals that double from min_us to
 * max_us, on the mailbox wait queue when the interrupt @irq is enabled (so
 * it wakes early), with a plain sleep otherwise. The interval stays bounded
 * with interrupts too: an interrupt that never comes costs at most max_us.
 */
struct mmpt_wait {
	unsigned int min_us;
	unsigned int max_us;
	u32 irq;
};

static const struct mmpt_wait mmpt_doorbell_iv = {
	.min_us = 10, .max_us = 20000, .irq = PCI_MMPT_CTRL_DOORBELL_IRQ,
};

static const struct mmpt_wait mmpt_bg_iv = {
	.min_us = 500, .max_us = 100000, .irq = PCI_MMPT_CTRL_BG_IRQ,
};

static const struct mmpt_wait mmpt_ready_iv = {
	.min_us = 500, .max_us = 100000,
};

/* A wait condition: true when done, with the wait's result in *ret. */
typedef bool (*mmpt_cond_t)(struct pci_mmpt *mbox, void *arg, int *ret);

/* An interrupt arrived since @seen, or pci_mmpt_destroy() runs. */
static bool mmpt_woken(struct pci_mmpt *mbox, int seen)
{
	return atomic_read(&mbox->irq_count) != seen || READ_ONCE(mbox->dying);
}

/*
 * Wait until @cond holds, checking it at least once, for at most @timeout
 * jiffies (MAX_SCHEDULE_TIMEOUT: no limit). A killable wait ends with
 * -EINTR on a fatal signal.
 */
static int mmpt_poll(struct pci_mmpt *mbox, const struct mmpt_wait *w,
		     mmpt_cond_t cond, void *arg, unsigned long timeout,
		     bool killable)
{
	unsigned long deadline = jiffies + timeout;
	unsigned int delay = w->min_us;
	int seen, ret;

	for (;;) {
		seen = atomic_read(&mbox->irq_count);
		if (cond(mbox, arg, &ret))
			return ret;
		if (timeout != MAX_SCHEDULE_TIMEOUT &&
		    !time_before(jiffies, deadline))
			return -ETIMEDOUT;
		if (killable && fatal_signal_pending(current))
			return -EINTR;
		if (READ_ONCE(mbox->ctrl) & w->irq) {
			unsigned long j = usecs_to_jiffies(delay);

			if (killable)
				wait_event_killable_timeout(mbox->wq,
							    mmpt_woken(mbox, seen),
							    j);
			else
				wait_event_timeout(mbox->wq,
						   mmpt_woken(mbox, seen), j);
		} else {
			usleep_range(delay, delay + delay / 4);
		}
		delay = min(delay * 2, w->max_us);
	}
}

static int mmpt_ctrl(struct pci_mmpt *mbox, u32 *ctrl)
{
	*ctrl = readl(mbox->base + PCI_MMPT_CTRL);
	/* A function that went away reads all ones. */
	return *ctrl == U32_MAX ? -ENODEV : 0;
}

/* Doorbell clear or device gone. */
static bool mmpt_doorbell_done(struct pci_mmpt *mbox, void *arg, int *ret)
{
	u32 ctrl;

	*ret = mmpt_ctrl(mbox, &ctrl);
	return *ret || !(ctrl & PCI_MMPT_CTRL_DOORBELL);
}

/*
 * Wait for the doorbell to clear within timeout_ms. Spin for a few reads
 * since most devices answer at once, then sleep (see mmpt_poll()).
 */
static int mmpt_wait_doorbell(struct pci_mmpt *mbox, unsigned int timeout_ms,
			      bool *by_irq)
{
	int i, ret;

	*by_irq = false;
	for (i = 0; i < MMPT_SPIN_READS; i++) {
		if (mmpt_doorbell_done(mbox, NULL, &ret))
			return ret;
		udelay(1);
	}
	*by_irq = mbox->ctrl & PCI_MMPT_CTRL_DOORBELL_IRQ;
	return mmpt_poll(mbox, &mmpt_doorbell_iv, mmpt_doorbell_done, NULL,
			 msecs_to_jiffies(timeout_ms), false);
}

/* 64-bit accesses; a partial last qword is padded (writes) or trimmed. */
static void mmpt_write_payload(struct pci_mmpt *mbox, const u8 *buf,
			       size_t len)
{
	void __iomem *dst = mbox->base + PCI_MMPT_PAYLOAD;
	u8 tail[8] = {};
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		writeq(get_unaligned_le64(buf + i), dst + i);
	if (i < len) {
		memcpy(tail, buf + i, len - i);
		writeq(get_unaligned_le64(tail), dst + i);
	}
}

static void mmpt_read_payload(struct pci_mmpt *mbox, u8 *buf, size_t len)
{
	void __iomem *src = mbox->base + PCI_MMPT_PAYLOAD;
	u8 tail[8];
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		put_unaligned_le64(readq(src + i), buf + i);
	if (i < len) {
		put_unaligned_le64(readq(src + i), tail);
		memcpy(buf + i, tail, len - i);
	}
}

/* Claim the mailbox's single background slot. */
static bool mmpt_bg_claim(struct pci_mmpt *mbox, u16 opcode)
{
	bool claimed = false;

	spin_lock(&mbox->state_lock);
	if (!mbox->bg_running) {
		mbox->bg_running = true;
		mbox->bg_opcode = opcode;
		mbox->bg_start = ktime_get();
		claimed = true;
	}
	spin_unlock(&mbox->state_lock);
	return claimed;
}

static void mmpt_bg_release(struct pci_mmpt *mbox)
{
	spin_lock(&mbox->state_lock);
	mbox->bg_running = false;
	spin_unlock(&mbox->state_lock);
}

/* One doorbell cycle; called with mbox->lock held. */
static int mmpt_exec(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
		     bool *by_irq)
{
	u64 status, reg;
	size_t len;
	u32 ctrl;
	int ret;

	lockdep_assert_held(&mbox->lock);
	*by_irq = false;

	/* Skip the idle check when the last command left the doorbell clear. */
	if (!mbox->idle_known) {
		ret = mmpt_ctrl(mbox, &ctrl);
		if (ret)
			return ret;
		if (ctrl & PCI_MMPT_CTRL_DOORBELL)
			return -EBUSY;
		if (mbox->stuck)
			dev_info(mbox->dev, "mailbox doorbell clear again, mailbox usable\n");
		mbox->stuck = false;
		mbox->idle_known = true;
	}

	if (cmd->in_len)
		mmpt_write_payload(mbox, cmd->in, cmd->in_len);
	writeq(FIELD_PREP(PCI_MMPT_CMD_OPCODE, cmd->opcode) |
	       FIELD_PREP(PCI_MMPT_CMD_LENGTH, cmd->in_len),
	       mbox->base + PCI_MMPT_CMD);
	writel(mbox->ctrl | PCI_MMPT_CTRL_DOORBELL, mbox->base + PCI_MMPT_CTRL);
	mbox->idle_known = false;

	ret = mmpt_wait_doorbell(mbox, mbox->timeout_ms, by_irq);
	if (ret == -ETIMEDOUT) {
		mbox->stuck = true;
		dev_err_ratelimited(mbox->dev,
				    "mailbox command %#06x: doorbell still set after %u ms, mailbox unusable until it clears\n",
				    cmd->opcode, mbox->timeout_ms);
	}
	if (ret)
		return ret;
	mbox->idle_known = true;

	status = readq(mbox->base + PCI_MMPT_STATUS);
	if (status == U64_MAX)
		return -ENODEV;
	cmd->return_code = FIELD_GET(PCI_MMPT_STATUS_RC, status);
	cmd->vendor_status = FIELD_GET(PCI_MMPT_STATUS_VENDOR, status);
	if (cmd->return_code != PCI_MMPT_RC_SUCCESS)
		return 0;

	reg = readq(mbox->base + PCI_MMPT_CMD);
	if (reg == U64_MAX)
		return -ENODEV;
	len = FIELD_GET(PCI_MMPT_CMD_LENGTH, reg);
	if (len > mbox->payload_size) {
		dev_err_ratelimited(mbox->dev,
				    "mailbox command %#06x: device reported a %zu byte reply, the payload area holds %zu\n",
				    cmd->opcode, len, mbox->payload_size);
		return -EIO;
	}
	cmd->out_len = len;
	if (cmd->out_size && len)
		mmpt_read_payload(mbox, cmd->out, min(len, cmd->out_size));
	return 0;
}

/**
 * pci_mmpt_send() - run one mailbox command
 * @mbox: the mailbox
 * @cmd: the command; see &struct pci_mmpt_cmd for what is filled in
 *
 * Callers from any number of threads are served one at a time, in order.
 * The device's return code is in @cmd->return_code; a device error is not
 * a failure of this function (pci_mmpt_rc_errno() maps it).
 *
 * A command the device runs in the background holds the mailbox's single
 * background slot until it is seen to finish. Unless @cmd->flags has
 * %PCI_MMPT_CMD_NO_WAIT this waits for that, without holding the mailbox,
 * and reports the final return code.
 *
 * Context: process context, may sleep.
 * Return: 0 when the device answered; -E2BIG when the input exceeds the
 * payload area; -EINVAL for inconsistent buffers; -EBUSY when a background
 * command is asked for while one runs, or the mailbox is unusable after a
 * stuck doorbell; -ETIMEDOUT when the doorbell or the background command
 * did not finish in time; -ENODEV when the device reads all ones; -EIO when
 * the device reports a reply longer than the payload area (nothing is
 * copied); -EINTR when a fatal signal interrupted a background wait.
 */
int pci_mmpt_send(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd)
{
	bool by_irq, bg = cmd->flags & PCI_MMPT_CMD_BACKGROUND;
	/* Time the command only for the tracepoint: off, it costs nothing. */
	bool traced = trace_pci_mmpt_cmd_enabled();
	ktime_t start = traced ? ktime_get() : 0;
	struct pci_mmpt_bg_status st;
	int ret;

	cmd->out_len = 0;
	cmd->return_code = 0;
	cmd->vendor_status = 0;
	cmd->background = false;
	if (cmd->in_len > mbox->payload_size)
		return -E2BIG;
	if ((cmd->in_len && !cmd->in) || (cmd->out_size && !cmd->out))
		return -EINVAL;
	if (bg && !mmpt_bg_claim(mbox, cmd->opcode))
		return -EBUSY;

	scoped_guard(mutex, &mbox->lock)
		ret = mmpt_exec(mbox, cmd, &by_irq);
	if (traced)
		trace_pci_mmpt_cmd(mbox, cmd,
				   ktime_to_ns(ktime_sub(ktime_get(), start)),
				   by_irq, ret);

	if (ret || cmd->return_code != PCI_MMPT_RC_BACKGROUND) {
		if (bg)
			mmpt_bg_release(mbox);
		return ret;
	}

	cmd->background = true;
	if (!bg) {
		/* Not announced as one: track it so no other starts. */
		if (!mmpt_bg_claim(mbox, cmd->opcode))
			dev_warn_ratelimited(mbox->dev,
					     "mailbox command %#06x went to the background while another one runs\n",
					     cmd->opcode);
	}
	if (cmd->flags & PCI_MMPT_CMD_NO_WAIT)
		return 0;

	ret = pci_mmpt_bg_wait(mbox, cmd->timeout_ms, &st);
	if (ret == -ETIMEDOUT && (cmd->flags & PCI_MMPT_CMD_ABORTABLE) &&
	    !pci_mmpt_bg_abort(mbox))
		dev_notice(mbox->dev,
			   "mailbox background command %#06x aborted after timeout\n",
			   cmd->opcode);
	if (ret)
		return ret;
	cmd->return_code = st.return_code;
	cmd->vendor_status = st.vendor_status;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_send, PCI_MMPT);

static int mmpt_read_bg(struct pci_mmpt *mbox, struct pci_mmpt_bg_status *st)
{
	u64 status, reg;

	status = readq(mbox->base + PCI_MMPT_STATUS);
	if (status == U64_MAX)
		return -ENODEV;
	reg = readq(mbox->base + PCI_MMPT_BG_STATUS);
	if (reg == U64_MAX)
		return -ENODEV;
	st->running = status & PCI_MMPT_STATUS_BG;
	st->opcode = FIELD_GET(PCI_MMPT_BG_OPCODE, reg);
	st->percent = FIELD_GET(PCI_MMPT_BG_PERCENT, reg);
	st->return_code = FIELD_GET(PCI_MMPT_BG_RC, reg);
	st->vendor_status = FIELD_GET(PCI_MMPT_BG_VENDOR, reg);
	return 0;
}

/**
 * pci_mmpt_bg_status() - read the background operation's progress
 * @mbox: the mailbox
 * @st: filled with the Status and Background Command Status registers
 *
 * Return: 0, or -ENODEV when the device reads all ones.
 */
int pci_mmpt_bg_status(struct pci_mmpt *mbox, struct pci_mmpt_bg_status *st)
{
	return mmpt_read_bg(mbox, st);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_status, PCI_MMPT);

/*
 * Finished: the running bit clear, and 100 percent complete or a failure
 * code (an aborted command need not reach 100). The bit alone is not
 * enough: some devices (QEMU 10.0's CXL mailbox) clear it as soon as they
 * report progress, which a wait that polls sees; the base cxl_pci driver
 * judged completion by the percentage alone.
 */
static bool mmpt_bg_finished(const struct pci_mmpt_bg_status *st)
{
	return !st->running &&
	       (st->percent == 100 || st->return_code != PCI_MMPT_RC_SUCCESS);
}

struct mmpt_bg_arg {
	struct pci_mmpt_bg_status *st;
};

static bool mmpt_bg_done(struct pci_mmpt *mbox, void *data, int *ret)
{
	struct mmpt_bg_arg *arg = data;

	if (READ_ONCE(mbox->dying)) {
		*ret = -ESHUTDOWN;
		return true;
	}
	*ret = mmpt_read_bg(mbox, arg->st);
	return *ret || mmpt_bg_finished(arg->st);
}

/**
 * pci_mmpt_bg_wait() - wait for the background operation to finish
 * @mbox: the mailbox
 * @timeout_ms: how long to wait; 0 means the mailbox's default
 * @st: its final status
 *
 * Woken by the background-complete interrupt when the mailbox has one, and
 * polling in intervals that grow from 0.5 ms to 100 ms in any case. Frees
 * the mailbox's background slot once the operation is seen to finish.
 *
 * Context: process context, may sleep; a fatal signal ends the wait.
 * Return: 0, -ETIMEDOUT (still running), -EINTR, -ENODEV, or -ESHUTDOWN
 * when pci_mmpt_destroy() ended the wait.
 */
int pci_mmpt_bg_wait(struct pci_mmpt *mbox, unsigned int timeout_ms,
		     struct pci_mmpt_bg_status *st)
{
	unsigned long timeout = msecs_to_jiffies(timeout_ms ?: mbox->bg_timeout_ms);
	bool by_irq = mbox->ctrl & PCI_MMPT_CTRL_BG_IRQ;
	struct mmpt_bg_arg arg = { .st = st };
	int ret;

	ret = mmpt_poll(mbox, &mmpt_bg_iv, mmpt_bg_done, &arg, timeout, true);
	if (!ret) {
		ktime_t start;

		spin_lock(&mbox->state_lock);
		start = mbox->bg_start;
		mbox->bg_running = false;
		spin_unlock(&mbox->state_lock);
		trace_pci_mmpt_bg(mbox, st,
				  ktime_to_ns(ktime_sub(ktime_get(), start)),
				  by_irq, ret);
	} else {
		trace_pci_mmpt_bg(mbox, st, 0, by_irq, ret);
	}
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_wait, PCI_MMPT);

/**
 * pci_mmpt_bg_abort() - ask the device to abort its background operation
 * @mbox: the mailbox
 *
 * Sends Request Abort Background Operation and waits briefly for the
 * operation to stop.
 *
 * Return: 0 when it stopped, -EOPNOTSUPP when the device cannot abort it,
 * another errno when the request failed.
 */
int pci_mmpt_bg_abort(struct pci_mmpt *mbox)
{
	struct pci_mmpt_cmd cmd = { .opcode = PCI_MMPT_OP_ABORT_BACKGROUND };
	struct pci_mmpt_bg_status st;
	int ret;

	ret = pci_mmpt_send(mbox, &cmd);
	if (ret)
		return ret;
	ret = pci_mmpt_rc_errno(cmd.return_code);
	if (ret)
		return ret;
	return pci_mmpt_bg_wait(mbox, 1000, &st);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_abort, PCI_MMPT);

static void mmpt_bg_work(struct work_struct *work)
{
	struct pci_mmpt *mbox = container_of(work, struct pci_mmpt, bg_work);
	struct pci_mmpt_bg_status st = {};
	pci_mmpt_bg_done_t done;
	void *ctx;
	int ret;

	ret = pci_mmpt_bg_wait(mbox, mbox->bg_notify_ms, &st);
	spin_lock(&mbox->state_lock);
	done = mbox->bg_done;
	ctx = mbox->bg_ctx;
	mbox->bg_done = NULL;
	spin_unlock(&mbox->state_lock);
	done(mbox, &st, ret, ctx);
}

/**
 * pci_mmpt_bg_notify() - be called back when the background operation ends
 * @mbox: the mailbox
 * @timeout_ms: how long to wait for it; 0 means the mailbox's default
 * @done: called once, from a workqueue, with the final status or the
 *	errno of the wait
 * @ctx: passed to @done
 *
 * For callers that started a command with %PCI_MMPT_CMD_NO_WAIT and do not
 * want to block: the wait happens on a workqueue, woken by the
 * background-complete interrupt or polling as pci_mmpt_bg_wait() does.
 *
 * Return: 0; -ENOENT when no background operation is running; -EBUSY when
 * a notification is already pending.
 */
int pci_mmpt_bg_notify(struct pci_mmpt *mbox, unsigned int timeout_ms,
		       pci_mmpt_bg_done_t done, void *ctx)
{
	int ret = 0;

	spin_lock(&mbox->state_lock);
	if (!mbox->bg_running) {
		ret = -ENOENT;
	} else if (mbox->bg_done) {
		ret = -EBUSY;
	} else {
		mbox->bg_done = done;
		mbox->bg_ctx = ctx;
		mbox->bg_notify_ms = timeout_ms;
	}
	spin_unlock(&mbox->state_lock);
	if (!ret)
		queue_work(system_long_wq, &mbox->bg_work);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_notify, PCI_MMPT);

static void mmpt_bg_abandoned(struct pci_mmpt *mbox,
			      const struct pci_mmpt_bg_status *st, int err,
			      void *ctx)
{
	if (!err)
		dev_info(mbox->dev, "background command %#06x ended after its caller stopped waiting, rc %#x\n",
			 st->opcode, st->return_code);
}

/**
 * pci_mmpt_bg_abandon() - stop waiting for the background operation
 * @mbox: the mailbox
 *
 * For a caller whose wait timed out or was interrupted while the device
 * still runs the operation: the mailbox keeps its background slot (so no
 * other background command starts) until the device reports the
 * operation finished, watched from a workqueue, and logs how it ended.
 *
 * Return: 0; -ENOENT when no background operation is running; -EBUSY when
 * a notification is already pending, which frees the slot as well.
 */
int pci_mmpt_bg_abandon(struct pci_mmpt *mbox)
{
	return pci_mmpt_bg_notify(mbox, 0, mmpt_bg_abandoned, NULL);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_abandon, PCI_MMPT);

/**
 * pci_mmpt_irq() - the mailbox interrupt handler
 * @irq: the interrupt
 * @data: the &struct pci_mmpt
 *
 * Wakes the waiters, who read the registers themselves. Consumers that
 * share the vector with other sources may call it from their own handler.
 *
 * Return: IRQ_HANDLED
 */
irqreturn_t pci_mmpt_irq(int irq, void *data)
{
	struct pci_mmpt *mbox = data;

	atomic_inc(&mbox->irq_count);
	wake_up_all(&mbox->wq);
	return IRQ_HANDLED;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_irq, PCI_MMPT);

/**
 * pci_mmpt_request_irq() - complete commands by interrupt
 * @mbox: the mailbox
 * @irq: the Linux interrupt of the mailbox's MSI/MSI-X message number
 *	(see pci_mmpt_msgnum()), or 0 to have the caller deliver interrupts
 *	by calling pci_mmpt_irq()
 *
 * Requests @irq (device managed) and enables the doorbell and
 * background-complete interrupts the device advertises.
 *
 * Return: 0 or an errno; on error the mailbox keeps polling.
 */
int pci_mmpt_request_irq(struct pci_mmpt *mbox, int irq)
{
	u32 want = 0;
	int ret;

	if (mbox->caps & PCI_MMPT_CAPS_DOORBELL_IRQ)
		want |= PCI_MMPT_CTRL_DOORBELL_IRQ;
	if (mbox->caps & PCI_MMPT_CAPS_BG_IRQ)
		want |= PCI_MMPT_CTRL_BG_IRQ;
	if (!want)
		return -EOPNOTSUPP;
	if (irq) {
		ret = devm_request_irq(mbox->dev, irq, pci_mmpt_irq, IRQF_SHARED,
				       dev_name(mbox->dev), mbox);
		if (ret)
			return ret;
	}
	guard(mutex)(&mbox->lock);
	mbox->irq = irq;
	mbox->ctrl = want;
	writel(mbox->ctrl, mbox->base + PCI_MMPT_CTRL);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_request_irq, PCI_MMPT);

/**
 * pci_mmpt_msgnum() - the MSI/MSI-X message number the mailbox signals
 * @mbox: the mailbox
 *
 * Return: the message number, or -EOPNOTSUPP when the device advertises
 * no mailbox interrupt.
 */
int pci_mmpt_msgnum(const struct pci_mmpt *mbox)
{
	if (!(mbox->caps & (PCI_MMPT_CAPS_DOORBELL_IRQ | PCI_MMPT_CAPS_BG_IRQ)))
		return -EOPNOTSUPP;
	return FIELD_GET(PCI_MMPT_CAPS_MSGNUM, mbox->caps);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_msgnum, PCI_MMPT);

/* Doorbell clear and the consumer's condition holds, or device gone. */
static bool mmpt_ready(struct pci_mmpt *mbox, void *data, int *ret)
{
	const struct pci_mmpt_config *cfg = data;
	u32 ctrl;

	*ret = mmpt_ctrl(mbox, &ctrl);
	return *ret || (!(ctrl & PCI_MMPT_CTRL_DOORBELL) &&
			(!cfg->ready || cfg->ready(cfg->ctx)));
}

/**
 * pci_mmpt_init() - set up a mailbox and wait for it to be ready
 * @mbox: the mailbox to set up
 * @dev: the device that owns it
 * @base: its mapped capability registers
 * @cfg: timeouts and an optional extra readiness condition, or NULL
 *
 * Reads the payload size and interrupt capabilities and waits, sleeping,
 * until the doorbell is clear and @cfg->ready (if any) holds, bounded by
 * the ready time. The mailbox polls until pci_mmpt_request_irq().
 *
 * Return: 0; -ENODEV when the registers read all ones; -ENXIO for a
 * payload size outside 256 B..1 MiB; -ETIMEDOUT when it never got ready.
 */
int pci_mmpt_init(struct pci_mmpt *mbox, struct device *dev,
		  void __iomem *base, const struct pci_mmpt_config *cfg)
{
	static const struct pci_mmpt_config defaults = {};
	unsigned int ready_ms;
	u32 shift;
	int ret;

	if (!cfg)
		cfg = &defaults;
	mbox->dev = dev;
	mbox->base = base;
	mbox->caps = readl(base + PCI_MMPT_CAPS);
	if (mbox->caps == U32_MAX)
		return -ENODEV;
	shift = FIELD_GET(PCI_MMPT_CAPS_PAYLOAD_SIZE, mbox->caps);
	if (shift < ilog2(PCI_MMPT_MIN_PAYLOAD) ||
	    shift > ilog2(PCI_MMPT_MAX_PAYLOAD)) {
		dev_err(dev, "mailbox payload size 2^%u out of range\n", shift);
		return -ENXIO;
	}
	mbox->payload_size = 1UL << shift;
	mbox->timeout_ms = cfg->timeout_ms ?: 2000;
	mbox->bg_timeout_ms = cfg->bg_timeout_ms ?: 60000;
	mbox->irq = 0;
	mbox->ctrl = 0;
	mbox->stuck = false;
	mbox->dying = false;
	mbox->bg_running = false;
	mutex_init(&mbox->lock);
	init_waitqueue_head(&mbox->wq);
	atomic_set(&mbox->irq_count, 0);
	spin_lock_init(&mbox->state_lock);
	INIT_WORK(&mbox->bg_work, mmpt_bg_work);
	mbox->bg_done = NULL;

	ready_ms = cfg->ready_timeout_ms ?:
		   max(1000U, 1000U * FIELD_GET(PCI_MMPT_CAPS_READY_TIME,
						mbox->caps));
	ret = mmpt_poll(mbox, &mmpt_ready_iv, mmpt_ready, (void *)cfg,
			msecs_to_jiffies(ready_ms), false);
	if (ret == -ETIMEDOUT)
		dev_err(dev, "mailbox not ready after %u ms\n", ready_ms);
	if (ret)
		goto err;
	mbox->idle_known = true;
	return 0;
err:
	mutex_destroy(&mbox->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_init, PCI_MMPT);

/**
 * pci_mmpt_destroy() - stop using a mailbox
 * @mbox: a mailbox set up by pci_mmpt_init()
 *
 * Ends the wait of a pending background notification (its callback gets
 * -ESHUTDOWN) and waits for the callback, then disables the mailbox
 * interrupts; no command may be in flight.
 */
void pci_mmpt_destroy(struct pci_mmpt *mbox)
{
	WRITE_ONCE(mbox->dying, true);
	wake_up_all(&mbox->wq);
	cancel_work_sync(&mbox->bg_work);
	if (mbox->ctrl) {
		mbox->ctrl = 0;
		writel(0, mbox->base + PCI_MMPT_CTRL);
	}
	mutex_destroy(&mbox->lock);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_destroy, PCI_MMPT);

static const int mmpt_rc_errnos[] = {
	[0x00] = 0,		/* success */
	[0x01] = -EINPROGRESS,	/* background command started */
	[0x02] = -EINVAL,	/* invalid input */
	[0x03] = -EOPNOTSUPP,	/* unsupported */
	[0x04] = -EIO,		/* internal error */
	[0x05] = -EAGAIN,	/* retry required */
	[0x06] = -EBUSY,	/* busy */
	[0x07] = -ENXIO,	/* media disabled */
	[0x08] = -EBUSY,	/* FW transfer in progress */
	[0x09] = -EILSEQ,	/* FW transfer out of order */
	[0x0a] = -EBADMSG,	/* FW verification failed */
	[0x0b] = -EINVAL,	/* invalid slot */
	[0x0c] = -EIO,		/* activation failed, FW rolled back */
	[0x0d] = -EIO,		/* activation failed, cold reset required */
	[0x0e] = -EINVAL,	/* invalid handle */
	[0x0f] = -EFAULT,	/* invalid physical address */
	[0x10] = -ENOSPC,	/* inject poison limit reached */
	[0x11] = -EIO,		/* permanent media failure */
	[0x12] = -ECANCELED,	/* aborted */
	[0x13] = -EACCES,	/* invalid security state */
	[0x14] = -EACCES,	/* incorrect passphrase */
	[0x15] = -EOPNOTSUPP,	/* unsupported mailbox or CCI */
	[0x16] = -EINVAL,	/* invalid payload length */
	[0x17] = -EINVAL,	/* invalid log */
	[0x18] = -EINTR,	/* interrupted */
	[0x19] = -EOPNOTSUPP,	/* unsupported feature version */
	[0x1a] = -EOPNOTSUPP,	/* unsupported feature selection value */
	[0x1b] = -EBUSY,	/* feature transfer in progress */
	[0x1c] = -EILSEQ,	/* feature transfer out of order */
	[0x1d] = -ENOSPC,	/* resources exhausted */
	[0x1e] = -EINVAL,	/* invalid extent list */
	[0x1f] = -EILSEQ,	/* transfer out of order */
	[0x20] = -EOPNOTSUPP,	/* request abort not supported */
};

/**
 * pci_mmpt_rc_errno() - an errno for a device return code
 * @rc: the return code
 *
 * Return: 0 for success, a negative errno otherwise; -EIO for codes this
 * table does not know.
 */
int pci_mmpt_rc_errno(u16 rc)
{
	if (rc >= ARRAY_SIZE(mmpt_rc_errnos))
		return -EIO;
	return mmpt_rc_errnos[rc];
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_rc_errno, PCI_MMPT);

MODULE_DESCRIPTION("PCIe MMPT mailbox library");
MODULE_LICENSE("GPL");
