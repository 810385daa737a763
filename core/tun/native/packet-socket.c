// packetOpen(ifname, bpfProgram: Uint8Array) → fd | -errno
//
// For kernels before 6.17, the way Android's clatd reads the CLAT's IPv6 packets: a packet
// socket on the uplink with a classic BPF filter that passes only packets for the CLAT address
// (the program is built in TypeScript). Read with packetReadBatch (packet-read.c): SOCK_DGRAM
// strips the link-layer header, so a slot holds the IPv6 packet from its first byte, as a TUN read
// does, and the filter's offsets count from the IPv6 header too. PACKET_AUXDATA is on, so that the
// reader learns of each packet whether its checksum is finished (tp_status).
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "napi-args.h"

static int enable(int fd, int level, int option) {
  int on = 1;
  return setsockopt(fd, level, option, &on, sizeof on);
}

napi_value packet_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char ifname[IFNAMSIZ];
  bool present;
  uint8_t *program;
  size_t program_bytes;
  if (!get_args(env, info, 2, argv) || !arg_ifname(env, argv[0], "ifname", false, ifname, &present) ||
      !arg_bytes(env, argv[1], "bpfProgram", &program, &program_bytes)) {
    return NULL;
  }
  if (program_bytes % sizeof(struct sock_filter) != 0 ||
      program_bytes / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    throw_range(env, "bpfProgram must be whole sock_filter structs (8 bytes), at most 4096");
    return NULL;
  }
  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return errno_result(env, errno);

  // Protocol 0 at first: the socket receives nothing until bind() below, so no packet gets
  // queued before the filter is attached.
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_result(env, errno);

  // The kernel copies the program, so the caller's bytes are not kept. An empty program
  // attaches no filter (every IPv6 packet of the interface).
  struct sock_fprog filter = {
      .len = (unsigned short)(program_bytes / sizeof(struct sock_filter)),
      .filter = (struct sock_filter *)program,
  };
  struct sockaddr_ll address;
  memset(&address, 0, sizeof address);
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_IPV6);  // IPv6 only: the CLAT's side of the uplink
  address.sll_ifindex = (int)ifindex;
  if ((filter.len > 0 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) < 0) ||
      // PACKET_IGNORE_OUTGOING: the socket sees what arrives for the CLAT, not copies of what
      // the host (or our raw send socket) sends out of the interface.
      enable(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING) < 0 ||
      // PACKET_AUXDATA: a struct tpacket_auxdata with every packet read by recvmsg (packet-read.c).
      enable(fd, SOL_PACKET, PACKET_AUXDATA) < 0 ||
      bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int err = errno;
    close(fd);
    return errno_result(env, err);
  }
  return make_int(env, fd);
}
