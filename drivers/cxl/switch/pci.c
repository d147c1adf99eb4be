// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI glue of the CXL switch mailbox CCI driver: the function of class
 * 0x0c0b beside a switch's upstream port. It maps the mailbox, sets up its
 * interrupt and tells the core which physical ports lead to devices this
 * kernel drives.
 */
#include <linux/bitfield.h>
#include <linux/fwctl-compat.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "../cxl.h"
#include "../cxlmem.h"
#include "../cxlpci.h"
#include "switch.h"

static void sw_pci_setup_irq(struct cxl_switch *sw)
{
	struct pci_dev *pdev = to_pci_dev(sw->dev);
	int msgnum = pci_mmpt_msgnum(sw->mbox), irq;

	/* Interrupts where the function has them; QEMU's has none. */
	if (msgnum < 0 || (!pdev->msix_cap && !pdev->msi_cap))
		return;
	if (pci_alloc_irq_vectors(pdev, msgnum + 1, msgnum + 1,
				  PCI_IRQ_MSIX | PCI_IRQ_MSI) < 0)
		return;
	/* An MSI is a memory write: without bus mastering it never arrives. */
	pci_set_master(pdev);
	irq = pci_irq_vector(pdev, msgnum);
	if (irq < 0 || pci_mmpt_request_irq(sw->mbox, irq))
		dev_info(&pdev->dev, "mailbox interrupt unavailable, polling\n");
}

/* CXL memory decode on: the device's memory may be in use without a driver. */
static bool sw_pci_cxl_mem_enabled(struct pci_dev *pdev)
{
	u16 dvsec, ctrl;

	dvsec = pci_find_dvsec_capability(pdev, PCI_VENDOR_ID_CXL,
					  PCI_DVSEC_CXL_DEVICE);
	if (!dvsec ||
	    pci_read_config_word(pdev, dvsec + PCI_DVSEC_CXL_CTRL, &ctrl))
		return false;
	return ctrl & PCI_DVSEC_CXL_MEM_ENABLE;
}

/**
 * cxl_switch_serial_in_use() - whether this kernel uses a device with a
 *	given serial number
 * @serial: the serial number a component reported in Identify
 *
 * A component behind a free port of a switch may still be this kernel's:
 * another head of a multi-headed device, or the same device reached
 * through another path. It is when a PCI function with that Device Serial
 * Number has a driver bound or CXL memory decode enabled. A snapshot: a
 * driver binding right after is judged by the next request.
 *
 * Return: true when it is in use; false for serial number 0 (none).
 */
bool cxl_switch_serial_in_use(u64 serial)
{
	struct pci_dev *pdev = NULL;

	if (!serial)
		return false;
	for_each_pci_dev(pdev) {
		if (pci_get_dsn(pdev) != serial)
			continue;
		if (READ_ONCE(pdev->dev.driver) || sw_pci_cxl_mem_enabled(pdev)) {
			pci_dev_put(pdev);
			return true;
		}
	}
	return false;
}

/**
 * cxl_switch_serial_sanitizing() - whether a memory device this kernel
 *	drives with a given serial number is being sanitized
 * @serial: the serial number a component reported in Identify
 *
 * cxl_pci fences the device's own mailbox while a sanitize runs (the memory
 * device's fwctl node gets EBUSY); a command tunnelled to the device must
 * not pass either. Its state is read with the function's device lock held
 * while cxl_pci is bound, so it cannot go away under the look; a function
 * whose lock is held elsewhere (probe, remove, reset) counts as fenced. A
 * snapshot, as cxl_switch_serial_in_use().
 *
 * Return: true while it sanitizes or cannot be looked at; false for serial
 * number 0 (none).
 */
bool cxl_switch_serial_sanitizing(u64 serial)
{
	struct pci_dev *pdev = NULL;
	bool ret = false;

	if (!serial)
		return false;
	for_each_pci_dev(pdev) {
		struct cxl_memdev_state *mds;

		if (pdev->class >> 8 != PCI_CLASS_MEMORY_CXL ||
		    pci_get_dsn(pdev) != serial)
			continue;
		/*
		 * Busy binding, unbinding or resetting: fenced for now. The
		 * lock is only tried: a reset of the bus below this switch
		 * takes it before this function's own, and an unbind of this
		 * switch waits for this RPC.
		 */
		if (!device_trylock(&pdev->dev)) {
			ret = true;
		} else {
			if (pdev->dev.driver &&
			    !strcmp(pdev->dev.driver->name, "cxl_pci")) {
				struct cxl_dev_state *cxlds = pci_get_drvdata(pdev);

				mds = cxlds ? to_cxl_memdev_state(cxlds) : NULL;
				ret = mds &&
				      READ_ONCE(mds->security.sanitize_active);
			}
			device_unlock(&pdev->dev);
		}
		if (ret) {
			pci_dev_put(pdev);
			break;
		}
	}
	return ret;
}

/*
 * The upstream port: the switch CCI is another function of its device
 * (any of 256 with ARI, of 8 otherwise).
 */
static struct pci_dev *sw_pci_usp(struct pci_dev *pdev)
{
	bool ari = pci_ari_enabled(pdev->bus);
	unsigned int first = ari ? 0 : PCI_DEVFN(PCI_SLOT(pdev->devfn), 0);
	unsigned int last = ari ? 255 : first + 7, devfn;
	struct pci_dev *dev;

