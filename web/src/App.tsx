import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { ExecutionsPage } from './routes/executions/ExecutionsPage';
import { ProjectsPage } from './routes/projects/ProjectsPage';

// The editor carries React Flow; load it only when a project is opened.
const ProjectEditorPage = lazy(() => import('./routes/editor/ProjectEditorPage'));

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="brand">Weftworks</Link>
        <nav>
          <NavLink to="/" end>Projects</NavLink>
          <NavLink to="/executions">Executions</NavLink>
          <a href="/graphql">GraphQL</a>
        </nav>
      </header>
      <Suspense fallback={<main><p>Loading…</p></main>}>
        <Routes>
          <Route path="/" element={<main><ProjectsPage /></main>} />
          <Route path="/executions" element={<main><ExecutionsPage /></main>} />
          <Route path="/projects/:projectId" element={<ProjectEditorPage />} />
          <Route path="*" element={<main><h1>Not found</h1><p>There is no page at this address.</p></main>} />
        </Routes>
      </Suspense>
    </div>
  );
}
