/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CXL command policy shared by every CXL fwctl driver: Command Effects
 * Log parsing, effects to scope, tunnels, vendor opcodes and kernel-owned
 * commands; and the RPC path from fwctl to an MMPT mailbox.
 */
#ifndef _CXL_FWCTL_H
#define _CXL_FWCTL_H

#include <linux/fwctl.h>
#include <linux/pci-mmpt.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <uapi/fwctl/cxl.h>

/* Command Effects Log effect bits (CXL r3.x table 8-75). */
#define CXL_CEL_CFG_RESET	BIT(0)	/* config change after cold reset */
#define CXL_CEL_CFG_IMM		BIT(1)	/* immediate config change */
#define CXL_CEL_DATA_IMM	BIT(2)	/* immediate data change */
#define CXL_CEL_POLICY_IMM	BIT(3)	/* immediate policy change */
#define CXL_CEL_LOG_IMM		BIT(4)	/* immediate log change */
#define CXL_CEL_SECURITY	BIT(5)	/* security state change */
#define CXL_CEL_BACKGROUND	BIT(6)	/* background operation */
#define CXL_CEL_SECONDARY_MBOX	BIT(7)	/* secondary mailbox supported */
#define CXL_CEL_ABORT		BIT(8)	/* request abort supported */
#define CXL_CEL_RESET_VALID	BIT(9)	/* bits 10 and 11 valid */
#define CXL_CEL_CFG_CONV_RESET	BIT(10)	/* config change after conv. reset */
#define CXL_CEL_CFG_CXL_RESET	BIT(11)	/* config change after CXL reset */
#define CXL_CEL_RESERVED	GENMASK(15, 12)

/* Opcodes the policy knows by name. */
#define CXL_OP_IDENTIFY			0x0001
#define CXL_OP_BG_STATUS		0x0002
#define CXL_OP_SET_RSP_LIMIT		0x0004
#define CXL_OP_ABORT_BG			0x0005
#define CXL_OP_GET_TIMESTAMP		0x0300
#define CXL_OP_SET_TIMESTAMP		0x0301
#define CXL_OP_GET_SUPPORTED_LOGS	0x0400
#define CXL_OP_GET_LOG			0x0401
#define CXL_OP_GET_SUPPORTED_FEATURES	0x0500
#define CXL_OP_GET_FEATURE		0x0501
#define CXL_OP_SET_FEATURE		0x0502
#define CXL_OP_IDENTIFY_SWITCH		0x5100
#define CXL_OP_GET_PORT_STATE		0x5101
#define CXL_OP_PORT_CONTROL		0x5102
#define CXL_OP_PPB_CONFIG		0x5103
#define CXL_OP_VCS_INFO			0x5200
#define CXL_OP_BIND_VPPB		0x5201
#define CXL_OP_UNBIND_VPPB		0x5202
#define CXL_OP_GEN_AER			0x5203
#define CXL_OP_TUNNEL			0x5300
#define CXL_OP_LD_CONFIG		0x5301
#define CXL_OP_LD_MEMORY		0x5302
#define CXL_OP_GET_FW_INFO		0x0200
#define CXL_OP_TRANSFER_FW		0x0201
#define CXL_OP_ACTIVATE_FW		0x0202
#define CXL_OP_VENDOR_FIRST		0xc000

/* Tunnels deeper than this are refused: CXL defines two levels. */
#define CXL_TUNNEL_MAX_DEPTH		2
#define CXL_TUNNEL_HDR			4	/* port, type, size */
#define CXL_CCI_MSG_HDR			12

/* A CEL holds at most one entry per opcode. */
#define CXL_CEL_MAX_ENTRIES		0x10000

/**
 * struct cxl_cel - a parsed Command Effects Log, sorted by opcode
 * @id: unique to this parse, so a table worked out from a CEL that was
 *	freed is never taken for one of a new CEL at the same address
 * @count: entries
 * @duplicates: opcodes the device listed more than once (their effects
 *	were merged, the union is judged)
 * @ent: the entries
 * @ent.opcode: command opcode
 * @ent.effects: its effects, CXL_CEL_* bits
 */
struct cxl_cel {
	u64 id;
	u32 count;
	u32 duplicates;
	struct {
		u16 opcode;
		u16 effects;
	} ent[] __counted_by(count);
};

