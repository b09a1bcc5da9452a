export interface ImportedProject {
  name: string;
  description: string;
  code: string;
  layout?: string;
}

/**
 * A project from a file: a Weft program (its `# Project:` and `# Description:` header
 * comments give the name and description, else the file name does) or a JSON export
 * with `name`, `code` and optionally `description` and `layout`.
 */
export function projectFromFile(fileName: string, text: string): ImportedProject | { problem: string } {
  const baseName = fileName.replace(/\.[^.]+$/, '') || 'Imported project';
  if (fileName.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { problem: `${fileName} is not valid JSON.` };
    }
    const exported = parsed as Partial<Record<'name' | 'description' | 'code' | 'layout', unknown>>;
    if (typeof exported.code !== 'string') return { problem: `${fileName} has no "code" string: is it a project export?` };
    return {
      name: typeof exported.name === 'string' && exported.name ? exported.name : baseName,
      description: typeof exported.description === 'string' ? exported.description : '',
      code: exported.code,
      layout: typeof exported.layout === 'string' ? exported.layout : undefined,
    };
  }
  const header = (key: string) => new RegExp(`^#\\s*${key}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
  return { name: header('Project') ?? baseName, description: header('Description') ?? '', code: text };
}
