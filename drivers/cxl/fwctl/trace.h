/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cxl_fwctl_rpc: one event per RPC the CXL policy judged, refused or run,
 * naming the innermost command a tunnel carried and the path to it.
 * cxl_fwctl_fabric: the fabric manager's trail, one event per FM-API
 * configuration command that reached a device under the fabric manager's
 * rule, with the port, vPPB and LD it named.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cxl_fwctl

#if !defined(_CXL_FWCTL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CXL_FWCTL_TRACE_H

#include <linux/sched.h>
#include <linux/tracepoint.h>

#include "cxl_fwctl.h"

TRACE_EVENT(cxl_fwctl_rpc,
	    TP_PROTO(const struct device *dev, u16 outer,
		     const struct cxl_fwctl_verdict *v, u32 scope, bool ran,
		     int result),
	    TP_ARGS(dev, outer, v, scope, ran, result),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(pid_t, pid)
			     __array(char, comm, TASK_COMM_LEN)
			     __field(u16, outer)
			     __field(u16, opcode)
			     __field(u8, depth)
			     __array(u8, path, CXL_TUNNEL_MAX_DEPTH)
			     __field(u32, scope)
			     __field(u32, needed)
			     __field(bool, ran)
			     __field(int, result)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->pid = task_tgid_nr(current);
			   memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
			   __entry->outer = outer;
			   __entry->opcode = v->depth ? v->opcode : outer;
			   __entry->depth = v->depth;
			   memcpy(__entry->path, v->path, CXL_TUNNEL_MAX_DEPTH);
			   __entry->scope = scope;
			   __entry->needed = v->needed;
			   __entry->ran = ran;
			   __entry->result = result;),
	    TP_printk("%s pid=%d comm=%s opcode=0x%04x via=0x%04x depth=%u path=%u.%u scope=%u needed=%u %s result=%d",
		      __get_str(dev), __entry->pid, __entry->comm,
		      __entry->opcode, __entry->outer, __entry->depth,
		      __entry->path[0], __entry->path[1], __entry->scope,
		      __entry->needed, __entry->ran ? "ran" : "refused",
		      __entry->result)
);

TRACE_EVENT(cxl_fwctl_fabric,
	    TP_PROTO(const struct device *dev,
		     const struct cxl_fwctl_verdict *v,
		     const struct cxl_fwctl_fabric_args *a, u32 scope,
		     int result),
	    TP_ARGS(dev, v, a, scope, result),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(pid_t, pid)
			     __array(char, comm, TASK_COMM_LEN)
			     __field(u16, opcode)
			     __field(u8, depth)
			     __array(u8, path, CXL_TUNNEL_MAX_DEPTH)
			     __field(int, port)
			     __field(int, vcs)
			     __field(int, vppb)
			     __field(int, ld)
			     __field(u32, scope)
			     __field(u32, needed)
			     __field(int, result)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->pid = task_tgid_nr(current);
			   memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
			   __entry->opcode = v->opcode;
			   __entry->depth = v->depth;
			   memcpy(__entry->path, v->path, CXL_TUNNEL_MAX_DEPTH);
			   __entry->port = a->port;
			   __entry->vcs = a->vcs;
			   __entry->vppb = a->vppb;
			   __entry->ld = a->ld;
			   __entry->scope = scope;
			   __entry->needed = v->needed;
			   __entry->result = result;),
	    TP_printk("%s pid=%d comm=%s opcode=0x%04x depth=%u path=%u.%u port=%d vcs=%d vppb=%d ld=%d scope=%u needed=%u result=%d",
		      __get_str(dev), __entry->pid, __entry->comm,
		      __entry->opcode, __entry->depth, __entry->path[0],
		      __entry->path[1], __entry->port, __entry->vcs,
		      __entry->vppb, __entry->ld, __entry->scope,
		      __entry->needed, __entry->result)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
