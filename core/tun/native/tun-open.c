// tunOpen(name: string | null, flags: number) → { fd, name } | -errno
//
// Opens a layer-3 TUN device. The device is not persistent (no TUNSETPERSIST): it disappears
// with its last file descriptor, so an engine that crashes leaves no interface behind.
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

// Flags a caller may add, passed through to the kernel unchanged: IFF_VNET_HDR (a virtio-net
// header before each packet, for offloads) and IFF_MULTI_QUEUE (one fd per queue, each opened
// with the same name and the same flags).
#define TUN_EXTRA_FLAGS (IFF_VNET_HDR | IFF_MULTI_QUEUE)

napi_value tun_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char name[IFNAMSIZ];
  bool named;
  uint32_t extra;
  if (!get_args(env, info, 2, argv) || !arg_ifname(env, argv[0], "name", true, name, &named) ||
      !arg_uint32(env, argv[1], "flags", &extra)) {
    return NULL;
  }
  if (extra & ~(uint32_t)TUN_EXTRA_FLAGS) {
    throw_range(env, "tunOpen flags may only be IFF_VNET_HDR and IFF_MULTI_QUEUE");
    return NULL;
  }

  // O_NONBLOCK: reads return EAGAIN instead of blocking the event loop; readiness comes from
  // watch(). O_CLOEXEC: child processes (ip, sysctl) must not inherit the device.
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno_result(env, errno);

  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  // IFF_TUN: IP packets, no Ethernet header (the CLAT is a layer-3 hop). IFF_NO_PI: no 4-byte
  // packet-information prefix, so a read gives the IP header at offset 0 and a write takes one.
  ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | extra);
  // An empty name (or one with %d, such as "clat%d") lets the kernel choose.
  if (named) memcpy(ifr.ifr_name, name, IFNAMSIZ);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return errno_result(env, err);
  }

  napi_value result, fd_value, name_value;
  if (napi_create_object(env, &result) != napi_ok ||
      napi_create_int32(env, fd, &fd_value) != napi_ok ||
      napi_create_string_utf8(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ), &name_value) != napi_ok ||
      napi_set_named_property(env, result, "fd", fd_value) != napi_ok ||
      napi_set_named_property(env, result, "name", name_value) != napi_ok) {
    close(fd);
    return NULL;
  }
  return result;
}
