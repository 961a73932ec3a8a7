package dev.funnel.collector.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the native pieces shipped in the collector jar, in zstd-jni's order: an explicit
 * path ({@code -Dfunnel.native.path=/dir}), then {@code java.library.path}, then the copy
 * inside the jar under {@code /native/linux-x86_64/}, extracted to a private temp directory.
 */
public final class NativeLoader {
    public static final String LIBRARY = "funnelbpf";
    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    private static Path extractDir;
    /** Per library: null once loaded, else why it cannot be (the first outcome is repeated). */
    private static final Map<String, UnsatisfiedLinkError> outcomes = new HashMap<>();

    private NativeLoader() {}

    /** Loads libfunnelbpf.so once; later calls repeat the first outcome. */
    static void ensureLoaded() {
        load(LIBRARY, "libbpf1");
    }

    /**
     * Loads lib{library}.so once; later calls repeat the first outcome. debianPackage names what
     * its own dependencies come from, for the error message.
     */
    public static synchronized void load(String library, String debianPackage) {
        if (outcomes.containsKey(library)) {
            UnsatisfiedLinkError failure = outcomes.get(library);
            if (failure != null) {
                throw failure;
            }
            return;
        }
        try {
            loadLibrary(library, debianPackage);
            outcomes.put(library, null);
        } catch (UnsatisfiedLinkError e) {
            outcomes.put(library, e);
            throw e;
        }
    }

    /** Tries every place in turn; throws with each attempt's reason when none works. */
    private static void loadLibrary(String library, String debianPackage) {
        String file = System.mapLibraryName(library);
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
            System.loadLibrary(library);
            return;
        } catch (UnsatisfiedLinkError e) {
            why.append("java.library.path: ").append(e.getMessage()).append("; ");
        }
        try {
            System.load(extract(file).toString());
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError(why + "bundled " + file + ": " + e.getMessage()
                    + " (its dependencies come from: apt-get install " + debianPackage + ")");
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
