package dev.funnel.collector.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds the native pieces shipped in the collector jar, in zstd-jni's order: an explicit
 * path ({@code -Dfunnel.native.path=/dir}), then {@code java.library.path}, then the copy
 * inside the jar under {@code /native/linux-x86_64/}, extracted to a private temp directory.
 */
public final class NativeLoader {
    public static final String LIBRARY = "funnelbpf";
    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    private static Path extractDir;
    private static boolean loaded;
    private static UnsatisfiedLinkError failure;

    private NativeLoader() {}

    /** Loads libfunnelbpf.so once; later calls repeat the first outcome. */
    static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        if (failure == null) {
            try {
                loadLibrary();
                loaded = true;
                return;
            } catch (UnsatisfiedLinkError e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** Tries every place in turn; throws with each attempt's reason when none works. */
    private static void loadLibrary() {
        String file = System.mapLibraryName(LIBRARY);
        StringBuilder why = new StringBuilder();
        String override = System.getProperty("funnel.native.path");
        if (override != null) {
            try {
                System.load(Path.of(override, file).toAbsolutePath().toString());
                return;
            } catch (UnsatisfiedLinkError e) {
                why.append("funnel.native.path: ").append(e.getMessage()).append("; ");
            }
        }
        try {
            System.loadLibrary(LIBRARY);
            return;
        } catch (UnsatisfiedLinkError e) {
            why.append("java.library.path: ").append(e.getMessage()).append("; ");
        }
        try {
            System.load(extract(file).toString());
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError(why + "bundled " + file + ": " + e.getMessage()
                    + " (it needs libbpf.so.1: apt-get install libbpf1)");
        }
    }

    private static synchronized Path extract(String file) throws IOException {
        if (extractDir == null) {
            extractDir = Files.createTempDirectory("funnel-native-");
            extractDir.toFile().deleteOnExit();
        }
        Path target = extractDir.resolve(file);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IOException("not in the jar at " + RESOURCE_DIR + file);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        return target;
    }
}
