// readBatch / writeBatch: many packets per call into and out of one caller-owned slab.
//
// A TUN fd has no recvmmsg/sendmmsg, so each packet is one read() or write(); what a batch saves
// is the crossing into JavaScript, which happens once per batch, and allocation, of which there is
// none: the bytes land in (or leave from) the caller's slab, lengths in the caller's Int32Array.
// Works on any fd whose reads are whole packets: TUN, packet, raw and netlink sockets.
#include <errno.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

// readBatch(fd, slab, slotBytes, maxPackets, lengths) → packets read | -errno
//
// Packet i goes to slab[i * slotBytes ...], its length to lengths[i]. A packet longer than a slot
// is cut to slotBytes by the kernel without notice (TUN and datagram sockets alike), so callers
// make slots longer than any packet they accept and treat a full slot as cut. Stops at EAGAIN (nothing
// more queued) or end of file and returns the count: 0 means nothing to read. An error after at
// least one packet ends the batch early and returns the count; a lasting error (a closed or
// detached device) is then the result of the next call.
napi_value read_batch(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, slot_bytes, max_packets;
  uint8_t *slab;
  size_t slab_bytes, lengths_count;
  int32_t *lengths;
  if (!get_args(env, info, 5, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_bytes(env, argv[1], "slab", &slab, &slab_bytes) ||
      !arg_int32(env, argv[2], "slotBytes", &slot_bytes) ||
      !arg_int32(env, argv[3], "maxPackets", &max_packets) ||
      !arg_int32s(env, argv[4], "lengths", &lengths, &lengths_count)) {
    return NULL;
  }
  if (slot_bytes <= 0 || max_packets < 0) {
    throw_range(env, "readBatch needs slotBytes > 0 and maxPackets >= 0");
    return NULL;
  }
  if ((size_t)max_packets > lengths_count || (size_t)max_packets * (size_t)slot_bytes > slab_bytes) {
    throw_range(env, "readBatch: maxPackets slots do not fit the slab or the lengths array");
    return NULL;
  }

  int32_t count = 0;
  while (count < max_packets) {
    ssize_t n = read(fd, slab + (size_t)count * (size_t)slot_bytes, (size_t)slot_bytes);
    if (n > 0) {
      lengths[count++] = (int32_t)n;
      continue;
    }
    if (n == 0) break;               // end of file: nothing more will come from this read
    if (errno == EINTR) continue;    // a signal, not a result: try the same slot again
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (count > 0) break;
    return errno_result(env, errno);
  }
  return make_int(env, count);
}

// writeBatch(fd, slab, starts, lengths, count) → packets written | -errno
//
// Writes slab[starts[i], starts[i] + lengths[i]) for i < count, in order. On EAGAIN it stops and
// returns how many were written (possibly 0). Any other error on the first packet is returned as
// -errno; after at least one packet, the count is returned, so the caller resumes at that index
// and learns the error from the packet that caused it.
napi_value write_batch(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd;
  struct packet_list list;
  if (!get_args(env, info, 5, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_packet_list(env, argv + 1, "writeBatch", &list)) {
    return NULL;
  }
  uint8_t *slab = list.slab;
  int32_t *starts = list.starts, *lengths = list.lengths, count = list.count;

  int32_t written = 0;
  while (written < count) {
    ssize_t n = write(fd, slab + starts[written], (size_t)lengths[written]);
    if (n >= 0) {
      written++;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (written > 0) break;
    return errno_result(env, errno);
  }
  return make_int(env, written);
}
