import { ExecutionsPage } from './routes/executions/ExecutionsPage';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <a href="/" className="brand">Weftworks</a>
        <nav>
          <a href="/executions">Executions</a>
          <a href="/graphql">GraphQL</a>
        </nav>
      </header>
      <main>
        <ExecutionsPage />
      </main>
    </div>
  );
}
