// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIe Management Messaging Pass-Through mailbox library.
 *
 * One command at a time per mailbox: write the payload and the command
 * register, ring the doorbell, wait for it to clear (interrupt when the
 * device has one, with polling at a bounded interval as a safety net), read
 * status, the reported output length and only that many payload bytes.
 * A background command (return code 1) holds the mailbox's single
 * background slot; it has one owner, named by a handle, who alone waits
 * for it, hands it to the library's watcher or has it aborted, and the
 * slot is freed once, when the device is idle again or at teardown.
 */
#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fwctl-compat.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci-mmpt.h>
#include <linux/sched/signal.h>
#include <linux/unaligned.h>

#define CREATE_TRACE_POINTS
#include "mmpt.h"
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
	/* the watcher: pci_mmpt_end_waits() does not end it */
	bool watch;
};

static const struct mmpt_wait mmpt_doorbell_iv = {
	.min_us = 10, .max_us = 20000, .irq = PCI_MMPT_CTRL_DOORBELL_IRQ,
};

static const struct mmpt_wait mmpt_bg_iv = {
	.min_us = 500, .max_us = 100000, .irq = PCI_MMPT_CTRL_BG_IRQ,
};

/* An operation nobody waits for synchronously: a sanitize may take hours. */
static const struct mmpt_wait mmpt_watch_iv = {
	.min_us = 500, .max_us = 1000000, .irq = PCI_MMPT_CTRL_BG_IRQ,
	.watch = true,
};

static const struct mmpt_wait mmpt_ready_iv = {
	.min_us = 500, .max_us = 100000,
};

/* A wait condition: true when done, with the wait's result in *ret. */
typedef bool (*mmpt_cond_t)(struct pci_mmpt *mbox, void *arg, int *ret);

/*
 * pci_mmpt_destroy() has begun, or pci_mmpt_end_waits() for a wait other
 * than the watcher's.
 */
static bool mmpt_ending(struct pci_mmpt *mbox, bool watch)
{
	return READ_ONCE(mbox->dying) ||
	       (!watch && READ_ONCE(mbox->waits_ended));
}

