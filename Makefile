# SPDX-License-Identifier: GPL-2.0
#
# The fwctl slice: builds a base kernel carrying this subsystem, boots it
# on an emulated CXL fabric and runs every test. "make help" lists targets.
#
# BASE selects the base kernel: 6.12 (default, Debian's linux-source-6.12,
# series in patches/, built in build/) or 7.3 (Debian's linux-source-7.3,
# mainline's own fwctl core, series in patches-7.3/, built in build/7.3/).

BASE	?= 6.12
ifeq ($(BASE),6.12)
BUILD	?= $(CURDIR)/build
PATCHDIR := patches
else
BUILD	?= $(CURDIR)/build/$(BASE)
PATCHDIR := patches-$(BASE)
endif
SRC	:= $(BUILD)/src
KOUT	:= $(BUILD)/kernel
JOBS	?= $(shell nproc)
QEMU	?= qemu-system-x86_64
FWCTL_KVM ?= 0
CCACHE	?= $(shell command -v ccache 2>/dev/null)
KCC	:= $(if $(CCACHE),ccache gcc,gcc)
H	:= tools/testing/fwctl
KMAKE	= $(MAKE) -s -C $(SRC) O=$(KOUT) -j$(JOBS) W=1 CC="$(KCC)"
BZIMAGE	:= $(KOUT)/arch/x86/boot/bzImage
INITRD	:= $(BUILD)/initramfs.cpio.gz
STDIR	:= $(BUILD)/selftests
# The fabric manager's kernel: the e2e kernel with
# CONFIG_CXL_FWCTL_FABRIC_MANAGER, booted by make check beside it. It starts
# as a copy of the built e2e kernel, so only what the option touches builds.
FMOUT	:= $(BUILD)/fabric/kernel
FMMAKE	= $(MAKE) -s -C $(SRC) O=$(FMOUT) -j$(JOBS) W=1 CC="$(KCC)"
FMINITRD := $(BUILD)/fabric/initramfs.cpio.gz

# The e2e kernel's fragments: what the selftests need (kselftest's config
# file, so a guest that lacks an option fails check-config), the common one,
# the KUnit suites (each directory's .kunitconfig, built in but off until
# kunit.py asks for them), then the base's own, whose settings win.
KUNITCONF := $(sort $(shell find drivers -name .kunitconfig))
E2ECONF	:= tools/testing/selftests/fwctl/config $(H)/configs/e2e.config \
	   $(KUNITCONF) $(H)/configs/kunit.config \
	   $(wildcard $(H)/configs/e2e-$(BASE).config)
FMCONF	:= $(E2ECONF) $(H)/configs/fabric.config

export BASE BUILD SRC KOUT FMOUT JOBS QEMU FWCTL_KVM KCC PATCHDIR

OWNED	:= $(shell git ls-files -co --exclude-standard drivers include \
		Documentation tools samples patches patches-* 2>/dev/null)

# A recipe that fails leaves no target behind that looks up to date (the
# fabric kernel's .config is a copy of the e2e one until its merge works).
.DELETE_ON_ERROR:

.PHONY: all help deps tree config kernel kernel-path selftests fwctl-cli initramfs \
	kernel-fabric initramfs-fabric check demo shell patches bench clean distclean

all: kernel

help:
	@echo "make demo         boot the default CXL fabric and run the tour"
	@echo "make check        every test: static, KUnit, selftests in QEMU"
	@echo "make shell        boot the fabric into an interactive guest shell"
	@echo "make deps         install the Debian packages (root, idempotent)"
	@echo "make kernel       build the end-to-end bzImage; kernel-path prints it"
	@echo "make patches      emit a git format-patch series against the base"
	@echo "make bench        mailbox benchmark, base kernel vs ours (not a test)"
	@echo "variables: BASE=$(BASE) BUILD=$(BUILD) JOBS=$(JOBS) QEMU=$(QEMU) FWCTL_KVM=$(FWCTL_KVM)"

deps:
	@$(H)/deps.sh

$(BUILD)/.deps: $(H)/deps.sh
	@$(H)/deps.sh
	@mkdir -p $(BUILD) && touch $@

tree: $(BUILD)/.deps
	@$(H)/prepare-tree.sh $(CURDIR) $(SRC)

