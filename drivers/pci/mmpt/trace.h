/* SPDX-License-Identifier: GPL-2.0-only */
/* MMPT mailbox tracepoints: one event per command, one per background op. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pci_mmpt

#if !defined(_PCI_MMPT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PCI_MMPT_TRACE_H

#include <linux/device.h>
#include <linux/pci-mmpt.h>
#include <linux/tracepoint.h>

#include "mmpt.h"

TRACE_EVENT(pci_mmpt_cmd,
	    TP_PROTO(const struct pci_mmpt *mbox, const struct pci_mmpt_cmd *cmd,
		     u64 duration_ns, bool by_irq, int err),
	    TP_ARGS(mbox, cmd, duration_ns, by_irq, err),
	    TP_STRUCT__entry(__string(dev, dev_name(mbox->dev))
			     __field(u16, opcode)
			     __field(u32, in_len)
			     __field(u32, out_len)
			     __field(u16, rc)
			     __field(u64, duration_ns)
			     __field(bool, by_irq)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->opcode = cmd->opcode;
			   __entry->in_len = cmd->in_len;
			   __entry->out_len = cmd->out_len;
			   __entry->rc = cmd->return_code;
			   __entry->duration_ns = duration_ns;
			   __entry->by_irq = by_irq;
			   __entry->err = err;),
	    TP_printk("%s opcode=%#06x in=%u out=%u rc=%#x duration_ns=%llu %s err=%d",
		      __get_str(dev), __entry->opcode, __entry->in_len,
		      __entry->out_len, __entry->rc, __entry->duration_ns,
		      __entry->by_irq ? "irq" : "poll", __entry->err)
);

TRACE_EVENT(pci_mmpt_bg,
	    TP_PROTO(const struct pci_mmpt *mbox,
		     const struct pci_mmpt_bg_status *st, u64 duration_ns,
		     bool by_irq, int err),
	    TP_ARGS(mbox, st, duration_ns, by_irq, err),
	    TP_STRUCT__entry(__string(dev, dev_name(mbox->dev))
			     __field(u16, opcode)
			     __field(u8, percent)
			     __field(u16, rc)
			     __field(u64, duration_ns)
			     __field(bool, by_irq)
			     __field(int, err)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->opcode = st->opcode;
			   __entry->percent = st->percent;
			   __entry->rc = st->return_code;
			   __entry->duration_ns = duration_ns;
			   __entry->by_irq = by_irq;
			   __entry->err = err;),
	    TP_printk("%s opcode=%#06x percent=%u rc=%#x duration_ns=%llu %s err=%d",
		      __get_str(dev), __entry->opcode, __entry->percent,
		      __entry->rc, __entry->duration_ns,
		      __entry->by_irq ? "irq" : "poll", __entry->err)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
