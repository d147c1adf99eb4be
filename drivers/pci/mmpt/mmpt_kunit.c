// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the MMPT mailbox library against a software mailbox: a
 * register window in memory and a device model, a kthread that watches the
 * doorbell and answers at once, slowly, never, with bogus lengths, return
 * codes or all ones, and runs background commands that finish or hang,
 * with and without interrupts.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/fwctl-compat.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/irqdomain.h>
#include <linux/kthread.h>
#include <linux/pci-mmpt.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "mmpt.h"

MODULE_IMPORT_NS("PCI_MMPT");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#define PAYLOAD_SHIFT	11
#define PAYLOAD		BIT(PAYLOAD_SHIFT)
#define REGS_SIZE	(PCI_MMPT_PAYLOAD + PAYLOAD)

/*
 * The model's command set. Its abort request and return codes are not
 * CXL's on purpose: the library must take them from its configuration.
 */
#define MODEL_OP_ABORT		0x0a0b
#define MODEL_RC_BUSY		0x2b
#define MODEL_RC_ABORTED	0x2c
#define MODEL_RC_NO_ABORT	0x2d

enum model_mode {
	ANSWER,		/* echo the input, or out_len bytes of pattern */
	NEVER,		/* leave the doorbell set */
	BOGUS_LENGTH,	/* report a reply longer than the payload area */
	GONE,		/* surprise removal: every register reads all ones */
	BACKGROUND,	/* start a background operation */
};

struct model {
	struct pci_mmpt mbox;
	u8 *regs;
	struct task_struct *thread;
	struct device *dev;
	char name[24];
	/* behaviour, set by the test before ringing */
	enum model_mode mode;
	u16 rc;
	int out_len;		/* -1: echo the input */
	unsigned int delay_ms;
	unsigned int bg_steps;	/* 0: hang */
	bool bg_hold;		/* progress paused */
	bool abortable;
	bool done_at_abort;	/* the operation completes as the abort lands */
	bool irq_lost;		/* interrupts enabled but never delivered */
	int virq;		/* a real interrupt to raise, 0: call the handler */
	u16 bg_from;		/* opcodes from here go to the background */
	u16 bg_report;		/* report this opcode at the end, 0: the real one */
	bool bit_early;		/* running bit clears with the first progress */
	bool bg_again;		/* "started" while one runs; nothing new runs */
	bool bg_handover;	/* a new one finishes the running one first */
	/* what it saw */
	atomic_t doorbells;
	u16 last_opcode;
	u32 last_len;
	u8 last_in[64];
	/* owned by the thread */
	bool stuck_seen;
	bool bg_active;
	unsigned int bg_step;
};

static u64 rq(struct model *m, unsigned int off)
{
	return READ_ONCE(*(u64 *)(m->regs + off));
}

static void wq_(struct model *m, unsigned int off, u64 v)
{
	WRITE_ONCE(*(u64 *)(m->regs + off), v);
}

static u32 ctrl(struct model *m)
{
	return READ_ONCE(*(u32 *)(m->regs + PCI_MMPT_CTRL));
}

static void set_ctrl(struct model *m, u32 v)
{
	WRITE_ONCE(*(u32 *)(m->regs + PCI_MMPT_CTRL), v);
}

static void model_irq(struct model *m, u32 enable)
{
	if (!(ctrl(m) & enable) || READ_ONCE(m->irq_lost))
		return;
	if (m->virq)
		irq_set_irqchip_state(m->virq, IRQCHIP_STATE_PENDING, true);
	else
		pci_mmpt_irq(0, &m->mbox);
}

static void model_bg_finish(struct model *m, u16 rc)
{
	u64 bg = rq(m, PCI_MMPT_BG_STATUS);

	bg &= ~(PCI_MMPT_BG_PERCENT | PCI_MMPT_BG_RC);
	if (m->bg_report)
		bg = (bg & ~PCI_MMPT_BG_OPCODE) |
		     FIELD_PREP(PCI_MMPT_BG_OPCODE, m->bg_report);
	bg |= FIELD_PREP(PCI_MMPT_BG_PERCENT, 100) |
	      FIELD_PREP(PCI_MMPT_BG_RC, rc);
	wq_(m, PCI_MMPT_BG_STATUS, bg);
	/* The final status is visible before the running bit clears. */
	smp_wmb();
	wq_(m, PCI_MMPT_STATUS, rq(m, PCI_MMPT_STATUS) & ~PCI_MMPT_STATUS_BG);
	m->bg_active = false;
	model_irq(m, PCI_MMPT_CTRL_BG_IRQ);
}

static void model_answer(struct model *m)
{
	u64 cmd = rq(m, PCI_MMPT_CMD);
	u16 opcode = FIELD_GET(PCI_MMPT_CMD_OPCODE, cmd);
	u32 len = FIELD_GET(PCI_MMPT_CMD_LENGTH, cmd), out, i;
	u16 rc = m->rc;

	m->last_opcode = opcode;
	m->last_len = len;
	memcpy(m->last_in, m->regs + PCI_MMPT_PAYLOAD,
	       min_t(u32, len, sizeof(m->last_in)));
	if (m->delay_ms)
		msleep(m->delay_ms);

	if (opcode == MODEL_OP_ABORT) {
		if (!m->abortable) {
			rc = MODEL_RC_NO_ABORT;
		} else {
			rc = 0;
			if (m->bg_active)
				model_bg_finish(m, m->done_at_abort ?
					PCI_MMPT_RC_SUCCESS : MODEL_RC_ABORTED);
		}
		out = 0;
	} else if (m->mode == BACKGROUND ||
		   (m->bg_from && opcode >= m->bg_from)) {
		if (m->bg_active && m->bg_handover)
			model_bg_finish(m, PCI_MMPT_RC_SUCCESS);
		if (m->bg_active && m->bg_again) {
			rc = PCI_MMPT_RC_BACKGROUND;
		} else if (m->bg_active) {
			rc = MODEL_RC_BUSY;
		} else {
			rc = PCI_MMPT_RC_BACKGROUND;
			m->bg_active = true;
			m->bg_step = 0;
			wq_(m, PCI_MMPT_BG_STATUS, FIELD_PREP(PCI_MMPT_BG_OPCODE, opcode));
			wq_(m, PCI_MMPT_STATUS, PCI_MMPT_STATUS_BG);
		}
		out = 0;
	} else if (m->mode == BOGUS_LENGTH) {
		out = PAYLOAD + 8;
	} else {
		out = m->out_len < 0 ? len : m->out_len;
		for (i = len; i < out; i++)
			m->regs[PCI_MMPT_PAYLOAD + i] = i ^ 0xa5;
	}

	wq_(m, PCI_MMPT_CMD, FIELD_PREP(PCI_MMPT_CMD_OPCODE, opcode) |
			     FIELD_PREP(PCI_MMPT_CMD_LENGTH, out));
	wq_(m, PCI_MMPT_STATUS,
	    (rq(m, PCI_MMPT_STATUS) & PCI_MMPT_STATUS_BG) |
	    FIELD_PREP(PCI_MMPT_STATUS_RC, rc));
	if (m->mode == GONE)
		memset(m->regs, 0xff, REGS_SIZE);
	/* Registers and payload are visible before the doorbell clears. */
	smp_wmb();
	set_ctrl(m, ctrl(m) & ~PCI_MMPT_CTRL_DOORBELL);
	model_irq(m, PCI_MMPT_CTRL_DOORBELL_IRQ);
}

