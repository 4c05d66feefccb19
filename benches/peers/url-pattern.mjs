// The gateway URL pattern of peers/pusher.schema.json, shared by the zod and valibot peers:
// https (any case), a name, IPv4 or bracketed IPv6 host, an optional port, the notify path,
// an optional query. It does not look at what the host is (private, numeric, too long).
export const GATEWAY_URL =
  /^[Hh][Tt][Tt][Pp][Ss]:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?\/_matrix\/push\/v1\/notify(\?[^#\s]*)?$/u;
