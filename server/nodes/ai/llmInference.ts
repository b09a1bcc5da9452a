import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { isConfigObject, NodeFailure, outputsOf, type NodeDefinition, type NodeRunContext, type NodeRunResult } from '../definition';
import { readLimitedBody, requestFailure, timeLimit } from '../fetching';
import { costUsd, type TokenUsage } from './llmCost';

/** The config input: what an LlmConfig node outputs. */
const llmSettingsSchema = z.object({
  model: z.string({ error: 'needs a model name' }).min(1, 'needs a model name'),
  systemPrompt: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  apiKey: z.string().optional(),
  baseUrl: z.string().optional(),
});

type LlmSettings = z.infer<typeof llmSettingsSchema>;

/** What an OpenAI-compatible /chat/completions answers, as far as we read it. */
const completionSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string() }), finish_reason: z.string().nullish() })).min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).nullish(),
});

type Completion = z.infer<typeof completionSchema>;

function llmSettings(config: JsonValue): LlmSettings {
  const parsed = llmSettingsSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new NodeFailure(`the config input is not an LLM config (wire an LlmConfig node into it): ${problems.join('; ')}`);
}

function endpointOf(settings: LlmSettings, context: NodeRunContext): string {
  const baseUrl = settings.baseUrl ?? context.settings.llm.baseUrl;
  if (!baseUrl) {
    throw new NodeFailure(
      'no LLM endpoint is configured: set LLM_BASE_URL on the server to an OpenAI-compatible base URL ' +
        '(e.g. https://api.openai.com/v1), or baseUrl on the LlmConfig node',
    );
  }
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

function requestBody(settings: LlmSettings, prompt: string): string {
  const messages = [
    ...(settings.systemPrompt ? [{ role: 'system', content: settings.systemPrompt }] : []),
    { role: 'user', content: prompt },
  ];
  return JSON.stringify({ model: settings.model, messages, ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }) });
}

async function complete(context: NodeRunContext, settings: LlmSettings, prompt: string): Promise<Completion> {
  const url = endpointOf(settings, context);
  const apiKey = settings.apiKey ?? context.settings.llm.apiKey;
  const what = `the LLM endpoint ${url}`;
  const limit = timeLimit(context.signal, context.settings.llm.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: requestBody(settings, prompt), signal: limit.signal }).catch((error: unknown) => {
    throw requestFailure(error, what, limit);
  });
  const text = await readLimitedBody(response, context.settings.http.maxBodyBytes, limit, what);
  if (!response.ok) throw new NodeFailure(`${what} answered ${response.status}: ${errorMessageOf(text)}`, { status: response.status, body: text });
  const parsed = completionSchema.safeParse(parseJsonText(text));
  if (!parsed.success) throw new NodeFailure(`${what} did not answer like an OpenAI-compatible chat completion`, { body: text });
  return parsed.data;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The provider's own error message when it gives one (OpenAI: {"error": {"message": …}}). */
function errorMessageOf(text: string): string {
  const body = parseJsonText(text);
  const error = isConfigObject(body as JsonValue) ? (body as Record<string, JsonValue>).error : undefined;
  if (isConfigObject(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return text.slice(0, 500) || '(empty body)';
}

/** The reply as JSON; models often wrap it in a ```json fence, which is removed first. */
function replyAsJson(reply: string): JsonValue {
  const fenced = /^\s*```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(reply);
  const parsed = parseJsonText(fenced ? fenced[1]! : reply);
  if (parsed === undefined) throw new NodeFailure('the reply is not valid JSON, and parseJson is on', { reply });
  return parsed as JsonValue;
}

/** One output `response` gets the whole reply; declared outputs split a JSON object reply by key. */
function replyOutputs(context: NodeRunContext, reply: string): Record<string, JsonValue> {
  const onlyResponse = context.outputs.length <= 1 && (context.outputs[0]?.name ?? 'response') === 'response';
  if (context.config.parseJson !== true) return { response: reply };
  const value = replyAsJson(reply);
  if (onlyResponse) return { response: value };
  if (!isConfigObject(value)) throw new NodeFailure('the reply is JSON but not an object, so it cannot be split over the declared outputs', { reply });
  return outputsOf(context, value);
}

function usageOf(completion: Completion): TokenUsage {
  return { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 };
}

/** Asks the model; records tokens and their cost from the server's price table (0 for a model it does not price). */
export async function runLlmInference(context: NodeRunContext): Promise<NodeRunResult> {
  const settings = llmSettings(context.inputs.config ?? null);
  const prompt = typeof context.inputs.prompt === 'string' ? context.inputs.prompt : JSON.stringify(context.inputs.prompt);
  const completion = await complete(context, settings, prompt);
  const reply = completion.choices[0]!.message.content;
  const usage = usageOf(completion);
  const cost = costUsd(settings.model, usage, context.settings.llm.prices);
  const details: Record<string, JsonValue> = {
    model: settings.model,
    ...(completion.model && completion.model !== settings.model ? { answeredBy: completion.model } : {}),
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    finishReason: completion.choices[0]!.finish_reason ?? null,
    costUsd: cost ?? '0',
  };
  if (cost === undefined) details.pricing = `no price for model "${settings.model}" in the server's price table; cost recorded as 0`;
  if (!completion.usage) details.usage = 'the endpoint reported no token usage';
  try {
    return { outputs: replyOutputs(context, reply), costUsd: cost ?? '0', details };
  } catch (error) {
    // The call was made and paid for: keep its tokens and cost with the failure.
    if (error instanceof NodeFailure) throw new NodeFailure(error.message, { ...details, ...error.details });
    throw error;
  }
}

export const llmInferenceNode: NodeDefinition = {
  type: 'LlmInference',
  description:
    'Asks a language model (an OpenAI-compatible endpoint set by the server). Declare the response type; with parseJson the reply is parsed as JSON and may be split over several declared outputs.',
  category: 'AI',
  inputs: [
    { name: 'prompt', type: 'String' },
    { name: 'config', type: 'JsonDict' },
  ],
  outputs: [{ name: 'response', type: 'String' }],
  declaredInputs: 'none',
  declaredOutputs: 'any',
  config: z.object({
    parseJson: z.boolean().optional().describe('Parse the reply as JSON'),
  }),
  isTrigger: false,
  runs: true,
  run: runLlmInference,
  derivePorts(config, declared) {
    const parseJson = config.parseJson === true;
    const outputs = declared.outputs?.length
      ? declared.outputs
      : [{ name: 'response', type: parseJson ? 'JsonDict' : 'String' }];
    const splitsReply = outputs.length > 1 || outputs[0]?.name !== 'response';
    const problems =
      splitsReply && !parseJson
        ? [{ path: [], message: 'outputs other than "response" need parseJson: true, so the JSON reply can be split over them' }]
        : [];
    return { inputs: llmInferenceNode.inputs, outputs, problems };
  },
};