static int model_thread(void *data)
{
	struct model *m = data;

	while (!kthread_should_stop()) {
		if (m->bg_active && m->bg_steps && !READ_ONCE(m->bg_hold)) {
			u64 bg = rq(m, PCI_MMPT_BG_STATUS) & ~PCI_MMPT_BG_PERCENT;

			if (++m->bg_step >= m->bg_steps) {
				model_bg_finish(m, 0);
			} else {
				wq_(m, PCI_MMPT_BG_STATUS, bg |
				    FIELD_PREP(PCI_MMPT_BG_PERCENT,
					       100 * m->bg_step / m->bg_steps));
				if (m->bit_early)
					wq_(m, PCI_MMPT_STATUS,
					    rq(m, PCI_MMPT_STATUS) &
					    ~PCI_MMPT_STATUS_BG);
			}
		}
		if (ctrl(m) & PCI_MMPT_CTRL_DOORBELL && ctrl(m) != U32_MAX) {
			/* Read the command after seeing the doorbell. */
			smp_rmb();
			if (READ_ONCE(m->mode) != NEVER) {
				atomic_inc(&m->doorbells);
				model_answer(m);
			} else if (!m->stuck_seen) {
				/* Count a doorbell left set only once. */
				atomic_inc(&m->doorbells);
				m->stuck_seen = true;
			}
		}
		usleep_range(100, 200);
	}
	return 0;
}

static void model_stop(void *data)
{
	struct model *m = data;

	kthread_stop(m->thread);
}

static int model_seq;

static struct model *model_new(struct kunit *test, u32 caps)
{
	struct model *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->regs = kunit_kzalloc(test, REGS_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->regs);
	/* One KUnit device, and driver, per model: names must differ. */
	snprintf(m->name, sizeof(m->name), "mmpt-model%d", model_seq++);
	m->dev = kunit_device_register(test, m->name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->dev));
	*(u32 *)(m->regs + PCI_MMPT_CAPS) = caps;
	m->out_len = -1;
	m->abortable = true;
	m->thread = kthread_run(model_thread, m, "mmpt-model");
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->thread));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, model_stop, m), 0);
	return m;
}

static const struct pci_mmpt_config fast = {
	.timeout_ms = 100,
	.bg_timeout_ms = 5000,
	.ready_timeout_ms = 100,
	.abort_opcode = MODEL_OP_ABORT,
	.aborted_rc = MODEL_RC_ABORTED,
};

static struct model *model_up(struct kunit *test, u32 caps, bool irq)
{
	struct model *m = model_new(test, caps);

	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &fast), 0);
	if (irq)
		KUNIT_ASSERT_EQ(test, pci_mmpt_request_irq(&m->mbox, 0), 0);
	return m;
}

#define CAPS_POLL	PAYLOAD_SHIFT
#define CAPS_IRQ	(PAYLOAD_SHIFT | PCI_MMPT_CAPS_DOORBELL_IRQ | \
			 PCI_MMPT_CAPS_BG_IRQ | FIELD_PREP(PCI_MMPT_CAPS_MSGNUM, 7))

static void mmpt_test_init(struct kunit *test)
{
	struct model *m = model_new(test, CAPS_IRQ);
	struct model *bad;

	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &fast), 0);
	KUNIT_EXPECT_EQ(test, m->mbox.payload_size, PAYLOAD);
	KUNIT_EXPECT_EQ(test, pci_mmpt_msgnum(&m->mbox), 7);
	KUNIT_EXPECT_EQ(test, m->mbox.timeout_ms, 100);

	bad = model_new(test, 7);	/* 128 bytes: below the minimum */
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs, REGS_SIZE,
					    &fast),
			-ENXIO);
	/*
	 * 2 MiB: above the maximum, used as 1 MiB (as if mapped: init reads
	 * no payload).
	 */
	bad = model_new(test, 21);
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs,
					    PCI_MMPT_PAYLOAD + SZ_2M, &fast),
			0);
	KUNIT_EXPECT_EQ(test, bad->mbox.payload_size, SZ_1M);
	/* A payload area that does not fit what is mapped: refused. */
	bad = model_new(test, PAYLOAD_SHIFT + 1);
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs, REGS_SIZE,
					    &fast),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs,
					    PCI_MMPT_PAYLOAD - 1, &fast),
			-ENXIO);
	bad = model_new(test, U32_MAX);
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs, REGS_SIZE,
					    &fast),
			-ENODEV);

	/* No interrupt advertised: polling only. */
	bad = model_new(test, CAPS_POLL);
	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&bad->mbox, bad->dev,
					    (void __iomem *)bad->regs, REGS_SIZE,
					    &fast), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_msgnum(&bad->mbox), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, pci_mmpt_request_irq(&bad->mbox, 0), -EOPNOTSUPP);
}

static bool ready_flag;

static bool model_ready(void *ctx)
{
	return READ_ONCE(*(bool *)ctx);
}

static void mmpt_test_init_ready(struct kunit *test)
{
	struct pci_mmpt_config cfg = fast;
	struct model *m = model_new(test, CAPS_POLL);

	/* A doorbell that never clears: not ready within the bound. */
	m->mode = NEVER;
	set_ctrl(m, PCI_MMPT_CTRL_DOORBELL);
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &fast),
			-ETIMEDOUT);

	/* The consumer's extra condition is waited for too. */
	m = model_new(test, CAPS_POLL);
	ready_flag = false;
	cfg.ready = model_ready;
	cfg.ctx = &ready_flag;
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg),
			-ETIMEDOUT);
	ready_flag = true;
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg), 0);
}

static void mmpt_test_send(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	u8 in[13], out[32];
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x4000,
		.in = in,
		.in_len = sizeof(in),
		.out = out,
		.out_size = sizeof(out),
	};
	int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = i + 1;
	m->out_len = 20;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x4000);
	KUNIT_EXPECT_EQ(test, m->last_len, sizeof(in));
	KUNIT_EXPECT_MEMEQ(test, m->last_in, in, sizeof(in));
	KUNIT_EXPECT_EQ(test, cmd.return_code, 0);
	KUNIT_EXPECT_EQ(test, cmd.out_len, 20);
	KUNIT_EXPECT_MEMEQ(test, out, in, sizeof(in));
	for (i = sizeof(in); i < 20; i++)
		KUNIT_EXPECT_EQ(test, out[i], i ^ 0xa5);
	KUNIT_EXPECT_FALSE(test, cmd.background);

	/* A device error is an answer, not a failure; nothing is read. */
	memset(out, 0, sizeof(out));
	m->rc = 3;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.return_code, 3);
	KUNIT_EXPECT_EQ(test, cmd.out_len, 0);
	KUNIT_EXPECT_EQ(test, out[0], 0);
}

