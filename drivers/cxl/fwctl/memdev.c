// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl for CXL memory devices: one fwctl device per memdev on the primary
 * mailbox that cxl_pci drives through the MMPT library, judged by the
 * shared CXL command policy plus what the kernel keeps consistent itself.
 * Built into cxl_pci, which shares the mailbox with the CXL core.
 */
#include <linux/fwctl.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <uapi/fwctl/cxl.h>
#include <cxl/mailbox.h>

#include "../cxlmem.h"
#include "cxl_fwctl.h"
#include "memdev.h"

static unsigned int fwctl_bg_timeout_ms = 60000;
module_param(fwctl_bg_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fwctl_bg_timeout_ms,
		 "how long an fwctl RPC waits for its background command (ms)");

/**
 * struct cxl_memdev_fwctl - the fwctl device of one memory device
 * @fwctl: the fwctl device, parented by the memdev
 * @cxlds: the device state cxl_pci shares with the CXL core
 * @cel: the mailbox's Command Effects Log
 * @feats: its supported features
 * @pol: what the policy judges against
 * @pol_lock: held for reading by every judgement, for writing to swap in
 *	a @cel and @feats read again
 * @refresh_lock: one re-read at a time, made without @pol_lock
 * @stale: firmware was activated since @cel and @feats were read
 * @activations: firmware activations seen, so that a re-read that one
 *	overtook does not clear @stale
 * @entry: in memdev_fwctls
 */
struct cxl_memdev_fwctl {
	struct fwctl_device fwctl;
	struct cxl_dev_state *cxlds;
	struct cxl_cel *cel;
	struct cxl_feature *feats;
	struct cxl_fwctl_policy pol;
	struct rw_semaphore pol_lock;
	struct mutex refresh_lock; /* one re-read at a time */
	bool stale;
	atomic_t activations;
	struct list_head entry;
};

/* Every memdev fwctl device, for cxl_memdev_fwctl_fw_activated(). */
static LIST_HEAD(memdev_fwctls);
static DEFINE_MUTEX(memdev_fwctls_lock);

static struct cxl_memdev_fwctl *to_mf(struct fwctl_uctx *uctx)
{
	return container_of(uctx->fwctl, struct cxl_memdev_fwctl, fwctl);
}

/*
 * Serialise with the kernel's own commands and respect its sanitize fence
 * for the doorbell; wait for a background command without holding the
 * mailbox, so the kernel's commands keep running meanwhile. The command is
 * this RPC's alone (its handle): a timeout aborts it when it is abortable,
 * otherwise the library watches it until the device is done, and the
 * kernel's own background commands are never touched.
 *
 * Nor is the policy held across that wait, up to a minute: the command
 * was judged and is at the device, and a refresh after a firmware
 * activation, which takes the policy for writing, would otherwise keep
 * every RPC, FWCTL_INFO and sysfs reader queued behind it that long. It
 * is taken again afterwards, for memdev_rpc() to release.
 */
static int memdev_send(void *priv, struct pci_mmpt_cmd *cmd)
{
	struct cxl_memdev_fwctl *mf = priv;
	struct cxl_dev_state *cxlds = mf->cxlds;
	struct cxl_memdev_state *mds = to_cxl_memdev_state(cxlds);
	struct cxl_mailbox *cxl_mbox = &cxlds->cxl_mbox;
	struct pci_mmpt *mbox = cxlds->mmpt;
	int ret;

	cmd->flags |= PCI_MMPT_CMD_NO_WAIT;
	scoped_guard(mutex, &cxl_mbox->mbox_mutex) {
		if (mds->security.sanitize_active)
			return -EBUSY;
		ret = pci_mmpt_send(mbox, cmd);
	}
	if (ret || !cmd->bg_handle)
		return ret;
	up_read(&mf->pol_lock);
	ret = pci_mmpt_bg_wait(mbox, cmd, READ_ONCE(fwctl_bg_timeout_ms) ?:
					  pci_mmpt_bg_timeout_ms(mbox));
	down_read(&mf->pol_lock);
	return ret;
}

