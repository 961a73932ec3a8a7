package dev.funnel.collector.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerIdsTest {
    static final String ID = "4f1c2b3a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f701";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/system.slice/docker-" + ID + ".scope, docker",
        "/docker/" + ID + ", docker",
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-" + ID + ".scope, containerd",
        "/kubepods/burstable/pod1234-5678/" + ID + ", kubernetes",
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice/crio-" + ID + ".scope, cri-o",
        "/machine.slice/libpod-" + ID + ".scope/container, podman",
        "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope, podman",
    })
    void findsTheContainerOfEveryRuntime(String path, String runtime) {
        ContainerIds.Container c = ContainerIds.parse(path);
        assertEquals(runtime, c.runtime());
        assertEquals(ID, c.id());
        assertEquals(ID.substring(0, 12), c.shortId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/system.slice/nginx.service, nginx.service",
        "/user.slice/user-1000.slice/session-3.scope, session-3.scope",
    })
    void namesTheSystemdUnitOfAProcessInNoContainer(String path, String unit) {
        ContainerIds.Container c = ContainerIds.parse(path);
        assertEquals("systemd", c.runtime());
        assertEquals(unit, c.id());
    }

    @ParameterizedTest
    @CsvSource({"/", "/process_api/abc", "''"})
    void findsNothingWhereThereIsNothing(String path) {
        assertNull(ContainerIds.parse(path));
    }

    @org.junit.jupiter.api.Test
    void conmonIsNotTheContainer() {
        assertNull(ContainerIds.parse("/machine.slice/libpod-conmon-" + ID + ".scope"));
    }
}
