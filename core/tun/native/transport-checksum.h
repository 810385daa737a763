// Computing the TCP or UDP checksum of an IPv6 packet in place (transport-checksum.c), for packets
// a packet socket hands over before their checksum is complete (packet-read.c).
#ifndef CLATTER_TRANSPORT_CHECKSUM_H
#define CLATTER_TRANSPORT_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The IPv6 packet is packet[0, length). Returns true when its checksum was written; false when its
// TCP or UDP header cannot be found (see the .c file), and the packet is then unchanged.
bool ipv6_transport_checksum(uint8_t *packet, size_t length);

#endif
