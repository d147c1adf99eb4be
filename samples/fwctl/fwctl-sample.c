// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal vendor tool for fwctl: only the UAPI headers, FWCTL_INFO and
 * one FWCTL_RPC (a CXL Identify).
 *
 *   fwctl-sample /dev/fwctl/fwctl0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/types.h>

#include <fwctl/cxl.h>
#include <fwctl/fwctl.h>

int main(int argc, char **argv)
{
	struct {
		struct fwctl_rpc_cxl_hdr hdr;
	} req = { .hdr = { .opcode = 0x0001 } };	/* CXL Identify */
	struct {
		struct fwctl_rpc_cxl_out_hdr hdr;
		__u8 payload[64];
	} rsp;
	struct fwctl_info_cxl data;
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(data),
		.out_device_data = (unsigned long)&data,
	};
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_CONFIGURATION,
		.in_len = sizeof(req),
		.out_len = sizeof(rsp),
		.in = (unsigned long)&req,
		.out = (unsigned long)&rsp,
	};
	__u64 serial = 0;
	int fd, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /dev/fwctl/fwctlN\n", argv[0]);
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || ioctl(fd, FWCTL_INFO, &info)) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	printf("device type %u, %u bytes of device data\n",
	       info.out_device_type, info.device_data_len);
	if (info.out_device_type != FWCTL_DEVICE_TYPE_CXL) {
		fprintf(stderr, "%s: not a CXL device\n", argv[1]);
		return 2;
	}
	if (ioctl(fd, FWCTL_RPC, &rpc)) {
		fprintf(stderr, "Identify: %s\n", strerror(errno));
		return 2;
	}
	if (rsp.hdr.retval || rsp.hdr.size < 0x12) {
		fprintf(stderr, "Identify: device return code %u\n",
			rsp.hdr.retval);
		return 3;
	}
	for (i = 7; i >= 0; i--)
		serial = serial << 8 | rsp.payload[8 + i];
	printf("vendor 0x%04x device 0x%04x serial 0x%016llx\n",
	       rsp.payload[0] | rsp.payload[1] << 8,
	       rsp.payload[2] | rsp.payload[3] << 8,
	       (unsigned long long)serial);
	close(fd);
	return 0;
}