static void mmpt_test_lengths(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	u8 *big = kunit_kzalloc(test, PAYLOAD + 1, GFP_KERNEL);
	u8 out[8];
	struct pci_mmpt_cmd cmd = {
		.opcode = 1,
		.in = big,
		.in_len = PAYLOAD + 1,
		.out = out,
		.out_size = sizeof(out),
	};

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -E2BIG);
	cmd.in = NULL;
	cmd.in_len = 4;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 0);

	/* A full payload in, a reply larger than the caller's buffer. */
	memset(big, 0x3c, PAYLOAD);
	memset(out, 0, sizeof(out));
	cmd.in = big;
	cmd.in_len = PAYLOAD;
	cmd.out_size = 5;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.out_len, PAYLOAD);
	KUNIT_EXPECT_EQ(test, out[4], 0x3c);
	KUNIT_EXPECT_EQ(test, out[5], 0);

	/* A reported length beyond the payload area: nothing copied. */
	memset(out, 0, sizeof(out));
	cmd.out_size = sizeof(out);
	m->mode = BOGUS_LENGTH;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EIO);
	KUNIT_EXPECT_EQ(test, out[0], 0);
	KUNIT_EXPECT_EQ(test, cmd.out_len, 0);

	/* A consumer that asks for it (cxl_pci) gets it clamped instead. */
	cmd.flags = PCI_MMPT_CMD_CLAMP_LEN;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.out_len, PAYLOAD);
	KUNIT_EXPECT_EQ(test, cmd.return_code, 0);

	/* The mailbox still works afterwards. */
	m->mode = ANSWER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
}

static void mmpt_test_slow(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 2 };

	m->delay_ms = 30;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->mbox.irq_count), 0);
}

static void mmpt_test_slow_irq(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_IRQ, true);
	struct pci_mmpt_cmd cmd = { .opcode = 2 };

	KUNIT_EXPECT_EQ(test, ctrl(m), PCI_MMPT_CTRL_DOORBELL_IRQ |
				       PCI_MMPT_CTRL_BG_IRQ);
	m->delay_ms = 30;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&m->mbox.irq_count), 0);
	/* The doorbell write kept the interrupt enables. */
	KUNIT_EXPECT_EQ(test, ctrl(m), PCI_MMPT_CTRL_DOORBELL_IRQ |
				       PCI_MMPT_CTRL_BG_IRQ);
}

struct sender {
	struct model *m;
	struct completion started;
	u64 runtime_ns;
	u64 wall_ns;
	int ret;
};

static int sender_fn(void *data)
{
	struct sender *s = data;
	struct pci_mmpt_cmd cmd = { .opcode = 2 };
	u64 run = current->se.sum_exec_runtime;
	ktime_t t = ktime_get();

	complete(&s->started);
	s->ret = pci_mmpt_send(&s->m->mbox, &cmd);
	s->wall_ns = ktime_to_ns(ktime_sub(ktime_get(), t));
	/* Brought up to date by the switch away from this task. */
	schedule_timeout_uninterruptible(1);
	s->runtime_ns = current->se.sum_exec_runtime - run;
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/*
 * pci_mmpt_destroy() while a slow doorbell is waited for with interrupts
 * on: from the moment it starts, the wait's wake-up condition holds for
 * good, and the waiter must sleep between its looks rather than spin on
 * the CPU until the doorbell clears.
 */
static void mmpt_test_destroy_slow_doorbell_irq(struct kunit *test)
{
	/* Room for a slow guest: the command must not time out. */
	static const struct pci_mmpt_config patient = {
		.timeout_ms = 2000,
		.ready_timeout_ms = 100,
	};
	struct model *m = model_new(test, CAPS_IRQ);
	struct sender s = { .m = m };
	struct task_struct *t;

	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &patient),
			0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_request_irq(&m->mbox, 0), 0);

	init_completion(&s.started);
	m->delay_ms = 80;
	t = kthread_run(sender_fn, &s, "mmpt-sender");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wait_for_completion(&s.started);
	usleep_range(10000, 11000);
	/* Sets dying, then waits for the command in flight. */
	pci_mmpt_destroy(&m->mbox);
	kthread_stop(t);
	put_task_struct(t);
	KUNIT_EXPECT_EQ(test, s.ret, 0);
	KUNIT_EXPECT_GE(test, s.wall_ns, 50 * NSEC_PER_MSEC);
	KUNIT_EXPECT_LT_MSG(test, s.runtime_ns, s.wall_ns / 4,
			    "on the CPU %llu of %llu ns", s.runtime_ns,
			    s.wall_ns);
}

static void mmpt_test_stuck(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 3 };

	m->mode = NEVER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, m->mbox.stuck);
	/* Unusable while the doorbell stays set. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 1);

	/* The device recovers: the mailbox is usable again. */
	set_ctrl(m, 0);
	WRITE_ONCE(m->mode, ANSWER);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_FALSE(test, m->mbox.stuck);
}

static void mmpt_test_stuck_irq(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_IRQ, true);
	struct pci_mmpt_cmd cmd = { .opcode = 3 };

	m->mode = NEVER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EBUSY);
}

static void mmpt_test_gone(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 4 };
	struct pci_mmpt_bg_status st;

	m->mode = GONE;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ENODEV);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ENODEV);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_status(&m->mbox, &st), -ENODEV);
}

static bool slot_held(struct model *m)
{
	return READ_ONCE(m->mbox.bg_owner) != 0;
}

/* Wait up to 5 s for the library to see the device idle and free the slot. */
static bool slot_freed(struct model *m)
{
	int i;

	for (i = 0; i < 250 && slot_held(m); i++)
		msleep(20);
	return !slot_held(m);
}

#define NO_WAIT		(PCI_MMPT_CMD_BACKGROUND | PCI_MMPT_CMD_NO_WAIT)

struct waiter {
	struct model *m;
	struct pci_mmpt_cmd *cmd;
	unsigned int timeout_ms;
	struct completion started, done;
	int ret;
};

static int waiter_fn(void *data)
{
	struct waiter *w = data;

	allow_signal(SIGKILL);
	complete(&w->started);
	w->ret = pci_mmpt_bg_wait(&w->m->mbox, w->cmd, w->timeout_ms);
	complete(&w->done);
	/* Wait to be reaped by kthread_stop(). */
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

static struct task_struct *waiter_start(struct kunit *test, struct waiter *w)
{
	struct task_struct *t;

	init_completion(&w->started);
	init_completion(&w->done);
	t = kthread_run(waiter_fn, w, "mmpt-waiter");
	if (IS_ERR(t))
		return t;
	get_task_struct(t);
	wait_for_completion(&w->started);
	return t;
}

/* Send w->cmd, then wait for it in a thread that has begun to wait. */
static struct task_struct *bg_waiter_start(struct kunit *test,
					   struct waiter *w)
{
	struct task_struct *t;

	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&w->m->mbox, w->cmd), 0);
	t = waiter_start(test, w);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(20);
	return t;
}

static void waiter_reap(struct task_struct *t)
{
	kthread_stop(t);
	put_task_struct(t);
}

static const bool irq_modes[] = { false, true };

