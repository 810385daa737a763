// The addon's functions, one file each (or a few per socket kind), registered in addon.c.
#ifndef CLATTER_ADDON_H
#define CLATTER_ADDON_H

#include <node_api.h>

napi_value tun_open(napi_env env, napi_callback_info info);
napi_value tun_set_offload(napi_env env, napi_callback_info info);
napi_value read_batch(napi_env env, napi_callback_info info);
napi_value write_batch(napi_env env, napi_callback_info info);
napi_value fd_watch_start(napi_env env, napi_callback_info info);
napi_value fd_watch_stop(napi_env env, napi_callback_info info);
napi_value netlink_open(napi_env env, napi_callback_info info);
napi_value raw_icmp6_open(napi_env env, napi_callback_info info);
napi_value recv_from6(napi_env env, napi_callback_info info);
napi_value packet_open(napi_env env, napi_callback_info info);
napi_value packet_read_batch(napi_env env, napi_callback_info info);
napi_value ipv6_transport_checksum_export(napi_env env, napi_callback_info info);
napi_value raw_ip6_send_open(napi_env env, napi_callback_info info);
napi_value send_to6(napi_env env, napi_callback_info info);
napi_value join_anycast6(napi_env env, napi_callback_info info);
napi_value leave_anycast6(napi_env env, napi_callback_info info);
napi_value if_index(napi_env env, napi_callback_info info);
napi_value if_mtu(napi_env env, napi_callback_info info);
napi_value close_fd(napi_env env, napi_callback_info info);
napi_value peer_credentials(napi_env env, napi_callback_info info);
napi_value send_batch6(napi_env env, napi_callback_info info);

#endif
