// ipv6TransportChecksum(packet) → true (written) | false (no TCP or UDP header found)
//
// The Internet checksum (RFC 1071) of an IPv6 packet's TCP or UDP segment, computed in place with
// its pseudo-header (RFC 8200 §8.1): what a NIC does for a packet the kernel sent with
// CHECKSUM_PARTIAL (include/linux/skbuff.h), done here for packets a packet socket hands over in
// that state (TP_STATUS_CSUMNOTREADY: from a veth, a virtio-net device or a container, and what GRO
// merged). Computed whole rather than finished from the pseudo-header sum the field holds, because
// in a merged packet that sum may be a segment's (packet-read.c). The packet reader calls it in C
// because it sums every byte of up to 64 KiB; the export is for tests.
//
// The transport header is found by walking the extension headers (RFC 8200 §4): Hop-by-Hop,
// Routing and Destination Options are skipped. Anything else ends the search unfound: a Fragment
// header (the kernel finishes a checksum before it fragments, so a partial one never comes
// fragmented), ESP and AH, SCTP (a CRC32c, not an Internet checksum), a chain cut short, or a
// Routing header with segments left (its pseudo-header is another destination's). The
// caller drops such a packet rather than pass on a checksum it could not make right.
#include <arpa/inet.h>
#include <string.h>

#include "addon.h"
#include "napi-args.h"
#include "transport-checksum.h"

enum {
  next_hop_by_hop = 0,
  next_tcp = 6,
  next_udp = 17,
  next_routing = 43,
  next_destination_options = 60,
};

// Adds bytes[0, n) to `sum` as 16-bit words in the machine's byte order, four bytes at a time.
// RFC 1071 §2(B): the ones' complement sum does not depend on byte order, so the folded result
// is the network-order sum byte-swapped (ntohs puts it right). An odd last byte is the high byte
// of a word whose low byte is zero.
static uint64_t sum_words(const uint8_t *bytes, size_t n, uint64_t sum) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t word;
    memcpy(&word, bytes + i, 4);
    sum += word;
  }
  if (i + 2 <= n) {
    uint16_t half;
    memcpy(&half, bytes + i, 2);
    sum += half;
    i += 2;
  }
  if (i < n) {
    const uint8_t last[2] = {bytes[i], 0};
    uint16_t half;
    memcpy(&half, last, 2);
    sum += half;
  }
  return sum;
}

static uint16_t fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

bool ipv6_transport_checksum(uint8_t *packet, size_t length) {
  if (length < 40 || packet[0] >> 4 != 6) return false;
  // The payload length bounds the sum, not what was read: a frame may carry padding after it.
  // 0 is a jumbogram's (RFC 2675), whose length is elsewhere: not handled.
  size_t end = 40 + (((size_t)packet[4] << 8) | packet[5]);
  if (end == 40 || end > length) return false;

  uint8_t next = packet[6];
  size_t at = 40;
  bool routed = false;
  while (next == next_hop_by_hop || next == next_routing || next == next_destination_options) {
    if (at + 8 > end) return false;
    if (next == next_routing && packet[at + 3] != 0) routed = true;
    next = packet[at];
    at += ((size_t)packet[at + 1] + 1) * 8;
  }
  size_t field;
  if (next == next_tcp && at + 20 <= end) field = at + 16;
  else if (next == next_udp && at + 8 <= end) field = at + 6;
  else return false;

  // RFC 8200 §8.1: the pseudo-header has the final destination, which a Routing header with
  // segments left does not show here (the translator refuses such packets anyway).
  if (routed) return false;
  uint32_t upper_length = htonl((uint32_t)(end - at));
  uint8_t tail[8] = {0, 0, 0, 0, 0, 0, 0, next};  // length (32 bits), 3 zero bytes, next header
  memcpy(tail, &upper_length, 4);
  uint64_t sum = sum_words(packet + 8, 32, 0);  // source and destination addresses
  sum = sum_words(tail, 8, sum);
  packet[field] = 0;
  packet[field + 1] = 0;
  sum = sum_words(packet + at, end - at, sum);
  uint16_t checksum = ntohs((uint16_t)~fold(sum));
  // RFC 768: a UDP checksum that comes out 0 is sent as all ones (0 means "none"); RFC 8200 §8.1
  // requires one over IPv6. For TCP the two are the same value.
  if (checksum == 0 && next == next_udp) checksum = 0xffff;
  packet[field] = (uint8_t)(checksum >> 8);
  packet[field + 1] = (uint8_t)checksum;
  return true;
}

napi_value ipv6_transport_checksum_export(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint8_t *packet;
  size_t length;
  if (!get_args(env, info, 1, argv) || !arg_bytes(env, argv[0], "packet", &packet, &length)) return NULL;
  napi_value result;
  if (napi_get_boolean(env, ipv6_transport_checksum(packet, length), &result) != napi_ok) return NULL;
  return result;
}
