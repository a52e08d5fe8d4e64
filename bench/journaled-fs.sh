#!/usr/bin/env bash
# A journaled ext4 file system for benchmark data, as a production server's disk would be (ext4 and XFS are
# journaled by default). This machine's root file system is ext4 WITHOUT a journal, where creating a file skips,
# one by one, every inode freed in the last 60-360 s (bench/dicomweb/README.md): after any clean-up, the next run pays
# for it, by different amounts in different runs. On a journaled file system that check does not exist.
#
#   bench/journaled-fs.sh up     # root: a 24 GiB sparse image (/work/bench-fs.img by default), loop device with direct
#                                # I/O (no double caching), mounted on /mnt/bench; prints the TMPDIR to use
#   bench/journaled-fs.sh down   # unmount, detach, delete the image
#
# Then: TMPDIR=/mnt/bench bench/forwarder/run.sh (or bench/dicomweb/run.sh). Flushes still reach the disk: the loop
# device turns each one into an fsync of the image file.
set -euo pipefail
IMAGE=${IMAGE:-/work/bench-fs.img}
MOUNT=${MOUNT:-/mnt/bench}
case "${1:-}" in
  up)
    if mountpoint -q "$MOUNT"; then echo "$MOUNT"; exit 0; fi
    truncate -s "${SIZE:-24G}" "$IMAGE"
    # Inode tables and journal initialised now, not by a background thread during the first benchmark.
    mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$IMAGE"
    mkdir -p "$MOUNT"
    mount -o noatime "$(losetup -f --show --direct-io=on "$IMAGE")" "$MOUNT"
    chmod 1777 "$MOUNT"
    echo "$MOUNT" ;;
  down)
    if mountpoint -q "$MOUNT"; then
      device=$(findmnt -n -o SOURCE "$MOUNT")
      umount "$MOUNT"
      losetup -d "$device"
    fi
    rm -f "$IMAGE" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
