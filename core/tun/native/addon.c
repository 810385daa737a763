// clatter_native: system-call-sized primitives for core/tun (TUN, batch I/O, readiness, and the
// sockets of discovery and of the pre-6.17 data path). Every decision is made in TypeScript;
// this layer only crosses into the kernel. See napi-args.h for how errors come back.
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>

#include "addon.h"

// UDP segmentation offload flags (Linux 6.2); older userspace headers (Debian 12's) lack them.
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

// Kernel numbers the TypeScript side needs, taken from the headers rather than retyped there.
static napi_value constants(napi_env env) {
  static const struct {
    const char *name;
    int value;
  } table[] = {
      {"IFF_VNET_HDR", IFF_VNET_HDR},
      {"IFF_MULTI_QUEUE", IFF_MULTI_QUEUE},
      {"TUN_F_CSUM", TUN_F_CSUM},
      {"TUN_F_TSO4", TUN_F_TSO4},
      {"TUN_F_TSO6", TUN_F_TSO6},
      {"TUN_F_USO4", TUN_F_USO4},
      {"TUN_F_USO6", TUN_F_USO6},
      {"NETLINK_ROUTE", NETLINK_ROUTE},
      {"RTMGRP_LINK", RTMGRP_LINK},
      {"RTNLGRP_ND_USEROPT", RTNLGRP_ND_USEROPT},
      {"RTM_NEWLINK", RTM_NEWLINK},
      {"RTM_NEWNDUSEROPT", RTM_NEWNDUSEROPT},
      {"ND_ROUTER_ADVERT", ND_ROUTER_ADVERT},
      // The Node-API version this build asks of Node (binding.gyp): `clatter version` reports it.
      {"NAPI_VERSION", NAPI_VERSION},
  };
  napi_value object, value;
  if (napi_create_object(env, &object) != napi_ok) return NULL;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (napi_create_int32(env, table[i].value, &value) != napi_ok ||
        napi_set_named_property(env, object, table[i].name, value) != napi_ok) {
      return NULL;
    }
  }
  napi_object_freeze(env, object);
  return object;
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"tunOpen", NULL, tun_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tunSetOffload", NULL, tun_set_offload, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readBatch", NULL, read_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeBatch", NULL, write_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch", NULL, fd_watch_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatch", NULL, fd_watch_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netlinkOpen", NULL, netlink_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawIcmp6Open", NULL, raw_icmp6_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvFrom6", NULL, recv_from6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetOpen", NULL, packet_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetReadBatch", NULL, packet_read_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ipv6TransportChecksum", NULL, ipv6_transport_checksum_export, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawIp6SendOpen", NULL, raw_ip6_send_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendTo6", NULL, send_to6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendBatch6", NULL, send_batch6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"joinAnycast6", NULL, join_anycast6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leaveAnycast6", NULL, leave_anycast6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifIndex", NULL, if_index, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifMtu", NULL, if_mtu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"peerCredentials", NULL, peer_credentials, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) != napi_ok) {
    return NULL;
  }
  napi_value table = constants(env);
  if (table == NULL || napi_set_named_property(env, exports, "constants", table) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
