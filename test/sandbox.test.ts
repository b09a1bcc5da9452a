import { describe, expect, it } from '@jest/globals';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxProcessesOf, stillRunning } from '../server/nodes/code/poolTesting';
import { createProject, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminToken = 'admin-token-for-the-sandbox-test-0123456789';
const llmApiKey = 'sk-llm-key-for-the-sandbox-test';

/** An ExecPython node whose code tries what a hostile project author would, and reports what it got. */
function probeProgram(targets: { files: string[]; folders: string[]; writeTo: string; ports: Record<string, number> }): string {
  const code = `
import json, os, socket
targets = json.loads(${JSON.stringify(JSON.stringify(targets))})
read = {}
for name in targets["files"]:
    try:
        with open(name) as f:
            read[name] = f.read(200)
    except OSError:
        read[name] = None
listed = {}
for name in targets["folders"]:
    try:
        listed[name] = os.listdir(name)
    except OSError:
        listed[name] = None
try:
    with open(targets["writeTo"], "w") as f:
        f.write("written by a project")
    wrote = True
except OSError:
    wrote = False
connected = {}
for name, port in targets["ports"].items():
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        connected[name] = True
    except OSError:
        connected[name] = False
return {"report": {"environment": dict(os.environ), "uid": os.getuid(), "read": read, "listed": listed, "wrote": wrote, "connected": connected}}
`;
  return `probe = ExecPython() -> (report: JsonDict) {
  label: "Probe"
  code: \`\`\`${code}\`\`\`
}
`;
}

describe('a project cannot reach the platform through ExecPython', () => {
  const platform = usePlatform({ env: { ADMIN_TOKEN: adminToken, LLM_API_KEY: llmApiKey, LLM_BASE_URL: 'http://127.0.0.1:9/v1' } });

  it("sees none of the server's secrets, files or ports, and runs as nobody", async () => {
    const { graphqlUrl, dataDir } = platform.current;
    const restatePorts = JSON.parse(await readFile(path.join(dataDir, 'restate', 'ports.json'), 'utf8')) as Record<string, number>;
    const executorPorts = JSON.parse(await readFile(path.join(dataDir, 'ports.json'), 'utf8')) as Record<string, number>;
    const ports: Record<string, number> = {
      graphql: Number(new URL(graphqlUrl).port),
      restateIngress: restatePorts.ingress!,
      restateAdmin: restatePorts.admin!,
      restateNode: restatePorts.node!,
      executor: executorPorts.executor!,
    };
    if (platform.database.url) ports.postgres = Number(new URL(platform.database.url).port || 5432);
    const writeTo = path.join(checkout, `written-by-a-project-${process.pid}.txt`);
    const files = [path.join(dataDir, 'secret'), path.join(checkout, 'package.json'), path.join(checkout, 'server', 'config.ts')];
    const folders = [dataDir, checkout, '/root', '/home'];
    try {
      const projectId = await createProject(graphqlUrl, 'probe', probeProgram({ files, folders, writeTo, ports }));
      const executionId = await runProject(graphqlUrl, projectId).catch((error: Error) => {
        throw new Error(`${error.message}\n${platform.current.output().split('\n').filter((line) => line.includes('"error"')).join('\n')}`);
      });
      const execution = await waitForStatus(graphqlUrl, executionId, ['completed', 'failed']);
      expect(execution.node('probe')?.error ?? null).toBeNull();
      const report = execution.node('probe')!.output.report;
      const everything = JSON.stringify(report.environment);
      expect(everything).not.toContain(adminToken);
      expect(everything).not.toContain(llmApiKey);
      if (platform.database.url) expect(everything).not.toContain(platform.database.url);
      expect(Object.keys(report.environment).filter((name) => !['PATH', 'HOME', 'TMPDIR', 'PWD', 'LANG', 'PYTHONIOENCODING', 'PYTHONDONTWRITEBYTECODE'].includes(name))).toEqual([]);
      if (process.getuid?.() === 0) expect(report.uid).toBe(65534);
      expect(report.read).toEqual(Object.fromEntries(files.map((file) => [file, null])));
      expect(report.listed).toEqual(Object.fromEntries(folders.map((folder) => [folder, null])));
      expect(report.wrote).toBe(false);
      expect(report.connected).toEqual(Object.fromEntries(Object.keys(ports).map((name) => [name, false])));
      await expect(readFile(writeTo, 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(writeTo, { force: true });
    }
  }, 90_000);

  it("refuses an Http node's call to the platform's own ports with a clear node error", async () => {
    const { graphqlUrl, dataDir } = platform.current;
    const restatePorts = JSON.parse(await readFile(path.join(dataDir, 'restate', 'ports.json'), 'utf8')) as Record<string, number>;
    const targets: Record<string, string> = {
      graphql: `${new URL(graphqlUrl).origin}/health`,
      admin: `http://localhost:${restatePorts.admin}/deployments`,
      ingress: `http://127.0.0.1:${restatePorts.ingress}/restate/health`,
    };
    const code = Object.entries(targets).map(([name, url]) => `${name} = Http {\n  url: "${url}"\n  method: "GET"\n}`).join('\n');
    const projectId = await createProject(graphqlUrl, 'own ports', `${code}\n`);
    const execution = await waitForStatus(graphqlUrl, await runProject(graphqlUrl, projectId), ['completed', 'failed']);
    expect(execution.node('graphql')?.error).toMatch(/^could not reach GET http:\/\/127\.0\.0\.1:\d+\/health: refused: 127\.0\.0\.1:\d+ is the platform's own GraphQL server, which project code may not call/);
    expect(execution.node('admin')?.error).toMatch(/refused: localhost:\d+ \(\S+\) is the platform's own Restate admin API/);
    expect(execution.node('ingress')?.error).toMatch(/refused: 127\.0\.0\.1:\d+ is the platform's own Restate ingress/);
  }, 90_000);
});

describe("the platform's warm sandboxes", () => {
  const platform = usePlatform({ env: { PYTHON_POOL_SIZE: '3' } });

  it('give each node of a run a sandbox of its own, and none is left once the platform stops', async () => {
    const { graphqlUrl } = platform.current;
    const program = [
      'first = ExecPython -> (pid: Number) {',
      '  code: ```',
      'import builtins, os',
      'open("/tmp/from-first.txt", "w").write("first")',
      'builtins.FROM_FIRST = True',
      'os.environ["FROM_FIRST"] = "1"',
      'return {"pid": os.getpid()}',
      '  ```',
      '}',
      'second = ExecPython(pid: Number) -> (report: JsonDict) {',
      '  code: ```',
      'import builtins, os',
      'return {"report": {"tmp": os.listdir("/tmp"), "global": hasattr(builtins, "FROM_FIRST"), "environment": os.environ.get("FROM_FIRST")}}',
      '  ```',
      '}',
      'second.pid = first.pid',
    ].join('\n');
    const projectId = await createProject(graphqlUrl, 'two sandboxes', program);
    for (let run = 0; run < 3; run += 1) {
      const execution = await waitForStatus(graphqlUrl, await runProject(graphqlUrl, projectId), ['completed', 'failed']);
      expect(execution.node('second')?.error ?? null).toBeNull();
      expect(execution.node('second')!.output.report).toEqual({ tmp: [], global: false, environment: null });
    }
    const server = platform.current.process.pid!;
    let sandboxes: { pid: number; name: string }[] = [];
    for (let waited = 0; waited < 20_000; waited += 100) {
      sandboxes = await sandboxProcessesOf(server, { deep: true });
      if (sandboxes.filter(({ name }) => name.startsWith('python')).length === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sandboxes.filter(({ name }) => name.startsWith('python'))).toHaveLength(3); // the pool, refilled, waiting
    await platform.stop();
    // The pool ends its sandboxes before the server exits; what is inside a sandbox dies with its bwrap at once.
    let left = await stillRunning(sandboxes.map(({ pid }) => pid));
    for (let waited = 0; left.length > 0 && waited < 2_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await stillRunning(left);
    }
    expect(left).toEqual([]);
  }, 90_000);
});
