// SPDX-License-Identifier: GPL-2.0
/*
 * fwctl: list fwctl devices and talk to CXL devices through them.
 *
 * JSON on stdout by default (json-c), a human listing with -H. Exit codes:
 * 0 success, 1 usage, 2 system or device failure, 3 refused by the kernel,
 * 4 the device answered with a non-zero return code.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fwctl/cxl.h>
#include <fwctl/fwctl.h>

enum { EXIT_USAGE = 1, EXIT_SYSTEM = 2, EXIT_REFUSED = 3, EXIT_DEVICE = 4 };

#ifndef FWCTL_TOOL_VERSION
#define FWCTL_TOOL_VERSION "1.1"
#endif

#define PAYLOAD_MAX 2048
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define JSON_OUT (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)

static bool human;

static const char *const scope_names[] = {
	"configuration", "debug-read-only", "debug-write", "debug-write-full",
};

static const char *scope_name(uint32_t s)
{
	return s < 4 ? scope_names[s] : "invalid";
}

static int parse_scope(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, scope_names[i]))
			return i;
	return -1;
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *jint(int v)
{
	return json_object_new_int(v);
}

static void emit(struct json_object *o)
{
	const char *text;

	if (!human) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_OUT));
		json_object_put(o);
		return;
	}
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_array) ||
		    json_object_is_type(val, json_type_object))
			text = json_object_to_json_string_ext(val,
							      JSON_C_TO_STRING_SPACED);
		else
			text = json_object_get_string(val);
		printf("%-22s %s\n", key, text);
	}
	json_object_put(o);
}

static struct json_object *hex(uint64_t v, int width)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*llx", width, (unsigned long long)v);
	return jstr(buf);
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_CXL:
		return "cxl";
	case FWCTL_DEVICE_TYPE_MLX5:
		return "mlx5";
	case FWCTL_DEVICE_TYPE_PDS:
		return "pds";
	default:
		return "other";
	}
}

/* A member of a JSON object as a string or an int; "-" or -1 if absent. */
static const char *jget_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ?
	       json_object_get_string(v) : "-";
}

static int jget_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : -1;
}

static int open_dev(const char *name)
{
	char path[128];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/dev/fwctl/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		fprintf(stderr, "fwctl: %s: %s\n", path, strerror(errno));
	return fd;
}

static int get_info(int fd, uint32_t flags, void *data, uint32_t *len,
		    uint32_t *type)
{
	struct fwctl_info info = {
		.size = sizeof(info),
		.flags = flags,
		.device_data_len = *len,
		.out_device_data = (uintptr_t)data,
	};

	if (ioctl(fd, FWCTL_INFO, &info))
		return -errno;
	*len = info.device_data_len;
	if (type)
		*type = info.out_device_type;
	return 0;
}

/*
 * One FWCTL_CXL_QUERY_COMMANDS request at CONFIGURATION, which never
 * taints, into room bytes at out; returns the length the reply needs, or
 * 0 when the device cannot tell.
 */
static uint32_t query_commands(int fd, void *out, uint32_t room)
{
	struct fwctl_rpc_cxl_hdr req = { .opcode = FWCTL_CXL_QUERY_COMMANDS };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_CONFIGURATION,
		.in_len = sizeof(req),
		.out_len = room,
		.in = (uintptr_t)&req,
		.out = (uintptr_t)out,
	};

	if (ioctl(fd, FWCTL_RPC, &rpc))
		return 0;
	return rpc.out_len;
}

/* The command table of the device, or NULL when it cannot tell. */
static struct fwctl_cxl_command *get_commands(int fd, unsigned int *n)
{
	struct fwctl_rpc_cxl_out_hdr first, *hdr;
	uint32_t len;

	len = query_commands(fd, &first, sizeof(first));
	if (len < sizeof(first))
		return NULL;
	hdr = calloc(1, len);
	if (!hdr || query_commands(fd, hdr, len) != len ||
	    hdr->size > len - sizeof(*hdr)) {
		free(hdr);
		return NULL;
	}
	*n = hdr->size / sizeof(struct fwctl_cxl_command);
	/* The entries follow the header: move them to the start. */
	memmove(hdr, hdr + 1, hdr->size);
	return (struct fwctl_cxl_command *)hdr;
}

static bool locked_down(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return buf[0] && !strstr(buf, "[none]");
}

