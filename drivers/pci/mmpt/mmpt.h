/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MMPT library's own view of a mailbox: consumers get a pointer from
 * devm_pci_mmpt_create() and never see inside. The KUnit suite embeds one
 * in its device model and sets it up with pci_mmpt_init().
 */
#ifndef _PCI_MMPT_INTERNAL_H
#define _PCI_MMPT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/pci-mmpt.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Bits of &pci_mmpt.irq_armed: what the interrupt handler may claim. */
#define PCI_MMPT_ARMED_DOORBELL		0
#define PCI_MMPT_ARMED_BG		1

/* How many ended background commands are kept for their owners. */
#define PCI_MMPT_BG_ENDED		4

/**
 * struct pci_mmpt_bg_ended - a background command that ended unwatched
 * @handle: its handle; 0 when this entry is free
 * @opcode: its opcode
 * @err: 0, or -EPROTO when the device reported another opcode
 * @st: what the device reported when it was found ended
 * @start: when it started, for the tracepoint
 * @notify: the watcher reports it (@done, @ctx) rather than its owner
 *	collecting it with pci_mmpt_bg_wait()
 * @done: the callback of pci_mmpt_bg_notify(), or NULL
 * @ctx: its argument
 *
 * A command the device finished while its owner was not looking (a
 * synchronous waiter between two polls, the watcher between two checks)
 * gives up the background slot as soon as another command finds it ended,
 * so that a background command started next is tracked. Its outcome waits
 * here, by handle, for its owner.
 */
struct pci_mmpt_bg_ended {
	u32 handle;
	u16 opcode;
	int err;
	struct pci_mmpt_bg_status st;
	ktime_t start;
	bool notify;
	pci_mmpt_bg_done_t done;
	void *ctx;
};

/**
 * struct pci_mmpt - one mailbox, opaque to its consumers
 * @dev: the device messages and tracepoints name
 * @base: the mapped mailbox capability registers
 * @payload_size: bytes in the payload area
 * @caps: the Capabilities register as read at init
 * @timeout_ms: doorbell timeout
 * @bg_timeout_ms: default background timeout
 * @abort_opcode: &pci_mmpt_config.abort_opcode
 * @aborted_rc: &pci_mmpt_config.aborted_rc
 * @irq: the Linux interrupt in use, or 0 when polling
 * @ctrl: the Control register bits the library keeps set (interrupt
 *	enables); written with the doorbell so no read-modify-write is needed
 * @lock: serialises commands; callers are served in the order they arrive
 * @wq: woken by the mailbox interrupt
 * @irq_count: interrupts seen, for waiters to notice one arrived
 * @irq_armed: interrupts the handler may claim (%PCI_MMPT_ARMED_DOORBELL
 *	and %PCI_MMPT_ARMED_BG bits), set when the doorbell is rung and when
 *	a background command is tracked with its interrupt enabled
 * @state_lock: protects @dying and the background fields
 * @stuck: a doorbell stayed set past the timeout; commands fail with -EBUSY
 *	until it is seen clear again
 * @dying: pci_mmpt_destroy() ran; background waits end with -ESHUTDOWN
 * @waits_ended: pci_mmpt_end_waits() ran; synchronous background waits
 *	end with -ESHUTDOWN, the watcher goes on
 * @idle_known: the doorbell was clear after the last command, so the next
 *	one need not read it first
 * @bg_owner: handle of the background command holding the slot, 0 if free
 * @bg_seq: the last handle given out
 * @bg_watched: the library's watcher owns it (pci_mmpt_bg_notify())
 * @bg_opcode: its opcode, checked against the device's at the end
 * @bg_start: when it started, for the tracepoint
 * @bg_work: the watcher
 * @bg_done: the watcher's callback, NULL when abandoned
 * @bg_ctx: its argument
 * @bg_ended: background commands found ended before their owner looked,
 *	indexed by handle modulo %PCI_MMPT_BG_ENDED
 */
struct pci_mmpt {
	struct device *dev;
	void __iomem *base;
	size_t payload_size;
	u32 caps;
	unsigned int timeout_ms;
	unsigned int bg_timeout_ms;
	u16 abort_opcode;
	u16 aborted_rc;
	int irq;
	u32 ctrl;
	struct mutex lock; /* one command at a time */
	wait_queue_head_t wq;
	atomic_t irq_count;
	unsigned long irq_armed;
	spinlock_t state_lock; /* background slot */
	bool stuck;
	bool dying;
	bool waits_ended;
	bool idle_known;
	u32 bg_owner;
	u32 bg_seq;
	bool bg_watched;
	u16 bg_opcode;
	ktime_t bg_start;
	struct work_struct bg_work;
	pci_mmpt_bg_done_t bg_done;
	void *bg_ctx;
	struct pci_mmpt_bg_ended bg_ended[PCI_MMPT_BG_ENDED];
};

int pci_mmpt_init(struct pci_mmpt *mbox, struct device *dev,
		  void __iomem *base, size_t size,
		  const struct pci_mmpt_config *cfg);
void pci_mmpt_destroy(struct pci_mmpt *mbox);

#endif
