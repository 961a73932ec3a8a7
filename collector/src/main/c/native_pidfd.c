// SPDX-License-Identifier: Apache-2.0
/*
 * JNI shim for dev.funnel.collector.remediate.NativeProcess: process handles (pidfds) that
 * cannot be reused, for remediation. A PID names whatever process holds the number now; a
 * pidfd names the one process that held it when the pidfd was opened, and a signal sent
 * through it after that process is gone fails with ESRCH instead of hitting the next holder.
 *
 * Every call returns >= 0 on success and -errno on failure: Java says what the errno means.
 * No state, no allocation; callable from any thread. The caller owns each fd it opens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static jint np_pidfd_open(JNIEnv *env, jclass cls, jint pid)
{
	long fd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	return fd < 0 ? -errno : (jint)fd;
}

/* sig 0 sends nothing and only checks that the process still exists and may be signalled. */
static jint np_pidfd_send_signal(JNIEnv *env, jclass cls, jint pidfd, jint sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* 1 when the process has exited (the pidfd polls readable), 0 on timeout. */
static jint np_pidfd_wait_exit(JNIEnv *env, jclass cls, jint pidfd, jint timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n > 0 ? 1 : 0;
}

/* kill(-pgid, sig): a process group has no handle; the caller checks its leader's first. */
static jint np_kill_group(JNIEnv *env, jclass cls, jint pgid, jint sig)
{
	if (pgid <= 1)
		return -EINVAL;
	return kill(-pgid, sig) < 0 ? -errno : 0;
}

static jint np_close(JNIEnv *env, jclass cls, jint fd)
{
	return close(fd) < 0 ? -errno : 0;
}

static const JNINativeMethod methods[] = {
	{ "pidfdOpen", "(I)I", (void *)np_pidfd_open },
	{ "pidfdSendSignal", "(II)I", (void *)np_pidfd_send_signal },
	{ "pidfdWaitExit", "(II)I", (void *)np_pidfd_wait_exit },
	{ "killGroup", "(II)I", (void *)np_kill_group },
	{ "close", "(I)I", (void *)np_close },
};

EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;

	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	cls = (*env)->FindClass(env, "dev/funnel/collector/remediate/NativeProcess");
	if (!cls || (*env)->RegisterNatives(env, cls, methods, sizeof(methods) / sizeof(methods[0])))
		return JNI_ERR;
	return JNI_VERSION_1_8;
}
