/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The control interface of the mock CXL switch CCI (CONFIG_CXL_SWITCH_MOCK),
 * shared by drivers/cxl/switch/mock.c and the fwctl selftests. TEST ONLY:
 * this is not a UAPI, it may change with the tests, and no production
 * kernel has the device.
 *
 * /dev/cxl_switch_mock (root only) creates fake switch CCIs. Each is a
 * mailbox register window in memory answered by a device model in the
 * kernel and driven by the real switch core (drivers/cxl/switch/switch.c)
 * on a platform device "cxl_switch_mock.ID". Everything a file created is
 * destroyed when it is closed.
 *
 * ioctl numbers: type 0xCE (the CXL memory device type of
 * include/uapi/linux/cxl_mem.h, which uses 0x01-0x02), numbers 0xE0-0xEF,
 * far from cxl_mem's and from fwctl's (type 0x9A, numbers 0x00-0x01). They
 * are test-only and not registered in ioctl-number.rst.
 *
 * Components are named by their path from the switch: @depth ports, the
 * port ID at each level in @path (depth 0: the switch itself; depth 1: the
 * component behind port path[0]; depth 2: behind port path[1] of that
 * one ...).
 */
#ifndef _CXL_SWITCH_MOCK_H
#define _CXL_SWITCH_MOCK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define CXL_MOCK_TYPE		0xCE
#define CXL_MOCK_MAX_DEPTH	3
#define CXL_MOCK_MAX_PORTS	16
#define CXL_MOCK_MAX_VCS	4
#define CXL_MOCK_MAX_VPPBS	16
#define CXL_MOCK_MAX_REPLY	4096
/* bg_ms: a background operation that never ends. */
#define CXL_MOCK_BG_NEVER	0xffffffffU

/* Component types, as Identify (0001) reports them in byte 0x11. */
#define CXL_MOCK_COMP_SWITCH	0
#define CXL_MOCK_COMP_TYPE3	3

/**
 * struct cxl_mock_path - where a component sits
 * @depth: ports crossed from the switch, 0..CXL_MOCK_MAX_DEPTH
 * @port: the port ID at each level
 */
struct cxl_mock_path {
	__u8 depth;
	__u8 port[CXL_MOCK_MAX_DEPTH];
};

/* cxl_mock_create.flags */
enum {
	CXL_MOCK_F_DOORBELL_IRQ = 1 << 0,	/* advertise the doorbell IRQ */
	CXL_MOCK_F_BG_IRQ = 1 << 1,	/* and the background IRQ */
};

/**
 * struct cxl_mock_create - CXL_MOCK_CREATE: a new, not yet started switch
 * @size: sizeof(struct cxl_mock_create)
 * @flags: CXL_MOCK_F_*
 * @payload_shift: payload area of 2^n bytes, 8..16; 0 means 11 (2048)
 * @fn_revision: the function's revision (the core's quirks look at it)
 * @fn_vendor: the function's vendor ID, reported by FWCTL_INFO
 * @fn_device: the function's device ID
 * @reserved: zero
 * @id: out: the switch's ID; its platform device is "cxl_switch_mock.@id"
 *
 * The switch starts as a component of type switch with the built-in
 * commands, no ports and no VCS; configure it before CXL_MOCK_START.
 */
struct cxl_mock_create {
	__u32 size;
	__u32 flags;
	__u8 payload_shift;
	__u8 fn_revision;
	__u16 fn_vendor;
	__u16 fn_device;
	__u16 reserved;
	__u32 id;
};

/* cxl_mock_component.flags */
enum {
	CXL_MOCK_COMPF_REMOVE = 1 << 0,	/* leave the port empty */
};

