#!/usr/bin/env bash
# Optional: installs the Debian packages whose openly licensed audio `ssam tasks build drums|keywords|language`
# turns into downstream tasks (docs/DATA.md lists each package, its licence and its labels).
# Debian-like systems only (apt-get, run as root); nothing else in the project needs these packages,
# and the tests never do (they build the tasks from small fake trees).
#
#   sudo tools/install-data.sh            # the task sources (about 500 MB of packages)
#   sudo tools/install-data.sh --tools    # also sox, fluidsynth and the GM soundfont (pitch rendering)
#   sudo tools/install-data.sh --music    # also the music-only packages of the pretraining pool (about 1 GB:
#                                         # `ssam tasks pool` lists them; no task uses them)
# Options combine: --tools --music.
set -euo pipefail

packages=(
  hydrogen-drumkits         # drums: 14 kits, drumkit.xml names the instruments
  avldrums.lv2-soundfont    # drums: Black Pearl and Red Zeppelin SF2 kits (CC-BY-SA-3.0)
  sonic-pi-samples          # drums: bd_/sn_/drum_/elec_ samples (CC0)
  hedgewars-data            # keywords: 15 voice packs (GFDL-1.3)
  tuxpaint-stamps-default   # language: spoken stamp descriptions in 9 languages (GPL-2)
)
music=(
  warzone2100-music          # 4.1 h, Ogg Opus
  planetblupi-music-ogg      # 2.7 h
  wesnoth-1.16-music         # 2.1 h
  nexuiz-music               # 1.4 h, Ogg inside data/music.pk3 (a ZIP archive)
  colobot-common-sounds      # 1.1 h
  singularity-music          # 1.1 h
  fretsonfire-songs-muldjord # with -sectoid: 0.9 h
  fretsonfire-songs-sectoid
  drascula-music             # 0.8 h
)
for arg in "$@"; do
  case "$arg" in
    --tools) packages+=(sox fluidsynth fluid-soundfont-gm) ;;
    --music) packages+=("${music[@]}") ;;
    *) echo "usage: $0 [--tools] [--music]" >&2; exit 2 ;;
  esac
done

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
