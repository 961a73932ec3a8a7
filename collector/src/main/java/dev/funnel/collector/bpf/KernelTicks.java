package dev.funnel.collector.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The length of the kernel's tick (1 s / CONFIG_HZ), in ns. Slow requests are timed in ticks,
 * the unit the kernel keeps a TCP connection's last receive in (slow_request.bpf.c), so the
 * threshold and every duration need it. Read from the kernel's build configuration, where
 * libbpf looks too (/boot/config-RELEASE, /proc/config.gz); where neither is there (a
 * container without /boot), measured: /proc/timer_list's tick count against its clock, 200 ms
 * apart, rounded to the nearest rate Linux offers.
 */
public final class KernelTicks {
    /** The tick rates (CONFIG_HZ) the kernel's configuration offers. */
    static final int[] RATES = {100, 250, 300, 1000};
    private static final Pattern HZ = Pattern.compile("^CONFIG_HZ=(\\d+)$", Pattern.MULTILINE);
    private static volatile long cachedNs;

    private KernelTicks() {}

    /** ns per tick on this kernel; fails naming what it could not read. */
    public static long tickNs() {
        long ns = cachedNs;
        if (ns == 0) {
            ns = 1_000_000_000L / hz();
            cachedNs = ns;
        }
        return ns;
    }

    private static int hz() {
        String release = System.getProperty("os.version");
        StringBuilder why = new StringBuilder();
        for (Path config : new Path[] {Path.of("/boot/config-" + release), Path.of("/proc/config.gz")}) {
            try {
                Integer hz = fromConfig(read(config));
                if (hz != null) {
                    return hz;
                }
                why.append(config).append(": no CONFIG_HZ; ");
            } catch (IOException e) {
                why.append(config).append(": ").append(e.getClass().getSimpleName()).append("; ");
            }
        }
        try {
            return measured();
        } catch (IOException | RuntimeException e) {
            why.append("/proc/timer_list: ").append(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why.append("interrupted");
        }
        throw new IllegalStateException("slow_request times requests in kernel ticks and cannot tell how long"
                + " a tick is here (" + why + "); drop slow_request from sensors, or make one of them readable");
    }

    static Integer fromConfig(String config) {
        Matcher m = HZ.matcher(config);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            InputStream text = p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
            return new String(text.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int measured() throws IOException, InterruptedException {
        long[] a = timerList();
        Thread.sleep(200);
        long[] b = timerList();
        return nearestRate((b[1] - a[1]) * 1e9 / (b[0] - a[0]));
    }

    /** The rate Linux offers nearest to a measured one (ticks per second). */
    static int nearestRate(double perSecond) {
        int best = RATES[0];
        for (int r : RATES) {
            if (Math.abs(r - perSecond) < Math.abs(best - perSecond)) {
                best = r;
            }
        }
        return best;
    }

    /** {clock ns, ticks} from /proc/timer_list ("now at N nsecs", then "jiffies: N"). */
    private static long[] timerList() throws IOException {
        String text = Files.readString(Path.of("/proc/timer_list"));
        Matcher now = Pattern.compile("^now at (\\d+) nsecs$", Pattern.MULTILINE).matcher(text);
        Matcher jiffies = Pattern.compile("^jiffies: (\\d+)$", Pattern.MULTILINE).matcher(text);
        if (!now.find() || !jiffies.find()) {
            throw new IOException("no 'now at' and 'jiffies:' lines");
        }
        return new long[] {Long.parseLong(now.group(1)), Long.parseLong(jiffies.group(1))};
    }
}
