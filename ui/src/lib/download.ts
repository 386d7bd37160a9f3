// Downloading a file the API makes (CSV exports): a plain link cannot send the bearer token, so
// the file is fetched with it and handed to the browser as a blob with the server's file name.
import { ApiError, apiHeaders, queryString, type Problem } from './api.js';

type Query = Parameters<typeof queryString>[0];

export async function downloadFile(path: string, query: Query, fallbackName: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(path + queryString(query), { headers: apiHeaders({ accept: 'text/csv, application/problem+json' }) });
  } catch (err) {
    throw new ApiError(0, null, `network: ${(err as Error)?.message ?? err}`);
  }
  if (!res.ok) {
    const problem = await res.json().catch(() => null) as Problem | null;
    if (res.status === 401) window.dispatchEvent(new CustomEvent('handhaving:unauthorized'));
    throw new ApiError(res.status, problem, res.statusText);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
