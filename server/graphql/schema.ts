import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder';
import './types/enums';
import './types/diagnostic';
import './types/graph';
import './types/problems';
import './types/nodeType';
import './types/project';
import './types/projectExport';
import './types/version';
import './types/execution';
import './types/nodeRun';
import './types/humanTask';
import './types/testConfig';
import './types/executionEvent';
import './types/apiToken';
import './types/trigger';
import './types/runnerPage';
import './types/publishedPage';
import './types/infrastructure';
import './types/credential';
import './types/storedFile';
import './types/fileLink';
import './types/fileUpload';

/** The whole GraphQL schema, assembled once from the type files above. */
export const schema = lexicographicSortSchema(builder.toSchema());
