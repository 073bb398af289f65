#!/usr/bin/env bash
# Builds device-kit/ (git-ignored), everything tools/device/check.sh needs on a bare GPU machine
# without Java: a jlink'd, compressed JDK 25 runtime (java.base, jdk.incubator.vector, java.logging,
# java.management, jdk.unsupported), the ssam jar (fastutil cut down to the classes the code
# reaches), the runtime and ops test classes, the JUnit jars and the small launcher in
# tools/device/runner. Fails unless the kit and the checkout are under 64 MiB together. Run from anywhere:
#   tools/device/prepare.sh            # then carry device-kit/ and run tools/device/check.sh there
# Environment: SSAM_BUILD_DIR (Maven build folder name, default target-device), M2_REPO (default ~/.m2/repository).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../find-jdk.sh
source "$root/tools/find-jdk.sh"
build="${SSAM_BUILD_DIR:-target-device}"
m2="${M2_REPO:-$HOME/.m2/repository}"
kit="$root/device-kit"
limit=$((64 * 1024 * 1024))
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "prepare: building the jars and test classes (mvn, offline, tests not run) ..."
(cd "$root" && mvn -q -B -o -Dssam.build.dir="$build" -DskipTests -pl tools -am package)
jar="$root/tools/$build/ssam.jar"
[ -f "$jar" ] || { echo "prepare: $jar was not built" >&2; exit 1; }

rm -rf "$kit"
mkdir -p "$kit/tests" "$kit/junit" "$kit/runner"

echo "prepare: linking the JDK runtime ..."
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.unsupported \
  --compress=zip-9 --strip-debug --no-header-files --no-man-pages --output "$kit/jdk" 2> >(grep -v 'incubator' >&2)
# libjvm.so carries its local symbol table (about 4 MiB): strip it where strip exists (crash logs lose
# the JVM's internal function names; the exported symbols stay)
if command -v strip > /dev/null 2>&1; then
  chmod u+w "$kit/jdk/lib/server/libjvm.so"
  strip --strip-unneeded "$kit/jdk/lib/server/libjvm.so"
fi

echo "prepare: cutting fastutil down to the classes the code reaches ..."
mkdir "$work/jar"
(cd "$work/jar" && "$JAVA_HOME/bin/jar" --extract --file "$jar")
"$JAVA_HOME/bin/jdeps" -verbose:class -filter:none --multi-release 25 "$work/jar" > "$work/edges.txt" 2> /dev/null || true
python3 - "$work/jar" "$work/edges.txt" <<'PY'
import os, re, sys, collections
root, edges_file = sys.argv[1], sys.argv[2]
edges = collections.defaultdict(set)
for line in open(edges_file):
    m = re.match(r'\s+(\S+)\s+->\s+(\S+)', line)
    if m:
        edges[m.group(1)].add(m.group(2))
prefix = 'it.unimi.dsi.fastutil.'
classes = []
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith('.class') and 'META-INF' not in d:
            classes.append(os.path.relpath(os.path.join(d, f), root)[:-6].replace(os.sep, '.'))
seen = set(c for c in classes if not c.startswith(prefix))
todo = list(seen)
while todo:
    for t in edges.get(todo.pop(), ()):
        if t.startswith(prefix) and t not in seen:
            seen.add(t)
            todo.append(t)
# nested classes of a kept class stay (reflection, switch maps)
kept_outer = set(c.split('$')[0] for c in seen)
removed = 0
for c in classes:
    if c.startswith(prefix) and c not in seen and c.split('$')[0] not in kept_outer:
        os.remove(os.path.join(root, c.replace('.', os.sep) + '.class'))
        removed += 1
print(f"prepare: fastutil: kept {sum(1 for c in seen if c.startswith(prefix))} classes, removed {removed}")
PY
"$JAVA_HOME/bin/jar" --create --file "$kit/ssam.jar" --manifest "$work/jar/META-INF/MANIFEST.MF" -C "$work/jar" .

echo "prepare: test classes and JUnit ..."
cp -r "$root/runtime/$build/test-classes" "$kit/tests/runtime"
cp -r "$root/ops/$build/test-classes" "$kit/tests/ops"
jupiter="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml")"
platform="1.${jupiter#5.}"
for a in org/junit/jupiter/junit-jupiter-api/$jupiter org/junit/jupiter/junit-jupiter-engine/$jupiter \
         org/junit/jupiter/junit-jupiter-params/$jupiter org/junit/platform/junit-platform-commons/$platform \
         org/junit/platform/junit-platform-engine/$platform org/junit/platform/junit-platform-launcher/$platform; do
  f="$m2/$a/$(basename "$(dirname "$a")")-$(basename "$a").jar"
  [ -f "$f" ] || { echo "prepare: $f is missing from the Maven repository (needed to run the tests on the device)" >&2; exit 1; }
  cp "$f" "$kit/junit/"
done
for d in org/opentest4j/opentest4j org/apiguardian/apiguardian-api; do
  f="$(ls "$m2/$d"/*/*.jar | sort -V | tail -1)"
  cp "$f" "$kit/junit/"
done

echo "prepare: compiling the device test launcher ..."
"$JAVA_HOME/bin/javac" -nowarn -d "$kit/runner" -cp "$kit/junit/*" \
  "$root"/tools/device/runner/dev/ssam/device/*.java 2>&1 | grep -v '^Note:' || true
[ -f "$kit/runner/dev/ssam/device/DeviceTests.class" ] || { echo "prepare: the launcher did not compile" >&2; exit 1; }
cp -r "$root/tools/device/runner/META-INF" "$kit/runner/"

# the commit the kit was built from, for the benchmark lines (there is no checkout history on the device)
commit="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$root" && git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
echo "$commit" > "$kit/COMMIT"

size=$(du -sb "$kit" | cut -f1)
printf 'prepare: device-kit/ is %.1f MiB (jdk %.1f, ssam.jar %.1f, tests %.1f, junit %.1f); limit 64 MiB\n' \
  "$(echo "$size / 1048576" | bc -l)" \
  "$(echo "$(du -sb "$kit/jdk" | cut -f1) / 1048576" | bc -l)" \
  "$(echo "$(du -sb "$kit/ssam.jar" | cut -f1) / 1048576" | bc -l)" \
  "$(echo "$(du -sb "$kit/tests" | cut -f1) / 1048576" | bc -l)" \
  "$(echo "$(du -sb "$kit/junit" | cut -f1) / 1048576" | bc -l)"
# the checkout travels too: its files that git does not ignore count against the same limit
tree=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
printf 'prepare: with the checkout (%.1f MiB) a device run carries %.1f MiB\n' \
  "$(echo "$tree / 1048576" | bc -l)" "$(echo "($size + $tree) / 1048576" | bc -l)"
if [ $((size + tree)) -ge "$limit" ]; then
  echo "prepare: device-kit/ and the checkout are over the 64 MiB a device run may carry" >&2
  exit 1
fi
"$kit/jdk/bin/java" --add-modules jdk.incubator.vector -jar "$kit/ssam.jar" --version > /dev/null 2>&1 \
  || { echo "prepare: the kit's java cannot start ssam.jar" >&2; exit 1; }
echo "prepare: done; carry device-kit/ and run tools/device/check.sh on the GPU machine"
