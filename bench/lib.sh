# Shared by the bench scripts: build what is missing, describe the machine, take medians.
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$BENCH_ROOT/bench/results"
# The benchmark drivers (tools/benchmarks): a thin jar, its dependencies in target/lib.
BENCH_JAR="$BENCH_ROOT/tools/benchmarks/target/funnel-benchmarks.jar"
mkdir -p "$RESULTS" "$BENCH_ROOT/bench/build"

bench_build() {
    "$BENCH_ROOT/bin/funnel" build >/dev/null
}

# bench_install WHO PACKAGE...: installs the Debian packages a bench needs, saying so on stderr.
# apt-get update first: a fresh machine has no package lists, and install alone fails there.
bench_install() {
    local who="$1"
    shift
    echo "$who: installing $* ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

machine() {
    printf '%s; %s cores; %s; %s' "$(uname -r)" "$(nproc)" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(java -version 2>&1 | head -1)"
}

# median of the numbers on stdin
median() {
    sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# What Flink needs opened on Java 17 (the demo jar's manifest carries them for -jar; -cp does not).
FLINK_OPENS=()
for m in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util \
        java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do
    FLINK_OPENS+=("--add-opens=java.base/$m=ALL-UNNAMED")
done
FLINK_OPENS+=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED)
