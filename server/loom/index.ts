export * from './manifest';
export { loomBlockOf, parseLoom, parseOptions } from './parser';
export { inlineTripleBacktickValues, reflow, type SourceLine } from './reflow';
export { splitTokens, tokenize, unquote } from './tokens';
export {
  checkBindings, fieldBinding, outputSource, sensitiveFieldTypes, walkBlocks,
  type LoomCatalog, type LoomCatalogField, type LoomEdge, type LoomNode, type LoomProgram,
} from './bindings';
export { pageForMode, shownIn, visitorAllowlist, type IsSensitive, type PageMode, type VisitorAllowlist } from './visibility';
export { cssSize, spacing } from './sizes';
