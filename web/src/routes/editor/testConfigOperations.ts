import { graphql } from '../../graphql/generated';

graphql(`
  fragment TestConfigFields on TestConfig {
    id
    name
    mocks
    updatedAt
    executionCount
    executions(first: 5) {
      id
      status
      startedAt
    }
  }
`);

export const ProjectTestConfigs = graphql(`
  query ProjectTestConfigs($id: ID!) {
    project(id: $id) {
      id
      testConfigs {
        ...TestConfigFields
      }
    }
  }
`);

export const CreateTestConfig = graphql(`
  mutation CreateTestConfig($projectId: ID!, $name: String!, $mocks: JSON!) {
    createTestConfig(projectId: $projectId, name: $name, mocks: $mocks) {
      __typename
      ... on TestConfig {
        ...TestConfigFields
      }
      ... on Problem {
        message
      }
    }
  }
`);

export const UpdateTestConfig = graphql(`
  mutation UpdateTestConfig($id: ID!, $name: String, $mocks: JSON) {
    updateTestConfig(id: $id, name: $name, mocks: $mocks) {
      __typename
      ... on TestConfig {
        ...TestConfigFields
      }
      ... on Problem {
        message
      }
    }
  }
`);

export const DeleteTestConfig = graphql(`
  mutation DeleteTestConfig($id: ID!) {
    deleteTestConfig(id: $id)
  }
`);
