# Sourced by ./ssam and .ci/run: exports JAVA_HOME pointing at a JDK 25, or exits with a message.
ssam_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
ssam_pick_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/jdk-25* /opt/jdk-25*; do
    if [ -n "$c" ] && [ -x "$c/bin/java" ] && [ "$(ssam_java_major "$c")" = "25" ]; then
      echo "$c"; return 0
    fi
  done
  return 1
}
if ! JAVA_HOME="$(ssam_pick_jdk)"; then
  echo "ssam: a JDK 25 is required (Vector API and FFM). Install Temurin 25 and set JAVA_HOME to it;" >&2
  echo "      looked at \$JAVA_HOME and /usr/lib/jvm/{temurin,java}-25-*." >&2
  exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
