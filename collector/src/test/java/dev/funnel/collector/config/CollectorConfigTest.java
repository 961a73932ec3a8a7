package dev.funnel.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.Sensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {
    static final Path DOCUMENTED = Path.of("funnel-collector.properties");

    @Test
    void theDocumentedFileListsEveryKeyWithItsDefault(@TempDir Path dir) throws Exception {
        String doc = Files.readString(DOCUMENTED);
        for (ConfigKey k : CollectorConfig.KEYS) {
            Matcher m = Pattern.compile("(?m)^#" + Pattern.quote(k.name()) + " = (.*)$").matcher(doc);
            assertTrue(m.find(), k.name() + " is not documented in " + DOCUMENTED);
            assertEquals(k.defaultValue(), m.group(1).trim(), "documented default of " + k.name());
        }
        // Uncommented, the file is a valid config equal to the defaults.
        Path all = dir.resolve("all.properties");
        Files.writeString(all, doc.replaceAll("(?m)^#([a-z][a-z.]* = )", "$1"));
        assertEquals(CollectorConfig.defaults().asMap(), CollectorConfig.of(all, Map.of()).asMap());
    }

    @Test
    void anUnknownKeyIsAnErrorThatNamesItAndTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "kafka.topic = t\nslow.requets.ms = 300\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.of(f, Map.of()));
        assertTrue(e.getMessage().contains("'slow.requets.ms'") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void aBadValueIsAnErrorThatNamesTheKeyAndWhy() {
        assertMessage("kafka.linger.ms", "not a whole number", Map.of("kafka.linger.ms", "soon"));
        assertMessage("ring.buffer.bytes", "power of 2", Map.of("ring.buffer.bytes", "5000"));
        assertMessage("sensors", "'dns'", Map.of("sensors", "process,dns"));
        assertMessage("sink", "stdout, kafka", Map.of("sink", "file"));
        assertMessage("poll.timeout.ms", "> 0", Map.of("poll.timeout.ms", "0"));
        assertMessage("remediation", "needs sink=kafka", Map.of("remediation", "on"));
    }

    @Test
    void valuesReachTheKernelConfig() {
        CollectorConfig c = CollectorConfig.of(null, Map.of("slow.request.ms", "250", "sensors", "process, fd_burst"));
        assertEquals(250_000_000L, c.kernel().slowRequestNs());
        assertEquals(EnumSet.of(Sensor.PROCESS, Sensor.FD_BURST), c.kernel().sensors());
    }

    static void assertMessage(String key, String why, Map<String, String> set) {
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.of(null, set));
        assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains(why), e.getMessage());
    }
}