/* Why the kernel refused opcode at scope, from the errno and the table. */
static int explain(int fd, int err, uint16_t opcode, uint32_t scope)
{
	struct fwctl_cxl_command *cmds;
	unsigned int n = 0, i;
	const char *why = NULL;
	char buf[160];

	cmds = get_commands(fd, &n);
	for (i = 0; cmds && i < n; i++)
		if (cmds[i].opcode == opcode)
			break;
	switch (err) {
	case EPERM:
		if (scope == FWCTL_RPC_DEBUG_WRITE_FULL && locked_down()) {
			why = "the kernel is locked down";
		} else if (cmds && i < n && cmds[i].scope > scope) {
			snprintf(buf, sizeof(buf), "scope too low, it needs %s",
				 scope_name(cmds[i].scope));
			why = buf;
		} else {
			why = "scope too low, or debug-write-full without CAP_SYS_RAWIO";
		}
		break;
	case EOPNOTSUPP:
		if (cmds && i == n)
			why = "not in the device's Command Effects Log";
		else
			why = "never allowed through fwctl by its effects or a device quirk";
		break;
	case EBUSY:
		why = "the kernel owns this command on this device";
		break;
	case EINVAL:
		why = "malformed request";
		break;
	case ENODEV:
		why = "the device was removed";
		break;
	}
	free(cmds);
	if (!why) {
		fprintf(stderr, "fwctl: command %#06x: %s\n", opcode, strerror(err));
		return EXIT_SYSTEM;
	}
	fprintf(stderr, "fwctl: command %#06x refused: %s (%s)\n", opcode, why,
		strerror(err));
	return err == ENODEV ? EXIT_SYSTEM : EXIT_REFUSED;
}

/* CXL r3.2 Table 8-34, the mailbox return codes. */
static const char *const rc_names[] = {
	"success", "background command started", "invalid input",
	"unsupported", "internal error", "retry required", "busy",
	"media disabled", "FW transfer in progress", "FW transfer out of order",
	"FW verification failed", "invalid slot",
	"activation failed, FW rolled back",
	"activation failed, cold reset required", "invalid handle",
	"invalid physical address", "inject poison limit reached",
	"permanent media failure", "aborted", "invalid security state",
	"incorrect passphrase", "unsupported mailbox or CCI",
	"invalid payload length", "invalid log", "interrupted",
	"unsupported feature version", "unsupported feature selection value",
	"feature transfer in progress", "feature transfer out of order",
	"resources exhausted", "invalid extent list", "transfer out of order",
	"request abort not supported",
};

static const char *rc_name(uint32_t rc)
{
	return rc < ARRAY_SIZE(rc_names) ? rc_names[rc] : "unknown";
}

struct reply {
	struct fwctl_rpc_cxl_out_hdr hdr;
	uint8_t payload[PAYLOAD_MAX];
};

/*
 * One CXL mailbox command, its reply (a struct fwctl_rpc_cxl_out_hdr and
 * the payload) in out_len bytes at out; returns 0 or an exit code, with
 * the message printed.
 */
static int cxl_rpc(int fd, uint32_t scope, uint16_t opcode, const void *in,
		   size_t len, void *out, size_t out_len)
{
	struct fwctl_rpc_cxl_out_hdr *hdr = out;
	struct fwctl_rpc_cxl_hdr *req = calloc(1, sizeof(*req) + len);
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = sizeof(*req) + len,
		.out_len = out_len,
		.in = (uintptr_t)req,
		.out = (uintptr_t)out,
	};
	int ret;

	if (!req)
		return EXIT_SYSTEM;
	req->opcode = opcode;
	req->op_size = len;
	if (len)
		memcpy(req + 1, in, len);
	ret = ioctl(fd, FWCTL_RPC, &rpc) ? errno : 0;
	free(req);
	if (ret)
		return explain(fd, ret, opcode, scope);
	if (hdr->retval) {
		fprintf(stderr, "fwctl: command %#06x: device return code %#x (%s)\n",
			opcode, hdr->retval, rc_name(hdr->retval));
		return EXIT_DEVICE;
	}
	return 0;
}

/* The same into a struct reply, for the decoders' fixed-size commands. */
static int cxl_cmd(int fd, uint32_t scope, uint16_t opcode, const void *in,
		   size_t len, struct reply *r)
{
	return cxl_rpc(fd, scope, opcode, in, len, r, sizeof(*r));
}

/* --- decoders ------------------------------------------------------- */

static struct json_object *decode_identify(const uint8_t *p)
{
	static const char *const types[] = { "switch", "type1", "type2",
					     "type3" };
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "vendor_id", hex(le16(p), 4));
	json_object_object_add(o, "device_id", hex(le16(p + 2), 4));
	json_object_object_add(o, "subsystem_vendor_id", hex(le16(p + 4), 4));
	json_object_object_add(o, "subsystem_id", hex(le16(p + 6), 4));
	json_object_object_add(o, "serial", hex(le64(p + 8), 16));
	json_object_object_add(o, "max_message_size",
			       jint(1 << p[0x10]));
	json_object_object_add(o, "component_type",
			       jstr(p[0x11] < 4 ?
						      types[p[0x11]] : "unknown"));
	return o;
}