static void irq_mode_desc(const bool *irq, char *desc)
{
	strscpy(desc, *irq ? "interrupt" : "polling", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(irq_mode, irq_modes, irq_mode_desc);

static struct model *model_param(struct kunit *test)
{
	bool irq = *(const bool *)test->param_value;

	return model_up(test, irq ? CAPS_IRQ : CAPS_POLL, irq);
}

static void mmpt_test_background(struct kunit *test)
{
	struct model *m = model_param(test);
	bool irq = *(const bool *)test->param_value;
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x4304,
		.flags = PCI_MMPT_CMD_BACKGROUND,
	};
	struct pci_mmpt_cmd other = { .opcode = 0x4400, .flags = NO_WAIT };
	struct pci_mmpt_cmd fg = { .opcode = 1 };
	struct pci_mmpt_bg_status st;

	m->mode = BACKGROUND;
	m->bg_steps = 40;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_TRUE(test, cmd.background);
	KUNIT_EXPECT_EQ(test, cmd.return_code, 0);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	if (irq)
		KUNIT_EXPECT_GT(test, atomic_read(&m->mbox.irq_count), 0);

	/* Started without waiting: one at a time, others still run. */
	WRITE_ONCE(m->bg_hold, true);
	cmd.flags |= PCI_MMPT_CMD_NO_WAIT;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.return_code, PCI_MMPT_RC_BACKGROUND);
	KUNIT_EXPECT_NE(test, cmd.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &other), -EBUSY);
	/* Only the owner aborts: its abort request sent raw is refused. */
	fg.opcode = MODEL_OP_ABORT;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), -EBUSY);
	fg.opcode = 1;
	m->mode = ANSWER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	/* CXL's abort opcode is nothing to this command set: it is sent. */
	fg.opcode = 0x0005;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x0005);
	fg.opcode = 1;
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_status(&m->mbox, &st), 0);
	KUNIT_EXPECT_TRUE(test, st.running);
	KUNIT_EXPECT_EQ(test, st.opcode, 0x4304);
	KUNIT_EXPECT_LT(test, st.percent, 100);

	WRITE_ONCE(m->bg_hold, false);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), 0);
	KUNIT_EXPECT_EQ(test, cmd.return_code, 0);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_status(&m->mbox, &st), 0);
	KUNIT_EXPECT_FALSE(test, st.running);
	KUNIT_EXPECT_EQ(test, st.percent, 100);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	/* Released once: a second wait finds nothing. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 10), -ENOENT);
}

/* A command the caller did not expect to go to the background. */
static void mmpt_test_background_unannounced(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 0x0200 };
	struct pci_mmpt_cmd bg = { .opcode = 0x4304, .flags = NO_WAIT };

	m->mode = BACKGROUND;
	m->bg_steps = 20;
	/* Still waited for, and the slot held meanwhile. */
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_TRUE(test, cmd.background);
	KUNIT_EXPECT_EQ(test, cmd.return_code, 0);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	WRITE_ONCE(m->bg_hold, true);
	cmd.flags = PCI_MMPT_CMD_NO_WAIT;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	KUNIT_EXPECT_NE(test, cmd.bg_handle, 0);
	/* A background command asked for now is refused before the device. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &bg), -EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 2);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), 0);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
}

/*
 * A command flagged foreground that the device puts in the background
 * anyway: -EPROTO at once, the device asked to abort it, the slot left
 * free. While a tracked command holds the slot nothing is aborted: the
 * operation running may be that one.
 */
static void mmpt_test_background_foreground(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x0200, .flags = PCI_MMPT_CMD_FOREGROUND,
	};
	struct pci_mmpt_cmd bg = { .opcode = 0x4304, .flags = NO_WAIT };
	unsigned long start = jiffies;
	int rings;

	/* Both flags at once make no sense: nothing is sent. */
	cmd.flags |= PCI_MMPT_CMD_BACKGROUND;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 0);
	cmd.flags = PCI_MMPT_CMD_FOREGROUND;

	m->mode = BACKGROUND;
	m->bg_steps = 0;	/* it would never end */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EPROTO);
	KUNIT_EXPECT_LT(test, jiffies - start, (unsigned long)HZ);
	KUNIT_EXPECT_TRUE(test, cmd.background);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 2);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	/* The device stopped: a background command starts and is tracked. */
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &bg), 0);
	KUNIT_ASSERT_NE(test, bg.bg_handle, 0);

	m->bg_again = true;
	rings = atomic_read(&m->doorbells);
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EPROTO);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), rings + 1);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x0200);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	m->bg_again = false;
	m->bg_steps = 3;
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &bg, 5000), 0);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	/* A device that cannot abort keeps running it, untracked. */
	m->abortable = false;
	m->bg_steps = 0;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EPROTO);
	KUNIT_EXPECT_EQ(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	/* The next background command is the device's to refuse. */
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &bg), 0);
	KUNIT_EXPECT_EQ(test, bg.return_code, MODEL_RC_BUSY);
	KUNIT_EXPECT_EQ(test, bg.bg_handle, 0);
	m->bg_steps = 3;
}

/*
 * A command set without an abort request: nothing is ever aborted, an
 * abortable command is refused before it reaches the device, and a
 * foreground command the device runs in the background anyway still fails
 * without taking the slot.
 */
static void mmpt_test_no_abort_request(struct kunit *test)
{
	struct model *m = model_new(test, CAPS_POLL);
	struct pci_mmpt_config cfg = fast;
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x4304,
		.flags = PCI_MMPT_CMD_BACKGROUND | PCI_MMPT_CMD_ABORTABLE,
		.timeout_ms = 50,
	};
	struct pci_mmpt_cmd fg = {
		.opcode = 0x0200, .flags = PCI_MMPT_CMD_FOREGROUND,
	};

	/* An aborted code that reads as success or "started" is refused. */
	cfg.aborted_rc = PCI_MMPT_RC_SUCCESS;
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg), -EINVAL);
	cfg.aborted_rc = PCI_MMPT_RC_BACKGROUND;
	KUNIT_EXPECT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg), -EINVAL);
	cfg.abort_opcode = 0;
	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg), 0);
	m->mode = BACKGROUND;
	m->bg_steps = 0;	/* it would never end */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 0);

	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), -EPROTO);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 1);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x0200);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	/* Not abortable, the same command times out and stays watched. */
	cmd.flags = PCI_MMPT_CMD_BACKGROUND;
	m->bg_active = false;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x4304);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	/* The watcher must not outlive the model's registers. */
	pci_mmpt_destroy(&m->mbox);
}

/*
 * A fatal signal ends a background wait; the operation goes on, the slot
 * stays taken, and is freed once the device finishes.
 */
static void mmpt_test_background_killed(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd next = { .opcode = 0x4304, .flags = NO_WAIT };
	struct waiter w = { .m = m, .cmd = &cmd, .timeout_ms = 5000 };
	struct task_struct *t;

	m->mode = BACKGROUND;
	WRITE_ONCE(m->bg_hold, true);
	m->bg_steps = 5;
	t = bg_waiter_start(test, &w);
	send_sig(SIGKILL, t, 1);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&w.done, 2 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, w.ret, -EINTR);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	waiter_reap(t);
	/* The device still runs it: nothing else starts. */
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &next), -EBUSY);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &next), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &next, 5000), 0);
}

/*
 * An abortable command whose wait timed out, which the device completed
 * just as the abort reached it: it ran, so the wait reports its completion
 * (0, its return code), not -ETIMEDOUT, and a caller does not run a
 * non-idempotent command twice. One the device did abort is -ETIMEDOUT.
 */
static void mmpt_test_background_done_at_abort(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x4304, .flags = NO_WAIT | PCI_MMPT_CMD_ABORTABLE,
	};

	m->mode = BACKGROUND;
	WRITE_ONCE(m->bg_hold, true);
	m->bg_steps = 5;
	m->done_at_abort = true;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 20), 0);
	KUNIT_EXPECT_EQ(test, cmd.return_code, PCI_MMPT_RC_SUCCESS);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));

	m->done_at_abort = false;
	cmd.bg_handle = 0;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 20), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, cmd.return_code, MODEL_RC_ABORTED);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));
}

