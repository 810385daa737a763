// Netlink datagrams as the kernel writes them (linux/netlink.h): messages one after another, each
// a header and a body padded to 4 bytes; inside a body, attributes the same way. Every field is in
// the host's byte order. Read by RA discovery (nd-useropt-message.ts) and the engine's link watch
// (rtnetlink-events.ts).
//
//   nlmsghdr    u32 length (header included), u16 type, u16 flags, u32 seq, u32 pid     16 bytes
//   nlattr      u16 length (header included), u16 type, value                           4 + n bytes

export const netlinkHeaderBytes = 16;
/** NLMSG_DONE: the end of a multipart answer; nothing after it is read. */
export const netlinkDone = 3;
const attributeHeaderBytes = 4;
/** Attribute types carry two flag bits (nested, network byte order) above the type proper. */
const attributeTypeMask = 0x3fff;

/** Netlink speaks the host's byte order. */
export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function align4(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Calls `visit` with each message's type and its body, `bytes[body, end)`, in order. Stops at
 * NLMSG_DONE and at a message whose length does not fit (what follows cannot be found).
 */
export function forEachNetlinkMessage(bytes: Uint8Array, view: DataView, visit: (type: number, body: number, end: number) => void): void {
  let offset = 0;
  while (offset + netlinkHeaderBytes <= bytes.length) {
    const messageBytes = view.getUint32(offset, hostIsLittleEndian);
    const type = view.getUint16(offset + 4, hostIsLittleEndian);
    if (messageBytes < netlinkHeaderBytes || offset + messageBytes > bytes.length || type === netlinkDone) return;
    visit(type, offset + netlinkHeaderBytes, offset + messageBytes);
    offset += align4(messageBytes);
  }
}

/** The value of the first attribute of `type` among those in `bytes[from, end)`, a copy; null if none (or one does not fit). */
export function netlinkAttribute(bytes: Uint8Array, view: DataView, from: number, end: number, type: number): Uint8Array | null {
  let at = from;
  while (at + attributeHeaderBytes <= end) {
    const length = view.getUint16(at, hostIsLittleEndian);
    if (length < attributeHeaderBytes || at + length > end) return null;
    if ((view.getUint16(at + 2, hostIsLittleEndian) & attributeTypeMask) === type) return bytes.slice(at + attributeHeaderBytes, at + length);
    at += align4(length);
  }
  return null;
}
