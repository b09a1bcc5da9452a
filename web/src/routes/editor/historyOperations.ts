import { graphql } from '../../graphql/generated';

graphql(`
  fragment HistoryVersionFields on Version {
    id
    kind
    label
    createdAt
  }
`);

export const ProjectVersionsQuery = graphql(`
  query ProjectVersions($projectId: ID!, $first: Int!) {
    project(id: $projectId) {
      id
      versions(first: $first) {
        totalCount
        edges {
          node {
            ...HistoryVersionFields
          }
        }
      }
    }
  }
`);

export const VersionDetailsQuery = graphql(`
  query VersionDetails($id: ID!) {
    version(id: $id) {
      ...HistoryVersionFields
      code
      graph {
        ...GraphFields
      }
    }
  }
`);

export const SaveVersion = graphql(`
  mutation SaveVersion($projectId: ID!, $label: String!) {
    saveVersion(projectId: $projectId, label: $label) {
      __typename
      ... on Version {
        ...HistoryVersionFields
      }
      ... on Problem {
        message
      }
    }
  }
`);

export const LabelVersion = graphql(`
  mutation LabelVersion($id: ID!, $label: String) {
    labelVersion(id: $id, label: $label) {
      __typename
      ... on Version {
        ...HistoryVersionFields
      }
      ... on Problem {
        message
      }
    }
  }
`);

export const RestoreVersion = graphql(`
  mutation RestoreVersion($id: ID!) {
    restoreVersion(id: $id) {
      __typename
      ... on Version {
        ...HistoryVersionFields
        project {
          ...ProjectEditorFields
        }
      }
      ... on Problem {
        message
      }
    }
  }
`);