/**
 * struct cxl_mock_component - CXL_MOCK_SET_COMPONENT: put a component at
 *	a path, or change the switch's own identity (depth 0)
 * @id: the switch
 * @flags: CXL_MOCK_COMPF_*
 * @path: where; the port it hangs from is created (downstream, link up)
 *	when the parent does not have it yet
 * @type: CXL_MOCK_COMP_*
 * @max_msg_shift: Identify's max message size byte; 0: the payload size
 * @vendor: Identify: vendor ID
 * @device: device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_id: subsystem ID
 * @serial: serial number
 * @reserved: zero
 *
 * At depth >= 1 this always puts a new component there (with the built-in
 * commands of its type, no ports and an empty execution record), swapping
 * out whatever was behind the port with everything below it. At depth 0
 * only the identity changes.
 */
struct cxl_mock_component {
	__u32 id;
	__u32 flags;
	struct cxl_mock_path path;
	__u8 type;
	__u8 max_msg_shift;
	__u16 vendor;
	__u16 device;
	__u16 subsys_vendor;
	__u16 subsys_id;
	__u16 reserved;
	__u64 serial;
};

/* cxl_mock_cmd.flags */
enum {
	CXL_MOCK_CMD_IN_CEL = 1 << 0,	/* listed in the CEL */
	CXL_MOCK_CMD_BUILTIN = 1 << 1,	/* answered by the built-in */
	CXL_MOCK_CMD_NOT_IMPL = 1 << 2,	/* answered "unsupported" (3) */
	CXL_MOCK_CMD_BG = 1 << 3,	/* runs in the background */
	CXL_MOCK_CMD_BG_OPCODE = 1 << 4,	/* bg register names bg_opcode */
	CXL_MOCK_CMD_DELETE = 1 << 5,	/* remove the entry */
};

/**
 * struct cxl_mock_cmd - CXL_MOCK_SET_CMD: add or replace a command entry
 * @id: the switch
 * @flags: CXL_MOCK_CMD_*
 * @path: the component
 * @opcode: the command
 * @effects: its CEL effects, any 16-bit value
 * @cel_dups: extra times the CEL lists it (duplicate entries)
 * @dup_effects: the effects the duplicate entries claim
 * @return_code: the return code it answers with (a background command:
 *	the return code of the start; 0 means 1, "background started")
 * @reply_len: the output length it reports; may exceed the reply and the
 *	payload area (a hostile device). 0: the length of @reply
 * @reply_size: bytes at @reply, at most CXL_MOCK_MAX_REPLY
 * @delay_ms: time it takes before the doorbell clears
 * @bg_ms: a background command finishes after this (CXL_MOCK_BG_NEVER:
 *	never; a Request Abort Background Operation still ends it)
 * @reply: user pointer to the reply bytes
 * @bg_rc: its final return code
 * @bg_opcode: the opcode the background status register reports, with
 *	CXL_MOCK_CMD_BG_OPCODE
 * @reserved: zero
 *
 * Every component starts with entries for its built-in commands
 * (CXL_MOCK_CMD_BUILTIN | CXL_MOCK_CMD_IN_CEL, effects 0): Identify (0001),
 * Background Operation Status (0002), Request Abort Background Operation
 * (0005), Get Supported Logs (0400), Get Log (0401) and, for a switch,
 * Identify Switch Device (5100), Get Physical Port State (5101), Get
 * Virtual CXL Switch Info (5200) and Tunnel Management Command (5300).
 * An opcode without an entry answers 3 (unsupported) and is not in the
 * CEL. Without CXL_MOCK_CMD_BUILTIN an entry answers @return_code with
 * @reply.
 */
struct cxl_mock_cmd {
	__u32 id;
	__u32 flags;
	struct cxl_mock_path path;
	__u16 opcode;
	__u16 effects;
	__u16 cel_dups;
	__u16 dup_effects;
	__u16 return_code;
	__u16 bg_rc;
	__u16 bg_opcode;
	__u16 reserved;
	__u32 reply_len;
	__u32 reply_size;
	__u32 delay_ms;
	__u32 bg_ms;
	__aligned_u64 reply;
};

/* cxl_mock_port.flags */
enum {
	CXL_MOCK_PORT_IN_USE = 1 << 0,	/* leads to this kernel */
	CXL_MOCK_PORT_REMOVE = 1 << 1,	/* delete the port */
	CXL_MOCK_PORT_HOST = 1 << 2,	/* this host's upstream port */
};

