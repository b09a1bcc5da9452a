import { useEffect } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import { errorText } from '../../run/errorText';
import { ExecutionsList } from '../executions/ExecutionsPage';
import { ViewSwitch } from '../runner/ViewSwitch';
import '../executions/executions.css';

const ProjectNameQuery = graphql(`
  query ProjectName($id: ID!) {
    project(id: $id) {
      id
      name
    }
  }
`);

/** `/projects/:projectId?view=runs`: the project's own executions, live, filtered as the executions page is. */
export function ProjectRunsView({ projectId }: { projectId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ProjectNameQuery, variables: { id: projectId } });
  const project = data?.project;
  useEffect(() => {
    if (project) document.title = `Runs of ${project.name} · Weftworks`;
  }, [project]);
  if (error) return <main><p className="error" role="alert">Could not load the project: {errorText(error)}</p></main>;
  if (fetching && !data) return <main><p>Loading…</p></main>;
  if (!project) return <main><h1>Project not found</h1><p>There is no project {projectId}.</p></main>;
  return (
    <main className="project-runs">
      <div className="project-runs-header">
        <h1 className="editor-title">{project.name}</h1>
        <ViewSwitch projectId={projectId} />
      </div>
      <section className="executions-page">
        <ExecutionsList title={<h2>Runs</h2>} projectId={projectId} />
      </section>
    </main>
  );
}
