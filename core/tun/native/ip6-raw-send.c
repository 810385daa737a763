// rawIp6SendOpen(ifname | null) → fd | -errno
// sendTo6(fd, packet) → bytes sent | -errno
// sendBatch6(fd, slab, starts, lengths, count) → packets sent | -errno
//
// For kernels before 6.17, the way Android's clatd sends translated packets: a raw IPv6 socket
// to which we hand whole IPv6 packets, header included, built by the translator.
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

napi_value raw_ip6_send_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char ifname[IFNAMSIZ];
  bool bound;
  if (!get_args(env, info, 1, argv) || !arg_ifname(env, argv[0], "ifname", true, ifname, &bound)) {
    return NULL;
  }
  // IPPROTO_RAW implies IPV6_HDRINCL on Linux: the kernel sends our IPv6 header as it is
  // (source, hop limit, flow label all ours) and never reads from this socket.
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return errno_result(env, errno);
  // SO_BINDTODEVICE: out through the uplink, whatever the routing table prefers; this also
  // scopes link-local and multicast destinations to that link.
  if (bound && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) < 0) {
    int err = errno;
    close(fd);
    return errno_result(env, err);
  }
  return make_int(env, fd);
}

// One whole IPv6 packet to its header's own destination.
static ssize_t send_packet6(int fd, const uint8_t *packet, size_t packet_bytes) {
  if (packet_bytes < 40) {
    errno = EINVAL;
    return -1;
  }
  // sendto() still wants a destination even with the header included; it is the header's own
  // destination address (bytes 24 to 39), the one the kernel routes by.
  struct sockaddr_in6 destination;
  memset(&destination, 0, sizeof destination);
  destination.sin6_family = AF_INET6;
  memcpy(&destination.sin6_addr, packet + 24, 16);
  ssize_t n;
  do n = sendto(fd, packet, packet_bytes, 0, (struct sockaddr *)&destination, sizeof destination);
  while (n < 0 && errno == EINTR);
  return n;
}

// The batch form, as writeBatch for a TUN: slab[starts[i], starts[i] + lengths[i]) for i < count,
// stopping at the first failure (count so far, or -errno if the first one fails).
napi_value send_batch6(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd;
  struct packet_list list;
  if (!get_args(env, info, 5, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_packet_list(env, argv + 1, "sendBatch6", &list)) {
    return NULL;
  }
  for (int32_t i = 0; i < list.count; i++) {
    if (send_packet6(fd, list.slab + list.starts[i], (size_t)list.lengths[i]) < 0) {
      return i == 0 ? errno_result(env, errno) : make_int(env, i);
    }
  }
  return make_int(env, list.count);
}

napi_value send_to6(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint8_t *packet;
  size_t packet_bytes;
  if (!get_args(env, info, 2, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_bytes(env, argv[1], "packet", &packet, &packet_bytes)) {
    return NULL;
  }
  // A packet without a whole IPv6 header is data, not a bug of the caller: refuse it as a value.
  ssize_t n = send_packet6(fd, packet, packet_bytes);
  return n < 0 ? errno_result(env, errno) : make_int(env, n);
}
