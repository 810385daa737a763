// tunSetOffload(fd, vnetHeaderBytes, offloads) → 0 | -errno
//
// For a TUN opened with IFF_VNET_HDR: every read and write then carries a struct virtio_net_hdr
// before the IP packet (core/wire/virtio-net-header.ts reads it). Three settings, in this order:
//   TUNSETVNETLE 1       the header's 16-bit fields are little-endian on every host (drivers/net/tun.c
//                        otherwise uses the legacy virtio byte order, the host's own);
//   TUNSETVNETHDRSZ n    its size (10: struct virtio_net_hdr, no num_buffers);
//   TUNSETOFFLOAD flags  what the kernel may hand us: TUN_F_CSUM (checksums left partial), TSO4/TSO6
//                        (TCP super-packets up to 64 KiB), USO4/USO6 (UDP ones, Linux 6.2+).
// The kernel refuses flags it does not know with EINVAL, so the caller retries with fewer: which
// ones it got is the caller's to decide, not this layer's. Writes may carry GSO packets whatever
// was set here (tun_get_user → virtio_net_hdr_to_skb).
#include <errno.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include "addon.h"
#include "napi-args.h"

napi_value tun_set_offload(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, header_bytes;
  uint32_t offloads;
  if (!get_args(env, info, 3, argv) || !arg_int32(env, argv[0], "fd", &fd) ||
      !arg_int32(env, argv[1], "vnetHeaderBytes", &header_bytes) ||
      !arg_uint32(env, argv[2], "offloads", &offloads)) {
    return NULL;
  }
  int little_endian = 1;
  if (ioctl(fd, TUNSETVNETLE, &little_endian) < 0) return errno_result(env, errno);
  if (ioctl(fd, TUNSETVNETHDRSZ, &header_bytes) < 0) return errno_result(env, errno);
  // TUNSETOFFLOAD takes the flags by value, not by pointer (drivers/net/tun.c, __tun_chr_ioctl).
  if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads) < 0) return errno_result(env, errno);
  return make_int(env, 0);
}
