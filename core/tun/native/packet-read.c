// packetReadBatch(fd, slab, slotBytes, maxPackets, lengths, flags, mergedAboveBytes)
//   → packets read | -errno
//
// readBatch for the packet socket of packet-socket.c, which hands packets over as the kernel holds
// them, not as they were on the wire: a packet the sender's kernel built for a device that
// checksums (a veth, virtio-net, a container's link) carries in its TCP or UDP checksum field only
// the pseudo-header sum, and GRO (or a peer's TSO over a veth) delivers many segments as one
// packet, up to 64 KiB. PACKET_AUXDATA tells which (struct tpacket_auxdata's tp_status), so every
// packet is read with recvmmsg and a control buffer of its own, and made whole here before the
// translator sees it (transport-checksum.c):
//   TP_STATUS_CSUMNOTREADY (CHECKSUM_PARTIAL): the checksum is computed, pseudo-header included,
//     rather than finished from the field: GRO with fraglist (rx-gro-list) leaves the first
//     segment's pseudo-header sum in a merged packet, so the field cannot be trusted to match the
//     packet's length (seen in the lab: merged packets then failed the host's TCP checksum);
//   TP_STATUS_CSUM_VALID on a merged packet (longer than `mergedAboveBytes`, the uplink MTU, or
//     TP_STATUS_GSO_TCP from Linux 6.3): merged by fraglist GRO or the NIC (LRO) from segments the
//     kernel checked, keeping the first one's checksum: computed anew for the whole;
//   MSG_TRUNC: longer than a slot, so cut.
// Packets the kernel checked one by one keep their checksum as it is. flags[i] says what became of
// packet i, with the numbers of ReadFlag in core/tun/tun-device.ts: 0, or why it must not be
// translated. Nothing is allocated: the message headers and control buffers are on the stack, the
// bytes land in the caller's slab.
#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "addon.h"
#include "napi-args.h"
#include "transport-checksum.h"

// Linux 6.3 (include/uapi/linux/if_packet.h); older headers lack it, older kernels never set it.
#ifndef TP_STATUS_GSO_TCP
#define TP_STATUS_GSO_TCP (1 << 8)
#endif

// ReadFlag (core/tun/tun-device.ts).
enum {
  read_flag_none = 0,
  read_flag_cut = 1,
  read_flag_checksum_unfinished = 2,
};

// Messages per recvmmsg call; a larger batch takes several calls.
#define messages_per_call 64

struct aux_control {
  union {
    char bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    struct cmsghdr align;
  };
};

static uint32_t packet_status(struct msghdr *message) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(message); c != NULL; c = CMSG_NXTHDR(message, c)) {
    if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
        c->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
      struct tpacket_auxdata aux;
      memcpy(&aux, CMSG_DATA(c), sizeof aux);
      return aux.tp_status;
    }
  }
  return 0;
}

static int32_t make_whole(uint8_t *packet, size_t length, struct msghdr *message, uint32_t merged_above) {
  if (message->msg_flags & MSG_TRUNC) return read_flag_cut;
  uint32_t status = packet_status(message);
  bool merged = length > merged_above || (status & TP_STATUS_GSO_TCP);
  if ((status & TP_STATUS_CSUMNOTREADY) || (merged && (status & TP_STATUS_CSUM_VALID))) {
    return ipv6_transport_checksum(packet, length) ? read_flag_none : read_flag_checksum_unfinished;
  }
  return read_flag_none;
}

napi_value packet_read_batch(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  int32_t fd, slot_bytes, max_packets;
  uint32_t merged_above;
  uint8_t *slab;
  size_t slab_bytes, lengths_count, flags_count;
  int32_t *lengths, *flags;
  if (!get_args(env, info, 7, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_bytes(env, argv[1], "slab", &slab, &slab_bytes) ||
      !arg_int32(env, argv[2], "slotBytes", &slot_bytes) ||
      !arg_int32(env, argv[3], "maxPackets", &max_packets) ||
      !arg_int32s(env, argv[4], "lengths", &lengths, &lengths_count) ||
      !arg_int32s(env, argv[5], "flags", &flags, &flags_count) ||
      !arg_uint32(env, argv[6], "mergedAboveBytes", &merged_above)) {
    return NULL;
  }
  if (slot_bytes <= 0 || max_packets < 0) {
    throw_range(env, "packetReadBatch needs slotBytes > 0 and maxPackets >= 0");
    return NULL;
  }
  if ((size_t)max_packets > lengths_count || (size_t)max_packets > flags_count ||
      (size_t)max_packets * (size_t)slot_bytes > slab_bytes) {
    throw_range(env, "packetReadBatch: maxPackets slots do not fit the slab, the lengths or the flags");
    return NULL;
  }

  struct mmsghdr messages[messages_per_call];
  struct iovec slots[messages_per_call];
  struct aux_control controls[messages_per_call];
  int32_t count = 0;
  while (count < max_packets) {
    int want = max_packets - count < messages_per_call ? max_packets - count : messages_per_call;
    memset(messages, 0, sizeof messages[0] * (size_t)want);
    for (int j = 0; j < want; j++) {
      slots[j].iov_base = slab + (size_t)(count + j) * (size_t)slot_bytes;
      slots[j].iov_len = (size_t)slot_bytes;
      messages[j].msg_hdr.msg_iov = &slots[j];
      messages[j].msg_hdr.msg_iovlen = 1;
      messages[j].msg_hdr.msg_control = controls[j].bytes;
      messages[j].msg_hdr.msg_controllen = sizeof controls[j].bytes;
    }
    int got = recvmmsg(fd, messages, (unsigned)want, MSG_DONTWAIT, NULL);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (count > 0) break;
      return errno_result(env, errno);
    }
    for (int j = 0; j < got; j++) {
      uint8_t *packet = slots[j].iov_base;
      size_t length = messages[j].msg_len;
      lengths[count + j] = (int32_t)length;
      flags[count + j] = make_whole(packet, length, &messages[j].msg_hdr, merged_above);
    }
    count += got;
    if (got < want) break;  // the queue is empty (recvmmsg stops at EAGAIN)
  }
  return make_int(env, count);
}