static const char *const effect_names[] = {
	"config-change-cold-reset", "config-change-immediate",
	"data-change-immediate", "policy-change-immediate",
	"log-change-immediate", "security-state-change", "background",
	"secondary-mailbox", "abort-supported", "reset-bits-valid",
	"config-change-conventional-reset", "config-change-cxl-reset",
};

static struct json_object *decode_effects(uint16_t e)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (e & (1u << i))
			json_object_array_add(a, jstr(i < 12 ? effect_names[i] :
						      "reserved"));
	return a;
}

/* --- subcommands ------------------------------------------------------ */

static int print_usage(const char *cmd, FILE *to);

static int cmd_list(void)
{
	struct json_object *arr = json_object_new_array();
	struct dirent *de;
	DIR *dir = opendir("/sys/class/fwctl");

	while (dir && (de = readdir(dir))) {
		struct json_object *o, *sc;
		struct fwctl_cxl_command *cmds;
		char path[300], link[300];
		unsigned int n = 0, i, count[4] = {}, refused = 0;
		uint32_t type = 0, len = 0;
		ssize_t l;
		int fd;

		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", jstr(de->d_name));
		snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device", de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = 0;
		json_object_object_add(o, "parent", l > 0 ?
				       jstr(basename(link)) : NULL);
		snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device/driver",
			 de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = 0;
		json_object_object_add(o, "driver", l > 0 ?
				       jstr(basename(link)) : NULL);
		fd = open_dev(de->d_name);
		if (fd >= 0 && !get_info(fd, 0, NULL, &len, &type)) {
			json_object_object_add(o, "type", jstr(type_name(type)));
			/* A request of the CXL format only to a CXL device. */
			cmds = type == FWCTL_DEVICE_TYPE_CXL ?
			       get_commands(fd, &n) : NULL;
			if (cmds) {
				sc = json_object_new_object();
				for (i = 0; i < n; i++) {
					if (cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED)
						refused++;
					else if (cmds[i].scope < 4)
						count[cmds[i].scope]++;
				}
				for (i = 0; i < 4; i++)
					json_object_object_add(sc, scope_names[i],
							       jint(count[i]));
				json_object_object_add(sc, "refused",
						       jint(refused));
				json_object_object_add(o, "commands", sc);
				free(cmds);
			}
		}
		if (fd >= 0)
			close(fd);
		json_object_array_add(arr, o);
	}
	if (dir)
		closedir(dir);
	if (human) {
		size_t i;

		printf("%-8s %-5s %-14s %-16s %s\n", "DEVICE", "TYPE", "PARENT",
		       "DRIVER", "COMMANDS cfg/ro/w/wfull/refused");
		for (i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *o = json_object_array_get_idx(arr, i);
			struct json_object *c;
			char cnt[64] = "-";

			if (json_object_object_get_ex(o, "commands", &c))
				snprintf(cnt, sizeof(cnt), "%d/%d/%d/%d/%d",
					 jget_int(c, scope_names[0]),
					 jget_int(c, scope_names[1]),
					 jget_int(c, scope_names[2]),
					 jget_int(c, scope_names[3]),
					 jget_int(c, "refused"));
			printf("%-8s %-5s %-14s %-16s %s\n", jget_str(o, "name"),
			       jget_str(o, "type"), jget_str(o, "parent"),
			       jget_str(o, "driver"), cnt);
		}
		json_object_put(arr);
		return 0;
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

static int cmd_info(int fd)
{
	struct json_object *o = json_object_new_object();
	uint8_t data[256] = {};
	uint32_t len = sizeof(data), type = 0;

	if (get_info(fd, 0, data, &len, &type)) {
		fprintf(stderr, "fwctl: FWCTL_INFO: %s\n", strerror(errno));
		json_object_put(o);
		return EXIT_SYSTEM;
	}
	json_object_object_add(o, "device_type", jint(type));
	json_object_object_add(o, "device_data_len", jint(len));
	if (type == FWCTL_DEVICE_TYPE_CXL && len >= sizeof(struct fwctl_info_cxl)) {
		struct fwctl_info_cxl *c = (void *)data;

		const char *comp = c->component == FWCTL_CXL_SWITCH_CCI ?
				   "switch-cci" : c->component == FWCTL_CXL_MEMDEV ?
				   "memdev" : "unknown";

		json_object_object_add(o, "component", jstr(comp));
		json_object_object_add(o, "payload_size",
				       jint(c->payload_size));
		json_object_object_add(o, "cel_entries",
				       jint(c->cel_entries));
		json_object_object_add(o, "vendor_id", hex(c->vendor_id, 4));
		json_object_object_add(o, "device_id", hex(c->device_id, 4));
		json_object_object_add(o, "serial", hex(c->serial, 16));
	}
	emit(o);
	return 0;
}

/* The CXL component behind fd: FWCTL_CXL_SWITCH_CCI, _MEMDEV, or 0. */
static uint32_t cxl_component(int fd)
{
	uint8_t data[256] = {};
	uint32_t len = sizeof(data), type = 0;

	if (get_info(fd, 0, data, &len, &type) || type != FWCTL_DEVICE_TYPE_CXL ||
	    len < sizeof(struct fwctl_info_cxl))
		return 0;
	return ((struct fwctl_info_cxl *)data)->component;
}

/* Identify Memory Device (4000h): firmware, capacities, label area. */
static int identify_memdev(int fd)
{
	const uint64_t unit = 256ULL << 20;
	struct json_object *o;
	char fw[17] = {};
	struct reply r;
	int ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x4000, NULL, 0, &r);

	if (ret)
		return ret;
	if (r.hdr.size < 0x43) {
		fprintf(stderr, "fwctl: Identify Memory Device: short reply\n");
		return EXIT_DEVICE;
	}
	memcpy(fw, r.payload, 16);
	o = json_object_new_object();
	json_object_object_add(o, "firmware_revision", jstr(fw));
	json_object_object_add(o, "total_capacity",
			       json_object_new_int64(le64(r.payload + 0x10) * unit));
	json_object_object_add(o, "volatile_only_capacity",
			       json_object_new_int64(le64(r.payload + 0x18) * unit));
	json_object_object_add(o, "persistent_only_capacity",
			       json_object_new_int64(le64(r.payload + 0x20) * unit));
	json_object_object_add(o, "partition_alignment",
			       json_object_new_int64(le64(r.payload + 0x28) * unit));
	json_object_object_add(o, "label_storage_size",
			       json_object_new_int64(le32(r.payload + 0x38)));
	json_object_object_add(o, "poison_list_max",
			       jint(le32(r.payload + 0x3c) & 0xffffff));
	emit(o);
	return 0;
}

static int cmd_identify(int fd)
{
	struct reply r;
	int ret;

	/* Memory devices answer Identify Memory Device, not Identify. */
	if (cxl_component(fd) == FWCTL_CXL_MEMDEV)
		return identify_memdev(fd);
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0001, NULL, 0, &r);
	if (ret)
		return ret;
	if (r.hdr.size < 0x12) {
		fprintf(stderr, "fwctl: Identify: short reply\n");
		return EXIT_DEVICE;
	}
	emit(decode_identify(r.payload));
	return 0;
}