/* Set Feature input: UUID, flags, offset, version, reserved; then data. */
#define CXL_SET_FEATURE_HDR		0x20
/* Supported Feature Entry: attribute flag bit 0, the feature is changeable. */
#define CXL_FEATURE_CHANGEABLE		BIT(0)
#define CXL_FEATURE_ENTRY		0x30

/**
 * struct cxl_feature - one entry of Get Supported Features
 * @uuid: the feature, in wire byte order
 * @flags: attribute flags, CXL_FEATURE_CHANGEABLE and others
 * @set_effects: what Set Feature of it does, CXL_CEL_* bits
 * @get_size: bytes Get Feature returns
 * @set_size: bytes Set Feature takes
 * @kernel_owned: the kernel drives this feature itself; Set Feature of it
 *	is refused with -EBUSY
 * @entry: the Supported Feature Entry as the device returned it
 */
struct cxl_feature {
	u8 uuid[16];
	u32 flags;
	u16 set_effects;
	u16 get_size;
	u16 set_size;
	bool kernel_owned;
	u8 entry[CXL_FEATURE_ENTRY];
};

struct cxl_fwctl_verdict;
struct cxl_fwctl_fast;

/* Identify's component type (byte 0x11). */
#define CXL_COMPONENT_SWITCH		0x00
#define CXL_COMPONENT_TYPE3		0x03

/**
 * struct cxl_fwctl_target - a component a command reaches
 * @cel: its Command Effects Log; NULL when it could not be read
 * @component: its component type, CXL_COMPONENT_*
 * @vendor: the vendor ID it reports in Identify
 * @device: the device ID it reports in Identify
 * @serial: the serial number it reports in Identify
 * @fenced: one of this kernel's memory devices while it is being
 *	sanitized: its own mailbox takes no command then, and no tunnel may
 *	bring one (&cxl_tunnel_cache.fenced)
 */
struct cxl_fwctl_target {
	const struct cxl_cel *cel;
	u8 component;
	u16 vendor;
	u16 device;
	u64 serial;
	bool fenced;
};

/**
 * struct cxl_fwctl_policy - what the policy judges a command against
 * @self: the component whose mailbox this is (its CEL must be readable)
 * @allow_data_writes: immediate data and security changes may run at
 *	DEBUG_WRITE_FULL (CONFIG_CXL_FWCTL_UNSAFE_DATA_WRITES, for BMCs)
 * @fabric_manager: this kernel manages the fabric for other hosts
 *	(CONFIG_CXL_FWCTL_FABRIC_MANAGER): an FM-API configuration command
 *	whose ports, vPPBs and LDs all lead to other hosts runs at
 *	CONFIGURATION, whatever configuration, data, policy, log or
 *	background effects its CEL entry claims (one with reserved bits or a
 *	security change keeps the ordinary rules)
 * @bg_needs_abort: the kernel runs background commands of its own on this
 *	mailbox: a background command of @self runs only when its CEL entry
 *	says the device can abort it, so the kernel can end it after a bound
 * @tunnel_target: the component behind a tunnel, named by the port or LD
 *	IDs of each level in @path; NULL when it cannot be identified
 * @port_in_use: whether this kernel drives a device below physical port
 *	@port of @self (a switch); NULL: every port is in use
 * @vppb_in_use: whether vPPB @vppb of virtual switch @vcs of @self is bound
 *	to a port in use, belongs to this host's own virtual switch (or
 *	cannot be told); NULL: every vPPB is in use
 * @target_in_use: whether this kernel drives the component behind a tunnel
 *	itself, reached another way (another head of a multi-headed device):
 *	commands that act on its ports, LDs or memory are refused; optional
 * @switch_in_use: whether any port below @self (a switch) leads to this
 *	kernel: its firmware transfer and activation, and its vendor commands
 *	on a kernel that does not own the fabric, are then refused; NULL: it
 *	always does
 * @executed: told of every command that reached the device through this
 *	policy, with its verdict and the device's return code (%U16_MAX when
 *	the wait for it failed), for cache invalidation; optional
 * @priv: argument of the callbacks
 * @features: judge the feature commands by feature rather than by their CEL
 *	effects: Get Supported Features and Get Feature at CONFIGURATION,
 *	Set Feature by the effects and flags of the feature it names
 * @feats: the device's features, from Get Supported Features
 * @nr_feats: entries of @feats
 * @fast: the verdicts of @self's commands that depend on nothing but the
 *	fields above, from cxl_fwctl_policy_prepare(); NULL: every request
 *	is judged in full
 */
