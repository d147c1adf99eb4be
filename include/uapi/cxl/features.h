/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * CXL Feature commands (CXL r3.2 section 8.2.9.6): the payloads of Get
 * Supported Features, Get Feature and Set Feature as a program sends them
 * through fwctl (see <fwctl/cxl.h>). Names, layouts and the header guard
 * are those of mainline Linux, so a program written against mainline's
 * <cxl/features.h> builds unchanged. All multi-byte fields are little
 * endian, as on the wire.
 */
#ifndef _UAPI_CXL_FEATURES_H_
#define _UAPI_CXL_FEATURES_H_

#include <linux/bits.h>
#include <linux/const.h>
#include <linux/types.h>
#include <linux/stddef.h>

/**
 * struct cxl_mbox_get_sup_feats_in - Get Supported Features (0x0500) input
 * @count: bytes of output the caller can take (header and entries)
 * @start_idx: index of the first Supported Feature Entry to return
 * @reserved: 0
 */
struct cxl_mbox_get_sup_feats_in {
	__le32 count;
	__le16 start_idx;
	__u8 reserved[2];
} __attribute__((__packed__));

/* Set Feature effects of a Supported Feature Entry (CXL r3.2 Table 8-87). */
#define CXL_CMD_CONFIG_CHANGE_COLD_RESET	_BITUL(0)
#define CXL_CMD_CONFIG_CHANGE_IMMEDIATE		_BITUL(1)
#define CXL_CMD_DATA_CHANGE_IMMEDIATE		_BITUL(2)
#define CXL_CMD_POLICY_CHANGE_IMMEDIATE		_BITUL(3)
#define CXL_CMD_LOG_CHANGE_IMMEDIATE		_BITUL(4)
#define CXL_CMD_SECURITY_STATE_CHANGE		_BITUL(5)
#define CXL_CMD_BACKGROUND			_BITUL(6)
#define CXL_CMD_BGCMD_ABORT_SUPPORTED		_BITUL(7)
#define CXL_CMD_EFFECTS_VALID			_BITUL(9)
#define CXL_CMD_CONFIG_CHANGE_CONV_RESET	_BITUL(10)
#define CXL_CMD_CONFIG_CHANGE_CXL_RESET		_BITUL(11)
#define CXL_CMD_EFFECTS_RESERVED		__GENMASK(15, 12)

/**
 * struct cxl_feat_entry - one Supported Feature Entry (48 bytes)
 * @uuid: the feature
 * @id: its index in the device's list
 * @get_feat_size: bytes of feature data Get Feature returns
 * @set_feat_size: bytes of feature data Set Feature takes; 0 when the
 *	feature cannot be set through fwctl
 * @flags: attribute flags, CXL_FEATURE_F_*
 * @get_feat_ver: version of the Get Feature data
 * @set_feat_ver: version of the Set Feature data
 * @effects: what Set Feature of it does, CXL_CMD_* effect bits
 * @reserved: 0
 */
struct cxl_feat_entry {
	__u8 uuid[16];
	__le16 id;
	__le16 get_feat_size;
	__le16 set_feat_size;
	__le32 flags;
	__u8 get_feat_ver;
	__u8 set_feat_ver;
	__le16 effects;
	__u8 reserved[18];
} __attribute__((__packed__));

/* Attribute flags of struct cxl_feat_entry */
#define CXL_FEATURE_F_CHANGEABLE		_BITUL(0)
#define CXL_FEATURE_F_PERSIST_FW_UPDATE		_BITUL(4)
#define CXL_FEATURE_F_DEFAULT_SEL		_BITUL(5)
#define CXL_FEATURE_F_SAVED_SEL			_BITUL(6)

/**
 * struct cxl_mbox_get_sup_feats_out - Get Supported Features output
 * @num_entries: entries in @ents
 * @supported_feats: features the device supports in total
 * @reserved: 0
 * @ents: the entries, from the requested start index on
 * @hdr: the same fixed part as one struct cxl_mbox_get_sup_feats_out_hdr
 */
