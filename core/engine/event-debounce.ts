// How long the engine waits after a netlink or nftables event before it looks at the host: events
// come in bursts (a link going down takes its addresses and routes with it, a firewall reload is a
// batch of messages), and one look after the burst sees the end state.

export const eventDebounceMs = 300;