static void mmpt_test_background_hang(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = {
		.opcode = 0x4400,
		.flags = PCI_MMPT_CMD_BACKGROUND | PCI_MMPT_CMD_ABORTABLE,
		.timeout_ms = 50,
	};

	m->mode = BACKGROUND;
	m->bg_steps = 0;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ETIMEDOUT);
	/* Aborted: the device saw the request, the slot is free again. */
	KUNIT_EXPECT_EQ(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_EQ(test, cmd.return_code, MODEL_RC_ABORTED);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	/*
	 * A device that cannot abort: the slot stays taken after the
	 * timeout, and is freed when the device finishes after all.
	 */
	m->abortable = false;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), -EBUSY);
	msleep(50);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	m->bg_steps = 3;
	KUNIT_EXPECT_TRUE(test, slot_freed(m));
	cmd.timeout_ms = 0;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
}

/* The device reports another command's completion than the one started. */
static void mmpt_test_background_mismatch(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };

	m->mode = BACKGROUND;
	m->bg_steps = 5;
	m->bg_report = 0x0201;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), -EPROTO);
	/* The device is idle all the same: the slot is free. */
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
}

/*
 * A device that clears the running bit as soon as it reports progress
 * (QEMU 10.0): the wait still ends only at 100 percent.
 */
static void mmpt_test_background_bit_early(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_bg_status st;

	m->mode = BACKGROUND;
	m->bg_steps = 200;
	m->bit_early = true;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_status(&m->mbox, &st), 0);
	KUNIT_EXPECT_EQ(test, st.percent, 100);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
}

struct notified {
	struct completion done;
	struct pci_mmpt_bg_status st;
	int err;
	atomic_t calls;
	bool slot_was_held;
	struct model *m;
};

static void on_bg_done(struct pci_mmpt *mbox,
		       const struct pci_mmpt_bg_status *st, int err, void *ctx)
{
	struct notified *n = ctx;

	n->st = *st;
	n->err = err;
	n->slot_was_held = n->m && slot_held(n->m);
	atomic_inc(&n->calls);
	complete(&n->done);
}

static void notified_init(struct notified *n, struct model *m)
{
	*n = (struct notified){ .m = m };
	init_completion(&n->done);
}

/* Only the owner ends a background command; nobody frees it twice. */
static void mmpt_test_background_owner(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd thief = { .opcode = 0x4304 };
	struct notified n;

	notified_init(&n, m);
	/* Nothing running yet. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &thief, 10), -ENOENT);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &thief, NULL, NULL),
			-ENOENT);

	m->mode = BACKGROUND;
	m->bg_steps = 20;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	/* No handle, or a forged one: refused, the owner keeps it. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &thief, 10), -EPERM);
	thief.bg_handle = cmd.bg_handle + 1;
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &thief, 10), -EPERM);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &thief, NULL, NULL),
			-EPERM);
	KUNIT_EXPECT_TRUE(test, slot_held(m));

	/* Handed to the library: the old handle no longer owns it. */
	thief.bg_handle = cmd.bg_handle;
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd, on_bg_done,
						 &n), 0);
	KUNIT_EXPECT_EQ(test, cmd.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &thief, 10), -EPERM);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &thief, NULL, NULL),
			-EPERM);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd, NULL, NULL),
			-EPERM);
	/* The caller is not blocked: nothing has been reported yet. */
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 0);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&n.done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, n.err, 0);
	KUNIT_EXPECT_EQ(test, n.st.opcode, 0x4304);
	KUNIT_EXPECT_EQ(test, n.st.percent, 100);
	KUNIT_EXPECT_FALSE(test, n.slot_was_held);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &thief, 10), -ENOENT);
	pci_mmpt_destroy(&m->mbox);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 1);
}

/* Wait up to 5 s for the device (not the library) to finish its command. */
static bool device_done(struct model *m)
{
	struct pci_mmpt_bg_status st;
	int i;

	for (i = 0; i < 250; i++) {
		if (!pci_mmpt_bg_status(&m->mbox, &st) && !st.running &&
		    st.percent == 100)
			return true;
		msleep(20);
	}
	return false;
}

/*
 * An fwctl background command V finished while its owner was not looking;
 * then the kernel's own command (a firmware transfer, not flagged: the
 * kernel did not know it runs in the background) went to the background.
 * The transfer takes the slot and is tracked; V's owner is told V's own
 * outcome, and its timeout aborts nothing: the kernel's transfer runs to
 * its end.
 */
static void mmpt_test_background_handover(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd v = {
		.opcode = 0x4304, .flags = NO_WAIT | PCI_MMPT_CMD_ABORTABLE,
	};
	struct pci_mmpt_cmd xfer = { .opcode = 0x0201,
				     .flags = PCI_MMPT_CMD_NO_WAIT };
	struct pci_mmpt_bg_status st;
	int rings;

	m->mode = BACKGROUND;
	m->bg_steps = 2;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &v), 0);
	KUNIT_ASSERT_NE(test, v.bg_handle, 0);
	KUNIT_ASSERT_TRUE(test, device_done(m));
	KUNIT_EXPECT_TRUE(test, slot_held(m));

	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &xfer), 0);
	KUNIT_EXPECT_TRUE(test, xfer.background);
	KUNIT_EXPECT_NE(test, xfer.bg_handle, 0);
	rings = atomic_read(&m->doorbells);

	/* V's wait: its own completion, at once; no abort for the timeout. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &v, 20), 0);
	KUNIT_EXPECT_EQ(test, v.return_code, PCI_MMPT_RC_SUCCESS);
	KUNIT_EXPECT_EQ(test, v.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), rings);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_status(&m->mbox, &st), 0);
	KUNIT_EXPECT_TRUE(test, st.running);
	KUNIT_EXPECT_EQ(test, st.opcode, 0x0201);
	/* Collected once: the slot is the transfer's now. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &v, 10), -EPERM);

	/* The transfer still holds the slot and ends as the kernel waits. */
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &xfer, 5000), 0);
	KUNIT_EXPECT_EQ(test, xfer.return_code, PCI_MMPT_RC_SUCCESS);
	KUNIT_EXPECT_NE(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
}

/*
 * The device finishes V just as the next command reaches it, after the
 * library saw V running: the next one is still tracked (the device proved
 * V over by starting it), and V's owner is told its outcome was lost
 * (-EPROTO), without an abort.
 */
static void mmpt_test_background_handover_at_doorbell(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd v = {
		.opcode = 0x4304, .flags = NO_WAIT | PCI_MMPT_CMD_ABORTABLE,
	};
	struct pci_mmpt_cmd xfer = { .opcode = 0x0201,
				     .flags = PCI_MMPT_CMD_NO_WAIT };

	m->mode = BACKGROUND;
	m->bg_steps = 3;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &v), 0);
	m->bg_handover = true;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &xfer), 0);
	KUNIT_EXPECT_TRUE(test, xfer.background);
	KUNIT_EXPECT_NE(test, xfer.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &v, 20), -EPROTO);
	KUNIT_EXPECT_EQ(test, v.bg_handle, 0);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x0201);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &xfer, 5000), 0);
	KUNIT_EXPECT_NE(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
}