static const uint8_t cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

static void uuid_str(const uint8_t *u, char *buf)
{
	sprintf(buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Get Supported Logs; the CEL's size in *cel_size (0 when none). */
static int read_logs(int fd, struct json_object **arr, uint32_t *cel_size)
{
	struct reply r;
	unsigned int i, n;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0400, NULL, 0, &r);
	if (ret)
		return ret;
	n = le16(r.payload);
	*cel_size = 0;
	if (arr)
		*arr = json_object_new_array();
	for (i = 0; i < n && 8 + (i + 1) * 0x14 <= r.hdr.size; i++) {
		const uint8_t *e = r.payload + 8 + i * 0x14;
		char u[40];

		if (!memcmp(e, cel_uuid, 16))
			*cel_size = le32(e + 16);
		if (!arr)
			continue;
		struct json_object *o = json_object_new_object();
		bool cel = !memcmp(e, cel_uuid, 16);

		uuid_str(e, u);
		json_object_object_add(o, "uuid", jstr(u));
		json_object_object_add(o, "name",
				       jstr(cel ? "command-effects-log" : "other"));
		json_object_object_add(o, "size", jint(le32(e + 16)));
		json_object_array_add(*arr, o);
	}
	return 0;
}

static int cmd_logs(int fd)
{
	struct json_object *arr, *o;
	uint32_t cel;
	int ret = read_logs(fd, &arr, &cel);

	if (ret)
		return ret;
	o = json_object_new_object();
	json_object_object_add(o, "logs", arr);
	emit(o);
	return 0;
}

static int cmd_cel(int fd)
{
	struct fwctl_cxl_command *cmds;
	struct json_object *arr, *o;
	uint8_t in[0x18];
	struct reply r;
	uint32_t size, i, j;
	unsigned int n = 0;
	bool lockdown;
	int ret;

	ret = read_logs(fd, NULL, &size);
	if (ret)
		return ret;
	memcpy(in, cel_uuid, 16);
	memset(in + 16, 0, 4);
	memcpy(in + 20, &size, 4);
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0401, in, sizeof(in), &r);
	if (ret)
		return ret;
	cmds = get_commands(fd, &n);
	lockdown = locked_down();
	arr = json_object_new_array();
	for (i = 0; i + 4 <= r.hdr.size; i += 4) {
		uint16_t op = le16(r.payload + i), eff = le16(r.payload + i + 2);

		o = json_object_new_object();
		json_object_object_add(o, "opcode", hex(op, 4));
		json_object_object_add(o, "effects", hex(eff, 4));
		json_object_object_add(o, "effects_decoded", decode_effects(eff));
		for (j = 0; cmds && j < n; j++) {
			if (cmds[j].opcode != op)
				continue;
			json_object_object_add(o, "scope",
					       jstr(cmds[j].flags & FWCTL_CXL_COMMAND_REFUSED ?
						    "refused" : scope_name(cmds[j].scope)));
			if (cmds[j].flags & FWCTL_CXL_COMMAND_KERNEL_OWNED)
				json_object_object_add(o, "kernel_owned",
						       json_object_new_boolean(1));
			if (!(cmds[j].flags & FWCTL_CXL_COMMAND_REFUSED) &&
			    cmds[j].scope == FWCTL_RPC_DEBUG_WRITE_FULL &&
			    lockdown)
				json_object_object_add(o, "lockdown",
						       json_object_new_boolean(1));
		}
		json_object_array_add(arr, o);
	}
	free(cmds);
	o = json_object_new_object();
	json_object_object_add(o, "entries", arr);
	emit(o);
	return 0;
}