struct cxl_fwctl_policy {
	struct cxl_fwctl_target self;
	bool allow_data_writes;
	bool fabric_manager;
	bool bg_needs_abort;
	const struct cxl_fwctl_target *(*tunnel_target)(void *priv,
							const u8 *path,
							unsigned int depth);
	bool (*port_in_use)(void *priv, u8 port);
	bool (*vppb_in_use)(void *priv, u8 vcs, u8 vppb);
	bool (*target_in_use)(void *priv, const struct cxl_fwctl_target *t);
	bool (*switch_in_use)(void *priv);
	void (*executed)(void *priv, const struct cxl_fwctl_verdict *v,
			 u16 return_code);
	void *priv;
	bool features;
	const struct cxl_feature *feats;
	unsigned int nr_feats;
	const struct cxl_fwctl_fast *fast;
};

/**
 * struct cxl_fwctl_verdict - what the policy decided
 * @needed: the lowest scope that runs the command
 * @flags: FWCTL_CXL_COMMAND_* qualifiers
 * @effects: the judged command's effects (for a tunnel, the innermost)
 * @opcode: the judged command (for a tunnel, the innermost)
 * @depth: tunnel levels crossed
 * @path: the port or LD ID of each level crossed
 * @component: the component type of the innermost target
 * @fabric: the innermost command configures the fabric for other hosts
 *	and was judged by &cxl_fwctl_policy.fabric_manager's rule: it is
 *	audited wherever it runs
 */
struct cxl_fwctl_verdict {
	enum fwctl_rpc_scope needed;
	u32 flags;
	u16 effects;
	u16 opcode;
	unsigned int depth;
	u8 path[CXL_TUNNEL_MAX_DEPTH];
	u8 component;
	bool fabric;
};

/**
 * struct cxl_fwctl_fabric_args - what a fabric manager's command acts on,
 *	for its audit record; -1 where the command names none
 * @port: the physical port a switch command names
 * @vcs: the virtual switch a switch command names
 * @vppb: the vPPB a switch command names
 * @ld: the LD a Bind vPPB names
 *
 * A type-3 command is named by its tunnel path: the port its device sits
 * behind and, two levels down, the LD.
 */
struct cxl_fwctl_fabric_args {
	int port;
	int vcs;
	int vppb;
	int ld;
};

/* Tunnel targets whose CEL a cache keeps at most. */
#define CXL_TUNNEL_CACHE_MAX		64
/* Get FW Info's output: slots, activation, the four slots' revisions. */
#define CXL_FW_KEY_LEN			0x50

/**
 * struct cxl_tunnel_cache - the CELs of the components behind tunnels
 * @lock: the owner holds it across a judgement that consults the cache
 * @targets: cached targets, each with the state of its first port and its
 *	identity when its CEL was read
 * @nr: entries in @targets
 * @port_key: fills a key that changes when the device behind @port does
 *	(config state, connected device type, LTSSM state); returns 0 or errno
 * @identify: reads the identity of the component at @path (Identify);
 *	returns 0 or errno
 * @fw_key: reads what the component at @path says it runs (Get FW Info:
 *	its slots, the active and staged one, each slot's revision); an
 *	errno when it cannot say, and its CEL is then read again for every
 *	judgement
 * @read_cel: reads the CEL of the component at @path
 * @fenced: optional, set after cxl_tunnel_cache_init(): whether a
 *	component is fenced (&cxl_fwctl_target.fenced), which the policy
 *	refuses every command of; it is asked nothing past Identify and not
 *	remembered
 * @scratch: what cxl_tunnel_cache_get() returns for a fenced component
 * @priv: argument of the callbacks
 */
struct cxl_tunnel_cache {
	struct mutex lock; /* held across judgements */
	struct list_head targets;
	unsigned int nr;
	int (*port_key)(void *priv, u8 port, u8 key[3]);
	int (*identify)(void *priv, const u8 *path, unsigned int depth,
			struct cxl_fwctl_target *t);
	int (*fw_key)(void *priv, const u8 *path, unsigned int depth,
		      u8 key[CXL_FW_KEY_LEN]);
	int (*read_cel)(void *priv, const u8 *path, unsigned int depth,
			struct cxl_cel **celp);
	bool (*fenced)(void *priv, const struct cxl_fwctl_target *t);
	struct cxl_fwctl_target scratch;
	void *priv;
};

