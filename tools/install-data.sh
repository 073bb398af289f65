#!/usr/bin/env bash
# Optional: installs the Debian packages whose openly licensed audio `ssam tasks build drums|keywords|language`
# turns into downstream tasks (docs/DATA.md lists each package, its licence and its labels).
# Debian-like systems only (apt-get, run as root); nothing else in the project needs these packages,
# and the tests never do (they build the tasks from small fake trees).
#
#   sudo tools/install-data.sh            # the task sources (about 500 MB of packages)
#   sudo tools/install-data.sh --tools    # also sox, fluidsynth and the GM soundfont (pitch rendering)
set -euo pipefail

packages=(
  hydrogen-drumkits         # drums: 14 kits, drumkit.xml names the instruments
  avldrums.lv2-soundfont    # drums: Black Pearl and Red Zeppelin SF2 kits (CC-BY-SA-3.0)
  sonic-pi-samples          # drums: bd_/sn_/drum_/elec_ samples (CC0)
  hedgewars-data            # keywords: 15 voice packs (GFDL-1.3)
  tuxpaint-stamps-default   # language: spoken stamp descriptions in 9 languages (GPL-2)
)
if [ "${1:-}" = "--tools" ]; then
  packages+=(sox fluidsynth fluid-soundfont-gm)
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--tools]" >&2
  exit 2
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-data.sh: apt-get not found; this script is for Debian-like systems." >&2
  echo "Install these packages (or copy their files below a root for --source): ${packages[*]}" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-data.sh: run as root (sudo $0 $*)" >&2
  exit 2
fi
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
echo "Installed. Build the tasks with, for example:  bin/ssam tasks build drums --out tasks/debian-drums"
