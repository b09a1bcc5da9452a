import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import { useNow } from '../../time/useNow';
import { formatRelative } from '../../time/format';
import { errorText } from '../../run/errorText';

const ProjectsQuery = graphql(`
  query Projects($first: Int!) {
    projects(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          description
          updatedAt
        }
      }
    }
  }
`);

const CreateProject = graphql(`
  mutation CreateProject($name: String!, $code: String, $description: String) {
    createProject(name: $name, code: $code, description: $description) {
      __typename
      ... on Project {
        id
        layout
      }
      ... on Problem {
        message
      }
    }
  }
`);

const ImportProject = graphql(`
  mutation ImportProject($content: String!, $fileName: String) {
    importProject(content: $content, fileName: $fileName) {
      __typename
      ... on Project {
        id
      }
      ... on Problem {
        message
      }
    }
  }
`);

/** Every project, newest first: create a blank one, import a .weft file, open one. */
export function ProjectsPage() {
  const [{ data, error, fetching }] = useQuery({ query: ProjectsQuery, variables: { first: 200 } });
  const [creating, createProject] = useMutation(CreateProject);
  const [, importProject] = useMutation(ImportProject);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const navigate = useNavigate();
  const now = useNow(30_000);

  async function create(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setProblem('Give the project a name.');
    const result = await createProject({ name: trimmed });
    const created = result.data?.createProject;
    if (!created || created.__typename !== 'Project') return setProblem(`Could not create the project: ${created?.message ?? result.error?.message}`);
    navigate(`/projects/${created.id}`);
  }

  async function importFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const result = await importProject({ content: await file.text(), fileName: file.name });
    const imported = result.data?.importProject;
    if (!imported || imported.__typename !== 'Project') {
      return setProblem(`Could not import ${file.name}: ${imported?.message ?? result.error?.graphQLErrors[0]?.message ?? result.error?.message}`);
    }
    navigate(`/projects/${imported.id}`);
  }

  const projects = data?.projects.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="projects">
      <h1>Projects</h1>
      <div className="project-actions">
        <form onSubmit={create} className="inline-form">
          <label htmlFor="new-project-name" className="visually-hidden">Name of the new project</label>
          <input id="new-project-name" placeholder="New project name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={creating.fetching}>Create blank project</button>
        </form>
        <label className="button secondary file-button">
          Import a .weft file…
          <input type="file" accept=".weft,.json,text/plain,application/json" onChange={importFile} />
        </label>
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
      {error && <p className="error">Could not load projects: {errorText(error)}</p>}
      {fetching && !data && <p>Loading…</p>}
      {data && projects.length === 0 && <p className="empty">No projects yet. Create one or import a Weft file.</p>}
      <ul className="project-list">
        {projects.map((project) => (
          <li key={project.id} data-project-id={project.id}>
            <Link to={`/projects/${project.id}`} className="project-name">{project.name}</Link>
            {project.description && <span className="project-description">{project.description}</span>}
            <span className="project-updated" title={new Date(project.updatedAt).toLocaleString()}>
              changed {formatRelative(Date.parse(project.updatedAt), now)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
