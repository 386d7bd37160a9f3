// Errors that mean a dependency (Temporal, PostgreSQL) is out of reach: the client should retry
// later (503), it did nothing wrong (4xx) and nothing broke in our code (500).

const grpcUnavailableCodes = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */]);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
// PostgreSQL: admin shutdown, cannot connect now, connection failures, too many connections.
const postgresCodes = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const messages = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Failed to connect/i, /connection error/i];

export function isDependencyUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = e as { code?: unknown; name?: string; message?: string };
    if (typeof code === 'number' && grpcUnavailableCodes.has(code)) return true;
    if (typeof code === 'string' && (networkCodes.has(code) || postgresCodes.has(code))) return true;
    if (name === 'TransportError' || name === 'ConnectionError') return true;
    if (message && messages.some((m) => m.test(message))) return true;
  }
  return false;
}

/** A gRPC call that ran out of its deadline (code 4), anywhere in the cause chain. */
export function isDeadlineExceeded(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 4) return true;
  }
  return false;
}
