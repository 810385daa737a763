/*
 * clatter-call: the demo's "voice call", an IPv4-only app of the kind a CLAT exists for. Like an
 * old VoIP SDK it takes an IPv4 literal and talks UDP over AF_INET only; it sends a 20 ms frame
 * (50 packets a second, 160 bytes: G.711's payload size) and the far end (the lab's UDP echo)
 * sends each one back, so traffic flows both ways at a call's rate. Once a second it prints one
 * line for `clatter demo` (core/demo/demo-apps.ts) to read:
 *
 *   second 12: sent 50 received 50 rtt 0.41 ms
 *   second 13: sent 0 received 0 error Network is unreachable
 *
 * Usage: clatter-call IPV4 PORT [PACKETS_PER_SECOND] [PAYLOAD_BYTES]. Stops on SIGTERM/SIGINT.
 * Built by node-gyp with the addon (binding.gyp): an executable of its own, so the flows and the
 * report show "clatter-call" as its program, not an interpreter's name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

static int64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* The first 12 bytes of each frame: a sequence number and the send time, to match echoes. */
struct frame_header {
  uint32_t sequence;
  int64_t sent_ns;
} __attribute__((packed));

/* The whole decimal number `text`, or -1 when it is not one ("80abc", "", "-3"). */
static long whole_number(const char *text) {
  char *end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0) return -1;
  return value;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 5) {
    fprintf(stderr, "usage: clatter-call IPV4 PORT [PACKETS_PER_SECOND] [PAYLOAD_BYTES]\n");
    return 2;
  }
  struct sockaddr_in peer = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[1], &peer.sin_addr) != 1) {
    fprintf(stderr, "clatter-call: %s is not an IPv4 address (this app only knows IPv4)\n", argv[1]);
    return 2;
  }
  long port = whole_number(argv[2]);
  long rate = argc > 3 ? whole_number(argv[3]) : 50;
  long payload_bytes = argc > 4 ? whole_number(argv[4]) : 160;
  if (port < 1 || port > 65535 || rate < 1 || rate > 1000 || payload_bytes < (long)sizeof(struct frame_header) || payload_bytes > 1400) {
    fprintf(stderr, "clatter-call: port 1-65535, 1-1000 packets a second, 12-1400 payload bytes\n");
    return 2;
  }
  peer.sin_port = htons((uint16_t)port);
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(stderr, "clatter-call: socket: %s\n", strerror(errno));
    return 1;
  }
  /* Connected, so the kernel tells us ENETUNREACH, and ICMP errors come back as errors on the
     socket (ECONNREFUSED, EHOSTUNREACH, ENETUNREACH). Without a route connect() fails: retried
     before every send, its errno is what the app reports. */
  int connect_error = 0;
  int connected = connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0;
  if (!connected) connect_error = errno;

  unsigned char frame[1400];
  memset(frame, 0x55, sizeof frame);
  const int64_t interval_ns = 1000000000 / rate;
  int64_t next_send = now_ns();
  int64_t second_end = next_send + 1000000000;
  uint32_t sequence = 0;
  unsigned second = 0, sent = 0, received = 0;
  double rtt_sum_ms = 0;
  int last_error = 0;

  while (!stopping) {
    int64_t now = now_ns();
    if (now >= second_end) {
      /* After a stall (suspend, a stopped process), one line, not one per second missed. */
      if (now - second_end > 1000000000) second_end = now;
      second++;
      if (last_error != 0)
        printf("second %u: sent %u received %u error %s\n", second, sent, received, strerror(last_error));
      else if (received > 0)
        printf("second %u: sent %u received %u rtt %.2f ms\n", second, sent, received, rtt_sum_ms / received);
      else
        printf("second %u: sent %u received 0\n", second, sent);
      sent = received = 0;
      rtt_sum_ms = 0;
      last_error = 0;
      second_end += 1000000000;
    }
    if (now >= next_send) {
      struct frame_header header = {.sequence = sequence++, .sent_ns = now};
      memcpy(frame, &header, sizeof header);
      if (!connected) {
        connected = connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0;
        if (!connected) connect_error = errno;
      }
      if (connected && send(fd, frame, (size_t)payload_bytes, 0) == payload_bytes) sent++;
      else last_error = connected ? errno : connect_error;
      next_send += interval_ns;
      /* After a stall (suspend, a stopped process), do not burst to catch up. */
      if (now - next_send > 1000000000) next_send = now + interval_ns;
    }
    int64_t wait_ns = (next_send < second_end ? next_send : second_end) - now_ns();
    struct pollfd readable = {.fd = fd, .events = POLLIN};
    int ready = poll(&readable, 1, wait_ns > 0 ? (int)((wait_ns + 999999) / 1000000) : 0);
    if (ready <= 0) continue;
    unsigned char reply[1500];
    ssize_t length;
    for (;;) {
      length = recv(fd, reply, sizeof reply, MSG_DONTWAIT);
      if (length < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        /* An ICMP error for an earlier frame, reported once on the socket: note it; poll() brings
           us back for whatever is still queued. */
        last_error = errno;
        break;
      }
      if ((size_t)length < sizeof(struct frame_header)) continue;
      struct frame_header header;
      memcpy(&header, reply, sizeof header);
      received++;
      rtt_sum_ms += (double)(now_ns() - header.sent_ns) / 1e6;
    }
  }
  close(fd);
  return 0;
}
