import { graphql } from '../graphql/generated';

graphql(`
  fragment GraphFields on Graph {
    nodes {
      id
      localId
      type
      kind
      label
      parent
      expanded
      autoPlaced
      config
      laneDepth
      isTrigger
      code {
        line
        column
        endLine
        endColumn
      }
      position {
        x
        y
      }
      size {
        width
        height
      }
      inputs {
        name
        type
        optional
        lane {
          mode
          depth
        }
      }
      outputs {
        name
        type
        optional
      }
    }
    edges {
      id
      kind
      source {
        node
        port
      }
      target {
        node
        port
      }
    }
  }
`);