/* cxl_mock_port.connected: derive from the component behind the port. */
#define CXL_MOCK_PORT_AUTO	0xff

/**
 * struct cxl_mock_port - CXL_MOCK_SET_PORT: add or change a physical port
 * @id: the switch
 * @flags: CXL_MOCK_PORT_*; IN_USE is what the mock's port_in_use bus
 *	callback answers for a port of the switch itself (depth 0); HOST
 *	makes it the port its host_port callback names (the upstream port
 *	of this host's own VCS; without one every VCS counts as this host's)
 * @path: the switch component the port belongs to
 * @port: the port ID
 * @state: config state (0 disabled, 3 downstream, 4 upstream, ...)
 * @connected: connected device type (0 none, 4 type-3 SLD, 5 MLD, ...),
 *	or CXL_MOCK_PORT_AUTO
 * @ltssm: LTSSM state (4 L0)
 * @max_width: maximum link width
 * @width: negotiated link width
 * @max_speed: maximum link speed (1 2.5 GT/s .. 6 64 GT/s)
 * @speed: current link speed
 * @ld_count: supported LD count
 * @reserved: zero
 *
 * Get Physical Port State (5101) returns these; Identify Switch Device
 * (5100) lists every port as active.
 */
struct cxl_mock_port {
	__u32 id;
	__u32 flags;
	struct cxl_mock_path path;
	__u8 port;
	__u8 state;
	__u8 connected;
	__u8 ltssm;
	__u8 max_width;
	__u8 width;
	__u8 max_speed;
	__u8 speed;
	__u8 ld_count;
	__u8 reserved[3];
};

/**
 * struct cxl_mock_vppb - one vPPB of a VCS
 * @status: binding status: 0 unbound, 1 in progress, 2 bound to a port,
 *	3 bound to an LD
 * @port: the physical port it is bound to
 * @ld: the LD ID it is bound to
 * @reserved: zero
 */
struct cxl_mock_vppb {
	__u8 status;
	__u8 port;
	__u8 ld;
	__u8 reserved;
};

/**
 * struct cxl_mock_vcs - CXL_MOCK_SET_VCS: add or replace a virtual switch
 * @id: the switch
 * @flags: CXL_MOCK_VCS_REMOVE deletes it
 * @path: the switch component
 * @vcs: the VCS ID
 * @state: VCS state (0 disabled, 1 enabled)
 * @usp: its upstream port ID
 * @nr_vppbs: entries of @vppb
 * @vppb: its vPPBs
 *
 * Get Virtual CXL Switch Info (5200) takes {start vPPB, vPPB list limit,
 * number of VCSs, VCS IDs} and answers {number of VCSs, 3 reserved} then
 * per VCS {VCS ID, state, USP ID, number of vPPBs in the VCS} followed by
 * the 4-byte blocks of the vPPBs from the start vPPB, at most the limit.
 */
struct cxl_mock_vcs {
	__u32 id;
	__u32 flags;
	struct cxl_mock_path path;
	__u8 vcs;
	__u8 state;
	__u8 usp;
	__u8 nr_vppbs;
	struct cxl_mock_vppb vppb[CXL_MOCK_MAX_VPPBS];
};

enum {
	CXL_MOCK_VCS_REMOVE = 1 << 0,
};

/* cxl_mock_faults.flags */
enum {
	CXL_MOCK_FAULT_STUCK = 1 << 0,	/* doorbells never clear */
	CXL_MOCK_FAULT_ALL_ONES = 1 << 1,	/* surprise removal */
	CXL_MOCK_FAULT_NO_IRQ = 1 << 2,	/* interrupts never delivered */
};

/**
 * struct cxl_mock_faults - CXL_MOCK_SET_FAULTS: how the whole device fails
 * @id: the switch
 * @flags: CXL_MOCK_FAULT_*; clearing STUCK drops the command that was
 *	pending (the doorbell clears with return code 4, nothing executes)
 * @delay_ms: every command takes this long (added to its own delay)
 * @bogus_len: when not 0, every reply reports this output length
 */
