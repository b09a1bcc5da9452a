import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Provider } from 'urql';
import { App } from './App';
import { createGraphQLClient } from './graphql/client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// A published runner page (/p/<slug>) is a page of its own, for anyone: no app shell, no API token, no WebSocket.
const publishedSlug = /^\/p\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
if (publishedSlug) {
  void import('./routes/published/PublishedPage').then(({ default: PublishedPage }) =>
    createRoot(root).render(
      <StrictMode>
        <PublishedPage slug={decodeURIComponent(publishedSlug)} />
      </StrictMode>,
    ),
  );
} else {
  // A data router (App's own <Routes> below it) so that pages can block leaving, e.g. the editor with unsaved code.
  const router = createBrowserRouter([{ path: '*', element: <App /> }]);
  createRoot(root).render(
    <StrictMode>
      <Provider value={createGraphQLClient()}>
        <RouterProvider router={router} />
      </Provider>
    </StrictMode>,
  );
}
