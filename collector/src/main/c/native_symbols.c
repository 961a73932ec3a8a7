// SPDX-License-Identifier: Apache-2.0
/*
 * JNI shim over elfutils' libdwfl for dev.funnel.collector.profile.NativeSymbols: names the
 * instruction pointers of a live process's stack from the ELF symbol tables (.symtab, else
 * .dynsym) of the files it has mapped. A separate library from libfunnelbpf.so so that the
 * collector still runs where libdw is missing (stacks then stay unsymbolized, and say why).
 *
 * One handle per process, kept by the Java side across intervals: libdwfl reads
 * /proc/PID/maps and opens each mapped file once, through /proc/PID/root so that a process in
 * a container is read from its own root. Separate debug info is never looked up: no network
 * (debuginfod) and no disk walk on the collector's hot path.
 *
 * Threading: a handle is used by one Java thread at a time (the profiler thread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>
#include <elfutils/libdwfl.h>

#define EXPORT __attribute__((visibility("default")))

struct proc_syms {
	Dwfl *dwfl;
	int pid;
	int rereported; /* a dlopen'ed module was looked for at least once */
};

/* The process whose modules libdwfl is reading on this thread: find_elf has no other way to
 * know it (libdwfl opens files lazily, during report and during lookups). */
static __thread int current_pid;

/* Opens a mapped file through the process's root (its mount namespace's view of the path);
 * anything else ([vdso], a deleted file) the way libdwfl does by default. */
static int find_elf_in_root(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr base,
			    char **file_name, Elf **elfp)
{
	char path[4096];
	struct stat sb;
	int fd;

	if (name[0] == '/' && current_pid > 0
	    && snprintf(path, sizeof(path), "/proc/%d/root%s", current_pid, name) < (int)sizeof(path)
	    && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		*file_name = strdup(path);
		return fd;
	}
	return dwfl_linux_proc_find_elf(mod, userdata, name, base, file_name, elfp);
}

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	return -1;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf_in_root,
	.find_debuginfo = no_debuginfo,
};

static void throw_state(JNIEnv *env, const char *what, int pid, const char *why)
{
	char msg[512];
	jclass cls = (*env)->FindClass(env, "java/lang/IllegalStateException");

	snprintf(msg, sizeof(msg), "%s of process %d: %s", what, pid, why);
	if (cls)
		(*env)->ThrowNew(env, cls, msg);
}

static int report(struct proc_syms *p)
{
	int err;

	current_pid = p->pid;
	dwfl_report_begin_add(p->dwfl);
	err = dwfl_linux_proc_report(p->dwfl, p->pid);
	dwfl_report_end(p->dwfl, NULL, NULL);
	return err;
}

static jlong JNICALL ns_open(JNIEnv *env, jclass cls, jint pid)
{
	struct proc_syms *p = calloc(1, sizeof(*p));
	int err;

	if (!p || !(p->dwfl = dwfl_begin(&callbacks))) {
		throw_state(env, "symbols", pid, p ? dwfl_errmsg(-1) : "out of memory");
		free(p);
		return 0;
	}
	p->pid = pid;
	if ((err = report(p)) != 0) {
		throw_state(env, "memory map", pid, err > 0 ? strerror(err) : dwfl_errmsg(-1));
		dwfl_end(p->dwfl);
		free(p);
		return 0;
	}
	return (jlong)(intptr_t)p;
}

/* How far addr is into the function whose unwind entry covers it; -1 when none does. */
static jlong function_offset(Dwfl_Module *mod, Dwarf_Addr addr)
{
	Dwarf_Addr bias, start, end;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(mod, &bias);
	Dwarf_Frame *frame;
	bool signalp;
	jlong off = -1;

	if (cfi && dwarf_cfi_addrframe(cfi, addr - bias, &frame) == 0) {
		if (dwarf_frame_info(frame, &start, &end, &signalp) >= 0)
			off = (jlong)(addr - bias - start);
		free(frame);
	}
	return off;
}