struct cxl_mock_faults {
	__u32 id;
	__u32 flags;
	__u32 delay_ms;
	__u32 bogus_len;
};

/**
 * struct cxl_mock_count - CXL_MOCK_COUNT: the execution record
 * @id: the switch
 * @flags: CXL_MOCK_COUNT_RESET zeroes the whole switch's record after
 *	reading
 * @path: the component
 * @opcode: the command
 * @reserved: zero
 * @count: out: how many times the component executed @opcode (reached by
 *	the doorbell directly or through tunnels); a component put at a path
 *	starts from 0
 */
struct cxl_mock_count {
	__u32 id;
	__u32 flags;
	struct cxl_mock_path path;
	__u16 opcode;
	__u16 reserved;
	__u64 count;
};

enum {
	CXL_MOCK_COUNT_RESET = 1 << 0,
};

/**
 * struct cxl_mock_info - CXL_MOCK_INFO: the state of a switch
 * @id: the switch
 * @started: the platform device is registered and the core bound to it
 * @irq: the Linux interrupt the mock raises, 0 when it advertises none
 * @reserved: zero
 * @irqs_fired: interrupts raised
 * @irqs_dropped: interrupts CXL_MOCK_FAULT_NO_IRQ swallowed
 * @doorbells: doorbells the device answered
 * @name: the platform device's name
 */
struct cxl_mock_info {
	__u32 id;
	__u32 started;
	__u32 irq;
	__u32 reserved;
	__u64 irqs_fired;
	__u64 irqs_dropped;
	__u64 doorbells;
	char name[32];
};

/* cxl_mock_id.flags of CXL_MOCK_REMOVE */
enum {
	CXL_MOCK_REMOVE_SURPRISE = 1 << 0,	/* read all ones first */
};

/**
 * struct cxl_mock_id - CXL_MOCK_START, CXL_MOCK_REMOVE, CXL_MOCK_DESTROY
 * @id: the switch
 * @flags: CXL_MOCK_REMOVE_SURPRISE for CXL_MOCK_REMOVE, else 0
 *
 * START registers the platform device; the core probes it at once (its
 * fwctl device and any other node of the switch appear below it) and an
 * error of the probe is returned. REMOVE unregisters it: RPCs in flight
 * finish (or end with ENODEV), open files get ENODEV; the switch may be
 * started again.
 * DESTROY removes it and frees it.
 */
struct cxl_mock_id {
	__u32 id;
	__u32 flags;
};

#define CXL_MOCK_CREATE		_IOWR(CXL_MOCK_TYPE, 0xE0, struct cxl_mock_create)
#define CXL_MOCK_SET_COMPONENT	_IOW(CXL_MOCK_TYPE, 0xE1, struct cxl_mock_component)
#define CXL_MOCK_SET_CMD	_IOW(CXL_MOCK_TYPE, 0xE2, struct cxl_mock_cmd)
#define CXL_MOCK_SET_PORT	_IOW(CXL_MOCK_TYPE, 0xE3, struct cxl_mock_port)
#define CXL_MOCK_SET_VCS	_IOW(CXL_MOCK_TYPE, 0xE4, struct cxl_mock_vcs)
#define CXL_MOCK_SET_FAULTS	_IOW(CXL_MOCK_TYPE, 0xE5, struct cxl_mock_faults)
#define CXL_MOCK_COUNT		_IOWR(CXL_MOCK_TYPE, 0xE6, struct cxl_mock_count)
#define CXL_MOCK_INFO		_IOWR(CXL_MOCK_TYPE, 0xE7, struct cxl_mock_info)
#define CXL_MOCK_START		_IOW(CXL_MOCK_TYPE, 0xE8, struct cxl_mock_id)
#define CXL_MOCK_REMOVE		_IOW(CXL_MOCK_TYPE, 0xE9, struct cxl_mock_id)
#define CXL_MOCK_DESTROY	_IOW(CXL_MOCK_TYPE, 0xEA, struct cxl_mock_id)

#endif
