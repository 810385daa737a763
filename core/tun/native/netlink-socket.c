// netlinkOpen(protocol, groups) → fd | -errno
//
// A netlink socket subscribed to multicast groups, read with readBatch (one datagram, which may
// hold several netlink messages, per slot). Discovery uses NETLINK_ROUTE with the
// RTNLGRP_ND_USEROPT group: the kernel forwards the Router Advertisement options it does not
// handle itself (PREF64, RDNSS, ...) as RTM_NEWNDUSEROPT messages.
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

napi_value netlink_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t protocol;
  uint32_t groups;
  if (!get_args(env, info, 2, argv) || !arg_int32(env, argv[0], "protocol", &protocol) ||
      !arg_uint32(env, argv[1], "groups", &groups)) {
    return NULL;
  }
  // SOCK_NONBLOCK: readiness comes from watch(); SOCK_CLOEXEC: children must not inherit it.
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return errno_result(env, errno);

  struct sockaddr_nl address;
  memset(&address, 0, sizeof address);
  address.nl_family = AF_NETLINK;
  // nl_pid 0: the kernel assigns a unique port id. nl_groups: a bitmask where group n is
  // bit n - 1 (enough for every rtnetlink group up to 32, which covers RTNLGRP_ND_USEROPT).
  address.nl_groups = groups;
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int err = errno;
    close(fd);
    return errno_result(env, err);
  }
  return make_int(env, fd);
}
