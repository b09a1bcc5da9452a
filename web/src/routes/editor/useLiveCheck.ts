import { useEffect, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import type { CheckWeftQuery, NodeTypeCatalogQuery } from '../../graphql/generated/graphql';

const CheckWeft = graphql(`
  query CheckWeft($code: String!, $layout: String) {
    checkWeft(code: $code, layout: $layout) {
      ok
      diagnostics {
        ...DiagnosticFields
      }
      graph {
        ...GraphFields
      }
    }
  }
`);

const NodeTypeCatalog = graphql(`
  query NodeTypeCatalog {
    nodeTypes {
      type
      label
      description
      inputs { name type }
      outputs { name type }
      fields { key label fieldType }
    }
  }
`);

/** Waits this long after the last keystroke before asking the checker. */
export const CHECK_DELAY_MS = 350;

export type LiveCheck = CheckWeftQuery['checkWeft'] & { code: string };

/**
 * What the server's checker says of the code being typed, asked once typing pauses
 * (not saved, nothing versioned). Null until the first answer for unsaved code.
 */
export function useLiveCheck(code: string, layout: string, enabled: boolean): LiveCheck | null {
  const client = useClient();
  const [check, setCheck] = useState<LiveCheck | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const timer = setTimeout(() => {
      void client
        .query(CheckWeft, { code, layout }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (current && result.data) setCheck({ ...result.data.checkWeft, code });
        });
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, code, layout, enabled]);
  return check;
}

/** The node catalog, read once. */
export function useCatalog(): NodeTypeCatalogQuery['nodeTypes'] {
  const [{ data }] = useQuery({ query: NodeTypeCatalog });
  return data?.nodeTypes ?? noTypes;
}
const noTypes: NodeTypeCatalogQuery['nodeTypes'] = [];
