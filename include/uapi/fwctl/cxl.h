/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl RPC format of CXL mailboxes (FWCTL_DEVICE_TYPE_CXL). The request
 * and reply structs, their member names and the header guard are those of
 * mainline Linux, so a program written against mainline's <fwctl/cxl.h>
 * builds and runs unchanged. This kernel adds the raw @payload view of the
 * request (any opcode the device's policy allows, not only the Feature
 * commands) and the FWCTL_INFO device data below.
 */
#ifndef _UAPI_FWCTL_CXL_H_
#define _UAPI_FWCTL_CXL_H_

#include <linux/types.h>
#include <linux/stddef.h>
#include <cxl/features.h>

/**
 * struct fwctl_rpc_cxl - ioctl(FWCTL_RPC) input for CXL devices
 * @opcode: the CXL mailbox command opcode, 0 to 0xffff; or
 *	FWCTL_CXL_QUERY_COMMANDS
 * @flags: must be 0
 * @op_size: bytes of mailbox input payload after @hdr; at most the RPC's
 *	in_len minus sizeof(struct fwctl_rpc_cxl_hdr) (a larger in_len, such
 *	as sizeof(struct fwctl_rpc_cxl) plus the payload, is accepted and the
 *	bytes past op_size are ignored), and at most the device's payload
 *	area
 * @reserved1: must be 0
 * @get_sup_feats_in: Get Supported Features input (op_size 8)
 * @get_feat_in: Get Feature input (op_size 21)
 * @set_feat_in: Set Feature input (op_size 32 plus the feature data)
 * @payload: the mailbox input payload of any other command
 *
 * @hdr: the same 16-byte header as one struct fwctl_rpc_cxl_hdr
 *
 * Requests that break these rules get EINVAL and never reach the device.
 */
struct fwctl_rpc_cxl {
	union {
		struct {
			__u32 opcode;
			__u32 flags;
			__u32 op_size;
			__u32 reserved1;
		};
		struct fwctl_rpc_cxl_hdr {
			__u32 opcode;
			__u32 flags;
			__u32 op_size;
			__u32 reserved1;
		} hdr;
	};
	union {
		struct cxl_mbox_get_sup_feats_in get_sup_feats_in;
		struct cxl_mbox_get_feat_in get_feat_in;
		struct cxl_mbox_set_feat_in set_feat_in;
		__DECLARE_FLEX_ARRAY(__u8, payload);
	};
};

/**
 * struct fwctl_rpc_cxl_out - ioctl(FWCTL_RPC) output for CXL devices
 * @size: bytes of mailbox output payload the device returned
 * @retval: the device's mailbox return code (0 success, 3 unsupported,
 *	...); the ioctl succeeds when the device answered, whatever the code
 * @get_sup_feats_out: Get Supported Features output
 * @payload: the mailbox output payload
 *
 * @hdr: the same 8-byte header as one struct fwctl_rpc_cxl_out_hdr
 *
 * The RPC's out_len must be at least 8. A payload longer than the buffer
 * is truncated; out_len then reports the full length.
 */
struct fwctl_rpc_cxl_out {
	union {
		struct {
			__u32 size;
			__u32 retval;
		};
		struct fwctl_rpc_cxl_out_hdr {
			__u32 size;
			__u32 retval;
		} hdr;
	};
	union {
		struct cxl_mbox_get_sup_feats_out get_sup_feats_out;
		__DECLARE_FLEX_ARRAY(__u8, payload);
	};
};

/**
 * enum fwctl_cxl_component - &fwctl_info_cxl.component
 * @FWCTL_CXL_SWITCH_CCI: a CXL switch mailbox CCI function
 * @FWCTL_CXL_MEMDEV: a CXL type-3 memory device's primary mailbox
 */
enum fwctl_cxl_component {
	FWCTL_CXL_SWITCH_CCI = 1,
	FWCTL_CXL_MEMDEV = 2,
};

/**
 * struct fwctl_info_cxl - FWCTL_INFO device data of CXL devices
 * @reserved: 0; where mainline's device data ends
 * @component: &enum fwctl_cxl_component
 * @payload_size: bytes in the mailbox payload area: the largest op_size
 * @cel_entries: commands in the device's Command Effects Log
 * @vendor_id: PCI vendor ID of the function
 * @device_id: PCI device ID of the function
 * @pad: 0
 * @serial: the device serial number from Identify
 */
struct fwctl_info_cxl {
	__u32 reserved;
	__u32 component;
	__u32 payload_size;
	__u32 cel_entries;
	__u16 vendor_id;
	__u16 device_id;
	__u32 pad;
	__aligned_u64 serial;
};

/**
 * DOC: FWCTL_CXL_QUERY_COMMANDS
 *
 * A request whose opcode is FWCTL_CXL_QUERY_COMMANDS, outside the 16-bit
 * range of mailbox opcodes, with flags and op_size 0, is not sent to the
 * device.
 * Its reply's payload is an array of &struct fwctl_cxl_command: every
 * command of the device's Command Effects Log, as this kernel's policy
 * judges it for this device, and &fwctl_rpc_cxl_out.size is the array's
 * length in bytes. It is answered at every scope: a tool asks at
 * FWCTL_RPC_CONFIGURATION, which never taints. When out_len is too small
 * the reply is cut short, and FWCTL_RPC's out_len reports the length the
 * whole reply needs. A driver that has no such policy answers EINVAL, as
 * for any other request it does not know.
 *
 * Each request is judged again when it is sent: a command's port or the
 * device may be in use, and the payload of some commands (a tunnel's, Set
 * Feature's) decides their scope.
 */
#define FWCTL_CXL_QUERY_COMMANDS 0x10000

/**
 * enum fwctl_cxl_command_flags - &fwctl_cxl_command.flags
 * @FWCTL_CXL_COMMAND_REFUSED: never runs through fwctl on this kernel;
 *	&fwctl_cxl_command.scope is meaningless
 * @FWCTL_CXL_COMMAND_KERNEL_OWNED: the kernel drives this command itself
 *	(firmware, partitions, sanitize, ...); refused as well
 * @FWCTL_CXL_COMMAND_BACKGROUND: runs as a background operation
 */
enum fwctl_cxl_command_flags {
	FWCTL_CXL_COMMAND_REFUSED = 1 << 0,
	FWCTL_CXL_COMMAND_KERNEL_OWNED = 1 << 1,
	FWCTL_CXL_COMMAND_BACKGROUND = 1 << 2,
};

/**
 * struct fwctl_cxl_command - one entry of the FWCTL_CXL_QUERY_COMMANDS reply
 * @opcode: the mailbox opcode
 * @scope: the lowest &enum fwctl_rpc_scope that runs it. Under lockdown
 *	FWCTL_RPC_DEBUG_WRITE_FULL is refused whatever the command.
 * @flags: &enum fwctl_cxl_command_flags
 */
struct fwctl_cxl_command {
	__u16 opcode;
	__u8 scope;
	__u8 flags;
};

#endif
