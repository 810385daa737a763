// The server's UDP echo (RFC 862 style: every datagram goes back to its sender unchanged), in
// Python like the other small peers, so that the lab's far end is not our own Node code. The lab
// writes it to its temp dir and runs it with Debian's /usr/bin/python3.

export const udpEchoFileName = 'udp-echo.py';

export const udpEchoScript = String.raw`# UDP echo server of the Clatter lab. argv: address, port.
import socket, sys

address, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ':' in address else socket.AF_INET
sock = socket.socket(family, socket.SOCK_DGRAM)
sock.bind((address, port))
while True:
    data, peer = sock.recvfrom(65535)
    sock.sendto(data, peer)
`;