static const char *port_state(uint8_t s)
{
	static const char *const n[] = { "disabled", "bind-in-progress",
		"unbind-in-progress", "downstream", "upstream", "fabric" };

	return (s & 0xf) < 6 ? n[s & 0xf] : "invalid";
}

static const char *port_device(uint8_t t)
{
	static const char *const n[] = { "none", "pcie", "type1", "type2",
		"type3-sld", "type3-mld" };

	return t < 6 ? n[t] : "reserved";
}

static int cmd_switch(int fd)
{
	struct json_object *o, *ports, *p;
	uint8_t in[258];
	struct reply r, s;
	unsigned int i, n = 0;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5100, NULL, 0, &r);
	if (ret)
		return ret;
	o = json_object_new_object();
	json_object_object_add(o, "ingress_port", jint(r.payload[0]));
	json_object_object_add(o, "num_physical_ports",
			       jint(r.payload[2]));
	json_object_object_add(o, "num_vcs", jint(r.payload[3]));
	for (i = 0; i < 256; i++)
		if (r.payload[4 + i / 8] & (1 << (i % 8)))
			in[1 + n++] = i;
	in[0] = n;
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5101, in, 1 + n, &s);
	if (ret) {
		json_object_put(o);
		return ret;
	}
	ports = json_object_new_array();
	for (i = 0; i < s.payload[0] && 4 + (i + 1) * 16 <= s.hdr.size; i++) {
		const uint8_t *b = s.payload + 4 + i * 16;

		p = json_object_new_object();
		json_object_object_add(p, "port", jint(b[0]));
		json_object_object_add(p, "state", jstr(port_state(b[1])));
		json_object_object_add(p, "connected_device",
				       jstr(port_device(b[4])));
		json_object_object_add(p, "link_width", jint(b[7]));
		json_object_object_add(p, "max_link_width", jint(b[6]));
		json_object_object_add(p, "ltssm", jint(b[11]));
		json_object_object_add(p, "ld_count", jint(b[15]));
		json_object_array_add(ports, p);
	}
	json_object_object_add(o, "ports", ports);
	emit(o);
	return 0;
}

/* DEV PORT identify, PORT 0-255. */
static bool tunnel_args_ok(int argc, char **argv)
{
	char *end;
	long port;

	if (argc != 3 || strcmp(argv[2], "identify"))
		return false;
	errno = 0;
	port = strtol(argv[1], &end, 0);
	return !errno && end != argv[1] && !*end && port >= 0 && port <= 255;
}

static int cmd_tunnel(int fd, int argc, char **argv)
{
	uint8_t req[16] = {};
	struct reply r;
	long port;
	int ret;

	port = strtol(argv[1], NULL, 0);
	/*
	 * port, target type 0, size 12, then a 12-byte CCI request header
	 * for Identify (command 01h of set 00h) with no payload
	 */
	req[0] = port;
	req[2] = 12;
	req[4 + 3] = 0x01;
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5300, req, sizeof(req), &r);
	if (ret)
		return ret;
	if (r.hdr.size < 4 + 12 + 0x12 || le16(r.payload + 4 + 8)) {
		fprintf(stderr, "fwctl: tunnelled Identify: return code %#x\n",
			r.hdr.size >= 16 ? le16(r.payload + 4 + 8) : 0xffff);
		return EXIT_DEVICE;
	}
	emit(decode_identify(r.payload + 16));
	return 0;
}

