import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { ConnectionIndicator } from './app/ConnectionIndicator';

// Each page is its own chunk, loaded when first visited; the editor carries React Flow.
const ProjectsPage = lazy(() => import('./routes/projects/ProjectsPage').then((module) => ({ default: module.ProjectsPage })));
const ProjectEditorPage = lazy(() => import('./routes/editor/ProjectEditorPage'));
const ExecutionsPage = lazy(() => import('./routes/executions/ExecutionsPage'));
const ExecutionPage = lazy(() => import('./routes/executions/ExecutionPage'));
const TasksPage = lazy(() => import('./routes/tasks/TasksPage'));
const TaskPage = lazy(() => import('./routes/tasks/TaskPage'));
const FilesPage = lazy(() => import('./routes/files/FilesPage'));

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="brand">Weftworks</Link>
        <nav>
          <NavLink to="/" end>Projects</NavLink>
          <NavLink to="/executions">Executions</NavLink>
          <NavLink to="/tasks">Tasks</NavLink>
          <NavLink to="/files">Files</NavLink>
          <a href="/graphql">GraphQL</a>
        </nav>
        <ConnectionIndicator />
      </header>
      <Suspense fallback={<main><p>Loading…</p></main>}>
        <Routes>
          <Route path="/" element={<main><ProjectsPage /></main>} />
          <Route path="/executions" element={<main><ExecutionsPage /></main>} />
          <Route path="/executions/:executionId" element={<main><ExecutionPage /></main>} />
          <Route path="/projects/:projectId" element={<ProjectEditorPage />} />
          <Route path="/tasks" element={<TasksPage />} />
          <Route path="/tasks/:taskId" element={<TaskPage />} />
          <Route path="/files" element={<FilesPage />} />
          <Route path="*" element={<main><h1>Not found</h1><p>There is no page at this address.</p></main>} />
        </Routes>
      </Suspense>
    </div>
  );
}
