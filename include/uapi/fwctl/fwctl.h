/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fwctl: scoped, audited access to device firmware mailboxes.
 *
 * Binary and source compatible with the fwctl ABI of mainline Linux: same
 * ioctl numbers, struct layouts and member names, scope and device type
 * values, header guard. Everything this header adds is reached only
 * through bits and values a mainline program never sets.
 *
 * One deliberate difference in behaviour: a kernel that is locked down
 * (lockdown=integrity or confidentiality) refuses FWCTL_RPC_DEBUG_WRITE_FULL
 * with EPERM, even with CAP_SYS_RAWIO; mainline does not consult lockdown.
 */
#ifndef _UAPI_FWCTL_H
#define _UAPI_FWCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define FWCTL_TYPE 0x9A

/**
 * DOC: ioctl conventions
 *
 * Every ioctl takes a pointer to a struct whose first __u32 is the size the
 * caller compiled against. The kernel reads min(size, its own size) bytes; a
 * caller that is newer than the kernel must leave the bytes the kernel does
 * not know as zero. Errno values mean the same on every ioctl:
 *
 *  - ENOTTY: unknown ioctl number.
 *  - E2BIG: the struct is larger than the kernel's and its tail is not zero.
 *  - EOPNOTSUPP: a field holds a value the kernel does not implement
 *    (a flag, a scope), or the driver does not offer what was asked.
 *  - EINVAL: the struct is understood but a field is wrong (too small a
 *    size, a malformed request).
 *  - EMSGSIZE: an RPC buffer is larger than the kernel accepts.
 *  - EPERM: the scope needs a capability the caller lacks, or the kernel is
 *    locked down, or the driver's policy refuses the command at this scope.
 *  - ENOMEM: out of memory.
 *  - ENODEV: the device was removed; the file stays open but is orphaned.
 */
enum {
	FWCTL_CMD_BASE = 0,
	FWCTL_CMD_INFO = 0,
	FWCTL_CMD_RPC = 1,
};

/**
 * enum fwctl_device_type - the RPC format a device speaks
 * @FWCTL_DEVICE_TYPE_ERROR: never reported by a working device
 * @FWCTL_DEVICE_TYPE_MLX5: NVIDIA mlx5 devices
 * @FWCTL_DEVICE_TYPE_CXL: CXL mailboxes, see <fwctl/cxl.h>
 * @FWCTL_DEVICE_TYPE_BNXT: Broadcom bnxt devices
 * @FWCTL_DEVICE_TYPE_PDS: AMD/Pensando pds devices
 */
enum fwctl_device_type {
	FWCTL_DEVICE_TYPE_ERROR = 0,
	FWCTL_DEVICE_TYPE_MLX5 = 1,
	FWCTL_DEVICE_TYPE_CXL = 2,
	FWCTL_DEVICE_TYPE_BNXT = 3,
	FWCTL_DEVICE_TYPE_PDS = 4,
};

/**
 * struct fwctl_info - ioctl(FWCTL_INFO)
 * @size: sizeof(struct fwctl_info)
 * @flags: must be 0
 * @out_device_type: set to the device's &enum fwctl_device_type
 * @device_data_len: in: bytes available at @out_device_data, which may be
 *	0; out: the full length of the data the kernel has. The kernel writes
 *	all the bytes it was given: the data, then zeros up to the input
 *	length. When the input was smaller than the data, only that many bytes
 *	were written: call again with a buffer of the returned length. With
 *	an input length of 0 nothing is written and 0 comes back, as on
 *	mainline.
 * @out_device_data: user pointer to the buffer for the device data; its
 *	format depends on @out_device_type
 *
 * Reports what kind of device this is and driver-defined data describing it.
 */
struct fwctl_info {
	__u32 size;
	__u32 flags;
	__u32 out_device_type;
	__u32 device_data_len;
	__aligned_u64 out_device_data;
};

#define FWCTL_INFO _IO(FWCTL_TYPE, FWCTL_CMD_INFO)

/**
 * enum fwctl_rpc_scope - how much an RPC may do; ordered, each includes
 *	the ones below it
 * @FWCTL_RPC_CONFIGURATION: read and change device configuration through
 *	commands meant for that, with no side effect on data or security
 * @FWCTL_RPC_DEBUG_READ_ONLY: read-only debug information
 * @FWCTL_RPC_DEBUG_WRITE: debug commands that change device state that a
 *	reset restores; a request at this scope taints the kernel
 * @FWCTL_RPC_DEBUG_WRITE_FULL: any command the driver lets through, with
 *	immediate effects on the device; needs CAP_SYS_RAWIO, is refused under
 *	kernel lockdown (unlike mainline), and a request at this scope taints
 *	the kernel
 */
enum fwctl_rpc_scope {
	FWCTL_RPC_CONFIGURATION = 0,
	FWCTL_RPC_DEBUG_READ_ONLY = 1,
	FWCTL_RPC_DEBUG_WRITE = 2,
	FWCTL_RPC_DEBUG_WRITE_FULL = 3,
};

/**
 * struct fwctl_rpc - ioctl(FWCTL_RPC)
 * @size: sizeof(struct fwctl_rpc)
 * @scope: the &enum fwctl_rpc_scope the caller asks to run at
 * @in_len: bytes of the request at @in, at most 2 MiB
 * @out_len: in: bytes available at @out, at most 2 MiB; out: the full
 *	length of the reply, which may be larger than what was copied
 * @in: user pointer to the request, in the device type's format
 * @out: user pointer to the reply buffer
 *
 * Sends one request to the device's firmware and returns its reply. The
 * driver decides which commands run at which scope; a refused command gets
 * EPERM (scope too low) or EOPNOTSUPP (never allowed) and reaches no device.
 */
struct fwctl_rpc {
	__u32 size;
	__u32 scope;
	__u32 in_len;
	__u32 out_len;
	__aligned_u64 in;
	__aligned_u64 out;
};

#define FWCTL_RPC _IO(FWCTL_TYPE, FWCTL_CMD_RPC)

#endif /* _UAPI_FWCTL_H */
