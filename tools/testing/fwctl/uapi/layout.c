// SPDX-License-Identifier: GPL-2.0
/*
 * The layouts and numbers of the fwctl UAPI that mainline Linux merged,
 * asserted against the headers "make headers" installs: a program built
 * against mainline's headers must run unchanged on a kernel of this
 * series. Compiled with -m64 and -m32 by tools/testing/fwctl/static-check.sh;
 * a failed check is a compile error ("size of array is negative") at its
 * line.
 */
#include <stddef.h>
#include <fwctl/fwctl.h>
#include <fwctl/cxl.h>
#include <cxl/features.h>

/* C90 and no libc header: a false condition is an array of size -1. */
#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)
#define CHECK(cond) typedef char PASTE(uapi_check_line_, __LINE__)[(cond) ? 1 : -1]
#define LAYOUT(type, size) CHECK(sizeof(type) == (size))
#define AT(type, member, off) CHECK(offsetof(type, member) == (off))
#define IS(expr, val) CHECK((expr) == (val))

/* The ioctls: _IO(0x9A, nr), the size in the first __u32. */
IS(FWCTL_TYPE, 0x9A);
IS(FWCTL_INFO, 0x9A00);
IS(FWCTL_RPC, 0x9A01);

LAYOUT(struct fwctl_info, 24);
AT(struct fwctl_info, size, 0);
AT(struct fwctl_info, flags, 4);
AT(struct fwctl_info, out_device_type, 8);
AT(struct fwctl_info, device_data_len, 12);
AT(struct fwctl_info, out_device_data, 16);

LAYOUT(struct fwctl_rpc, 32);
AT(struct fwctl_rpc, size, 0);
AT(struct fwctl_rpc, scope, 4);
AT(struct fwctl_rpc, in_len, 8);
AT(struct fwctl_rpc, out_len, 12);
AT(struct fwctl_rpc, in, 16);
AT(struct fwctl_rpc, out, 24);

IS(FWCTL_RPC_CONFIGURATION, 0);
IS(FWCTL_RPC_DEBUG_READ_ONLY, 1);
IS(FWCTL_RPC_DEBUG_WRITE, 2);
IS(FWCTL_RPC_DEBUG_WRITE_FULL, 3);
IS(FWCTL_DEVICE_TYPE_ERROR, 0);
IS(FWCTL_DEVICE_TYPE_MLX5, 1);
IS(FWCTL_DEVICE_TYPE_CXL, 2);

/* The CXL format (device type 2). */
LAYOUT(struct fwctl_rpc_cxl_hdr, 16);
LAYOUT(struct fwctl_rpc_cxl, 48);
AT(struct fwctl_rpc_cxl, opcode, 0);
AT(struct fwctl_rpc_cxl, flags, 4);
AT(struct fwctl_rpc_cxl, op_size, 8);
AT(struct fwctl_rpc_cxl, reserved1, 12);
AT(struct fwctl_rpc_cxl, get_sup_feats_in, 16);
AT(struct fwctl_rpc_cxl, get_feat_in, 16);
AT(struct fwctl_rpc_cxl, set_feat_in, 16);
LAYOUT(struct fwctl_rpc_cxl_out_hdr, 8);
AT(struct fwctl_rpc_cxl_out, size, 0);
AT(struct fwctl_rpc_cxl_out, retval, 4);
AT(struct fwctl_rpc_cxl_out, get_sup_feats_out, 8);
AT(struct fwctl_rpc_cxl_out, payload, 8);

/* The Feature command payloads (CXL r3.2 8.2.9.6), packed. */
LAYOUT(struct cxl_mbox_get_sup_feats_in, 8);
AT(struct cxl_mbox_get_sup_feats_in, count, 0);
AT(struct cxl_mbox_get_sup_feats_in, start_idx, 4);
LAYOUT(struct cxl_feat_entry, 48);
AT(struct cxl_feat_entry, uuid, 0);
AT(struct cxl_feat_entry, id, 16);
AT(struct cxl_feat_entry, get_feat_size, 18);
AT(struct cxl_feat_entry, set_feat_size, 20);
AT(struct cxl_feat_entry, flags, 22);
AT(struct cxl_feat_entry, get_feat_ver, 26);
AT(struct cxl_feat_entry, set_feat_ver, 27);
AT(struct cxl_feat_entry, effects, 28);
AT(struct cxl_mbox_get_sup_feats_out, num_entries, 0);
AT(struct cxl_mbox_get_sup_feats_out, supported_feats, 2);
AT(struct cxl_mbox_get_sup_feats_out, ents, 8);
LAYOUT(struct cxl_mbox_get_feat_in, 21);
AT(struct cxl_mbox_get_feat_in, offset, 16);
AT(struct cxl_mbox_get_feat_in, count, 18);
AT(struct cxl_mbox_get_feat_in, selection, 20);
LAYOUT(struct cxl_mbox_set_feat_in, 32);
AT(struct cxl_mbox_set_feat_in, flags, 16);
AT(struct cxl_mbox_set_feat_in, offset, 20);
AT(struct cxl_mbox_set_feat_in, version, 22);
AT(struct cxl_mbox_set_feat_in, feat_data, 32);

/* Table 8-87 and the Set Feature flags, as numbers userspace can use. */
IS(CXL_CMD_BACKGROUND, 0x40);
IS(CXL_CMD_EFFECTS_VALID, 0x200);
IS(CXL_CMD_EFFECTS_RESERVED, 0xf000);
IS(CXL_FEATURE_F_CHANGEABLE, 0x1);
IS(CXL_SET_FEAT_FLAG_DATA_TRANSFER_MASK, 0x7);
IS(CXL_SET_FEAT_FLAG_DATA_SAVED_ACROSS_RESET, 0x8);

/*
 * What this series adds to the CXL format (patches-7.3/0010): not in
 * mainline, but fixed for userspace once released.
 */
LAYOUT(struct fwctl_info_cxl, 32);
AT(struct fwctl_info_cxl, component, 4);
AT(struct fwctl_info_cxl, cel_entries, 12);
AT(struct fwctl_info_cxl, vendor_id, 16);
AT(struct fwctl_info_cxl, serial, 24);
IS(FWCTL_CXL_QUERY_COMMANDS, 0x10000);
LAYOUT(struct fwctl_cxl_command, 4);
AT(struct fwctl_cxl_command, opcode, 0);
AT(struct fwctl_cxl_command, scope, 2);
AT(struct fwctl_cxl_command, flags, 3);
IS(FWCTL_CXL_COMMAND_REFUSED, 1);
IS(FWCTL_CXL_COMMAND_KERNEL_OWNED, 2);
IS(FWCTL_CXL_COMMAND_BACKGROUND, 4);