static int cmd_features(int fd)
{
	uint8_t in[8] = { 0x00, 0x08 };	/* up to 2048 bytes, from index 0 */
	struct json_object *o, *arr;
	struct reply r;
	unsigned int i, n;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0500, in, sizeof(in), &r);
	if (ret)
		return ret;
	n = le16(r.payload);
	arr = json_object_new_array();
	for (i = 0; i < n && 8 + (i + 1) * 0x30 <= r.hdr.size; i++) {
		const uint8_t *e = r.payload + 8 + i * 0x30;
		char u[40];

		uuid_str(e, u);
		o = json_object_new_object();
		json_object_object_add(o, "uuid", jstr(u));
		json_object_object_add(o, "get_size", jint(le16(e + 0x12)));
		json_object_object_add(o, "set_size", jint(le16(e + 0x14)));
		json_object_object_add(o, "changeable",
				       json_object_new_boolean(le32(e + 0x16) & 1));
		json_object_object_add(o, "set_effects", hex(le16(e + 0x1c), 4));
		json_object_array_add(arr, o);
	}
	o = json_object_new_object();
	json_object_object_add(o, "features", arr);
	emit(o);
	return 0;
}

/* 0 to 0xffff, decimal, octal or hex as strtol() reads them, nothing more. */
static int parse_opcode(const char *s, long *opcode)
{
	char *end;

	errno = 0;
	*opcode = strtol(s, &end, 0);
	return errno || end == s || *end || *opcode < 0 || *opcode > 0xffff ?
	       -1 : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * --hex: the bytes in order, two digits each ("0102ab"), optionally
 * separated by spaces, colons or dashes ("01:02:ab"). A 0x prefix is
 * refused: "0x0102" reads as a number, whose bytes would be 02 01.
 */
static int parse_hex(const char *s, uint8_t **buf, size_t *len)
{
	uint8_t *b = malloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1, d;

	if (!b)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		fprintf(stderr,
			"fwctl: --hex takes bytes, not a number: write %s, not %s\n",
			s + 2, s);
		goto bad;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == ':' || *s == '-') {
			if (hi >= 0)
				break;
			continue;
		}
		d = hexval(*s);
		if (d < 0) {
			fprintf(stderr, "fwctl: --hex: '%c' is not a hex digit\n", *s);
			goto bad;
		}
		if (hi < 0) {
			hi = d;
		} else {
			b[n++] = hi << 4 | d;
			hi = -1;
		}
	}
	if (hi >= 0) {
		fprintf(stderr, "fwctl: --hex: every byte takes two hex digits\n");
		goto bad;
	}
	*buf = b;
	*len = n;
	return 0;
bad:
	free(b);
	return -1;
}

