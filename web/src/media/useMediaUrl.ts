import { useCallback, useRef } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../graphql/generated';
import { storedFileLink } from './mediaValue';

const FileDownloadUrl = graphql(`
  query FileDownloadUrl($id: ID!) {
    fileDownloadUrl(id: $id)
  }
`);

/** A link with less than this left is renewed before it is shown (an image may load a little later). */
const RENEW_MARGIN_MS = 30_000;

/**
 * The URL to show a media value from. Links into the file store are signed and short-lived
 * (FILE_URL_TTL_SECONDS), so a run looked at later holds an expired one: ask the server for a
 * fresh link. Other URLs are used as they are; so is the value's own link when no fresh one can be
 * had (a task link may not ask). `gone`: the file was deleted. `renew`: the link failed to load
 * (it expired while shown), ask once more.
 */
export function useMediaUrl(url: string): { url: string; gone: boolean; renew: () => void } {
  const link = storedFileLink(url);
  const stale = link !== null && link.expiresAt - RENEW_MARGIN_MS < Date.now();
  const [{ data, error }, refetch] = useQuery({ query: FileDownloadUrl, variables: { id: link?.fileId ?? '' }, pause: !stale });
  const renewed = useRef(false);
  const renew = useCallback(() => {
    if (!link || renewed.current) return;
    renewed.current = true;
    refetch({ requestPolicy: 'network-only' });
  }, [link !== null, refetch]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!link || error || !data) return { url, gone: false, renew };
  return data.fileDownloadUrl ? { url: data.fileDownloadUrl, gone: false, renew } : { url, gone: true, renew };
}
