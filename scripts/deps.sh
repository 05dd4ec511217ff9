#!/usr/bin/env bash
# Installs the operating-system packages `make run` and `make test` need
# when they are missing, so the two commands work on a fresh Debian machine:
# PostgreSQL (pglocal starts a private cluster with it), ffmpeg (recorded
# answers are decoded with it) and the offline speech recogniser
# (pocketsphinx with its English model, and its test clips of real speech
# for the word-error-rate measurement). With the argument `e2e` it also
# installs Chromium, which the browser tests of `make e2e` drive.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || need+=(pocketsphinx-en-us)
[ -d /usr/share/pocketsphinx/test/data/librivox ] || need+=(pocketsphinx-testdata)
if [ "${1:-}" = e2e ]; then
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
fi

if ((${#need[@]} == 0)); then
	exit 0
fi
echo "installing: ${need[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "apt-get not found: install ${need[*]} with your package manager" >&2
	exit 1
fi
sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
