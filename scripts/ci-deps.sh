#!/usr/bin/env bash
# Installs the Debian packages the e2e tests need, only if one is missing, without
# letting the package scripts start (and leave running) the system's containerd or registry.
set -euo pipefail

packages=(containerd runc containernetworking-plugins busybox-static skopeo docker-registry util-linux mount git zsh time strace)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "--- deps: all present"
  exit 0
fi
echo "--- deps: installing ${missing[*]}"

# invoke-rc.d (and deb-systemd-invoke) ask policy-rc.d; 101 = "do not start anything".
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=true
fi
cleanup() { if [ "$own_policy" = true ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

# Belt and braces: under systemd, make sure neither service is left running or enabled.
if [ -d /run/systemd/system ]; then
  for svc in containerd docker-registry; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
fi
