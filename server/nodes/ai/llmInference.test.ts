import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../weft/types';
import { costUsd, priceOf } from './llmCost';
import { runLlmInference } from './llmInference';
import { defaultNodeSettings } from '../settings';
import { failureOf, runContext, startLocalServer, type LocalServer, type TestRun } from '../testing';
import { EgressGuard } from '../../net/egress';

interface ChatRequest {
  authorization?: string;
  path: string;
  body: { model: string; messages: { role: string; content: string }[]; temperature?: number };
}

/** Replies the fake model gives, by prompt; any other prompt is echoed back. */
const REPLIES: Record<string, string> = {
  'give json': '{"city": "Oslo", "degrees": 3}',
  'give fenced json': '```json\n{"city": "Oslo"}\n```',
  'give a list': '[1, 2]',
  'give prose': 'Oslo is cold.',
};

let llm: LocalServer;
const requests: ChatRequest[] = [];

/** A local stand-in for an OpenAI-compatible provider; no test ever calls a real one. */
beforeAll(async () => {
  llm = await startLocalServer((request, text, response) => {
    const body = JSON.parse(text) as ChatRequest['body'];
    requests.push({ authorization: request.headers.authorization, path: request.url!, body });
    const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (body.model === 'refused') return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
    if (body.model === 'odd') return json(200, { answer: 'not a completion' });
    if (body.model === 'slow') return void setTimeout(() => json(200, {}), 2_000).unref();
    const prompt = body.messages[body.messages.length - 1]!.content;
    json(200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: `${body.model}-2024-07-18`,
      choices: [{ index: 0, message: { role: 'assistant', content: REPLIES[prompt] ?? `echo: ${prompt}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
    });
  });
});

afterAll(() => llm.close());

const withEndpoint = (baseUrl: string | undefined) => ({ llm: { ...defaultNodeSettings.llm, baseUrl, apiKey: 'server-key' } });

function infer(prompt: string, config: Record<string, JsonValue>, run: TestRun = {}) {
  return runLlmInference(
    runContext({ outputs: ['response'], settings: withEndpoint(`${llm.url}/v1/`), ...run, inputs: { prompt, config } }),
  );
}

const lastRequest = () => requests[requests.length - 1]!;

describe('LlmInference', () => {
  it('posts the prompt to {baseUrl}/chat/completions with the model, system prompt and temperature of its config', async () => {
    const result = await infer('Hello', { model: 'gpt-4o-mini', systemPrompt: 'Be brief.', temperature: 0.3 });
    expect(result.outputs).toEqual({ response: 'echo: Hello' });
    expect(lastRequest()).toEqual({
      authorization: 'Bearer server-key',
      path: '/v1/chat/completions',
      body: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
        temperature: 0.3,
      },
    });
  });

  it('sends no system message or temperature that the config does not set', async () => {
    await infer('Hi', { model: 'gpt-4o-mini' });
    expect(lastRequest().body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('records the tokens and their cost in USD from the price table', async () => {
    const result = await infer('Hi', { model: 'gpt-4o-mini' });
    // 1200 × $0.15/M + 300 × $0.60/M
    expect(result.costUsd).toBe('0.00036');
    expect(result.details).toMatchObject({
      model: 'gpt-4o-mini',
      answeredBy: 'gpt-4o-mini-2024-07-18',
      promptTokens: 1200,
      completionTokens: 300,
      finishReason: 'stop',
      costUsd: '0.00036',
    });
  });

  it('records a cost of 0 for a model the price table does not know, and says so', async () => {
    const result = await infer('Hi', { model: 'local-llama' });
    expect(result.costUsd).toBe('0');
    expect(result.details?.pricing).toBe('no price for model "local-llama" in the server\'s price table; cost recorded as 0');
  });

  it("uses the LlmConfig's apiKey and baseUrl over the server's", async () => {
    await infer('Hi', { model: 'gpt-4o-mini', apiKey: 'node-key', baseUrl: `${llm.url}/other` }, { settings: withEndpoint('http://127.0.0.1:9/v1') });
    expect(lastRequest()).toMatchObject({ authorization: 'Bearer node-key', path: '/other/chat/completions' });
  });

  it('fails, naming LLM_BASE_URL, when no endpoint is configured', async () => {
    const failure = await failureOf(infer('Hi', { model: 'gpt-4o-mini' }, { settings: withEndpoint(undefined) }));
    expect(failure.message).toMatch(/^no LLM endpoint is configured: set LLM_BASE_URL on the server/);
  });

  it('parses the reply as JSON with parseJson', async () => {
    const result = await infer('give json', { model: 'gpt-4o-mini' }, { config: { parseJson: true } });
    expect(result.outputs).toEqual({ response: { city: 'Oslo', degrees: 3 } });
  });

  it('reads a JSON reply wrapped in a ```json fence', async () => {
    const result = await infer('give fenced json', { model: 'gpt-4o-mini' }, { config: { parseJson: true } });
    expect(result.outputs).toEqual({ response: { city: 'Oslo' } });
  });

  it('splits a JSON object reply over the declared outputs too, null for a missing key, as Weft does', async () => {
    const result = await infer('give json', { model: 'gpt-4o-mini' }, { config: { parseJson: true }, outputs: ['response', 'city', 'degrees', 'wind'] });
    expect(result.outputs).toEqual({ response: { city: 'Oslo', degrees: 3 }, city: 'Oslo', degrees: 3, wind: null });
  });

  it('keeps the reply as text when parseJson is on and it is not JSON (the declared type of response decides)', async () => {
    const result = await infer('give prose', { model: 'gpt-4o-mini' }, { config: { parseJson: true } });
    expect(result.outputs).toEqual({ response: 'Oslo is cold.' });
  });

  it('splits nothing when the JSON reply is not an object', async () => {
    const result = await infer('give a list', { model: 'gpt-4o-mini' }, { config: { parseJson: true }, outputs: ['response', 'a'] });
    expect(result.outputs).toEqual({ response: [1, 2] });
  });

  it('takes its settings from its own fields when no config is wired, and sends maxTokens, topP and seed', async () => {
    await runLlmInference(runContext({
      outputs: ['response'], settings: withEndpoint(`${llm.url}/v1`),
      inputs: { prompt: 'Hi' }, config: { model: 'gpt-4o-mini', temperature: 0.5, maxTokens: 100, topP: 0.9, seed: 7, systemPrompt: 'Field.' },
    }));
    expect(lastRequest().body).toEqual({
      model: 'gpt-4o-mini', temperature: 0.5, max_tokens: 100, top_p: 0.9, seed: 7,
      messages: [{ role: 'system', content: 'Field.' }, { role: 'user', content: 'Hi' }],
    });
  });

  it("ignores its own fields when a config dict is wired, and lets a systemPrompt input win over the dict's", async () => {
    await runLlmInference(runContext({
      outputs: ['response'], settings: withEndpoint(`${llm.url}/v1`),
      inputs: { prompt: 'Hi', systemPrompt: 'Input.', config: { model: 'gpt-4o', systemPrompt: 'Dict.' } }, config: { model: 'ignored', temperature: 1 },
    }));
    expect(lastRequest().body).toEqual({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Input.' }, { role: 'user', content: 'Hi' }] });
  });

  it("uses the reference's default model when nothing names one, and the platform key for an empty or __PLATFORM__ apiKey", async () => {
    await infer('Hi', { apiKey: '__PLATFORM__' });
    expect(lastRequest()).toMatchObject({ authorization: 'Bearer server-key', body: { model: 'anthropic/claude-sonnet-4.6' } });
  });

  it("fails with the provider's message when the endpoint refuses the call", async () => {
    const failure = await failureOf(infer('Hi', { model: 'refused' }));
    expect(failure.message).toBe(`the LLM endpoint ${llm.url}/v1/chat/completions answered 401: Incorrect API key provided`);
  });

  it('fails when the endpoint does not answer like a chat completion', async () => {
    const failure = await failureOf(infer('Hi', { model: 'odd' }));
    expect(failure.message).toBe(`the LLM endpoint ${llm.url}/v1/chat/completions did not answer like an OpenAI-compatible chat completion`);
  });

  it('fails when the endpoint does not answer within the time limit', async () => {
    const settings = { llm: { ...withEndpoint(`${llm.url}/v1`).llm, timeoutMs: 200 } };
    const failure = await failureOf(infer('Hi', { model: 'slow' }, { settings }));
    expect(failure.message).toBe(`the LLM endpoint ${llm.url}/v1/chat/completions timed out after 0.2 s`);
  });

  it('fails with what is wrong when the config input is not an LLM config', async () => {
    const failure = await failureOf(infer('Hi', { temperature: 7 }));
    expect(failure.message).toBe('the config input is not an LLM config: temperature: Too big: expected number to be <=2');
  });

  it("refuses a baseUrl pointing at the platform's own ports, before anything is sent", async () => {
    const egress = new EgressGuard({ policy: 'allow-all', allowlist: [] });
    await egress.protect('Restate ingress', llm.url);
    const before = requests.length;
    const failure = await failureOf(infer('Hi', { model: 'gpt-4o-mini', baseUrl: `${llm.url}/v1` }, { settings: { ...withEndpoint(undefined), egress } }));
    expect(failure.message).toMatch(/^could not reach the LLM endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: refused: 127\.0\.0\.1:\d+ is the platform's own Restate ingress/);
    expect(requests.length).toBe(before);
  });
});

describe('LLM cost', () => {
  const prices = defaultNodeSettings.llm.prices;

  it('prices a dated model variant as its base model, the longest name it extends', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18', prices)).toBe(prices['gpt-4o-mini']);
    expect(priceOf('gpt-4o-2024-08-06', prices)).toBe(prices['gpt-4o']);
    expect(priceOf('gpt-4omni', prices)).toBeUndefined();
  });

  it('is an exact decimal, with no floating-point noise', () => {
    expect(costUsd('gpt-4o-mini', { promptTokens: 1000, completionTokens: 0 }, prices)).toBe('0.00015');
    expect(costUsd('x', { promptTokens: 1, completionTokens: 0 }, { x: { inputPerMillionUsd: 12.5, outputPerMillionUsd: 0 } })).toBe('0.0000125');
    expect(costUsd('gpt-4o', { promptTokens: 3_000_000, completionTokens: 1_000_000 }, prices)).toBe('17.5');
    expect(costUsd('gpt-4o', { promptTokens: 0, completionTokens: 0 }, prices)).toBe('0');
  });
});
