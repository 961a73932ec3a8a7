package dev.funnel.collector.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A C struct as Java declares it: members in order, each at its natural alignment (the x86-64
 * System V rules clang follows for BPF too). The decoder reads at these offsets, and
 * RecordLayoutTest checks every member against the BTF of the built funnel.bpf.o.
 */
public final class StructLayout {
    /** A member: offset and size in bytes. */
    public record Member(String name, int offset, int size) {}

    private final String name;
    private final Map<String, Member> members;
    private final int size;
    private final int align;

    private StructLayout(String name, Map<String, Member> members, int size, int align) {
        this.name = name;
        this.members = Collections.unmodifiableMap(members);
        this.size = size;
        this.align = align;
    }

    public static Builder struct(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public List<Member> members() {
        return new ArrayList<>(members.values());
    }

    /** Offset of a member; nested members as "hdr.pid". */
    public int offset(String member) {
        int dot = member.indexOf('.');
        Member m = members.get(dot < 0 ? member : member.substring(0, dot));
        if (m == null) {
            throw new IllegalArgumentException(name + " has no member " + member);
        }
        return m.offset;
    }

    public static final class Builder {
        private final String name;
        private final Map<String, Member> members = new LinkedHashMap<>();
        private int offset;
        private int align = 1;

        private Builder(String name) {
            this.name = name;
        }

        private Builder add(String member, int size, int alignment) {
            offset = (offset + alignment - 1) / alignment * alignment;
            members.put(member, new Member(member, offset, size));
            offset += size;
            align = Math.max(align, alignment);
            return this;
        }

        public Builder u8s(String member, int count) { return add(member, count, 1); }
        public Builder u16(String member) { return add(member, 2, 2); }
        public Builder u32(String member) { return add(member, 4, 4); }
        public Builder u64(String member) { return add(member, 8, 8); }
        public Builder struct(String member, StructLayout s) { return add(member, s.size, s.align); }

        public StructLayout build() {
            int size = (offset + align - 1) / align * align;
            return new StructLayout(name, members, size, align);
        }
    }
}