/* A whole file; what it holds is checked against the device afterwards. */
static int read_whole(const char *path, uint8_t **buf, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	uint8_t *b = malloc(cap), *nb;
	FILE *f = fopen(path, "rb");

	if (!f || !b) {
		fprintf(stderr, "fwctl: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		/* Past any mailbox's payload (1 MiB): no need to read on. */
		if (cap > (1 << 20))
			break;
		nb = realloc(b, cap * 2);
		if (!nb)
			goto fail;
		b = nb;
		cap *= 2;
	}
	if (ferror(f)) {
		fprintf(stderr, "fwctl: %s: read error\n", path);
		goto fail;
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
fail:
	if (f)
		fclose(f);
	free(b);
	return -1;
}

/* The mailbox's payload size from FWCTL_INFO, or PAYLOAD_MAX. */
static size_t payload_size(int fd)
{
	uint8_t data[256] = {};
	uint32_t len = sizeof(data), type = 0;

	if (get_info(fd, 0, data, &len, &type) || type != FWCTL_DEVICE_TYPE_CXL ||
	    len < sizeof(struct fwctl_info_cxl) ||
	    !((struct fwctl_info_cxl *)data)->payload_size)
		return PAYLOAD_MAX;
	return ((struct fwctl_info_cxl *)data)->payload_size;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "fwctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return print_usage(cmd, stderr);
}

/*
 * The scope rpc asks for without --scope: the one the kernel says the
 * command needs, if that is a read-only one, so read-only traffic never
 * taints. A command that needs a write scope is not sent: running it
 * taints the kernel, which only an explicit --scope may do. A command the
 * kernel refuses, or one it does not list, is asked for at CONFIGURATION
 * and the refusal explained. Returns the scope, or -1 having said why not.
 */
static int default_scope(int fd, uint16_t opcode)
{
	struct fwctl_cxl_command *cmds;
	unsigned int n = 0, i;
	int scope = FWCTL_RPC_CONFIGURATION;

	cmds = get_commands(fd, &n);
	for (i = 0; cmds && i < n; i++) {
		if (cmds[i].opcode != opcode ||
		    (cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED))
			continue;
		scope = cmds[i].scope;
		if (scope >= FWCTL_RPC_DEBUG_WRITE) {
			fprintf(stderr,
				"fwctl: opcode 0x%04x needs %s, which taints the kernel: pass --scope %s to run it\n",
				opcode, scope_name(scope), scope_name(scope));
			scope = -1;
		}
		break;
	}
	free(cmds);
	return scope;
}

static int cmd_rpc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "opcode", required_argument, NULL, 'o' },
		{ "scope", required_argument, NULL, 's' },
		{ "hex", required_argument, NULL, 'x' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'O' },
		{}
	};
	const char *hexarg = NULL, *inpath = NULL, *outpath = NULL;
	struct fwctl_rpc_cxl_out_hdr *hdr;
	struct json_object *o;
	uint8_t *in = NULL, *reply = NULL;
	size_t len = 0, room, shown, i;
	long opcode = -1;
	int scope = -1, c, fd, ret;
	char *text;
	FILE *f;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:s:x:i:O:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_opcode(optarg, &opcode))
				return usage_error("rpc",
						   "invalid opcode '%s': 0 to 0xffff",
						   optarg);
			break;
		case 's':
			scope = parse_scope(optarg);
			if (scope < 0)
				return usage_error("rpc", "unknown scope '%s'", optarg);
			break;
		case 'x':
		case 'i':
			if (hexarg || inpath)
				return usage_error("rpc",
						   "%sgive the request once: --hex or --in",
						   "");
			if (c == 'x')
				hexarg = optarg;
			else
				inpath = optarg;
			break;
		case 'O':
			outpath = optarg;
			break;
		default:
			return usage_error("rpc", "unknown or incomplete option '%s'",
					   argv[optind - 1]);
		}
	}
	if (opcode < 0)
		return usage_error("rpc", "%s--opcode is required", "");
	if (optind != argc - 1)
		return usage_error("rpc", "%sone device expected", "");
	if (hexarg && parse_hex(hexarg, &in, &len))
		return print_usage("rpc", stderr);
	if (inpath && read_whole(inpath, &in, &len))
		return EXIT_SYSTEM;

	fd = open_dev(argv[optind]);
	if (fd < 0) {
		free(in);
		return EXIT_SYSTEM;
	}
	if (scope < 0) {
		scope = default_scope(fd, opcode);
		if (scope < 0) {
			ret = EXIT_REFUSED;
			goto out;
		}
	}
	/* Sized from the device: nothing is cut to fit a buffer of ours. */
	room = payload_size(fd);
	if (len > room) {
		fprintf(stderr, "fwctl: the request is %zu bytes, the mailbox takes at most %zu\n",
			len, room);
		ret = EXIT_USAGE;
		goto out;
	}
	reply = calloc(1, sizeof(*hdr) + room);
	if (!reply) {
		ret = EXIT_SYSTEM;
		goto out;
	}
	hdr = (void *)reply;
	ret = cxl_rpc(fd, scope, opcode, in, len, reply, sizeof(*hdr) + room);
	if (ret && ret != EXIT_DEVICE)
		goto out;
	shown = hdr->size < room ? hdr->size : room;
	if (outpath) {
		f = fopen(outpath, "wb");
		if (!f || fwrite(reply + sizeof(*hdr), 1, shown, f) != shown ||
		    fclose(f)) {
			fprintf(stderr, "fwctl: %s: %s\n", outpath, strerror(errno));
			ret = EXIT_SYSTEM;
			goto out;
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "opcode", hex(opcode, 4));
	json_object_object_add(o, "scope", jstr(scope_name(scope)));
	json_object_object_add(o, "retval", jint(hdr->retval));
	json_object_object_add(o, "status", jstr(rc_name(hdr->retval)));
	json_object_object_add(o, "size", jint(hdr->size));
	if (outpath) {
		json_object_object_add(o, "out", jstr(outpath));
	} else {
		text = malloc(2 * shown + 1);
		if (!text) {
			json_object_put(o);
			ret = EXIT_SYSTEM;
			goto out;
		}
		for (i = 0; i < shown; i++)
			sprintf(text + 2 * i, "%02x", reply[sizeof(*hdr) + i]);
		text[2 * i] = 0;
		json_object_object_add(o, "payload", jstr(text));
		free(text);
	}
	if (shown < hdr->size)
		json_object_object_add(o, "truncated", json_object_new_boolean(1));
	emit(o);
out:
	close(fd);
	free(in);
	free(reply);
	return ret;
}

