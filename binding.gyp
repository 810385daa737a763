# The native addon of core/tun (see core/tun/native/addon.c). npm install builds it with node-gyp
# because this file exists; the result is build/Release/clatter_native.node, and the demo's call
# app build/Release/clatter-call.
{
  "targets": [
    {
      "target_name": "clatter_native",
      "sources": [
        "core/tun/native/addon.c",
        "core/tun/native/napi-args.c",
        "core/tun/native/tun-open.c",
        "core/tun/native/tun-offload.c",
        "core/tun/native/batch-io.c",
        "core/tun/native/fd-watch.c",
        "core/tun/native/fd-close.c",
        "core/tun/native/interface-info.c",
        "core/tun/native/netlink-socket.c",
        "core/tun/native/icmp6-socket.c",
        "core/tun/native/packet-socket.c",
        "core/tun/native/packet-read.c",
        "core/tun/native/transport-checksum.c",
        "core/tun/native/ip6-raw-send.c",
        "core/tun/native/anycast6.c",
        "core/tun/native/peer-credentials.c"
      ],
      # Node-API 8: type tags (fd-watch.c); Node 20 has 9. _GNU_SOURCE: the Linux socket options.
      # _FORTIFY_SOURCE, the stack protector and full RELRO: Debian's hardening flags (the addon
      # runs in the root engine).
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE", "_FORTIFY_SOURCE=2"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-fstack-protector-strong"],
      "ldflags": ["-Wl,-z,relro", "-Wl,-z,now"]
    },
    {
      # The demo's call-like IPv4-only app (core/demo/native/clatter-call.c): build/Release/clatter-call.
      "target_name": "clatter-call",
      "type": "executable",
      "sources": ["core/demo/native/clatter-call.c"],
      "defines": ["_FORTIFY_SOURCE=2"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-fstack-protector-strong"],
      "ldflags": ["-Wl,-z,relro", "-Wl,-z,now"]
    }
  ]
}
