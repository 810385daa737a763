// rawIcmp6Open(ifname | null, passTypes: number[] | null) → fd | -errno
// recvFrom6(fd, buffer, source, meta) → bytes | -errno
//
// A raw ICMPv6 socket for reading Router Advertisements ourselves, for when NetworkManager (or
// anyone else) owns RA processing and the kernel's RTM_NEWNDUSEROPT does not reach us.
// The kernel verifies the ICMPv6 checksum of what it delivers here.
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

static int enable(int fd, int level, int option) {
  int on = 1;
  return setsockopt(fd, level, option, &on, sizeof on);
}

// Reads passTypes into an ICMP6_FILTER that passes only those types.
static bool read_filter(napi_env env, napi_value types, struct icmp6_filter *filter) {
  bool is_array = false;
  uint32_t count;
  if (napi_is_array(env, types, &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, types, &count) != napi_ok) {
    return throw_type(env, "passTypes", "an array of ICMPv6 types or null");
  }
  ICMP6_FILTER_SETBLOCKALL(filter);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    uint32_t type;
    if (napi_get_element(env, types, i, &element) != napi_ok ||
        !arg_uint32(env, element, "passTypes[i]", &type)) {
      return false;
    }
    if (type > 255) return throw_range(env, "ICMPv6 types are 0 to 255");
    ICMP6_FILTER_SETPASS(type, filter);
  }
  return true;
}

napi_value raw_icmp6_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char ifname[IFNAMSIZ];
  bool bound;
  struct icmp6_filter filter;
  if (!get_args(env, info, 2, argv)) return NULL;
  bool filtered = !is_nullish(env, argv[1]);
  if (!arg_ifname(env, argv[0], "ifname", true, ifname, &bound) ||
      (filtered && !read_filter(env, argv[1], &filter))) {
    return NULL;
  }
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return errno_result(env, errno);
  if (
      // ICMP6_FILTER (RFC 3542 §3.2): the kernel drops other types before they are queued, so an
      // RA reader is not woken by every neighbour solicitation and MLD report on the link.
      (filtered && setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0) ||
      // IPV6_RECVPKTINFO: which interface the packet came in on (recvFrom6 meta[0]).
      enable(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO) < 0 ||
      // IPV6_RECVHOPLIMIT: RFC 4861 §6.1.2 accepts an RA only with hop limit 255 (proof that it
      // was not forwarded), so the reader needs the hop limit it arrived with (meta[1]).
      enable(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT) < 0 ||
      // SO_BINDTODEVICE: only packets that arrived on this interface.
      (bound && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) < 0)) {
    int err = errno;
    close(fd);
    return errno_result(env, err);
  }
  return make_int(env, fd);
}

// recvFrom6(fd, buffer, source: Uint8Array(16), meta: Int32Array(2)) → bytes | -errno
//
// One datagram into buffer (for a raw ICMPv6 socket: from the ICMPv6 header on). Writes the
// sender's address to source, and meta[0] = arrival interface index (0 if unknown),
// meta[1] = hop limit (-1 if unknown). A datagram longer than buffer is dropped: -EMSGSIZE.
napi_value recv_from6(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd;
  uint8_t *buffer, *source;
  size_t buffer_bytes, source_bytes, meta_count;
  int32_t *meta;
  if (!get_args(env, info, 4, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_bytes(env, argv[1], "buffer", &buffer, &buffer_bytes) ||
      !arg_bytes(env, argv[2], "source", &source, &source_bytes) ||
      !arg_int32s(env, argv[3], "meta", &meta, &meta_count)) {
    return NULL;
  }
  if (source_bytes < 16 || meta_count < 2) {
    throw_range(env, "recvFrom6 needs 16 source bytes and 2 meta elements");
    return NULL;
  }

  struct sockaddr_in6 from;
  struct iovec iov = {.iov_base = buffer, .iov_len = buffer_bytes};
  union {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr message = {
      .msg_name = &from,
      .msg_namelen = sizeof from,
      .msg_iov = &iov,
      .msg_iovlen = 1,
      .msg_control = control.bytes,
      .msg_controllen = sizeof control.bytes,
  };
  ssize_t n;
  do n = recvmsg(fd, &message, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_result(env, errno);
  if (message.msg_flags & MSG_TRUNC) return errno_result(env, EMSGSIZE);

  memset(source, 0, 16);
  if (message.msg_namelen >= sizeof from) memcpy(source, &from.sin6_addr, 16);
  meta[0] = 0;
  meta[1] = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo packet_info;
      memcpy(&packet_info, CMSG_DATA(c), sizeof packet_info);
      meta[0] = (int32_t)packet_info.ipi6_ifindex;
    } else if (c->cmsg_type == IPV6_HOPLIMIT) {
      int hop_limit;
      memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
      meta[1] = hop_limit;
    }
  }
  return make_int(env, n);
}
