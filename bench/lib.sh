# Shared by the bench scripts: build what is missing, describe the machine, take medians.
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$BENCH_ROOT/bench/results"
mkdir -p "$RESULTS" "$BENCH_ROOT/bench/build"

bench_build() {
    "$BENCH_ROOT/bin/funnel" build >/dev/null
}

machine() {
    printf '%s; %s cores; %s; %s' "$(uname -r)" "$(nproc)" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(java -version 2>&1 | head -1)"
}

# median of the numbers on stdin
median() {
    sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