/* The verbs that take just a device. */
static int (*const dev_cmds[])(int fd) = {
	cmd_info, cmd_identify, cmd_logs, cmd_cel, cmd_switch, cmd_features,
};

static const struct {
	const char *name;
	const char *args;
	const char *help;
	int dev_cmd;	/* index in dev_cmds, or -1 */
} commands[] = {
	{ "list", "", "list fwctl devices, their parents, drivers and commands per scope", -1 },
	{ "info", "DEV", "FWCTL_INFO of a device, decoded for CXL", 0 },
	{ "identify", "DEV", "CXL Identify (Identify Memory Device on a memdev)", 1 },
	{ "logs", "DEV", "CXL Get Supported Logs", 2 },
	{ "cel", "DEV", "the Command Effects Log: effects and the scope each command needs", 3 },
	{ "switch", "DEV", "CXL switch identity and port states", 4 },
	{ "tunnel", "DEV PORT identify", "Identify the component behind a switch port", -1 },
	{ "features", "DEV", "CXL Get Supported Features (memory devices)", 5 },
	{ "rpc", "DEV --opcode N [--scope S] [--hex BYTES | --in FILE] [--out FILE]",
	  "any CXL mailbox command at a scope: configuration,\n"
	  "                                   debug-read-only, debug-write or debug-write-full;\n"
	  "                                   by default the read-only scope the kernel says it\n"
	  "                                   needs (a write scope must be given);\n"
	  "                                   --hex 0102ab or 01:02:ab; --out FILE: the reply's\n"
	  "                                   payload into FILE", -1 },
};

static int print_usage(const char *cmd, FILE *to)
{
	unsigned int i;

	fprintf(to, "usage: fwctl [-H|--human] [-h|--help] [-V|--version] COMMAND [ARGS]\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!cmd || !strcmp(cmd, commands[i].name))
			fprintf(to, "  %-9s %-22s %s\n", commands[i].name,
				commands[i].args, commands[i].help);
	fprintf(to, "DEV is fwctlN or a path; -H, -h and -V go anywhere, a command's\n"
		"own options anywhere after it\n"
		"exit codes: 0 ok, 1 usage, 2 failure, 3 refused by the kernel,\n"
		"            4 device error\n");
	return EXIT_USAGE;
}

/* Whatever a verb printed must have reached stdout. */
static int finish(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "fwctl: writing the output: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	return ret;
}

int main(int argc, char **argv)
{
	char **args = calloc(argc + 1, sizeof(*args));
	bool help = false;
	int i, n = 0, fd, ret;
	unsigned int v;

	if (!args)
		return EXIT_SYSTEM;
	/* Global options anywhere; the verb's own are left to it. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-H") || !strcmp(argv[i], "--human")) {
			human = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
			   (!n && !strcmp(argv[i], "help"))) {
			help = true;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("fwctl %s\n", FWCTL_TOOL_VERSION);
			return finish(0);
		} else if (n || argv[i][0] != '-') {
			args[n++] = argv[i];
		} else {
			return usage_error(NULL, "unknown option '%s'", argv[i]);
		}
	}
	if (!n) {
		if (!help)
			return print_usage(NULL, stderr);
		print_usage(NULL, stdout);
		return finish(0);
	}
	/* The verb is known, and its arguments make sense, before any open. */
	for (v = 0; v < ARRAY_SIZE(commands); v++)
		if (!strcmp(args[0], commands[v].name))
			break;
	if (v == ARRAY_SIZE(commands))
		return usage_error(NULL, "unknown command '%s'", args[0]);
	if (help) {
		print_usage(commands[v].name, stdout);
		return finish(0);
	}
	if (!strcmp(args[0], "rpc"))
		return finish(cmd_rpc(n, args));
	for (i = 1; i < n; i++)
		if (args[i][0] == '-')
			return usage_error(args[0], "unknown option '%s'", args[i]);
	if (!strcmp(args[0], "list"))
		return n == 1 ? finish(cmd_list()) : print_usage("list", stderr);
	if (!strcmp(args[0], "tunnel") && !tunnel_args_ok(n - 1, args + 1))
		return print_usage("tunnel", stderr);
	if (commands[v].dev_cmd >= 0 && n != 2)
		return print_usage(args[0], stderr);
	fd = open_dev(args[1]);
	if (fd < 0)
		return EXIT_SYSTEM;
	if (commands[v].dev_cmd >= 0)
		ret = dev_cmds[commands[v].dev_cmd](fd);
	else
		ret = cmd_tunnel(fd, n - 1, args + 1);
	close(fd);
	return finish(ret);
}
