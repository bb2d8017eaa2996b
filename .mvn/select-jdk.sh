# Sourced by ./mvnw and ./run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a JAVA_HOME (or the java on PATH) that is already new enough; otherwise picks the newest
# JDK 21+ found in the usual install places, so nobody has to set JAVA_HOME by hand.

llmq_java_feature() {
  # prints the feature release (17, 21, 25, ...) of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

llmq_select_jdk() {
  llmq_min=21
  if [ -n "${JAVA_HOME-}" ]; then
    v=$(llmq_java_feature "$JAVA_HOME")
    [ -n "$v" ] && [ "$v" -ge "$llmq_min" ] && return 0
  elif command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; then
    home=$(cd "$(dirname "$(readlink -f "$(command -v javac)")")/.." && pwd)
    v=$(llmq_java_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge "$llmq_min" ]; then
      JAVA_HOME=$home
      export JAVA_HOME
      return 0
    fi
  fi
  best=""
  best_v=0
  case $- in *f*) llmq_noglob=1 ;; *) llmq_noglob=0 ;; esac
  set +f
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
    "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* "${HOME-}"/.asdf/installs/java/*; do
    [ -d "$home" ] || continue
    v=$(llmq_java_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge "$llmq_min" ] && [ "$v" -gt "$best_v" ]; then
      best=$home
      best_v=$v
    fi
  done
  [ "$llmq_noglob" = 0 ] || set -f
  if [ -z "$best" ]; then
    echo "llmq needs a JDK $llmq_min or newer: install one (for example 'apt-get install openjdk-21-jdk' or Temurin 21+) or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$(cd "$best" && pwd -P)
  export JAVA_HOME
}

llmq_select_jdk
