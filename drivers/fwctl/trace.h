/* SPDX-License-Identifier: GPL-2.0-only */
/* fwctl audit tracepoint: one event per RPC. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fwctl

#if !defined(_FWCTL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FWCTL_TRACE_H

#include <linux/fwctl.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

TRACE_EVENT(fwctl_rpc,
	    TP_PROTO(const struct fwctl_device *fwctl,
		     enum fwctl_rpc_scope scope, int result),
	    TP_ARGS(fwctl, scope, result),
	    TP_STRUCT__entry(__string(dev, dev_name(&fwctl->dev))
			     __field(pid_t, pid)
			     __array(char, comm, TASK_COMM_LEN)
			     __field(u32, scope)
			     __field(int, result)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->pid = task_tgid_nr(current);
			   memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
			   __entry->scope = scope;
			   __entry->result = result;),
	    TP_printk("%s pid=%d comm=%s scope=%u result=%d",
		      __get_str(dev), __entry->pid, __entry->comm,
		      __entry->scope, __entry->result)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
