import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the SPA: every graphql(`…`) call in web/src is checked against
// schema.graphql (printed from the Pothos schema) and gets its result and variable types.
// Only the files that call graphql( are given to codegen: it parses each file it is given
// (Babel), which for every file of web/src was a third of the first build's codegen time.
const sourceRoot = 'web/src';
const documents = readdirSync(sourceRoot, { recursive: true, encoding: 'utf8' })
  .map((file) => path.join(sourceRoot, file))
  .filter((file) => /\.tsx?$/.test(file) && !file.startsWith(path.join(sourceRoot, 'graphql', 'generated')))
  .filter((file) => /\bgraphql\(/.test(readFileSync(file, 'utf8')))
  .sort();

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents,
  ignoreNoDocuments: true,
  generates: {
    'web/src/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', USD: 'string' },
      },
    },
  },
};

export default config;
