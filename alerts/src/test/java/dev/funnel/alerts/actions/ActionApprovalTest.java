package dev.funnel.alerts.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.Action;
import dev.funnel.schema.wire.SchemaRegistry;
import dev.funnel.schema.wire.Topics;
import dev.funnel.schema.wire.WireEncoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/funnel actions on a real broker and registry: a pending action is listed, approved once
 * (the approval is a record the collector can act on alone, with a fresh ttl), and cannot be
 * approved twice; a lapsed one cannot be approved at all.
 */
class ActionApprovalTest {
    static final String TOPIC = "approval-test.actions";
    static String bootstrap;
    static String registry;

    @BeforeAll
    static void platform() {
        SharedPlatform.kafka().createTopics(1, TOPIC);
        bootstrap = SharedPlatform.kafka().bootstrapServers();
        registry = SharedPlatform.registry().url();
    }

    static void write(Action a) throws Exception {
        SchemaRegistry r = new SchemaRegistry(registry);
        int id = r.register(Topics.valueSubject(TOPIC), Action.getClassSchema());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, a.getHost().getBytes(StandardCharsets.UTF_8),
                    new WireEncoder<>(Action.class, id).encode(a))).get(30, TimeUnit.SECONDS);
        }
    }

    static Action pending(String id, long expiresNs) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return Action.newBuilder().setActionId(id).setAlertId(id.substring(4)).setDetector("fork_storm").setHost("h")
                .setBootId("b").setPid(4242).setStartBootNs(5_000_000_000L).setExe("/usr/bin/stress-ng")
                .setComm("stress-ng").setUid(0).setCgroupPath("/").setContainerId(null).setAction("kill")
                .setDecision("pending_approval").setReason("kill pid 4242 waits for approval").setIssuedNs(now)
                .setExpiresNs(expiresNs).setThrottleCpu(0.2).setFirstEventNs(now).build();
    }

    record Run(int status, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--bootstrap-servers", bootstrap, "--schema-registry", registry, "--topic", TOPIC},
                0, all, args.length, 6);
        int status = ActionsMain.run(all, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPendingActionIsListedApprovedOnceAndTheApprovalStandsAlone() throws Exception {
        long inFiveMinutes = (System.currentTimeMillis() + 300_000) * 1_000_000L;
        write(pending("act/one", inFiveMinutes));
        Run list = cli("list");
        assertTrue(list.out().contains("act/one") && list.out().contains("pending_approval"), list.out() + list.err());

        Run approve = cli("approve", "act/one", "--ttl", "20");
        assertEquals(0, approve.status(), approve.err());
        Action approved = new ActionLog(bootstrap, registry, TOPIC).latest().get("act/one");
        assertEquals("approved", approved.getDecision());
        assertEquals(4242, approved.getPid(), "the target travels with the approval");
        assertEquals(5_000_000_000L, approved.getStartBootNs());
        long ttlNs = approved.getExpiresNs() - approved.getIssuedNs();
        assertEquals(20_000_000_000L, ttlNs, "the collector must act within --ttl of the approval");

        Run again = cli("approve", "act/one");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("is not waiting for approval: it is approved"), again.err());
        assertTrue(!cli("list").out().contains("act/one"), "no longer pending");
    }

    @Test
    void aLapsedActionCannotBeApproved() throws Exception {
        write(pending("act/old", (System.currentTimeMillis() - 1_000) * 1_000_000L));
        Run approve = cli("approve", "act/old");
        assertEquals(1, approve.status());
        assertTrue(approve.err().contains("lapsed"), approve.err());
        Run reject = cli("reject", "nope");
        assertEquals(1, reject.status());
        assertTrue(reject.err().contains("nope is not on " + TOPIC), reject.err());
    }
}