/*
 * Get Supported Features as mainline answers it: from the list read at
 * probe, without the mailbox. count / 48 entries from start_idx on, at
 * most as many as there are; a start_idx past the list is -EINVAL. The
 * features the kernel drives itself are listed as not changeable, with a
 * Set Feature size of 0. out_len is sizeof(struct fwctl_rpc_cxl_out) plus
 * the payload, as mainline reports it.
 */
static void *memdev_get_sup_feats(struct cxl_memdev_fwctl *mf,
				  const struct fwctl_rpc_cxl *in,
				  size_t *out_len)
{
	const struct cxl_mbox_get_sup_feats_in *fin = &in->get_sup_feats_in;
	unsigned int start = le16_to_cpu(fin->start_idx), n, i;
	struct cxl_mbox_get_sup_feats_out *fout;
	struct fwctl_rpc_cxl_out *out;
	size_t size;

	if (start >= mf->pol.nr_feats)
		return ERR_PTR(-EINVAL);
	n = min_t(size_t, le32_to_cpu(fin->count) / sizeof(fout->ents[0]),
		  mf->pol.nr_feats - start);
	size = struct_size(fout, ents, n);
	out = kvzalloc(sizeof(*out) + size, GFP_KERNEL_ACCOUNT);
	if (!out)
		return ERR_PTR(-ENOMEM);
	fout = &out->get_sup_feats_out;
	fout->num_entries = cpu_to_le16(n);
	fout->supported_feats = cpu_to_le16(mf->pol.nr_feats);
	for (i = 0; i < n; i++) {
		const struct cxl_feature *f = &mf->feats[start + i];
		struct cxl_feat_entry *e = &fout->ents[i];

		memcpy(e, f->entry, sizeof(*e));
		if (f->kernel_owned) {
			e->set_feat_size = 0;
			e->flags &= ~cpu_to_le32(CXL_FEATURE_F_CHANGEABLE);
		}
	}
	out->size = size;
	out->retval = 0;
	*out_len = sizeof(*out) + size;
	return out;
}

/* The device's CEL and, when it lists them, its supported features. */
static int memdev_read_policy(struct cxl_memdev_fwctl *mf,
			      struct cxl_cel **celp,
			      struct cxl_feature **featsp, unsigned int *nr)
{
	struct device *dev = mf->fwctl.dev.parent;
	/*
	 * Through the CXL core's mbox_send, as the kernel's own commands go:
	 * its mutex, its sanitize fence and its hooks see these reads too.
	 */
	const struct cxl_fwctl_mbox reads = {
		.mmpt = mf->cxlds->mmpt,
		.send = cxl_fwctl_core_send,
		.priv = &mf->cxlds->cxl_mbox,
	};
	int ret;

	*featsp = NULL;
	*nr = 0;
	ret = cxl_fwctl_read_cel(&reads, NULL, 0, celp);
	if (ret)
		return ret;
	if ((*celp)->duplicates)
		dev_warn(dev, "CEL lists %u opcodes twice, their effects merged\n",
			 (*celp)->duplicates);
	if (cxl_cel_effects(*celp, CXL_OP_GET_SUPPORTED_FEATURES)) {
		ret = cxl_fwctl_read_features(&reads, featsp, nr);
		if (ret)
			dev_warn(dev, "supported features unreadable (%d), Set Feature refused\n",
				 ret);
	}
	return 0;
}

/*
 * After the kernel activated new firmware, read the CEL and the features
 * again before judging anything: the device may list other commands or
 * effects now. Until they can be read, nothing is judged.
 */
