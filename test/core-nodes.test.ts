import { describe, expect, it } from '@jest/globals';
import { createProject, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

const runToEnd = async (graphqlUrl: string, code: string, name: string) =>
  waitForStatus(graphqlUrl, await runProject(graphqlUrl, await createProject(graphqlUrl, name, code)), ['completed', 'failed', 'cancelled']);

const lanes = `
items = ExecPython -> (xs: List[Number]) {
  code: "return {'xs': [1, 2, 3, 4]}"
}
double = ExecPython(x: Number) -> (y: Number) {
  code: "return {'y': x * 2}"
}
double.x = items.xs
depth = StackDepth(value: List[Number])
depth.value = double.y
shownDepth = Debug
shownDepth.data = depth.depth
keep = Number { value: 2.9 }
trim = StackTrim(value: List[Number])
trim.value = double.y
trim.count = keep.value
`;

describe('the core node types on a real platform, with their documented outputs', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  // The re-expansion of StackTrim's output downstream needs the scheduler to honour an output's
  // Expand lane mode, which it does not yet: a node wired after StackTrim never runs (see README).
  it('StackDepth counts the lanes it gathers; StackTrim keeps the first count lanes (count truncated)', async () => {
    const run = await runToEnd(url(), lanes, 'lanes');
    expect(run.status).toBe('completed');
    expect(run.runs.filter((r) => r.nodeId === 'double')).toHaveLength(4);
    expect(run.node('depth')?.output).toEqual({ depth: 4 });
    expect(run.node('shownDepth')?.inputs).toEqual({ data: 4 });
    expect(run.node('trim')?.inputs).toMatchObject({ value: [2, 4, 6, 8], count: 2.9 });
    expect(run.node('trim')?.output).toEqual({ value: [2, 4] });
  }, 60_000);

  it('StackTrim with count 0 keeps nothing', async () => {
    const run = await runToEnd(url(), lanes.replace('keep = Number { value: 2.9 }', 'keep = Number { value: 0 }'), 'trim to nothing');
    expect(run.node('trim')?.output).toEqual({ value: [] });
  }, 60_000);

  it('Notify outputs sent with the action to open; an empty url fails', async () => {
    const run = await runToEnd(url(), `
link = Text { value: "https://example.com/approve/42" }
ping = Notify
ping.url = link.value
blank = Text { value: " " }
broken = Notify
broken.url = blank.value
`, 'notify');
    const ping = run.node('ping')!;
    expect(ping.output).toEqual({ sent: true });
    expect(ping.details.__notify_action__).toEqual({ actionId: `${run.id}-ping-action`, actionUrl: 'https://example.com/approve/42' });
    expect(run.node('broken')).toMatchObject({ status: 'failed', error: 'url is empty: Notify needs the link to send' });
  }, 60_000);

  it('Gate forwards value unless pass is false, which outputs null and skips what follows', async () => {
    const run = await runToEnd(url(), `
word = Text { value: "kept" }
no = Boolean { value: false }
yes = Boolean { value: true }
closed = Gate
closed.pass = no.value
closed.value = word.value
afterClosed = Template(v: String) { template: "got {{v}}" }
afterClosed.v = closed.value
open = Gate
open.pass = yes.value
open.value = word.value
afterOpen = Template(v: String) { template: "got {{v}}" }
afterOpen.v = open.value
`, 'gate');
    expect(run.node('closed')?.output).toEqual({ value: null });
    expect(run.node('afterClosed')?.status).toBe('skipped');
    expect(run.node('open')?.output).toEqual({ value: 'kept' });
    expect(run.node('afterOpen')?.output).toEqual({ text: 'got kept' });
  }, 60_000);

  it('Image, Audio, Video and Document output { url, mimeType, filename }: the MIME type given, else from the extension, else the fallback', async () => {
    const run = await runToEnd(url(), `
pic = Image {
  media: {"url": "https://cdn.example.com/a/cat.WEBP?size=2", "filename": "cat.webp"}
}
plain = Image {
  media: {"url": "https://cdn.example.com/pixel"}
}
song = Audio {
  media: {"url": "https://cdn.example.com/track.m4a"}
}
clip = Video {
  media: {"url": "https://cdn.example.com/clip", "mime_type": "video/webm", "filename": "clip"}
}
doc = Document {
  media: {"url": "https://cdn.example.com/report.pdf", "filename": "report.pdf"}
}
nothing = Image
`, 'media');
    expect(run.node('pic')?.output).toEqual({ value: { url: 'https://cdn.example.com/a/cat.WEBP?size=2', mimeType: 'image/webp', filename: 'cat.webp' } });
    expect(run.node('plain')?.output).toEqual({ value: { url: 'https://cdn.example.com/pixel', mimeType: 'image/png', filename: '' } });
    expect(run.node('song')?.output).toEqual({ value: { url: 'https://cdn.example.com/track.m4a', mimeType: 'audio/mp4', filename: '' } });
    expect(run.node('clip')?.output).toEqual({ value: { url: 'https://cdn.example.com/clip', mimeType: 'video/webm', filename: 'clip' } });
    expect(run.node('doc')?.output).toEqual({ value: { url: 'https://cdn.example.com/report.pdf', mimeType: 'application/pdf', filename: 'report.pdf' } });
    expect(run.node('nothing')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^No image provided/) });
  }, 60_000);
});
