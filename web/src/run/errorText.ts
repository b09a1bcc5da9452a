import type { CombinedError } from 'urql';

/** What went wrong, in the server's words, without urql's "[GraphQL]" / "[Network]" prefixes. */
export function errorText(error: CombinedError): string {
  const graphqlMessage = error.graphQLErrors[0]?.message;
  if (graphqlMessage) return graphqlMessage;
  if (error.networkError) return `The server could not be reached (${error.networkError.message}).`;
  return error.message.replace(/^\[(GraphQL|Network)\]\s*/, '');
}
