/** What a file brings to a new project. */
export interface ProjectImport {
  name: string;
  description: string;
  code: string;
  layout: string;
  loomCode: string | null;
}

/**
 * Reads a project file: the public JSON export `{name, description, weftCode, layoutCode,
 * loomCode?}`, or Weft code whose `# Project:` and `# Description:` header comments give
 * the name and description (else the file name does).
 */
export function parseProjectImport(content: string, fileName = ''): ProjectImport | { problem: string } {
  const baseName = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || 'Imported project';
  if (fileName.endsWith('.json') || content.trimStart().startsWith('{')) return fromExport(content, baseName);
  const header = (key: string) => new RegExp(`^#\\s*${key}:\\s*(.+)$`, 'm').exec(content)?.[1]?.trim();
  return { name: header('Project') ?? baseName, description: header('Description') ?? '', code: content, layout: '', loomCode: null };
}

function fromExport(content: string, baseName: string): ProjectImport | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    return { problem: `The file is not valid JSON (${(error as Error).message})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: 'A project export is a JSON object with name, description, weftCode and layoutCode' };
  }
  const exported = parsed as Record<string, unknown>;
  const wrongType = ['name', 'description', 'weftCode', 'layoutCode', 'loomCode'].filter(
    (key) => exported[key] !== undefined && exported[key] !== null && typeof exported[key] !== 'string',
  );
  if (wrongType.length > 0) return { problem: `In a project export, ${wrongType.join(', ')} must be text` };
  if (typeof exported.weftCode !== 'string') return { problem: 'The export has no weftCode: is it a project export?' };
  const text = (key: string) => (typeof exported[key] === 'string' ? (exported[key] as string) : undefined);
  return {
    name: text('name')?.trim() || baseName,
    description: text('description') ?? '',
    code: exported.weftCode,
    layout: text('layoutCode') ?? '',
    loomCode: text('loomCode') ?? null,
  };
}
