package dev.funnel.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child process that cannot outlive us: it runs under a small shell
 * watchdog that kills it when this JVM is gone (even after kill -9) or when we stop it.
 * Output goes to a log file whose tail is quoted when the server fails to come up.
 */
public final class ChildProcess implements AutoCloseable {
    // $1 = our pid, the rest = the command. Kills the command when we vanish or on TERM.
    private static final String WATCHDOG = String.join("\n",
            "parent=$1; shift",
            "\"$@\" &",
            "child=$!",
            "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT",
            "while kill -0 \"$parent\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1 & wait $!; done",
            "kill $child 2>/dev/null; wait $child");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "watchdog",
                Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            return new ChildProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("start " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit status once it has exited (the watchdog passes the server's on), else -1. */
    public int exitStatus() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, to quote in an error. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log at " + log + ")";
        }
    }

    /** Waits until ready() holds; fails with the log tail if the process dies or time runs out. */
    public void awaitReady(java.util.function.BooleanSupplier ready, long timeoutMs) {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!alive()) {
                throw new IllegalStateException(name + " exited during start-up; its log says:\n" + logTail(30));
            }
            EmbeddedKafka.sleep(250);
        }
        close();
        throw new IllegalStateException(name + " not ready after " + timeoutMs + " ms; its log says:\n" + logTail(30));
    }

    /**
     * SIGKILL to the server itself, as a crash or the OOM killer would end it: no shutdown hook
     * runs, nothing is flushed. The watchdog sees it gone and exits.
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (the watchdog passes it on), then SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