/*
 * The same with V watched by the library (its caller gave up, or it was
 * handed over with a callback): the callback gets V's outcome, the
 * transfer is tracked. Polled only: the watcher sleeps long between
 * checks, so the transfer arrives before it looks.
 */
static void mmpt_test_background_handover_watched(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd v = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd xfer = { .opcode = 0x0201,
				     .flags = PCI_MMPT_CMD_NO_WAIT };
	struct notified n;

	notified_init(&n, m);
	m->mode = BACKGROUND;
	m->bg_steps = 1;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &v), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &v, on_bg_done, &n),
			0);
	/* Long enough for the watcher's interval to grow to a second. */
	msleep(1500);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_ASSERT_TRUE(test, device_done(m));
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &xfer), 0);
	KUNIT_EXPECT_NE(test, xfer.bg_handle, 0);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&n.done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, n.err, 0);
	KUNIT_EXPECT_EQ(test, n.st.opcode, 0x4304);
	KUNIT_EXPECT_EQ(test, n.st.percent, 100);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &xfer, 5000), 0);
	pci_mmpt_destroy(&m->mbox);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 1);
}

/*
 * The device reports another opcode running than the one waited for (a
 * command that bypassed the library): the owner's command is over, the
 * wait ends at once with -EPROTO, and nothing is aborted, timeout or not.
 */
static void mmpt_test_background_other_opcode(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd v = {
		.opcode = 0x4304, .flags = NO_WAIT | PCI_MMPT_CMD_ABORTABLE,
	};
	unsigned long start;

	m->mode = BACKGROUND;
	m->bg_steps = 10;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &v), 0);
	wq_(m, PCI_MMPT_BG_STATUS, FIELD_PREP(PCI_MMPT_BG_OPCODE, 0x0201));
	start = jiffies;
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &v, 5000), -EPROTO);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, m->last_opcode, 0x4304);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	WRITE_ONCE(m->bg_hold, false);
}

/*
 * pci_mmpt_end_waits(), as a driver unbinds: a synchronous wait returns
 * -ESHUTDOWN at once, but the device still runs the command, so the slot
 * stays taken until it is done; a notification (a sanitize's fence) is not
 * ended: its callback runs when the device is done, or at destroy.
 */
static void mmpt_test_end_waits(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd late = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd fg = { .opcode = 1 };
	struct waiter w = { .m = m, .cmd = &cmd, .timeout_ms = 5000 };
	struct task_struct *t;
	unsigned long start;

	m->mode = BACKGROUND;
	m->bg_steps = 5;
	WRITE_ONCE(m->bg_hold, true);
	t = bg_waiter_start(test, &w);
	start = jiffies;
	pci_mmpt_end_waits(&m->mbox);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&w.done, HZ), 0UL);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, w.ret, -ESHUTDOWN);
	waiter_reap(t);
	KUNIT_EXPECT_NE(test, m->last_opcode, MODEL_OP_ABORT);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &late), -ESHUTDOWN);
	m->mode = ANSWER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));
}

static void mmpt_test_end_waits_notify(struct kunit *test)
{
	bool irq = *(const bool *)test->param_value;
	struct model *m2 = model_param(test);
	struct pci_mmpt_cmd san = { .opcode = 0x4400, .flags = NO_WAIT };
	unsigned long start;
	struct notified n;

	notified_init(&n, m2);
	m2->mode = BACKGROUND;
	m2->bg_steps = 5;
	WRITE_ONCE(m2->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m2->mbox, &san), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m2->mbox, &san, on_bg_done,
						 &n), 0);
	pci_mmpt_end_waits(&m2->mbox);
	/* Long enough for the watcher's interval to grow to a second. */
	msleep(1500);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 0);
	KUNIT_EXPECT_TRUE(test, slot_held(m2));
	start = jiffies;
	WRITE_ONCE(m2->bg_hold, false);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&n.done, 5 * HZ), 0UL);
	/* The watcher still listens to the interrupt: no second's sleep. */
	if (irq)
		KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 500U);
	KUNIT_EXPECT_EQ(test, n.err, 0);
	KUNIT_EXPECT_EQ(test, n.st.percent, 100);
	KUNIT_EXPECT_FALSE(test, n.slot_was_held);
	pci_mmpt_destroy(&m2->mbox);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 1);
}

/*
 * A device reset wipes the background command: the registers read as
 * after power-up (no operation, opcode 0). The wait ends with -EPROTO at
 * once instead of at its timeout, a notification's callback (a sanitize's
 * fence) runs, and the slot is free for the next command.
 */
static void model_reset(struct model *m)
{
	WRITE_ONCE(m->bg_hold, true);
	wq_(m, PCI_MMPT_BG_STATUS, 0);
	wq_(m, PCI_MMPT_STATUS, 0);
	set_ctrl(m, 0);
	m->bg_active = false;
	WRITE_ONCE(m->bg_hold, false);
}

static void mmpt_test_background_reset(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd san = { .opcode = 0x4400, .flags = NO_WAIT };
	unsigned long start;
	struct notified n;

	notified_init(&n, m);
	m->mode = BACKGROUND;
	m->bg_steps = 10;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	model_reset(m);
	start = jiffies;
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), -EPROTO);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &san), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &san, on_bg_done,
						 &n), 0);
	model_reset(m);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&n.done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, n.err, -EPROTO);
	KUNIT_EXPECT_FALSE(test, n.slot_was_held);
	/* The interrupt enables come back with the next doorbell. */
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, ctrl(m), READ_ONCE(m->mbox.ctrl));
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), 0);
}

/* Abandoned (no callback): the slot stays taken until the device is done. */
static void mmpt_test_background_abandon(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd next = { .opcode = 0x4304, .flags = NO_WAIT };

	m->mode = BACKGROUND;
	m->bg_steps = 20;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd, NULL, NULL), 0);
	/* Still running: no other background command starts. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &next), -EBUSY);
	msleep(100);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));
	pci_mmpt_destroy(&m->mbox);
}

/*
 * An interrupt that arrives after its waiter saw the doorbell clear (a
 * fast device, the interrupt on another CPU) is still the mailbox's, once:
 * a vector whose interrupts were mostly refused would be disabled as
 * spurious. One nobody armed is not.
 */
static void mmpt_test_irq_late(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_IRQ, true);
	struct pci_mmpt_cmd fg = { .opcode = 2 };
	struct pci_mmpt_cmd bg = { .opcode = 0x4304, .flags = NO_WAIT };

	WRITE_ONCE(m->irq_lost, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_irq(0, &m->mbox), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, pci_mmpt_irq(0, &m->mbox), IRQ_NONE);

	m->mode = BACKGROUND;
	m->bg_steps = 3;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &bg), 0);
	KUNIT_EXPECT_EQ(test, pci_mmpt_irq(0, &m->mbox), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &bg, 5000), 0);
	/* The operation ended, its waiter looked: the claim is still due. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_irq(0, &m->mbox), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, pci_mmpt_irq(0, &m->mbox), IRQ_NONE);
}

/*
 * Interrupts enabled but never delivered: a missed interrupt costs at
 * most a bounded poll interval, not the timeout.
 */