static jstring hex(JNIEnv *env, const unsigned char *bits, int len)
{
	char buf[2 * 64 + 1];

	if (len <= 0)
		return NULL;
	if (len > 64)
		len = 64;
	for (int i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", bits[i]);
	return (*env)->NewStringUTF(env, buf);
}

/*
 * For each address: out[3i] the function (null when no symbol covers it), out[3i+1] the module
 * (the mapped file's path, null when no file is mapped there: anonymous memory, a JIT),
 * out[3i+2] the module's build id in hex (or null); offsets[2i] the address as in the file
 * (what addr2line takes), offsets[2i+1] how far into its function the address is: from the
 * symbol, or in a stripped module from the unwind table entry (.eh_frame) covering it, which
 * still bounds the function; -1 when neither does. Without names, only modules, build ids and
 * file addresses are looked up (no symbol table is read): the caller names from its cache by
 * build id, and asks again, with names, for what it has not named before.
 */
static jobjectArray JNICALL ns_symbolize(JNIEnv *env, jclass cls, jlong h, jlongArray jaddrs, jlongArray joffsets,
					 jboolean names)
{
	struct proc_syms *p = (struct proc_syms *)(intptr_t)h;
	jsize n = (*env)->GetArrayLength(env, jaddrs);
	jobjectArray out = (*env)->NewObjectArray(env, 3 * n, (*env)->FindClass(env, "java/lang/String"), NULL);
	jlong *addrs = out ? (*env)->GetLongArrayElements(env, jaddrs, NULL) : NULL;
	jlong *offsets = addrs ? calloc(n ? 2 * n : 1, sizeof(jlong)) : NULL;

	current_pid = p->pid;
	if (!offsets) {
		if (addrs)
			(*env)->ReleaseLongArrayElements(env, jaddrs, addrs, JNI_ABORT);
		return NULL;
	}
	for (jsize i = 0; i < n; i++) {
		Dwarf_Addr addr = (Dwarf_Addr)addrs[i];
		Dwfl_Module *mod = dwfl_addrmodule(p->dwfl, addr);

		if (!mod && !p->rereported) {
			/* Mapped after open (dlopen): read the maps once more, once per handle. */
			p->rereported = 1;
			report(p);
			mod = dwfl_addrmodule(p->dwfl, addr);
		}
		if (!mod)
			continue;
		const char *file = NULL;
		Dwarf_Addr bias;
		Elf *elf = dwfl_module_getelf(mod, &bias); /* opens the file (headers only): the build id needs it */
		const char *name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &file, NULL);
		GElf_Off off = 0;
		GElf_Sym sym;
		const char *fn = names && elf ? dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL) : NULL;
		const unsigned char *bits;
		GElf_Addr vaddr;
		int len = dwfl_module_build_id(mod, &bits, &vaddr);
		Dwarf_Addr rel = addr;
		int sec = dwfl_module_relocate_address(mod, &rel);

		offsets[2 * i] = (jlong)(sec >= 0 ? rel : addr);
		offsets[2 * i + 1] = fn ? (jlong)off : names && elf ? function_offset(mod, addr) : -1;
		if (fn)
			(*env)->SetObjectArrayElement(env, out, 3 * i, (*env)->NewStringUTF(env, fn));
		(*env)->SetObjectArrayElement(env, out, 3 * i + 1,
					      (*env)->NewStringUTF(env, file ? file : name));
		(*env)->SetObjectArrayElement(env, out, 3 * i + 2, hex(env, bits, len));
	}
	(*env)->SetLongArrayRegion(env, joffsets, 0, 2 * n, offsets);
	(*env)->ReleaseLongArrayElements(env, jaddrs, addrs, JNI_ABORT);
	free(offsets);
	return out;
}

static void JNICALL ns_close(JNIEnv *env, jclass cls, jlong h)
{
	struct proc_syms *p = (struct proc_syms *)(intptr_t)h;

	if (p) {
		dwfl_end(p->dwfl);
		free(p);
	}
}

static jstring JNICALL ns_version(JNIEnv *env, jclass cls)
{
	return (*env)->NewStringUTF(env, dwfl_version(NULL));
}

static const JNINativeMethod methods[] = {
	{ "open", "(I)J", (void *)ns_open },
	{ "symbolize", "(J[J[JZ)[Ljava/lang/String;", (void *)ns_symbolize },
	{ "close", "(J)V", (void *)ns_close },
	{ "version", "()Ljava/lang/String;", (void *)ns_version },
};

EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;

	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	cls = (*env)->FindClass(env, "dev/funnel/collector/profile/NativeSymbols");
	if (!cls || (*env)->RegisterNatives(env, cls, methods, sizeof(methods) / sizeof(methods[0])))
		return JNI_ERR;
	return JNI_VERSION_1_8;
}
