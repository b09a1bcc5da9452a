import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import ExecutionDetails from './ExecutionDetails';
import './executions.css';

/** `/executions/:executionId`: one execution on its own page, live, with a link to it on the graph. */
export default function ExecutionPage() {
  const { executionId = '' } = useParams();
  useEffect(() => {
    document.title = `Execution ${executionId.slice(-8)} · Weftworks`;
  }, [executionId]);
  return (
    <section className="execution-page">
      <p className="back-link"><Link to="/executions">← All executions</Link></p>
      <ExecutionDetails key={executionId} executionId={executionId} standalone />
    </section>
  );
}
