import { useMemo } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A per-task link (`/tasks/:id?token=wtask_…`) carries a bearer token that lets whoever holds it
 * read, answer or skip that one task. It is sent with this page's requests only, and never
 * stored, so it does not replace the API token the app keeps.
 */
export function useLinkToken(): { token: string | null; context: { fetchOptions: { headers: Record<string, string> } } | undefined } {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token');
  const context = useMemo(
    () => (token ? { fetchOptions: { headers: { 'x-graphql-csrf': '1', authorization: `Bearer ${token}` } } } : undefined),
    [token],
  );
  return { token, context };
}

/** The address of a task's own page, with its link token when the server gave one. */
export function taskLink(taskId: string, linkToken: string | null | undefined): string {
  return `/tasks/${taskId}${linkToken ? `?token=${encodeURIComponent(linkToken)}` : ''}`;
}