static void mmpt_test_irq_lost(struct kunit *test)
{
	struct pci_mmpt_config cfg = fast;
	struct model *m = model_new(test, CAPS_IRQ);
	struct pci_mmpt_cmd fg = { .opcode = 2 };
	struct pci_mmpt_cmd bg = { .opcode = 0x4304, .flags = NO_WAIT };
	unsigned long start;

	cfg.timeout_ms = 4000;
	KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m->mbox, m->dev,
					    (void __iomem *)m->regs, REGS_SIZE,
					    &cfg), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_request_irq(&m->mbox, 0), 0);
	WRITE_ONCE(m->irq_lost, true);

	m->delay_ms = 30;
	start = jiffies;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);

	m->delay_ms = 0;
	m->mode = BACKGROUND;
	m->bg_steps = 20;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &bg), 0);
	start = jiffies;
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &bg, 4000), 0);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->mbox.irq_count), 0);
}

/*
 * Removal with a notification pending on an operation that never ends:
 * pci_mmpt_destroy() ends the wait, the callback has run with -ESHUTDOWN
 * when it returns, and it returns at once rather than after a timeout.
 */
static void mmpt_test_destroy_ends_notify(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4400, .flags = NO_WAIT };
	struct notified n;
	unsigned long start;

	notified_init(&n, NULL);
	m->mode = BACKGROUND;
	m->bg_steps = 0;
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd, on_bg_done,
						 &n), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 0);
	start = jiffies;
	pci_mmpt_destroy(&m->mbox);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 1);
	KUNIT_EXPECT_EQ(test, n.err, -ESHUTDOWN);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
}

/* Work queued and destroyed at once: the callback still runs, once. */
static void mmpt_test_destroy_queued(struct kunit *test)
{
	const int count = 8;
	struct notified *n = kunit_kcalloc(test, count, sizeof(*n), GFP_KERNEL);
	struct model *m;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, n);
	for (i = 0; i < count; i++) {
		struct pci_mmpt_cmd cmd = { .opcode = 0x4400, .flags = NO_WAIT };

		m = model_up(test, CAPS_POLL, false);
		m->mode = BACKGROUND;
		notified_init(&n[i], NULL);
		KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);
		KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd,
							 on_bg_done, &n[i]), 0);
		pci_mmpt_destroy(&m->mbox);
		KUNIT_EXPECT_EQ(test, atomic_read(&n[i].calls), 1);
		KUNIT_EXPECT_EQ(test, n[i].err, -ESHUTDOWN);
		/* Refused after destroy; nothing runs twice. */
		cmd.bg_handle = 1;
		KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &cmd,
							 on_bg_done, &n[i]),
				-ESHUTDOWN);
		pci_mmpt_destroy(&m->mbox);
		KUNIT_EXPECT_EQ(test, atomic_read(&n[i].calls), 1);
	}
}

/* Destroy while a thread waits synchronously; notify after destroy. */
static void mmpt_test_destroy_sync_wait(struct kunit *test)
{
	struct model *m = model_param(test);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4400, .flags = NO_WAIT };
	struct pci_mmpt_cmd late = { .opcode = 0x4304, .flags = NO_WAIT };
	struct pci_mmpt_cmd fg = { .opcode = 1 };
	struct waiter w = { .m = m, .cmd = &cmd, .timeout_ms = 5000 };
	struct task_struct *t;
	unsigned long start;

	m->mode = BACKGROUND;
	m->bg_steps = 0;
	t = bg_waiter_start(test, &w);
	start = jiffies;
	pci_mmpt_destroy(&m->mbox);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&w.done, HZ), 0UL);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, w.ret, -ESHUTDOWN);
	waiter_reap(t);
	KUNIT_EXPECT_FALSE(test, slot_held(m));

	/* After destroy: no background command, no notification. */
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &late), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &late, NULL, NULL),
			-ESHUTDOWN);
	/* Foreground commands still run, polled. */
	m->mode = ANSWER;
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &fg), 0);
	KUNIT_EXPECT_EQ(test, ctrl(m), 0);
}

/*
 * All ones in the middle of a background command: a synchronous wait
 * fails with -ENODEV, but the slot (a sanitize's guard) stays taken while
 * the device may still run it, until the device reads sane and idle again
 * or the mailbox is torn down.
 */
static void mmpt_test_background_gone(struct kunit *test)
{
	struct model *m = model_up(test, CAPS_POLL, false);
	struct pci_mmpt_cmd cmd = { .opcode = 0x4400, .flags = NO_WAIT };
	struct pci_mmpt_cmd next = { .opcode = 0x4304, .flags = NO_WAIT };
	u8 *saved = kunit_kzalloc(test, PCI_MMPT_PAYLOAD, GFP_KERNEL);
	struct notified n;

	KUNIT_ASSERT_NOT_NULL(test, saved);
	notified_init(&n, m);
	m->mode = BACKGROUND;
	m->bg_steps = 10;
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &cmd), 0);

	/* Gone during a synchronous wait. */
	memcpy(saved, m->regs, PCI_MMPT_PAYLOAD);
	memset(m->regs, 0xff, PCI_MMPT_PAYLOAD);
	KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m->mbox, &cmd, 5000), -ENODEV);
	msleep(100);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m->mbox, &next), -EBUSY);

	/* Back, and it finishes: the watcher frees the slot. */
	memcpy(m->regs, saved, PCI_MMPT_PAYLOAD);
	WRITE_ONCE(m->bg_hold, false);
	KUNIT_EXPECT_TRUE(test, slot_freed(m));

	/* Gone while a notification waits: kept until destroy. */
	WRITE_ONCE(m->bg_hold, true);
	KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m->mbox, &next), 0);
	KUNIT_ASSERT_EQ(test, pci_mmpt_bg_notify(&m->mbox, &next, on_bg_done,
						 &n), 0);
	memset(m->regs, 0xff, PCI_MMPT_PAYLOAD);
	msleep(200);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 0);
	KUNIT_EXPECT_TRUE(test, slot_held(m));
	pci_mmpt_destroy(&m->mbox);
	KUNIT_EXPECT_EQ(test, atomic_read(&n.calls), 1);
	KUNIT_EXPECT_EQ(test, n.err, -ESHUTDOWN);
}

struct worker {
	struct model *m;
	struct completion done;
	u16 id;
	int errors;
	int bg_done;
};

/* Foreground commands: every reply matches its request. */
static int worker_fn(void *data)
{
	struct worker *w = data;
	u8 in[24], out[24];
	int i, j;

	for (i = 0; i < 25; i++) {
		struct pci_mmpt_cmd cmd = {
			.opcode = w->id,
			.in = in,
			.in_len = sizeof(in),
			.out = out,
			.out_size = sizeof(out),
		};

		for (j = 0; j < sizeof(in); j++)
			in[j] = w->id * 31 + i + j;
		if (pci_mmpt_send(&w->m->mbox, &cmd) || cmd.out_len != sizeof(in) ||
		    memcmp(in, out, sizeof(in)))
			w->errors++;
	}
	complete(&w->done);
	return 0;
}

/* Background commands: each runs to the end or is refused, never both. */
static int bg_worker_fn(void *data)
{
	struct worker *w = data;
	int i, ret;

	for (i = 0; i < 10; i++) {
		struct pci_mmpt_cmd cmd = {
			.opcode = w->id,
			.flags = PCI_MMPT_CMD_BACKGROUND,
		};

		ret = pci_mmpt_send(&w->m->mbox, &cmd);
		if (!ret && cmd.background && !cmd.return_code)
			w->bg_done++;
		else if (ret != -EBUSY)
			w->errors++;
		usleep_range(100, 500);
	}
	complete(&w->done);
	return 0;
}