struct cxl_mbox_get_sup_feats_out {
	union {
		struct {
			__le16 num_entries;
			__le16 supported_feats;
			__u8 reserved[4];
		};
		struct cxl_mbox_get_sup_feats_out_hdr {
			__le16 num_entries;
			__le16 supported_feats;
			__u8 reserved[4];
		} hdr;
	};
	struct cxl_feat_entry ents[] __counted_by_le(num_entries);
} __attribute__((__packed__));

/**
 * struct cxl_mbox_get_feat_in - Get Feature (0x0501) input (21 bytes)
 * @uuid: the feature
 * @offset: first byte of the feature data to return
 * @count: bytes of feature data to return, not 0
 * @selection: &enum cxl_get_feat_selection
 */
struct cxl_mbox_get_feat_in {
	__u8 uuid[16];
	__le16 offset;
	__le16 count;
	__u8 selection;
} __attribute__((__packed__));

/**
 * enum cxl_get_feat_selection - which value Get Feature returns
 * @CXL_GET_FEAT_SEL_CURRENT_VALUE: the value in use
 * @CXL_GET_FEAT_SEL_DEFAULT_VALUE: the default value
 * @CXL_GET_FEAT_SEL_SAVED_VALUE: the value saved across resets
 * @CXL_GET_FEAT_SEL_MAX: one past the last selection
 */
enum cxl_get_feat_selection {
	CXL_GET_FEAT_SEL_CURRENT_VALUE,
	CXL_GET_FEAT_SEL_DEFAULT_VALUE,
	CXL_GET_FEAT_SEL_SAVED_VALUE,
	CXL_GET_FEAT_SEL_MAX
};

/**
 * struct cxl_mbox_set_feat_in - Set Feature (0x0502) input
 * @uuid: the feature
 * @flags: data transfer (&enum cxl_set_feat_flag_data_transfer) and
 *	CXL_SET_FEAT_FLAG_DATA_SAVED_ACROSS_RESET
 * @offset: first byte of the feature data to change
 * @version: version of the data in @feat_data
 * @rsvd: 0
 * @feat_data: the feature data
 * @hdr: the same fixed 32 bytes as one struct cxl_mbox_set_feat_hdr
 */
struct cxl_mbox_set_feat_in {
	union {
		struct {
			__u8 uuid[16];
			__le32 flags;
			__le16 offset;
			__u8 version;
			__u8 rsvd[9];
		};
		struct cxl_mbox_set_feat_hdr {
			__u8 uuid[16];
			__le32 flags;
			__le16 offset;
			__u8 version;
			__u8 rsvd[9];
		} hdr;
	};
	__u8 feat_data[];
} __attribute__((__packed__));

/**
 * enum cxl_set_feat_flag_data_transfer - Set Feature data transfer modes
 * @CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER: all the data in one command
 * @CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER: first part
 * @CXL_SET_FEAT_FLAG_CONTINUE_DATA_TRANSFER: a middle part
 * @CXL_SET_FEAT_FLAG_FINISH_DATA_TRANSFER: last part
 * @CXL_SET_FEAT_FLAG_ABORT_DATA_TRANSFER: abandon a partial transfer
 * @CXL_SET_FEAT_FLAG_DATA_TRANSFER_MAX: one past the last mode
 */
enum cxl_set_feat_flag_data_transfer {
	CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER = 0,
	CXL_SET_FEAT_FLAG_INITIATE_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_CONTINUE_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_FINISH_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_ABORT_DATA_TRANSFER,
	CXL_SET_FEAT_FLAG_DATA_TRANSFER_MAX
};

#define CXL_SET_FEAT_FLAG_DATA_TRANSFER_MASK		__GENMASK(2, 0)
#define CXL_SET_FEAT_FLAG_DATA_SAVED_ACROSS_RESET	_BITUL(3)

#endif
