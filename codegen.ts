import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the SPA: every graphql(`…`) call in web/src is checked against
// schema.graphql (printed from the Pothos schema) and gets its result and variable types.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/graphql/generated/**'],
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
