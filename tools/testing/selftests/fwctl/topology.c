// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated CXL fabric the harness booted is the one it asked for:
 * fwh.switches=N on the command line means N switch mailbox CCI
 * functions (19e5:a123, class 0x0c0b) and two type-3 devices (8086:0d93,
 * class 0x050210) behind each switch.
 */
#include <dirent.h>

#include "../kselftest_harness.h"
#include "fwctl_util.h"

static int count_pci(const char *vendor, const char *device,
		     const char *class)
{
	char path[512], v[32], d[32], c[32];
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir("/sys/bus/pci/devices");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 de->d_name);
		if (read_file(path, v, sizeof(v)) < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		if (read_file(path, d, sizeof(d)) < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class",
			 de->d_name);
		if (read_file(path, c, sizeof(c)) < 0)
			continue;
		if (!strcmp(v, vendor) && !strcmp(d, device)) {
			if (strcmp(c, class))
				return -EINVAL;
			n++;
		}
	}
	closedir(dir);
	return n;
}

static int expected_switches(void)
{
	const char *s = cmdline_arg("fwh.switches");

	return s ? atoi(s) : 1;
}

TEST(switch_mailbox_cci_functions)
{
	ASSERT_EQ(expected_switches(),
		  count_pci("0x19e5", "0xa123", "0x0c0b00"));
}

TEST(switch_upstream_ports)
{
	ASSERT_EQ(expected_switches(),
		  count_pci("0x19e5", "0xa128", "0x060400"));
}

TEST(type3_memory_devices)
{
	ASSERT_EQ(2 * expected_switches(),
		  count_pci("0x8086", "0x0d93", "0x050210"));
}

TEST_HARNESS_MAIN
