// joinAnycast6(fd, ifindex, address: Uint8Array(16)) → 0 | -errno, and leaveAnycast6 (same)
//
// Makes the kernel answer neighbour solicitations for the CLAT's IPv6 address on the uplink
// without assigning it as a unicast address (which would make the kernel claim its packets).
// The membership belongs to the socket: closing the fd leaves the group. On a host (forwarding
// off) the kernel accepts only addresses within a prefix on that interface (EADDRNOTAVAIL), and
// it needs CAP_NET_ADMIN.
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "addon.h"
#include "napi-args.h"

static napi_value anycast(napi_env env, napi_callback_info info, int option) {
  napi_value argv[3];
  int32_t fd, ifindex;
  uint8_t *address;
  size_t address_bytes;
  if (!get_args(env, info, 3, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_int32(env, argv[1], "ifindex", &ifindex) ||
      !arg_bytes(env, argv[2], "address", &address, &address_bytes)) {
    return NULL;
  }
  if (address_bytes != 16) {
    throw_range(env, "an IPv6 address is 16 bytes");
    return NULL;
  }
  struct ipv6_mreq request;
  memcpy(&request.ipv6mr_multiaddr, address, 16);
  request.ipv6mr_interface = (unsigned)ifindex;
  if (setsockopt(fd, IPPROTO_IPV6, option, &request, sizeof request) < 0) {
    return errno_result(env, errno);
  }
  return make_int(env, 0);
}

napi_value join_anycast6(napi_env env, napi_callback_info info) {
  return anycast(env, info, IPV6_JOIN_ANYCAST);
}

napi_value leave_anycast6(napi_env env, napi_callback_info info) {
  return anycast(env, info, IPV6_LEAVE_ANYCAST);
}
