// ifIndex(name) → index | -errno, ifMtu(name) → bytes | -errno
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

napi_value if_index(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char name[IFNAMSIZ];
  bool present;
  if (!get_args(env, info, 1, argv) || !arg_ifname(env, argv[0], "name", false, name, &present)) {
    return NULL;
  }
  unsigned index = if_nametoindex(name);
  return index == 0 ? errno_result(env, errno) : make_int(env, index);
}

// The MTU as the interface has it now (host setup sets it; the device only reads it). Asked
// with SIOCGIFMTU rather than read from /sys, which shows the namespace sysfs was mounted in,
// not necessarily ours.
napi_value if_mtu(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  struct ifreq ifr;
  bool present;
  memset(&ifr, 0, sizeof ifr);
  if (!get_args(env, info, 1, argv) ||
      !arg_ifname(env, argv[0], "name", false, ifr.ifr_name, &present)) {
    return NULL;
  }
  // Interface ioctls need a socket, any socket; a datagram one is the cheapest to make.
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_result(env, errno);
  int result = ioctl(fd, SIOCGIFMTU, &ifr);
  int err = errno;
  close(fd);
  return result < 0 ? errno_result(env, err) : make_int(env, ifr.ifr_mtu);
}