	for (devfn = first; devfn <= last; devfn++) {
		if (devfn == pdev->devfn)
			continue;
		dev = pci_get_slot(pdev->bus, devfn);
		if (dev && pci_is_pcie(dev) &&
		    pci_pcie_type(dev) == PCI_EXP_TYPE_UPSTREAM)
			return dev;
		pci_dev_put(dev);
	}
	return NULL;
}

/*
 * Whether a downstream port bridge on @usp's secondary bus carries physical
 * port @port (its Link Capabilities port number), or any port when @port is
 * negative.
 */
static bool sw_pci_has_dsp(struct pci_dev *usp, int port)
{
	struct pci_dev *dsp = NULL;
	u32 lnkcap;

	while ((dsp = pci_get_class(PCI_CLASS_BRIDGE_PCI << 8, dsp))) {
		if (dsp->bus != usp->subordinate ||
		    pci_pcie_type(dsp) != PCI_EXP_TYPE_DOWNSTREAM)
			continue;
		if (port >= 0 &&
		    (pcie_capability_read_dword(dsp, PCI_EXP_LNKCAP, &lnkcap) ||
		     FIELD_GET(PCI_EXP_LNKCAP_PN, lnkcap) != port))
			continue;
		pci_dev_put(dsp);
		return true;
	}
	return false;
}

/*
 * The switch CCI is a function of the upstream port's device; the
 * downstream ports sit on the upstream port's secondary bus and carry their
 * physical port number in the Link Capabilities register. A port that such
 * a bridge carries is bound into this host's own virtual switch: pcieport
 * drives the bridge and whatever is enumerated below it is this kernel's,
 * with or without a driver yet. The upstream port leads to this host
 * itself. When the hierarchy cannot be mapped every port counts as in use.
 */
static bool sw_pci_port_in_use(struct cxl_switch *sw, u8 port)
{
	struct pci_dev *usp = sw_pci_usp(to_pci_dev(sw->dev));
	bool in_use = true;
	u32 lnkcap;

	if (!usp)
		return true;
	/* A port no downstream bridge here carries leads to nothing of ours. */
	if (usp->subordinate &&
	    !pcie_capability_read_dword(usp, PCI_EXP_LNKCAP, &lnkcap) &&
	    FIELD_GET(PCI_EXP_LNKCAP_PN, lnkcap) != port)
		in_use = sw_pci_has_dsp(usp, port);
	pci_dev_put(usp);
	return in_use;
}

/*
 * Any downstream bridge on the upstream port's secondary bus: a port bound
 * into this host's virtual switch, which pcieport drives whatever is below.
 */
static bool sw_pci_ports_in_use(struct cxl_switch *sw)
{
	struct pci_dev *usp = sw_pci_usp(to_pci_dev(sw->dev));
	bool in_use;

	if (!usp)
		return true;
	in_use = !usp->subordinate || sw_pci_has_dsp(usp, -1);
	pci_dev_put(usp);
	return in_use;
}

/*
 * This host reaches the switch through the upstream port the CCI function
 * sits beside: its physical port number is in its Link Capabilities.
 */
static int sw_pci_host_port(struct cxl_switch *sw)
{
	struct pci_dev *usp = sw_pci_usp(to_pci_dev(sw->dev));
	u32 lnkcap;
	int ret;

	if (!usp)
		return -ENODEV;
	ret = pcie_capability_read_dword(usp, PCI_EXP_LNKCAP, &lnkcap);
	pci_dev_put(usp);
	if (ret || PCI_POSSIBLE_ERROR(lnkcap))
		return -EIO;
	return FIELD_GET(PCI_EXP_LNKCAP_PN, lnkcap);
}

static const struct cxl_switch_bus_ops sw_pci_ops = {
	.setup_irq = sw_pci_setup_irq,
	.port_in_use = sw_pci_port_in_use,
	.ports_in_use = sw_pci_ports_in_use,
	.host_port = sw_pci_host_port,
};

static int cxl_switch_pci_probe(struct pci_dev *pdev,
				const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct cxl_register_map map;
	struct cxl_device_regs regs = {};
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = cxl_find_regblock(pdev, CXL_REGLOC_RBI_MEMDEV, &map);
	if (ret)
		return dev_err_probe(dev, ret, "no device register block\n");
	ret = cxl_setup_regs(&map);
	if (ret)
		return ret;
	ret = cxl_map_device_regs(&map, &regs);
	if (ret)
		return ret;

	return devm_cxl_switch_add(&(struct cxl_switch_desc){
		.dev = dev,
		.mbox = regs.mbox,
		.mbox_size = map.device_map.mbox.size,
		.vendor = pdev->vendor,
		.device = pdev->device,
		.revision = pdev->revision,
		.ops = &sw_pci_ops,
	});
}

static const struct pci_device_id cxl_switch_pci_tbl[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_SERIAL_CXL_SWITCH_CCI << 8, ~0) },
	{ }
};
MODULE_DEVICE_TABLE(pci, cxl_switch_pci_tbl);

static struct pci_driver cxl_switch_pci_driver = {
	.name = "cxl_switch_cci",
	.id_table = cxl_switch_pci_tbl,
	.probe = cxl_switch_pci_probe,
};

int cxl_switch_pci_init(void)
{
	return pci_register_driver(&cxl_switch_pci_driver);
}

void cxl_switch_pci_exit(void)
{
	pci_unregister_driver(&cxl_switch_pci_driver);
}
