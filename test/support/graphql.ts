export interface GraphQLResponse<Data> {
  data?: Data;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A GraphQL request over HTTP POST, as any client would send it. */
export async function graphqlRequest<Data = Record<string, any>>(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<Data>> {
  return (await graphqlPost<Data>(graphqlUrl, query, variables)).body;
}

/** A POST with extra headers (an API token…), answering the HTTP status as well. */
export async function graphqlPost<Data = Record<string, any>>(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLResponse<Data> }> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLResponse<Data> };
  } catch {
    // Say what came instead (a proxy's page, an empty answer), to find why.
    throw new Error(`HTTP ${response.status} ${response.statusText} with a body that is not JSON: ${JSON.stringify(text.slice(0, 300))}`);
  }
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
