// The PREF64 RA sender (Python, run by the lab in the isp namespace; see pref64-control.ts).
//
// Why a sender of our own: radvd 2.19 cannot send the PREF64 option (RFC 8781), so extra RAs carry
// it, from the router's link-local address on the host-facing link. Why raw-socket Python rather
// than scapy: it is written from the RFC, independently of Clatter's own RA parser, with nothing but
// Python's standard library; the kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket
// (RFC 3542 §3.1), and it starts in tens of milliseconds where importing scapy takes about a second.
// It lives in a TypeScript string so that it ships with the compiled code; the lab writes it to its
// temp dir and runs it with Debian's /usr/bin/python3.

export const pref64SenderFileName = 'pref64-sender.py';

export const pref64SenderScript = String.raw`# PREF64 Router Advertisement sender of the Clatter lab (RFC 8781).
#
# argv: interface, source link-local address, router lifetime (seconds).
# Conversation, one line each way; every command starts with a sequence number that its reply repeats:
#   "<n> announce <prefix>/<length> <lifetime s> <interval ms>" -> sends an RA at once and then every
#        interval, replies "<n> announced" once the first one is out
#   "<n> silence"  -> stops sending, replies "<n> silenced"
#   anything wrong -> "<n> error <reason>", and what was being sent goes on being sent
#   end of stdin   -> exit
#
# As a router does, it answers Router Solicitations while it announces (RFC 4861 §6.2.6): with a
# multicast RA after a random delay of up to MAX_RA_DELAY_TIME, never sooner than
# MIN_DELAY_BETWEEN_RAS after its last multicast RA, one answer for all the solicitations that
# arrive meanwhile; each answer is reported on stderr ("answered RS from <source>").
#
# The RAs repeat radvd's router lifetime rather than 0: they come from the same address as radvd's,
# and a host drops its default route through a router the moment that router advertises lifetime 0
# (RFC 4861 §6.3.4).

import ipaddress, os, random, select, socket, struct, sys, time

ND_ROUTER_SOLICIT = 133      # RFC 4861 §4.1
ND_ROUTER_ADVERT = 134       # RFC 4861 §4.2
ND_OPT_SOURCE_LINKADDR = 1   # RFC 4861 §4.6.1
MAX_RA_DELAY_TIME = 0.5      # RFC 4861 §10, seconds
MIN_DELAY_BETWEEN_RAS = 3.0  # RFC 4861 §10, seconds
ND_OPT_PREF64 = 38           # RFC 8781 §4
ICMP6_FILTER = 1             # <netinet/icmp6.h>; the socket module has no name for it
PREFIX_LENGTH_CODE = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}  # RFC 8781 §4, PLC
MAX_SCALED_LIFETIME = 0x1FFF  # 13 bits, in units of 8 seconds


def pref64_option(prefix, lifetime_s):
    #  0                   1                   2                   3
    #  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    # |     Type      |    Length     |     Scaled Lifetime     | PLC |
    # |          Highest 96 bits of the Prefix (three more words)     |
    # RFC 8781 §4.1: a lifetime that is not a multiple of 8 is rounded up, and capped at 8191 * 8 s.
    scaled = min((lifetime_s + 7) // 8, MAX_SCALED_LIFETIME)
    word = scaled << 3 | PREFIX_LENGTH_CODE[prefix.prefixlen]
    return struct.pack('!BBH', ND_OPT_PREF64, 2, word) + prefix.network_address.packed[:12]


def router_advertisement(mac, router_lifetime_s, options):
    # RFC 4861 §4.2: type, code, checksum (left to the kernel), current hop limit 0 (unspecified),
    # M and O flags clear as in radvd's RAs, router lifetime, reachable time and retrans timer 0
    # (unspecified); then our link-layer address (§4.6.1), as routers include it.
    header = struct.pack('!BBHBBHII', ND_ROUTER_ADVERT, 0, 0, 0, 0, router_lifetime_s, 0, 0)
    return header + struct.pack('!BB', ND_OPT_SOURCE_LINKADDR, 1) + mac + options


def parse_announce(words):
    if len(words) != 3:
        raise ValueError('announce takes <prefix>/<length> <lifetime s> <interval ms>')
    prefix = ipaddress.IPv6Network(words[0], strict=True)
    if prefix.prefixlen not in PREFIX_LENGTH_CODE:
        raise ValueError('RFC 8781 allows prefix lengths 32, 40, 48, 56, 64 and 96 only')
    lifetime_s, interval_ms = int(words[1]), int(words[2])
    if lifetime_s < 0 or interval_ms < 50:
        raise ValueError('lifetime must be >= 0 s and interval >= 50 ms')
    return prefix, lifetime_s, interval_ms / 1000


def pass_only(icmp_type):
    # struct icmp6_filter: eight 32-bit words in host order, a set bit blocks that type
    # (ICMP6_FILTER_SETPASS in <netinet/icmp6.h>).
    words = [0xFFFFFFFF] * 8
    words[icmp_type >> 5] &= ~(1 << (icmp_type & 31))
    return struct.pack('=8I', *words)


def valid_solicitation(data, ancdata, source):
    # RFC 4861 §6.1.1: hop limit 255 (not forwarded), code 0, at least 8 octets, every option with a
    # length above zero, and no Source Link-Layer Address option from the unspecified address.
    hop_limit = None
    for level, kind, value in ancdata:
        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_HOPLIMIT and len(value) >= 4:
            hop_limit = struct.unpack('=i', value[:4])[0]
    if hop_limit != 255 or len(data) < 8 or data[0] != ND_ROUTER_SOLICIT or data[1] != 0:
        return False
    offset = 8
    while offset < len(data):
        if offset + 2 > len(data) or data[offset + 1] == 0:
            return False
        if data[offset] == ND_OPT_SOURCE_LINKADDR and source == '::':
            return False
        offset += data[offset + 1] * 8
    return offset == len(data)


def reply(text):
    sys.stdout.write(text + '\n')
    sys.stdout.flush()


def main():
    ifname, source, router_lifetime_s = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ifindex = socket.if_nametoindex(ifname)
    with open('/sys/class/net/%s/address' % ifname) as f:
        mac = bytes.fromhex(f.read().strip().replace(':', ''))
    sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    # It hears Router Solicitations only (to ff02::2, which the router joined), with their hop limit.
    sock.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER, pass_only(ND_ROUTER_SOLICIT))
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    # RFC 4861 §6.1.2: a host drops an RA whose hop limit is not 255.
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    sock.bind((source, 0, 0, ifindex))
    all_nodes = ('ff02::1', 0, 0, ifindex)

    last_multicast = [float('-inf')]

    def send(packet):
        last_multicast[0] = time.monotonic()
        try:
            sock.sendto(packet, all_nodes)
        except OSError as error:
            # The link may be down (the lab's uplinkDown); the next interval tries again.
            sys.stderr.write('pref64-sender: %s\n' % error)

    packet, interval_s, next_send = None, 0.0, 0.0
    # When the answer to the Router Solicitations heard so far goes out; None: no answer due.
    answer_at, answer_for = None, []
    pending = b''
    while True:
        deadlines = [t for t in (next_send if packet is not None else None, answer_at) if t is not None]
        timeout = None if not deadlines else max(0.0, min(deadlines) - time.monotonic())
        readable, _, _ = select.select([0, sock], [], [], timeout)
        if sock in readable:
            try:
                data, ancdata, _, address = sock.recvmsg(1500, socket.CMSG_SPACE(4))
            except OSError:
                data, ancdata, address = b'', [], ('::',)
            source = address[0].split('%')[0]
            if packet is not None and data and valid_solicitation(data, ancdata, source):
                answer_for.append(source)
                if answer_at is None:
                    # RFC 4861 §6.2.6: a random delay, and no sooner than MIN_DELAY_BETWEEN_RAS
                    # after the last multicast RA.
                    now = time.monotonic()
                    answer_at = max(now + random.uniform(0, MAX_RA_DELAY_TIME), last_multicast[0] + MIN_DELAY_BETWEEN_RAS)
        if answer_at is not None and time.monotonic() >= answer_at:
            if packet is not None:
                send(packet)
                sys.stderr.write('pref64-sender: answered RS from %s\n' % ', '.join(answer_for))
                sys.stderr.flush()
            answer_at, answer_for = None, []
        if 0 in readable:
            chunk = os.read(0, 4096)
            if not chunk:
                return
            pending += chunk
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                words = line.decode('utf-8', 'replace').split()
                if not words:
                    continue
                sequence, command = words[0], words[1:2]
                try:
                    if command == ['announce']:
                        prefix, lifetime_s, interval_s = parse_announce(words[2:])
                        packet = router_advertisement(mac, router_lifetime_s, pref64_option(prefix, lifetime_s))
                        send(packet)
                        next_send = time.monotonic() + interval_s
                        reply(sequence + ' announced')
                    elif command == ['silence'] and len(words) == 2:
                        packet = None
                        reply(sequence + ' silenced')
                    else:
                        raise ValueError('unknown command: ' + ' '.join(words[1:]))
                except ValueError as error:
                    reply('%s error %s' % (sequence, error))
        if packet is not None and time.monotonic() >= next_send:
            send(packet)
            next_send = max(next_send + interval_s, time.monotonic())


main()
`;
