/**
 * RFC 9457 problem details. Every error the API answers is one of these, as
 * application/problem+json; the `type` URIs are listed in docs/api-errors.md.
 */
export interface ProblemField {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: ProblemField[];
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly problemType: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Partial<Pick<Problem, 'errors'>> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export const problemTypes = {
  validation: '/problems/validation',
  badRequest: '/problems/bad-request',
  unauthorized: '/problems/unauthorized',
  forbidden: '/problems/forbidden',
  notFound: '/problems/not-found',
  conflict: '/problems/conflict',
  payloadTooLarge: '/problems/payload-too-large',
  unsupportedMediaType: '/problems/unsupported-media-type',
  uriTooLong: '/problems/uri-too-long',
  headersTooLarge: '/problems/request-header-fields-too-large',
  requestTimeout: '/problems/request-timeout',
  unavailable: '/problems/service-unavailable',
  tooManyRequests: '/problems/too-many-requests',
  internal: '/problems/internal',
} as const;

/** The media type of every error answer (RFC 9457). */
export const problemMediaType = 'application/problem+json';

export const notFound = (what: string) => new HttpProblem(404, problemTypes.notFound, 'Not Found', `${what} does not exist`);
export const conflict = (detail: string) => new HttpProblem(409, problemTypes.conflict, 'Conflict', detail);
export const forbidden = (detail: string) => new HttpProblem(403, problemTypes.forbidden, 'Forbidden', detail);
export const unauthorized = (detail: string) => new HttpProblem(401, problemTypes.unauthorized, 'Unauthorized', detail);
export const unavailable = (detail: string) =>
  new HttpProblem(503, problemTypes.unavailable, 'Service Unavailable', detail);
