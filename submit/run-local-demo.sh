#!/usr/bin/env bash
# Builds amtl-core and trains FBE and AMTL side by side on a generated click log, on this machine.
# Extra arguments are key=value config overrides (see docs/configuration.md), plus rows=N.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests package
exec java -jar amtl-core/target/amtl-core.jar "$@"
