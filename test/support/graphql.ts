/** A GraphQL request over HTTP POST, as any client would send it. */
export async function graphqlRequest<Data = Record<string, any>>(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: Data; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Data; errors?: { message: string }[] };
}

/** Like graphqlRequest, but fails the test on any GraphQL error. */
export async function graphqlData<Data = Record<string, any>>(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Data> {
  const result = await graphqlRequest<Data>(graphqlUrl, query, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}