static int memdev_refresh(void *priv)
{
	struct cxl_memdev_fwctl *mf = priv;
	struct cxl_feature *feats;
	struct cxl_cel *cel;
	unsigned int nr;
	int seen, ret;

	/* Behind another refresh of a slow device: a kill ends the wait. */
	if (mutex_lock_killable(&mf->refresh_lock))
		return -EINTR;
	ret = 0;
	if (!READ_ONCE(mf->stale))
		goto out;
	/*
	 * The reads queue behind the kernel's own commands, which may hold
	 * the mailbox for a whole background operation: they are made
	 * without the policy lock, so that RPCs, FWCTL_INFO and the sysfs
	 * readers do not queue behind them meanwhile.
	 */
	seen = atomic_read(&mf->activations);
	ret = memdev_read_policy(mf, &cel, &feats, &nr);
	if (ret)
		goto out;
	if (down_write_killable(&mf->pol_lock)) {
		kvfree(cel);
		kvfree(feats);
		ret = -EINTR;
		goto out;
	}
	kvfree(mf->cel);
	kvfree(mf->feats);
	mf->cel = cel;
	mf->feats = feats;
	mf->pol.self.cel = cel;
	mf->pol.feats = feats;
	mf->pol.nr_feats = nr;
	cxl_fwctl_policy_prepare(&mf->pol);
	/*
	 * Another activation during the reads: read again, next request.
	 * Cleared first and checked after, so that one whose flag the
	 * clearing overwrote is still seen.
	 */
	WRITE_ONCE(mf->stale, false);
	/* Cleared before counted: pairs with the notifier's barrier. */
	smp_mb();
	if (atomic_read(&mf->activations) != seen)
		WRITE_ONCE(mf->stale, true);
	up_write(&mf->pol_lock);
	dev_info(mf->fwctl.dev.parent,
		 "firmware activated: %u commands, %u features read again\n",
		 cel->count, nr);
out:
	mutex_unlock(&mf->refresh_lock);
	return ret;
}

/* The policy for reading, refreshed first when firmware changed. */
static int memdev_lock_policy(struct cxl_memdev_fwctl *mf)
{
	return cxl_fwctl_lock_fresh(&mf->pol_lock, &mf->stale, memdev_refresh,
				    mf);
}

/**
 * cxl_memdev_fwctl_fw_activated() - the kernel activated new firmware
 * @cxlds: the device
 *
 * Called by cxl_pci after every Activate FW it sent, for one that failed
 * or timed out may have run: the device's fwctl device reads its CEL and
 * features again before the next judgement.
 */
void cxl_memdev_fwctl_fw_activated(struct cxl_dev_state *cxlds)
{
	struct cxl_memdev_fwctl *mf;

	guard(mutex)(&memdev_fwctls_lock);
	list_for_each_entry(mf, &memdev_fwctls, entry)
		if (mf->cxlds == cxlds) {
			atomic_inc(&mf->activations);
			/* Counted before flagged: pairs with the refresh's smp_mb(). */
			smp_mb__after_atomic();
			WRITE_ONCE(mf->stale, true);
		}
}

static void *memdev_rpc_locked(struct fwctl_uctx *uctx,
			       enum fwctl_rpc_scope scope, void *in,
			       size_t in_len, size_t *out_len)
{
	struct cxl_memdev_fwctl *mf = to_mf(uctx);
	const struct fwctl_rpc_cxl *rpc = in;

	/* Everything else is checked by cxl_fwctl_rpc_send(). */
	if (in_len >= sizeof(rpc->hdr) &&
	    rpc->opcode == CXL_OP_GET_SUPPORTED_FEATURES) {
		if (!cxl_fwctl_rpc_check(&mf->pol, rpc, in_len, *out_len,
					 pci_mmpt_payload_size(mf->cxlds->mmpt)))
			return ERR_PTR(-EINVAL);
		return memdev_get_sup_feats(mf, rpc, out_len);
	}
	return cxl_fwctl_rpc_send(uctx, scope, in, in_len, out_len,
				  mf->cxlds->mmpt, &mf->pol, memdev_send, mf);
}

static void *memdev_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			void *in, size_t in_len, size_t *out_len)
{
	struct cxl_memdev_fwctl *mf = to_mf(uctx);
	void *out;
	int ret;

	ret = memdev_lock_policy(mf);
	if (ret)
		return ERR_PTR(ret);
	out = memdev_rpc_locked(uctx, scope, in, in_len, out_len);
	up_read(&mf->pol_lock);
	return out;
}

static void *memdev_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct cxl_memdev_fwctl *mf = to_mf(uctx);
	struct pci_dev *pdev = to_pci_dev(mf->cxlds->dev);
	struct fwctl_info_cxl *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->component = FWCTL_CXL_MEMDEV;
	info->payload_size = pci_mmpt_payload_size(mf->cxlds->mmpt);
	scoped_guard(rwsem_read, &mf->pol_lock)
		info->cel_entries = mf->cel->count;
	info->vendor_id = pdev->vendor;
	info->device_id = pdev->device;
	info->serial = mf->cxlds->serial;
	*length = sizeof(*info);
	return info;
}

