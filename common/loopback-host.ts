/**
 * Which hosts plain `http://` may carry a secret to: the client's key (src/client/policy/auth.ts)
 * and drift's `--header` values (src/drift/runtime.ts).
 */

/**
 * True for what is loopback for certain: `localhost`, 127.0.0.0/8 and ::1 (and 127/8 mapped into
 * IPv6). Not `*.localhost`: such a name may be resolved through DNS rather than pinned to loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::1' ||
    /^::ffff:(127(\.\d{1,3}){3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(host)
  );
}
