/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl RPC format of CXL mailboxes (FWCTL_DEVICE_TYPE_CXL). The request and
 * reply headers have mainline's layout.
 */
#ifndef _UAPI_FWCTL_CXL_H
#define _UAPI_FWCTL_CXL_H

#include <linux/types.h>

/**
 * struct fwctl_rpc_cxl - ioctl(FWCTL_RPC) input for CXL devices
 * @opcode: the CXL mailbox command opcode, 0 to 0xffff
 * @flags: must be 0
 * @op_size: bytes of mailbox input payload that follow; must equal the
 *	RPC's in_len minus 16 and fit the device's payload area
 * @reserved1: must be 0
 * @payload: the mailbox input payload
 *
 * Requests that break these rules get EINVAL and never reach the device.
 */
struct fwctl_rpc_cxl {
	__u32 opcode;
	__u32 flags;
	__u32 op_size;
	__u32 reserved1;
	__u8 payload[];
};

/**
 * struct fwctl_rpc_cxl_out - ioctl(FWCTL_RPC) output for CXL devices
 * @size: bytes of mailbox output payload the device returned
 * @retval: the device's mailbox return code (0 success, 3 unsupported,
 *	...); the ioctl succeeds when the device answered, whatever the code
 * @payload: the mailbox output payload
 *
 * The RPC's out_len must be at least 8. A payload longer than the buffer
 * is truncated; out_len then reports the full length.
 */
struct fwctl_rpc_cxl_out {
	__u32 size;
	__u32 retval;
	__u8 payload[];
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

#endif