static const struct fwctl_ops cxl_memdev_fwctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_CXL,
	.uctx_size = sizeof(struct fwctl_uctx),
	.info = memdev_info,
	.fw_rpc = memdev_rpc,
};

static void memdev_fwctl_put(void *data)
{
	struct cxl_memdev_fwctl *mf = data;

	scoped_guard(mutex, &memdev_fwctls_lock)
		list_del(&mf->entry);
	cxl_fwctl_policy_release(&mf->pol);
	kvfree(mf->feats);
	kvfree(mf->cel);
	fwctl_put(&mf->fwctl);
}

static void memdev_fwctl_unregister(void *data)
{
	fwctl_unregister(data);
}

/*
 * Runs before memdev_fwctl_unregister(), which waits for the RPCs in
 * flight: ending the mailbox's synchronous background waits first bounds
 * the unbind. Only those: a sanitize the device still runs keeps its
 * fence until the device is done or cxl_pci stops using the mailbox,
 * after the memdev is gone.
 */
static void memdev_fwctl_end_waits(void *mmpt)
{
	pci_mmpt_end_waits(mmpt);
}

/**
 * devm_cxl_memdev_fwctl_add() - give a memory device's mailbox a fwctl device
 * @host: the device whose unbinding removes it (the PCI function)
 * @cxlmd: the memdev, parent of the fwctl device
 *
 * Reads the Command Effects Log and the supported features, then registers
 * /dev/fwctl/fwctlN for the mailbox that cxl_pci set up.
 *
 * Return: 0 or an errno; the memory device works without it.
 */
int devm_cxl_memdev_fwctl_add(struct device *host, struct cxl_memdev *cxlmd)
{
	struct cxl_dev_state *cxlds = cxlmd->cxlds;
	struct cxl_memdev_fwctl *mf;
	unsigned int nr_feats;
	int ret;

	if (!cxlds->mmpt)
		return -ENODEV;
	mf = fwctl_alloc_device(&cxlmd->dev, &cxl_memdev_fwctl_ops,
				struct cxl_memdev_fwctl, fwctl);
	if (!mf)
		return -ENOMEM;
	mf->cxlds = cxlds;
	init_rwsem(&mf->pol_lock);
	mutex_init(&mf->refresh_lock);
	scoped_guard(mutex, &memdev_fwctls_lock)
		list_add(&mf->entry, &memdev_fwctls);
	ret = devm_add_action_or_reset(host, memdev_fwctl_put, mf);
	if (ret)
		return ret;

	ret = memdev_read_policy(mf, &mf->cel, &mf->feats, &nr_feats);
	if (ret)
		return ret;
	/* The commands the kernel keeps to itself come with the type. */
	mf->pol = (struct cxl_fwctl_policy){
		.self = {
			.cel = mf->cel,
			.component = CXL_COMPONENT_TYPE3,
			.vendor = to_pci_dev(cxlds->dev)->vendor,
			.device = to_pci_dev(cxlds->dev)->device,
			.serial = cxlds->serial,
		},
		.allow_data_writes =
			IS_ENABLED(CONFIG_CXL_FWCTL_UNSAFE_DATA_WRITES),
		/* Sanitize and firmware transfer share the slot with fwctl. */
		.bg_needs_abort = true,
		.features = true,
		.feats = mf->feats,
		.nr_feats = nr_feats,
	};
	cxl_fwctl_policy_prepare(&mf->pol);

	ret = fwctl_register(&mf->fwctl);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(host, memdev_fwctl_unregister,
				       &mf->fwctl);
	if (ret)
		return ret;
	/* Not _or_reset: on failure the mailbox must go on working. */
	ret = devm_add_action(host, memdev_fwctl_end_waits, cxlds->mmpt);
	if (ret)
		return ret;
	dev_info(&cxlmd->dev, "%u commands, %u features, %s\n", mf->cel->count,
		 mf->pol.nr_feats, dev_name(&mf->fwctl.dev));
	return 0;
}