/* An interrupt arrived since @seen, or the wait is being ended. */
static bool mmpt_woken(struct pci_mmpt *mbox, const struct mmpt_wait *w,
		       int seen)
{
	return atomic_read(&mbox->irq_count) != seen ||
	       mmpt_ending(mbox, w->watch);
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
		/*
		 * Once the waits are being ended, mmpt_woken() holds for
		 * good: waiting on it would spin until @cond or the timeout.
		 */
		if ((READ_ONCE(mbox->ctrl) & w->irq) &&
		    !mmpt_ending(mbox, w->watch)) {
			unsigned long j = usecs_to_jiffies(delay);

			if (killable)
				wait_event_killable_timeout(mbox->wq,
							    mmpt_woken(mbox, w, seen),
							    j);
			else
				wait_event_timeout(mbox->wq,
						   mmpt_woken(mbox, w, seen), j);
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

/*
 * The background slot. A background command has one owner, named by the
 * handle it was given: the submitter until it waits (pci_mmpt_bg_wait()) or
 * hands the command to the library (pci_mmpt_bg_notify()), then the watcher.
 * Only the owner frees the slot, once, when the device is idle again;
 * pci_mmpt_destroy() frees it at teardown.
 */
static int mmpt_bg_claim(struct pci_mmpt *mbox, u16 opcode)
{
	lockdep_assert_held(&mbox->state_lock);
	if (mbox->dying)
		return -ESHUTDOWN;
	if (mbox->bg_owner)
		return -EBUSY;
	mbox->bg_seq = (mbox->bg_seq + 1) & INT_MAX ?: 1;
	if (mbox->ctrl & PCI_MMPT_CTRL_BG_IRQ)
		set_bit(PCI_MMPT_ARMED_BG, &mbox->irq_armed);
	WRITE_ONCE(mbox->bg_owner, mbox->bg_seq);
	mbox->bg_opcode = opcode;
	mbox->bg_start = ktime_get();
	return mbox->bg_owner;
}

/* Is @handle the owner of the running background command? */
static int mmpt_bg_owner(struct pci_mmpt *mbox, u32 handle)
{
	lockdep_assert_held(&mbox->state_lock);
	if (!mbox->bg_owner)
		return -ENOENT;
	if (!handle || handle != mbox->bg_owner || mbox->bg_watched)
		return -EPERM;
	return 0;
}

/* Free the slot if @handle still holds it; returns when it started. */
static ktime_t mmpt_bg_release(struct pci_mmpt *mbox, u32 handle)
{
	ktime_t start = 0;

	spin_lock(&mbox->state_lock);
	if (mbox->bg_owner == handle) {
		start = mbox->bg_start;
		WRITE_ONCE(mbox->bg_owner, 0);
		mbox->bg_watched = false;
	}
	spin_unlock(&mbox->state_lock);
	return start;
}

/*
 * The device no longer runs the slot owner's command: it reports it
 * finished, or another opcode, or it started another background command.
 * Free the slot and keep the outcome for the owner, by handle:
 * pci_mmpt_bg_wait() collects it, the watcher reports it; sleeping waiters
 * are woken to look. An entry whose report is still due is never
 * overwritten: then the slot stays taken until the watcher has made room.
 * Return: whether the slot is free now.
 */
static bool mmpt_bg_retire(struct pci_mmpt *mbox,
			   const struct pci_mmpt_bg_status *st, int err)
{
	struct pci_mmpt_bg_ended *e;

	lockdep_assert_held(&mbox->lock);
	lockdep_assert_held(&mbox->state_lock);
	e = &mbox->bg_ended[mbox->bg_owner % PCI_MMPT_BG_ENDED];
	if (!mbox->bg_owner || mbox->dying || (e->handle && e->notify))
		return false;
	if (err)
		dev_err_ratelimited(mbox->dev,
				    "background command %#06x: device reports %#06x %s\n",
				    mbox->bg_opcode, st->opcode,
				    st->running ? "running" : "completed");
	*e = (struct pci_mmpt_bg_ended){
		.handle = mbox->bg_owner,
		.opcode = mbox->bg_opcode,
		.err = err,
		.st = *st,
		.start = mbox->bg_start,
		.notify = mbox->bg_watched,
		.done = mbox->bg_done,
		.ctx = mbox->bg_ctx,
	};
	WRITE_ONCE(mbox->bg_owner, 0);
	mbox->bg_watched = false;
	mbox->bg_done = NULL;
	mbox->bg_ctx = NULL;
	if (e->notify)
		queue_work(system_long_wq, &mbox->bg_work);
	atomic_inc(&mbox->irq_count);
	wake_up_all(&mbox->wq);
	return true;
}

/*
 * Is the owner's (@opcode's) command over by what the device reports? It
 * is finished, or the device reports another opcode: it runs one
 * background command at a time. Another opcode with the running bit still
 * set must be reported twice in a row (*@seen counts): one glitched read
 * must not end a sanitize's fence.
 */
static bool mmpt_bg_over(const struct pci_mmpt_bg_status *st, u16 opcode,
			 unsigned int *seen)
{
	if (st->opcode == opcode) {
		*seen = 0;
		return mmpt_bg_finished(st);
	}
	return !st->running || ++*seen >= 2;
}

/*
 * Before a doorbell, under the mailbox lock, with the slot taken: has the
 * device finished the owner's command, unseen so far? Then the slot is
 * given up now, so that a command the device runs in the background next
 * (the kernel's own firmware transfer after an fwctl command, say) is
 * tracked, and a wait or an abort of the ended command never mistakes it
 * for its own. Costs two register reads, only while the slot is taken.
 */
static void mmpt_bg_check(struct pci_mmpt *mbox)
{
	struct pci_mmpt_bg_status st;
	unsigned int seen = 0;
	u16 opcode;

	lockdep_assert_held(&mbox->lock);
	/* The common case, no background command: no lock, no read. */
	if (!READ_ONCE(mbox->bg_owner))
		return;
	scoped_guard(spinlock, &mbox->state_lock) {
		if (!mbox->bg_owner || mbox->dying)
			return;
		opcode = mbox->bg_opcode;
	}
	/* Gone: the owner's wait says so. */
	if (mmpt_read_bg(mbox, &st))
		return;
	if (!mmpt_bg_over(&st, opcode, &seen)) {
		if (!seen || mmpt_read_bg(mbox, &st) ||
		    !mmpt_bg_over(&st, opcode, &seen))
			return;
	}
	/* Only a release can have changed the slot: claims need the lock. */
	scoped_guard(spinlock, &mbox->state_lock)
		mmpt_bg_retire(mbox, &st, st.opcode == opcode ? 0 : -EPROTO);
}

/* Another command found @handle's command ended: its outcome is kept. */
static bool mmpt_bg_kept(struct pci_mmpt *mbox, u32 handle)
{
	const struct pci_mmpt_bg_ended *e =
		&mbox->bg_ended[handle % PCI_MMPT_BG_ENDED];

	lockdep_assert_held(&mbox->state_lock);
	return handle && e->handle == handle && !e->notify;
}

/*
 * The outcome kept for @handle's ended command, taken once: true and
 * *@st, *@err filled in, or false when none is kept for it.
 */
static bool mmpt_bg_collect(struct pci_mmpt *mbox, u32 handle,
			    struct pci_mmpt_bg_status *st, int *err)
{
	struct pci_mmpt_bg_ended *e = &mbox->bg_ended[handle % PCI_MMPT_BG_ENDED];

	if (!mmpt_bg_kept(mbox, handle))
		return false;
	e->handle = 0;
	*st = e->st;
	*err = e->err;
	return true;
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
	/* Before the doorbell: the interrupt handler claims what was armed. */
	if (mbox->ctrl & PCI_MMPT_CTRL_DOORBELL_IRQ)
		set_bit(PCI_MMPT_ARMED_DOORBELL, &mbox->irq_armed);
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
	if (cmd->return_code != PCI_MMPT_RC_SUCCESS &&
	    cmd->return_code != PCI_MMPT_RC_BACKGROUND)
		return 0;

	reg = readq(mbox->base + PCI_MMPT_CMD);
	if (reg == U64_MAX)
		return -ENODEV;
	len = FIELD_GET(PCI_MMPT_CMD_LENGTH, reg);
	if (len > mbox->payload_size) {
		if (!(cmd->flags & PCI_MMPT_CMD_CLAMP_LEN)) {
			dev_err_ratelimited(mbox->dev,
					    "mailbox command %#06x: device reported a %zu byte reply, the payload area holds %zu\n",
					    cmd->opcode, len, mbox->payload_size);
			return -EIO;
		}
		dev_warn_once(mbox->dev,
			      "mailbox command %#06x: device reported a %zu byte reply, clamped to the %zu byte payload area\n",
			      cmd->opcode, len, mbox->payload_size);
		len = mbox->payload_size;
	}
	cmd->out_len = len;
	if (cmd->out_size && len)
		mmpt_read_payload(mbox, cmd->out, min(len, cmd->out_size));
	return 0;
}

/*
 * The command set's abort request, under the mailbox lock: a negative
 * errno when the exchange failed (-EOPNOTSUPP when the command set has
 * none), else the device's return code.
 */
static int mmpt_exec_abort(struct pci_mmpt *mbox)
{
	struct pci_mmpt_cmd abort = { .opcode = mbox->abort_opcode };
	bool by_irq;
	int ret;

	lockdep_assert_held(&mbox->lock);
	if (!mbox->abort_opcode)
		return -EOPNOTSUPP;
	ret = mmpt_exec(mbox, &abort, &by_irq);
	return ret ?: abort.return_code;
}

/*
 * A command its caller knows never runs in the background started a
 * background operation. Nothing tracks it: no caller waits for it and no
 * watcher holds the slot for however long the device likes. Ask the device
 * to stop it, under the mailbox lock still held since the doorbell, unless
 * a tracked background command holds the slot: then the operation running
 * may be that one (a device runs one at a time), and its owner's.
 */
static int mmpt_bg_unexpected(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd)
{
	const char *what = "another one is tracked: not aborted";
	bool tracked;
	int ret = 0;

	lockdep_assert_held(&mbox->lock);
	scoped_guard(spinlock, &mbox->state_lock)
		tracked = mbox->bg_owner;
	if (!tracked) {
		ret = mmpt_exec_abort(mbox);
		if (ret == -EOPNOTSUPP)
			what = "the command set cannot abort it";
		else if (ret < 0)
			what = "the abort request failed";
		else if (ret != PCI_MMPT_RC_SUCCESS)
			what = "the device refused to abort it";
		else
			what = "aborted";
	}
	dev_warn_ratelimited(mbox->dev,
			     "mailbox command %#06x started a background operation it does not have; %s\n",
			     cmd->opcode, what);
	/* A device that went away says so, whatever it said before. */
	return ret == -ENODEV ? -ENODEV : -EPROTO;
}

/*
 * Run one command under the mailbox lock. The background slot is claimed
 * under the same lock: a flagged command before the doorbell (refused when
 * taken), any command the device put in the background after it, so that
 * no other command can slip in between.
 */
static int mmpt_send_locked(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
			    bool *by_irq)
{
	bool flagged = cmd->flags & PCI_MMPT_CMD_BACKGROUND;
	int ret = 0;

	guard(mutex)(&mbox->lock);
	mmpt_bg_check(mbox);
	scoped_guard(spinlock, &mbox->state_lock) {
		if ((mbox->dying || mbox->waits_ended) && flagged)
			ret = -ESHUTDOWN;
		else if (mbox->bg_owner && flagged)
			ret = -EBUSY;
		/* Only the owner aborts, through pci_mmpt_bg_wait(). */
		else if (mbox->bg_owner && mbox->abort_opcode &&
			 cmd->opcode == mbox->abort_opcode)
			ret = -EBUSY;
	}
	if (ret)
		return ret;

	ret = mmpt_exec(mbox, cmd, by_irq);
	if (ret || cmd->return_code != PCI_MMPT_RC_BACKGROUND)
		return ret;

	cmd->background = true;
	if (cmd->flags & PCI_MMPT_CMD_FOREGROUND)
		return mmpt_bg_unexpected(mbox, cmd);
	scoped_guard(spinlock, &mbox->state_lock) {
		ret = mmpt_bg_claim(mbox, cmd->opcode);
		/*
		 * The owner was seen running before the doorbell, yet the
		 * device started this one: the owner's ended in between, and
		 * what the device reported of it is gone. Its owner gets
		 * -EPROTO; this one is tracked.
		 */
		if (ret == -EBUSY) {
			struct pci_mmpt_bg_status lost = {
				.opcode = cmd->opcode, .running = true,
			};

			if (mmpt_bg_retire(mbox, &lost, -EPROTO))
				ret = mmpt_bg_claim(mbox, cmd->opcode);
		}
	}
	if (ret == -EBUSY) {
		/*
		 * The slot's owner ended unseen and its outcome waits to be
		 * reported: this one cannot be tracked, the caller gets no
		 * handle.
		 */
		dev_warn_ratelimited(mbox->dev,
				     "mailbox command %#06x went to the background while %#06x holds the background slot\n",
				     cmd->opcode, mbox->bg_opcode);
		return 0;
	}
	if (ret < 0)
		return ret;
	cmd->bg_handle = ret;
	return 0;
}

/**
 * pci_mmpt_send() - run one mailbox command
 * @mbox: the mailbox
 * @cmd: the command; see &struct pci_mmpt_cmd for what is filled in
 *
 * Callers from any number of threads are served one at a time, in order.
 * The device's return code is in @cmd->return_code; a device error is not
 * a failure of this function, and what it means is the command set's.
 *
 * A command the device runs in the background, flagged or not, holds the
 * mailbox's single background slot until the device is idle again; the
 * next command finds it so, if its owner has not looked yet, and frees the
 * slot, keeping the outcome for the owner. With
 * %PCI_MMPT_CMD_NO_WAIT the caller owns it through @cmd->bg_handle and
 * must pass @cmd to pci_mmpt_bg_wait() or pci_mmpt_bg_notify() (when the
 * device started it while the slot was held, which a device running one
 * at a time only does once the holder ended unseen, it is not tracked:
 * @cmd->background is set, @cmd->bg_handle is 0); otherwise
 * this waits for it as pci_mmpt_bg_wait() does, without holding the
 * mailbox, for @cmd->timeout_ms (0: the mailbox's default).
 *
 * Context: process context, may sleep.
 * Return: 0 when the device answered; -E2BIG when the input exceeds the
 * payload area; -EINVAL for inconsistent buffers or flags (or
 * %PCI_MMPT_CMD_ABORTABLE without an abort request); -EBUSY when a
 * background command (or the command set's abort request) is asked
 * for while one runs, or the mailbox is unusable after a stuck doorbell; -ETIMEDOUT when
 * the doorbell or the background command did not finish in time; -ENODEV
 * when the device reads all ones; -EIO when the device reports a reply
 * longer than the payload area (nothing is copied; see
 * %PCI_MMPT_CMD_CLAMP_LEN); -EPROTO when the device reported another
 * command's completion, or started a background operation for a command
 * flagged %PCI_MMPT_CMD_FOREGROUND; -EINTR when a fatal signal ended a
 * background wait;
 * -ESHUTDOWN after pci_mmpt_destroy() or pci_mmpt_end_waits() for a
 * background command.
 */
int pci_mmpt_send(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd)
{
	/* Time the command only for the tracepoint: off, it costs nothing. */
	bool by_irq = false, traced = trace_pci_mmpt_cmd_enabled();
	ktime_t start = traced ? ktime_get() : 0;
	int ret;

	pci_mmpt_cmd_clear_out(cmd);
	if (cmd->in_len > mbox->payload_size)
		return -E2BIG;
	if ((cmd->in_len && !cmd->in) || (cmd->out_size && !cmd->out))
		return -EINVAL;
	if ((cmd->flags & PCI_MMPT_CMD_FOREGROUND) &&
	    (cmd->flags & PCI_MMPT_CMD_BACKGROUND))
		return -EINVAL;
	if ((cmd->flags & PCI_MMPT_CMD_ABORTABLE) && !mbox->abort_opcode)
		return -EINVAL;

	ret = mmpt_send_locked(mbox, cmd, &by_irq);
	if (traced)
		trace_pci_mmpt_cmd(mbox, cmd,
				   ktime_to_ns(ktime_sub(ktime_get(), start)),
				   by_irq, ret);
	if (ret || !cmd->bg_handle || (cmd->flags & PCI_MMPT_CMD_NO_WAIT))
		return ret;
	return pci_mmpt_bg_wait(mbox, cmd, cmd->timeout_ms ?: mbox->bg_timeout_ms);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_send, "PCI_MMPT");

/**
 * pci_mmpt_bg_status() - read the background operation's progress
 * @mbox: the mailbox
 * @st: filled with the Status and Background Command Status registers
 *
 * Anyone may read it; it changes nothing.
 *
 * Return: 0, or -ENODEV when the device reads all ones.
 */
int pci_mmpt_bg_status(struct pci_mmpt *mbox, struct pci_mmpt_bg_status *st)
{
	return mmpt_read_bg(mbox, st);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_status, "PCI_MMPT");

struct mmpt_bg_arg {
	struct pci_mmpt_bg_status *st;
	/* the owner's handle and opcode */
	u32 handle;
	u16 opcode;
	/* reads in a row that reported another opcode running */
	unsigned int other;
	/* the watcher: neither all ones nor pci_mmpt_end_waits() ends it */
	bool watch;
};

/* A wait's result: another command found the owner's command ended. */
#define MMPT_BG_RETIRED		1

/*
 * The owner's command is over: the device is idle again or reports
 * another opcode (it runs one background command at a time), or another
 * command found it ended; or the device is gone, or the waits are ended.
 */
static bool mmpt_bg_done(struct pci_mmpt *mbox, void *data, int *ret)
{
	struct mmpt_bg_arg *arg = data;

	if (mmpt_ending(mbox, arg->watch)) {
		*ret = -ESHUTDOWN;
		return true;
	}
	if (READ_ONCE(mbox->bg_owner) != arg->handle) {
		*ret = MMPT_BG_RETIRED;
		return true;
	}
	*ret = mmpt_read_bg(mbox, arg->st);
	if (*ret)
		return !arg->watch;
	return mmpt_bg_over(arg->st, arg->opcode, &arg->other);
}

/* A watch has no time limit and is not killable: it runs on a workqueue. */
static int mmpt_bg_poll(struct pci_mmpt *mbox, struct pci_mmpt_bg_status *st,
			u32 handle, u16 opcode, unsigned long timeout,
			bool watch, bool killable)
{
	struct mmpt_bg_arg arg = {
		.st = st, .handle = handle, .opcode = opcode, .watch = watch,
	};

	return mmpt_poll(mbox, watch ? &mmpt_watch_iv : &mmpt_bg_iv,
			 mmpt_bg_done, &arg, timeout, killable);
}

/* Check that what ended is the command that was started; trace it. */
static int mmpt_bg_result(struct pci_mmpt *mbox, u16 opcode,
			  const struct pci_mmpt_bg_status *st, int ret,
			  ktime_t start, bool by_irq)
{
	if (!ret && st->opcode != opcode) {
		dev_err_ratelimited(mbox->dev,
				    "background command %#06x: device reports %#06x completed\n",
				    opcode, st->opcode);
		ret = -EPROTO;
	}
	trace_pci_mmpt_bg(mbox, st, start ?
			  ktime_to_ns(ktime_sub(ktime_get(), start)) : 0,
			  by_irq, ret);
	return ret;
}

/* The device is idle: free the slot, once, and check what ended. */
static int mmpt_bg_end(struct pci_mmpt *mbox, u32 handle, u16 opcode,
		       const struct pci_mmpt_bg_status *st, int ret,
		       bool by_irq)
{
	return mmpt_bg_result(mbox, opcode, st, ret,
			      mmpt_bg_release(mbox, handle), by_irq);
}

/*
 * The owner takes the outcome kept for its command, which another command
 * found ended. Lost only when PCI_MMPT_BG_ENDED more ended unseen since.
 */
static int mmpt_bg_take_ended(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
			      struct pci_mmpt_bg_status *st)
{
	bool found;
	int ret;

	scoped_guard(spinlock, &mbox->state_lock)
		found = mmpt_bg_collect(mbox, cmd->bg_handle, st, &ret);
	cmd->bg_handle = 0;
	if (!found) {
		dev_err_ratelimited(mbox->dev,
				    "background command %#06x: its outcome was lost\n",
				    cmd->opcode);
		return -EPROTO;
	}
	/* A mismatch was reported when it was found. */
	if (!ret) {
		cmd->return_code = st->return_code;
		cmd->vendor_status = st->vendor_status;
	}
	trace_pci_mmpt_bg(mbox, st, 0, false, ret);
	return ret;
}

/*
 * The command set's abort request on behalf of the owner, only once it
 * is checked under the mailbox lock that the device still runs the
 * owner's command: one that ended, or another command the device runs now
 * (the kernel's own, say), is never aborted. When the device stopped
 * within a second, or had stopped already, the slot is free and @cmd has
 * its final return code: aborted, or the command's own when it completed
 * before the abort reached it. Return: 0 then; MMPT_BG_RETIRED when
 * another command found it ended; -EPROTO when the device reports another
 * opcode ended; -EAGAIN when it did not stop.
 */
static int mmpt_bg_abort(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
			 struct pci_mmpt_bg_status *st)
{
	bool sent = false;
	int ret;

	scoped_guard(mutex, &mbox->lock) {
		scoped_guard(spinlock, &mbox->state_lock)
			ret = mbox->bg_owner == cmd->bg_handle ? 0 :
								 MMPT_BG_RETIRED;
		if (ret)
			return ret;
		if (mmpt_read_bg(mbox, st))
			return -EAGAIN;
		if (st->opcode == cmd->opcode && !mmpt_bg_finished(st)) {
			if (mmpt_exec_abort(mbox) != PCI_MMPT_RC_SUCCESS)
				return -EAGAIN;
			sent = true;
		}
	}
	if (sent) {
		ret = mmpt_bg_poll(mbox, st, cmd->bg_handle, cmd->opcode, HZ,
				   false, false);
		if (ret == MMPT_BG_RETIRED)
			return ret;
		if (ret)
			return -EAGAIN;
	}
	ret = mmpt_bg_end(mbox, cmd->bg_handle, cmd->opcode, st, 0,
			  mbox->ctrl & PCI_MMPT_CTRL_BG_IRQ);
	cmd->bg_handle = 0;
	if (ret)
		return ret;
	if (st->return_code == mbox->aborted_rc)
		dev_notice(mbox->dev,
			   "mailbox background command %#06x aborted: its wait ended\n",
			   cmd->opcode);
	cmd->return_code = st->return_code;
	cmd->vendor_status = st->vendor_status;
	return 0;
}

static int mmpt_bg_handoff(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
			   pci_mmpt_bg_done_t done, void *ctx);

/**
 * pci_mmpt_bg_wait() - wait for the caller's background command to finish
 * @mbox: the mailbox
 * @cmd: the command, as pci_mmpt_send() returned it with
 *	%PCI_MMPT_CMD_NO_WAIT; @cmd->bg_handle names it
 * @timeout_ms: how long to wait; 0 checks once
 *
 * Woken by the background-complete interrupt when the mailbox has one, and
 * polling in intervals that grow from 0.5 ms to 100 ms in any case. When
 * the device is idle again this frees the background slot and puts the
 * final return code and vendor status in @cmd. A command that another
 * command found ended before this wait looked (the device finished it and
 * took the next one) is reported from what was kept for it, never from
 * the registers, which then describe the next command. The wait also ends
 * as soon as the device reports another opcode than @cmd's.
 *
 * When the wait fails while the command may still run, the command is no
 * longer the caller's: a command flagged %PCI_MMPT_CMD_ABORTABLE whose wait
 * timed out or was ended by a fatal signal is aborted first, once the
 * device is seen still running it (one the device completed before the
 * abort reached it returns 0 with its final return code), and one that
 * goes on is watched by the library, which keeps the slot until the device
 * is idle (as pci_mmpt_bg_notify() with no callback). Either way
 * @cmd->bg_handle is 0 on return.
 *
 * Context: process context, may sleep; a fatal signal ends the wait.
 * Return: 0; -ENOENT when no background command runs; -EPERM when @cmd
 * does not own it; -EPROTO when the device reports another command
 * completed; -ETIMEDOUT (still running, or aborted); -EINTR; -ENODEV when
 * the device reads all ones; -ESHUTDOWN when pci_mmpt_end_waits() or
 * pci_mmpt_destroy() ended it.
 */
int pci_mmpt_bg_wait(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
		     unsigned int timeout_ms)
{
	bool by_irq = mbox->ctrl & PCI_MMPT_CTRL_BG_IRQ;
	struct pci_mmpt_bg_status st = {};
	int ret;

	scoped_guard(spinlock, &mbox->state_lock) {
		ret = mmpt_bg_owner(mbox, cmd->bg_handle);
		if (ret && mmpt_bg_kept(mbox, cmd->bg_handle))
			ret = MMPT_BG_RETIRED;
	}
	if (ret == MMPT_BG_RETIRED)
		return mmpt_bg_take_ended(mbox, cmd, &st);
	if (ret)
		return ret;

	ret = mmpt_bg_poll(mbox, &st, cmd->bg_handle, cmd->opcode,
			   msecs_to_jiffies(timeout_ms), false, true);
	if (ret == MMPT_BG_RETIRED)
		return mmpt_bg_take_ended(mbox, cmd, &st);
	if (!ret || (ret == -ESHUTDOWN && READ_ONCE(mbox->dying))) {
		ret = mmpt_bg_end(mbox, cmd->bg_handle, cmd->opcode, &st, ret,
				  by_irq);
		cmd->bg_handle = 0;
		if (!ret) {
			cmd->return_code = st.return_code;
			cmd->vendor_status = st.vendor_status;
		}
		return ret;
	}

	trace_pci_mmpt_bg(mbox, &st, 0, by_irq, ret);
	/*
	 * Its caller gave up: an abortable command ends with the wait. One
	 * the device completed before the abort reached it ran: report that,
	 * so a caller does not run it a second time.
	 */
	if ((ret == -ETIMEDOUT || ret == -EINTR) &&
	    (cmd->flags & PCI_MMPT_CMD_ABORTABLE) && mbox->abort_opcode) {
		int aborted = mmpt_bg_abort(mbox, cmd, &st);

		if (aborted == MMPT_BG_RETIRED)
			return mmpt_bg_take_ended(mbox, cmd, &st);
		/* -EAGAIN: it goes on, watched like one not abortable. */
		if (aborted && aborted != -EAGAIN)
			return aborted;
		if (!aborted)
			return cmd->return_code == mbox->aborted_rc ? ret : 0;
	}
	/*
	 * Refused only when dying: pci_mmpt_destroy() frees the slot. One
	 * found ended meanwhile is logged by the watcher.
	 */
	mmpt_bg_handoff(mbox, cmd, NULL, NULL);
	cmd->bg_handle = 0;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_wait, "PCI_MMPT");

/* What the watcher owes when a command ends: a callback, or a log line. */
static void mmpt_bg_report(struct pci_mmpt *mbox, pci_mmpt_bg_done_t done,
			   void *ctx, u16 opcode,
			   const struct pci_mmpt_bg_status *st, int ret)
{
	if (done)
		done(mbox, st, ret, ctx);
	else if (!ret)
		dev_info(mbox->dev, "background command %#06x ended after its caller stopped waiting, rc %#x\n",
			 opcode, st->return_code);
}

/* Watched or handed over commands that another command found ended. */
static void mmpt_bg_report_ended(struct pci_mmpt *mbox)
{
	struct pci_mmpt_bg_ended e;
	int i;

	for (i = 0; i < PCI_MMPT_BG_ENDED; i++) {
		spin_lock(&mbox->state_lock);
		e = mbox->bg_ended[i];
		if (e.handle && e.notify)
			mbox->bg_ended[i].handle = 0;
		spin_unlock(&mbox->state_lock);
		if (!e.handle || !e.notify)
			continue;
		trace_pci_mmpt_bg(mbox, &e.st,
				  ktime_to_ns(ktime_sub(ktime_get(), e.start)),
				  false, e.err);
		mmpt_bg_report(mbox, e.done, e.ctx, e.opcode, &e.st, e.err);
	}
}

/* Watches a background command nobody waits for synchronously. */
static void mmpt_bg_work(struct work_struct *work)
{
	struct pci_mmpt *mbox = container_of(work, struct pci_mmpt, bg_work);
	struct pci_mmpt_bg_status st = {};
	pci_mmpt_bg_done_t done = NULL;
	ktime_t start = 0;
	void *ctx = NULL;
	u32 handle;
	u16 opcode;
	int ret;

	for (;;) {
		mmpt_bg_report_ended(mbox);
		scoped_guard(spinlock, &mbox->state_lock) {
			handle = mbox->bg_watched ? mbox->bg_owner : 0;
			opcode = mbox->bg_opcode;
		}
		if (!handle)
			return;
		ret = mmpt_bg_poll(mbox, &st, handle, opcode,
				   MAX_SCHEDULE_TIMEOUT, true, false);
		scoped_guard(spinlock, &mbox->state_lock) {
			/*
			 * Found ended by another command: reported above.
			 * Otherwise the slot is freed here, with the callback
			 * taken, so no retire can report it a second time.
			 */
			if (mbox->bg_owner != handle) {
				handle = 0;
			} else {
				done = mbox->bg_done;
				ctx = mbox->bg_ctx;
				start = mbox->bg_start;
				mbox->bg_done = NULL;
				mbox->bg_ctx = NULL;
				WRITE_ONCE(mbox->bg_owner, 0);
				mbox->bg_watched = false;
			}
		}
		if (handle)
			break;
	}
	ret = mmpt_bg_result(mbox, opcode, &st, ret, start,
			     mbox->ctrl & PCI_MMPT_CTRL_BG_IRQ);
	mmpt_bg_report(mbox, done, ctx, opcode, &st, ret);
}

static int mmpt_bg_handoff(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
			   pci_mmpt_bg_done_t done, void *ctx)
{
	struct pci_mmpt_bg_ended *e =
		&mbox->bg_ended[cmd->bg_handle % PCI_MMPT_BG_ENDED];
	int ret;

	spin_lock(&mbox->state_lock);
	ret = mbox->dying ? -ESHUTDOWN : mmpt_bg_owner(mbox, cmd->bg_handle);
	if (ret && ret != -ESHUTDOWN && mmpt_bg_kept(mbox, cmd->bg_handle)) {
		/* Found ended already: the watcher reports it at once. */
		e->notify = true;
		e->done = done;
		e->ctx = ctx;
		ret = 0;
	} else if (!ret) {
		mbox->bg_watched = true;
		mbox->bg_done = done;
		mbox->bg_ctx = ctx;
	}
	if (!ret)
		queue_work(system_long_wq, &mbox->bg_work);
	spin_unlock(&mbox->state_lock);
	return ret;
}

/**
 * pci_mmpt_bg_notify() - hand the caller's background command to the library
 * @mbox: the mailbox
 * @cmd: the command, as pci_mmpt_send() returned it with
 *	%PCI_MMPT_CMD_NO_WAIT; @cmd->bg_handle names it
 * @done: called exactly once, from a workqueue, when the device is idle
 *	again (the slot is free by then) or the mailbox is torn down; NULL
 *	to abandon the command: it is logged when it ends
 * @ctx: passed to @done
 *
 * The library watches the command, woken by the background-complete
 * interrupt and polling in intervals up to a second, with no time limit:
 * the slot stays taken, so no other background command starts, until the
 * device reports it finished (or another command finds it finished).
 * pci_mmpt_end_waits() does not end the watch. A device that reads all
 * ones is watched on until pci_mmpt_destroy(). On success @cmd->bg_handle
 * is set to 0.
 *
 * Return: 0; -ENOENT when no background command runs; -EPERM when @cmd
 * does not own it; -ESHUTDOWN once pci_mmpt_destroy() has started (the
 * slot is freed by it).
 */
int pci_mmpt_bg_notify(struct pci_mmpt *mbox, struct pci_mmpt_cmd *cmd,
		       pci_mmpt_bg_done_t done, void *ctx)
{
	int ret = mmpt_bg_handoff(mbox, cmd, done, ctx);

	if (!ret)
		cmd->bg_handle = 0;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_notify, "PCI_MMPT");

/*
 * Did the mailbox interrupt? Each doorbell rung, and each background
 * command tracked, with its interrupt enabled arms one claim, taken when
 * the interrupt finds the doorbell clear or the operation no longer
 * running (or the device gone: its waiters must look). The claim outlives
 * the waiter, which may have seen the doorbell clear before the interrupt
 * arrived. Anything else on a shared vector is another source's.
 */
static bool mmpt_irq_ours(struct pci_mmpt *mbox)
{
	bool ours = false;
	u64 status;
	u32 ctrl;

	if (test_bit(PCI_MMPT_ARMED_DOORBELL, &mbox->irq_armed)) {
		ctrl = readl(mbox->base + PCI_MMPT_CTRL);
		if (ctrl == U32_MAX || !(ctrl & PCI_MMPT_CTRL_DOORBELL))
			ours |= test_and_clear_bit(PCI_MMPT_ARMED_DOORBELL,
						   &mbox->irq_armed);
	}
	if (test_bit(PCI_MMPT_ARMED_BG, &mbox->irq_armed)) {
		status = readq(mbox->base + PCI_MMPT_STATUS);
		if (status == U64_MAX || !(status & PCI_MMPT_STATUS_BG))
			ours |= test_and_clear_bit(PCI_MMPT_ARMED_BG,
						   &mbox->irq_armed);
	}
	return ours;
}

/**
 * pci_mmpt_irq() - the mailbox interrupt handler
 * @irq: the interrupt
 * @data: the &struct pci_mmpt
 *
 * Wakes the waiters, who read the registers themselves, when the mailbox
 * interrupted. Consumers that share the vector with other sources may call
 * it from their own handler, requested after devm_pci_mmpt_create() so
 * that it is freed before the mailbox is.
 *
 * Return: IRQ_HANDLED when a doorbell the library rang reads clear or a
 * background operation it tracked no longer runs, once for each; IRQ_NONE
 * otherwise (a shared vector's other source).
 */
irqreturn_t pci_mmpt_irq(int irq, void *data)
{
	struct pci_mmpt *mbox = data;

	if (!mmpt_irq_ours(mbox))
		return IRQ_NONE;
	atomic_inc(&mbox->irq_count);
	wake_up_all(&mbox->wq);
	return IRQ_HANDLED;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_irq, "PCI_MMPT");

/**
 * pci_mmpt_request_irq() - complete commands by interrupt
 * @mbox: the mailbox
 * @irq: the Linux interrupt of the mailbox's MSI/MSI-X message number
 *	(see pci_mmpt_msgnum()), or 0 to have the caller deliver interrupts
 *	by calling pci_mmpt_irq()
 *
 * Requests @irq (device managed, shared) and enables the doorbell and
 * background-complete interrupts the device advertises. The caller has
 * enabled bus mastering (pci_set_master()): an MSI is a memory write. The
 * waits keep polling at a bounded interval, so an interrupt that never
 * arrives costs latency, not the timeout.
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
	if (READ_ONCE(mbox->dying))
		return -ESHUTDOWN;
	mbox->irq = irq;
	WRITE_ONCE(mbox->ctrl, want);
	writel(mbox->ctrl, mbox->base + PCI_MMPT_CTRL);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_request_irq, "PCI_MMPT");

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
EXPORT_SYMBOL_NS_GPL(pci_mmpt_msgnum, "PCI_MMPT");

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
 * @mbox: the mailbox to set up, zeroed (devm_pci_mmpt_create(), or the
 *	KUnit suite's device model)
 * @dev: the device that owns it
 * @base: its mapped capability registers
 * @size: bytes mapped at @base
 * @cfg: timeouts, an optional extra readiness condition and the command
 *	set's abort request, or NULL (defaults, no abort request)
 *
 * Reads the payload size and interrupt capabilities and waits, sleeping,
 * until the doorbell is clear and @cfg->ready (if any) holds, bounded by
 * the ready time. A payload area advertised above 1 MiB is used as 1 MiB;
 * one that does not fit in @size is refused: the library would read and
 * write past the mapping.
 * The mailbox polls until pci_mmpt_request_irq().
 *
 * Return: 0; -EINVAL for an abort request whose aborted code is 0 or 1;
 * -ENODEV when the registers read all ones; -ENXIO for a payload size
 * below 256 bytes or beyond @size; -ETIMEDOUT when it never got ready.
 */
int pci_mmpt_init(struct pci_mmpt *mbox, struct device *dev,
		  void __iomem *base, size_t size,
		  const struct pci_mmpt_config *cfg)
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
	if (shift < ilog2(PCI_MMPT_MIN_PAYLOAD)) {
		dev_err(dev, "mailbox payload size 2^%u too small\n", shift);
		return -ENXIO;
	}
	/* Past the spec's maximum: no harm in using less. */
	if (shift > ilog2(PCI_MMPT_MAX_PAYLOAD)) {
		dev_warn(dev, "mailbox payload size 2^%u, using 1 MiB\n", shift);
		shift = ilog2(PCI_MMPT_MAX_PAYLOAD);
	}
	if (size < PCI_MMPT_PAYLOAD || size - PCI_MMPT_PAYLOAD < 1UL << shift) {
		dev_err(dev, "mailbox payload size 2^%u beyond its %zu mapped bytes\n",
			shift, size);
		return -ENXIO;
	}
	mbox->payload_size = 1UL << shift;
	mbox->timeout_ms = cfg->timeout_ms ?: 2000;
	mbox->bg_timeout_ms = cfg->bg_timeout_ms ?: 60000;
	/* An aborted command must not read as one that completed. */
	if (cfg->abort_opcode && (cfg->aborted_rc == PCI_MMPT_RC_SUCCESS ||
				  cfg->aborted_rc == PCI_MMPT_RC_BACKGROUND))
		return -EINVAL;
	mbox->abort_opcode = cfg->abort_opcode;
	mbox->aborted_rc = cfg->aborted_rc;
	mbox->irq = 0;
	mbox->ctrl = 0;
	mbox->stuck = false;
	mbox->dying = false;
	mbox->waits_ended = false;
	mbox->irq_armed = 0;
	memset(mbox->bg_ended, 0, sizeof(mbox->bg_ended));
	WRITE_ONCE(mbox->bg_owner, 0);
	mbox->bg_watched = false;
	mbox->bg_done = NULL;
	mbox->bg_ctx = NULL;
	mutex_init(&mbox->lock);
	init_waitqueue_head(&mbox->wq);
	atomic_set(&mbox->irq_count, 0);
	spin_lock_init(&mbox->state_lock);
	INIT_WORK(&mbox->bg_work, mmpt_bg_work);

	ready_ms = cfg->ready_timeout_ms ?:
		   max(1000U, 1000U * FIELD_GET(PCI_MMPT_CAPS_READY_TIME,
						mbox->caps));
	ret = mmpt_poll(mbox, &mmpt_ready_iv, mmpt_ready, (void *)cfg,
			msecs_to_jiffies(ready_ms), false);
	if (ret == -ETIMEDOUT)
		dev_err(dev, "mailbox not ready after %u ms\n", ready_ms);
	if (ret)
		return ret;
	mbox->idle_known = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pci_mmpt_init);

/**
 * pci_mmpt_end_waits() - end the synchronous background waits, watch on
 * @mbox: a mailbox set up by pci_mmpt_init()
 *
 * For a driver that unbinds while the device may still run a background
 * command: no caller keeps the unbind waiting for a background timeout,
 * and whatever depends on the command's end (a sanitize fence, say) still
 * learns of it when the device is done. Synchronous background waits in
 * progress and to come return -ESHUTDOWN at once; their commands go to
 * the library's watcher, which keeps the background slot until the device
 * is idle. Background commands flagged %PCI_MMPT_CMD_BACKGROUND are
 * refused with -ESHUTDOWN from then on. Notifications go on: their
 * callbacks run when the device reports the command done, or at
 * pci_mmpt_destroy(). Foreground commands still run.
 *
 * Context: any context.
 */
void pci_mmpt_end_waits(struct pci_mmpt *mbox)
{
	WRITE_ONCE(mbox->waits_ended, true);
	wake_up_all(&mbox->wq);
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_end_waits, "PCI_MMPT");

/**
 * pci_mmpt_destroy() - stop using a mailbox
 * @mbox: a mailbox set up by pci_mmpt_init()
 *
 * Ends every background wait: a synchronous one returns -ESHUTDOWN, a
 * notification queued or running calls its callback with -ESHUTDOWN
 * (exactly once: queued work is run, not cancelled) before this returns,
 * and the background slot is freed. Background commands and notifications
 * are refused with -ESHUTDOWN from then on and the mailbox interrupts are
 * disabled; foreground commands still run, polled, for the KUnit suite's
 * embedded models (a managed mailbox is freed right after). Calling it
 * again does nothing more.
 *
 * devm_pci_mmpt_create() makes it the last thing a driver's unbind does
 * to the mailbox, once what it set up later (the users of the background
 * slot) is gone; pci_mmpt_end_waits() earlier bounds the unbind. Callers
 * already inside the library return promptly, and @mbox must stay
 * allocated until they have.
 *
 * Context: process context, may sleep.
 */
void pci_mmpt_destroy(struct pci_mmpt *mbox)
{
	scoped_guard(spinlock, &mbox->state_lock)
		mbox->dying = true;
	wake_up_all(&mbox->wq);
	flush_work(&mbox->bg_work);
	scoped_guard(spinlock, &mbox->state_lock) {
		WRITE_ONCE(mbox->bg_owner, 0);
		mbox->bg_watched = false;
		memset(mbox->bg_ended, 0, sizeof(mbox->bg_ended));
	}
	guard(mutex)(&mbox->lock);
	if (mbox->ctrl) {
		WRITE_ONCE(mbox->ctrl, 0);
		writel(0, mbox->base + PCI_MMPT_CTRL);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pci_mmpt_destroy);

static void mmpt_devm_destroy(void *mbox)
{
	pci_mmpt_destroy(mbox);
}

/**
 * devm_pci_mmpt_create() - set up a mailbox for the life of a driver's
 *	binding
 * @dev: the device that owns it: its driver's unbind ends it
 * @base: its mapped capability registers
 * @size: bytes mapped at @base
 * @cfg: timeouts, an optional extra readiness condition and the command
 *	set's abort request, or NULL (defaults, no abort request)
 *
 * Reads the payload size and interrupt capabilities and waits, sleeping,
 * until the doorbell is clear and @cfg->ready (if any) holds, bounded by
 * the ready time. A payload area advertised above 1 MiB is used as 1 MiB;
 * one that does not fit in @size is refused: the library would read and
 * write past the mapping. The mailbox polls until pci_mmpt_request_irq().
 *
 * When @dev's driver unbinds, after everything it set up later, the
 * mailbox is destroyed: background waits end with -ESHUTDOWN, a pending
 * notification is called back, the mailbox interrupts are disabled, and
 * the memory is freed. Call pci_mmpt_end_waits() earlier in the unbind to
 * end the waits sooner.
 *
 * Context: process context, may sleep.
 * Return: the mailbox, or an ERR_PTR(): -ENOMEM; -EINVAL for an abort
 * request whose aborted code is 0 or 1; -ENODEV when the
 * registers read all ones; -ENXIO for a payload size below 256 bytes or
 * beyond @size; -ETIMEDOUT when it never got ready.
 */
struct pci_mmpt *devm_pci_mmpt_create(struct device *dev,
				      void __iomem *base, size_t size,
				      const struct pci_mmpt_config *cfg)
{
	struct pci_mmpt *mbox;
	int ret;

	mbox = devm_kzalloc(dev, sizeof(*mbox), GFP_KERNEL);
	if (!mbox)
		return ERR_PTR(-ENOMEM);
	ret = pci_mmpt_init(mbox, dev, base, size, cfg);
	if (ret)
		return ERR_PTR(ret);
	ret = devm_add_action_or_reset(dev, mmpt_devm_destroy, mbox);
	if (ret)
		return ERR_PTR(ret);
	return mbox;
}
EXPORT_SYMBOL_NS_GPL(devm_pci_mmpt_create, "PCI_MMPT");

/**
 * pci_mmpt_payload_size() - bytes in a mailbox's payload area
 * @mbox: the mailbox
 *
 * Return: the largest input or output payload of one command.
 */
size_t pci_mmpt_payload_size(const struct pci_mmpt *mbox)
{
	return mbox->payload_size;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_payload_size, "PCI_MMPT");

/**
 * pci_mmpt_bg_timeout_ms() - a mailbox's default background wait
 * @mbox: the mailbox
 *
 * Return: the &pci_mmpt_config.bg_timeout_ms it was created with, or the
 * library's default.
 */
unsigned int pci_mmpt_bg_timeout_ms(const struct pci_mmpt *mbox)
{
	return mbox->bg_timeout_ms;
}
EXPORT_SYMBOL_NS_GPL(pci_mmpt_bg_timeout_ms, "PCI_MMPT");

MODULE_DESCRIPTION("PCIe MMPT mailbox library");
MODULE_LICENSE("GPL");
