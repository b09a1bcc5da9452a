import { graphql } from '../../graphql/generated';

graphql(`
  fragment HumanTaskCardFields on HumanTask {
    id
    nodeId
    lane
    kind
    title
    actionUrl
    form
    state
    answer
    answeredBy
    answeredAt
    createdAt
    linkToken
    execution {
      id
      status
      project {
        id
        name
      }
    }
  }
`);

export const OpenTasksQuery = graphql(`
  query OpenTasks($first: Int!) {
    humanTasks(first: $first, filter: { state: [open] }) {
      totalCount
      edges {
        node {
          ...HumanTaskCardFields
        }
      }
    }
  }
`);

export const HumanTaskQuery = graphql(`
  query HumanTask($id: ID!) {
    humanTask(id: $id) {
      ...HumanTaskCardFields
    }
  }
`);

/** Every form opening or closing; a filter on state would hide the closings. */
export const HumanTaskEvents = graphql(`
  subscription HumanTaskEvents($filter: HumanTaskFilter) {
    humanTaskEvents(filter: $filter) {
      ...HumanTaskCardFields
    }
  }
`);

export const AnswerHumanTask = graphql(`
  mutation AnswerHumanTask($id: ID!, $answer: JSON!) {
    answerHumanTask(id: $id, answer: $answer) {
      __typename
      ... on HumanTask {
        ...HumanTaskCardFields
      }
      ... on Problem {
        message
      }
      ... on InvalidAnswer {
        problems {
          field
          message
        }
      }
      ... on TaskClosed {
        closedAs: state
      }
    }
  }
`);

export const CompleteActionTask = graphql(`
  mutation CompleteActionTask($id: ID!) {
    completeActionTask(id: $id) {
      __typename
      ... on HumanTask {
        ...HumanTaskCardFields
      }
      ... on Problem {
        message
      }
      ... on TaskClosed {
        closedAs: state
      }
    }
  }
`);

export const SkipHumanTask = graphql(`
  mutation SkipHumanTask($id: ID!) {
    skipHumanTask(id: $id) {
      __typename
      ... on HumanTask {
        ...HumanTaskCardFields
      }
      ... on Problem {
        message
      }
      ... on TaskClosed {
        closedAs: state
      }
    }
  }
`);

graphql(`
  fragment HumanTriggerFormFields on Trigger {
    id
    nodeId
    form
    project {
      id
      name
    }
  }
`);

export const HumanTriggerFormsQuery = graphql(`
  query HumanTriggerForms {
    humanTriggerForms {
      ...HumanTriggerFormFields
    }
  }
`);

export const SubmitHumanTrigger = graphql(`
  mutation SubmitHumanTrigger($triggerId: ID!, $answer: JSON!) {
    submitHumanTrigger(triggerId: $triggerId, answer: $answer) {
      __typename
      ... on Execution {
        id
        project {
          id
        }
      }
      ... on Problem {
        message
      }
      ... on InvalidAnswer {
        problems {
          field
          message
        }
      }
    }
  }
`);