$(KOUT)/.config: $(E2ECONF) $(SRC)/.fwctl-series | tree
	@mkdir -p $(KOUT)
	@$(MAKE) -s -C $(SRC) O=$(KOUT) tinyconfig >/dev/null
	@$(SRC)/scripts/kconfig/merge_config.sh -m -O $(KOUT) $(KOUT)/.config $(E2ECONF) >/dev/null
	@$(MAKE) -s -C $(SRC) O=$(KOUT) olddefconfig
	@$(H)/check-config.sh $@ $(E2ECONF)

config: tree $(KOUT)/.config

# A copy of the built e2e kernel with the fabric fragment merged in: kbuild
# then rebuilds only the objects that read the options it changes. Copied
# again only when a fragment or the series changes; after that it is a
# build directory of its own.
$(FMOUT)/.config: $(FMCONF) $(SRC)/.fwctl-series | kernel
	@rm -rf $(FMOUT) && mkdir -p $(dir $(FMOUT))
	@cp -a $(KOUT) $(FMOUT)
	@$(SRC)/scripts/kconfig/merge_config.sh -m -O $(FMOUT) $(FMOUT)/.config \
		$(H)/configs/fabric.config >/dev/null
	@$(MAKE) -s -C $(SRC) O=$(FMOUT) olddefconfig
	@$(H)/check-config.sh $@ $(FMCONF)

kernel-fabric: tree $(FMOUT)/.config
	@echo "  KERNEL  $(FMOUT)/arch/x86/boot/bzImage"
	@$(FMMAKE) bzImage modules

kernel: config
	@echo "  KERNEL  $(BZIMAGE)"
	@$(KMAKE) bzImage modules
	@$(KMAKE) headers

kernel-path:
	@echo $(BZIMAGE)

selftests: kernel
	@rm -rf $(STDIR) && mkdir -p $(STDIR)/bin
	@$(MAKE) -s -C $(SRC)/tools/testing/selftests/fwctl OUTPUT=$(STDIR) \
		KHDR_INCLUDES="-isystem $(KOUT)/usr/include" all

fwctl-cli: selftests
	@mkdir -p $(STDIR)/bin
	@$(MAKE) -s -C tools/fwctl OUTPUT=$(STDIR)/bin LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $(KOUT)/usr/include"
	@cp $(KOUT)/samples/fwctl/fwctl-sample $(STDIR)/bin/

initramfs: selftests fwctl-cli
	@$(H)/mkinitramfs.sh $(CURDIR) $(INITRD) $(STDIR) \
		$(shell find $(KOUT)/drivers -name 'fwctl_test.ko' 2>/dev/null)

# Its own modules (signed with the key its copy of the e2e build holds);
# the selftests are the same.
initramfs-fabric: selftests fwctl-cli kernel-fabric
	@KOUT=$(FMOUT) $(H)/mkinitramfs.sh $(CURDIR) $(FMINITRD) $(STDIR) \
		$(shell find $(FMOUT)/drivers -name 'fwctl_test.ko' 2>/dev/null)

check: initramfs initramfs-fabric
	@$(H)/check.sh

demo: initramfs
	@$(H)/qemu-run.sh -a "fwh.mode=demo" $(BZIMAGE) $(INITRD) $(BUILD)/logs/demo.log; \
		rc=$$?; sed -n '/=== FWCTL-DEMO/,/=== FWCTL-DMESG/p' $(BUILD)/logs/demo.log | \
		grep -v '^=== FWCTL-DMESG'; exit $$rc

shell: initramfs
	@$(H)/qemu-run.sh -i -a "fwh.mode=shell" $(BZIMAGE) $(INITRD) /dev/null

bench: tree
	@[ "$(BASE)" = 6.12 ] || { echo "make bench: BASE=6.12 only" >&2; exit 1; }
	@$(H)/bench/bench.py $(CURDIR) $(BUILD) --jobs $(JOBS)

patches: tree
	@$(H)/format-patches.sh $(CURDIR) $(BUILD)/patches

clean:
	rm -rf $(KOUT) $(BUILD)/fabric $(STDIR) $(INITRD) $(BUILD)/logs

distclean:
	rm -rf $(BUILD)
