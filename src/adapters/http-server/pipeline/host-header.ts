/**
 * A Host (or X-Forwarded-Host) value that names a host plainly: a name or an IPv4 address, and a
 * port. Such a value always makes a valid URL origin.
 */
export const NAMED_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** A named host, or a bracketed IPv6 literal (whose contents this does not check), and a port. */
export const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