static void mmpt_test_threads(struct kunit *test)
{
	bool irq = *(const bool *)test->param_value;
	struct model *m = model_param(test);
	const int count = 10;
	struct worker *w = kunit_kcalloc(test, count, sizeof(*w), GFP_KERNEL);
	int i, bg = 0;

	KUNIT_ASSERT_NOT_NULL(test, w);
	m->bg_from = 0x4300;
	m->bg_steps = 3;
	for (i = 0; i < count; i++) {
		bool is_bg = i >= 8;

		w[i] = (struct worker){
			.m = m, .id = is_bg ? 0x4304 + i : 0x100 + i,
		};
		init_completion(&w[i].done);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(is_bg ? bg_worker_fn :
							    worker_fn, &w[i],
							    "mmpt-w%d", i)));
	}
	for (i = 0; i < count; i++) {
		wait_for_completion(&w[i].done);
		KUNIT_EXPECT_EQ(test, w[i].errors, 0);
		bg += w[i].bg_done;
	}
	KUNIT_EXPECT_GT(test, bg, 0);
	/* One doorbell per command that reached the device. */
	KUNIT_EXPECT_EQ(test, atomic_read(&m->doorbells), 8 * 25 + bg);
	KUNIT_EXPECT_FALSE(test, slot_held(m));
	if (irq)
		KUNIT_EXPECT_GT(test, atomic_read(&m->mbox.irq_count), 0);
}

struct sim_irq {
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	int virq;
};

static void sim_irq_remove(void *data)
{
	struct sim_irq *s = data;

	irq_dispose_mapping(s->virq);
	irq_domain_remove_sim(s->domain);
	irq_domain_free_fwnode(s->fwnode);
}

/*
 * Two mailboxes on one real, shared interrupt (an irq_sim line raised by
 * the device models): both complete by interrupt, neither is confused by
 * the other's.
 */
static void mmpt_test_shared_irq(struct kunit *test)
{
	struct sim_irq *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct model *m[2];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->fwnode = irq_domain_alloc_named_fwnode("mmpt-kunit");
	KUNIT_ASSERT_NOT_NULL(test, s->fwnode);
	s->domain = irq_domain_create_sim(s->fwnode, 1);
	if (IS_ERR(s->domain))
		irq_domain_free_fwnode(s->fwnode);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s->domain));
	s->virq = irq_create_mapping(s->domain, 0);
	if (s->virq <= 0) {
		irq_domain_remove_sim(s->domain);
		irq_domain_free_fwnode(s->fwnode);
	}
	KUNIT_ASSERT_GT(test, s->virq, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sim_irq_remove, s),
			0);

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		m[i] = model_new(test, CAPS_IRQ);
		m[i]->virq = s->virq;
		KUNIT_ASSERT_EQ(test, pci_mmpt_init(&m[i]->mbox, m[i]->dev,
						    (void __iomem *)m[i]->regs,
						    REGS_SIZE, &fast), 0);
		KUNIT_ASSERT_EQ(test, pci_mmpt_request_irq(&m[i]->mbox, s->virq),
				0);
		KUNIT_EXPECT_EQ(test, m[i]->mbox.irq, s->virq);
	}
	for (i = 0; i < ARRAY_SIZE(m); i++) {
		struct pci_mmpt_cmd fg = { .opcode = 2 };
		struct pci_mmpt_cmd bg = { .opcode = 0x4304, .flags = NO_WAIT };
		int seen = atomic_read(&m[i]->mbox.irq_count);
		int other = atomic_read(&m[!i]->mbox.irq_count);

		m[i]->delay_ms = 30;
		KUNIT_EXPECT_EQ(test, pci_mmpt_send(&m[i]->mbox, &fg), 0);
		KUNIT_EXPECT_GT(test, atomic_read(&m[i]->mbox.irq_count), seen);
		m[i]->delay_ms = 0;
		m[i]->mode = BACKGROUND;
		m[i]->bg_steps = 20;
		KUNIT_ASSERT_EQ(test, pci_mmpt_send(&m[i]->mbox, &bg), 0);
		KUNIT_EXPECT_EQ(test, pci_mmpt_bg_wait(&m[i]->mbox, &bg, 5000), 0);
		KUNIT_EXPECT_EQ(test, bg.return_code, 0);
		/*
		 * A shared line runs every handler: the idle mailbox says it
		 * did not interrupt, and wakes nobody.
		 */
		KUNIT_EXPECT_EQ(test, atomic_read(&m[!i]->mbox.irq_count), other);
		KUNIT_EXPECT_EQ(test, pci_mmpt_irq(s->virq, &m[!i]->mbox),
				IRQ_NONE);
	}
}

static struct kunit_case mmpt_cases[] = {
	KUNIT_CASE(mmpt_test_init),
	KUNIT_CASE(mmpt_test_init_ready),
	KUNIT_CASE(mmpt_test_send),
	KUNIT_CASE(mmpt_test_lengths),
	KUNIT_CASE(mmpt_test_slow),
	KUNIT_CASE(mmpt_test_slow_irq),
	KUNIT_CASE(mmpt_test_destroy_slow_doorbell_irq),
	KUNIT_CASE(mmpt_test_irq_lost),
	KUNIT_CASE(mmpt_test_irq_late),
	KUNIT_CASE(mmpt_test_shared_irq),
	KUNIT_CASE(mmpt_test_stuck),
	KUNIT_CASE(mmpt_test_stuck_irq),
	KUNIT_CASE(mmpt_test_gone),
	KUNIT_CASE_PARAM(mmpt_test_background, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_hang, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_done_at_abort,
			 irq_mode_gen_params),
	KUNIT_CASE(mmpt_test_background_unannounced),
	KUNIT_CASE(mmpt_test_background_foreground),
	KUNIT_CASE(mmpt_test_no_abort_request),
	KUNIT_CASE_PARAM(mmpt_test_background_killed, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_mismatch, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_bit_early, irq_mode_gen_params),
	KUNIT_CASE(mmpt_test_background_owner),
	KUNIT_CASE_PARAM(mmpt_test_background_abandon, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_handover, irq_mode_gen_params),
	KUNIT_CASE(mmpt_test_background_handover_watched),
	KUNIT_CASE(mmpt_test_background_handover_at_doorbell),
	KUNIT_CASE_PARAM(mmpt_test_background_other_opcode,
			 irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_background_reset, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_end_waits, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_end_waits_notify, irq_mode_gen_params),
	KUNIT_CASE(mmpt_test_background_gone),
	KUNIT_CASE_PARAM(mmpt_test_destroy_ends_notify, irq_mode_gen_params),
	KUNIT_CASE(mmpt_test_destroy_queued),
	KUNIT_CASE_PARAM(mmpt_test_destroy_sync_wait, irq_mode_gen_params),
	KUNIT_CASE_PARAM(mmpt_test_threads, irq_mode_gen_params),
	{}
};

static struct kunit_suite mmpt_suite = {
	.name = "pci_mmpt",
	.test_cases = mmpt_cases,
};

kunit_test_suite(mmpt_suite);

MODULE_DESCRIPTION("KUnit tests for the PCI MMPT mailbox library");
MODULE_LICENSE("GPL");