void cxl_tunnel_cache_init(struct cxl_tunnel_cache *tc,
			   int (*port_key)(void *priv, u8 port, u8 key[3]),
			   int (*identify)(void *priv, const u8 *path,
					   unsigned int depth,
					   struct cxl_fwctl_target *t),
			   int (*fw_key)(void *priv, const u8 *path,
					 unsigned int depth,
					 u8 key[CXL_FW_KEY_LEN]),
			   int (*read_cel)(void *priv, const u8 *path,
					   unsigned int depth,
					   struct cxl_cel **celp),
			   void *priv);
void cxl_tunnel_cache_destroy(struct cxl_tunnel_cache *tc);
void cxl_tunnel_cache_drop(struct cxl_tunnel_cache *tc);
const struct cxl_fwctl_target *
cxl_tunnel_cache_get(struct cxl_tunnel_cache *tc, const u8 *path,
		     unsigned int depth);
int cxl_fwctl_lock_fresh(struct rw_semaphore *lock, const bool *stale,
			 int (*refresh)(void *priv), void *priv);
struct cxl_fwctl_mbox;
int cxl_fwctl_identify(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, struct cxl_fwctl_target *t);
int cxl_fwctl_fw_key(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		     unsigned int depth, u8 key[CXL_FW_KEY_LEN]);

int cxl_cel_parse(const void *log, size_t len, struct cxl_cel **celp);
const u16 *cxl_cel_effects(const struct cxl_cel *cel, u16 opcode);
int cxl_fwctl_judge(const struct cxl_fwctl_policy *pol, u16 opcode,
		    const void *payload, size_t len,
		    struct cxl_fwctl_verdict *v);
void cxl_fwctl_policy_prepare(struct cxl_fwctl_policy *pol);
void cxl_fwctl_policy_release(struct cxl_fwctl_policy *pol);
struct fwctl_cxl_command *cxl_fwctl_commands(const struct cxl_fwctl_policy *pol,
					     size_t *count);

/**
 * typedef cxl_fwctl_send_t - run one mailbox command for an RPC
 * @priv: the driver's argument
 * @cmd: the command, as for pci_mmpt_send()
 *
 * For drivers that share the mailbox with other kernel users and must
 * serialise with them; returns like pci_mmpt_send().
 */
typedef int (*cxl_fwctl_send_t)(void *priv, struct pci_mmpt_cmd *cmd);

/**
 * struct cxl_fwctl_mbox - a mailbox the policy reads from, and how
 * @mmpt: the mailbox (its payload size)
 * @send: how the policy's own reads (Identify, Get FW Info, the CEL, the
 *	features) reach it; NULL for pci_mmpt_send() on @mmpt. A memory
 *	device's is cxl_fwctl_core_send(), so that they go where every
 *	command the kernel sends goes.
 * @priv: argument of @send
 */
struct cxl_fwctl_mbox {
	struct pci_mmpt *mmpt;
	cxl_fwctl_send_t send;
	void *priv;
};

int cxl_fwctl_core_send(void *cxl_mbox, struct pci_mmpt_cmd *cmd);

struct fwctl_rpc_cxl;
void cxl_fwctl_rpc_record(struct fwctl_uctx *uctx,
			  const struct fwctl_rpc_cxl *in,
			  const struct cxl_fwctl_verdict *v, u32 scope,
			  bool ran, int result);
bool cxl_fwctl_rpc_check(const struct cxl_fwctl_policy *pol,
			 const struct fwctl_rpc_cxl *in, size_t in_len,
			 size_t out_len, size_t payload_size);
void *cxl_fwctl_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		    void *rpc_in, size_t in_len, size_t *out_len,
		    struct pci_mmpt *mbox, const struct cxl_fwctl_policy *pol);
void *cxl_fwctl_rpc_send(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			 void *rpc_in, size_t in_len, size_t *out_len,
			 struct pci_mmpt *mbox,
			 const struct cxl_fwctl_policy *pol,
			 cxl_fwctl_send_t send, void *priv);
int cxl_fwctl_read_features(const struct cxl_fwctl_mbox *mbox, struct cxl_feature **featsp,
			    unsigned int *nr);
ssize_t cxl_fwctl_xfer(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, u16 opcode, const void *in,
		       size_t in_len, void *out, size_t out_size);
int cxl_fwctl_read_cel(const struct cxl_fwctl_mbox *mbox, const u8 *path,
		       unsigned int depth, struct cxl_cel **celp);

#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned int cxl_fwctl_read_budget_ms;
#endif

#endif
