package dev.funnel.collector.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.collector.bpf.BpfObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java decoder reads records at offsets declared in RecordLayout; the kernel writes them
 * at offsets the C compiler chose. This compares the two through the BTF of the built object
 * (opening an object needs no privileges), like Tetragon's alignchecker.
 */
class RecordLayoutTest {
    @Test
    void everyRecordStructMatchesTheBtfOfTheBuiltObject() {
        try (BpfObject obj = BpfObject.openEmbedded()) {
            for (StructLayout s : RecordLayout.ALL) {
                List<String> expected = new ArrayList<>();
                expected.add("sizeof " + s.size());
                for (StructLayout.Member m : s.members()) {
                    expected.add(m.name() + " " + m.offset() + " " + m.size());
                }
                assertEquals(expected, obj.btfStruct(s.name()), "layout of struct " + s.name());
            }
        }
    }
}
